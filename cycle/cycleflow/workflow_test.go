package cycleflow

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/mock"
	sdklog "go.temporal.io/sdk/log"
	"go.temporal.io/sdk/testsuite"

	"github.com/lsip/scrutiny/action"
	"github.com/lsip/scrutiny/action/actionflow"
	"github.com/lsip/scrutiny/cycle"
	"github.com/lsip/scrutiny/domain"
	"github.com/lsip/scrutiny/outbox"
	"github.com/lsip/scrutiny/outbox/outboxflow"
	"github.com/lsip/scrutiny/reviewform"
)

// world plays the activities' side of a cycle for the time-skipping tests:
// it answers with fixed data and records what the workflow asked for and
// when, so tests can assert exact times.
type world struct {
	t   *testing.T
	env *testsuite.TestWorkflowEnvironment

	mu          sync.Mutex
	calls       map[string][]time.Time
	reminders   map[int64][]time.Time // member -> reminder times
	unfinished  map[int64]int         // member -> reviews unfinished in the store, for direct reviews
	alerts      []Alert
	delivered   []int64
	batches     [][]int64      // the outbox IDs of each batch delivered
	bounceFor   map[int64]bool // member ids whose pack mail bounces
	conflicts   []ConflictInput
	saved       []ReviewInput
	cancelled   bool
	packCases   map[int64][]int64
	selection   Selection
	replacement *cycle.CycleCase
	sequence    int
	updates     int
}

var (
	start   = time.Date(2027, 1, 4, 9, 0, 0, 0, time.UTC) // a Monday
	meeting = time.Date(2027, 2, 15, 18, 0, 0, 0, time.UTC)
)

func newWorld(t *testing.T) *world {
	var suite testsuite.WorkflowTestSuite
	suite.SetLogger(sdklog.NewStructuredLogger(slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))))
	w := &world{
		t: t, env: suite.NewTestWorkflowEnvironment(),
		calls: map[string][]time.Time{}, reminders: map[int64][]time.Time{}, bounceFor: map[int64]bool{},
		packCases: map[int64][]int64{101: {1, 2, 3}, 102: {1, 2, 3}},
		selection: Selection{
			Cases: []cycle.CycleCase{
				{CaseID: 1, Reference: "WAL-001", Stratum: "race", Role: "selected", Status: "proposed"},
				{CaseID: 2, Reference: "WAL-002", Stratum: "disability", Role: "selected", Status: "proposed"},
				{CaseID: 3, Reference: "WAL-003", Stratum: "domestic_abuse", Role: "carried_forward", Status: "proposed"},
				{CaseID: 4, Reference: "WAL-004", Stratum: "race", Role: "reserve", Status: "reserve"},
			},
			Strata: []cycle.StratumSummary{
				{Strand: "race", Quota: 1, Eligible: 12},
				{Strand: "disability", Quota: 2, Eligible: 1, Shortfall: 1},
			},
		},
	}
	w.env.SetStartTime(start)
	w.env.RegisterWorkflow(CycleWorkflow)
	w.env.RegisterWorkflow(MemberReviewWorkflow)
	w.env.RegisterWorkflow(actionflow.ActionWorkflow)
	w.env.RegisterActivity(&Activities{})
	w.env.RegisterActivity(&outboxflow.Activities{})
	w.mockActivities()
	return w
}

func (w *world) record(name string) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.calls[name] = append(w.calls[name], w.env.Now().UTC())
}

// deliver notes the email as delivered: a pack to a member in bounceFor
// bounces, anything else is sent.
func (w *world) deliver(outboxID int64) domain.MailStatus {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.delivered = append(w.delivered, outboxID)
	if outboxID >= 6000 && outboxID < 7000 && w.bounceFor[outboxID-6000] {
		return domain.MailBounced
	}
	return domain.MailSent
}

func (w *world) called(name string) []time.Time {
	w.mu.Lock()
	defer w.mu.Unlock()
	return slices.Clone(w.calls[name])
}

