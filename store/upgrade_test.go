package store_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/lsip/scrutiny/store"
	"github.com/lsip/scrutiny/store/internal/sqlscan"
	"github.com/lsip/scrutiny/testenv"
)

// previousRelease is the statements file of the release now running in
// production; docs/operations.md ("Upgrades") says how to refresh it.
const previousRelease = "testdata/previous-release-queries.sql"

// TestUpgradePreviousReleaseQueries: while a new release migrates, the
// previous one is still running against the same database, so every
// statement it runs must still be valid on the new schema (expand, then
// contract). Each statement of the previous release is prepared on a
// database migrated to the current schema, as the app role; a table or
// column removed or renamed, or a type changed so that a statement no
// longer makes sense, fails here with the statement named.
func TestUpgradePreviousReleaseQueries(t *testing.T) {
	f, err := os.Open(previousRelease)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	prev, err := sqlscan.Read(f)
	if err != nil {
		t.Fatalf("%s: %v", previousRelease, err)
	}
	if len(prev.Statements) < 100 {
		t.Fatalf("%s holds %d statements from %s; the store has well over 100, so the file is damaged", previousRelease, len(prev.Statements), prev.Revision)
	}
	st := prepareAll(t, "revision "+prev.Revision, prev.Statements)

	// A statement that prepares can still fail when it runs: an INSERT
	// that leaves out a column the new schema requires. Compare the
	// columns of the previous release's schema (its migrations applied to
	// an empty database) with the current ones.
	oldURL, _ := newDatabase(t, testenv.URL(t, st))
	migrateTo(t, oldURL, prev.Migrations)
	before := requiredColumns(t, oldURL)
	after := requiredColumns(t, testenv.URL(t, st))
	for table, cols := range after {
		if _, existed := before[table]; !existed || !insertsInto(prev.Statements, table) {
			continue
		}
		for col, required := range cols {
			if was, had := before[table][col]; required && (!had || !was) {
				t.Errorf("%s.%s is NOT NULL without a default on the current schema, and revision %s inserts into %s without it: give it a default (expand), and make it required only once no running version leaves it out", table, col, prev.Revision, table)
			}
		}
	}
}

// migrateTo applies the migrations of the given versions, as the owner, to
// the empty database at url: the schema an earlier release ran on.
func migrateTo(t *testing.T, url string, versions []int) {
	t.Helper()
	ctx := context.Background()
	all, err := store.Migrations()
	if err != nil {
		t.Fatal(err)
	}
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	// The migrations' own table, as store.Migrate makes it before the
	// first migration (0012 grants on it).
	if _, err := conn.Exec(ctx, `CREATE TABLE schema_migrations (version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`); err != nil {
		t.Fatal(err)
	}
	for _, v := range versions {
		i := slices.IndexFunc(all, func(m store.Migration) bool { return m.Version == v })
		if i < 0 {
			t.Fatalf("migration %04d of the previous release is missing now; migrations are never removed", v)
		}
		if _, err := conn.Exec(ctx, all[i].SQL); err != nil {
			t.Fatalf("migration %04d_%s: %v", v, all[i].Name, err)
		}
	}
}

// requiredColumns maps each table to its columns, and each column to
// whether an INSERT must give it (NOT NULL, no default, not generated).
func requiredColumns(t *testing.T, url string) map[string]map[string]bool {
	t.Helper()
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	rows, err := conn.Query(ctx, `SELECT c.table_name, c.column_name,
			c.is_nullable = 'NO' AND c.column_default IS NULL AND c.is_identity = 'NO' AND c.is_generated = 'NEVER'
		FROM information_schema.columns c JOIN information_schema.tables tb USING (table_schema, table_name)
		WHERE c.table_schema = 'public' AND tb.table_type = 'BASE TABLE'`)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]map[string]bool{}
	var table, col string
	var required bool
	_, err = pgx.ForEachRow(rows, []any{&table, &col, &required}, func() error {
		if out[table] == nil {
			out[table] = map[string]bool{}
		}
		out[table][col] = required
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// insertsInto reports whether any of the statements inserts into table.
func insertsInto(stmts []sqlscan.Statement, table string) bool {
	into := regexp.MustCompile(`INSERT INTO ` + regexp.QuoteMeta(table) + `\b`)
	return slices.ContainsFunc(stmts, func(s sqlscan.Statement) bool { return into.MatchString(s.SQL) })
}

// TestUpgradeCurrentQueriesPrepare checks the extractor on today's store:
// every statement it finds in the current source prepares on the current
// schema. A statement it mangled (a fragment, a run-time part it misread)
// would fail here before it could make the previous-release check
// meaningless.
func TestUpgradeCurrentQueriesPrepare(t *testing.T) {
	files := map[string][]byte{}
	names, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range names {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		if files[name], err = os.ReadFile(name); err != nil {
			t.Fatal(err)
		}
	}
	res, err := sqlscan.Extract(files)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Statements) < 100 {
		t.Fatalf("found %d statements in the store's source, want over 100", len(res.Statements))
	}
	prepareAll(t, "the current source", res.Statements)
}

// prepareAll prepares each statement on a fresh database migrated to the
// current schema, connected as the app role, in one transaction that is
// rolled back. Each statement gets a savepoint of its own, so one failure
// does not hide the next; CREATE TEMP statements are run, for the
// statements after them that read their scratch tables.
// It returns the store of that database.
func prepareAll(t *testing.T, from string, stmts []sqlscan.Statement) *store.Store {
	t.Helper()
	st := testenv.DB(t)
	ctx := context.Background()
	if _, err := st.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	appURL, err := store.AppRoleURL(testenv.URL(t, st))
	if err != nil {
		t.Fatal(err)
	}
	conn, err := pgx.Connect(ctx, appURL)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	tx, err := conn.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback(ctx)
	for i, s := range stmts {
		if _, err := tx.Exec(ctx, `SAVEPOINT stmt`); err != nil {
			t.Fatal(err)
		}
		sql := s.SQL
		if !s.Setup() {
			sql = s.Prepare(fmt.Sprintf("upgrade_check_%d", i))
		}
		if _, err := tx.Exec(ctx, sql); err != nil {
			t.Errorf("the statement at store/%s (%s) does not work on the current schema: %v\n%s", s.Pos, from, err, s.SQL)
			if _, err := tx.Exec(ctx, `ROLLBACK TO SAVEPOINT stmt`); err != nil {
				t.Fatal(err)
			}
			continue
		}
		if _, err := tx.Exec(ctx, `RELEASE SAVEPOINT stmt`); err != nil {
			t.Fatal(err)
		}
	}
	return st
}
