package cycleflow

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"
	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/temporal"

	"github.com/lsip/scrutiny/cycle"
	"github.com/lsip/scrutiny/outbox"
	"github.com/lsip/scrutiny/selection"
	"github.com/lsip/scrutiny/store"
)

// cycleInfo is what most cycle activities need to know about the cycle.
type cycleInfo struct {
	ID                                 int64
	WorkflowID                         string
	PanelID                            int64
	PanelName, AreaName                string
	AreaID                             int16
	CoordinatorName, CoordinatorEmail  string
	WindowStart, WindowEnd             time.Time
	Schedule                           cycle.Schedule
	Seed                               int64
	Quotas                             quotas
	Reserves                           int
	Stage                              string
	MeetingStart, MeetingEnd           *time.Time
	MeetingLocation, MeetingOnlineLink string
}

// quotas is how the cycles.quotas column is stored.
type quotas struct {
	PerStrand   map[string]int `json:"per_strand"`
	Total       int            `json:"total"`
	WidenMonths int            `json:"widen_months"`
}

func (a *Activities) loadCycle(ctx context.Context, id int64) (cycleInfo, error) {
	var c cycleInfo
	var q, sched []byte
	var seed *int64
	err := a.Store.Pool.QueryRow(ctx, `SELECT cy.id, cy.workflow_id, cy.panel_id, p.name, ar.name, ar.id, cy.coordinator_name, cy.coordinator_email,
			cy.window_start, cy.window_end, cy.schedule, cy.seed, cy.quotas, cy.reserves_per_stratum, cy.stage,
			m.starts_at, m.ends_at, coalesce(m.location, ''), coalesce(m.online_link, '')
		FROM cycles cy JOIN panels p ON p.id = cy.panel_id JOIN areas ar ON ar.id = p.area_id
		LEFT JOIN meetings m ON m.cycle_id = cy.id
		WHERE cy.id = $1`, id).Scan(&c.ID, &c.WorkflowID, &c.PanelID, &c.PanelName, &c.AreaName, &c.AreaID, &c.CoordinatorName, &c.CoordinatorEmail,
		&c.WindowStart, &c.WindowEnd, &sched, &seed, &q, &c.Reserves, &c.Stage,
		&c.MeetingStart, &c.MeetingEnd, &c.MeetingLocation, &c.MeetingOnlineLink)
	if errors.Is(err, pgx.ErrNoRows) {
		return c, temporal.NewNonRetryableApplicationError(fmt.Sprintf("cycle %d does not exist", id), "NotFound", nil)
	}
	if err != nil {
		return c, err
	}
	if seed != nil {
		c.Seed = *seed
	}
	if err := json.Unmarshal(q, &c.Quotas); err != nil {
		return c, err
	}
	return c, json.Unmarshal(sched, &c.Schedule)
}

// requestKey identifies this activity's request across retries, for
// inserts that must not happen twice.
func requestKey(ctx context.Context) string {
	info := activity.GetInfo(ctx)
	return info.WorkflowExecution.RunID + "/" + info.ActivityID
}

