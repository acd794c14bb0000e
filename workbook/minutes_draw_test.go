package workbook

import (
	"strings"
	"testing"

	"github.com/lsip/scrutiny/selection"
)

// The selection record publishes a national draw's eligible cases, Area by
// Area, as numbers only.
func TestSelectionRecordPublishesTheDraw(t *testing.T) {
	m := minutes("DRAFT")
	m.Selection.Draw = selection.Record{Seed: 5, National: true, MinPerArea: 1, ReservesPerStratum: 1, Strata: []selection.RecordStratum{
		{Strand: "race", Quota: 2, Eligible: []int64{1, 2, 3, 4}, Selected: []int64{4, 1}, Reserves: []int64{2},
			Areas: []selection.RecordArea{{Area: "wales", Quota: 1, Eligible: []int64{1, 2}, Selected: []int64{1}}, {Area: "london-north", Quota: 1, Eligible: []int64{3, 4}, Selected: []int64{4}}}},
	}}
	f := open(t, mustBuild(t, m))
	sel := sheetText(t, f, SelectionSheet)
	for _, s := range []string{"The draw, for anyone to repeat", "Race: quota 2", "Eligible|1, 2, 3, 4", "wales: eligible|1, 2",
		"london-north: quota 1, selected|4", "Selected, in draw order|4, 1", "Reserves, in order|2", "scrutiny draw verify"} {
		if !strings.Contains(sel, s) {
			t.Errorf("selection record lacks %q:\n%s", s, sel)
		}
	}
	if strings.Contains(sel, "WAL-HC") {
		t.Error("the selection record names a case by reference")
	}
}
