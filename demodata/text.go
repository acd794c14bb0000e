package demodata

// This file is data: the demo text. It holds the kinds of case the
// generator draws from and the fragments their summaries are written from;
// summary.go writes a summary from them.

import (
	"slices"

	"github.com/lsip/scrutiny/domain"
)

// A summary is written from templates whose slots take fragments drawn at
// random: {victim} describes the complainant without naming them,
// {offender} says who the defendant was to them, {place} is never narrower
// than a kind of place, {period} is how long it went on, and {they},
// {them} and {their} are the complainant's pronouns. No fragment carries a
// name, a place name, a date, a phone number or an address.

// profile is one kind of case: its strands, the first of which sets the
// category and the outcome mix, the people involved and what happened.
type profile struct {
	strands   []string
	victims   []person
	offenders []string
	incidents []weighted[incident]
	// details are sentences about the evidence or support, one of which
	// may follow the incident.
	details []string
	// specialMeasures is the percentage of complainants granted them.
	specialMeasures int
}

// strandsByCode indexes domain.Strands, which profiles name by code.
var strandsByCode = func() map[string]domain.Strand {
	m := make(map[string]domain.Strand, len(domain.Strands))
	for _, s := range domain.Strands {
		m[s.Code] = s
	}
	return m
}()

// primary is the profile's principal strand.
func (p *profile) primary() domain.Strand { return strandsByCode[p.strands[0]] }

// incident is what happened, and the principal offence charged for it.
type incident struct {
	offence, text string
}

// person describes a complainant.
type person struct {
	desc    string
	pronoun pronoun
}

type pronoun struct{ they, them, their string }

var (
	she      = pronoun{"she", "her", "her"}
	he       = pronoun{"he", "him", "his"}
	theyThem = pronoun{"they", "them", "their"}
)

// people describes several complainants who share pronouns.
func people(p pronoun, descs ...string) []person {
	out := make([]person, len(descs))
	for i, d := range descs {
		out[i] = person{d, p}
	}
	return out
}

// Offences charged in several kinds of case.
const (
	assaultByBeating = "Assault by beating (s.39 Criminal Justice Act 1988)"
	abh              = "Assault occasioning actual bodily harm (s.47 Offences Against the Person Act 1861)"
	harassment       = "Harassment (s.2 Protection from Harassment Act 1997)"
	threatening      = "Threatening behaviour (s.4 Public Order Act 1986)"
	theft            = "Theft (s.1 Theft Act 1968)"
	rape             = "Rape (s.1 Sexual Offences Act 2003)"
	sexualAssault    = "Sexual assault (s.3 Sexual Offences Act 2003)"
	coerciveControl  = "Controlling or coercive behaviour (s.76 Serious Crime Act 2015)"
	stalkingFear     = "Stalking involving fear of violence (s.4A Protection from Harassment Act 1997)"
	stalking         = "Stalking (s.2A Protection from Harassment Act 1997)"
	forcedMarriage   = "Forced marriage (s.121 Anti-social Behaviour, Crime and Policing Act 2014)"
	travelToExploit  = "Arranging or facilitating travel of another person with a view to exploitation (s.2 Modern Slavery Act 2015)"
)

// Places and periods.
var (
	publicPlaces = []string{
		"in a town centre", "in a supermarket car park", "at a bus stop", "on a train", "outside a takeaway",
		"at a petrol station", "on a bus", "in a park", "outside a shop", "at a railway station",
	}
	nightPlaces = []string{
		"on a crowded train", "in a nightclub", "at a party", "in a taxi", "at a festival", "in a town centre", "at a workplace",
	}
	periods = []string{
		"over several months", "over a number of weeks", "over more than a year", "over many months", "for most of a year",
	}
)

