package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/lsip/scrutiny/cycle"
	"github.com/lsip/scrutiny/domain"
)

// StoredCycleStatus is a cycle's status as PostgreSQL holds it: what the
// API shows once the cycle's workflow has finished and can no longer be
// asked. Minutes count as issued when the audit log says so, and the
// cycle is a forum's (no case sections) when its panel is a forum. A
// missing cycle is ErrNotFound.
func (q *Queries) StoredCycleStatus(ctx context.Context, cycleID int64) (cycle.CycleStatus, error) {
	st := cycle.CycleStatus{CycleID: cycleID}
	var schedule []byte
	var seed, minutesID *int64
	var cancelReason *string
	err := q.db.QueryRow(ctx, `SELECT cy.stage, cy.schedule, cy.seed, cy.access_revoked_at IS NOT NULL, cy.cancel_reason,
			coalesce(m.starts_at, 'epoch'), coalesce(m.ends_at, 'epoch'), coalesce(m.location, ''), coalesce(m.online_link, ''), coalesce(m.ics_sequence, 0),
			(SELECT id FROM files WHERE cycle_id = cy.id AND kind = $2 ORDER BY id DESC LIMIT 1),
			EXISTS (SELECT 1 FROM audit_log WHERE action = 'minutes_issued' AND subject_type = 'cycle' AND subject_id = cy.id::text),
			p.kind = $3
		FROM cycles cy JOIN panels p ON p.id = cy.panel_id LEFT JOIN meetings m ON m.cycle_id = cy.id WHERE cy.id = $1`, cycleID, domain.FileMinutes, domain.PanelForum).
		Scan(&st.Stage, &schedule, &seed, &st.AccessRevoked, &cancelReason, &st.Meeting.Start, &st.Meeting.End, &st.Meeting.Location, &st.Meeting.OnlineLink,
			&st.MeetingSequence, &minutesID, &st.MinutesIssued, &st.Forum)
	if errors.Is(err, pgx.ErrNoRows) {
		return st, fmt.Errorf("status of cycle %d: %w", cycleID, ErrNotFound)
	}
	if err != nil {
		return st, fmt.Errorf("status of cycle %d: %w", cycleID, err)
	}
	if len(schedule) > 0 {
		if err := json.Unmarshal(schedule, &st.Schedule); err != nil {
			return st, fmt.Errorf("schedule of cycle %d: %w", cycleID, err)
		}
	}
	st.Seed = deref(seed)
	st.MinutesFileID = deref(minutesID)
	st.CancelReason = deref(cancelReason)
	if err := q.cycleStatusLists(ctx, &st); err != nil {
		return st, fmt.Errorf("status of cycle %d: %w", cycleID, err)
	}
	return st, nil
}

// cycleStatusLists fills the status's lists: strata, drawn cases, members
// with their review counts, conflicts, findings and actions, and the number
// of learning points.
func (q *Queries) cycleStatusLists(ctx context.Context, st *cycle.CycleStatus) error {
	id := st.CycleID
	var err error
	if st.Strata, err = queryAll(ctx, q.db, "strata", func(r pgx.CollectableRow) (cycle.StratumSummary, error) {
		var x cycle.StratumSummary
		return x, r.Scan(&x.Strand, &x.Quota, &x.Eligible, &x.Shortfall)
	}, `SELECT stratum, quota, eligible_count, shortfall FROM cycle_strata WHERE cycle_id = $1 ORDER BY stratum`, id); err != nil {
		return err
	}
	if st.Cases, err = queryAll(ctx, q.db, "cases", func(r pgx.CollectableRow) (cycle.CycleCase, error) {
		var x cycle.CycleCase
		return x, r.Scan(&x.CaseID, &x.Reference, &x.Stratum, &x.Role, &x.Status)
	}, `SELECT cc.case_id, c.reference, cc.stratum, cc.role, cc.status FROM cycle_cases cc JOIN cases c ON c.id = cc.case_id
		WHERE cc.cycle_id = $1 ORDER BY cc.stratum, cc.draw_position`, id); err != nil {
		return err
	}
	if st.Members, err = queryAll(ctx, q.db, "members", func(r pgx.CollectableRow) (cycle.MemberStatus, error) {
		var x cycle.MemberStatus
		return x, r.Scan(&x.MemberID, &x.Name, &x.Unreachable, &x.Left, &x.Cases, &x.Submitted, &x.Drafts, &x.Outstanding, &x.Excused, &x.Late, &x.NotSubmitted, &x.PackSent)
	}, `SELECT m.id, m.name, m.unreachable_since IS NOT NULL, m.left_at IS NOT NULL OR NOT m.active,
			count(r.*) FILTER (WHERE NOT r.removed), count(*) FILTER (WHERE r.status = $2 AND NOT r.removed),
			count(*) FILTER (WHERE r.status = $3 AND NOT r.removed), count(*) FILTER (WHERE r.status = $4 AND NOT r.removed),
			count(*) FILTER (WHERE r.status = $5), count(*) FILTER (WHERE r.late AND r.status = $2),
			count(*) FILTER (WHERE r.status = $6 AND NOT r.removed),
			EXISTS (SELECT 1 FROM outbox o WHERE o.message_key = 'pack/' || $1::bigint || '/' || m.id AND o.status = $7)
		FROM reviews r JOIN members m ON m.id = r.member_id WHERE r.cycle_id = $1::bigint GROUP BY m.id ORDER BY m.id`,
		id, domain.ReviewSubmitted, domain.ReviewDraft, domain.ReviewOutstanding, domain.ReviewExcused, domain.ReviewNotSubmitted, domain.MailSent); err != nil {
		return err
	}
	if st.Conflicts, err = queryAll(ctx, q.db, "conflicts", func(r pgx.CollectableRow) (cycle.ConflictRequest, error) {
		var x cycle.ConflictRequest
		return x, r.Scan(&x.MemberID, &x.CaseID, &x.Note)
	}, `SELECT member_id, case_id, note FROM conflicts WHERE cycle_id = $1 ORDER BY id`, id); err != nil {
		return err
	}
	if st.Findings, err = queryAll(ctx, q.db, "findings", func(r pgx.CollectableRow) (cycle.Finding, error) {
		x := cycle.Finding{CycleID: id}
		return x, r.Scan(&x.CaseID, &x.Category, &x.Rationale, &x.RecordedBy)
	}, `SELECT case_id, category, rationale, recorded_by FROM findings WHERE cycle_id = $1 ORDER BY case_id`, id); err != nil {
		return err
	}
	if st.Actions, err = queryAll(ctx, q.db, "actions", pgx.RowTo[int64], `SELECT id FROM actions WHERE cycle_id = $1 ORDER BY id`, id); err != nil {
		return err
	}
	if err := q.db.QueryRow(ctx, `SELECT count(*) FROM learning_points WHERE cycle_id = $1`, id).Scan(&st.LearningPoints); err != nil {
		return fmt.Errorf("learning points: %w", err)
	}
	return nil
}

// deref is *p, or the zero value when p is nil (a NULL column).
func deref[T any](p *T) T {
	var zero T
	if p == nil {
		return zero
	}
	return *p
}
