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
	"strconv"
	"time"

	"github.com/lsip/scrutiny/config"
	"github.com/lsip/scrutiny/devstack/devtemporal"
	"github.com/lsip/scrutiny/devstack/mailcatcher"
	"github.com/lsip/scrutiny/devstack/pgcluster"
	"github.com/lsip/scrutiny/loadrun"
	"github.com/lsip/scrutiny/server"
	"github.com/lsip/scrutiny/store"
	"github.com/lsip/scrutiny/worker"
)

// runLoad brings up the embedded stack as dev does (PostgreSQL, Temporal
// in this process, a mail catcher, the worker and the HTTP server), on a
// fresh database and a fresh Temporal file, runs N cycles at once through
// the API (package loadrun), prints the report, and fails if anything is
// unaccounted for.
func runLoad(ctx context.Context, args []string) error {
	cfg, err := loadConfig()
	if err != nil {
		return err
	}
	fs := newFlags("load", "load [-cycles N] [-concurrency N] [-timeout D]",
		"DATABASE_URL         the PostgreSQL server to make the run's fresh database on (default: the local server, else a throwaway cluster)")
	var o loadrun.Options
	fs.IntVar(&o.Cycles, "cycles", 200, "cycles run at once, each with 12 members and 10 cases")
	fs.IntVar(&o.Concurrency, "concurrency", 64, "members submitting reviews at the same moment")
	conns := fs.Int("db-conns", 16, "PostgreSQL connections the stack's pool may open")
	fs.DurationVar(&o.Timeout, "timeout", 30*time.Minute, "give up after this long")
	if err := fs.Parse(args); err != nil {
		return err
	}
	o.Progress = func(format string, args ...any) { logger.Info(fmt.Sprintf(format, args...)) }

	dir, err := os.MkdirTemp("", "scrutiny-load-")
	if err != nil {
		return err
	}
	var stops []func()
	defer func() {
		for i := len(stops) - 1; i >= 0; i-- {
			stops[i]()
		}
		os.RemoveAll(dir)
	}()

	cfg.DataDir = dir
	dbURL, stopDB, err := loadDatabase(ctx, cfg)
	if err != nil {
		return err
	}
	if stopDB != nil {
		stops = append(stops, stopDB)
	}
	// The one pool serves the server and the worker, so it gets more
	// connections than pgx's default of four on a small machine.
	cfg.DatabaseURL = dbURL + "&pool_max_conns=" + strconv.Itoa(*conns)
	cfg.MigrateURL = "" // the run's own database: it migrates it itself
	st, err := openStore(ctx, cfg)
	if err != nil {
		return err
	}
	stops = append(stops, st.Close)
	logger.Info("load run database (left for inspection; drop it when done)", "database", redactURL(dbURL))

	catcher, err := mailcatcher.New(mailcatcher.Options{})
	if err != nil {
		return err
	}
	smtpAddr, err := catcher.Start("127.0.0.1:0")
	if err != nil {
		return err
	}
	stops = append(stops, func() { catcher.Close() })
	host, port, _ := net.SplitHostPort(smtpAddr)
	cfg.SMTPHost, cfg.SMTPUsername, cfg.SMTPPassword, cfg.SMTPTLS = host, "", "", "none"
	if cfg.SMTPPort, err = strconv.Atoi(port); err != nil {
		return err
	}

	temporalAddr, err := freeAddress()
	if err != nil {
		return err
	}
	cfg.TemporalAddress = temporalAddr
	ts, err := devtemporal.Start(devtemporal.Options{DatabaseFile: filepath.Join(dir, "temporal.db"), FrontendAddress: temporalAddr,
		Namespace: cfg.TemporalNamespace, LogFile: filepath.Join(dir, "temporal.log")})
	if err != nil {
		return err
	}
	stops = append(stops, func() { ts.Stop() })
	if cfg.PayloadKeys == "" {
		cfg.PayloadKeys = devPayloadKeys
	}
	tc, err := dialTemporal(ctx, cfg)
	if err != nil {
		return err
	}
	stops = append(stops, tc.Close)

	// The HTTP server, on a port of its own; members' requests reach it
	// through loopback, each with the member's own address, so loopback
	// is trusted as a proxy.
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	cfg.PublicURL = "http://" + l.Addr().String()
	cfg.TrustedProxies = []string{"127.0.0.1"}
	if cfg.LinkSigningKey == "" {
		cfg.LinkSigningKey = devSigningKey
	}
	cfg.PackDelivery = "link"
	deps, err := workerDeps(cfg, st)
	if err != nil {
		return err
	}
	w := worker.New(tc, cfg.TaskQueue, deps)
	if err := w.Start(); err != nil {
		return fmt.Errorf("start worker: %w", err)
	}
	stops = append(stops, w.Stop)
	srv := &http.Server{Handler: server.New(server.Deps{Store: st, Temporal: tc, Config: cfg, Links: deps.Links}).Handler(),
		ReadHeaderTimeout: httpLimits.ReadHeaderTimeout, ReadTimeout: httpLimits.ReadTimeout, WriteTimeout: httpLimits.WriteTimeout,
		IdleTimeout: httpLimits.IdleTimeout, MaxHeaderBytes: httpLimits.MaxHeaderBytes}
	go srv.Serve(l)
	stops = append(stops, func() { srv.Close() })

	logger.Info("load run starting", "cycles", o.Cycles, "concurrency", o.Concurrency)
	rep, err := loadrun.Run(ctx, loadrun.Stack{Store: st, Temporal: tc, BaseURL: cfg.PublicURL, Mail: catcher}, o)
	if rep != nil {
		fmt.Println()
		rep.Print(os.Stdout)
	}
	if err != nil {
		return err
	}
	if !rep.OK() {
		return errors.New("the load run left something unaccounted for")
	}
	return nil
}

// freeAddress is a loopback address with a port nothing listens on.
func freeAddress() (string, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer l.Close()
	return l.Addr().String(), nil
}

// loadDatabase makes the run's fresh database: on DATABASE_URL's server
// if set, else on the local server if it answers, else in a throwaway
// cluster under the run's folder (whose stop function is returned).
func loadDatabase(ctx context.Context, cfg config.Config) (string, func(), error) {
	name := fmt.Sprintf("scrutiny_load_%s_%d", time.Now().UTC().Format("20060102_150405"), os.Getpid())
	admin := cmp.Or(cfg.DatabaseURL, localPostgres)
	url, err := ensureFresh(ctx, admin, name)
	if err == nil || cfg.DatabaseURL != "" {
		return url, nil, err
	}
	logger.Info("no PostgreSQL on 127.0.0.1:5432; starting a throwaway cluster")
	cluster, err := pgcluster.Start(ctx, filepath.Join(cfg.DataDir, "postgres"), 0)
	if err != nil {
		return "", nil, fmt.Errorf("start PostgreSQL: %w", err)
	}
	stop := func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if err := cluster.Stop(ctx); err != nil {
			logger.Error("stop PostgreSQL", "error", err)
		}
	}
	if url, err = ensureFresh(ctx, cluster.URL("postgres"), name); err != nil {
		stop()
		return "", nil, err
	}
	return url, stop, nil
}

// ensureFresh creates the database name on the server at adminURL, giving
// up after five seconds so that a server that does not answer is soon
// replaced by a throwaway one.
func ensureFresh(ctx context.Context, adminURL, name string) (string, error) {
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	return store.EnsureDatabase(ctx, adminURL, name)
}
