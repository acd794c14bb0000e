package domain

import (
	"fmt"
	"slices"
	"time"
)

// VictimGroup is the coded group a case was flagged for, such as Gypsy,
// Roma and Traveller victims: what a national panel's theme selects on.
// It is a code from a short list, never free text about a person; "" is a
// case flagged for none.
type VictimGroup string

const (
	VictimGypsyRomaTraveller VictimGroup = "gypsy_roma_traveller"
	VictimAsylumRefugee      VictimGroup = "asylum_refugee"
	VictimMigrantWorker      VictimGroup = "migrant_worker"
	VictimHomeless           VictimGroup = "homeless"
	VictimSexWorker          VictimGroup = "sex_worker"
)

// VictimGroups are the codes a case may carry, in the order documented in
// docs/case-import.md; the cases table's CHECK holds the same list.
var VictimGroups = []VictimGroup{VictimGypsyRomaTraveller, VictimAsylumRefugee, VictimMigrantWorker, VictimHomeless, VictimSexWorker}

// Label is the group in words: "Gypsy, Roma and Traveller".
func (g VictimGroup) Label() string {
	return label(g, map[VictimGroup]string{
		VictimGypsyRomaTraveller: "Gypsy, Roma and Traveller",
		VictimAsylumRefugee:      "asylum seeker or refugee",
	})
}

// ParseVictimGroup reads a code or its label in any letter case, spacing
// or punctuation ("Gypsy Roma Traveller"); ok is false for anything else.
func ParseVictimGroup(s string) (VictimGroup, bool) {
	key := normalise(s)
	for _, g := range VictimGroups {
		if normalise(string(g)) == key || normalise(g.Label()) == key {
			return g, true
		}
	}
	return "", false
}

// ThemeFilter narrows the cases a cycle may draw to a theme: a national
// panel's "cases with Gypsy, Roma and Traveller victims", say. Every field
// is optional and the fields combine with AND; an empty filter selects
// every case the cycle could draw anyway. It is stored with the cycle and
// recorded in its workflow's input, so its JSON names do not change.
type ThemeFilter struct {
	// Strands limits the draw to these of the panel's strands.
	Strands []string `json:"strands,omitempty"`
	// Outcomes limits the draw to cases with one of these outcomes.
	Outcomes []Outcome `json:"outcomes,omitempty"`
	// FinalisedFrom and FinalisedTo (YYYY-MM-DD, inclusive) narrow the
	// cycle's window; a widened window still stops at FinalisedFrom.
	FinalisedFrom string `json:"finalised_from,omitempty"`
	FinalisedTo   string `json:"finalised_to,omitempty"`
	// VictimGroups selects cases flagged for any one of these groups.
	VictimGroups []VictimGroup `json:"victim_groups,omitempty"`
	// YouthVictim and OnlineOffending, when set, select cases whose flag
	// has that value.
	YouthVictim     *bool `json:"youth_victim,omitempty"`
	OnlineOffending *bool `json:"online_offending,omitempty"`
	// MinPerArea is, for a national panel's draw, the fewest cases of each
	// strand taken from every Area that has them, while the strand's quota
	// allows; 0 means 1. A local panel's draw ignores it.
	MinPerArea int `json:"min_per_area,omitempty"`
}

// MaxMinPerArea is the largest minimum per Area a theme may ask for.
const MaxMinPerArea = 5

// Empty reports whether the filter selects nothing out.
func (f ThemeFilter) Empty() bool {
	return len(f.Strands) == 0 && len(f.Outcomes) == 0 && f.FinalisedFrom == "" && f.FinalisedTo == "" &&
		len(f.VictimGroups) == 0 && f.YouthVictim == nil && f.OnlineOffending == nil
}

// PerArea is the minimum per Area the draw uses.
func (f ThemeFilter) PerArea() int { return max(f.MinPerArea, 1) }

// Dates are FinalisedFrom and FinalisedTo read; nil when not given. Call
// it on a filter Problems passed.
func (f ThemeFilter) Dates() (from, to *time.Time) {
	read := func(s string) *time.Time {
		if d, err := time.Parse(time.DateOnly, s); err == nil {
			return &d
		}
		return nil
	}
	return read(f.FinalisedFrom), read(f.FinalisedTo)
}

// Problems checks every field against the known codes and returns, by
// field name under "theme_filter.", what is wrong with it. panelStrands,
// when not nil, are the strands the panel reviews.
func (f ThemeFilter) Problems(panelStrands []string) map[string]string {
	out := map[string]string{}
	for i, code := range f.Strands {
		field := fmt.Sprintf("theme_filter.strands[%d]", i)
		if st, ok := StrandByCode(code); !ok || st.Code != code {
			out[field] = "is not a known strand code"
		} else if panelStrands != nil && !slices.Contains(panelStrands, code) {
			out[field] = "is not a strand this panel reviews"
		}
	}
	for i, o := range f.Outcomes {
		if known, ok := ParseOutcome(string(o)); !ok || known != o {
			out[fmt.Sprintf("theme_filter.outcomes[%d]", i)] = "is not a known outcome code"
		}
	}
	for i, g := range f.VictimGroups {
		if !slices.Contains(VictimGroups, g) {
			out[fmt.Sprintf("theme_filter.victim_groups[%d]", i)] = "is not a known victim group code"
		}
	}
	var dates [2]*time.Time
	for i, d := range []struct{ field, v string }{{"theme_filter.finalised_from", f.FinalisedFrom}, {"theme_filter.finalised_to", f.FinalisedTo}} {
		if d.v == "" {
			continue
		}
		t, err := time.Parse(time.DateOnly, d.v)
		if err != nil {
			out[d.field] = "must be a date as YYYY-MM-DD"
			continue
		}
		dates[i] = &t
	}
	if dates[0] != nil && dates[1] != nil && dates[1].Before(*dates[0]) {
		out["theme_filter.finalised_to"] = "must not be before finalised_from"
	}
	if f.MinPerArea < 0 || f.MinPerArea > MaxMinPerArea {
		out["theme_filter.min_per_area"] = fmt.Sprintf("must be between 0 and %d", MaxMinPerArea)
	}
	return out
}