// Complainants and defendants that several profiles share.
var (
	publicVictims = slices.Concat(
		people(he, "a taxi driver", "a bus driver", "a delivery rider", "a restaurant owner", "a security guard"),
		people(she, "a shop worker", "a hospital nurse", "a student", "a care worker", "a pharmacist"))
	faithVictims = slices.Concat(
		people(she, "a Muslim woman wearing a headscarf", "a Jewish woman", "a Sikh student"),
		people(he, "a Jewish man wearing a kippah", "a Sikh taxi driver", "a Muslim shopkeeper", "a Hindu shopkeeper"))
	disabledVictims = slices.Concat(
		people(he, "a disabled man", "a wheelchair user", "a man with a learning disability", "a man with autism"),
		people(she, "a woman with a visual impairment", "a deaf woman", "a disabled woman"))
	partnerVictims = slices.Concat(
		people(she, "a woman in her twenties", "a woman in her thirties", "a woman in her fifties", "a young mother", "a pregnant woman"),
		people(he, "a man in his forties", "a man in his sixties"))
	youngVictims = slices.Concat(
		people(she, "a young woman", "a woman in her twenties", "a teenage girl"),
		people(he, "a young man"))
	exploitedVictims = slices.Concat(
		people(she, "a young woman", "a woman in her twenties", "a woman in her thirties"),
		people(he, "a young man"))

	strangers = []string{"a customer", "a passenger", "a neighbour", "a stranger", "a man who had been drinking", "a woman who had been refused service"}
	partners  = []string{"{their} partner", "{their} former partner", "{their} spouse"}
	relatives = []string{"a relative", "an uncle", "an older brother", "{their} father"}
)

// Details of the evidence and support, by kind of case.
var (
	hostilityDetails = []string{
		"A bystander recorded the incident on a mobile phone.",
		"Body-worn camera footage captured the words the defendant used.",
		"Independent witnesses confirmed the words used.",
		"CCTV footage showed the incident.",
		"The complainant said {they} no longer felt safe going out alone.",
	}
	olderPeopleDetails = []string{
		"The complainant's family raised the alarm after noticing money was missing.",
		"Bank records showed the payments.",
		"Trading standards officers assisted the police investigation.",
		"The complainant was supported by an older people's advocacy service.",
	}
	domesticAbuseDetails = []string{
		"Police attended after a neighbour heard shouting.",
		"Messages recovered from the complainant's phone supported {their} account.",
		"An IDVA supported the complainant throughout the case.",
		"Body-worn camera footage recorded the complainant's first account.",
		"The complainant disclosed earlier incidents that had not been reported at the time.",
	}
	sexualOffenceDetails = []string{
		"An ISVA supported the complainant throughout the case.",
		"The complainant gave a video-recorded interview.",
		"Forensic evidence was obtained.",
		"The complainant reported the offence some weeks later.",
		"Messages between the complainant and the defendant were examined.",
	}
	honourDetails = []string{
		"A specialist honour-based abuse service supported the complainant.",
		"The complainant was moved to a place of safety during the investigation.",
		"An IDVA supported the complainant throughout the case.",
	}
	fgmDetails = []string{
		"Social services and the police investigated jointly.",
		"Medical evidence was obtained from a specialist clinic.",
	}
	traffickingDetails = []string{
		"Financial records showed the complainant's earnings being taken.",
		"The complainant was referred to the National Referral Mechanism.",
		"An ISVA supported the complainant throughout the case.",
	}
)

