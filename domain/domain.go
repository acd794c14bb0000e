// Package domain holds the fixed vocabulary of LSIP scrutiny: case
// categories, strands, outcomes, member roles and the CPS Areas. The database
// schema enforces the same values with CHECK constraints and reference rows, so
// a value that passes here is one PostgreSQL will accept.
package domain

import (
	"slices"
	"strings"
)

// Category is the family of cases a strand belongs to.
type Category string

// The two case categories a panel can scrutinise.
const (
	HateCrime Category = "hate_crime"
	VAWG      Category = "vawg"
)

// Label is the plain-English name shown to people.
func (c Category) Label() string {
	switch c {
	case HateCrime:
		return "Hate crime"
	case VAWG:
		return "Violence against women and girls"
	}
	return string(c)
}

// Strand is one hate-crime or VAWG strand a case is flagged with and a panel
// reviews.
type Strand struct {
	Code     string
	Label    string
	Category Category
}

// Strands lists every strand, hate crime first, in the order people expect to
// read them.
var Strands = []Strand{
	{"race", "Race", HateCrime},
	{"religion", "Religion", HateCrime},
	{"disability", "Disability", HateCrime},
	{"sexual_orientation", "Sexual orientation", HateCrime},
	{"transgender_identity", "Transgender identity", HateCrime},
	{"older_people", "Crimes against older people", HateCrime},
	{"domestic_abuse", "Domestic abuse", VAWG},
	{"rape", "Rape", VAWG},
	{"sexual_offences", "Sexual offences", VAWG},
	{"stalking_harassment", "Stalking and harassment", VAWG},
	{"honour_based_abuse", "Honour-based abuse", VAWG},
	{"forced_marriage", "Forced marriage", VAWG},
	{"fgm", "Female genital mutilation", VAWG},
	{"trafficking", "Trafficking", VAWG},
}

// StrandByCode finds a strand by its code, accepting the label too and
// ignoring case, spaces and hyphens, because extracts from case systems spell
// strands in many ways.
func StrandByCode(s string) (Strand, bool) {
	key := normalise(s)
	for _, st := range Strands {
		if normalise(st.Code) == key || normalise(st.Label) == key {
			return st, true
		}
	}
	return Strand{}, false
}

// StrandCodes returns the codes of every strand in a category, or of all
// strands when category is empty.
func StrandCodes(category Category) []string {
	var codes []string
	for _, st := range Strands {
		if category == "" || st.Category == category {
			codes = append(codes, st.Code)
		}
	}
	return codes
}

// Outcome is how a finalised case ended.
type Outcome string

// Case outcomes recorded by the case management system.
const (
	ConvictionPlea  Outcome = "conviction_plea"
	ConvictionTrial Outcome = "conviction_trial"
	Acquittal       Outcome = "acquittal"
	Discontinued    Outcome = "discontinued"
	Dismissed       Outcome = "dismissed"
	OtherOutcome    Outcome = "other"
)

// Outcomes lists every outcome with its label.
var Outcomes = []struct {
	Code  Outcome
	Label string
}{
	{ConvictionPlea, "Conviction after guilty plea"},
	{ConvictionTrial, "Conviction after trial"},
	{Acquittal, "Acquittal"},
	{Discontinued, "Discontinued"},
	{Dismissed, "Dismissed"},
	{OtherOutcome, "Other"},
}

// ParseOutcome accepts an outcome code or label, ignoring case, spaces and
// hyphens.
func ParseOutcome(s string) (Outcome, bool) {
	key := normalise(s)
	for _, o := range Outcomes {
		if normalise(string(o.Code)) == key || normalise(o.Label) == key {
			return o.Code, true
		}
	}
	return "", false
}

// OutcomeLabel returns the plain-English label of an outcome.
func OutcomeLabel(o Outcome) string {
	for _, x := range Outcomes {
		if x.Code == o {
			return x.Label
		}
	}
	return string(o)
}

// ParseCategory accepts "hate_crime", "hate crime", "vawg" and the labels.
func ParseCategory(s string) (Category, bool) {
	switch normalise(s) {
	case normalise(string(HateCrime)), normalise(HateCrime.Label()):
		return HateCrime, true
	case normalise(string(VAWG)), normalise(VAWG.Label()):
		return VAWG, true
	}
	return "", false
}

// Role is a panel member's role on the panel.
type Role string

// Panel roles.
const (
	RoleChair   Role = "chair"
	RoleMember  Role = "member"
	RoleAdviser Role = "adviser"
	RoleStaff   Role = "staff"
)

// Roles lists every panel role.
var Roles = []Role{RoleChair, RoleMember, RoleAdviser, RoleStaff}

// Area is one of the CPS's 14 Areas.
type Area struct {
	Code string
	Name string
}

// Areas lists the 14 CPS Areas of England and Wales.
var Areas = []Area{
	{"london-north", "London North"},
	{"london-south", "London South"},
	{"west-midlands", "West Midlands"},
	{"north-west", "North West"},
	{"yorkshire-humberside", "Yorkshire and Humberside"},
	{"east-of-england", "East of England"},
	{"south-east", "South East"},
	{"south-west", "South West"},
	{"wessex", "Wessex"},
	{"mersey-cheshire", "Mersey-Cheshire"},
	{"north-east", "North East"},
	{"east-midlands", "East Midlands"},
	{"thames-chiltern", "Thames and Chiltern"},
	{"wales", "Wales"},
}

// AreaByName finds an Area by code or name, ignoring case, spaces, hyphens
// and the word "CPS".
func AreaByName(s string) (Area, bool) {
	key := strings.TrimPrefix(normalise(s), "cps")
	i := slices.IndexFunc(Areas, func(a Area) bool {
		return normalise(a.Code) == key || normalise(a.Name) == key
	})
	if i < 0 {
		return Area{}, false
	}
	return Areas[i], true
}

// normalise folds case and drops everything but letters and digits, so that
// "Sexual orientation", "sexual-orientation" and "SEXUAL_ORIENTATION" match.
func normalise(s string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(strings.TrimSpace(s)) {
		if (r >= 'a' && r <= 'z') || (r >= '0' && r <= '9') {
			b.WriteRune(r)
		}
	}
	s = b.String()
	return strings.ReplaceAll(s, "and", "")
}
