// Package testenv gives tests the real services they run against: a fresh
// PostgreSQL database cloned from a migrated template, and a real SMTP server
// whose messages the test can read. Temporal lives in the sub-package
// temporalenv, so that only tests that need the Temporal server link it.
package testenv

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/lsip/scrutiny/store"
)

// AdminURL is the PostgreSQL server tests create their databases on:
// SCRUTINY_TEST_DATABASE_URL, else DATABASE_URL, else the local server with
// trust auth.
func AdminURL() string {
	for _, k := range []string{"SCRUTINY_TEST_DATABASE_URL", "DATABASE_URL"} {
		if v := os.Getenv(k); v != "" {
			return v
		}
	}
	return "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable"
}

// templateLockKey serialises template creation across test binaries that
// run in parallel.
const templateLockKey int64 = 0x7363727574747066

// DB returns a store on a new, migrated database that is dropped when the
// test ends. The store connects as store.AppRole, as the server and the
// worker do in production, so every test runs with the application's
// privileges only; SQL and URL reach the database as its owner. It skips the test only when PostgreSQL cannot be reached and CI
// is not set; under CI an unreachable database fails the test.
func DB(t testing.TB) *store.Store {
	t.Helper()
	return DBOn(t, AdminURL())
}

// DBOn is DB on the PostgreSQL server adminURL reaches as a superuser
// rather than on AdminURL's: for a test that runs on a server of its own,
// such as a throwaway cluster it stops and starts. The server is passed
// rather than set in the environment, so such a test can run in parallel.
func DBOn(t testing.TB, adminURL string) *store.Store {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()

	admin, err := pgx.Connect(ctx, adminURL)
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("PostgreSQL is required under CI but cannot be reached at %s: %v", redact(adminURL), err)
		}
		t.Skipf("skipping: PostgreSQL cannot be reached at %s (set SCRUTINY_TEST_DATABASE_URL): %v", redact(adminURL), err)
	}
	defer admin.Close(context.Background())

	tpl, err := ensureTemplate(ctx, admin)
	if err != nil {
		t.Fatalf("prepare template database: %v", err)
	}
	name := "scrutiny_test_" + randomHex(8)
	if _, err := admin.Exec(ctx, fmt.Sprintf(`CREATE DATABASE %s TEMPLATE %s`, name, tpl)); err != nil {
		t.Fatalf("create test database: %v", err)
	}
	url := databaseURL(admin.Config(), name)
	appURL, err := store.AppRoleURL(url)
	if err != nil {
		t.Fatalf("test database: %v", err)
	}
	st, err := store.Open(ctx, appURL)
	if err != nil {
		t.Fatalf("open test database as %s (the server must let it sign in, as trust auth on 127.0.0.1 does): %v", store.AppRole, err)
	}
	urls.Store(st, url)
	t.Cleanup(func() {
		if raw, ok := sqlPools.LoadAndDelete(st); ok {
			raw.(interface{ Close() }).Close()
		}
		urls.Delete(st)
		st.Close()
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		conn, err := pgx.Connect(ctx, adminURL)
		if err != nil {
			t.Logf("drop test database %s: %v", name, err)
			return
		}
		defer conn.Close(ctx)
		if _, err := conn.Exec(ctx, fmt.Sprintf(`DROP DATABASE IF EXISTS %s WITH (FORCE)`, name)); err != nil {
			t.Logf("drop test database %s: %v", name, err)
		}
	})
	return st
}

// urls and sqlPools map each test store to its database's URL and to the
// pool SQL opened on it.
var urls, sqlPools sync.Map

// RawSQL runs statements on a test database directly.
type RawSQL interface {
	Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error)
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
}

// SQL is a second connection pool to st's test database, as its owner,
// for a test that sets up or inspects rows no store method covers:
// fixtures, and checks of what was written. Application code never sees a
// pgx handle; tests may.
func SQL(t testing.TB, st *store.Store) RawSQL {
	t.Helper()
	if raw, ok := sqlPools.Load(st); ok {
		return raw.(RawSQL)
	}
	url, ok := urls.Load(st)
	if !ok {
		t.Fatal("testenv.SQL: the store was not made by testenv.DB")
	}
	pool, err := pgxpool.New(context.Background(), url.(string))
	if err != nil {
		t.Fatalf("testenv.SQL: %v", err)
	}
	if raw, loaded := sqlPools.LoadOrStore(st, pool); loaded {
		pool.Close()
		return raw.(RawSQL)
	}
	return pool
}

