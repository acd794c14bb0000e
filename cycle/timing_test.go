package cycle

import (
	"testing"
	"time"

	"github.com/lsip/scrutiny/uktime"
)

func TestTimingProblems(t *testing.T) {
	if p := (Timing{}).Problems(); len(p) != 0 {
		t.Errorf("the defaults have problems: %v", p)
	}
	compressed := Timing{ConflictCheckBefore: 30 * time.Second, PacksBefore: 25 * time.Second, ReviewsDueBefore: 5 * time.Second,
		RevokeAfter: 10 * time.Second, Reminders: []time.Duration{}, ApprovalNudgeEvery: time.Hour}
	if p := compressed.Problems(); len(p) != 0 {
		t.Errorf("a cycle compressed into seconds has problems: %v", p)
	}
	for name, c := range map[string]struct {
		t     Timing
		field string
	}{
		"nudge every nanosecond":   {Timing{ApprovalNudgeEvery: 1}, "approval_nudge_every"},
		"links for a century":      {Timing{RevokeAfter: 100 * 365 * uktime.Day}, "revoke_after"},
		"negative lead time":       {Timing{PacksBefore: -uktime.Day}, "packs_before"},
		"packs after the deadline": {Timing{PacksBefore: uktime.Day, ReviewsDueBefore: 2 * uktime.Day}, "packs_before"},
		"reminder a year ahead":    {Timing{Reminders: []time.Duration{365 * uktime.Day}}, "reminders"},
	} {
		if p := c.t.Problems(); p[c.field] == "" {
			t.Errorf("%s: problems %v, want one for %s", name, p, c.field)
		}
	}
}
