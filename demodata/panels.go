package demodata

import (
	"strings"
	"time"

	"github.com/lsip/scrutiny/domain"
)

// covers is what a panel scrutinises, as the panels table records it.
type covers string

const (
	coversHateCrime covers = "hate_crime"
	coversVAWG      covers = "vawg"
	coversBoth      covers = "both"
)

// category is the case category the panel reviews, or "" for both, which
// domain.StrandCodes reads as every strand.
func (c covers) category() domain.Category {
	if c == coversBoth {
		return ""
	}
	return domain.Category(c)
}

// panel is one demo panel with its members. Its strands are every strand
// of what it covers.
type panel struct {
	area    domain.Area
	name    string
	covers  covers
	members []member
	kind    domain.PanelKind // "" is a local panel
}

// member is one person on a panel.
type member struct {
	name, email, language string
	role                  domain.Role
	signedOn              *time.Time // nil until the confidentiality agreement is signed
	leftAt                *time.Time // nil while the member still serves
}

// splitAreas are the Areas with the largest caseloads. Each runs separate
// hate-crime and VAWG panels; every other Area has one panel covering both.
var splitAreas = map[string]bool{
	"london-north": true, "london-south": true, "west-midlands": true,
	"north-west": true, "yorkshire-humberside": true, "east-of-england": true,
}

// panels makes 20 panels, in domain.Areas order, each with six to nine
// members.
func (g *generator) panels() []panel {
	var out []panel
	for _, a := range domain.Areas {
		if splitAreas[a.Code] {
			out = append(out,
				g.panel(a, a.Name+" Hate Crime Scrutiny Panel", coversHateCrime),
				g.panel(a, a.Name+" VAWG Scrutiny Panel", coversVAWG))
		} else {
			out = append(out, g.panel(a, a.Name+" Local Scrutiny and Involvement Panel", coversBoth))
		}
	}
	g.retire(out)
	return out
}

// panel makes a panel of six to nine members: an independent chair, the
// Area's Inclusion and Community Engagement Manager (the staff member who
// coordinates it), one or two advisers from victim-support organisations
// and community members. In Wales about a third prefer to work in Welsh,
// the chair among them.
func (g *generator) panel(a domain.Area, name string, c covers) panel {
	p := panel{area: a, name: name, covers: c}
	size := 6 + g.r.IntN(4)
	advisers := 1 + g.r.IntN(2)
	welsh := a.Code == "wales"
	for i := range size {
		role := domain.RoleMember
		switch {
		case i == 0:
			role = domain.RoleChair
		case i == 1:
			role = domain.RoleStaff
		case i < 2+advisers:
			role = domain.RoleAdviser
		}
		m := member{name: g.name(welsh), role: role, language: "en"}
		m.email = strings.ToLower(strings.ReplaceAll(m.name, " ", ".")) + "@example.org"
		signed := g.today.AddDate(0, 0, -30-g.r.IntN(3*365))
		m.signedOn = &signed
		if welsh && (i == 0 || chance(g.r, 30)) {
			m.language = "cy"
		}
		p.members = append(p.members, m)
	}
	// The newest member of some panels, and in Wales always, has not yet
	// signed the confidentiality agreement, so must not be sent packs.
	if welsh || chance(g.r, 35) {
		p.members[size-1].signedOn = nil
	}
	return p
}

// retire marks the longest-serving community members of two panels as
// having left, so the demo shows inactive members too.
func (g *generator) retire(panels []panel) {
	for _, i := range g.r.Perm(len(panels))[:2] {
		for j, m := range panels[i].members {
			if m.role == domain.RoleMember {
				left := g.today.AddDate(0, 0, -30-g.r.IntN(300))
				panels[i].members[j].leftAt = &left
				break
			}
		}
	}
}

// name draws a fictional name not yet used in the demo. Panels in Wales
// draw Welsh names more often.
func (g *generator) name(welsh bool) string {
	first, last := firstNames, lastNames
	if welsh && chance(g.r, 60) {
		first, last = welshFirstNames, welshLastNames
	}
	for {
		n := pick(g.r, first) + " " + pick(g.r, last)
		if !g.usedNames[n] {
			g.usedNames[n] = true
			return n
		}
	}
}

// The name parts are common in England and Wales and reflect their
// communities; put together at random they name nobody in particular.
var (
	firstNames = []string{
		"Amara", "Bethany", "Chidi", "Deepa", "Eleni", "Farhan", "Grace", "Hassan", "Ines", "Jamal",
		"Kemi", "Leon", "Mei", "Nadia", "Oluwaseun", "Priya", "Rory", "Sana", "Tomasz", "Uzma",
		"Viktor", "Wen", "Yusuf", "Zainab", "Marcus", "Ruth", "Sam", "Agnieszka", "Bilal", "Chloe",
		"Daniel", "Esther", "Femi", "Gurpreet", "Hannah", "Kofi", "Laila", "Mohammed", "Naomi", "Patrick",
		"Rosa", "Sinead", "Tariq", "Yasmin", "Joseph", "Amrit", "Anjali", "Dev",
	}
	lastNames = []string{
		"Ahmed", "Begum", "Campbell", "Clarke", "Fernandes", "Green", "Iqbal", "Kowalski", "Mensah", "Nwosu",
		"Okafor", "Patel", "Quinn", "Rahman", "Singh", "Thompson", "Yildiz", "Zhang", "Owusu", "Murphy",
		"Kaur", "Hussain", "Walker", "Chen", "Novak", "Osei", "Bennett", "Ali", "Kelleher", "Mahmood",
		"Adeyemi", "Brown", "Wilson", "Shah", "Nowak", "Francis",
	}
	welshFirstNames = []string{
		"Aled", "Bethan", "Carys", "Dafydd", "Eleri", "Gethin", "Heledd", "Iwan", "Lowri", "Meinir",
		"Owain", "Rhodri", "Siwan", "Tomos", "Nia", "Gwen", "Emyr", "Ffion",
	}
	welshLastNames = []string{
		"Davies", "Evans", "Hughes", "Jones", "Lewis", "Morgan", "Price", "Roberts", "Thomas", "Williams",
		"Pritchard", "Griffiths", "Rees", "Jenkins", "Powell", "Llewelyn",
	}
)
