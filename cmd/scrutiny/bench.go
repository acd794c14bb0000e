//go:build !production

package main

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"sync/atomic"
	"time"

	"github.com/lsip/scrutiny/bench"
	"github.com/lsip/scrutiny/config"
	"github.com/lsip/scrutiny/devstack/devtemporal"
	"github.com/lsip/scrutiny/devstack/mailcatcher"
	"github.com/lsip/scrutiny/server"
	"github.com/lsip/scrutiny/store"
	"github.com/lsip/scrutiny/worker"
)

// runBench runs the performance suite (package bench) on stacks it brings
// up itself, prints the table, writes it into BENCHMARKS.md between its
// markers, and fails if a budget was missed.
func runBench(ctx context.Context, args []string) error {
	if len(args) > 0 && args[0] == "load" {
		// The suite's load generator, run by the suite in a process of
		// its own.
		return bench.LoadMain(ctx, args[1:], os.Stdout)
	}
	cfg, err := loadConfig()
	if err != nil {
		return err
	}
	fs := newFlags("bench", "bench [-scale national|small] [-runs N] [-only REGEX] [-out FILE]",
		"DATABASE_URL         the PostgreSQL server to make the run's fresh databases on (default: the local server)")
	scale := fs.String("scale", bench.National.Name, "data size: national (1,000,000 cases, 200 cycles) or small (a quick check)")
	runs := fs.Int("runs", 10, "times each timed scenario runs")
	only := fs.String("only", "", "run only the scenarios whose key (selection, packs, io, api, plans, dev, cycle) matches this regular expression")
	out := fs.String("out", "BENCHMARKS.md", "the file whose generated section receives the table (empty: none)")
	keep := fs.Bool("keep", false, "keep the run's databases for inspection instead of dropping them")
	conns := fs.Int("db-conns", 16, "PostgreSQL connections each stack's pool may open")
	if err := fs.Parse(args); err != nil {
		return err
	}
	binary, err := os.Executable()
	if err != nil {
		return err
	}
	o := bench.Options{Runs: *runs, Binary: binary, Progress: func(format string, args ...any) { logger.Info(fmt.Sprintf(format, args...)) }}
	if o.Scale, err = bench.ScaleByName(*scale); err != nil {
		return fmt.Errorf("%w: -scale: %v", errUsage, err)
	}
	if *only != "" {
		if o.Only, err = regexp.Compile(*only); err != nil {
			return fmt.Errorf("%w: -only: %v", errUsage, err)
		}
	}
	stacks := benchStacks{cfg: cfg, conns: *conns, keep: *keep}
	o.NewStack = stacks.start
	rep, err := bench.Run(ctx, o)
	if rep == nil {
		return err
	}
	fmt.Println()
	rep.WriteTable(os.Stdout)
	if *out != "" && err == nil {
		if werr := writeBenchmarks(*out, rep, stacks.machine); werr != nil {
			return werr
		}
		logger.Info("table written", "file", *out)
	}
	if err != nil {
		return err
	}
	if !rep.OK() {
		return errors.New("a budget was missed or a scenario failed (see the table)")
	}
	return nil
}

// benchNote is the table's standing caveat.
const benchNote = "A load average above the cores means other work shared the machine, and the figures are pessimistic. " +
	"Each stack runs PostgreSQL on 127.0.0.1 and the embedded Temporal server (SQLite) in the bench's own process."

// writeBenchmarks splices the run's section into the file.
func writeBenchmarks(path string, rep *bench.Report, m bench.Machine) error {
	doc, err := os.ReadFile(path)
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return err
	}
	return os.WriteFile(path, []byte(bench.Splice(string(doc), rep.Section(m, benchNote))), 0o644)
}

// benchStacks brings up the suite's stacks, each as `scrutiny load` does:
// a fresh database, a mail catcher, the embedded Temporal server on a file
// of its own, the worker and the HTTP server, all in this process.
type benchStacks struct {
	cfg   config.Config
	conns int
	keep  bool
	n     atomic.Int64
	// machine is described from the first stack's database.
	machine bench.Machine
}

