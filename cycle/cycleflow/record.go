package cycleflow

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"strconv"

	"go.temporal.io/sdk/temporal"

	"github.com/lsip/scrutiny/cycle"
	"github.com/lsip/scrutiny/reviewform"
	"github.com/lsip/scrutiny/store"
)

// RecordAttendance stores who was present, sent apologies or was absent;
// recording a member again replaces their entry.
func (a *Activities) RecordAttendance(ctx context.Context, in cycle.Attendance) error {
	return refusedForGood(a.Store.InTx(ctx, func(tx *store.Tx) error {
		counts := map[string]int{}
		for memberID, status := range in.Status {
			err := tx.RecordAttendance(ctx, in.CycleID, memberID, status)
			if errors.Is(err, store.ErrNotFound) {
				return temporal.NewNonRetryableApplicationError(fmt.Sprintf("cycle %d has no meeting", in.CycleID), "NoMeeting", nil)
			}
			if errors.Is(err, store.ErrNotOnPanel) {
				return temporal.NewNonRetryableApplicationError(fmt.Sprintf("member %d is not on this cycle's panel", memberID), "InvalidInput", nil)
			}
			if err != nil {
				return err
			}
			counts[status]++
		}
		return tx.Audit(ctx, recorder(in.By), "attendance_recorded", "cycle", strconv.FormatInt(in.CycleID, 10), map[string]any{"counts": counts})
	}))
}

// RecordFinding stores (or replaces) the panel's finding on a case. A
// could-not-agree finding marks the case to carry forward.
func (a *Activities) RecordFinding(ctx context.Context, in cycle.Finding) error {
	category, _ := reviewform.Default().Category(in.Category)
	return refusedForGood(a.Store.InTx(ctx, func(tx *store.Tx) error {
		if err := tx.RecordFinding(ctx, store.Finding{CycleID: in.CycleID, CaseID: in.CaseID, Category: in.Category, Rationale: in.Rationale,
			CarriedForward: category.CarriesForward, RecordedBy: in.RecordedBy}); err != nil {
			return err
		}
		return tx.Audit(ctx, in.RecordedBy, "finding_recorded", "cycle", strconv.FormatInt(in.CycleID, 10), map[string]any{"case_id": in.CaseID, "category": in.Category})
	}))
}

// AddLearningPoint stores a learning point once, however often retried.
func (a *Activities) AddLearningPoint(ctx context.Context, in cycle.LearningPoint) (int64, error) {
	var id int64
	err := a.Store.InTx(ctx, func(tx *store.Tx) error {
		var inserted bool
		var err error
		id, inserted, err = tx.AddLearningPoint(ctx, store.NewLearningPoint{CycleID: in.CycleID, CaseID: in.CaseID, Text: in.Text, Tag: in.Tag,
			GoodPractice: in.GoodPractice, RequestKey: requestKey(ctx), Theme: in.Theme})
		if err != nil || !inserted {
			return err
		}
		return tx.Audit(ctx, recorder(in.By), "learning_point_added", "cycle", strconv.FormatInt(in.CycleID, 10), map[string]any{"learning_point_id": id, "tag": in.Tag})
	})
	return id, refusedForGood(err)
}

// RecordAction stores an agreed action once, open, in the cycle's panel and
// Area, with its first timeline event.
func (a *Activities) RecordAction(ctx context.Context, in cycle.AgreedAction) (cycle.RecordedAction, error) {
	var out cycle.RecordedAction
	err := a.Store.InTx(ctx, func(tx *store.Tx) error {
		var inserted bool
		var err error
		out.ActionID, inserted, err = tx.AddAgreedAction(ctx, store.AgreedAction{
			CycleID: in.CycleID, CaseID: in.CaseID, LearningPointID: in.LearningPointID,
			Kind: cmp.Or(in.Kind, "recommendation"), Audience: cmp.Or(in.Audience, "prosecution"), Description: in.Description,
			OwnerName: in.OwnerName, OwnerEmail: in.OwnerEmail, ManagerName: in.ManagerName, ManagerEmail: in.ManagerEmail,
			Due: in.Due, RequestKey: requestKey(ctx), OwnerLanguage: in.OwnerLanguage,
			AreaCode: in.Area, // a national panel's action may be owned in any Area
		})
		if err != nil || !inserted {
			return err
		}
		return tx.Audit(ctx, recorder(in.By), "action_agreed", "action", strconv.FormatInt(out.ActionID, 10), map[string]any{"cycle_id": in.CycleID})
	})
	return out, refusedForGood(err)
}

// recorder is who the audit log names for a change to the meeting's
// record: the signed-in person's email the server put in the update, or
// "panel" for an update sent before updates carried it.
func recorder(by string) string { return cmp.Or(by, "panel") }

// refusedForGood makes a write the database refused by rule (a check, a
// foreign key) a non-retryable error: retrying it can never succeed, and
// the person who asked for it is told at once, as a refusal, rather than
// the activity retrying for ever. Validators should have caught it first.
func refusedForGood(err error) error {
	if rule, ok := store.IsConstraintViolation(err); ok {
		return temporal.NewNonRetryableApplicationError("the database refused this change ("+rule+"); check the values and try again", "InvalidInput", err)
	}
	return err
}
