package bench

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/lsip/scrutiny/devstack/freeport"
)

// A child is a process of the scrutiny binary that the suite measures on
// its own: its time, and its peak resident memory, which an in-process
// figure would blur with the suite's own data. The peak is the kernel's
// high-water mark of the child's own memory (VmHWM), read from /proc as it
// runs: rusage's maxrss will not do, because Linux carries it across exec
// from the memory the child was forked with, the suite's own.
type child struct {
	cmd  *exec.Cmd
	out  bytes.Buffer
	peak chan int64 // the last high-water mark read, once the child ends
	done chan struct{}
}

// startChild starts the binary with args, its environment being the
// suite's with env's variables set over it.
func startChild(binary string, env []string, args ...string) (*child, error) {
	c := &child{cmd: exec.Command(binary, args...)}
	c.cmd.Env = append(os.Environ(), env...)
	c.cmd.Stdout, c.cmd.Stderr = &c.out, &c.out
	if err := c.cmd.Start(); err != nil {
		return nil, err
	}
	c.peak, c.done = make(chan int64, 1), make(chan struct{})
	go c.watchPeak()
	return c, nil
}

// watchPeak reads the child's high-water mark every few milliseconds until
// it ends, so that the last reading is taken close to its end.
func (c *child) watchPeak() {
	var peak int64
	t := time.NewTicker(5 * time.Millisecond)
	defer t.Stop()
	for {
		if v, err := c.status("VmHWM:"); err == nil {
			peak = max(peak, v)
		}
		select {
		case <-c.done:
			c.peak <- peak
			return
		case <-t.C:
		}
	}
}

// wait waits for the child to end and returns its peak RSS in bytes.
func (c *child) wait() (int64, error) {
	err := c.cmd.Wait()
	close(c.done)
	rss := <-c.peak
	if err != nil {
		return rss, fmt.Errorf("%s %s: %w: %s", c.cmd.Path, strings.Join(c.cmd.Args[1:], " "), err, tail(c.out.String()))
	}
	return rss, nil
}

// stop asks the child to stop, as an operator's Ctrl-C does, and waits.
func (c *child) stop() (int64, error) {
	c.cmd.Process.Signal(syscall.SIGTERM)
	timer := time.AfterFunc(time.Minute, func() { c.cmd.Process.Kill() })
	defer timer.Stop()
	return c.wait()
}

// rss is the child's resident memory now.
func (c *child) rss() (int64, error) { return c.status("VmRSS:") }

// status reads one memory figure (VmRSS:, VmHWM:) of the child from
// /proc, in bytes.
func (c *child) status(field string) (int64, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", c.cmd.Process.Pid))
	if err != nil {
		return 0, err
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, field); ok {
			kb, err := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
			return kb * 1024, err
		}
	}
	return 0, fmt.Errorf("no %s in /proc status", field)
}

// runChild runs the binary to its end, returning how long it took and its
// peak RSS.
func runChild(binary string, env []string, args ...string) (time.Duration, int64, error) {
	began := time.Now()
	c, err := startChild(binary, env, args...)
	if err != nil {
		return 0, 0, err
	}
	rss, err := c.wait()
	return time.Since(began), rss, err
}

// awaitOK polls url until it answers 200, the child ends, or ctx ends.
func (c *child) awaitOK(ctx context.Context, url string, within time.Duration) error {
	ctx, cancel := context.WithTimeout(ctx, within)
	defer cancel()
	for {
		req, _ := http.NewRequestWithContext(ctx, "GET", url, nil)
		if resp, err := http.DefaultClient.Do(req); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
		}
		if c.cmd.ProcessState != nil {
			return fmt.Errorf("the process ended: %s", tail(c.out.String()))
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("%s did not answer 200 within %s: %s", url, within, tail(c.out.String()))
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// tail is the end of a child's output, for an error message.
func tail(s string) string {
	s = strings.TrimSpace(s)
	if len(s) > 600 {
		s = "…" + s[len(s)-600:]
	}
	return s
}

// serverEnv is the environment of a `scrutiny server` child on the
// database: fresh random keys (the server checks they are not
// placeholders), its own listen and metrics addresses, and a Temporal
// address nothing answers on (the server dials Temporal lazily, and the
// requests measured need none).
func serverEnv(databaseURL string) (env []string, base string, err error) {
	addr, err := freeport.Address()
	if err != nil {
		return nil, "", err
	}
	metrics, err := freeport.Address()
	if err != nil {
		return nil, "", err
	}
	return []string{"DATABASE_URL=" + databaseURL, "MIGRATE_DATABASE_URL=", "HTTP_ADDR=" + addr, "PUBLIC_URL=http://" + addr,
		"METRICS_ADDR=" + metrics, "TEMPORAL_ADDRESS=127.0.0.1:1", "LOG_LEVEL=warn",
		"LINK_SIGNING_KEY=" + randomKey(48), "PAYLOAD_KEYS=bench:" + randomKey(32)}, "http://" + addr, nil
}

// randomKey is n random bytes in base64.
func randomKey(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return base64.StdEncoding.EncodeToString(b)
}

// mb shows bytes in megabytes, or kilobytes below one megabyte.
func mb(n int64) string {
	if n < 1<<20 {
		return fmt.Sprintf("%d kB", n>>10)
	}
	return fmt.Sprintf("%.0f MB", float64(n)/(1<<20))
}
