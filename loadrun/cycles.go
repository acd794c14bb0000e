package loadrun

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/lsip/scrutiny/cycle"
	"github.com/lsip/scrutiny/domain"
)

// The stages of a cycle, each step of the run driving one.

// meetingLead is how far ahead each cycle's meeting is first set. The
// conflict check and the packs are due that far ahead of it, so both come
// at once after the approval; the meeting is brought forward once the
// reviews are in.
const meetingLead = 2 * time.Hour

// startCycle starts the panel's cycle as its coordinator, over the API.
func (r *run) startCycle(ctx context.Context, c *cycleRun) error {
	now := time.Now().UTC()
	meeting := now.Add(meetingLead).Truncate(time.Second)
	body := map[string]any{
		"panel_id": c.panelID, "window_start": now.AddDate(0, -3, 0).Format(time.DateOnly), "window_end": now.Format(time.DateOnly),
		"quotas": casesPerCycle, "reserves_per_stratum": 0,
		"meeting": cycle.Meeting{Start: meeting, End: meeting.Add(2 * time.Hour), Location: "Load test room"},
		"timing": map[string]any{"conflict_check_before": "2h", "packs_before": "2h", "reviews_due_before": "1s",
			"revoke_after": "1s", "reminders": []string{}, "approval_nudge_every": "1h"},
	}
	var started cycle.CycleStatus
	if err := r.api.do(ctx, call{method: "POST", path: "/api/v1/cycles", token: c.coordinator.token, key: c.key("start"), body: body}, &started); err != nil {
		return err
	}
	c.cycleID = started.CycleID
	cy, err := r.s.Store.Cycle(ctx, c.cycleID)
	if err != nil {
		return err
	}
	c.workflowID = cy.WorkflowID
	return nil
}

// approve waits for the draw and approves it as the coordinator.
func (r *run) approve(ctx context.Context, c *cycleRun) error {
	if _, err := r.awaitStage(ctx, c, domain.StageCoordinatorCheck); err != nil {
		return err
	}
	return r.api.do(ctx, call{method: "POST", path: c.path("/approve"), token: c.coordinator.token, key: c.key("approve")}, nil)
}

// awaitPacks waits for every member's pack email and takes their
// personal link from it.
func (r *run) awaitPacks(ctx context.Context, c *cycleRun) error {
	for _, m := range c.members {
		got, err := r.inbox.wait(ctx, m.email, "Your review pack", 1)
		if err != nil {
			return err
		}
		if m.token, err = linkToken(got[0].Text); err != nil {
			return fmt.Errorf("pack email to %s: %w", m.email, err)
		}
	}
	return nil
}

// linkToken finds the personal link (…/m/TOKEN) in an email's text.
func linkToken(text string) (string, error) {
	for _, f := range strings.Fields(text) {
		u, err := url.Parse(strings.TrimRight(f, ".,)"))
		if err != nil || !strings.HasPrefix(u.Scheme, "http") {
			continue
		}
		if token, ok := strings.CutPrefix(u.Path, "/m/"); ok && token != "" && !strings.Contains(token, "/") {
			return token, nil
		}
	}
	return "", fmt.Errorf("no personal link in the email")
}

// awaitCounted waits until the cycle's status, as the API shows it, counts for every member
// the reviews the API accepted, and no more.
func (r *run) awaitCounted(ctx context.Context, c *cycleRun) error {
	ctx, cancel := context.WithTimeout(ctx, 2*time.Minute)
	defer cancel()
	var last cycle.CycleStatus
	err := waitUntil(ctx, "the cycle's status to count every review", time.Second, func() (bool, error) {
		if err := r.api.do(ctx, call{method: "GET", path: c.path(""), token: c.coordinator.token}, &last); err != nil {
			return false, err
		}
		sum := 0
		for _, m := range last.Members {
			if m.Submitted != c.submitted[m.MemberID] {
				return false, nil
			}
			sum += m.Submitted
		}
		c.counted = sum
		return len(last.Members) == len(c.members), nil
	})
	if err != nil {
		r.rep.problem("cycle %d: %v; the cycle's status shows %+v", c.cycleID, err, last.Members)
	}
	return nil
}

