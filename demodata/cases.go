package demodata

import (
	"fmt"
	"slices"
	"time"

	"github.com/lsip/scrutiny/domain"
)

// areaWeights share the cases out roughly by caseload: London and the big
// metropolitan Areas finalise the most.
var areaWeights = map[string]int{
	"london-north": 12, "london-south": 11, "west-midlands": 10, "north-west": 10, "yorkshire-humberside": 9,
	"east-of-england": 7, "south-east": 7, "mersey-cheshire": 6, "east-midlands": 6, "thames-chiltern": 6,
	"wales": 6, "south-west": 5, "wessex": 5, "north-east": 5,
}

// areaPrefixes begin each Area's case references, as in "LN-HC-24-00123".
var areaPrefixes = map[string]string{
	"london-north": "LN", "london-south": "LS", "west-midlands": "WM", "north-west": "NW",
	"yorkshire-humberside": "YH", "east-of-england": "EE", "south-east": "SE", "south-west": "SW",
	"wessex": "WX", "mersey-cheshire": "MC", "north-east": "NE", "east-midlands": "EM",
	"thames-chiltern": "TC", "wales": "WA",
}

// categoryPrefixes follow the Area prefix in a case reference.
var categoryPrefixes = map[domain.Category]string{domain.HateCrime: "HC", domain.VAWG: "VA"}

// Outcome mixes, after the shape of CPS published figures: most cases end in
// a guilty plea; domestic abuse cases are discontinued more often, when a
// complainant withdraws support; rape cases are contested far more often.
var (
	defaultOutcomes = []weighted[domain.Outcome]{
		{domain.ConvictionPlea, 66}, {domain.ConvictionTrial, 15}, {domain.Discontinued, 9},
		{domain.Acquittal, 6}, {domain.Dismissed, 2}, {domain.OtherOutcome, 2},
	}
	domesticAbuseOutcomes = []weighted[domain.Outcome]{
		{domain.ConvictionPlea, 55}, {domain.ConvictionTrial, 16}, {domain.Discontinued, 15},
		{domain.Acquittal, 8}, {domain.Dismissed, 4}, {domain.OtherOutcome, 2},
	}
	rapeOutcomes = []weighted[domain.Outcome]{
		{domain.ConvictionPlea, 30}, {domain.ConvictionTrial, 28}, {domain.Discontinued, 14},
		{domain.Acquittal, 23}, {domain.Dismissed, 2}, {domain.OtherOutcome, 3},
	}
)

// hostilityStrands are those where proved hostility increases the sentence
// under s.66 Sentencing Act 2020. Age is not among them.
var hostilityStrands = []string{"race", "religion", "disability", "sexual_orientation", "transgender_identity"}

// anonymousStrands are those whose complainants have lifelong anonymity in
// law: sexual offences, and also trafficking, female genital mutilation and
// forced marriage.
var anonymousStrands = []string{"rape", "sexual_offences", "trafficking", "fgm", "forced_marriage"}

// cases makes n closed cases, spread over the Areas, strands and outcomes,
// finalised on weekdays in the two years before today.
func (g *generator) cases(n int) []domain.CaseRecord {
	areas := make([]weighted[string], len(domain.Areas))
	for i, a := range domain.Areas {
		areas[i] = weighted[string]{a.Code, areaWeights[a.Code]}
	}
	out := make([]domain.CaseRecord, n)
	for i := range out {
		out[i] = g.caseRecord(i, choose(g.r, areas))
	}
	// References number each Area's cases in the order they were
	// finalised, per category and year, as a case system would.
	slices.SortStableFunc(out, func(a, b domain.CaseRecord) int { return a.FinalisedOn.Compare(b.FinalisedOn) })
	serial := map[string]int{}
	for i := range out {
		c := &out[i]
		prefix := fmt.Sprintf("%s-%s-%s", areaPrefixes[c.AreaCode], categoryPrefixes[c.Category], c.FinalisedOn.Format("06"))
		serial[prefix]++
		c.Reference = fmt.Sprintf("%s-%05d", prefix, serial[prefix])
	}
	return out
}

// caseRecord makes the i'th case in area, all but its reference. Its
// flags are drawn to agree with its strands and outcome, and its summary to
// agree with all three.
func (g *generator) caseRecord(i int, area string) domain.CaseRecord {
	p := g.profile()
	inc := choose(g.r, p.incidents)
	primary := p.primary()
	outcome := choose(g.r, outcomesFor(primary.Code))
	finalised := g.finalisedOn()
	convicted := outcome == domain.ConvictionPlea || outcome == domain.ConvictionTrial
	hostility := slices.ContainsFunc(p.strands, func(s string) bool { return slices.Contains(hostilityStrands, s) })

	vpsPercent := 30
	if convicted {
		vpsPercent = 70
	}
	rec := domain.CaseRecord{
		AreaCode: area,
		// A URN's shape (police force, station, number, year) with a
		// DEMO prefix and the unused station code ZZ, so that nobody
		// could take it for a real case.
		URN:                      fmt.Sprintf("DEMO%02dZZ%05d%s", 1+g.r.IntN(60), i+1, finalised.AddDate(0, -g.r.IntN(12), 0).Format("06")),
		Category:                 primary.Category,
		Strands:                  slices.Clone(p.strands),
		PrincipalOffence:         inc.offence,
		FinalisedOn:              finalised,
		Outcome:                  outcome,
		UpliftApplied:            hostility && convicted && chance(g.r, 75),
		VictimPersonalStatement:  chance(g.r, vpsPercent),
		CommunityImpactStatement: hostility && chance(g.r, 15),
		SpecialMeasures:          chance(g.r, p.specialMeasures),
		AppealPending:            (outcome == domain.ConvictionTrial && chance(g.r, 8)) || (outcome == domain.ConvictionPlea && chance(g.r, 1)),
		VRRPending:               (outcome == domain.Discontinued && chance(g.r, 10)) || (outcome == domain.Dismissed && chance(g.r, 5)),
		CodefendantOutstanding:   chance(g.r, 2),
		ComplainantAnonymity:     slices.ContainsFunc(p.strands, func(s string) bool { return slices.Contains(anonymousStrands, s) }),
		// Defendants in FGM cases are the girls' parents.
		Youth: primary.Code != "fgm" && chance(g.r, 6),
	}
	rec.Summary = g.summary(p, inc, &rec, hostility)
	return rec
}

// profile draws what kind of case this is: 8% are flagged with two
// strands; the rest are hate crime and VAWG in the ratio four to six.
func (g *generator) profile() *profile {
	switch {
	case chance(g.r, 8):
		return choose(g.r, twoStrandProfiles)
	case chance(g.r, 40):
		return choose(g.r, hateCrimeProfiles)
	default:
		return choose(g.r, vawgProfiles)
	}
}

// outcomesFor is the outcome mix for cases whose principal strand is
// strand.
func outcomesFor(strand string) []weighted[domain.Outcome] {
	switch strand {
	case "rape":
		return rapeOutcomes
	case "domestic_abuse":
		return domesticAbuseOutcomes
	}
	return defaultOutcomes
}

// finalisedOn draws a weekday, when courts sit, in the two years before
// today.
func (g *generator) finalisedOn() time.Time {
	start := g.today.AddDate(-2, 0, 0)
	days := int(g.today.Sub(start) / (24 * time.Hour))
	for {
		d := start.AddDate(0, 0, g.r.IntN(days))
		if wd := d.Weekday(); wd != time.Saturday && wd != time.Sunday {
			return d
		}
	}
}