// CreateCycle stores a new cycle in the selecting stage. A retry, or a
// repeated start of the same workflow, finds the existing row by workflow
// ID; only the first insert is audited.
func (a *Activities) CreateCycle(ctx context.Context, in CreateCycleInput) (int64, error) {
	var panelExists bool
	if err := a.Store.Pool.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM panels WHERE id = $1)`, in.PanelID).Scan(&panelExists); err != nil {
		return 0, err
	}
	if !panelExists {
		return 0, temporal.NewNonRetryableApplicationError(fmt.Sprintf("panel %d does not exist", in.PanelID), "NotFound", nil)
	}
	q, err := json.Marshal(quotas{PerStrand: in.Quotas, Total: in.TotalQuota, WidenMonths: in.WidenMonths})
	if err != nil {
		return 0, err
	}
	sched, err := json.Marshal(in.Schedule)
	if err != nil {
		return 0, err
	}
	var id int64
	var inserted bool
	err = a.Store.Pool.QueryRow(ctx, `INSERT INTO cycles (panel_id, workflow_id, window_start, window_end, theme, quotas, reserves_per_stratum,
			schedule, started_by, coordinator_name, coordinator_email, stage)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, 'selecting')
		ON CONFLICT (workflow_id) DO UPDATE SET workflow_id = EXCLUDED.workflow_id RETURNING id, (xmax = 0)`,
		in.PanelID, in.WorkflowID, in.WindowStart, in.WindowEnd, in.Theme, q, in.ReservesPerStratum, sched,
		in.StartedBy, in.CoordinatorName, in.CoordinatorEmail).Scan(&id, &inserted)
	if err != nil {
		if c, ok := store.IsUniqueViolation(err); ok && c == "cycles_one_live_per_window" {
			return 0, temporal.NewNonRetryableApplicationError("this panel already has a cycle for that window", "Duplicate", err)
		}
		return 0, fmt.Errorf("create cycle: %w", err)
	}
	if !inserted {
		return id, nil
	}
	return id, store.Audit(ctx, a.Store.Pool, in.StartedBy, "cycle_started", "cycle", strconv.FormatInt(id, 10), map[string]any{"panel_id": in.PanelID})
}

// SelectCases records the eligible cases of each stratum and draws from
// them with the seed, adding the cases the panel could not agree on before.
// A retry returns what was already recorded.
func (a *Activities) SelectCases(ctx context.Context, in SelectInput) (Selection, error) {
	c, err := a.loadCycle(ctx, in.CycleID)
	if err != nil {
		return Selection{}, err
	}
	var drawn bool
	if err := a.Store.Pool.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM cycle_cases WHERE cycle_id = $1)
		OR EXISTS (SELECT 1 FROM cycle_strata WHERE cycle_id = $1)`, c.ID).Scan(&drawn); err != nil {
		return Selection{}, err
	}
	if drawn {
		return a.storedSelection(ctx, c.ID)
	}
	panelStrands, err := a.panelStrands(ctx, c.PanelID)
	if err != nil {
		return Selection{}, err
	}
	wanted := c.Quotas.PerStrand
	if len(wanted) == 0 {
		counts := map[string]int{}
		for _, s := range panelStrands {
			ids, err := a.eligible(ctx, c, s, c.WindowStart)
			if err != nil {
				return Selection{}, err
			}
			counts[s] = len(ids)
		}
		wanted = selection.Allocate(c.Quotas.Total, counts)
	}
	var strata []selection.Stratum
	eligibleOf := map[string][]int64{}
	widenedFrom := map[string]time.Time{}
	for _, strand := range slices.Sorted(maps.Keys(wanted)) {
		quota := wanted[strand]
		if quota <= 0 {
			continue
		}
		if !slices.Contains(panelStrands, strand) {
			return Selection{}, temporal.NewNonRetryableApplicationError(fmt.Sprintf("the panel does not review the %s strand", strand), "InvalidQuota", nil)
		}
		ids, err := a.eligible(ctx, c, strand, c.WindowStart)
		if err != nil {
			return Selection{}, err
		}
		if len(ids) < quota && c.Quotas.WidenMonths > 0 {
			// Widened only because the coordinator asked, and recorded.
			from := c.WindowStart.AddDate(0, -c.Quotas.WidenMonths, 0)
			if ids, err = a.eligible(ctx, c, strand, from); err != nil {
				return Selection{}, err
			}
			widenedFrom[strand] = from
		}
		strata = append(strata, selection.Stratum{Strand: strand, Quota: quota, Eligible: ids})
		eligibleOf[strand] = ids
	}
	results := selection.Draw(in.Seed, strata, c.Reserves)
	carried, err := a.carriedForward(ctx, c)
	if err != nil {
		return Selection{}, err
	}

	err = a.Store.RawTx(ctx, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `UPDATE cycles SET seed = $2 WHERE id = $1`, c.ID, in.Seed); err != nil {
			return err
		}
		for _, r := range results {
			var from *time.Time
			if t, ok := widenedFrom[r.Strand]; ok {
				from = &t
			}
			if _, err := tx.Exec(ctx, `INSERT INTO cycle_strata (cycle_id, stratum, quota, eligible_count, shortfall, widened_from) VALUES ($1, $2, $3, $4, $5, $6)`,
				c.ID, r.Strand, r.Quota, r.EligibleCount, r.Shortfall, from); err != nil {
				return err
			}
			if _, err := tx.Exec(ctx, `INSERT INTO cycle_eligible (cycle_id, stratum, case_id) SELECT $1, $2, unnest($3::bigint[]) ON CONFLICT DO NOTHING`,
				c.ID, r.Strand, eligibleOf[r.Strand]); err != nil {
				return err
			}
			for pos, id := range r.Selected {
				if _, err := tx.Exec(ctx, `INSERT INTO cycle_cases (cycle_id, case_id, stratum, draw_position, role, status) VALUES ($1, $2, $3, $4, 'selected', 'proposed')`,
					c.ID, id, r.Strand, pos); err != nil {
					return err
				}
			}
			for j, id := range r.Reserves {
				if _, err := tx.Exec(ctx, `INSERT INTO cycle_cases (cycle_id, case_id, stratum, draw_position, role, status) VALUES ($1, $2, $3, $4, 'reserve', 'reserve')`,
					c.ID, id, r.Strand, len(r.Selected)+j); err != nil {
					return err
				}
			}
		}
		for _, cf := range carried {
			if _, err := tx.Exec(ctx, `INSERT INTO cycle_cases (cycle_id, case_id, stratum, draw_position, role, status) VALUES ($1, $2, $3, -1, 'carried_forward', 'proposed') ON CONFLICT DO NOTHING`,
				c.ID, cf.caseID, cf.strand); err != nil {
				return err
			}
		}
		return store.Audit(ctx, tx, "system", "cases_selected", "cycle", strconv.FormatInt(c.ID, 10),
			map[string]any{"seed": in.Seed, "strata": len(results), "widened": len(widenedFrom), "carried_forward": len(carried)})
	})
	if err != nil {
		return Selection{}, fmt.Errorf("record selection: %w", err)
	}
	return a.storedSelection(ctx, c.ID)
}

