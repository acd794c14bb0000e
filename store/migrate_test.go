package store_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/lsip/scrutiny/domain"
	"github.com/lsip/scrutiny/store"
	"github.com/lsip/scrutiny/testenv"
)

func TestMigrateIsIdempotentAndConcurrent(t *testing.T) {
	st := testenv.DB(t)
	ctx := context.Background()

	// The template is already migrated; two more concurrent runs must wait on
	// the advisory lock and apply nothing.
	var wg sync.WaitGroup
	errs := make([]error, 2)
	applied := make([][]int, 2)
	for i := range 2 {
		wg.Go(func() { applied[i], errs[i] = st.Migrate(ctx) })
	}
	wg.Wait()
	for i := range 2 {
		if errs[i] != nil {
			t.Fatalf("migrate %d: %v", i, errs[i])
		}
		if len(applied[i]) != 0 {
			t.Errorf("migrate %d applied %v again", i, applied[i])
		}
	}
	var areas, strands int
	if err := testenv.SQL(t, st).QueryRow(ctx, `SELECT (SELECT count(*) FROM areas), (SELECT count(*) FROM strands)`).Scan(&areas, &strands); err != nil {
		t.Fatal(err)
	}
	if areas != len(domain.Areas) || strands != len(domain.Strands) {
		t.Errorf("reference data: %d areas, %d strands; want %d and %d", areas, strands, len(domain.Areas), len(domain.Strands))
	}
}

func TestAuditLogIsAppendOnly(t *testing.T) {
	st := testenv.DB(t)
	ctx := context.Background()
	db := testenv.SQL(t, st)
	if _, err := db.Exec(ctx, `INSERT INTO audit_log (actor, action, subject_type, subject_id) VALUES ('test', 'view', 'pack', '1')`); err != nil {
		t.Fatal(err)
	}
	_, err := db.Exec(ctx, `UPDATE audit_log SET actor = 'someone else'`)
	if err == nil || !strings.Contains(err.Error(), "append-only") {
		t.Errorf("UPDATE audit_log: got %v, want append-only refusal", err)
	}
	_, err = db.Exec(ctx, `DELETE FROM audit_log`)
	if err == nil || !strings.Contains(err.Error(), "append-only") {
		t.Errorf("DELETE audit_log: got %v, want append-only refusal", err)
	}
	_, err = db.Exec(ctx, `TRUNCATE audit_log`)
	if err == nil || !strings.Contains(err.Error(), "append-only") {
		t.Errorf("TRUNCATE audit_log: got %v, want append-only refusal", err)
	}
}

func TestSchemaRefusesUnknownEnumerations(t *testing.T) {
	st := testenv.DB(t)
	ctx := context.Background()
	db := testenv.SQL(t, st)
	_, err := db.Exec(ctx, `INSERT INTO cases (area_id, reference, category, principal_offence, finalised_on, outcome, summary)
		VALUES (1, 'REF-001', 'hate_crime', 'Assault', '2026-01-01', 'guilty-ish', 'A summary')`)
	if err == nil || !strings.Contains(err.Error(), "cases_outcome_check") {
		t.Errorf("unknown outcome: got %v, want cases_outcome_check violation", err)
	}
	_, err = db.Exec(ctx, `INSERT INTO panel_strands (panel_id, strand) VALUES (1, 'astrology')`)
	if err == nil {
		t.Error("unknown strand accepted")
	}
	if _, ok := store.IsUniqueViolation(err); ok {
		t.Errorf("unknown strand reported as unique violation: %v", err)
	}
}

// EnsureDatabase makes the dev database on a server the dev stack did not
// start, and finds it there the next time.
func TestEnsureDatabaseCreatesOnce(t *testing.T) {
	testenv.DB(t) // skips when PostgreSQL is not there
	ctx := context.Background()
	name := fmt.Sprintf("scrutiny_ensure_%d", time.Now().UnixNano())
	t.Cleanup(func() {
		conn, err := pgx.Connect(ctx, testenv.AdminURL())
		if err != nil {
			t.Log(err)
			return
		}
		defer conn.Close(ctx)
		conn.Exec(ctx, `DROP DATABASE IF EXISTS `+name+` WITH (FORCE)`)
	})
	first, err := store.EnsureDatabase(ctx, testenv.AdminURL(), name)
	if err != nil {
		t.Fatal(err)
	}
	again, err := store.EnsureDatabase(ctx, testenv.AdminURL(), name)
	if err != nil || again != first {
		t.Fatalf("second EnsureDatabase = %q, %v; want %q", again, err, first)
	}
	st, err := store.Open(ctx, first)
	if err != nil {
		t.Fatalf("open %s: %v", first, err)
	}
	st.Close()
}
