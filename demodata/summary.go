package demodata

import (
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/lsip/scrutiny/domain"
)

// outcomeSentences are the ways to say that a case whose principal strand
// is primary ended in o.
func outcomeSentences(o domain.Outcome, primary domain.Strand) []string {
	switch o {
	case domain.ConvictionPlea:
		return pleaSentences
	case domain.ConvictionTrial:
		return trialSentences
	case domain.Discontinued:
		if primary.Category == domain.VAWG {
			return append(slices.Clip(discontinuedSentences),
				"The complainant withdrew support, and the case was discontinued after an evidence-led prosecution was considered.")
		}
		return discontinuedSentences
	case domain.Acquittal:
		switch {
		case primary.Code == "rape":
			return append(slices.Clip(acquittalSentences), "The defendant said the complainant had consented and was acquitted.")
		case slices.Contains(hostilityStrands, primary.Code):
			return append(slices.Clip(acquittalSentences), "The defendant denied any hostility and was acquitted.")
		}
		return acquittalSentences
	case domain.Dismissed:
		return dismissedSentences
	}
	return otherSentences
}

// note is an optional sentence of a summary: an early one goes before the
// outcome, the rest after it.
type note struct {
	text  string
	early bool
}

// summary writes the case's anonymised summary: what happened, how it
// ended and, space allowing, a detail of the evidence or what the flags
// record, two to four sentences in all. A pending appeal or VRR or an
// outstanding co-defendant is always told, because it decides whether the
// case can be scrutinised.
func (g *generator) summary(p *profile, inc incident, rec *domain.CaseRecord, hostility bool) string {
	fill := slots(pick(g.r, p.victims), pick(g.r, p.offenders), pick(g.r, placesFor(p)), pick(g.r, periods))
	render := func(s string) string { return capitalise(fill.Replace(s)) }

	convicted := rec.Outcome == domain.ConvictionPlea || rec.Outcome == domain.ConvictionTrial
	var eligibility string
	switch {
	case rec.AppealPending:
		eligibility = "The defendant has lodged an appeal, which has not yet been heard."
	case rec.VRRPending:
		eligibility = "The complainant has asked for the decision to be reviewed under the Victims' Right to Review scheme."
	case rec.CodefendantOutstanding:
		eligibility = "A co-defendant's case has not yet concluded."
	}

	notes := []note{{pick(g.r, p.details), true}}
	if hostility && convicted {
		if rec.UpliftApplied {
			notes = append(notes, note{pick(g.r, []string{
				"The court found hostility proved and increased the sentence under s.66 Sentencing Act 2020.",
				"The sentence was increased because the court found the offence was aggravated by hostility.",
			}), false})
		} else {
			notes = append(notes, note{"No sentence uplift for hostility was applied.", false})
		}
	}
	if rec.SpecialMeasures {
		if rec.Outcome == domain.ConvictionTrial || rec.Outcome == domain.Acquittal {
			notes = append(notes, note{pick(g.r, []string{
				"The complainant gave evidence from behind a screen.",
				"The complainant gave evidence by live link from another room.",
			}), false})
		} else {
			notes = append(notes, note{"Special measures had been granted for the complainant to give evidence.", false})
		}
	}
	if rec.VictimPersonalStatement {
		if convicted {
			notes = append(notes, note{pick(g.r, []string{
				"A victim personal statement was read in court.",
				"The complainant read {their} victim personal statement to the court.",
			}), false})
		} else {
			notes = append(notes, note{"The complainant had made a victim personal statement.", false})
		}
	}
	if rec.CommunityImpactStatement {
		notes = append(notes, note{"A community impact statement was prepared for the court.", false})
	}
	if rec.Youth {
		notes = append(notes, note{"The defendant was under 18 and was dealt with as a youth.", false})
	}

	room := 2
	if eligibility != "" {
		room = 1
	}
	chosen := g.r.Perm(len(notes))[:min(len(notes), g.r.IntN(room+1))]
	slices.Sort(chosen)
	sentences := []string{render(inc.text)}
	for _, i := range chosen {
		if notes[i].early {
			sentences = append(sentences, render(notes[i].text))
		}
	}
	sentences = append(sentences, pick(g.r, outcomeSentences(rec.Outcome, p.primary())))
	for _, i := range chosen {
		if !notes[i].early {
			sentences = append(sentences, render(notes[i].text))
		}
	}
	if eligibility != "" {
		sentences = append(sentences, eligibility)
	}
	return strings.Join(sentences, " ")
}

// slots fills a template's slots for complainant v. The offender may be
// described by their relation to v, so has v's pronouns filled in first.
func slots(v person, offender, place, period string) *strings.Replacer {
	pronouns := []string{"{they}", v.pronoun.they, "{them}", v.pronoun.them, "{their}", v.pronoun.their}
	offender = strings.NewReplacer(pronouns...).Replace(offender)
	return strings.NewReplacer(append(pronouns, "{victim}", v.desc, "{offender}", offender, "{place}", place, "{period}", period)...)
}

// placesFor is where the profile's incidents happen: in public for hate
// crime, on a night out or at work for VAWG.
func placesFor(p *profile) []string {
	if p.primary().Category == domain.VAWG {
		return nightPlaces
	}
	return publicPlaces
}

// capitalise upper-cases the first letter, for sentences that begin with a
// slot.
func capitalise(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	return string(unicode.ToUpper(r)) + s[n:]
}