// Single-strand profiles, one per strand.
var (
	raceCases = &profile{
		strands: []string{"race"}, victims: publicVictims, offenders: strangers,
		incidents: []weighted[incident]{
			{incident{"Racially aggravated intentional harassment, alarm or distress (s.31 Crime and Disorder Act 1998)",
				"The complainant, {victim}, was racially abused by {offender} {place}."}, 3},
			{incident{"Racially aggravated assault by beating (s.29 Crime and Disorder Act 1998)",
				"{offender} shouted racist abuse at the complainant, {victim}, {place} and then struck {them}."}, 2},
			{incident{"Racially aggravated harassment (s.32 Crime and Disorder Act 1998)",
				"The complainant, {victim}, was subjected to repeated racist abuse by {offender} {period}."}, 2},
			{incident{"Racially aggravated criminal damage (s.30 Crime and Disorder Act 1998)",
				"The complainant, {victim}, found {their} car damaged and a racist message left on it by {offender}."}, 1},
			{incident{abh, "The complainant, {victim}, was punched {place} by {offender}, who used racist language during the attack."}, 1},
		},
		details: hostilityDetails, specialMeasures: 8,
	}
	religionCases = &profile{
		strands: []string{"religion"}, victims: faithVictims, offenders: strangers,
		incidents: []weighted[incident]{
			{incident{"Religiously aggravated intentional harassment, alarm or distress (s.31 Crime and Disorder Act 1998)",
				"The complainant, {victim}, was abused because of {their} faith by {offender} {place}."}, 3},
			{incident{"Religiously aggravated assault by beating (s.29 Crime and Disorder Act 1998)",
				"{offender} spat at the complainant, {victim}, {place} and shouted abuse about {their} religion."}, 2},
			{incident{"Religiously aggravated harassment (s.32 Crime and Disorder Act 1998)",
				"The complainant, {victim}, received repeated abusive messages about {their} faith from {offender} {period}."}, 1},
		},
		details: hostilityDetails, specialMeasures: 8,
	}
	disabilityCases = &profile{
		strands: []string{"disability"}, victims: disabledVictims,
		offenders: []string{"a neighbour", "an acquaintance", "a stranger", "a former friend", "a man who lived nearby"},
		incidents: []weighted[incident]{
			{incident{harassment, "The complainant, {victim}, was repeatedly mocked about {their} disability by {offender} {period}."}, 2},
			{incident{theft, "The complainant, {victim}, was befriended by {offender}, who then took money from {them} {period}."}, 1},
			{incident{"Fraud by abuse of position (s.4 Fraud Act 2006)",
				"{offender} took control of the bank account of the complainant, {victim}, and spent {their} benefits {period}."}, 1},
			{incident{assaultByBeating, "{offender} pushed the complainant, {victim}, over {place} while mocking {their} impairment."}, 2},
		},
		details: hostilityDetails, specialMeasures: 30,
	}
	sexualOrientationCases = &profile{
		strands:   []string{"sexual_orientation"},
		victims:   slices.Concat(people(he, "a gay man", "a bisexual man", "a young gay man"), people(she, "a lesbian woman", "a bisexual woman")),
		offenders: []string{"a stranger", "a neighbour", "a former friend", "a man who had been drinking", "a passenger"},
		incidents: []weighted[incident]{
			{incident{assaultByBeating, "The complainant, {victim}, was assaulted {place} by {offender} after homophobic abuse."}, 2},
			{incident{threatening, "{offender} used homophobic slurs and threatened the complainant, {victim}, {place}."}, 2},
			{incident{harassment, "The complainant, {victim}, received homophobic threats from {offender} {period}."}, 1},
			{incident{abh, "The complainant, {victim}, was punched and kicked {place} by {offender}, who shouted homophobic abuse."}, 1},
		},
		details: hostilityDetails, specialMeasures: 8,
	}
	transgenderIdentityCases = &profile{
		strands:   []string{"transgender_identity"},
		victims:   slices.Concat(people(she, "a trans woman", "a young trans woman"), people(he, "a trans man"), people(theyThem, "a non-binary person")),
		offenders: []string{"a stranger", "a neighbour", "a former colleague", "a passenger", "an acquaintance"},
		incidents: []weighted[incident]{
			{incident{harassment, "The complainant, {victim}, received abusive messages about {their} gender identity from {offender} {period}."}, 2},
			{incident{assaultByBeating, "The complainant, {victim}, was assaulted {place} by {offender}, who mocked {their} gender identity."}, 1},
			{incident{threatening, "{offender} followed the complainant, {victim}, {place}, making threats and transphobic remarks."}, 1},
			{incident{"Malicious communications (s.1 Malicious Communications Act 1988)",
				"{offender} sent the complainant, {victim}, threatening messages online about {their} gender identity."}, 1},
		},
		details: hostilityDetails, specialMeasures: 8,
	}
	olderPeopleCases = &profile{
		strands: []string{"older_people"},
		victims: slices.Concat(people(he, "a man in his eighties", "a retired man living alone", "a widower in his nineties"),
			people(she, "a woman in her nineties", "an elderly widow", "a woman in her eighties")),
		offenders: []string{"a cold caller", "a paid carer", "a relative", "a neighbour"},
		incidents: []weighted[incident]{
			{incident{"Fraud by false representation (s.2 Fraud Act 2006)",
				"The complainant, {victim}, was persuaded by {offender} to pay for building work that was never done."}, 2},
			{incident{theft, "{offender} took money from the bank account of the complainant, {victim}, {period}."}, 1},
			{incident{"Burglary (s.9 Theft Act 1968)",
				"The complainant, {victim}, was targeted in a distraction burglary by a defendant posing as a utility worker."}, 1},
			{incident{"Ill-treatment or wilful neglect (s.44 Mental Capacity Act 2005)",
				"The complainant, {victim}, was neglected and mistreated by a paid carer {period}."}, 1},
		},
		details: olderPeopleDetails, specialMeasures: 30,
	}
	domesticAbuseCases = &profile{
		strands: []string{"domestic_abuse"}, victims: partnerVictims, offenders: partners,
		incidents: []weighted[incident]{
			{incident{coerciveControl, "The complainant, {victim}, was controlled {period} by {offender}, who monitored {their} phone, restricted {their} money and isolated {them} from family."}, 4},
			{incident{abh, "The complainant, {victim}, was assaulted at home by {offender} after an argument and suffered bruising."}, 3},
			{incident{"Intentional strangulation (s.75A Serious Crime Act 2015)", "The complainant, {victim}, was strangled by {offender} during an argument at home."}, 2},
			{incident{"Breach of a non-molestation order (s.42A Family Law Act 1996)",
				"The complainant, {victim}, was repeatedly contacted by {their} former partner in breach of a non-molestation order."}, 2},
			{incident{"Criminal damage (s.1 Criminal Damage Act 1971)",
				"The complainant, {victim}, had {their} phone smashed and home damaged by {offender} during an argument."}, 1},
			{incident{assaultByBeating, "The complainant, {victim}, was pushed and slapped by {offender} in front of their children."}, 1},
		},
		details: domesticAbuseDetails, specialMeasures: 50,
	}
	rapeCases = &profile{
		strands:   []string{"rape"},
		victims:   slices.Concat(people(she, "a woman in her twenties", "a university student", "a woman in her forties", "a young woman"), people(he, "a young man")),
		offenders: []string{"an acquaintance", "a man met through a dating app", "a friend of a friend", "a stranger", "a work colleague"},
		incidents: []weighted[incident]{
			{incident{rape, "The complainant, {victim}, was raped by {offender} after a night out."}, 3},
			{incident{rape, "The complainant, {victim}, reported that {their} former partner had raped {them} during their relationship."}, 2},
			{incident{"Assault by penetration (s.2 Sexual Offences Act 2003)",
				"The complainant, {victim}, was assaulted by {offender} while too intoxicated to consent."}, 1},
			{incident{rape, "The complainant, {victim}, was raped by {offender} at a party."}, 1},
		},
		details: sexualOffenceDetails, specialMeasures: 75,
	}
	sexualOffencesCases = &profile{
		strands:   []string{"sexual_offences"},
		victims:   slices.Concat(people(she, "a woman", "a young woman", "a female student", "a woman in her thirties"), people(he, "a man in his twenties")),
		offenders: []string{"a stranger", "a fellow passenger", "a work colleague", "an acquaintance", "a taxi driver"},
		incidents: []weighted[incident]{
			{incident{sexualAssault, "The complainant, {victim}, was sexually touched without consent by {offender} {place}."}, 3},
			{incident{"Voyeurism (s.67 Sexual Offences Act 2003)",
				"The complainant, {victim}, was filmed without {their} knowledge by {offender} in a changing room."}, 1},
			{incident{"Sharing an intimate photograph or film (s.66B Sexual Offences Act 2003)",
				"Intimate images of the complainant, {victim}, were shared without {their} consent by {their} former partner."}, 1},
			{incident{"Exposure (s.66 Sexual Offences Act 2003)", "{offender} exposed himself to the complainant, {victim}, {place}."}, 1},
		},
		details: sexualOffenceDetails, specialMeasures: 55,
	}
	stalkingCases = &profile{
		strands:   []string{"stalking_harassment"},
		victims:   slices.Concat(people(she, "a woman in her thirties", "a young woman", "a woman in her fifties", "a nurse"), people(he, "a man in his forties")),
		offenders: []string{"{their} former partner", "a former colleague", "an acquaintance", "a man {they} had met once"},
		incidents: []weighted[incident]{
			{incident{stalkingFear, "The complainant, {victim}, was followed to work by {offender}, who also waited outside {their} home {period}, leaving {them} in fear of violence."}, 2},
			{incident{stalking, "The complainant, {victim}, received hundreds of unwanted messages and gifts from {offender} {period}."}, 2},
			{incident{harassment, "The complainant, {victim}, found {offender} repeatedly waiting at {their} workplace {period}."}, 1},
			{incident{stalking, "The complainant, {victim}, had {their} car tracked by {offender}, who appeared wherever {they} went."}, 1},
			{incident{"Breach of a stalking protection order (s.8 Stalking Protection Act 2019)",
				"The complainant, {victim}, was contacted by {offender} in breach of a stalking protection order."}, 1},
		},
		details: domesticAbuseDetails, specialMeasures: 45,
	}
	honourBasedAbuseCases = &profile{
		strands: []string{"honour_based_abuse"}, victims: youngVictims, offenders: relatives,
		incidents: []weighted[incident]{
			{incident{"Threats to kill (s.16 Offences Against the Person Act 1861)",
				"The complainant, {victim}, was threatened with death by {offender} for refusing to end a relationship the family disapproved of."}, 2},
			{incident{abh, "The complainant, {victim}, was assaulted by {offender}, who believed {they} had brought shame on the family."}, 2},
			{incident{"False imprisonment (common law)",
				"The complainant, {victim}, was kept at home against {their} will by relatives to stop {them} seeing friends."}, 1},
		},
		details: honourDetails, specialMeasures: 60,
	}
	forcedMarriageCases = &profile{
		strands: []string{"forced_marriage"}, victims: youngVictims, offenders: relatives,
		incidents: []weighted[incident]{
			{incident{forcedMarriage, "The complainant, {victim}, was pressured by {offender} to marry against {their} will and told {they} would be taken abroad."}, 2},
			{incident{"Breach of a forced marriage protection order (s.63CA Family Law Act 1996)",
				"The complainant, {victim}, was contacted by {offender} in breach of a forced marriage protection order."}, 1},
		},
		details: honourDetails, specialMeasures: 60,
	}
	fgmCases = &profile{
		strands: []string{"fgm"}, victims: people(she, "a young girl", "a girl of primary school age"),
		offenders: []string{"{their} mother", "{their} father", "a relative"},
		incidents: []weighted[incident]{
			{incident{"Failing to protect a girl from risk of genital mutilation (s.3A Female Genital Mutilation Act 2003)",
				"A medical examination found that the complainant, {victim}, had been subjected to female genital mutilation, and {offender} was charged with failing to protect {them}."}, 2},
			{incident{"Breach of a female genital mutilation protection order (Sch.2 Female Genital Mutilation Act 2003)",
				"A protection order made for the complainant, {victim}, was breached by {offender}, who tried to arrange travel abroad."}, 1},
		},
		details: fgmDetails, specialMeasures: 90,
	}
	traffickingCases = &profile{
		strands: []string{"trafficking"}, victims: exploitedVictims,
		offenders: []string{"a man {they} had met online", "a woman who ran a brothel", "an acquaintance", "a family friend"},
		incidents: []weighted[incident]{
			{incident{travelToExploit, "The complainant, {victim}, was brought to the country by {offender} with the promise of a job and then sexually exploited."}, 2},
			{incident{"Controlling prostitution for gain (s.53 Sexual Offences Act 2003)",
				"The complainant, {victim}, was controlled by {offender}, who took the money paid to {them} for sex."}, 1},
			{incident{"Holding a person in slavery or servitude (s.1 Modern Slavery Act 2015)",
				"The complainant, {victim}, was made to work without pay and kept in a house by {offender}."}, 1},
		},
		details: traffickingDetails, specialMeasures: 70,
	}
)

