// Package pgcluster starts a PostgreSQL cluster from the system's binaries
// (initdb and pg_ctl) in a folder of its own. The dev command uses it when
// DATABASE_URL is unset and nothing answers on 127.0.0.1:5432. The cluster
// is throwaway in that deleting the folder discards it, but it persists
// across restarts of dev.
package pgcluster

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"

	"github.com/lsip/scrutiny/devstack/freeport"
)

// portFile, in the data folder, records the port the cluster was first
// given, so that it keeps it across restarts.
const portFile = "scrutiny-port"

// Cluster is a running PostgreSQL server.
type Cluster struct {
	dir  string
	port int
	bin  string              // folder holding initdb and pg_ctl
	cred *syscall.Credential // whom to run them as; nil for the current user
}

// Start initialises dir if it holds no cluster yet and starts the server,
// listening on 127.0.0.1:port only. Port 0 means the port used last time,
// else a free one; either way the port is recorded in dir. A server already
// running on dir and port, say after dev was killed, is reused; one running
// on another port is restarted. Run as root, Start runs PostgreSQL as the
// postgres user, which then owns dir.
func Start(ctx context.Context, dir string, port int) (*Cluster, error) {
	bin, err := findBinaries()
	if err != nil {
		return nil, err
	}
	if dir, err = filepath.Abs(dir); err != nil {
		return nil, fmt.Errorf("pgcluster: %w", err)
	}
	c := &Cluster{dir: dir, bin: bin}
	if os.Geteuid() == 0 {
		// initdb, pg_ctl and postgres all refuse to run as root.
		if c.cred, err = postgresUser(); err != nil {
			return nil, err
		}
		if err := traversable(filepath.Dir(dir)); err != nil {
			return nil, err
		}
	}
	if err := c.prepareDir(); err != nil {
		return nil, fmt.Errorf("pgcluster: %w", err)
	}
	if _, err := os.Stat(filepath.Join(dir, "PG_VERSION")); errors.Is(err, os.ErrNotExist) {
		if out, err := c.run(ctx, "initdb", "-D", dir, "-U", "postgres", "-A", "trust", "-E", "UTF8", "--locale=C"); err != nil {
			return nil, fmt.Errorf("pgcluster: initdb: %w\n%s", err, out)
		}
	}
	if c.port, err = c.choosePort(port); err != nil {
		return nil, fmt.Errorf("pgcluster: %w", err)
	}

	if running, runningPort := c.running(ctx); running {
		if runningPort == c.port {
			return c, nil
		}
		if err := c.Stop(ctx); err != nil {
			return nil, err
		}
	}
	// pg_ctl hands -o to a shell, so the socket folder is quoted.
	opts := fmt.Sprintf("-p %d -k %s -c listen_addresses=127.0.0.1", c.port, shellQuote(dir))
	if out, err := c.run(ctx, "pg_ctl", "-D", dir, "-l", c.logPath(), "-w", "-o", opts, "start"); err != nil {
		return nil, fmt.Errorf("pgcluster: pg_ctl start: %w\n%s\n%s", err, out, c.logTail())
	}
	return c, nil
}

// URL is the connection URL of database dbname on the cluster, as the
// postgres superuser, which needs no password.
func (c *Cluster) URL(dbname string) string {
	return fmt.Sprintf("postgres://postgres@127.0.0.1:%d/%s?sslmode=disable", c.port, dbname)
}

// Stop shuts the server down, ending open connections, and waits until it
// has finished.
func (c *Cluster) Stop(ctx context.Context) error {
	if out, err := c.run(ctx, "pg_ctl", "-D", c.dir, "-m", "fast", "-w", "stop"); err != nil {
		return fmt.Errorf("pgcluster: pg_ctl stop: %w\n%s\n%s", err, out, c.logTail())
	}
	return nil
}

// running reports whether a server is running on the cluster and, if so,
// the port it listens on when it is ready for connections (0 otherwise).
// pg_ctl status only counts a server whose process is alive, so a
// postmaster.pid left by a crash does not count.
func (c *Cluster) running(ctx context.Context) (bool, int) {
	if _, err := c.run(ctx, "pg_ctl", "-D", c.dir, "status"); err != nil {
		return false, 0
	}
	// postmaster.pid's fourth line is the port and its eighth the state.
	data, err := os.ReadFile(filepath.Join(c.dir, "postmaster.pid"))
	if err != nil {
		return true, 0
	}
	lines := strings.Split(string(data), "\n")
	if len(lines) < 8 || strings.TrimSpace(lines[7]) != "ready" {
		return true, 0
	}
	port, _ := strconv.Atoi(strings.TrimSpace(lines[3]))
	return true, port
}

func (c *Cluster) logPath() string { return filepath.Join(c.dir, "server.log") }

// logTail is the end of the server log, which says why the server would not
// start or stop.
func (c *Cluster) logTail() string {
	const keep = 20 // lines
	data, err := os.ReadFile(c.logPath())
	if err != nil {
		return "The server log could not be read: " + err.Error()
	}
	lines := strings.Split(strings.TrimRight(string(data), "\n"), "\n")
	lines = lines[max(0, len(lines)-keep):]
	return "The end of " + c.logPath() + ":\n" + strings.Join(lines, "\n")
}