func (w *world) mockActivities() {
	env := w.env
	any2 := []any{mock.Anything, mock.Anything}
	any3 := append(slices.Clone(any2), mock.Anything)
	any4 := append(slices.Clone(any3), mock.Anything)
	env.OnActivity(a.CreateCycle, any2...).Return(int64(7), nil)
	env.OnActivity(a.SelectCases, any2...).Return(func(_ context.Context, in SelectInput) (Selection, error) {
		w.record("SelectCases")
		return w.selection, nil
	})
	env.OnActivity(a.SaveMeeting, any3...).Return(func(_ context.Context, _ int64, m cycle.Meeting) (SavedMeeting, error) {
		w.record("SaveMeeting")
		w.mu.Lock()
		defer w.mu.Unlock()
		seq := w.sequence
		w.sequence++
		return SavedMeeting{MeetingID: 1, Sequence: seq}, nil
	})
	env.OnActivity(a.QueueInvites, any3...).Return(func(_ context.Context, _ int64, cancel bool) ([]outbox.Ref, error) {
		w.record("QueueInvites")
		return []outbox.Ref{{OutboxID: 900 + int64(len(w.called("QueueInvites"))), MemberID: 101}}, nil
	})
	env.OnActivity(a.SaveSchedule, any2...).Return(func(_ context.Context, in ScheduleInput) (SavedSchedule, error) {
		for _, name := range []string{"SaveSchedule", "SaveMeeting", "SetStage:" + string(in.Stage), "QueueInvites"} {
			w.record(name)
		}
		w.mu.Lock()
		defer w.mu.Unlock()
		seq := w.sequence
		w.sequence++
		return SavedSchedule{Sequence: seq, Invites: []outbox.Ref{{OutboxID: 900 + int64(len(w.calls["QueueInvites"])), MemberID: 101}}}, nil
	})
	env.OnActivity(a.SetStage, any4...).Return(func(_ context.Context, _ int64, stage domain.Stage, _ cycle.Schedule) error {
		w.record("SetStage:" + string(stage))
		return nil
	})
	env.OnActivity(a.ApproveSelectionBy, any2...).Return(func(_ context.Context, in ApproveInput) ([]cycle.CycleCase, error) {
		w.record("ApproveSelection")
		w.record("approved by " + in.By)
		cases := slices.Clone(w.selection.Cases)
		for i := range cases {
			if cases[i].Status == "proposed" {
				cases[i].Status = "approved"
			} else if cases[i].Status == "reserve" {
				cases[i].Status = "unused_reserve"
			}
		}
		return cases, nil
	})
	env.OnActivity(a.ReplaceCase, any2...).Return(func(_ context.Context, in ReplaceInput) (Replacement, error) {
		w.record("ReplaceCase")
		return Replacement{Replacement: w.replacement}, nil
	})
	env.OnActivity(a.QueueConflictTeasers, any2...).Return(func(_ context.Context, _ int64) ([]outbox.Ref, error) {
		w.record("QueueConflictTeasers")
		return []outbox.Ref{{OutboxID: 800, MemberID: 101}, {OutboxID: 801, MemberID: 102}}, nil
	})
	env.OnActivity(a.RecordConflict, any2...).Return(func(_ context.Context, in ConflictInput) error {
		w.mu.Lock()
		defer w.mu.Unlock()
		w.conflicts = append(w.conflicts, in)
		return nil
	})
	env.OnActivity(a.PackRecipients, any2...).Return([]PackRecipient{{MemberID: 101, Name: "Aled"}, {MemberID: 102, Name: "Bea"}}, nil)
	env.OnActivity(a.PreparePack, any2...).Return(func(_ context.Context, in PackInput) (Pack, error) {
		w.record("PreparePack apart")
		return w.pack(in.MemberID), nil
	})
	env.OnActivity(a.PreparePacks, any2...).Return(func(_ context.Context, in PacksInput) ([]Pack, error) {
		w.record("PreparePacks")
		packs := make([]Pack, len(in.MemberIDs))
		for i, id := range in.MemberIDs {
			packs[i] = w.pack(id)
		}
		return packs, nil
	})
	env.OnActivity(delivery.DeliverMail, any2...).Return(func(_ context.Context, outboxID int64) (domain.MailStatus, error) {
		return w.deliver(outboxID), nil
	})
	env.OnActivity(delivery.DeliverMailBatch, any2...).Return(func(_ context.Context, outboxIDs []int64) ([]domain.MailStatus, error) {
		w.mu.Lock()
		w.batches = append(w.batches, slices.Clone(outboxIDs))
		w.mu.Unlock()
		statuses := make([]domain.MailStatus, len(outboxIDs))
		for i, id := range outboxIDs {
			statuses[i] = w.deliver(id)
		}
		return statuses, nil
	})
	env.OnActivity(a.SaveReview, any2...).Return(func(_ context.Context, in ReviewInput) (cycle.StoredReview, error) {
		w.mu.Lock()
		defer w.mu.Unlock()
		w.saved = append(w.saved, in)
		status := "draft"
		if in.Final {
			status = "submitted"
		}
		return cycle.StoredReview{CaseID: in.CaseID, Status: status, Version: len(w.saved), Late: in.Late}, nil
	})
	env.OnActivity(a.QueueReminder, any2...).Return(func(_ context.Context, in ReminderInput) (outbox.Ref, error) {
		w.mu.Lock()
		defer w.mu.Unlock()
		w.reminders[in.MemberID] = append(w.reminders[in.MemberID], w.env.Now().UTC())
		return outbox.Ref{OutboxID: 7000 + in.MemberID, MemberID: in.MemberID}, nil
	})
	env.OnActivity(a.QueueReminderIfUnfinished, any2...).Return(func(_ context.Context, in ReminderInput) (outbox.Ref, error) {
		w.record("QueueReminderIfUnfinished")
		w.mu.Lock()
		defer w.mu.Unlock()
		if w.unfinished[in.MemberID] == 0 {
			return outbox.Ref{}, nil
		}
		w.reminders[in.MemberID] = append(w.reminders[in.MemberID], w.env.Now().UTC())
		return outbox.Ref{OutboxID: 7000 + in.MemberID, MemberID: in.MemberID}, nil
	})
	env.OnActivity(a.RecordNonReturns, any2...).Return(func(_ context.Context, _ int64) ([]NonReturn, error) {
		w.record("RecordNonReturns")
		return []NonReturn{{MemberID: 102, CaseIDs: []int64{1, 2, 3}}}, nil
	})
	env.OnActivity(a.ExcuseReviewsBy, any2...).Return(func(_ context.Context, in ExcuseInput) (int, error) {
		w.record("ExcuseReviews")
		w.record("excused by " + in.By)
		return 2, nil
	})
	env.OnActivity(a.RecordIdentifyingReport, any2...).Return(func(_ context.Context, _ IdentifyingReport) error {
		w.record("RecordIdentifyingReport")
		return nil
	})
	env.OnActivity(a.QueueAlert, any2...).Return(func(_ context.Context, al Alert) (outbox.Ref, error) {
		w.record("QueueAlert:" + al.Kind)
		w.mu.Lock()
		defer w.mu.Unlock()
		w.alerts = append(w.alerts, al)
		return outbox.Ref{OutboxID: 1000 + int64(len(w.alerts))}, nil
	})
	env.OnActivity(a.RecordAttendance, any2...).Return(nil)
	env.OnActivity(a.RecordFinding, any2...).Return(nil)
	env.OnActivity(a.AddLearningPoint, any2...).Return(int64(31), nil)
	env.OnActivity(a.RecordAction, any2...).Return(cycle.RecordedAction{ActionID: 55}, nil)
	// Action tracking has its own tests; here it only has to start.
	env.OnWorkflow(actionflow.ActionWorkflow, any2...).Return(action.ActionState{}, nil)
	env.OnActivity(a.DraftMinutes, any2...).Return(int64(70), nil)
	env.OnActivity(a.QueueDraftMinutesMail, any3...).Return(func(_ context.Context, _, fileID int64) ([]outbox.Ref, error) {
		w.record("QueueDraftMinutesMail")
		return []outbox.Ref{{OutboxID: 1400 + fileID}}, nil
	})
	env.OnActivity(a.IssueMinutes, any3...).Return(func(_ context.Context, _ int64, by string) (IssuedMinutes, error) {
		w.record("IssueMinutes")
		return IssuedMinutes{FileID: 71, Mail: []outbox.Ref{{OutboxID: 1201}}}, nil
	})
	env.OnActivity(a.RevokeAccess, any2...).Return(func(_ context.Context, _ int64) error {
		w.record("RevokeAccess")
		return nil
	})
	env.OnActivity(a.CancelCycleBy, any2...).Return(func(_ context.Context, in CancelInput) ([]outbox.Ref, error) {
		w.record("CancelCycle")
		w.record("cancelled by " + in.By)
		w.mu.Lock()
		w.cancelled = true
		w.mu.Unlock()
		return []outbox.Ref{{OutboxID: 1300, MemberID: 101}}, nil
	})
	env.OnActivity(a.CloseCycle, any2...).Return(func(_ context.Context, _ int64) error {
		w.record("CloseCycle")
		return nil
	})
}

