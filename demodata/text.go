package demodata

import (
	"strings"

	"github.com/lsip/scrutiny/domain"
	"github.com/lsip/scrutiny/store"
)

// offences lists realistic principal offences per strand.
var offences = map[string][]string{
	"race": {"Racially aggravated harassment (s.31 Crime and Disorder Act 1998)", "Racially aggravated assault by beating (s.29 Crime and Disorder Act 1998)",
		"Racially aggravated criminal damage (s.30 Crime and Disorder Act 1998)", "Assault occasioning actual bodily harm (s.47 OAPA 1861)"},
	"religion": {"Religiously aggravated public order offence (s.31 Crime and Disorder Act 1998)", "Religiously aggravated criminal damage (s.30 Crime and Disorder Act 1998)",
		"Stirring up religious hatred (Part 3A Public Order Act 1986)"},
	"disability":           {"Assault occasioning actual bodily harm (s.47 OAPA 1861)", "Theft", "Harassment (s.2 Protection from Harassment Act 1997)", "Fraud by abuse of position (s.4 Fraud Act 2006)"},
	"sexual_orientation":   {"Assault by beating", "Threatening behaviour (s.4 Public Order Act 1986)", "Harassment (s.2 Protection from Harassment Act 1997)"},
	"transgender_identity": {"Harassment (s.2 Protection from Harassment Act 1997)", "Assault by beating", "Malicious communications (s.1 Malicious Communications Act 1988)"},
	"older_people":         {"Fraud by false representation (s.2 Fraud Act 2006)", "Burglary (s.9 Theft Act 1968)", "Theft", "Ill-treatment or wilful neglect (s.44 Mental Capacity Act 2005)"},
	"domestic_abuse": {"Controlling or coercive behaviour (s.76 Serious Crime Act 2015)", "Assault occasioning actual bodily harm (s.47 OAPA 1861)",
		"Intentional strangulation (s.75A Serious Crime Act 2015)", "Breach of a non-molestation order (s.42A Family Law Act 1996)"},
	"rape":                {"Rape (s.1 Sexual Offences Act 2003)", "Assault by penetration (s.2 Sexual Offences Act 2003)"},
	"sexual_offences":     {"Sexual assault (s.3 Sexual Offences Act 2003)", "Voyeurism (s.67 Sexual Offences Act 2003)", "Disclosing private sexual images (s.66B Sexual Offences Act 2003)"},
	"stalking_harassment": {"Stalking involving fear of violence (s.4A Protection from Harassment Act 1997)", "Stalking (s.2A Protection from Harassment Act 1997)", "Harassment (s.2 Protection from Harassment Act 1997)"},
	"honour_based_abuse":  {"Assault occasioning actual bodily harm (s.47 OAPA 1861)", "Threats to kill (s.16 OAPA 1861)"},
	"forced_marriage":     {"Forced marriage (s.121 Anti-social Behaviour, Crime and Policing Act 2014)"},
	"fgm":                 {"Failing to protect a girl from FGM (s.3A Female Genital Mutilation Act 2003)"},
	"trafficking":         {"Arranging travel with a view to exploitation (s.2 Modern Slavery Act 2015)"},
}

// openings describe what happened, per strand, with no names or places
// narrower than a kind of place.
var openings = map[string][]string{
	"race":                 {"A shop worker was subjected to racist abuse by a customer who was refused service.", "A bus driver was racially abused and spat at by a passenger.", "A family had racist graffiti daubed on their front door by a neighbour over several weeks."},
	"religion":             {"Worshippers leaving a place of worship were abused because of their faith.", "A woman wearing a headscarf had it pulled from her head in a supermarket car park.", "Offensive material targeting a faith community was left outside a community centre."},
	"disability":           {"The complainant, a wheelchair user, was repeatedly mocked about his disability by a neighbour.", "A man with a learning disability was befriended and then exploited for his money.", "A blind woman was pushed over at a bus stop by a stranger who mocked her impairment."},
	"sexual_orientation":   {"Two men holding hands were attacked in a town centre by a stranger using homophobic slurs.", "A gay man received threatening messages from a former friend after coming out.", "A lesbian couple were abused in the street outside their home."},
	"transgender_identity": {"A trans woman received months of abusive messages referring to her gender identity.", "A trans man was assaulted on a night out after being misgendered and taunted.", "A trans woman was followed and threatened on public transport."},
	"older_people":         {"An elderly man was persuaded to pay for building work that was never done.", "An older woman's carer took money from her account over many months.", "A man in his eighties was targeted by a distraction burglary."},
	"domestic_abuse":       {"Over many months the defendant monitored his partner's phone, restricted her money and isolated her from family.", "The complainant was assaulted by her partner after an argument at home.", "The defendant repeatedly breached a non-molestation order by contacting his former partner."},
	"rape":                 {"The complainant was raped by an acquaintance after a night out.", "The complainant reported that her former partner raped her during their relationship.", "The complainant was assaulted by a man she had met through a dating app."},
	"sexual_offences":      {"A woman was sexually touched without consent on a crowded train.", "The defendant shared intimate images of his former partner without her consent.", "A young woman was filmed without her knowledge in a changing room."},
	"stalking_harassment":  {"The defendant followed his former partner to work and waited outside her home over several weeks.", "A woman received hundreds of unwanted messages and gifts from a former colleague.", "The defendant tracked the complainant's car and turned up wherever she went."},
	"honour_based_abuse":   {"A young woman was threatened by relatives for refusing to end a relationship.", "The complainant was assaulted by family members who believed she had brought shame on them."},
	"forced_marriage":      {"A young woman was taken abroad and pressured to marry against her will."},
	"fgm":                  {"Concerns were raised that a girl had been taken abroad for female genital mutilation."},
	"trafficking":          {"A woman was brought to the country with promises of work and then exploited."},
}

var outcomeSentences = map[domain.Outcome][]string{
	domain.ConvictionPlea:  {"The defendant pleaded guilty at the first hearing.", "The defendant pleaded guilty on the day of trial."},
	domain.ConvictionTrial: {"The defendant was convicted after trial.", "After a contested trial the defendant was found guilty."},
	domain.Discontinued:    {"The case was discontinued when a key witness withdrew support.", "The case was discontinued after the evidence was reviewed."},
	domain.Acquittal:       {"The defendant was acquitted after trial.", "The defendant claimed self-defence and was acquitted."},
	domain.Dismissed:       {"The case was dismissed when the prosecution could not proceed on the day.", "The court dismissed the case at half time."},
	domain.OtherOutcome:    {"The case ended with an out-of-court disposal.", "The case concluded with a restraining order on acquittal."},
}

// summary builds a two-to-four sentence anonymised summary consistent with
// the case's outcome and flags.
func (g *generator) summary(strand string, rec store.CaseRecord) string {
	parts := []string{pick(g.r, openings[strand]), pick(g.r, outcomeSentences[rec.Outcome])}
	if rec.UpliftApplied {
		parts = append(parts, "The court found hostility proved and applied a sentence uplift.")
	}
	if rec.VictimPersonalStatement {
		parts = append(parts, "A victim personal statement was read to the court.")
	} else if rec.SpecialMeasures {
		parts = append(parts, "Special measures were granted so the complainant could give evidence behind a screen.")
	}
	if len(parts) > 4 {
		parts = parts[:4]
	}
	return strings.Join(parts, " ")
}