// holdMeeting brings the meeting forward, records the meeting as the
// chair would, issues the minutes, and waits for the minutes email and
// for the cycle to close.
func (r *run) holdMeeting(ctx context.Context, c *cycleRun) error {
	if err := r.bringMeetingForward(ctx, c); err != nil {
		return err
	}
	st, err := r.awaitStage(ctx, c, domain.StageMeeting)
	if err != nil {
		return err
	}
	present := map[string]string{}
	for _, m := range c.members {
		present[fmt.Sprint(m.id)] = "present"
	}
	if err := r.api.do(ctx, call{method: "POST", path: c.path("/attendance"), token: c.chair.token, key: c.key("attendance"),
		body: map[string]any{"status": present}}, nil); err != nil {
		return err
	}
	if err := r.recordFindings(ctx, c, st.Cases); err != nil {
		return err
	}
	if err := r.api.do(ctx, call{method: "POST", path: c.path("/close-meeting"), token: c.chair.token, key: c.key("close-meeting")}, nil); err != nil {
		return err
	}
	if err := r.api.do(ctx, call{method: "POST", path: c.path("/approve-minutes"), token: c.chair.token, key: c.key("approve-minutes")}, nil); err != nil {
		return err
	}
	if _, err := r.inbox.wait(ctx, c.coordinator.email, "Minutes of the "+c.panelName, 1); err != nil {
		return err
	}
	return waitUntil(ctx, "the cycle to close", r.storePoll(), func() (bool, error) {
		cy, err := r.s.Store.Cycle(ctx, c.cycleID)
		return cy.Stage == domain.StageClosed, err
	})
}

// recordFindings records a finding for every approved case, all at once,
// as a chair's client may: each is an update of its own.
func (r *run) recordFindings(ctx context.Context, c *cycleRun, cases []cycle.CycleCase) error {
	var wg sync.WaitGroup
	errs := make([]error, len(cases))
	for i, cc := range cases {
		if cc.Status != string(domain.CaseApproved) {
			continue
		}
		wg.Go(func() {
			errs[i] = r.api.do(ctx, call{method: "POST", path: c.path("/findings"), token: c.chair.token, key: c.key(fmt.Sprint("finding-", cc.CaseID)),
				body: map[string]any{"case_id": cc.CaseID, "category": "handled_well", "rationale": "Load run: handled well."}}, nil)
		})
	}
	wg.Wait()
	return errors.Join(errs...)
}

// bringMeetingForward moves the meeting to MeetingDelay from now. Under
// load the workflow may see the request only after that moment has
// passed, and refuse a meeting in the past: then it asks again, further
// ahead, as a fresh request.
func (r *run) bringMeetingForward(ctx context.Context, c *cycleRun) error {
	var err error
	for attempt := 1; attempt <= 3; attempt++ {
		at := time.Now().UTC().Add(time.Duration(attempt) * r.o.MeetingDelay)
		err = r.api.do(ctx, call{method: "POST", path: c.path("/schedule"), token: c.coordinator.token, key: c.key(fmt.Sprint("schedule-", attempt)),
			body: cycle.Meeting{Start: at, End: at.Add(2 * time.Hour), Location: "Load test room"}}, nil)
		if err == nil || !strings.Contains(err.Error(), "in the future") {
			return err
		}
	}
	return err
}

// awaitStage waits until the cycle has reached stage, first as PostgreSQL
// records it (cheap to ask), then as the workflow answers, since the
// workflow moves on only after the record is written; it returns the
// workflow's status.
func (r *run) awaitStage(ctx context.Context, c *cycleRun, stage domain.Stage) (cycle.CycleStatus, error) {
	var st cycle.CycleStatus
	if err := waitUntil(ctx, "stage "+string(stage)+" in PostgreSQL", r.storePoll(), func() (bool, error) {
		cy, err := r.s.Store.Cycle(ctx, c.cycleID)
		return cy.Stage == stage, err
	}); err != nil {
		return st, err
	}
	err := waitUntil(ctx, "stage "+string(stage)+" in the workflow", r.workflowPoll(), func() (bool, error) {
		err := r.api.do(ctx, call{method: "GET", path: c.path(""), token: c.coordinator.token}, &st)
		return st.Stage == stage, err
	})
	return st, err
}

// path is the API path of the cycle, with what follows.
func (c *cycleRun) path(rest string) string {
	return fmt.Sprintf("/api/v1/cycles/%d%s", c.cycleID, rest)
}

// key is the Idempotency-Key of one of the cycle's writes.
func (c *cycleRun) key(what string) string { return fmt.Sprintf("load-%d-%s", c.panelID, what) }
