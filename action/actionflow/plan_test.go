package actionflow

import (
	"fmt"
	"testing"
	"time"

	"github.com/lsip/scrutiny/action"
	"github.com/lsip/scrutiny/uktime"
)

// The plan is tested with plain calls: no workflow, no mock clock. The
// dates are those of the workflow tests (ukAt, nine, actionDue), across the
// clock change of 28 March 2027.

func defaultPlan() noticePlan {
	return noticePlan{timing: action.DefaultActionTiming().WithDefaults(), due: actionDue}
}

// describe is a notice as "key kind→to at UK time".
func describe(n action.ActionNotice) string {
	return fmt.Sprintf("%s %s→%s %s", n.Key, n.Kind, n.To, n.At.In(uktime.London).Format("2 Jan 15:04 MST"))
}

// TestPlanDefaultTiming: reminders 14 and 3 days before, the due notice,
// the owner's weekly overdue notice, then the manager at 14 days overdue
// and the senior lead at 30, each repeated weekly; all at 09:00 UK time
// whichever side of the clock change, in time order.
func TestPlanDefaultTiming(t *testing.T) {
	got := defaultPlan().notices(nine(45))
	want := []string{
		"remind/2027-04-09/14d reminder→owner 26 Mar 09:00 GMT",
		"remind/2027-04-09/3d reminder→owner 6 Apr 09:00 BST",
		"remind/2027-04-09/0d due→owner 9 Apr 09:00 BST",
		"escalate/2027-04-09/0/1 overdue→owner 16 Apr 09:00 BST",
		"escalate/2027-04-09/1/0 escalation→manager 23 Apr 09:00 BST",
		"escalate/2027-04-09/1/1 overdue→manager 30 Apr 09:00 BST",
		"escalate/2027-04-09/1/2 overdue→manager 7 May 09:00 BST",
		"escalate/2027-04-09/2/0 escalation→senior 9 May 09:00 BST",
		"escalate/2027-04-09/2/1 overdue→senior 16 May 09:00 BST",
		"escalate/2027-04-09/2/2 overdue→senior 23 May 09:00 BST",
		"escalate/2027-04-09/2/3 overdue→senior 30 May 09:00 BST",
	}
	if len(got) != len(want) {
		t.Fatalf("%d notices, want %d:\n%v", len(got), len(want), got)
	}
	for i, n := range got {
		if describe(n) != want[i] {
			t.Errorf("notice %d = %s, want %s", i, describe(n), want[i])
		}
	}
}

// TestPlanLastRungRepeatsUntilAfterUntil: the last rung's repeats stop at
// the first one after until, so the plan is finite however long the action
// stays overdue.
func TestPlanLastRungRepeatsUntilAfterUntil(t *testing.T) {
	for _, days := range []int{30, 31, 100, 1000} {
		until := nine(days)
		got := defaultPlan().notices(until)
		last := got[len(got)-1]
		if !last.At.After(until) || got[len(got)-2].At.After(until) {
			t.Errorf("until %d days overdue: the plan ends with %s after %s", days, describe(last), describe(got[len(got)-2]))
		}
	}
}

// TestPlanExactOffsets: offsets that are not whole days are exact
// durations, even across the clock change, and are named as durations in
// the outbox key.
func TestPlanExactOffsets(t *testing.T) {
	p := noticePlan{timing: action.ActionTiming{Reminders: []time.Duration{13*uktime.Day + 2*time.Hour}, SendAt: 9 * time.Hour}.WithDefaults(), due: actionDue}
	got := p.notices(nine(0))[0]
	if want := nine(0).Add(-(13*uktime.Day + 2*time.Hour)); !got.At.Equal(want) || got.Key != "remind/2027-04-09/314h0m0s" {
		t.Errorf("reminder %s, want at %s", describe(got), want)
	}
	if at := p.at(-13 * uktime.Day); !at.Equal(ukAt(3, 27, 9, 0)) {
		t.Errorf("13 UK days before the due date at 09:00 is %s", at)
	}
}

// TestPlanPickSendsOnlyTheLatest: rule 2. After a gap, of the notices due
// since notifiedThrough only the latest is sent, and the next is the first
// still to come.
func TestPlanPickSendsOnlyTheLatest(t *testing.T) {
	p := defaultPlan()
	passed, next := p.pick(ukAt(3, 26, 9, 0), nine(8))
	if passed == nil || passed.Key != "escalate/2027-04-09/0/1" || next == nil || next.Key != "escalate/2027-04-09/1/0" {
		t.Fatalf("picked %v, next %v", passed, next)
	}
	// Once it is marked sent, nothing is due until the next.
	if passed, next := p.pick(passed.At, nine(8)); passed != nil || next == nil || !next.At.Equal(nine(14)) {
		t.Errorf("after sending: picked %v, next %v", passed, next)
	}
	// Exactly at a notice's time, it is due.
	if passed, _ := p.pick(ukAt(3, 1, 10, 0), nine(-3)); passed == nil || passed.Key != "remind/2027-04-09/3d" {
		t.Errorf("at the 3-day reminder: picked %v", passed)
	}
}

// TestPlanStart: rule 3. Made afresh before the due date, the plan skips
// what is past; made after it, it leaves the latest on-due or overdue
// notice to be sent at once, and only that one.
func TestPlanStart(t *testing.T) {
	p := defaultPlan()
	before := ukAt(3, 30, 12, 0) // after the 14-day reminder, before the 3-day one
	if got := p.start(before); !got.Equal(before) {
		t.Errorf("before the due date: notified through %s, want now", got)
	}
	if passed, next := p.pick(p.start(before), before); passed != nil || next == nil || next.Key != "remind/2027-04-09/3d" {
		t.Errorf("before the due date: picked %v, next %v", passed, next)
	}
	late := nine(20).Add(3 * time.Hour) // after the manager's escalation
	passed, next := p.pick(p.start(late), late)
	if passed == nil || passed.Key != "escalate/2027-04-09/1/0" || next == nil || next.Key != "escalate/2027-04-09/1/1" {
		t.Errorf("20 days overdue: picked %v, next %v", passed, next)
	}
	// On the due date itself, the due notice is the one sent.
	if passed, _ := p.pick(p.start(nine(0)), nine(0)); passed == nil || passed.Key != "remind/2027-04-09/0d" {
		t.Errorf("at the due time: picked %v", passed)
	}
}

// TestActionDayAndAfter: due dates are calendar dates in the given time's
// zone; whole days are UK calendar days, so 09:00 stays 09:00 across the
// clock change while exact durations do not.
func TestActionDayAndAfter(t *testing.T) {
	if d := actionDay(ukAt(3, 28, 23, 30)); !d.Equal(time.Date(2027, 3, 28, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("actionDay = %s", d)
	}
	if got := actionAfter(ukAt(3, 27, 9, 0), uktime.Day); !got.Equal(ukAt(3, 28, 9, 0)) || got.Sub(ukAt(3, 27, 9, 0)) != 23*time.Hour {
		t.Errorf("a UK day after 27 March 09:00 is %s", got)
	}
	if got := actionAfter(ukAt(3, 27, 9, 0), 25*time.Hour); !got.Equal(ukAt(3, 28, 11, 0)) {
		t.Errorf("25 hours after 27 March 09:00 GMT is %s", got)
	}
	if got := actionDate(actionDue); got != "9 April 2027" {
		t.Errorf("actionDate = %q", got)
	}
}
