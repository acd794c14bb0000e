package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/lsip/scrutiny/domain"
)

// The roles a drawn case can have in its cycle.
const (
	DrawSelected       = "selected"
	DrawReserve        = "reserve"
	DrawCarriedForward = "carried_forward"
)

// Eligibility says which cases a cycle may draw: its panel's Area's
// (every Area's for a national panel), finalised between From and To,
// narrowed by the cycle's theme.
type Eligibility struct {
	CycleID, PanelID int64
	AreaID           int16
	From, To         time.Time
	// National draws from every Area, not only AreaID.
	National bool
	Theme    domain.ThemeFilter
}

// CarriedCase is a case brought back from an earlier cycle, in the stratum
// of the panel's strand it belongs to.
type CarriedCase struct {
	CaseID int64
	Strand string
}

// DrawnStratum is the draw of one strand, as recorded.
type DrawnStratum struct {
	Strand                     string
	Quota, Eligible, Shortfall int
	// WidenedFrom is the start of the wider window used, if it was.
	WidenedFrom *time.Time
	EligibleIDs []int64
	Selected    []int64
	Reserves    []int64
	// Areas is a national draw's share of the strand per Area.
	Areas []DrawnArea
}

// DrawnArea is one Area's share of a strand in a national draw.
type DrawnArea struct {
	AreaCode        string
	Quota, Eligible int
}

// Stratum is the recorded draw of one strand.
type Stratum struct {
	Strand                     string
	Quota, Eligible, Shortfall int
	Widened                    bool
}

// CycleCase is a case drawn into a cycle.
type CycleCase struct {
	CaseID    int64
	Reference string
	Stratum   string
	Role      string // DrawSelected, DrawReserve or DrawCarriedForward
	Status    domain.CaseStatus
}

// cycleDrawnQuery is whether cycle $1's draw is recorded.
const cycleDrawnQuery = `SELECT EXISTS (SELECT 1 FROM cycle_cases WHERE cycle_id = $1)
		OR EXISTS (SELECT 1 FROM cycle_strata WHERE cycle_id = $1)`

// panelStrandsQuery lists the strands panel $1 reviews, in code order.
const panelStrandsQuery = `SELECT strand FROM panel_strands WHERE panel_id = $1 ORDER BY strand`

// DrawStart is what a draw reads before its eligible cases: whether the
// cycle is drawn already, the strands its panel reviews, in code order,
// and the cases carried forward to it (carriedForwardQuery).
type DrawStart struct {
	Drawn        bool
	PanelStrands []string
	Carried      []CarriedCase
}

// StartDraw reads a draw's DrawStart in one round trip.
func (q *Queries) StartDraw(ctx context.Context, panelID, cycleID int64) (DrawStart, error) {
	var d DrawStart
	b := &pgx.Batch{}
	b.Queue(cycleDrawnQuery, cycleID).QueryRow(func(row pgx.Row) error { return row.Scan(&d.Drawn) })
	b.Queue(panelStrandsQuery, panelID).Query(func(rows pgx.Rows) (err error) {
		d.PanelStrands, err = pgx.CollectRows(rows, pgx.RowTo[string])
		return err
	})
	b.Queue(carriedForwardQuery, panelID, cycleID, domain.StageCancelled).Query(func(rows pgx.Rows) (err error) {
		d.Carried, err = pgx.CollectRows(rows, pgx.RowToStructByPos[CarriedCase])
		return err
	})
	if err := q.db.SendBatch(ctx, b).Close(); err != nil {
		return d, fmt.Errorf("start the draw of cycle %d: %w", cycleID, err)
	}
	return d, nil
}