// pack is the member's pack, without the cases they declared a conflict
// with; each pack built is recorded as PreparePack, however it was asked
// for.
func (w *world) pack(memberID int64) Pack {
	w.record("PreparePack")
	w.mu.Lock()
	defer w.mu.Unlock()
	cases := slices.DeleteFunc(slices.Clone(w.packCases[memberID]), func(id int64) bool {
		return slices.ContainsFunc(w.conflicts, func(c ConflictInput) bool { return c.MemberID == memberID && c.CaseID == id })
	})
	return Pack{FileID: 5000 + memberID, Mail: outbox.Ref{OutboxID: 6000 + memberID, MemberID: memberID}, CaseIDs: cases}
}

func input() cycle.CycleInput {
	return cycle.CycleInput{
		PanelID: 3, WindowStart: time.Date(2026, 7, 1, 0, 0, 0, 0, time.UTC), WindowEnd: time.Date(2026, 9, 30, 0, 0, 0, 0, time.UTC),
		Quotas: map[string]int{"race": 1, "disability": 2}, ReservesPerStratum: 1,
		Meeting:   cycle.Meeting{Start: meeting, End: meeting.Add(2 * time.Hour), Location: "Cardiff office"},
		StartedBy: "coordinator", CoordinatorName: "Cath", CoordinatorEmail: "cath@example.org", Seed: 99,
	}
}

