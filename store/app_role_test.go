package store_test

import (
	"context"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/lsip/scrutiny/domain"
	"github.com/lsip/scrutiny/store"
	"github.com/lsip/scrutiny/testenv"
)

// TestAppRoleCannotTamperWithAuditLog: connected as the app role, as the
// server and the worker are, nothing can drop or disable the audit log's
// triggers, nor truncate, delete or change its rows, while appending to it
// and the store's ordinary work succeed. The test store itself connects as
// the app role (testenv.DB), so this also proves the store works with it.
func TestAppRoleCannotTamperWithAuditLog(t *testing.T) {
	st := testenv.DB(t)
	ctx := context.Background()
	appURL, err := store.AppRoleURL(testenv.URL(t, st))
	if err != nil {
		t.Fatal(err)
	}
	app, err := pgx.Connect(ctx, appURL)
	if err != nil {
		t.Fatal(err)
	}
	defer app.Close(ctx)
	var who string
	var super bool
	if err := app.QueryRow(ctx, `SELECT current_user, rolsuper FROM pg_roles WHERE rolname = current_user`).Scan(&who, &super); err != nil {
		t.Fatal(err)
	}
	if who != store.AppRole || super {
		t.Fatalf("connected as %s (superuser %v), want %s without superuser", who, super, store.AppRole)
	}

	if err := st.Audit(ctx, "someone@example.org", "test_entry", "cycle", "1", nil); err != nil {
		t.Fatalf("the store could not append to the audit log: %v", err)
	}
	if _, err := app.Exec(ctx, `INSERT INTO audit_log (actor, action, subject_type, subject_id) VALUES ('x@example.org', 'view', 'pack', '1')`); err != nil {
		t.Fatalf("INSERT into audit_log as the app role: %v", err)
	}
	for _, stmt := range []string{
		`DROP TRIGGER audit_log_no_change ON audit_log`,
		`DROP TRIGGER audit_log_no_truncate ON audit_log`,
		`ALTER TABLE audit_log DISABLE TRIGGER ALL`,
		`ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_change`,
		`DROP TABLE audit_log`,
		`DROP FUNCTION audit_log_append_only() CASCADE`,
		`TRUNCATE audit_log`,
		`DELETE FROM audit_log`,
		`UPDATE audit_log SET actor = 'someone else'`,
		`INSERT INTO schema_migrations (version, name) VALUES (99999, 'forged')`,
		`CREATE TABLE shadow (id int)`,
	} {
		if _, err := app.Exec(ctx, stmt); err == nil {
			t.Errorf("%s: succeeded as the app role", stmt)
		} else if !strings.Contains(err.Error(), "42501") {
			t.Errorf("%s: %v, want a refusal for want of privilege (42501)", stmt, err)
		}
	}

	var entries, triggers int
	if err := testenv.SQL(t, st).QueryRow(ctx, `SELECT (SELECT count(*) FROM audit_log),
		(SELECT count(*) FROM pg_trigger WHERE tgrelid = 'audit_log'::regclass AND tgenabled = 'O' AND NOT tgisinternal)`).Scan(&entries, &triggers); err != nil {
		t.Fatal(err)
	}
	if entries != 2 || triggers != 2 {
		t.Errorf("after the attempts: %d audit entries and %d enabled triggers, want 2 and 2", entries, triggers)
	}

	// Ordinary work through the store, and start-up's migrate with nothing
	// pending, succeed as the app role.
	if _, err := st.Migrate(ctx); err != nil {
		t.Errorf("Migrate with nothing pending as the app role: %v", err)
	}
	if _, total, err := st.AuditLog(ctx, store.ScopeOf(store.User{Role: domain.StaffAdmin}), store.AuditFilter{Who: "someone"}); err != nil || total != 1 {
		t.Errorf("reading the audit log as the app role: %d entries, %v; want 1", total, err)
	}
}