func (a *Activities) panelStrands(ctx context.Context, panelID int64) ([]string, error) {
	rows, err := a.Store.Pool.Query(ctx, `SELECT strand FROM panel_strands WHERE panel_id = $1 ORDER BY strand`, panelID)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, pgx.RowTo[string])
}

// eligible lists, in ID order, the cases of one strand the panel may draw:
// its Area's, finalised between from and the window's end, not withdrawn,
// with no appeal, right-to-review request or co-defendant outstanding, and
// not reviewed by this panel before (in review or pulled in another live
// cycle, or given a finding). Cases the panel could not agree on come back
// through carriedForward instead.
func (a *Activities) eligible(ctx context.Context, c cycleInfo, strand string, from time.Time) ([]int64, error) {
	rows, err := a.Store.Pool.Query(ctx, `SELECT c.id FROM cases c
		JOIN case_strands cs ON cs.case_id = c.id AND cs.strand = $3
		WHERE c.area_id = $2 AND c.finalised_on BETWEEN $4 AND $5
		  AND c.withdrawn_at IS NULL AND NOT c.appeal_pending AND NOT c.vrr_pending AND NOT c.codefendant_outstanding
		  AND NOT EXISTS (SELECT 1 FROM cycle_cases cc JOIN cycles cy ON cy.id = cc.cycle_id
		      WHERE cc.case_id = c.id AND cy.panel_id = $1 AND cy.id <> $6 AND cy.stage <> 'cancelled' AND cc.status IN ('approved', 'pulled'))
		  AND NOT EXISTS (SELECT 1 FROM findings f JOIN cycles cy ON cy.id = f.cycle_id
		      WHERE f.case_id = c.id AND cy.panel_id = $1 AND cy.id <> $6)
		ORDER BY c.id`, c.PanelID, c.AreaID, strand, from, c.WindowEnd, c.ID)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, pgx.RowTo[int64])
}

