//go:build !production

package main

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/lsip/scrutiny/config"
	"github.com/lsip/scrutiny/devstack/pgcluster"
	"github.com/lsip/scrutiny/loadrun"
	"github.com/lsip/scrutiny/store"
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
	fs := newFlags("load", "load [-cycles N] [-concurrency N] [-timeout D] [-keep]",
		"DATABASE_URL         the PostgreSQL server to make the run's fresh database on (default: the local server, else a throwaway cluster)")
	var o loadrun.Options
	fs.IntVar(&o.Cycles, "cycles", 200, "cycles run at once, each with 12 members and 10 cases")
	fs.IntVar(&o.Concurrency, "concurrency", 64, "members submitting reviews at the same moment")
	conns := fs.Int("db-conns", 16, "PostgreSQL connections the stack's pool may open")
	keep := fs.Bool("keep", false, "keep the run's database for inspection instead of dropping it")
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

	dbURL, dropDB, err := loadDatabase(ctx, cfg, dir, *keep)
	if err != nil {
		return err
	}
	stops = append(stops, dropDB)
	stack, stopStack, err := startEmbedded(ctx, cfg, dir, dbURL, *conns)
	if err != nil {
		return err
	}
	stops = append(stops, stopStack)

	logger.Info("load run starting", "cycles", o.Cycles, "concurrency", o.Concurrency)
	rep, err := loadrun.Run(ctx, loadrun.Stack{Store: stack.Store, Temporal: stack.Temporal, BaseURL: stack.BaseURL, Mail: stack.Mail}, o)
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

// loadDatabase makes the run's fresh database: on DATABASE_URL's server
// if set, else on the local server if it answers, else in a throwaway
// cluster under dir. The function it returns drops the database (unless
// keep) or stops the throwaway cluster.
func loadDatabase(ctx context.Context, cfg config.Config, dir string, keep bool) (string, func(), error) {
	name := fmt.Sprintf("scrutiny_load_%s_%d", time.Now().UTC().Format("20060102_150405"), os.Getpid())
	admin := cmp.Or(cfg.DatabaseURL, localPostgres)
	url, err := ensureFresh(ctx, admin, name)
	if err == nil || cfg.DatabaseURL != "" {
		drop := func() {
			if keep {
				logger.Info("load run database kept for inspection; drop it when done", "database", redactURL(url))
				return
			}
			ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
			defer cancel()
			if err := store.DropRunDatabase(ctx, admin, name); err != nil {
				logger.Error("drop the load run's database", "database", name, "error", err)
			}
		}
		return url, drop, err
	}
	logger.Info("no PostgreSQL on 127.0.0.1:5432; starting a throwaway cluster")
	cluster, err := pgcluster.Start(ctx, filepath.Join(dir, "postgres"), 0)
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