// at schedules fn at the absolute time when.
func (w *world) at(when time.Time, fn func()) {
	w.env.RegisterDelayedCallback(fn, when.Sub(start))
}

// update sends an update and returns its outcome through the callbacks.
type outcome struct {
	err    error
	result any
	done   bool
}

func (w *world) update(name string, workflowID string, args ...any) *outcome {
	o := &outcome{}
	w.updates++
	updateID := fmt.Sprintf("update-%d", w.updates)
	cb := &testsuite.TestUpdateCallback{
		OnReject:   func(err error) { o.err, o.done = err, true },
		OnAccept:   func() {},
		OnComplete: func(r any, err error) { o.result, o.err, o.done = r, err, true },
	}
	if workflowID == wfID {
		w.env.UpdateWorkflow(name, updateID, cb, args...)
	} else if err := w.env.UpdateWorkflowByID(workflowID, name, updateID, cb, args...); err != nil {
		o.err, o.done = err, true
	}
	return o
}

func (w *world) status() cycle.CycleStatus {
	v, err := w.env.QueryWorkflow(cycle.QueryStatus)
	if err != nil {
		w.t.Fatalf("query: %v", err)
	}
	var s cycle.CycleStatus
	if err := v.Get(&s); err != nil {
		w.t.Fatal(err)
	}
	return s
}

func complete(caseID int64) cycle.ReviewSubmission {
	ans := reviewform.Answers{Ratings: map[string]string{}, Comments: map[string]string{}, Overall: "handled_well"}
	for _, q := range form.Questions {
		ans.Ratings[q.Key] = "yes"
	}
	return cycle.ReviewSubmission{CaseID: caseID, Answers: ans, Final: true, Source: "web"}
}

func member(id int64) string {
	return cycle.MemberReviewWorkflowID("default-test-workflow-id", id)
}

func times(ts ...time.Time) []time.Time { return ts }

func (o *outcome) Finished() (bool, error) { return o.done, o.err }
