package server

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/lsip/scrutiny/domain"
)

// startKindFields are the start-a-cycle form's fields that only some
// kinds of panel take, as typed: a forum's agenda (one item a line) and the
// theme filter of a panel that reviews cases (the API's theme_filter; its
// fewest cases per Area only for a national panel, which draws from every
// Area). The form shows them for the chosen panel's kind, or, before a
// panel is chosen, for the kinds among the coordinator's panels, each
// saying which kind it is for.
type startKindFields struct {
	// Kind is the chosen panel's kind; "" while none is chosen.
	Kind                  domain.PanelKind
	HasForum, HasNational bool

	Agenda                                                    string
	ThemeStrands, ThemeOutcomes, ThemeGroups                  []string
	ThemeFrom, ThemeTo, ThemeYouth, ThemeOnline, ThemeMinArea string
}

// readStartKindFields reads the kind-specific fields of a posted form.
func readStartKindFields(c *gin.Context) startKindFields {
	p := func(k string) string { return strings.TrimSpace(c.PostForm(k)) }
	return startKindFields{Agenda: p("agenda"), ThemeStrands: c.PostFormArray("theme_strands"), ThemeOutcomes: c.PostFormArray("theme_outcomes"),
		ThemeGroups: c.PostFormArray("theme_groups"), ThemeFrom: p("theme_from"), ThemeTo: p("theme_to"), ThemeYouth: p("theme_youth"),
		ThemeOnline: p("theme_online"), ThemeMinArea: p("theme_min_per_area")}
}

// choose notes the kinds among panels and the kind of the chosen one
// (panelID as typed; a coordinator with one panel has chosen it).
func (f *startKindFields) choose(panels []domain.Panel, panelID string) {
	for _, p := range panels {
		f.HasForum = f.HasForum || p.Kind == domain.PanelForum
		f.HasNational = f.HasNational || p.Kind == domain.PanelNational
		if strconv.FormatInt(p.ID, 10) == panelID || len(panels) == 1 {
			f.Kind = p.Kind
		}
	}
}

// ShowCases says whether the form asks for the cases to draw: not for a
// forum, which reviews none.
func (f startKindFields) ShowCases() bool { return f.Kind != domain.PanelForum }

// ShowAgenda says whether the form shows a forum's agenda.
func (f startKindFields) ShowAgenda() bool {
	return f.Kind == domain.PanelForum || (f.Kind == "" && f.HasForum)
}

// ShowTheme says whether the form shows the theme filter: for every panel
// that draws cases, local or national (the draw narrows either to the
// theme), never for a forum.
func (f startKindFields) ShowTheme() bool { return f.ShowCases() }

// National says whether the chosen panel is a national one, which draws
// from every Area.
func (f startKindFields) National() bool { return f.Kind == domain.PanelNational }

// ShowMinPerArea says whether the form asks for the fewest cases per Area:
// only a national panel's draw shares its quotas across Areas.
func (f startKindFields) ShowMinPerArea() bool {
	return f.National() || (f.Kind == "" && f.HasNational)
}

// Picked says whether a box of a checkbox group was ticked.
func (f startKindFields) Picked(group, code string) bool {
	return slices.Contains(map[string][]string{"theme_strands": f.ThemeStrands, "theme_outcomes": f.ThemeOutcomes, "theme_groups": f.ThemeGroups}[group], code)
}

// boxGroup is one group of the theme filter's checkboxes.
type boxGroup struct {
	Name, Legend string
	Choices      []choice
}

// BoxGroups are the theme filter's checkbox groups: strands, outcomes
// and the victim groups a case may be flagged for.
func (startKindFields) BoxGroups() []boxGroup {
	strands := make([]choice, len(domain.Strands))
	for i, s := range domain.Strands {
		strands[i] = choice{s.Code, s.Label}
	}
	outcomes := make([]choice, len(domain.Outcomes))
	for i, o := range domain.Outcomes {
		outcomes[i] = choice{string(o.Code), o.Label}
	}
	groups := make([]choice, len(domain.VictimGroups))
	for i, g := range domain.VictimGroups {
		groups[i] = choice{string(g), sentence(g.Label())}
	}
	return []boxGroup{{"theme_strands", "Strands", strands}, {"theme_outcomes", "Outcomes", outcomes}, {"theme_groups", "Victim flagged as", groups}}
}

// flagField is one of the theme filter's yes-or-no case flags, as typed.
type flagField struct{ Name, Label, Value string }

// Flags are the theme filter's case flags.
func (f startKindFields) Flags() []flagField {
	return []flagField{{"theme_youth", "Youth victim", f.ThemeYouth}, {"theme_online", "Online offending", f.ThemeOnline}}
}

