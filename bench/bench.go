// Package bench is the performance suite behind `scrutiny bench` (issue
// 13): it builds a national-scale dataset on the real PostgreSQL, runs each
// scenario several times through the project's real code paths (the
// cycle's selection activity, pack.Build, the mailer, package loadrun), and
// reports each figure beside its budget and, where the issue names one, a
// naive baseline measured in the same run. Budgets are checked here, never
// in timed unit tests; the package's test runs the small scale and checks
// only that every row is there and the reproducibility checks hold.
package bench

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"time"

	"go.temporal.io/sdk/client"

	"github.com/lsip/scrutiny/devstack/mailcatcher"
	"github.com/lsip/scrutiny/links"
	"github.com/lsip/scrutiny/mailer"
	"github.com/lsip/scrutiny/store"
)

// Stack is a running scrutiny on an empty database of its own: its store,
// a Temporal client on the namespace its worker polls, the HTTP server's
// base URL, the SMTP server its worker sends to, a sender to that server
// and the link signer the worker uses.
type Stack struct {
	Store    *store.Store
	Temporal client.Client
	BaseURL  string
	Mail     *mailcatcher.Catcher
	Mailer   *mailer.Sender
	Links    *links.Signer
	// DatabaseURL reaches the stack's database from another process.
	DatabaseURL string
}

// Scale is the size of the data the suite builds.
type Scale struct {
	Name string
	// Cases is the closed-case pool, Actions the action log, ImportRows
	// the rows of the imported file, Cycles the cycles run at once in the
	// concurrent end-to-end scenario.
	Cases, Actions, ImportRows, Cycles int
	// Load is how long each API load lasts.
	Load time.Duration
}

// The scales: the national figures, and a small one that checks
// the suite completes in a minute or two.
var (
	National = Scale{Name: "national", Cases: 1_000_000, Actions: 100_000, ImportRows: 20_000, Cycles: 200, Load: 10 * time.Second}
	Small    = Scale{Name: "small", Cases: 20_000, Actions: 2_000, ImportRows: 1_000, Cycles: 2, Load: 2 * time.Second}
)

// ScaleByName finds a scale by its name.
func ScaleByName(name string) (Scale, error) {
	for _, s := range []Scale{National, Small} {
		if s.Name == name {
			return s, nil
		}
	}
	return Scale{}, fmt.Errorf("unknown scale %q (national or small)", name)
}

// Options shape a run.
type Options struct {
	// NewStack brings up a fresh stack on an empty database; stop tears
	// it down. The dataset scenarios share one; each end-to-end run of
	// package loadrun, which needs a database without panels, gets its
	// own.
	NewStack func(ctx context.Context) (s Stack, stop func(), err error)
	Scale    Scale
	// Runs is how many times each timed scenario runs (default 10).
	Runs int
	// Binary is the scrutiny executable that the scenarios measuring a
	// process of their own (the import, the export, the load generator,
	// dev) run; without one they are reported as not run.
	Binary string
	// Only, if set, picks the scenarios whose key it matches.
	Only *regexp.Regexp
	// Progress, if set, is told what the suite is doing.
	Progress func(format string, args ...any)
}

// scenario is one group of measurements: its key (what -only matches),
// the rows it reports, and how to measure them on the shared dataset.
type scenario struct {
	key  string
	rows []string
	run  func(ctx context.Context, e *env) ([]Row, error)
}

// scenarios lists the suite in the order it runs: those sharing the
// dataset's stack, then the end-to-end cycle runs, each on a stack of its
// own.
func scenarios() []scenario {
	return []scenario{
		{"selection", []string{rowLocalDraw, rowNationalDraw, rowNationalRatio, rowReproducible}, runSelection},
		{"packs", []string{rowOnePack, rowPanelPacks}, runPacks},
		{"io", []string{rowImport, rowExport, rowReport}, runImportExport},
		{"api", []string{rowAPIActions, rowAPIBoard, rowAPIReview}, runAPI},
		{"plans", []string{rowPlans}, runPlans},
		{"dev", []string{rowDevReady, rowDevIdle}, runDev},
		{"cycle", []string{rowOneCycle, rowManyCycles, rowHistory}, runCycles},
	}
}

// RowNames lists every row a full run reports, in order.
func RowNames() []string {
	var out []string
	for _, s := range scenarios() {
		out = append(out, s.rows...)
	}
	return out
}

// Run builds the data and runs the chosen scenarios. A scenario that
// fails reports its rows as failed and the suite goes on; the error is
// only for a suite that could not start.
func Run(ctx context.Context, o Options) (*Report, error) {
	if o.Runs <= 0 {
		o.Runs = 10
	}
	if o.Progress == nil {
		o.Progress = func(string, ...any) {}
	}
	if o.NewStack == nil {
		return nil, errors.New("bench: no way to bring up a stack")
	}
	e := &env{o: o}
	defer e.close()
	rep := &Report{Scale: o.Scale, Runs: o.Runs, Started: time.Now()}
	for _, sc := range scenarios() {
		if o.Only != nil && !o.Only.MatchString(sc.key) {
			continue
		}
		o.Progress("scenario %s", sc.key)
		rows, err := sc.run(ctx, e)
		rep.Rows = append(rep.Rows, complete(sc, rows, err)...)
		if ctx.Err() != nil {
			rep.Plans = e.plans
			return rep, ctx.Err()
		}
	}
	rep.Took = time.Since(rep.Started)
	rep.Plans = e.plans
	return rep, nil
}

// complete puts a scenario's rows in its declared order, marking any it did
// not measure as failed with the scenario's error.
func complete(sc scenario, rows []Row, err error) []Row {
	out := make([]Row, 0, len(sc.rows))
	for _, name := range sc.rows {
		i := slices.IndexFunc(rows, func(r Row) bool { return r.Name == name })
		if i >= 0 {
			out = append(out, rows[i])
			continue
		}
		note := "not measured"
		if err != nil {
			note = err.Error()
		}
		out = append(out, Row{Name: name, Status: Failed, Note: note})
	}
	return out
}

// samples runs fn n times and returns how long each run took; prepare,
// if set, runs untimed before each.
func samples(ctx context.Context, n int, prepare func(i int) error, fn func(i int) error) ([]time.Duration, error) {
	out := make([]time.Duration, 0, n)
	for i := range n {
		if err := ctx.Err(); err != nil {
			return out, err
		}
		if prepare != nil {
			if err := prepare(i); err != nil {
				return out, err
			}
		}
		began := time.Now()
		if err := fn(i); err != nil {
			return out, err
		}
		out = append(out, time.Since(began))
	}
	return out, nil
}

// percentile is the p-th percentile of ds (nearest rank), zero for none.
func percentile(ds []time.Duration, p int) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	s := slices.Clone(ds)
	slices.Sort(s)
	i := (len(s)*p + 99) / 100
	return s[max(0, i-1)]
}
