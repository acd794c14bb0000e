package pgcluster

import (
	"context"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/lsip/scrutiny/devstack/freeport"
)

func TestClusterKeepsDataAcrossRestarts(t *testing.T) {
	if _, err := findBinaries(); err != nil {
		t.Skipf("no PostgreSQL to test with: %v", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	// Under root, the test's private temporary folder is also what Start
	// must make passable for the postgres user.
	dir := t.TempDir()

	c, err := Start(ctx, dir, 0)
	if err != nil {
		t.Fatal(err)
	}
	// Whatever happens, leave no server running. (Cleanups run last
	// first, so this runs before the folder is removed.)
	t.Cleanup(func() {
		if running, _ := c.running(context.Background()); running {
			if err := c.Stop(context.Background()); err != nil {
				t.Error(err)
			}
		}
	})
	conn := connect(t, ctx, c.URL("postgres"))
	var one int
	if err := conn.QueryRow(ctx, `SELECT 1`).Scan(&one); err != nil || one != 1 {
		t.Fatalf("SELECT 1: %d, %v", one, err)
	}
	if _, err := conn.Exec(ctx, `CREATE TABLE kept (n int); INSERT INTO kept VALUES (42)`); err != nil {
		t.Fatal(err)
	}
	conn.Close(ctx)
	if err := c.Stop(ctx); err != nil {
		t.Fatal(err)
	}

	t.Run("restart keeps the port and the data", func(t *testing.T) {
		again, err := Start(ctx, dir, 0)
		if err != nil {
			t.Fatal(err)
		}
		if again.URL("x") != c.URL("x") {
			t.Errorf("port changed across restarts: %s, then %s", c.URL("x"), again.URL("x"))
		}
		checkKept(t, ctx, again.URL("postgres"))
	})

	t.Run("a server left running is reused", func(t *testing.T) {
		before := connect(t, ctx, c.URL("postgres"))
		// As after dev was killed: the server is running, and a new dev
		// starts the cluster again.
		again, err := Start(ctx, dir, 0)
		if err != nil {
			t.Fatal(err)
		}
		if err := before.Ping(ctx); err != nil {
			t.Errorf("a connection made before the second Start was broken, so the server was restarted: %v", err)
		}
		checkKept(t, ctx, again.URL("postgres"))
	})

	t.Run("a server running on another port is restarted on the one asked for", func(t *testing.T) {
		port := freePort(t)
		moved, err := Start(ctx, dir, port)
		if err != nil {
			t.Fatal(err)
		}
		if moved.port != port {
			t.Errorf("asked for port %d, got %s", port, moved.URL("postgres"))
		}
		checkKept(t, ctx, moved.URL("postgres"))
	})

	t.Run("a postmaster.pid left by a crash is ignored", func(t *testing.T) {
		pidFile := filepath.Join(dir, "postmaster.pid")
		lock, err := os.ReadFile(pidFile)
		if err != nil {
			t.Fatal(err)
		}
		if err := c.Stop(ctx); err != nil {
			t.Fatal(err)
		}
		// Put the lock file back, naming a process that has since died.
		// (Not the server's own: the stopped server lingers as a zombie
		// until init reaps it, which some containers' inits are slow to
		// do.)
		dead := exec.Command("true")
		if err := dead.Run(); err != nil {
			t.Fatal(err)
		}
		_, rest, _ := strings.Cut(string(lock), "\n")
		lock = []byte(strconv.Itoa(dead.Process.Pid) + "\n" + rest)
		if err := os.WriteFile(pidFile, lock, 0o600); err != nil {
			t.Fatal(err)
		}
		again, err := Start(ctx, dir, 0)
		if err != nil {
			t.Fatal(err)
		}
		checkKept(t, ctx, again.URL("postgres"))
	})

	t.Run("a failed start says why", func(t *testing.T) {
		if err := c.Stop(ctx); err != nil {
			t.Fatal(err)
		}
		taken, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		defer taken.Close()
		_, err = Start(ctx, dir, taken.Addr().(*net.TCPAddr).Port)
		if err == nil || !strings.Contains(err.Error(), "server.log") || !strings.Contains(err.Error(), "could not bind") {
			t.Errorf("Start on a port in use: %v; want an error quoting the server log", err)
		}
	})
}

// connect opens a connection for the rest of the test.
func connect(t *testing.T, ctx context.Context, url string) *pgx.Conn {
	t.Helper()
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close(context.Background()) })
	return conn
}

// checkKept fails the test unless the row written at the start is there.
func checkKept(t *testing.T, ctx context.Context, url string) {
	t.Helper()
	var n int
	if err := connect(t, ctx, url).QueryRow(ctx, `SELECT n FROM kept`).Scan(&n); err != nil || n != 42 {
		t.Errorf("the row written before the restart: %d, %v", n, err)
	}
}

// freePort is a port the cluster can be moved to, picked as Start picks
// one (devstack/freeport).
func freePort(t *testing.T) int {
	t.Helper()
	port, err := freeport.Port("127.0.0.1")
	if err != nil {
		t.Fatal(err)
	}
	return port
}
