package cycleflow

import (
	"slices"
	"testing"
	"time"

	"github.com/lsip/scrutiny/uktime"
)

// TestPacksGoOutAsOneBatch: the members' packs are built together and
// their emails delivered as one batch, in the members' order, with each
// member's pack marked sent.
func TestPacksGoOutAsOneBatch(t *testing.T) {
	w := newWorld(t)
	approveAt(w, start.Add(time.Hour))
	var mid []bool
	w.at(meeting.Add(-13*uktime.Day), func() {
		for _, m := range w.status().Members {
			mid = append(mid, m.PackSent)
		}
	})
	cancelAt(w, meeting.Add(-12*uktime.Day))
	run(t, w)
	packs := []int64{6101, 6102}
	if !slices.ContainsFunc(w.batches, func(b []int64) bool { return slices.Equal(b, packs) }) {
		t.Errorf("batches delivered %v; want the packs %v together in one", w.batches, packs)
	}
	if !slices.Equal(mid, []bool{true, true}) {
		t.Errorf("packs sent per member %v, want both", mid)
	}
}
