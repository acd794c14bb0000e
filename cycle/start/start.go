// Package start is the one way a review cycle is started: the API, the
// start-a-cycle page and a panel's recurring schedule all call Cycle, so a
// cycle started on a calendar is checked, timed and started exactly as one
// started by hand. It validates the request, applies the starter's scope,
// refuses a second live cycle for the same panel and window, resolves the
// timing and starts the cycle workflow with update-with-start.
package start

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"net/http"
	"slices"
	"strings"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/api/serviceerror"
	"go.temporal.io/sdk/client"

	"github.com/lsip/scrutiny/cycle"
	"github.com/lsip/scrutiny/domain"
	"github.com/lsip/scrutiny/store"
)

// Request is what starting a cycle takes. The API's body embeds it, and
// reads the timing itself in plain units, so Timing has no JSON name here.
type Request struct {
	PanelID            int64          `json:"panel_id"`
	WindowStart        string         `json:"window_start"`
	WindowEnd          string         `json:"window_end"`
	Theme              string         `json:"theme"`
	Quotas             map[string]int `json:"quotas"`
	TotalQuota         int            `json:"total_quota"`
	ReservesPerStratum *int           `json:"reserves_per_stratum"`
	WidenMonths        int            `json:"widen_months"`
	Meeting            cycle.Meeting  `json:"meeting"`
	Timing             *cycle.Timing  `json:"-"`
	// ThemeFilter optionally narrows the draw to a theme; Theme is its label.
	ThemeFilter *domain.ThemeFilter `json:"theme_filter"`
	// Agenda is a forum meeting's agenda (forum.go); a panel has none.
	Agenda []cycle.AgendaItem `json:"agenda"`
	// There is no seed: the workflow draws one from the system when the
	// cycle starts and records it in the minutes, so nobody can choose
	// which cases are drawn.
}

// Deps are what starting a cycle needs.
type Deps struct {
	Store     *store.Store
	Temporal  client.Client
	TaskQueue string
	// UpdateID, when set, names the start's update from the caller's
	// request (the API's Idempotency-Key), so that a start retried after
	// it timed out finds the one that went through and answers as it did.
	UpdateID func(ctx context.Context, workflowID, name string) string
}

// Field is one field of the request that needs correcting.
type Field struct {
	Field, Message string
}

// Refusal says why no cycle was started. Status is the HTTP status that
// fits it. Err is set, and nothing else need be, when the panel lies
// outside the starter's scope (store.ErrOutOfScope) or something failed on
// our side; the caller logs the latter and never shows it.
type Refusal struct {
	Status                  int
	Title, Detail, Existing string
	Fields                  []Field
	Err                     error
}

// Cycle checks req and, when it is sound and no live cycle covers the same
// panel and window, starts the cycle as by, returning as soon as the cycle
// is stored.
func Cycle(ctx context.Context, d Deps, by store.User, req Request) (cycle.CycleStatus, *Refusal) {
	var started cycle.CycleStatus
	in, r := Check(ctx, d.Store, by, req)
	if r != nil {
		return started, r
	}
	// A live cycle for the same panel and window is refused by name.
	existing, err := d.Store.LiveCycleFor(ctx, in.PanelID, in.WindowStart, in.WindowEnd)
	if err == nil {
		if c, err := d.Store.Cycle(ctx, existing); err == nil {
			if st, ok, err := retried(ctx, d, c.WorkflowID); ok {
				return st, nil
			} else if TemporalUnreachable(err) {
				return started, unanswered
			}
		}
		return started, &Refusal{Status: http.StatusConflict, Title: "This cycle already exists",
			Detail: fmt.Sprintf("Cycle %d already covers this panel and window.", existing), Existing: fmt.Sprintf("/api/v1/cycles/%d", existing)}
	}
	if !errors.Is(err, store.ErrNotFound) {
		return started, failed(err)
	}
	cancelled, err := d.Store.CancelledCycles(ctx, in.PanelID, in.WindowStart, in.WindowEnd)
	if err != nil {
		return started, failed(err)
	}
	id := cycle.RestartedCycleWorkflowID(cycle.CycleWorkflowID(in.PanelID, in.WindowStart, in.WindowEnd), cancelled)
	ctx, cancel := context.WithTimeout(ctx, TemporalDeadline)
	defer cancel()
	op := d.Temporal.NewWithStartWorkflowOperation(client.StartWorkflowOptions{
		ID: id, TaskQueue: d.TaskQueue, WorkflowIDConflictPolicy: enumspb.WORKFLOW_ID_CONFLICT_POLICY_FAIL,
		WorkflowIDReusePolicy: enumspb.WORKFLOW_ID_REUSE_POLICY_REJECT_DUPLICATE,
	}, cycle.WorkflowName, in)
	var updateID string
	if d.UpdateID != nil {
		updateID = d.UpdateID(ctx, id, cycle.UpdateStarted)
	}
	h, err := d.Temporal.UpdateWithStartWorkflow(ctx, client.UpdateWithStartWorkflowOptions{
		StartWorkflowOperation: op,
		UpdateOptions:          client.UpdateWorkflowOptions{UpdateID: updateID, UpdateName: cycle.UpdateStarted, WaitForStage: client.WorkflowUpdateStageCompleted},
	})
	if err == nil {
		err = h.Get(ctx, &started)
	}
	var already *serviceerror.WorkflowExecutionAlreadyStarted
	if errors.As(err, &already) {
		if st, ok, err := retried(ctx, d, id); ok {
			return st, nil
		} else if TemporalUnreachable(err) {
			return started, unanswered
		}
		return started, &Refusal{Status: http.StatusConflict, Title: "This cycle already exists",
			Detail: "A cycle for this panel and window was started before (workflow " + id + ").", Existing: id}
	}
	if TemporalUnreachable(err) {
		return started, unanswered
	}
	if err != nil {
		return started, failed(fmt.Errorf("start cycle %s: %w", id, err))
	}
	return started, nil
}