type carriedCase struct {
	caseID int64
	strand string
}

// carriedForward finds the cases the panel could not agree on in an earlier
// cycle that no later live cycle has taken up: normally those of the
// previous meeting, but also any missed because the next cycle was drawn
// before that meeting, or taken into a cycle that was then cancelled. Each
// goes into the stratum of its first strand the panel covers. A case since
// withdrawn from scrutiny, or with an appeal, review request or co-defendant
// now outstanding, is not brought back.
func (a *Activities) carriedForward(ctx context.Context, c cycleInfo) ([]carriedCase, error) {
	rows, err := a.Store.Pool.Query(ctx, `SELECT DISTINCT ON (f.case_id) f.case_id, coalesce((SELECT cs.strand FROM case_strands cs
			JOIN panel_strands ps ON ps.strand = cs.strand AND ps.panel_id = $1 WHERE cs.case_id = f.case_id ORDER BY cs.strand LIMIT 1), cc.stratum)
		FROM findings f
		JOIN cycles fc ON fc.id = f.cycle_id AND fc.panel_id = $1 AND fc.id < $2 AND fc.stage <> 'cancelled'
		JOIN cycle_cases cc ON cc.cycle_id = f.cycle_id AND cc.case_id = f.case_id
		JOIN cases c ON c.id = f.case_id
		WHERE f.carried_forward
		  AND c.withdrawn_at IS NULL AND NOT c.appeal_pending AND NOT c.vrr_pending AND NOT c.codefendant_outstanding
		  AND NOT EXISTS (SELECT 1 FROM cycle_cases later JOIN cycles lc ON lc.id = later.cycle_id
		      WHERE later.case_id = f.case_id AND lc.panel_id = $1 AND lc.id > fc.id AND lc.id <> $2 AND lc.stage <> 'cancelled')
		ORDER BY f.case_id, fc.id DESC`, c.PanelID, c.ID)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (carriedCase, error) {
		var cc carriedCase
		err := r.Scan(&cc.caseID, &cc.strand)
		return cc, err
	})
}

func (a *Activities) storedSelection(ctx context.Context, cycleID int64) (Selection, error) {
	var sel Selection
	rows, err := a.Store.Pool.Query(ctx, `SELECT stratum, quota, eligible_count, shortfall, widened_from IS NOT NULL
		FROM cycle_strata WHERE cycle_id = $1 ORDER BY stratum`, cycleID)
	if err != nil {
		return sel, err
	}
	sel.Strata, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (cycle.StratumSummary, error) {
		var s cycle.StratumSummary
		err := r.Scan(&s.Strand, &s.Quota, &s.Eligible, &s.Shortfall, &s.Widened)
		return s, err
	})
	if err != nil {
		return sel, err
	}
	sel.Cases, err = a.cycleCases(ctx, cycleID)
	return sel, err
}

func (a *Activities) cycleCases(ctx context.Context, cycleID int64) ([]cycle.CycleCase, error) {
	rows, err := a.Store.Pool.Query(ctx, `SELECT cc.case_id, c.reference, cc.stratum, cc.role, cc.status
		FROM cycle_cases cc JOIN cases c ON c.id = cc.case_id WHERE cc.cycle_id = $1
		ORDER BY cc.stratum, cc.draw_position, cc.case_id`, cycleID)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (cycle.CycleCase, error) {
		var c cycle.CycleCase
		err := r.Scan(&c.CaseID, &c.Reference, &c.Stratum, &c.Role, &c.Status)
		return c, err
	})
}