// themeGiven says whether any theme field was filled in.
func (f startKindFields) themeGiven() bool {
	return len(f.ThemeStrands)+len(f.ThemeOutcomes)+len(f.ThemeGroups) > 0 ||
		f.ThemeFrom != "" || f.ThemeTo != "" || f.ThemeYouth != "" || f.ThemeOnline != "" || f.ThemeMinArea != ""
}

// apply puts the fields into the start request, refusing a field the
// chosen panel's kind does not take and a line or number that cannot be
// read; start.Check judges the rest.
func (f startKindFields) apply(req *startCycleRequest) []FieldError {
	var errs []FieldError
	bad := func(field, msg string) { errs = append(errs, FieldError{Field: field, Message: msg}) }
	if f.Agenda != "" {
		if f.Kind != domain.PanelForum {
			bad("agenda", "Only a forum's meeting has an agenda here; this panel reviews cases, so leave the agenda empty")
		}
		items, agendaErrs := agendaFromText(f.Agenda)
		req.Agenda, errs = items, append(errs, agendaErrs...)
	}
	if !f.themeGiven() {
		return errs
	}
	if f.Kind == domain.PanelForum {
		bad("theme_strands", "Only a panel that reviews cases takes a theme filter; a forum draws none, so leave the theme filter empty")
	}
	if f.ThemeMinArea != "" && !f.National() {
		bad("theme_min_per_area", "Only a national panel draws from every Area; leave the fewest cases per Area empty for this panel")
	}
	tf := domain.ThemeFilter{Strands: f.ThemeStrands, FinalisedFrom: f.ThemeFrom, FinalisedTo: f.ThemeTo}
	for _, o := range f.ThemeOutcomes {
		tf.Outcomes = append(tf.Outcomes, domain.Outcome(o))
	}
	for _, g := range f.ThemeGroups {
		tf.VictimGroups = append(tf.VictimGroups, domain.VictimGroup(g))
	}
	for _, flag := range []struct {
		field, value string
		to           **bool
	}{{"theme_youth", f.ThemeYouth, &tf.YouthVictim}, {"theme_online", f.ThemeOnline, &tf.OnlineOffending}} {
		switch flag.value {
		case "", "any":
		case "yes", "no":
			v := flag.value == "yes"
			*flag.to = &v
		default:
			bad(flag.field, "Choose any, yes or no")
		}
	}
	if f.ThemeMinArea != "" {
		n, err := strconv.Atoi(f.ThemeMinArea)
		if err != nil {
			bad("theme_min_per_area", fmt.Sprintf("Give the fewest cases per Area as a whole number from 0 to %d", domain.MaxMinPerArea))
		}
		tf.MinPerArea = n
	}
	req.ThemeFilter = &tf
	return errs
}

// startFieldPattern reads the field names of the API's problems with an
// agenda and a theme filter: agenda[2].title, theme_filter.strands[0].
var startFieldPattern = regexp.MustCompile(`^(agenda|theme_filter\.[a-z_]+)(?:\[(\d+)\])?(?:\.([a-z]+))?$`)

// onStartForm puts start.Check's problems with the theme filter beside the
// form's fields, worded for a page: "Theme strand stalking: is not a
// strand this panel reviews". Other problems pass as they are (the agenda
// is checked, and worded, before the start: agendaFromText).
func onStartForm(errs []FieldError, req startCycleRequest) []FieldError {
	var tf domain.ThemeFilter
	if req.ThemeFilter != nil {
		tf = *req.ThemeFilter
	}
	codes := map[string][]string{"theme_filter.strands": tf.Strands}
	for _, o := range tf.Outcomes {
		codes["theme_filter.outcomes"] = append(codes["theme_filter.outcomes"], string(o))
	}
	for _, g := range tf.VictimGroups {
		codes["theme_filter.victim_groups"] = append(codes["theme_filter.victim_groups"], string(g))
	}
	fields := map[string][2]string{
		"theme_filter.strands":        {"theme_strands", "Theme strand"},
		"theme_filter.outcomes":       {"theme_outcomes", "Theme outcome"},
		"theme_filter.victim_groups":  {"theme_groups", "Theme victim group"},
		"theme_filter.finalised_from": {"theme_from", "Finalised from"},
		"theme_filter.finalised_to":   {"theme_to", "Finalised to"},
		"theme_filter.min_per_area":   {"theme_min_per_area", "Fewest cases per Area"},
	}
	out := make([]FieldError, 0, len(errs))
	for _, e := range errs {
		m := startFieldPattern.FindStringSubmatch(e.Field)
		var to [2]string
		if m != nil {
			to = fields[m[1]]
		}
		if to[0] == "" {
			out = append(out, e)
			continue
		}
		say := to[1]
		if i, err := strconv.Atoi(m[2]); err == nil && i < len(codes[m[1]]) {
			say += " " + codes[m[1]][i]
		}
		out = append(out, FieldError{Field: to[0], Message: say + ": " + e.Message})
	}
	return out
}
