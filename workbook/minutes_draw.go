package workbook

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/lsip/scrutiny/selection"
)

// drawSection publishes the draw at the foot of the selection record: per
// strand (and, for a national panel, per Area) its quota, its eligible
// cases and what was drawn. Cases are shown only as their number in the
// cycle's eligible set, never by reference (docs/selection.md), so the
// list can be shared with anyone who wants to repeat the draw. Fresh
// draws in place of withdrawn cases follow, each with its candidates.
func drawSection(w *writer, st styles, d selection.Record) {
	if len(d.Strata) == 0 {
		return
	}
	w.row++
	w.line(st.heading, "The draw, for anyone to repeat")
	w.long("A", "D", "Each eligible case is shown by its number in this cycle's eligible set (the cases in the order of their internal ID), never by reference. "+
		"With the seed, the quotas and these lists, the algorithm in docs/selection.md repeats the draw; `scrutiny draw verify` does it for you.", st.wrap)
	if d.National {
		w.long("A", "D", "A national draw: each strand's quota was shared across the Areas, at least "+strconv.Itoa(d.MinPerArea)+
			" from each Area that had cases where the quota allowed, and each Area's cases drawn separately.", st.wrap)
	}
	list := func(label string, ids []int64) {
		w.set("A", label, st.label)
		w.long("B", "D", numbers(ids), st.wrap)
	}
	for _, s := range d.Strata {
		w.row++
		w.line(st.label, strandLabels([]string{s.Strand})+": quota "+strconv.Itoa(s.Quota))
		list("Eligible", s.Eligible)
		for _, a := range s.Areas {
			list(a.Area+": eligible", a.Eligible)
			list(a.Area+": quota "+strconv.Itoa(a.Quota)+", selected", a.Selected)
		}
		list("Selected, in draw order", s.Selected)
		list("Reserves, in order", s.Reserves)
	}
	if len(d.Redraws) > 0 {
		w.row++
		w.line(st.label, "Drawn afresh in place of withdrawn cases, in the order drawn")
	}
	for _, r := range d.Redraws {
		replaced := "a case carried forward"
		if r.Replaced != 0 {
			replaced = "case " + strconv.FormatInt(r.Replaced, 10)
		}
		list(fmt.Sprintf("%s, redraw %d: %s replaced by case %d, drawn from", strandLabels([]string{r.Strand}), r.Attempt, replaced, r.Replacement), r.Candidates)
	}
}

// numbers lists pseudonymous case numbers, or says there are none.
func numbers(ids []int64) string {
	if len(ids) == 0 {
		return "none"
	}
	parts := make([]string, len(ids))
	for i, id := range ids {
		parts[i] = strconv.FormatInt(id, 10)
	}
	return strings.Join(parts, ", ")
}
