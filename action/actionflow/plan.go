package actionflow

import (
	"fmt"
	"slices"
	"time"

	"github.com/lsip/scrutiny/action"
	"github.com/lsip/scrutiny/uktime"
)

// The plan of an action's notices is worked out from its timing and due
// date alone, with no workflow in sight, so that the rules on ActionWorkflow
// can be tested with plain function calls (plan_test.go).

// noticePlan is the fixed plan of notices for one due date.
type noticePlan struct {
	timing action.ActionTiming // with defaults applied
	due    time.Time           // a date: midnight UTC of the due day
}

// actionDay is the calendar date of t (in t's own zone), as midnight UTC: how
// due dates are held.
func actionDay(t time.Time) time.Time {
	y, m, d := t.Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// actionDate formats a due date: "31 March 2027".
func actionDate(d time.Time) string { return d.Format("2 January 2006") }

// at is the moment offset from the due date's SendAt: whole days count UK
// calendar days (so 09:00 stays 09:00 across a clock change), anything else
// is an exact duration.
func (p noticePlan) at(offset time.Duration) time.Time {
	y, m, d := p.due.Date()
	send := p.timing.SendAt
	anchor := time.Date(y, m, d, int(send/time.Hour), int(send%time.Hour/time.Minute), int(send%time.Minute/time.Second), 0, uktime.London)
	return actionAfter(anchor, offset)
}

// actionAfter adds d to t, counting whole days as UK calendar days.
func actionAfter(t time.Time, d time.Duration) time.Time {
	if d%uktime.Day == 0 {
		return t.In(uktime.London).AddDate(0, 0, int(d/uktime.Day))
	}
	return t.Add(d)
}

// actionOffsetLabel names an offset in an outbox key: "14d", or the
// duration when it is not whole days.
func actionOffsetLabel(d time.Duration) string {
	if d%uktime.Day == 0 {
		return fmt.Sprintf("%dd", d/uktime.Day)
	}
	return d.String()
}

// notices lists the notices for the due date in time order: all of them up
// to the first after until (the last rung repeats for ever).
func (p noticePlan) notices(until time.Time) []action.ActionNotice {
	t := p.timing
	ds := p.due.Format(time.DateOnly)
	var out []action.ActionNotice
	for _, r := range t.Reminders {
		if r > 0 {
			out = append(out, action.ActionNotice{At: p.at(-r), Key: fmt.Sprintf("remind/%s/%s", ds, actionOffsetLabel(r)), Kind: action.NoticeReminder, To: action.RungOwner})
		}
	}
	out = append(out, action.ActionNotice{At: p.at(0), Key: fmt.Sprintf("remind/%s/0d", ds), Kind: action.NoticeDue, To: action.RungOwner})
	rungs := append([]action.EscalationStep{{Who: action.RungOwner}}, t.Ladder...)
	for i, step := range rungs {
		start := p.at(step.After)
		if i > 0 {
			out = append(out, action.ActionNotice{At: start, Key: fmt.Sprintf("escalate/%s/%d/0", ds, i), Kind: action.NoticeEscalation, Step: i, To: step.Who})
		}
		last := i == len(rungs)-1
		var end time.Time
		if !last {
			end = p.at(rungs[i+1].After)
		}
		for k := 1; k < 100000; k++ {
			at := actionAfter(start, time.Duration(k)*t.Repeat)
			if !last && !at.Before(end) {
				break
			}
			out = append(out, action.ActionNotice{At: at, Key: fmt.Sprintf("escalate/%s/%d/%d", ds, i, k), Kind: action.NoticeOverdue, Step: i, To: step.Who})
			if last && at.After(until) {
				break
			}
		}
	}
	slices.SortStableFunc(out, func(x, y action.ActionNotice) int { return x.At.Compare(y.At) })
	return out
}

// pick finds the notice to send now (the latest that came due after
// notifiedThrough, superseding any earlier: rule 2) and the next one to
// wait for.
func (p noticePlan) pick(notifiedThrough, now time.Time) (passed, next *action.ActionNotice) {
	for _, n := range p.notices(now) {
		switch {
		case !n.At.After(notifiedThrough):
		case !n.At.After(now):
			passed = &n
		case next == nil:
			next = &n
		}
	}
	return passed, next
}

// start is where a plan made afresh at now begins (rule 3): the
// NotifiedThrough that skips the notices already past, except that once the
// due date itself has passed, the latest on-due or overdue notice is left
// to be sent at once.
func (p noticePlan) start(now time.Time) (notifiedThrough time.Time) {
	due := p.at(0)
	if now.Before(due) {
		return now
	}
	var latest time.Time
	for _, n := range p.notices(now) {
		if !n.At.Before(due) && !n.At.After(now) {
			latest = n.At
		}
	}
	return latest.Add(-time.Nanosecond)
}