// unanswered answers a start whose call to Temporal did not answer in
// time: the cycle may or may not have started, and the same request again
// finds out which.
var unanswered = &Refusal{Status: http.StatusServiceUnavailable, Title: "Please try again",
	Detail: "The workflow service did not answer in time, so the cycle may not have started. Please try again in a moment: " +
		"a cycle that did start is then named, never started twice."}

// retried answers a start that finds its cycle already there when it is
// the same request again (the answer to the first was lost, or was a 503
// while the cycle did start): the update the first started, named by the
// caller's UpdateID, answers it as it answered the first. A start by
// anyone else has no such update, and is refused as a duplicate; one that
// Temporal did not answer in time (under load the first start may still
// be running) returns the error, so that it is asked to try again, not
// refused.
func retried(ctx context.Context, d Deps, workflowID string) (cycle.CycleStatus, bool, error) {
	var started cycle.CycleStatus
	if d.UpdateID == nil {
		return started, false, nil
	}
	updateID := d.UpdateID(ctx, workflowID, cycle.UpdateStarted)
	if updateID == "" {
		return started, false, nil
	}
	ctx, cancel := context.WithTimeout(ctx, TemporalDeadline)
	defer cancel()
	h := d.Temporal.GetWorkflowUpdateHandle(client.GetWorkflowUpdateHandleOptions{WorkflowID: workflowID, UpdateID: updateID})
	err := h.Get(ctx, &started)
	return started, err == nil, err
}

// TemporalDeadline bounds every call made to Temporal on a person's
// behalf, here and in the API, so that an unreachable cluster is a prompt
// 503 rather than a request that hangs.
const TemporalDeadline = 30 * time.Second

// TemporalUnreachable reports whether err is Temporal not answering: the
// call's deadline passed, or the service could not be reached. Such a
// failure is the caller's to retry (503), not a fault to log as a 500.
func TemporalUnreachable(err error) bool {
	var unavailable *serviceerror.Unavailable
	var deadline *serviceerror.DeadlineExceeded
	return errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled) ||
		errors.As(err, &unavailable) || errors.As(err, &deadline)
}

// failed is the refusal for a failure on our side.
func failed(err error) *Refusal {
	return &Refusal{Status: http.StatusInternalServerError, Err: fmt.Errorf("start cycle: %w", err)}
}

