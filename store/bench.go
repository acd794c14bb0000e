package store

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/lsip/scrutiny/domain"
)

// The statements of the benchmark suite (package bench): set-based
// generators of a national-scale dataset, and the naive draw the real one
// is measured against. Nothing else calls them.

// BenchCasesFrom is the first finalisation date of generated cases; they
// spread evenly over BenchCaseDays days from it (five years, twenty
// quarters).
var BenchCasesFrom = time.Date(2021, 1, 1, 0, 0, 0, 0, time.UTC)

// BenchCaseDays is the span of the generated cases' finalisation dates.
const BenchCaseDays = 1826

// GenerateBenchCases writes n closed cases in one statement: case g is in
// Area g mod 14 and strand (g / 14) mod 14 (so every Area has every strand
// alike), finalised on a day spread over five years, with an outcome, a
// youth-victim flag (one in ten) and an online flag (one in seven) that
// themes filter on. Rows are written in the order monthly extracts would
// arrive, by month and then Area, which is how imported cases lie on
// disk. Then it vacuums them, as autovacuum would soon after such an
// import, so that index-only scans need not visit the rows.
func (q *Queries) GenerateBenchCases(ctx context.Context, n int) error {
	strands := make([]string, len(domain.Strands))
	hate := 0
	for i, s := range domain.Strands {
		strands[i] = s.Code
		if s.Category == domain.HateCrime {
			hate++
		}
	}
	outcomes := []string{"conviction_plea", "conviction_trial", "acquittal", "discontinued", "dismissed", "other"}
	_, err := q.db.Exec(ctx, `WITH a AS (SELECT array_agg(id ORDER BY id) AS ids FROM areas),
		g AS (SELECT g, (g / 14) % $5 AS s, $2::date + ((g::bigint * 7919) % $3)::int AS finalised FROM generate_series(1, $1::int) g),
		new AS (
			INSERT INTO cases (area_id, reference, category, principal_offence, finalised_on, outcome, summary, youth_victim, online_offending)
			SELECT a.ids[1 + g % array_length(a.ids, 1)], 'BENCH-' || g, CASE WHEN s < $6 THEN 'hate_crime' ELSE 'vawg' END,
				'Synthetic offence', finalised, ($4::text[])[1 + (g * 31) % 6],
				'Synthetic benchmark case, no person in it.', g % 10 = 3, g % 7 = 2
			FROM g, a
			ORDER BY date_trunc('month', finalised), g % array_length(a.ids, 1), g
			RETURNING id, reference)
		INSERT INTO case_strands (case_id, strand)
		SELECT id, ($7::text[])[1 + (split_part(reference, '-', 2)::int / 14) % $5] FROM new`,
		n, BenchCasesFrom, BenchCaseDays, outcomes, len(strands), hate, strands)
	if err != nil {
		return fmt.Errorf("generate %d cases: %w", n, err)
	}
	return q.vacuum(ctx, "cases", "case_strands")
}

// MarkBenchReviewed records a finding in the (closed) cycle for every
// twentieth case, so 5% of the pool counts as already reviewed by the
// cycle's panel.
func (q *Queries) MarkBenchReviewed(ctx context.Context, cycleID int64) error {
	if _, err := q.db.Exec(ctx, `INSERT INTO findings (cycle_id, case_id, category, recorded_by)
		SELECT $1, id, 'handled_well', 'bench' FROM cases WHERE id % 20 = 0`, cycleID); err != nil {
		return fmt.Errorf("mark cases reviewed in cycle %d: %w", cycleID, err)
	}
	return q.vacuum(ctx, "findings")
}

// vacuum vacuums freshly filled tables and refreshes the planner's
// statistics of them. The app role may not own them; PostgreSQL then
// skips them with a warning and autovacuum catches up.
func (q *Queries) vacuum(ctx context.Context, tables ...string) error {
	for _, t := range tables {
		if _, err := q.db.Exec(ctx, "VACUUM (ANALYZE) "+pgx.Identifier{t}.Sanitize()); err != nil {
			return fmt.Errorf("vacuum %s: %w", t, err)
		}
	}
	return nil
}

// NaiveRandomDraw is the obvious way to draw n cases of a stratum: the
// same filter as the draw (eligibleFilter, caseClear, notReviewed) on the
// case's own columns, sorted by random() in PostgreSQL. It is the
// baseline the benchmark measures the real draw against, so it reads the
// base tables as they were before the draw had its copy of them: it
// records nothing and cannot be repeated from a seed.
func (q *Queries) NaiveRandomDraw(ctx context.Context, e Eligibility, strand string, n int) ([]int64, error) {
	w := eligibleFilter(e, "c", strand)
	limit := w.param(n)
	return queryAll(ctx, q.db, "naive draw of "+strand, pgx.RowTo[int64],
		`SELECT c.id FROM cases c
		JOIN case_strands cs ON cs.case_id = c.id AND cs.strand = $2
		WHERE c.finalised_on BETWEEN $3 AND $4 AND `+caseClear+`
		  AND `+notReviewed+` AND `+w.sql()+`
		ORDER BY random() LIMIT `+limit, w.args...)
}

