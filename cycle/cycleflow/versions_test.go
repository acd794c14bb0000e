package cycleflow

import (
	"slices"
	"testing"
	"time"

	"go.temporal.io/sdk/workflow"

	"github.com/lsip/scrutiny/cycle"
	"github.com/lsip/scrutiny/testenv/flowtest"
	"github.com/lsip/scrutiny/uktime"
)

// TestPacksBuiltByOneActivity: a new cycle builds every member's pack in
// one PreparePacks activity at the release, and still starts each
// member's review with their pack and sends the packs as one batch.
func TestPacksBuiltByOneActivity(t *testing.T) {
	w := newWorld(t)
	approveAt(w, start.Add(time.Hour))
	var mid cycle.CycleStatus
	w.at(meeting.Add(-13*uktime.Day), func() { mid = w.status() })
	cancelAt(w, meeting.Add(-12*uktime.Day))
	run(t, w)
	assertTimes(t, "the packs' activity", w.called("PreparePacks"), meeting.Add(-14*uktime.Day))
	if n := len(w.called("PreparePack apart")); n != 0 {
		t.Errorf("PreparePack ran %d times beside PreparePacks, want never", n)
	}
	assertTimes(t, "packs built", w.called("PreparePack"), meeting.Add(-14*uktime.Day), meeting.Add(-14*uktime.Day))
	if len(mid.Members) != 2 {
		t.Fatalf("members after the release: %+v", mid.Members)
	}
	for _, m := range mid.Members {
		if m.PackFileID != 5000+m.MemberID || m.Cases != 3 || !m.PackSent || m.Name == "" {
			t.Errorf("member %d after the release: %+v", m.MemberID, m)
		}
	}
	if !slices.ContainsFunc(w.batches, func(b []int64) bool { return slices.Equal(b, []int64{6101, 6102}) }) {
		t.Errorf("batches delivered %v; want the packs together in one", w.batches)
	}
}

// TestOlderCyclesBuildPacksAsRecorded: a cycle whose history recorded the
// packs one activity per member (packsAtOnce version 1), or one member
// after another (before packsAtOnce), replays PreparePack per member and
// never PreparePacks.
func TestOlderCyclesBuildPacksAsRecorded(t *testing.T) {
	for _, v := range []workflow.Version{workflow.DefaultVersion, 1} {
		w := newWorld(t)
		w.env.OnGetVersion(packsAtOnce, workflow.DefaultVersion, packsInOneActivity).Return(v)
		approveAt(w, start.Add(time.Hour))
		var mid cycle.CycleStatus
		w.at(meeting.Add(-13*uktime.Day), func() { mid = w.status() })
		cancelAt(w, meeting.Add(-12*uktime.Day))
		run(t, w)
		if n := len(w.called("PreparePacks")); n != 0 {
			t.Errorf("version %d: PreparePacks ran %d times, want never", v, n)
		}
		assertTimes(t, "PreparePack per member", w.called("PreparePack apart"), meeting.Add(-14*uktime.Day), meeting.Add(-14*uktime.Day))
		for _, m := range mid.Members {
			if m.PackFileID != 5000+m.MemberID || !m.PackSent {
				t.Errorf("version %d: member %d after the release: %+v", v, m.MemberID, m)
			}
		}
	}
}

// rescheduleAt asks, at at, for the meeting a week later and returns the
// new start and the update's outcome, set once it was sent.
func rescheduleAt(w *world, at time.Time) (time.Time, **outcome) {
	moved := meeting.Add(7 * uktime.Day)
	o := new(*outcome)
	w.at(at, func() {
		*o = w.update(cycle.UpdateScheduleMeeting, wfID, cycle.Meeting{Start: moved, End: moved.Add(2 * time.Hour), Location: "Swansea office"})
	})
	return moved, o
}

