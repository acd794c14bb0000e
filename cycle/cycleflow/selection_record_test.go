package cycleflow_test

import (
	"context"
	"reflect"
	"testing"

	"github.com/lsip/scrutiny/selection"
)

// TestSelectionReturnsTheRecordedDraw: the selection SelectCases returns
// as it records the draw (read back in the recording's own round trip)
// is the one a retry reads from the database, and the recorded draw
// repeats from its seed and eligible sets.
func TestSelectionReturnsTheRecordedDraw(t *testing.T) {
	w := newWorld(t)
	id := w.newCycle(t, "recorded", map[string]int{"disability": 1, "race": 2}, nil)
	sel := w.selectCases(t, id, 3)
	if len(sel.Strata) != 2 || len(byRole(sel.Cases)["selected"]) != 3 {
		t.Fatalf("selection %+v, want two strata and three cases selected", sel)
	}
	if again := w.selectCases(t, id, 3); !reflect.DeepEqual(again, sel) {
		t.Errorf("recorded %+v, read back %+v", sel, again)
	}
	rec, err := w.st.PublishedDraw(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	if diffs := selection.Verify(rec); len(diffs) != 0 {
		t.Errorf("the recorded draw does not repeat from its seed: %v", diffs)
	}
}
