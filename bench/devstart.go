package bench

import (
	"context"
	"fmt"
	"net"
	"os"
	"time"

	"github.com/lsip/scrutiny/devstack/freeport"
)

const (
	rowDevReady = "dev: `scrutiny dev` from start to /readyz on a warm data folder"
	rowDevIdle  = "dev: `scrutiny dev` idle RSS"
)

// devIdle is how long dev idles before its memory is read.
const devIdle = 5 * time.Second

// runDev starts `scrutiny dev` as a process of its own on a data folder of
// its own, once to warm the folder (Temporal's SQLite file, migrations)
// and then again, timed, to /readyz, and reads its resident memory after
// it has idled. It uses the dataset's database (dev loads no demo data
// into a database it did not make) with its own addresses and ports.
func runDev(ctx context.Context, e *env) ([]Row, error) {
	stack, err := e.dataset(ctx)
	if err != nil {
		return nil, err
	}
	if e.o.Binary == "" {
		return []Row{notRun(rowDevReady), notRun(rowDevIdle)}, nil
	}
	dir, err := os.MkdirTemp("", "scrutiny-bench-dev-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	var addrs [5]string
	for i := range addrs {
		if addrs[i], err = freeport.Address(); err != nil {
			return nil, err
		}
	}
	httpAddr, mailHTTP, smtpAddr, temporalAddr, metrics := addrs[0], addrs[1], addrs[2], addrs[3], addrs[4]
	_, smtpPort, _ := net.SplitHostPort(smtpAddr)
	env := []string{"SCRUTINY_DATA_DIR=" + dir, "DATABASE_URL=" + stack.DatabaseURL, "MIGRATE_DATABASE_URL=", "TEMPORAL_ADDRESS=" + temporalAddr,
		"SMTP_HOST=127.0.0.1", "SMTP_PORT=" + smtpPort, "METRICS_ADDR=" + metrics, "DIGEST_ENABLED=false", "RETENTION_ENABLED=false", "LOG_LEVEL=warn",
		"LINK_SIGNING_KEY=", "PAYLOAD_KEYS="}
	args := []string{"dev", "-http", httpAddr, "-mail-http", mailHTTP, "-no-demo"}
	var idle int64
	var took []time.Duration
	for run := range e.childRuns() + 1 {
		began := time.Now()
		c, err := startChild(e.o.Binary, env, args...)
		if err != nil {
			return nil, err
		}
		if err := c.awaitOK(ctx, "http://"+httpAddr+"/readyz", 3*time.Minute); err != nil {
			c.stop()
			return nil, err
		}
		took = append(took, time.Since(began))
		if run == e.childRuns() {
			time.Sleep(devIdle)
			if idle, err = c.rss(); err != nil {
				c.stop()
				return nil, err
			}
		}
		if _, err := c.stop(); err != nil {
			return nil, err
		}
	}
	// The first run warms the folder and is not counted.
	ready := timed(rowDevReady, took[1:], 15*time.Second)
	ready.Note = fmt.Sprintf("the first start, on an empty folder, took %s", ms(took[0]))
	rss := Row{Name: rowDevIdle, Value: mb(idle), Budget: "< 400 MB", Status: verdict(idle > 0 && idle < 400<<20),
		Note: fmt.Sprintf("VmRSS after %s idle on a warm folder", devIdle)}
	return []Row{ready, rss}, nil
}