// ApproveSelection confirms the proposed cases; reserves not needed are
// marked unused. It returns every case of the cycle, so the workflow's list
// matches the database.
func (a *Activities) ApproveSelection(ctx context.Context, cycleID int64) ([]cycle.CycleCase, error) {
	err := a.Store.RawTx(ctx, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `UPDATE cycle_cases SET status = CASE status WHEN 'proposed' THEN 'approved' ELSE 'unused_reserve' END
			WHERE cycle_id = $1 AND status IN ('proposed', 'reserve')`, cycleID)
		if err != nil || tag.RowsAffected() == 0 {
			return err
		}
		return store.Audit(ctx, tx, "coordinator", "selection_approved", "cycle", strconv.FormatInt(cycleID, 10), nil)
	})
	if err != nil {
		return nil, err
	}
	return a.cycleCases(ctx, cycleID)
}

// ReplaceCase withdraws a case with an internal reason and fills its place
// from the next reserve of its stratum, or with a fresh reproducible draw
// when asked. With neither, the place stays empty. A retry reports the
// replacement already made.
func (a *Activities) ReplaceCase(ctx context.Context, in ReplaceInput) (Replacement, error) {
	var out Replacement
	err := a.Store.RawTx(ctx, func(tx pgx.Tx) error {
		var status, stratum string
		var replacedBy *int64
		err := tx.QueryRow(ctx, `SELECT status, stratum, replaced_by FROM cycle_cases WHERE cycle_id = $1 AND case_id = $2 FOR UPDATE`,
			in.CycleID, in.CaseID).Scan(&status, &stratum, &replacedBy)
		if errors.Is(err, pgx.ErrNoRows) {
			return temporal.NewNonRetryableApplicationError(fmt.Sprintf("case %d is not in cycle %d", in.CaseID, in.CycleID), "NotFound", nil)
		}
		if err != nil {
			return err
		}
		if status == "withdrawn" {
			if replacedBy != nil {
				out.Replacement = &cycle.CycleCase{CaseID: *replacedBy}
			}
			return nil
		}
		var replacement *int64
		if in.Redraw {
			rows, err := tx.Query(ctx, `SELECT e.case_id FROM cycle_eligible e WHERE e.cycle_id = $1 AND e.stratum = $2
				AND NOT EXISTS (SELECT 1 FROM cycle_cases cc WHERE cc.cycle_id = $1 AND cc.case_id = e.case_id)
				ORDER BY e.case_id`, in.CycleID, stratum)
			if err != nil {
				return err
			}
			candidates, err := pgx.CollectRows(rows, pgx.RowTo[int64])
			if err != nil {
				return err
			}
			if id, ok := selection.Redraw(in.Seed, stratum, in.Attempt, candidates); ok {
				if _, err := tx.Exec(ctx, `INSERT INTO cycle_cases (cycle_id, case_id, stratum, draw_position, role, status)
					SELECT $1, $2, $3, coalesce(max(draw_position), 0) + 1, 'selected', 'proposed' FROM cycle_cases WHERE cycle_id = $1`,
					in.CycleID, id, stratum); err != nil {
					return err
				}
				replacement = &id
			}
		} else {
			var id int64
			err := tx.QueryRow(ctx, `UPDATE cycle_cases SET status = 'proposed' WHERE cycle_id = $1 AND case_id = (
				SELECT case_id FROM cycle_cases WHERE cycle_id = $1 AND stratum = $2 AND status = 'reserve' ORDER BY draw_position LIMIT 1)
				RETURNING case_id`, in.CycleID, stratum).Scan(&id)
			if err == nil {
				replacement = &id
			} else if !errors.Is(err, pgx.ErrNoRows) {
				return err
			}
		}
		if _, err := tx.Exec(ctx, `UPDATE cycle_cases SET status = 'withdrawn', withdrawn_reason = $3, replaced_by = $4 WHERE cycle_id = $1 AND case_id = $2`,
			in.CycleID, in.CaseID, in.Reason, replacement); err != nil {
			return err
		}
		if replacement != nil {
			out.Replacement = &cycle.CycleCase{CaseID: *replacement}
		}
		// The reason stays internal: the audit records that, not why.
		return store.Audit(ctx, tx, in.By, "case_withdrawn", "cycle", strconv.FormatInt(in.CycleID, 10),
			map[string]any{"case_id": in.CaseID, "redraw": in.Redraw, "replaced": replacement != nil})
	})
	if err != nil || out.Replacement == nil {
		return out, err
	}
	cases, err := a.cycleCases(ctx, in.CycleID)
	for _, c := range cases {
		if c.CaseID == out.Replacement.CaseID {
			*out.Replacement = c
		}
	}
	return out, err
}