// ServerVersion is PostgreSQL's version, as SHOW server_version gives it.
func (q *Queries) ServerVersion(ctx context.Context) (string, error) {
	var v string
	if err := q.db.QueryRow(ctx, `SHOW server_version`).Scan(&v); err != nil {
		return "", fmt.Errorf("server version: %w", err)
	}
	return v, nil
}

// DropRunDatabase drops a database `scrutiny bench` or `scrutiny load` made on the server at
// adminURL, closing any connection left to it.
func DropRunDatabase(ctx context.Context, adminURL, name string) error {
	conn, err := pgx.Connect(ctx, adminURL)
	if err != nil {
		return err
	}
	defer conn.Close(context.WithoutCancel(ctx))
	if _, err := conn.Exec(ctx, `DROP DATABASE IF EXISTS `+pgx.Identifier{name}.Sanitize()+` WITH (FORCE)`); err != nil {
		return fmt.Errorf("drop database %s: %w", name, err)
	}
	return nil
}

// GenerateBenchActions writes n actions of the panel in one statement,
// spread over every Area: four in ten open, two in progress, three
// completed and one cancelled, due over the two years around today (so
// about half of those still open are overdue).
func (q *Queries) GenerateBenchActions(ctx context.Context, panelID int64, n int) error {
	_, err := q.db.Exec(ctx, `WITH a AS (SELECT array_agg(id ORDER BY id) AS ids FROM areas)
		INSERT INTO actions (panel_id, area_id, description, owner_name, owner_email, manager_name, manager_email, due_on, status, closed_at)
		SELECT $1, a.ids[1 + g % array_length(a.ids, 1)], 'Benchmark action ' || g, 'Owner ' || g % 50,
			'owner-' || g % 50 || '@bench.example.org', 'Manager ' || g % 14, 'manager-' || g % 14 || '@bench.example.org',
			current_date - 365 + (g * 7919) % 730,
			(ARRAY['open', 'open', 'open', 'open', 'in_progress', 'in_progress', 'completed', 'completed', 'completed', 'cancelled'])[1 + g % 10],
			CASE WHEN g % 10 >= 6 THEN now() END
		FROM generate_series(1, $2::int) g, a`, panelID, n)
	if err != nil {
		return fmt.Errorf("generate %d actions: %w", n, err)
	}
	// Vacuumed as autovacuum would soon after so many inserts, so that
	// the action list's counts read the index alone, as in service.
	return q.vacuum(ctx, "actions")
}

// Explained is a statement a store method ran, and PostgreSQL's plan of
// it as EXPLAIN (ANALYZE, BUFFERS) gives it.
type Explained struct {
	SQL, Plan string
}

// ExplainEach runs fn on Queries that also explain every read they run
// (EXPLAIN (ANALYZE, BUFFERS) with the same arguments, just before it),
// and returns the plans in order: the benchmark's record of how the real
// methods' statements are executed. Writes are run but not explained.
func (s *Store) ExplainEach(ctx context.Context, fn func(q *Queries) error) ([]Explained, error) {
	e := &explainer{db: s.pool}
	err := fn(&Queries{db: e})
	if err == nil {
		err = e.err
	}
	return e.plans, err
}

// readStatement is a read, which EXPLAIN ANALYZE runs without writing.
// (Lower case, so that the upgrade test's scan of the store's source does
// not take the keywords for a statement.)
var readStatement = regexp.MustCompile(`(?i)^\s*(select|with)\b`)

// explainer is a db that explains each read before running it.
type explainer struct {
	db
	plans []Explained
	err   error
}

func (e *explainer) explain(ctx context.Context, sql string, args []any) {
	if e.err != nil || !readStatement.MatchString(sql) {
		return
	}
	rows, err := e.db.Query(ctx, "EXPLAIN (ANALYZE, BUFFERS) "+sql, args...)
	if err != nil {
		e.err = fmt.Errorf("explain: %w", err)
		return
	}
	lines, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		e.err = fmt.Errorf("explain: %w", err)
		return
	}
	e.plans = append(e.plans, Explained{SQL: strings.TrimSpace(sql), Plan: strings.Join(lines, "\n")})
}

func (e *explainer) Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error) {
	e.explain(ctx, sql, args)
	return e.db.Query(ctx, sql, args...)
}

// SendBatch explains each read the batch queues, then sends it.
func (e *explainer) SendBatch(ctx context.Context, b *pgx.Batch) pgx.BatchResults {
	for _, qq := range b.QueuedQueries {
		e.explain(ctx, qq.SQL, qq.Arguments)
	}
	return e.db.SendBatch(ctx, b)
}

func (e *explainer) QueryRow(ctx context.Context, sql string, args ...any) pgx.Row {
	e.explain(ctx, sql, args)
	return e.db.QueryRow(ctx, sql, args...)
}