// run runs one of PostgreSQL's programs as the cluster's user and returns
// what it printed.
func (c *Cluster) run(ctx context.Context, program string, args ...string) ([]byte, error) {
	cmd := exec.CommandContext(ctx, filepath.Join(c.bin, program), args...)
	cmd.Dir = c.dir // somewhere the postgres user may be
	// Its own process group, so that Ctrl-C in dev's terminal reaches only
	// dev, which then stops the server cleanly.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Credential: c.cred}
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err := cmd.Run()
	return out.Bytes(), err
}

// prepareDir creates the data folder, private as PostgreSQL requires, and
// gives it and everything in it to the user PostgreSQL runs as.
func (c *Cluster) prepareDir() error {
	if err := os.MkdirAll(c.dir, 0o700); err != nil {
		return err
	}
	if err := os.Chmod(c.dir, 0o700); err != nil {
		return err
	}
	return c.chown(c.dir)
}

// chown gives path, and everything in it if it is a folder, to the
// cluster's user.
func (c *Cluster) chown(path string) error {
	if c.cred == nil {
		return nil
	}
	return filepath.WalkDir(path, func(p string, _ os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		return os.Lchown(p, int(c.cred.Uid), int(c.cred.Gid))
	})
}

// choosePort returns want if it is not 0, else the port recorded in the
// data folder, else a free one, and records the choice.
func (c *Cluster) choosePort(want int) (int, error) {
	record := filepath.Join(c.dir, portFile)
	if want == 0 {
		if data, err := os.ReadFile(record); err == nil {
			if p, err := strconv.Atoi(strings.TrimSpace(string(data))); err == nil {
				return p, nil
			}
		}
		var err error
		if want, err = freeport.Port("127.0.0.1"); err != nil {
			return 0, err
		}
	}
	if err := os.WriteFile(record, []byte(strconv.Itoa(want)+"\n"), 0o600); err != nil {
		return 0, err
	}
	return want, c.chown(record)
}

// findBinaries finds the folder holding initdb and pg_ctl: where pg_ctl on
// PATH leads, else the newest /usr/lib/postgresql/*/bin (Debian and Ubuntu
// keep them there, off PATH).
func findBinaries() (string, error) {
	if p, err := exec.LookPath("pg_ctl"); err == nil {
		if real, err := filepath.EvalSymlinks(p); err == nil {
			p = real
		}
		if dir := filepath.Dir(p); isFile(filepath.Join(dir, "initdb")) {
			return dir, nil
		}
	}
	dirs, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	slices.SortFunc(dirs, func(a, b string) int { return majorVersion(b) - majorVersion(a) })
	for _, dir := range dirs {
		if isFile(filepath.Join(dir, "initdb")) && isFile(filepath.Join(dir, "pg_ctl")) {
			return dir, nil
		}
	}
	return "", errors.New("pgcluster: PostgreSQL's initdb and pg_ctl were not found on PATH or in /usr/lib/postgresql: install PostgreSQL (apt-get install postgresql) or set DATABASE_URL")
}

func isFile(path string) bool {
	info, err := os.Stat(path)
	return err == nil && info.Mode().IsRegular()
}

// majorVersion is N for /usr/lib/postgresql/N/bin, and 0 if N is not a
// number.
func majorVersion(binDir string) int {
	v, _ := strconv.Atoi(filepath.Base(filepath.Dir(binDir)))
	return v
}

// postgresUser is the credential of the postgres OS user, for running
// PostgreSQL when dev runs as root.
func postgresUser() (*syscall.Credential, error) {
	u, err := user.Lookup("postgres")
	if err != nil {
		return nil, fmt.Errorf("pgcluster: running as root, and PostgreSQL will not run as root, so it must run as the postgres user, but: %w; create it (apt-get install postgresql does, or: useradd --system postgres), run dev as another user, or set DATABASE_URL", err)
	}
	uid, err := strconv.ParseUint(u.Uid, 10, 32)
	if err != nil {
		return nil, fmt.Errorf("pgcluster: the postgres user's id %q: %w", u.Uid, err)
	}
	gid, err := strconv.ParseUint(u.Gid, 10, 32)
	if err != nil {
		return nil, fmt.Errorf("pgcluster: the postgres user's group id %q: %w", u.Gid, err)
	}
	return &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid)}, nil
}

// traversable lets the postgres user pass through parent, the dev data
// folder, to the cluster inside it: it adds search (not read) permission
// there. Further up it only checks, and says what to do, because changing
// the permissions of folders dev did not make would be a surprise.
func traversable(parent string) error {
	info, err := os.Stat(parent)
	if err != nil {
		return fmt.Errorf("pgcluster: %w", err)
	}
	if info.Mode().Perm()&0o001 == 0 {
		if err := os.Chmod(parent, info.Mode().Perm()|0o011); err != nil {
			return fmt.Errorf("pgcluster: %w", err)
		}
	}
	for dir := filepath.Dir(parent); dir != filepath.Dir(dir); dir = filepath.Dir(dir) {
		info, err := os.Stat(dir)
		if err != nil {
			return fmt.Errorf("pgcluster: %w", err)
		}
		if info.Mode().Perm()&0o001 == 0 {
			return fmt.Errorf("pgcluster: the postgres user cannot reach %s because %s is private; set SCRUTINY_DATA_DIR to a folder outside it, or set DATABASE_URL", parent, dir)
		}
	}
	return nil
}

// shellQuote quotes s for a POSIX shell.
func shellQuote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