// Strand mixes within each category, after the shape of CPS published
// caseloads: race is most of hate crime, domestic abuse most of VAWG.
var (
	hateCrimeProfiles = []weighted[*profile]{
		{raceCases, 66}, {sexualOrientationCases, 13}, {disabilityCases, 7}, {religionCases, 6},
		{olderPeopleCases, 5}, {transgenderIdentityCases, 3},
	}
	vawgProfiles = []weighted[*profile]{
		{domesticAbuseCases, 700}, {sexualOffencesCases, 110}, {stalkingCases, 100}, {rapeCases, 55},
		{traffickingCases, 15}, {honourBasedAbuseCases, 12}, {forcedMarriageCases, 5}, {fgmCases, 3},
	}
)

// twoStrandProfiles are the combinations case systems commonly flag
// together, with incidents that fit both strands.
var twoStrandProfiles = []weighted[*profile]{
	{&profile{
		strands:   []string{"domestic_abuse", "disability"},
		victims:   slices.Concat(people(she, "a disabled woman", "a woman who uses a wheelchair", "a deaf woman"), people(he, "a man with a learning disability")),
		offenders: []string{"{their} partner", "{their} former partner"},
		incidents: []weighted[incident]{
			{incident{coerciveControl, "The complainant, {victim}, was controlled {period} by {offender}, who withheld {their} medication and mobility aids and took {their} benefits."}, 2},
			{incident{abh, "The complainant, {victim}, was assaulted at home by {offender}, who mocked {their} disability."}, 1},
		},
		details: domesticAbuseDetails, specialMeasures: 60,
	}, 22},
	{&profile{
		strands: []string{"stalking_harassment", "domestic_abuse"}, victims: partnerVictims, offenders: []string{"{their} former partner"},
		incidents: []weighted[incident]{
			{incident{stalkingFear, "After the relationship ended, the complainant, {victim}, was followed and watched by {offender} {period}, leaving {them} in fear of violence."}, 2},
			{incident{stalking, "After the relationship ended, the complainant, {victim}, received hundreds of unwanted messages from {offender}."}, 1},
		},
		details: domesticAbuseDetails, specialMeasures: 50,
	}, 20},
	{&profile{
		strands: []string{"race", "religion"}, victims: faithVictims, offenders: strangers,
		incidents: []weighted[incident]{
			{incident{"Racially or religiously aggravated intentional harassment, alarm or distress (s.31 Crime and Disorder Act 1998)",
				"The complainant, {victim}, was abused {place} by {offender} with remarks about {their} ethnicity and faith."}, 2},
			{incident{"Racially or religiously aggravated assault by beating (s.29 Crime and Disorder Act 1998)",
				"{offender} pulled at the clothing of the complainant, {victim}, {place} while shouting racist and anti-religious abuse."}, 1},
		},
		details: hostilityDetails, specialMeasures: 8,
	}, 14},
	{&profile{
		strands: []string{"rape", "domestic_abuse"}, victims: people(she, "a woman in her twenties", "a woman in her thirties", "a young mother"),
		offenders: []string{"{their} partner", "{their} husband"},
		incidents: []weighted[incident]{
			{incident{rape, "The complainant, {victim}, reported that {offender} had raped {them} repeatedly as part of a pattern of controlling behaviour."}, 1},
			{incident{rape, "The complainant, {victim}, was raped by {offender} after saying {they} wanted to end the relationship."}, 1},
		},
		details: sexualOffenceDetails, specialMeasures: 75,
	}, 10},
	{&profile{
		strands:   []string{"sexual_offences", "disability"},
		victims:   slices.Concat(people(she, "a woman with a learning disability", "a deaf woman"), people(he, "a man with autism")),
		offenders: []string{"a carer", "a taxi driver", "an acquaintance"},
		incidents: []weighted[incident]{
			{incident{sexualAssault, "The complainant, {victim}, was sexually touched without consent by {offender}, who targeted {them} because of {their} disability."}, 1},
		},
		details: sexualOffenceDetails, specialMeasures: 80,
	}, 5},
	{&profile{
		strands:   []string{"sexual_orientation", "transgender_identity"},
		victims:   slices.Concat(people(she, "a trans woman"), people(he, "a gay trans man"), people(theyThem, "a non-binary person")),
		offenders: []string{"a stranger", "a neighbour", "a former friend"},
		incidents: []weighted[incident]{
			{incident{assaultByBeating, "The complainant, {victim}, was assaulted {place} by {offender}, who shouted homophobic and transphobic abuse."}, 1},
			{incident{harassment, "The complainant, {victim}, received abusive messages about {their} sexuality and gender identity from {offender} {period}."}, 1},
		},
		details: hostilityDetails, specialMeasures: 8,
	}, 5},
	{&profile{
		strands: []string{"forced_marriage", "honour_based_abuse"}, victims: youngVictims, offenders: relatives,
		incidents: []weighted[incident]{
			{incident{forcedMarriage, "The complainant, {victim}, was threatened with violence by {offender} for refusing a marriage the family had arranged."}, 1},
		},
		details: honourDetails, specialMeasures: 60,
	}, 5},
	{&profile{
		strands:   []string{"older_people", "disability"},
		victims:   slices.Concat(people(she, "a woman in her eighties with dementia"), people(he, "a man in his nineties with limited mobility")),
		offenders: []string{"a paid carer", "a neighbour"},
		incidents: []weighted[incident]{
			{incident{theft, "{offender} took money from the complainant, {victim}, {period}, exploiting {their} disability."}, 1},
		},
		details: olderPeopleDetails, specialMeasures: 40,
	}, 4},
	{&profile{
		strands: []string{"trafficking", "sexual_offences"}, victims: exploitedVictims,
		offenders: []string{"a man {they} had met online", "an acquaintance"},
		incidents: []weighted[incident]{
			{incident{travelToExploit, "The complainant, {victim}, was moved between towns by {offender} and made to have sex with paying men."}, 1},
		},
		details: traffickingDetails, specialMeasures: 70,
	}, 3},
}

// How cases end, by outcome. outcomeSentences adds those that only suit
// some kinds of case.
var (
	pleaSentences = []string{
		"The defendant pleaded guilty at the first hearing.",
		"The defendant pleaded guilty on the day of trial.",
		"The defendant pleaded guilty after the prosecution served further evidence.",
		"The defendant pleaded guilty at the first opportunity.",
	}
	trialSentences = []string{
		"The defendant was convicted after trial.",
		"After a contested trial the defendant was found guilty.",
		"The defendant denied the offence but was found guilty.",
	}
	discontinuedSentences = []string{
		"The case was discontinued after a review found there was no longer a realistic prospect of conviction.",
		"The case was discontinued when a key witness could not be traced.",
	}
	acquittalSentences = []string{
		"The defendant was acquitted after trial.",
		"The defendant was found not guilty.",
	}
	dismissedSentences = []string{
		"The court dismissed the case when the prosecution was not ready to proceed.",
		"The case was dismissed after the court refused an adjournment.",
	}
	otherSentences = []string{
		"The charge was ordered to lie on file.",
		"The defendant was found unfit to plead, and the court found that the defendant did the act.",
	}
)