// TestRescheduleInOneActivity: the start and a reschedule each run one
// activity (SaveSchedule) instead of SaveMeeting, QueueInvites and
// SetStage; the reschedule's its invitation is
// delivered, and the members' reviews move their reminders to the new
// deadline.
func TestRescheduleInOneActivity(t *testing.T) {
	w := newWorld(t)
	approveAt(w, start.Add(time.Hour))
	moved, o := rescheduleAt(w, meeting.Add(-10*uktime.Day))
	cancelAt(w, moved.Add(-12*time.Hour))
	s := run(t, w)
	flowtest.MustOK(t, "reschedule", *o)
	assertTimes(t, "SaveSchedule", w.called("SaveSchedule"), start, meeting.Add(-10*uktime.Day))
	// The start's meeting and stages, then the reschedule's.
	assertTimes(t, "meetings saved", w.called("SaveMeeting"), start, meeting.Add(-10*uktime.Day))
	assertTimes(t, "stage kept at the reschedule", w.called("SetStage:reviewing"), meeting.Add(-14*uktime.Day), meeting.Add(-10*uktime.Day))
	if s.MeetingSequence != 1 || !s.Meeting.Start.Equal(moved) {
		t.Errorf("after the reschedule the cycle shows meeting %v, sequence %d; want %v, 1", s.Meeting.Start, s.MeetingSequence, moved)
	}
	if !slices.Contains(w.delivered, 902) {
		t.Errorf("delivered %v; the updated invitation (902) is missing", w.delivered)
	}
	assertTimes(t, "reminders after the reschedule", w.reminders[102], moved.Add(-8*uktime.Day), moved.Add(-4*uktime.Day), moved.Add(-2*uktime.Day))
}

// TestOlderCyclesRescheduleAsRecorded: a cycle whose history was recorded
// before a reschedule ran SaveSchedule replays SaveMeeting, QueueInvites
// and SetStage.
func TestOlderCyclesRescheduleAsRecorded(t *testing.T) {
	w := newWorld(t)
	w.env.OnGetVersion(rescheduleInOne, workflow.DefaultVersion, 1).Return(workflow.DefaultVersion)
	approveAt(w, start.Add(time.Hour))
	moved, o := rescheduleAt(w, meeting.Add(-10*uktime.Day))
	cancelAt(w, moved.Add(-12*time.Hour))
	run(t, w)
	flowtest.MustOK(t, "reschedule", *o)
	assertTimes(t, "SaveSchedule, at the start only", w.called("SaveSchedule"), start)
	assertTimes(t, "meetings saved", w.called("SaveMeeting"), start, meeting.Add(-10*uktime.Day))
	assertTimes(t, "invitations queued", w.called("QueueInvites"), start, meeting.Add(-10*uktime.Day))
	assertTimes(t, "stage kept at the reschedule", w.called("SetStage:reviewing"), meeting.Add(-14*uktime.Day), meeting.Add(-10*uktime.Day))
	assertTimes(t, "reminders after the reschedule", w.reminders[102], moved.Add(-8*uktime.Day), moved.Add(-4*uktime.Day), moved.Add(-2*uktime.Day))
}

// TestOlderCyclesStartAsRecorded: a cycle whose history was recorded
// before its start ran SaveSchedule replays SaveMeeting, QueueInvites and
// SetStage at the start.
func TestOlderCyclesStartAsRecorded(t *testing.T) {
	w := newWorld(t)
	w.env.OnGetVersion(startScheduleInOne, workflow.DefaultVersion, 1).Return(workflow.DefaultVersion)
	var mid cycle.CycleStatus
	w.at(start.Add(time.Hour), func() { mid = w.status() })
	cancelAt(w, start.Add(2*time.Hour))
	run(t, w)
	if n := len(w.called("SaveSchedule")); n != 0 {
		t.Errorf("SaveSchedule ran %d times, want never", n)
	}
	for _, name := range []string{"SaveMeeting", "QueueInvites", "SetStage:coordinator_check"} {
		assertTimes(t, name, w.called(name), start)
	}
	if mid.Stage != "coordinator_check" || len(mid.Notices) == 0 {
		t.Errorf("status an hour in: %+v", mid)
	}
}
