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

// SaveReview stores a draft or a submission as a new version (see
// store.Tx.RecordReview); a case removed from the member's pack cannot be
// saved. Cycles started before reviews were saved directly by the server
// still save through their member's review workflow, and so here.
func (a *Activities) SaveReview(ctx context.Context, in ReviewInput) (cycle.StoredReview, error) {
	answers, err := json.Marshal(in.Answers)
	if err != nil {
		return cycle.StoredReview{}, err
	}
	key := store.ReviewKey{CycleID: in.CycleID, MemberID: in.MemberID, CaseID: in.CaseID}
	var saved store.ReviewState
	err = a.Store.InTx(ctx, func(tx *store.Tx) error {
		saved, err = tx.RecordReview(ctx, key, answers, in.Final, in.Late, in.Source)
		return err
	})
	if errors.Is(err, store.ErrNotInPack) {
		return cycle.StoredReview{}, temporal.NewNonRetryableApplicationError("this case is not in the member's pack", "NotInPack", nil)
	}
	if err != nil {
		return cycle.StoredReview{}, err
	}
	return cycle.StoredReview{CaseID: in.CaseID, Status: string(saved.Status), Version: saved.Version, Late: saved.Late, UpdatedAt: saved.UpdatedAt}, nil
}

// QueueReminder queues one reminder to a member with reviews outstanding.
func (a *Activities) QueueReminder(ctx context.Context, in ReminderInput) (outbox.Ref, error) {
	c, err := a.loadCycle(ctx, in.CycleID)
	if err != nil {
		return outbox.Ref{}, err
	}
	m, err := a.Store.PanelMember(ctx, in.MemberID)
	if err != nil {
		return outbox.Ref{}, err
	}
	subject, body, err := a.renderFor(ctx, m.ID, "reminder", map[string]any{"Panel": c.PanelName, "Name": m.Name, "Outstanding": in.Outstanding,
		"Deadline": in.Deadline, "Link": a.memberLink(m, c.ID, c.Dates.AccessRevoked), "Coordinator": c.CoordinatorName})
	if err != nil {
		return outbox.Ref{}, err
	}
	return c.queue(ctx, a.Store, fmt.Sprintf("reminder/%d/%d/%s", c.ID, m.ID, in.Key), m, subject, body, nil, "")
}

// QueueReminderIfUnfinished queues one reminder to a member of a cycle
// whose reviews are saved directly, if the store holds any of their
// reviews unfinished; otherwise it queues nothing and returns a zero Ref.
func (a *Activities) QueueReminderIfUnfinished(ctx context.Context, in ReminderInput) (outbox.Ref, error) {
	n, err := a.Store.UnfinishedReviews(ctx, in.CycleID, in.MemberID)
	if err != nil || n == 0 {
		return outbox.Ref{}, err
	}
	in.Outstanding = n
	return a.QueueReminder(ctx, in)
}

// RecordNonReturns marks every review still missing at the deadline as not
// submitted and returns them by member, for members with any. A late
// submission still replaces the mark. Running it again marks nothing new
// and returns the same list.
func (a *Activities) RecordNonReturns(ctx context.Context, cycleID int64) ([]NonReturn, error) {
	err := a.Store.InTx(ctx, func(tx *store.Tx) error {
		n, err := tx.MarkNonReturns(ctx, cycleID)
		if err != nil || n == 0 {
			return err
		}
		return tx.Audit(ctx, "system", "non_returns_recorded", "cycle", strconv.FormatInt(cycleID, 10), map[string]any{"reviews": n})
	})
	if err != nil {
		return nil, err
	}
	missing, err := a.Store.NonReturns(ctx, cycleID)
	if err != nil {
		return nil, err
	}
	out := make([]NonReturn, len(missing))
	for i, m := range missing {
		out[i] = NonReturn{MemberID: m.MemberID, CaseIDs: m.CaseIDs}
	}
	return out, nil
}

// ExcuseReviews is ExcuseReviewsBy as members who left before departures
// named the person ran it: the audit log names the role.
func (a *Activities) ExcuseReviews(ctx context.Context, cycleID, memberID int64) (int, error) {
	return a.ExcuseReviewsBy(ctx, ExcuseInput{CycleID: cycleID, MemberID: memberID, By: string(domain.StaffCoordinator)})
}

// ExcuseInput is a member's departure from a cycle, told by a person.
type ExcuseInput struct {
	CycleID  int64  `json:"cycle_id"`
	MemberID int64  `json:"member_id"`
	By       string `json:"by"` // the email of the person who told the cycle, for the audit log
}

// ExcuseReviewsBy excuses a departing member's open reviews, keeping the
// ones they submitted and the cases already removed from their pack, and
// returns how many of their reviews are excused. The audit log names the
// person who said the member left.
func (a *Activities) ExcuseReviewsBy(ctx context.Context, in ExcuseInput) (int, error) {
	var n int
	err := a.Store.InTx(ctx, func(tx *store.Tx) error {
		excused, err := tx.ExcuseReviews(ctx, in.CycleID, in.MemberID)
		if err != nil {
			return err
		}
		if n, err = tx.ExcusedReviews(ctx, in.CycleID, in.MemberID); err != nil {
			return err
		}
		if excused == 0 {
			return nil
		}
		return tx.Audit(ctx, cmp.Or(in.By, string(domain.StaffCoordinator)), "reviews_excused", "cycle", strconv.FormatInt(in.CycleID, 10),
			map[string]any{"member_id": in.MemberID, "excused": excused})
	})
	return n, err
}
