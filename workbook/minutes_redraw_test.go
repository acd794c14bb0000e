package workbook

import (
	"strings"
	"testing"

	"github.com/lsip/scrutiny/selection"
)

// The selection record lists each fresh draw in place of a withdrawn case
// after the seeded draw: the case replaced, its replacement and the
// candidates it was drawn from, as numbers only.
func TestSelectionRecordListsRedraws(t *testing.T) {
	m := minutes("DRAFT")
	m.Selection.Draw = selection.Record{Seed: 5, ReservesPerStratum: 1, Strata: []selection.RecordStratum{
		{Strand: "race", Quota: 1, Eligible: []int64{1, 2, 3, 4}, Selected: []int64{2}, Reserves: []int64{4}}},
		Redraws: []selection.RecordRedraw{{Strand: "race", Attempt: 1, Replaced: 2, Candidates: []int64{1, 3}, Replacement: 3}}}
	sel := sheetText(t, open(t, mustBuild(t, m)), SelectionSheet)
	for _, s := range []string{"Drawn afresh in place of withdrawn cases", "Race, redraw 1: case 2 replaced by case 3, drawn from|1, 3"} {
		if !strings.Contains(sel, s) {
			t.Errorf("selection record lacks %q:\n%s", s, sel)
		}
	}
}
