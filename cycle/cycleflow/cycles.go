package cycleflow

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"

	"go.temporal.io/sdk/temporal"

	"github.com/lsip/scrutiny/cycle"
	"github.com/lsip/scrutiny/domain"
	"github.com/lsip/scrutiny/outbox"
	"github.com/lsip/scrutiny/store"
)

// cycleInfo is what most cycle activities need to know about the cycle.
type cycleInfo struct {
	domain.Cycle
	// Dates is the stored schedule, read.
	Dates cycle.Schedule
}

// loadCycle loads the cycle; a cycle that does not exist is an error no
// retry can mend.
func (a *Activities) loadCycle(ctx context.Context, id int64) (cycleInfo, error) {
	c, err := a.Store.Cycle(ctx, id)
	if errors.Is(err, store.ErrNotFound) {
		return cycleInfo{}, temporal.NewNonRetryableApplicationError(fmt.Sprintf("cycle %d does not exist", id), "NotFound", nil)
	}
	if err != nil {
		return cycleInfo{}, err
	}
	info := cycleInfo{Cycle: c}
	if err := json.Unmarshal(c.Schedule, &info.Dates); err != nil {
		return info, fmt.Errorf("schedule of cycle %d: %w", id, err)
	}
	return info, nil
}

// CreateCycle stores a new cycle in the selecting stage. A retry, or a
// repeated start of the same workflow, finds the existing row by workflow
// ID; only the first insert is audited.
func (a *Activities) CreateCycle(ctx context.Context, in CreateCycleInput) (int64, error) {
	exists, err := a.Store.PanelExists(ctx, in.PanelID)
	if err != nil {
		return 0, err
	}
	if !exists {
		return 0, temporal.NewNonRetryableApplicationError(fmt.Sprintf("panel %d does not exist", in.PanelID), "NotFound", nil)
	}
	sched, err := json.Marshal(in.Schedule)
	if err != nil {
		return 0, err
	}
	var theme domain.ThemeFilter
	if in.ThemeFilter != nil {
		theme = *in.ThemeFilter
	}
	id, inserted, err := a.Store.CreateCycle(ctx, store.NewCycle{ThemeFilter: theme,
		WorkflowID: in.WorkflowID, PanelID: in.PanelID, WindowStart: in.WindowStart, WindowEnd: in.WindowEnd, Theme: in.Theme,
		Quotas:             domain.CycleQuotas{PerStrand: in.Quotas, Total: in.TotalQuota, WidenMonths: in.WidenMonths},
		ReservesPerStratum: in.ReservesPerStratum, Schedule: sched,
		StartedBy: in.StartedBy, CoordinatorName: in.CoordinatorName, CoordinatorEmail: in.CoordinatorEmail,
		DirectReviews: in.DirectReviews,
	})
	if err != nil {
		if c, ok := store.IsUniqueViolation(err); ok && c == "cycles_one_live_per_window" {
			return 0, temporal.NewNonRetryableApplicationError("this panel already has a cycle for that window", "Duplicate", err)
		}
		return 0, err
	}
	if !inserted {
		return id, nil
	}
	return id, a.Store.Audit(ctx, in.StartedBy, "cycle_started", "cycle", strconv.FormatInt(id, 10), map[string]any{"panel_id": in.PanelID})
}

// SetStage records the cycle's stage and schedule, and when it closed or
// was cancelled.
func (a *Activities) SetStage(ctx context.Context, cycleID int64, stage domain.Stage, schedule cycle.Schedule) error {
	sched, err := json.Marshal(schedule)
	if err != nil {
		return err
	}
	return a.Store.SetCycleStage(ctx, cycleID, domain.Stage(stage), sched)
}

// RevokeAccess ends every member link of the cycle; links are checked
// against this on every use.
func (a *Activities) RevokeAccess(ctx context.Context, cycleID int64) error {
	return a.Store.InTx(ctx, func(tx *store.Tx) error {
		revoked, err := tx.RevokeCycleAccess(ctx, cycleID)
		if err != nil || !revoked {
			return err
		}
		return tx.Audit(ctx, "system", "access_revoked", "cycle", strconv.FormatInt(cycleID, 10), nil)
	})
}

// CloseCycle marks the cycle closed.
func (a *Activities) CloseCycle(ctx context.Context, cycleID int64) error {
	return a.Store.CloseCycle(ctx, cycleID)
}

// CancelCycle is CancelCycleBy as cycles cancelled before cancellations
// named the person ran it: the audit log names the role.
func (a *Activities) CancelCycle(ctx context.Context, cycleID int64, reason string) ([]outbox.Ref, error) {
	return a.CancelCycleBy(ctx, CancelInput{CycleID: cycleID, Reason: reason, By: string(domain.StaffCoordinator)})
}

// CancelInput is the cancellation of a cycle by a person.
type CancelInput struct {
	CycleID int64  `json:"cycle_id"`
	Reason  string `json:"reason"`
	By      string `json:"by"` // the email of the person cancelling, for the audit log
}

// CancelCycleBy records the cancellation, audited under the person who
// cancelled, revokes access and queues every member the cancelled invite
// (same UID, the next SEQUENCE) with a plain notice. Nothing is deleted,
// and a retry queues nothing new.
func (a *Activities) CancelCycleBy(ctx context.Context, in CancelInput) ([]outbox.Ref, error) {
	err := a.Store.InTx(ctx, func(tx *store.Tx) error {
		recorded, err := tx.CancelRecorded(ctx, in.CycleID)
		if err != nil || recorded {
			return err
		}
		if err := tx.CancelCycle(ctx, in.CycleID, in.Reason); err != nil {
			return err
		}
		if err := tx.CancelMeeting(ctx, in.CycleID); err != nil {
			return err
		}
		return tx.Audit(ctx, cmp.Or(in.By, string(domain.StaffCoordinator)), "cycle_cancelled", "cycle", strconv.FormatInt(in.CycleID, 10), nil)
	})
	if err != nil {
		return nil, err
	}
	return a.queueInvites(ctx, in.CycleID, true, in.Reason)
}