// Check validates req as by and returns the cycle's input, its timing
// resolved, defaults included, so that a later change of defaults never
// alters a running cycle. Every field problem is returned at once.
func Check(ctx context.Context, st *store.Store, by store.User, req Request) (cycle.CycleInput, *Refusal) {
	var fields []Field
	bad := func(field, msg string) { fields = append(fields, Field{Field: field, Message: msg}) }
	// Only coordinators (and admins) start cycles; the API's routes say so
	// too, and a schedule run as a person whose role has changed must not.
	if by.Role != domain.StaffCoordinator && by.Role != domain.StaffAdmin {
		return cycle.CycleInput{}, &Refusal{Status: http.StatusForbidden, Err: store.ErrOutOfScope}
	}
	panel, err := st.PanelIn(ctx, store.ScopeOf(by), req.PanelID)
	panelFound := err == nil
	switch {
	case errors.Is(err, store.ErrNotFound):
		bad("panel_id", "there is no panel with this ID")
	case errors.Is(err, store.ErrOutOfScope):
		return cycle.CycleInput{}, &Refusal{Status: http.StatusForbidden, Err: err}
	case err != nil:
		return cycle.CycleInput{}, failed(err)
	case !panel.Active:
		bad("panel_id", "this panel is closed and starts no new cycles")
	}
	if panelFound && panel.Kind == domain.PanelForum {
		return checkForum(req, by, fields) // forum.go: no case stages
	}
	start, errStart := time.Parse(time.DateOnly, req.WindowStart)
	end, errEnd := time.Parse(time.DateOnly, req.WindowEnd)
	if errStart != nil {
		bad("window_start", "must be a date as YYYY-MM-DD")
	}
	if errEnd != nil {
		bad("window_end", "must be a date as YYYY-MM-DD")
	}
	if errStart == nil && errEnd == nil && end.Before(start) {
		bad("window_end", "must not be before window_start")
	}
	if len(req.Quotas) == 0 && req.TotalQuota <= 0 {
		bad("quotas", "give per-strand quotas, or a total_quota shared across the panel's strands")
	}
	for strand, n := range req.Quotas {
		if _, ok := domain.StrandByCode(strand); !ok {
			bad("quotas."+strand, "is not a known strand")
		} else if panelFound && !slices.Contains(panel.Strands, strand) {
			bad("quotas."+strand, "is not a strand this panel reviews")
		}
		if n < 0 || n > 20 {
			bad("quotas."+strand, "must be between 0 and 20")
		}
	}
	if tf := req.ThemeFilter; tf != nil {
		var strands []string
		if panelFound {
			strands = panel.Strands
		}
		problems := tf.Problems(strands)
		for _, field := range slices.Sorted(maps.Keys(problems)) {
			bad(field, problems[field])
		}
		for strand, n := range req.Quotas {
			if n > 0 && len(tf.Strands) > 0 && !slices.Contains(tf.Strands, strand) {
				bad("quotas."+strand, "is not one of the theme's strands (theme_filter.strands)")
			}
		}
	}
	reserves := 1
	if req.ReservesPerStratum != nil {
		reserves = *req.ReservesPerStratum
		if reserves < 0 || reserves > 5 {
			bad("reserves_per_stratum", "must be between 0 and 5")
		}
	}
	if !req.Meeting.Start.After(time.Now()) {
		bad("meeting.start", "must be in the future")
	}
	if !req.Meeting.End.After(req.Meeting.Start) {
		bad("meeting.end", "must be after the start")
	}
	if strings.TrimSpace(req.Meeting.Location) == "" && strings.TrimSpace(req.Meeting.OnlineLink) == "" {
		bad("meeting.location", "give a place or an online link")
	}
	var timing cycle.Timing
	if req.Timing != nil {
		timing = *req.Timing
	}
	timing = timing.WithDefaults()
	problems := timing.Problems()
	for _, field := range slices.Sorted(maps.Keys(problems)) {
		bad("timing."+field, problems[field])
	}
	if len(fields) > 0 {
		return cycle.CycleInput{}, &Refusal{Status: http.StatusBadRequest, Title: "The request is not valid", Detail: "Some fields need correcting.", Fields: fields}
	}
	return cycle.CycleInput{PanelID: req.PanelID, WindowStart: start, WindowEnd: end, Theme: req.Theme, Quotas: req.Quotas,
		TotalQuota: req.TotalQuota, ReservesPerStratum: reserves, WidenMonths: req.WidenMonths, Meeting: req.Meeting, Timing: timing,
		StartedBy: by.Name, CoordinatorName: by.Name, CoordinatorEmail: by.Email, ThemeFilter: themeOrNil(req.ThemeFilter), DirectReviews: true}, nil
}

// themeOrNil is the theme the cycle records: nil when there is none, so a
// cycle without a theme starts exactly as one did before themes existed.
func themeOrNil(tf *domain.ThemeFilter) *domain.ThemeFilter {
	if tf == nil || (tf.Empty() && tf.MinPerArea == 0) {
		return nil
	}
	return tf
}
