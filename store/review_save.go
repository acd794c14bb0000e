package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/lsip/scrutiny/cycle"
	"github.com/lsip/scrutiny/domain"
)

// ErrNotInPack is a save of a review the member does not have: the case
// was never in their pack, or left it after a conflict was declared.
var ErrNotInPack = errors.New("this case is not in your pack (it may have been removed after a conflict was declared)")

// ErrReviewsByWorkflow is a save for a cycle started before reviews were
// saved directly (cycles.reviews_direct): its member's review workflow
// counts saves, so they go through it.
var ErrReviewsByWorkflow = errors.New("this cycle's reviews are saved through its workflow")

// ReviewRefused is a save the cycle no longer accepts; Reason is said to
// the member.
type ReviewRefused struct{ Reason string }

func (e *ReviewRefused) Error() string { return e.Reason }

// RecordReview stores a draft or a submission as the review's next
// version, kept in review_versions. A draft saved after a submission keeps
// the case submitted but still records the new answers. A save that
// changes nothing (a retry) adds no version. answers is JSON.
func (t *Tx) RecordReview(ctx context.Context, k ReviewKey, answers []byte, final, late bool, source string) (ReviewState, error) {
	cur, err := t.LockReview(ctx, k, answers)
	if errors.Is(err, ErrNotFound) || (err == nil && cur.Removed) {
		return ReviewState{}, ErrNotInPack
	}
	if err != nil {
		return ReviewState{}, err
	}
	status := domain.ReviewDraft
	if final || cur.Status == domain.ReviewSubmitted {
		status = domain.ReviewSubmitted
	}
	if cur.SameAnswers && status == cur.Status && cur.Version > 0 && (!late || cur.Late) {
		return cur.ReviewState, nil
	}
	return t.SaveReview(ctx, k, ReviewSave{Status: status, Answers: answers, Late: late, Final: final, Source: source})
}

// MemberReviewSave is a member's save of one case's review, made by the
// server at Now.
type MemberReviewSave struct {
	ReviewKey
	Answers []byte // JSON
	Final   bool
	Source  string // web or workbook
	Now     time.Time
}

// SaveMemberReview saves a member's review straight into the store, in one
// transaction that first checks the cycle still takes reviews: not
// cancelled or closed, links not revoked, the meeting not started, and the
// member not excused from the case. The cycle's row is read FOR SHARE, so
// a stage change (the meeting starting) waits for saves in flight and
// every later save sees it. A submission after the deadline is late.
// ErrReviewsByWorkflow says the cycle predates direct saves.
func (s *Store) SaveMemberReview(ctx context.Context, in MemberReviewSave) (ReviewState, error) {
	var saved ReviewState
	err := s.InTx(ctx, func(tx *Tx) error {
		var stage domain.Stage
		var revoked, direct bool
		var due, meeting *time.Time // absent from a schedule not yet set
		err := tx.db.QueryRow(ctx, `SELECT stage, access_revoked_at IS NOT NULL, reviews_direct,
				(schedule->>'reviews_due')::timestamptz, (schedule->>'meeting')::timestamptz
			FROM cycles WHERE id = $1 FOR SHARE`, in.CycleID).Scan(&stage, &revoked, &direct, &due, &meeting)
		if errors.Is(err, pgx.ErrNoRows) {
			return ErrNotFound
		}
		if err != nil {
			return fmt.Errorf("cycle %d: %w", in.CycleID, err)
		}
		switch {
		case !direct:
			return ErrReviewsByWorkflow
		case stage == domain.StageCancelled:
			return &ReviewRefused{"this review cycle was cancelled"}
		case revoked || stage == domain.StageClosed:
			return &ReviewRefused{"this review cycle has closed"}
		case reviewsOver(stage) || (meeting != nil && !in.Now.Before(*meeting)):
			return &ReviewRefused{"the meeting has started, so reviews can no longer be changed"}
		}
		var status domain.ReviewStatus
		err = tx.db.QueryRow(ctx, `SELECT status FROM reviews WHERE cycle_id = $1 AND member_id = $2 AND case_id = $3 FOR UPDATE`,
			in.CycleID, in.MemberID, in.CaseID).Scan(&status)
		if err == nil && status == domain.ReviewExcused {
			return &ReviewRefused{"you are excused from this case"}
		}
		late := in.Final && due != nil && in.Now.After(*due)
		saved, err = tx.RecordReview(ctx, in.ReviewKey, in.Answers, in.Final, late, in.Source)
		return err
	})
	return saved, err
}

// reviewsOver reports whether the cycle has reached its meeting or gone
// past it, when reviews stop.
func reviewsOver(stage domain.Stage) bool {
	switch stage {
	case domain.StageMeeting, domain.StageMinutes, domain.StageTracking, domain.StageClosed:
		return true
	}
	return false
}

// ReviewProgress counts each member's reviews in the cycle by status, as
// the store holds them: the one count the cycle's status shows, whichever
// way the reviews were saved. A case removed from a pack is not counted;
// outstanding includes reviews marked not submitted at the deadline.
func (q *Queries) ReviewProgress(ctx context.Context, cycleID int64) ([]cycle.ReviewProgress, error) {
	return queryAll(ctx, q.db, fmt.Sprintf("review progress of cycle %d", cycleID), func(r pgx.CollectableRow) (cycle.ReviewProgress, error) {
		var p cycle.ReviewProgress
		return p, r.Scan(&p.MemberID, &p.Cases, &p.Submitted, &p.Drafts, &p.Outstanding, &p.Excused, &p.Late)
	}, `SELECT member_id, count(*) FILTER (WHERE NOT removed), count(*) FILTER (WHERE status = $2 AND NOT removed),
			count(*) FILTER (WHERE status = $3 AND NOT removed), count(*) FILTER (WHERE status IN ($4, $6) AND NOT removed),
			count(*) FILTER (WHERE status = $5), count(*) FILTER (WHERE late AND status = $2)
		FROM reviews WHERE cycle_id = $1 GROUP BY member_id ORDER BY member_id`,
		cycleID, domain.ReviewSubmitted, domain.ReviewDraft, domain.ReviewOutstanding, domain.ReviewExcused, domain.ReviewNotSubmitted)
}

// UnfinishedReviews counts the member's reviews in the cycle not yet
// submitted (outstanding or in draft), which a reminder is about.
func (q *Queries) UnfinishedReviews(ctx context.Context, cycleID, memberID int64) (int, error) {
	var n int
	err := q.db.QueryRow(ctx, `SELECT count(*) FROM reviews WHERE cycle_id = $1 AND member_id = $2 AND NOT removed AND status IN ($3, $4, $5)`,
		cycleID, memberID, domain.ReviewOutstanding, domain.ReviewDraft, domain.ReviewNotSubmitted).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("unfinished reviews of member %d in cycle %d: %w", memberID, cycleID, err)
	}
	return n, nil
}
