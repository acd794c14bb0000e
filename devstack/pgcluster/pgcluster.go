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
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"syscall"
)

// Cluster is a running PostgreSQL server.
type Cluster struct {
	dir  string
	port int
	bin  string
	cred *syscall.Credential
}

// Start initialises dir if it is empty and starts the server on port
// (0 picks a free one, remembered in dir so the port is stable across
// restarts). A server left running on dir by a killed dev process is
// reused.
func Start(ctx context.Context, dir string, port int) (*Cluster, error) {
	bin, err := findBinaries()
	if err != nil {
		return nil, err
	}
	dir, err = filepath.Abs(dir)
	if err != nil {
		return nil, err
	}
	c := &Cluster{dir: dir, bin: bin}
	if os.Geteuid() == 0 {
		// initdb and postgres refuse to run as root.
		if c.cred, err = postgresUser(); err != nil {
			return nil, err
		}
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, err
	}
	if c.cred != nil {
		if err := traversable(filepath.Dir(dir)); err != nil {
			return nil, err
		}
	}
	if err := c.chown(); err != nil {
		return nil, err
	}
	if _, err := os.Stat(filepath.Join(dir, "PG_VERSION")); errors.Is(err, os.ErrNotExist) {
		if out, err := c.run(ctx, "initdb", "-D", dir, "-U", "postgres", "-A", "trust", "-E", "UTF8", "--locale=C"); err != nil {
			return nil, fmt.Errorf("initdb: %w\n%s", err, out)
		}
	}
	if c.port, err = c.choosePort(port); err != nil {
		return nil, err
	}
	if _, err := c.run(ctx, "pg_ctl", "-D", dir, "status"); err == nil {
		return c, nil // already running, for example after a SIGKILLed dev
	}
	opts := fmt.Sprintf("-p %d -k %s -c listen_addresses=127.0.0.1", c.port, dir)
	if out, err := c.run(ctx, "pg_ctl", "-D", dir, "-l", c.logPath(), "-w", "-o", opts, "start"); err != nil {
		return nil, fmt.Errorf("pg_ctl start: %w\n%s\nserver log:\n%s", err, out, c.logTail())
	}
	return c, nil
}

// URL is the connection URL of database dbname on the cluster.
func (c *Cluster) URL(dbname string) string {
	return fmt.Sprintf("postgres://postgres@127.0.0.1:%d/%s?sslmode=disable", c.port, dbname)
}

// Stop shuts the server down, waiting for it to finish.
func (c *Cluster) Stop(ctx context.Context) error {
	if out, err := c.run(ctx, "pg_ctl", "-D", c.dir, "-m", "fast", "-w", "stop"); err != nil {
		return fmt.Errorf("pg_ctl stop: %w\n%s", err, out)
	}
	return nil
}

func (c *Cluster) logPath() string { return filepath.Join(c.dir, "server.log") }

// logTail is the end of the server log, which says why a start failed.
func (c *Cluster) logTail() string {
	data, _ := os.ReadFile(c.logPath())
	if len(data) > 2000 {
		data = data[len(data)-2000:]
	}
	return string(data)
}

func (c *Cluster) run(ctx context.Context, name string, args ...string) ([]byte, error) {
	cmd := exec.CommandContext(ctx, filepath.Join(c.bin, name), args...)
	cmd.Dir = c.dir
	// Its own process group, so Ctrl-C reaches dev (which stops the server
	// cleanly) rather than the server directly.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Credential: c.cred}
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err := cmd.Run()
	return out.Bytes(), err
}

// choosePort returns the port recorded in dir, else want, else a free one,
// and records it.
func (c *Cluster) choosePort(want int) (int, error) {
	record := filepath.Join(c.dir, "scrutiny-port")
	if data, err := os.ReadFile(record); err == nil {
		if p, err := strconv.Atoi(strings.TrimSpace(string(data))); err == nil {
			return p, nil
		}
	}
	if want == 0 {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return 0, err
		}
		want = l.Addr().(*net.TCPAddr).Port
		l.Close()
	}
	if err := os.WriteFile(record, []byte(strconv.Itoa(want)), 0o600); err != nil {
		return 0, err
	}
	return want, c.chown()
}

func (c *Cluster) chown() error {
	if c.cred == nil {
		return nil
	}
	return filepath.Walk(c.dir, func(path string, _ os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		return os.Lchown(path, int(c.cred.Uid), int(c.cred.Gid))
	})
}

// findBinaries finds the folder holding initdb and pg_ctl: PATH first,
// then the newest /usr/lib/postgresql/*/bin (Debian keeps them there).
func findBinaries() (string, error) {
	if p, err := exec.LookPath("pg_ctl"); err == nil {
		if real, err := filepath.EvalSymlinks(p); err == nil {
			p = real
		}
		dir := filepath.Dir(p)
		if _, err := os.Stat(filepath.Join(dir, "initdb")); err == nil {
			return dir, nil
		}
	}
	dirs, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	sort.Slice(dirs, func(i, j int) bool { return versionOf(dirs[i]) > versionOf(dirs[j]) })
	for _, d := range dirs {
		if _, err := os.Stat(filepath.Join(d, "initdb")); err == nil {
			return d, nil
		}
	}
	return "", errors.New("PostgreSQL's initdb and pg_ctl were not found: install PostgreSQL (apt-get install postgresql) or set DATABASE_URL")
}

// traversable lets the postgres user pass through parent, the dev data
// folder, to the cluster inside it: it adds search (not read) permission
// for others there. Further up, it only checks, and says what to do.
func traversable(parent string) error {
	info, err := os.Stat(parent)
	if err != nil {
		return err
	}
	if info.Mode().Perm()&0o001 == 0 {
		if err := os.Chmod(parent, info.Mode().Perm()|0o011); err != nil {
			return err
		}
	}
	for dir := filepath.Dir(parent); dir != filepath.Dir(dir); dir = filepath.Dir(dir) {
		info, err := os.Stat(dir)
		if err != nil {
			return err
		}
		if info.Mode().Perm()&0o001 == 0 {
			return fmt.Errorf("the postgres user cannot reach %s because %s is private; set SCRUTINY_DATA_DIR to a folder outside it, or set DATABASE_URL", parent, dir)
		}
	}
	return nil
}

func versionOf(binDir string) int {
	v, _ := strconv.Atoi(filepath.Base(filepath.Dir(binDir)))
	return v
}

func postgresUser() (*syscall.Credential, error) {
	u, err := user.Lookup("postgres")
	if err != nil {
		return nil, errors.New("running as root, and PostgreSQL will not run as root: create a 'postgres' user (apt-get install postgresql does) or run scrutiny dev as another user")
	}
	uid, _ := strconv.Atoi(u.Uid)
	gid, _ := strconv.Atoi(u.Gid)
	return &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid)}, nil
}