// SetStage records the cycle's stage and schedule, and when it closed or
// was cancelled.
func (a *Activities) SetStage(ctx context.Context, cycleID int64, stage string, schedule cycle.Schedule) error {
	sched, err := json.Marshal(schedule)
	if err != nil {
		return err
	}
	_, err = a.Store.Pool.Exec(ctx, `UPDATE cycles SET stage = $2, schedule = $3,
			closed_at = CASE WHEN $2 = 'closed' THEN coalesce(closed_at, now()) ELSE closed_at END,
			cancelled_at = CASE WHEN $2 = 'cancelled' THEN coalesce(cancelled_at, now()) ELSE cancelled_at END
		WHERE id = $1`, cycleID, stage, sched)
	return err
}

// RevokeAccess ends every member link of the cycle; links are checked
// against this on every use.
func (a *Activities) RevokeAccess(ctx context.Context, cycleID int64) error {
	return a.Store.RawTx(ctx, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `UPDATE cycles SET access_revoked_at = now() WHERE id = $1 AND access_revoked_at IS NULL`, cycleID)
		if err != nil || tag.RowsAffected() == 0 {
			return err
		}
		return store.Audit(ctx, tx, "system", "access_revoked", "cycle", strconv.FormatInt(cycleID, 10), nil)
	})
}

// CloseCycle marks the cycle closed.
func (a *Activities) CloseCycle(ctx context.Context, cycleID int64) error {
	_, err := a.Store.Pool.Exec(ctx, `UPDATE cycles SET stage = 'closed', closed_at = coalesce(closed_at, now()) WHERE id = $1`, cycleID)
	return err
}

// CancelCycle records the cancellation, revokes access and queues every
// member the cancelled invite (same UID, the next SEQUENCE) with a plain
// notice. Nothing is deleted, and a retry queues nothing new.
func (a *Activities) CancelCycle(ctx context.Context, cycleID int64, reason string) ([]outbox.Ref, error) {
	err := a.Store.RawTx(ctx, func(tx pgx.Tx) error {
		var recorded bool
		if err := tx.QueryRow(ctx, `SELECT cancel_reason IS NOT NULL FROM cycles WHERE id = $1 FOR UPDATE`, cycleID).Scan(&recorded); err != nil {
			return err
		}
		if recorded {
			return nil
		}
		if _, err := tx.Exec(ctx, `UPDATE cycles SET stage = 'cancelled', cancelled_at = coalesce(cancelled_at, now()), cancel_reason = $2,
			access_revoked_at = coalesce(access_revoked_at, now()) WHERE id = $1`, cycleID, reason); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `UPDATE meetings SET status = 'cancelled', ics_sequence = ics_sequence + 1 WHERE cycle_id = $1`, cycleID); err != nil {
			return err
		}
		return store.Audit(ctx, tx, "coordinator", "cycle_cancelled", "cycle", strconv.FormatInt(cycleID, 10), nil)
	})
	if err != nil {
		return nil, err
	}
	return a.queueInvites(ctx, cycleID, true, reason)
}
