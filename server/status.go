package server

import (
	"context"
	"encoding/json"
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"
	"github.com/jackc/pgx/v5"

	"github.com/lsip/scrutiny/cycle"
	"github.com/lsip/scrutiny/store"
)

// statusOf asks the running workflow; once the cycle has finished (or the
// workflow's history is gone) it reads the same picture from PostgreSQL.
func (s *Server) statusOf(ctx context.Context, cr cycleRow) (cycle.CycleStatus, error) {
	if cr.Stage != cycle.StageClosed && cr.Stage != cycle.StageCancelled {
		if v, err := s.deps.Temporal.QueryWorkflow(ctx, cr.WorkflowID, "", cycle.QueryStatus); err == nil {
			var st cycle.CycleStatus
			if err := v.Get(&st); err == nil {
				return st, nil
			}
		}
	}
	return s.statusFromDB(ctx, cr.ID)
}

func (s *Server) statusFromDB(ctx context.Context, cycleID int64) (cycle.CycleStatus, error) {
	q := s.deps.Store.Pool
	st := cycle.CycleStatus{CycleID: cycleID}
	var sched []byte
	var seed *int64
	var cancelReason *string
	var minutesID *int64
	err := q.QueryRow(ctx, `SELECT cy.stage, cy.schedule, cy.seed, cy.access_revoked_at IS NOT NULL, cy.cancel_reason,
			coalesce(m.starts_at, 'epoch'), coalesce(m.ends_at, 'epoch'), coalesce(m.location, ''), coalesce(m.online_link, ''), coalesce(m.ics_sequence, 0),
			(SELECT id FROM files WHERE cycle_id = cy.id AND kind = 'minutes' ORDER BY id DESC LIMIT 1),
			EXISTS (SELECT 1 FROM audit_log WHERE action = 'minutes_issued' AND subject_type = 'cycle' AND subject_id = cy.id::text)
		FROM cycles cy LEFT JOIN meetings m ON m.cycle_id = cy.id WHERE cy.id = $1`, cycleID).
		Scan(&st.Stage, &sched, &seed, &st.AccessRevoked, &cancelReason, &st.Meeting.Start, &st.Meeting.End, &st.Meeting.Location, &st.Meeting.OnlineLink,
			&st.MeetingSequence, &minutesID, &st.MinutesIssued)
	if err != nil {
		return st, err
	}
	json.Unmarshal(sched, &st.Schedule)
	if seed != nil {
		st.Seed = *seed
	}
	if cancelReason != nil {
		st.CancelReason = *cancelReason
	}
	if minutesID != nil {
		st.MinutesFileID = *minutesID
	}
	rows, err := q.Query(ctx, `SELECT stratum, quota, eligible_count, shortfall FROM cycle_strata WHERE cycle_id = $1 ORDER BY stratum`, cycleID)
	if err != nil {
		return st, err
	}
	if st.Strata, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (cycle.StratumSummary, error) {
		var x cycle.StratumSummary
		return x, r.Scan(&x.Strand, &x.Quota, &x.Eligible, &x.Shortfall)
	}); err != nil {
		return st, err
	}
	rows, err = q.Query(ctx, `SELECT cc.case_id, c.reference, cc.stratum, cc.role, cc.status FROM cycle_cases cc JOIN cases c ON c.id = cc.case_id
		WHERE cc.cycle_id = $1 ORDER BY cc.stratum, cc.draw_position`, cycleID)
	if err != nil {
		return st, err
	}
	if st.Cases, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (cycle.CycleCase, error) {
		var x cycle.CycleCase
		return x, r.Scan(&x.CaseID, &x.Reference, &x.Stratum, &x.Role, &x.Status)
	}); err != nil {
		return st, err
	}
	rows, err = q.Query(ctx, `SELECT m.id, m.name, m.unreachable_since IS NOT NULL, m.left_at IS NOT NULL OR NOT m.active,
			count(r.*) FILTER (WHERE NOT r.removed), count(*) FILTER (WHERE r.status = 'submitted' AND NOT r.removed),
			count(*) FILTER (WHERE r.status = 'draft' AND NOT r.removed), count(*) FILTER (WHERE r.status = 'outstanding' AND NOT r.removed),
			count(*) FILTER (WHERE r.status = 'excused'), count(*) FILTER (WHERE r.late AND r.status = 'submitted'),
			count(*) FILTER (WHERE r.status = 'not_submitted' AND NOT r.removed),
			EXISTS (SELECT 1 FROM outbox o WHERE o.message_key = 'pack/' || $1::bigint || '/' || m.id AND o.status = 'sent')
		FROM reviews r JOIN members m ON m.id = r.member_id WHERE r.cycle_id = $1::bigint GROUP BY m.id ORDER BY m.id`, cycleID)
	if err != nil {
		return st, err
	}
	if st.Members, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (cycle.MemberStatus, error) {
		var x cycle.MemberStatus
		return x, r.Scan(&x.MemberID, &x.Name, &x.Unreachable, &x.Left, &x.Cases, &x.Submitted, &x.Drafts, &x.Outstanding, &x.Excused, &x.Late, &x.NotSubmitted, &x.PackSent)
	}); err != nil {
		return st, err
	}
	rows, err = q.Query(ctx, `SELECT member_id, case_id, note FROM conflicts WHERE cycle_id = $1 ORDER BY id`, cycleID)
	if err != nil {
		return st, err
	}
	if st.Conflicts, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (cycle.ConflictRequest, error) {
		var x cycle.ConflictRequest
		return x, r.Scan(&x.MemberID, &x.CaseID, &x.Note)
	}); err != nil {
		return st, err
	}
	rows, err = q.Query(ctx, `SELECT case_id, category, rationale, recorded_by FROM findings WHERE cycle_id = $1 ORDER BY case_id`, cycleID)
	if err != nil {
		return st, err
	}
	if st.Findings, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (cycle.Finding, error) {
		x := cycle.Finding{CycleID: cycleID}
		return x, r.Scan(&x.CaseID, &x.Category, &x.Rationale, &x.RecordedBy)
	}); err != nil {
		return st, err
	}
	rows, err = q.Query(ctx, `SELECT id FROM actions WHERE cycle_id = $1 ORDER BY id`, cycleID)
	if err != nil {
		return st, err
	}
	if st.Actions, err = pgx.CollectRows(rows, pgx.RowTo[int64]); err != nil {
		return st, err
	}
	err = q.QueryRow(ctx, `SELECT count(*) FROM learning_points WHERE cycle_id = $1`, cycleID).Scan(&st.LearningPoints)
	return st, err
}

// sendFile serves a stored file as a download and audits it: every view
// and download of case material is recorded.
func (s *Server) sendFile(c *gin.Context, fileID int64, actor string) {
	f, err := s.deps.Store.FileByID(c.Request.Context(), fileID)
	if err == store.ErrNotFound {
		notFound(c, "The file")
		return
	}
	if err != nil {
		internalError(c, err)
		return
	}
	if err := store.Audit(c.Request.Context(), s.deps.Store.Pool, actor, "file_downloaded", "file", strconv.FormatInt(f.ID, 10), map[string]any{"kind": f.Kind}); err != nil {
		internalError(c, err)
		return
	}
	c.Header("Content-Disposition", `attachment; filename="`+f.Filename+`"`)
	c.Header("Cache-Control", "no-store")
	c.Data(http.StatusOK, f.ContentType, f.Content)
}
