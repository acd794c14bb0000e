package demodata

import (
	"github.com/lsip/scrutiny/domain"
)

// nationalHost is the Area that hosts the demo's National Scrutiny Panel:
// its staff run the panel, which draws from every Area's cases.
const nationalHost = "west-midlands"

// nationalPanel is the demo's one national panel, made like a local panel
// (a chair, a coordinating staff member, advisers and community members)
// but reviewing hate crime cases from every Area, so a themed national
// cycle can be tried at once.
func (g *generator) nationalPanel() panel {
	host, _ := domain.AreaByName(nationalHost)
	p := g.panel(host, "National Scrutiny Panel on Hate Crime", coversHateCrime)
	p.kind = domain.PanelNational
	return p
}

// victimGroups are the coded groups flagged on hate crime cases, and how
// often each is flagged relative to the others.
var victimGroups = []weighted[domain.VictimGroup]{
	{domain.VictimGypsyRomaTraveller, 30}, {domain.VictimAsylumRefugee, 30},
	{domain.VictimMigrantWorker, 25}, {domain.VictimHomeless, 15},
}

// flagThemes sets the coded attributes a theme selects on
// (docs/case-import.md): about one hate crime case in eight has a victim
// from a group a national panel might take as its theme, a few VAWG
// victims are sex workers, some victims were under 18 and some offending
// was online. Nothing is written into the summaries, which stay as drawn.
func (g *generator) flagThemes(cases []domain.CaseRecord) {
	for i := range cases {
		c := &cases[i]
		switch {
		case c.Category == domain.HateCrime && chance(g.r, 12):
			c.VictimGroup = choose(g.r, victimGroups)
		case c.Category == domain.VAWG && chance(g.r, 1):
			c.VictimGroup = domain.VictimSexWorker
		}
		c.YouthVictim = chance(g.r, 7)
		c.OnlineOffending = chance(g.r, 10)
	}
}
