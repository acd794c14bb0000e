package cycleflow_test

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/lsip/scrutiny/testenv/flowtest"

	"github.com/lsip/scrutiny/cycle"
	"github.com/lsip/scrutiny/cycle/cycleflow"
	"github.com/lsip/scrutiny/domain"
)

// TestPreparePacksBuildsEachPackOnce: one activity builds every member's
// pack, in order; a member whose pack an earlier attempt stored gets that
// pack back, and a retry of the whole activity stores nothing more.
func TestPreparePacksBuildsEachPackOnce(t *testing.T) {
	f := newFlow(t)
	aled := f.pack(t, f.aled) // as if an earlier attempt stopped after Aled
	in := cycleflow.PacksInput{CycleID: f.cycleID, MemberIDs: []int64{f.aled, f.bea}, Deadline: schedule().ReviewsDue, Expires: schedule().AccessRevoked}
	packs, err := flowtest.Run[[]cycleflow.Pack](t, f.acts, f.acts.PreparePacks, in)
	if err != nil {
		t.Fatal(err)
	}
	if len(packs) != 2 || packs[0].FileID != aled.FileID || packs[0].Mail != aled.Mail || packs[1].Mail.MemberID != f.bea || len(packs[1].CaseIDs) != 3 {
		t.Fatalf("packs %+v; want Aled's stored one (%+v) then Bea's with 3 cases", packs, aled)
	}
	again, err := flowtest.Run[[]cycleflow.Pack](t, f.acts, f.acts.PreparePacks, in)
	if err != nil {
		t.Fatal(err)
	}
	for i := range packs {
		if again[i].FileID != packs[i].FileID || again[i].Mail != packs[i].Mail || !slices.Equal(again[i].CaseIDs, packs[i].CaseIDs) {
			t.Errorf("a retried pack: %+v then %+v", packs[i], again[i])
		}
	}
	for what, q := range map[string]string{
		"pack files":         `SELECT count(*) FROM files WHERE kind = 'pack' AND cycle_id = $1`,
		"pack emails":        `SELECT count(*) FROM outbox WHERE message_key LIKE 'pack/' || $1::bigint || '/%'`,
		"packs audited":      `SELECT count(*) FROM audit_log WHERE action = 'pack_generated' AND detail->>'cycle_id' = $1::bigint::text`,
		"members with packs": `SELECT count(DISTINCT member_id) FROM reviews WHERE cycle_id = $1`,
	} {
		if n := f.count(t, q, f.cycleID); n != 2 {
			t.Errorf("%s: %d, want 2", what, n)
		}
	}
	if n := f.count(t, `SELECT count(*) FROM reviews WHERE cycle_id = $1`, f.cycleID); n != 6 {
		t.Errorf("%d reviews opened, want 3 for each of 2 members", n)
	}
}

// TestSaveScheduleStoresMeetingStageAndInvites: the one activity of a
// reschedule stores the meeting and the moved schedule, keeps the stage,
// and queues every member the updated invitation, once however often it
// runs.
func TestSaveScheduleStoresMeetingStageAndInvites(t *testing.T) {
	f := newFlow(t)
	moved := meetingAt.AddDate(0, 0, 7)
	sched := schedule()
	sched.Meeting = moved
	sched.ReviewsDue = sched.ReviewsDue.AddDate(0, 0, 7)
	in := cycleflow.ScheduleInput{CycleID: f.cycleID, Meeting: cycle.Meeting{Start: moved, End: moved.Add(2 * time.Hour), Location: "Swansea office"},
		Stage: domain.StageReviewing, Schedule: sched}
	first, err := flowtest.Run[cycleflow.SavedSchedule](t, f.acts, f.acts.SaveSchedule, in)
	if err != nil {
		t.Fatal(err)
	}
	again, err := flowtest.Run[cycleflow.SavedSchedule](t, f.acts, f.acts.SaveSchedule, in)
	if err != nil {
		t.Fatal(err)
	}
	if first.Sequence != 1 || again.Sequence != 1 {
		t.Errorf("sequences %d then %d, want 1 both times", first.Sequence, again.Sequence)
	}
	if len(first.Invites) == 0 || !slices.Equal(refs(first.Invites), refs(again.Invites)) || first.Invites[0] != again.Invites[0] {
		t.Errorf("invitations %+v then %+v; want the same ones", first.Invites, again.Invites)
	}
	if n := f.count(t, `SELECT count(*) FROM outbox WHERE message_key LIKE 'invite/' || $1::bigint || '/%/1'`, f.cycleID); n != len(first.Invites) {
		t.Errorf("%d updated invitations stored, want %d", n, len(first.Invites))
	}
	var stage string
	var scheduled, starts time.Time
	f.sql.QueryRow(context.Background(), `SELECT c.stage, (c.schedule->>'meeting')::timestamptz, m.starts_at FROM cycles c JOIN meetings m ON m.cycle_id = c.id WHERE c.id = $1`,
		f.cycleID).Scan(&stage, &scheduled, &starts)
	if stage != "reviewing" || !scheduled.Equal(moved) || !starts.Equal(moved) {
		t.Errorf("stage %s, schedule's meeting %v, meeting %v; want reviewing at %v", stage, scheduled, starts, moved)
	}
	if body := f.outbox(t, first.Invites[0].OutboxID).BodyText; !strings.Contains(body, "19 January 2027") {
		t.Errorf("the updated invitation does not give the new date:\n%s", body)
	}
}
