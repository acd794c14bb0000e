package pgcluster

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

func TestStartStopKeepsData(t *testing.T) {
	if _, err := findBinaries(); err != nil {
		t.Skip(err)
	}
	// A private folder, as dev's data folder is: Start must make it
	// passable for the postgres user when running as root.
	base, err := os.MkdirTemp("", "pgcluster-test-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(base) })
	dir := filepath.Join(base, "data")
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()

	c, err := Start(ctx, dir, 0)
	if err != nil {
		t.Fatal(err)
	}
	stopped := false
	t.Cleanup(func() {
		if !stopped {
			c.Stop(context.Background())
		}
	})
	execSQL(t, c.URL("postgres"), `CREATE TABLE kept (n int); INSERT INTO kept VALUES (42)`)
	if err := c.Stop(ctx); err != nil {
		t.Fatal(err)
	}

	again, err := Start(ctx, dir, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer again.Stop(context.Background())
	stopped = true
	if again.URL("x") != c.URL("x") {
		t.Errorf("port changed across restarts: %s then %s", c.URL("x"), again.URL("x"))
	}
	conn, err := pgx.Connect(ctx, again.URL("postgres"))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	var n int
	if err := conn.QueryRow(ctx, `SELECT n FROM kept`).Scan(&n); err != nil || n != 42 {
		t.Fatalf("data after restart: %d, %v", n, err)
	}
	// A second Start on a running cluster reuses it.
	if _, err := Start(ctx, dir, 0); err != nil {
		t.Errorf("start on a running cluster: %v", err)
	}
}

func execSQL(t *testing.T, url, sql string) {
	t.Helper()
	conn, err := pgx.Connect(context.Background(), url)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(context.Background())
	if _, err := conn.Exec(context.Background(), sql); err != nil {
		t.Fatal(err)
	}
}