// ensureTemplate returns the name of a template database holding the current
// migrations, creating it once. The name carries a hash of the migrations, so
// a changed schema gets a new template and stale ones are dropped.
func ensureTemplate(ctx context.Context, admin *pgx.Conn) (string, error) {
	migrations, err := store.Migrations()
	if err != nil {
		return "", err
	}
	h := sha256.New()
	for _, m := range migrations {
		fmt.Fprintf(h, "%d %s\n%s\n", m.Version, m.Name, m.SQL)
	}
	name := "scrutiny_tpl_" + hex.EncodeToString(h.Sum(nil))[:12]

	if _, err := admin.Exec(ctx, `SELECT pg_advisory_lock($1)`, templateLockKey); err != nil {
		return "", err
	}
	defer admin.Exec(context.WithoutCancel(ctx), `SELECT pg_advisory_unlock($1)`, templateLockKey)

	var ready bool
	err = admin.QueryRow(ctx, `SELECT datistemplate FROM pg_database WHERE datname = $1`, name).Scan(&ready)
	if err == nil && ready {
		return name, nil
	}
	if err != nil && err != pgx.ErrNoRows {
		return "", err
	}
	// Absent, or left half-built by a crashed run: build it afresh.
	if _, err := admin.Exec(ctx, fmt.Sprintf(`DROP DATABASE IF EXISTS %s WITH (FORCE)`, name)); err != nil {
		return "", err
	}
	if _, err := admin.Exec(ctx, fmt.Sprintf(`CREATE DATABASE %s`, name)); err != nil {
		return "", err
	}
	st, err := store.Open(ctx, databaseURL(admin.Config(), name))
	if err != nil {
		return "", err
	}
	_, err = st.Migrate(ctx)
	st.Close()
	if err != nil {
		return "", err
	}
	if _, err := admin.Exec(ctx, fmt.Sprintf(`ALTER DATABASE %s WITH IS_TEMPLATE true`, name)); err != nil {
		return "", err
	}
	dropStaleTemplates(ctx, admin, name)
	return name, nil
}

// dropStaleTemplates removes templates of earlier schemas. Failure is
// harmless (another run may be using one), so it is not reported.
func dropStaleTemplates(ctx context.Context, admin *pgx.Conn, keep string) {
	rows, err := admin.Query(ctx, `SELECT datname FROM pg_database WHERE datname LIKE 'scrutiny\_tpl\_%' AND datname <> $1`, keep)
	if err != nil {
		return
	}
	stale, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return
	}
	for _, name := range stale {
		admin.Exec(ctx, fmt.Sprintf(`ALTER DATABASE %s WITH IS_TEMPLATE false`, name))
		admin.Exec(ctx, fmt.Sprintf(`DROP DATABASE IF EXISTS %s`, name))
	}
}

// databaseURL is the admin connection's URL pointed at another database.
func databaseURL(cfg *pgx.ConnConfig, dbname string) string {
	c := cfg.Copy()
	c.Database = dbname
	userinfo := c.User
	if c.Password != "" {
		userinfo += ":" + c.Password
	}
	return fmt.Sprintf("postgres://%s@%s:%d/%s?sslmode=disable", userinfo, c.Host, c.Port, dbname)
}

func redact(url string) string {
	cfg, err := pgx.ParseConfig(url)
	if err != nil {
		return "the configured URL"
	}
	return fmt.Sprintf("%s:%d", cfg.Host, cfg.Port)
}

func randomHex(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// URL is the connection URL of st's test database as its owner, for a
// test that runs the scrutiny command against it as an operator would.
func URL(t testing.TB, st *store.Store) string {
	t.Helper()
	url, ok := urls.Load(st)
	if !ok {
		t.Fatal("testenv.URL: the store was not made by testenv.DB")
	}
	return url.(string)
}
