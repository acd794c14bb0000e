//go:build !production

package main

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"os"
	"regexp"
	"sync/atomic"
	"time"

	"github.com/lsip/scrutiny/bench"
	"github.com/lsip/scrutiny/config"
	"github.com/lsip/scrutiny/store"
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

// benchStacks brings up the suite's stacks, each as `scrutiny load` does
// (startEmbedded) on a fresh database of its own, dropped when the stack
// stops unless kept.
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
			if err := store.DropRunDatabase(ctx, admin, name); err != nil {
				logger.Error("drop the bench database", "error", err)
			}
		})
	}
	cfg.TaskQueue = fmt.Sprintf("scrutiny-bench-%d", n)
	s, stopStack, err := startEmbedded(ctx, cfg, dir, dbURL, b.conns)
	if err != nil {
		return s, nil, err
	}
	stops = append(stops, stopStack)
	if n == 1 {
		b.machine = bench.DescribeMachine(ctx, s.Store)
	}
	logger.Info("bench stack up", "database", name, "api", s.BaseURL)
	return s, stop, nil
}