// EligiblePools lists the cases of each of strands the cycle may draw,
// in one query: the Area's, finalised in the window, not withdrawn, with
// no appeal, right-to-review request or co-defendant outstanding, not
// reviewed by the panel before (in review or pulled in another live
// cycle, or given a finding), and within the theme. Cases the panel could
// not agree on come back through StartDraw instead. They are a
// draw's pools: each strand's cases grouped by the code of their Area, in
// ID order (a national draw shares a strand over the Areas; a local one
// has its one Area's pool). The query reads the draw's copy of the cases'
// attributes in case_strands (migration 0024), an index-only scan of
// case_strands_draw.
func (q *Queries) EligiblePools(ctx context.Context, e Eligibility, strands ...string) (map[string]map[string][]int64, error) {
	w := eligibleFilter(e, "cs", strands)
	if e.National {
		// Every Area by name, so that case_strands_draw (strand, area_id,
		// finalised_on) is read an Area's window at a time rather than
		// over every date (migration 0027).
		w.conds = append(w.conds, "cs.area_id = ANY (ARRAY(SELECT id FROM areas))")
	}
	rows, err := q.db.Query(ctx, `SELECT cs.strand, a.code, cs.case_id FROM case_strands cs
		JOIN areas a ON a.id = cs.area_id
		WHERE cs.strand = ANY ($2::text[]) AND cs.drawable AND cs.finalised_on BETWEEN $3 AND $4
		  AND `+notReviewed+` AND `+w.sql()+`
		ORDER BY cs.strand, cs.case_id`, w.args...)
	if err != nil {
		return nil, fmt.Errorf("eligible cases of cycle %d: %w", e.CycleID, err)
	}
	pools := make(map[string]map[string][]int64, len(strands))
	for _, strand := range strands {
		pools[strand] = map[string][]int64{}
	}
	var strand, area string
	var id int64
	_, err = pgx.ForEachRow(rows, []any{&strand, &area, &id}, func() error {
		pools[strand][area] = append(pools[strand][area], id)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("eligible cases of cycle %d: %w", e.CycleID, err)
	}
	return pools, nil
}

// codes is a list of named codes as plain strings, for a text[] parameter.
func codes[T ~string](list []T) []string {
	out := make([]string, len(list))
	for i, v := range list {
		out[i] = string(v)
	}
	return out
}

// caseClear is what leaves a case of cases c open to scrutiny: not
// withdrawn, and no appeal, right-to-review request or co-defendant
// outstanding. case_strands.drawable holds the same test (case_drawable,
// migration 0024).
const caseClear = `c.withdrawn_at IS NULL AND NOT c.appeal_pending AND NOT c.vrr_pending AND NOT c.codefendant_outstanding`

// notReviewed is what keeps the case of case_strands cs out of a draw
// for the panel's own history: neither in another live cycle of the
// panel ($1, other than cycle $5) nor already given a finding by it. Its
// parameters are eligibleFilter's first eight. The panel's cycles are
// read once, as an array, so that each case is one probe of
// findings_case: joined to cycles instead, the planner misjudged a
// panel's findings as few and hashed them all (50,000 on the benchmark's
// pool) for a draw of 250 cases.
const notReviewed = `NOT EXISTS (SELECT 1 FROM cycle_cases cc JOIN cycles cy ON cy.id = cc.cycle_id
		      WHERE cc.case_id = cs.case_id AND cy.panel_id = $1 AND cy.id <> $5 AND cy.stage <> $6 AND cc.status IN ($7, $8))
		  AND NOT EXISTS (SELECT 1 FROM findings f
		      WHERE f.case_id = cs.case_id AND f.cycle_id = ANY (ARRAY(SELECT id FROM cycles WHERE panel_id = $1 AND id <> $5)))`

// eligibleFilter holds the parameters of an eligible-set query (the
// panel $1, strand or strands $2, window $3 to $4, cycle $5, and
// notReviewed's) and
// the conditions of e's Area, unless national, and theme. They read the
// case's attributes from alias, which is either the case (cases c) or
// the draw's copy of it (case_strands cs): the columns have the same
// names, so the draw and the benchmark's naive baseline take the same
// cases. The strand, window and caseClear conditions are the query's.
func eligibleFilter(e Eligibility, alias string, strands any) filter {
	w := filter{args: []any{e.PanelID, strands, e.From, e.To, e.CycleID, domain.StageCancelled, domain.CaseApproved, domain.CasePulled}}
	col := func(name string) string { return alias + "." + name }
	if !e.National {
		w.add(col("area_id")+" = ?", e.AreaID)
	}
	t := e.Theme
	if len(t.Outcomes) > 0 {
		w.add(col("outcome")+" = ANY(?::text[])", codes(t.Outcomes))
	}
	if len(t.VictimGroups) > 0 {
		w.add(col("victim_group")+" = ANY(?::text[])", codes(t.VictimGroups))
	}
	if t.YouthVictim != nil {
		w.add(col("youth_victim")+" = ?", *t.YouthVictim)
	}
	if t.OnlineOffending != nil {
		w.add(col("online_offending")+" = ?", *t.OnlineOffending)
	}
	from, to := t.Dates()
	if from != nil {
		w.add(col("finalised_on")+" >= ?", *from)
	}
	if to != nil {
		w.add(col("finalised_on")+" <= ?", *to)
	}
	return w
}

// carriedForwardQuery finds the cases panel $1 could not agree on in an
// earlier cycle that no later live cycle has taken up, for cycle $2 ($3
// is the cancelled stage): normally those of the previous meeting, but
// also any missed because the next cycle was drawn before that meeting,
// or taken into a cycle that was then cancelled. Each goes into the
// stratum of its first strand the panel covers. A case since withdrawn
// from scrutiny, or with an appeal, review request or co-defendant now
// outstanding, is not brought back.
const carriedForwardQuery = `SELECT DISTINCT ON (f.case_id) f.case_id, coalesce((SELECT cs.strand FROM case_strands cs
			JOIN panel_strands ps ON ps.strand = cs.strand AND ps.panel_id = $1 WHERE cs.case_id = f.case_id ORDER BY cs.strand LIMIT 1), cc.stratum)
		FROM findings f
		JOIN cycles fc ON fc.id = f.cycle_id AND fc.panel_id = $1 AND fc.id < $2 AND fc.stage <> $3
		JOIN cycle_cases cc ON cc.cycle_id = f.cycle_id AND cc.case_id = f.case_id
		JOIN cases c ON c.id = f.case_id
		WHERE f.carried_forward AND ` + caseClear + `
		  AND NOT EXISTS (SELECT 1 FROM cycle_cases later JOIN cycles lc ON lc.id = later.cycle_id
		      WHERE later.case_id = f.case_id AND lc.panel_id = $1 AND lc.id > fc.id AND lc.id <> $2 AND lc.stage <> $3)
		ORDER BY f.case_id, fc.id DESC`

// RecordDraw stores the seed, each stratum's eligible cases, quota and
// draw, and the cases carried forward. Run it in a transaction, or use
// RecordSelection.
func (q *Queries) RecordDraw(ctx context.Context, cycleID, seed int64, strata []DrawnStratum, carried []CarriedCase) error {
	if err := q.db.SendBatch(ctx, drawBatch(cycleID, seed, strata, carried)).Close(); err != nil {
		return fmt.Errorf("record draw of cycle %d: %w", cycleID, err)
	}
	return nil
}

// DrawAudit is the audit entry a draw is recorded with (see Audit).
type DrawAudit struct {
	Actor  string
	Detail map[string]any
}

// RecordSelection records the draw as RecordDraw does, with its audit
// entry (action cases_selected on the cycle), and reads the draw back as
// Strata and CycleCases give it, in one round trip: on the Store the
// batch is one implicit transaction, so all of it is recorded or none,
// and the reads see what it recorded; on a Tx it is part of that
// transaction.
func (q *Queries) RecordSelection(ctx context.Context, cycleID, seed int64, strata []DrawnStratum, carried []CarriedCase, audit DrawAudit) ([]Stratum, []CycleCase, error) {
	detail, err := json.Marshal(audit.Detail)
	if err != nil {
		return nil, nil, fmt.Errorf("audit the draw of cycle %d: %w", cycleID, err)
	}
	b := drawBatch(cycleID, seed, strata, carried)
	b.Queue(auditInsert, audit.Actor, "cases_selected", "cycle", strconv.FormatInt(cycleID, 10), detail)
	var recorded []Stratum
	var cases []CycleCase
	b.Queue(strataQuery, cycleID).Query(func(rows pgx.Rows) (err error) {
		recorded, err = pgx.CollectRows(rows, pgx.RowToStructByPos[Stratum])
		return err
	})
	b.Queue(cycleCasesQuery, cycleID).Query(func(rows pgx.Rows) (err error) {
		cases, err = pgx.CollectRows(rows, pgx.RowToStructByPos[CycleCase])
		return err
	})
	if err := q.db.SendBatch(ctx, b).Close(); err != nil {
		return nil, nil, fmt.Errorf("record draw of cycle %d: %w", cycleID, err)
	}
	return recorded, cases, nil
}

// drawBatch is every statement that records a draw, sent together: a
// national draw is some fifty statements, each a round trip on its own.
// Every stratum's eligible cases go in one statement, after the strata,
// so that its references are checked once (migration 0024). No row
// repeats: each strand's pool lists a case once.
func drawBatch(cycleID, seed int64, strata []DrawnStratum, carried []CarriedCase) *pgx.Batch {
	b := &pgx.Batch{}
	b.Queue(`UPDATE cycles SET seed = $2 WHERE id = $1`, cycleID, seed)
	addCase := func(caseID int64, strand string, pos int, role string, status domain.CaseStatus) {
		b.Queue(`INSERT INTO cycle_cases (cycle_id, case_id, stratum, draw_position, role, status) VALUES ($1, $2, $3, $4, $5, $6)`, cycleID, caseID, strand, pos, role, status)
	}
	var eligibleStrata []string
	var eligibleIDs []int64
	for _, s := range strata {
		b.Queue(`INSERT INTO cycle_strata (cycle_id, stratum, quota, eligible_count, shortfall, widened_from) VALUES ($1, $2, $3, $4, $5, $6)`,
			cycleID, s.Strand, s.Quota, s.Eligible, s.Shortfall, s.WidenedFrom)
		for _, a := range s.Areas {
			b.Queue(`INSERT INTO cycle_area_quotas (cycle_id, stratum, area_id, quota, eligible_count)
				SELECT $1, $2, id, $4, $5 FROM areas WHERE code = $3`, cycleID, s.Strand, a.AreaCode, a.Quota, a.Eligible)
		}
		for pos, id := range s.Selected {
			addCase(id, s.Strand, pos, DrawSelected, domain.CaseProposed)
		}
		for j, id := range s.Reserves {
			addCase(id, s.Strand, len(s.Selected)+j, DrawReserve, domain.CaseReserve)
		}
		for _, id := range s.EligibleIDs {
			eligibleStrata, eligibleIDs = append(eligibleStrata, s.Strand), append(eligibleIDs, id)
		}
	}
	for _, cf := range carried {
		b.Queue(`INSERT INTO cycle_cases (cycle_id, case_id, stratum, draw_position, role, status) VALUES ($1, $2, $3, -1, $4, $5)
			ON CONFLICT DO NOTHING`, cycleID, cf.CaseID, cf.Strand, DrawCarriedForward, domain.CaseProposed)
	}
	b.Queue(`INSERT INTO cycle_eligible (cycle_id, stratum, case_id) SELECT $1, e.stratum, e.case_id FROM unnest($2::text[], $3::bigint[]) AS e (stratum, case_id)`,
		cycleID, eligibleStrata, eligibleIDs)
	return b
}

// strataQuery lists the recorded draw of each strand of cycle $1.
const strataQuery = `SELECT stratum, quota, eligible_count, shortfall, widened_from IS NOT NULL
		FROM cycle_strata WHERE cycle_id = $1 ORDER BY stratum`

// Strata lists the recorded draw of each strand of the cycle.
func (q *Queries) Strata(ctx context.Context, cycleID int64) ([]Stratum, error) {
	return queryAll(ctx, q.db, fmt.Sprintf("strata of cycle %d", cycleID), pgx.RowToStructByPos[Stratum], strataQuery, cycleID)
}

// cycleCasesQuery lists every case drawn into cycle $1, by stratum and
// draw order.
const cycleCasesQuery = `SELECT cc.case_id, c.reference, cc.stratum, cc.role, cc.status
		FROM cycle_cases cc JOIN cases c ON c.id = cc.case_id WHERE cc.cycle_id = $1
		ORDER BY cc.stratum, cc.draw_position, cc.case_id`

// CycleCases lists every case drawn into the cycle, by stratum and draw
// order.
func (q *Queries) CycleCases(ctx context.Context, cycleID int64) ([]CycleCase, error) {
	return queryAll(ctx, q.db, fmt.Sprintf("cases of cycle %d", cycleID), pgx.RowToStructByPos[CycleCase], cycleCasesQuery, cycleID)
}

// ApproveSelection confirms the proposed cases and marks the reserves not
// needed unused, reporting whether anything changed.
func (q *Queries) ApproveSelection(ctx context.Context, cycleID int64) (bool, error) {
	tag, err := q.db.Exec(ctx, `UPDATE cycle_cases SET status = CASE status WHEN $2 THEN $3 ELSE $4 END
		WHERE cycle_id = $1 AND status IN ($2, $5)`,
		cycleID, domain.CaseProposed, domain.CaseApproved, domain.CaseUnusedReserve, domain.CaseReserve)
	if err != nil {
		return false, fmt.Errorf("approve selection of cycle %d: %w", cycleID, err)
	}
	return tag.RowsAffected() > 0, nil
}

// DrawnCase is where one case of a cycle stands, read with LockCycleCase.
type DrawnCase struct {
	Status     domain.CaseStatus
	Stratum    string
	ReplacedBy *int64
}

// LockCycleCase loads a case of the cycle and locks it until the
// transaction ends; ErrNotFound if the case is not in the cycle.
func (q *Queries) LockCycleCase(ctx context.Context, cycleID, caseID int64) (DrawnCase, error) {
	var d DrawnCase
	err := q.db.QueryRow(ctx, `SELECT status, stratum, replaced_by FROM cycle_cases WHERE cycle_id = $1 AND case_id = $2 FOR UPDATE`,
		cycleID, caseID).Scan(&d.Status, &d.Stratum, &d.ReplacedBy)
	if errors.Is(err, pgx.ErrNoRows) {
		err = ErrNotFound
	}
	if err != nil {
		return d, fmt.Errorf("case %d of cycle %d: %w", caseID, cycleID, err)
	}
	return d, nil
}

// RedrawCandidates lists, in ID order, the eligible cases of the stratum
// not yet drawn into the cycle.
func (q *Queries) RedrawCandidates(ctx context.Context, cycleID int64, stratum string) ([]int64, error) {
	return queryAll(ctx, q.db, fmt.Sprintf("redraw candidates of cycle %d", cycleID), pgx.RowTo[int64],
		`SELECT e.case_id FROM cycle_eligible e WHERE e.cycle_id = $1 AND e.stratum = $2
		AND NOT EXISTS (SELECT 1 FROM cycle_cases cc WHERE cc.cycle_id = $1 AND cc.case_id = e.case_id)
		ORDER BY e.case_id`, cycleID, stratum)
}

// AddRedrawnCase proposes a freshly drawn case, after every case drawn so
// far.
func (q *Queries) AddRedrawnCase(ctx context.Context, cycleID, caseID int64, stratum string) error {
	_, err := q.db.Exec(ctx, `INSERT INTO cycle_cases (cycle_id, case_id, stratum, draw_position, role, status)
		SELECT $1, $2, $3, coalesce(max(draw_position), 0) + 1, $4, $5 FROM cycle_cases WHERE cycle_id = $1`,
		cycleID, caseID, stratum, DrawSelected, domain.CaseProposed)
	if err != nil {
		return fmt.Errorf("add redrawn case %d to cycle %d: %w", caseID, cycleID, err)
	}
	return nil
}

// PromoteReserve proposes the stratum's next reserve and returns its case
// ID; ok is false when no reserve is left.
func (q *Queries) PromoteReserve(ctx context.Context, cycleID int64, stratum string) (caseID int64, ok bool, err error) {
	err = q.db.QueryRow(ctx, `UPDATE cycle_cases SET status = $3 WHERE cycle_id = $1 AND case_id = (
		SELECT case_id FROM cycle_cases WHERE cycle_id = $1 AND stratum = $2 AND status = $4 ORDER BY draw_position LIMIT 1)
		RETURNING case_id`, cycleID, stratum, domain.CaseProposed, domain.CaseReserve).Scan(&caseID)
	if errors.Is(err, pgx.ErrNoRows) {
		return 0, false, nil
	}
	if err != nil {
		return 0, false, fmt.Errorf("promote a %s reserve in cycle %d: %w", stratum, cycleID, err)
	}
	return caseID, true, nil
}

// WithdrawCase withdraws a case from the cycle with an internal reason,
// noting the case that replaced it, if any.
func (q *Queries) WithdrawCase(ctx context.Context, cycleID, caseID int64, reason string, replacedBy *int64) error {
	_, err := q.db.Exec(ctx, `UPDATE cycle_cases SET status = $5, withdrawn_reason = $3, replaced_by = $4 WHERE cycle_id = $1 AND case_id = $2`,
		cycleID, caseID, reason, replacedBy, domain.CaseWithdrawn)
	if err != nil {
		return fmt.Errorf("withdraw case %d from cycle %d: %w", caseID, cycleID, err)
	}
	return nil
}

// queryAll runs a query and gathers its rows with fn, wrapping any error
// with what.
func queryAll[T any](ctx context.Context, db db, what string, fn pgx.RowToFunc[T], sql string, args ...any) ([]T, error) {
	rows, err := db.Query(ctx, sql, args...)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", what, err)
	}
	list, err := pgx.CollectRows(rows, fn)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", what, err)
	}
	return list, nil
}