func (b *benchStacks) start(ctx context.Context) (s bench.Stack, stop func(), err error) {
	cfg := b.cfg
	n := b.n.Add(1)
	dir, err := os.MkdirTemp("", "scrutiny-bench-")
	if err != nil {
		return s, nil, err
	}
	var stops []func()
	stop = func() {
		for i := len(stops) - 1; i >= 0; i-- {
			stops[i]()
		}
		os.RemoveAll(dir)
	}
	defer func() {
		if err != nil {
			stop()
		}
	}()
	admin := cmp.Or(cfg.DatabaseURL, localPostgres)
	name := fmt.Sprintf("scrutiny_bench_%s_%d_%d", time.Now().UTC().Format("20060102_150405"), os.Getpid(), n)
	dbURL, err := ensureFresh(ctx, admin, name)
	if err != nil {
		return s, nil, fmt.Errorf("make database %s: %w", name, err)
	}
	if !b.keep {
		stops = append(stops, func() {
			ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
			defer cancel()
			if err := store.DropBenchDatabase(ctx, admin, name); err != nil {
				logger.Error("drop the bench database", "error", err)
			}
		})
	}
	cfg.DataDir = dir
	cfg.DatabaseURL = dbURL + "&pool_max_conns=" + strconv.Itoa(b.conns)
	cfg.MigrateURL = ""
	cfg.TaskQueue = fmt.Sprintf("scrutiny-bench-%d", n)
	st, err := openStore(ctx, cfg)
	if err != nil {
		return s, nil, err
	}
	stops = append(stops, st.Close)
	if n == 1 {
		b.machine = bench.DescribeMachine(ctx, st)
	}

	catcher, err := mailcatcher.New(mailcatcher.Options{})
	if err != nil {
		return s, nil, err
	}
	smtpAddr, err := catcher.Start("127.0.0.1:0")
	if err != nil {
		return s, nil, err
	}
	stops = append(stops, func() { catcher.Close() })
	host, port, _ := net.SplitHostPort(smtpAddr)
	cfg.SMTPHost, cfg.SMTPUsername, cfg.SMTPPassword, cfg.SMTPTLS = host, "", "", "none"
	if cfg.SMTPPort, err = strconv.Atoi(port); err != nil {
		return s, nil, err
	}

	if cfg.TemporalAddress, err = freeAddress(); err != nil {
		return s, nil, err
	}
	ts, err := devtemporal.Start(devtemporal.Options{DatabaseFile: filepath.Join(dir, "temporal.db"), FrontendAddress: cfg.TemporalAddress,
		Namespace: cfg.TemporalNamespace, LogFile: filepath.Join(dir, "temporal.log")})
	if err != nil {
		return s, nil, err
	}
	stops = append(stops, func() { ts.Stop() })
	cfg.PayloadKeys = cmp.Or(cfg.PayloadKeys, devPayloadKeys)
	tc, err := dialTemporal(ctx, cfg)
	if err != nil {
		return s, nil, err
	}
	stops = append(stops, tc.Close)

	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return s, nil, err
	}
	cfg.PublicURL = "http://" + l.Addr().String()
	cfg.TrustedProxies = []string{"127.0.0.1"}
	cfg.LinkSigningKey = cmp.Or(cfg.LinkSigningKey, devSigningKey)
	cfg.PackDelivery = "link"
	deps, err := workerDeps(cfg, st)
	if err != nil {
		l.Close()
		return s, nil, err
	}
	w := worker.New(tc, cfg.TaskQueue, deps)
	if err := w.Start(); err != nil {
		l.Close()
		return s, nil, fmt.Errorf("start worker: %w", err)
	}
	stops = append(stops, w.Stop)
	srv := &http.Server{Handler: server.New(server.Deps{Store: st, Temporal: tc, Config: cfg, Links: deps.Links}).Handler(),
		ReadHeaderTimeout: httpLimits.ReadHeaderTimeout, ReadTimeout: httpLimits.ReadTimeout, WriteTimeout: httpLimits.WriteTimeout,
		IdleTimeout: httpLimits.IdleTimeout, MaxHeaderBytes: httpLimits.MaxHeaderBytes}
	go srv.Serve(l)
	stops = append(stops, func() { srv.Close() })
	logger.Info("bench stack up", "database", name, "api", cfg.PublicURL)
	return bench.Stack{Store: st, Temporal: tc, BaseURL: cfg.PublicURL, Mail: catcher, Mailer: deps.Mailer, Links: deps.Links,
		DatabaseURL: dbURL}, stop, nil
}
