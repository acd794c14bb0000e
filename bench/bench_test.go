package bench_test

import (
	"bytes"
	"context"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/lsip/scrutiny/bench"
	"github.com/lsip/scrutiny/config"
	"github.com/lsip/scrutiny/links"
	"github.com/lsip/scrutiny/server"
	"github.com/lsip/scrutiny/testenv"
	"github.com/lsip/scrutiny/testenv/temporalenv"
	"github.com/lsip/scrutiny/worker"
)

// TestSmallSuiteCompletes runs the suite at the small scale on real
// PostgreSQL, Temporal and SMTP. It checks that every scenario reports its
// row, that none failed outright, and that both draws repeated from their
// seed. It never checks a time: budgets belong to `scrutiny bench`.
func TestSmallSuiteCompletes(t *testing.T) {
	if testing.Short() {
		t.Skip("the small suite brings up several stacks")
	}
	rep, err := bench.Run(context.Background(), bench.Options{NewStack: testStack(t), Scale: bench.Small, Runs: 3, Progress: t.Logf})
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	rep.WriteTable(&out)
	t.Log("\n" + out.String())
	for _, name := range bench.RowNames() {
		r, ok := rep.Row(name)
		if !ok {
			t.Errorf("no row %q", name)
			continue
		}
		if r.Status == bench.Failed {
			t.Errorf("%s failed: %s", name, r.Note)
		}
	}
	if r, _ := rep.Row("selection: both draws repeat from their seed"); r.Status != bench.Met {
		t.Errorf("the draws did not repeat from their seed: %s", r.Note)
	}
}

// TestSpliceKeepsTheHandWrittenPart checks that writing the table twice
// replaces only the generated section.
func TestSpliceKeepsTheHandWrittenPart(t *testing.T) {
	doc := "# Benchmarks\n\nHeader.\n\n## Load run\n\nBy hand.\n"
	rep := &bench.Report{Scale: bench.Small, Runs: 1, Rows: []bench.Row{{Name: "first", Value: "1", Status: bench.Met}}}
	once := bench.Splice(doc, rep.Section(bench.Machine{Cores: 2}, ""))
	rep.Rows[0].Name = "second"
	twice := bench.Splice(once, rep.Section(bench.Machine{Cores: 2}, ""))
	if !strings.Contains(twice, "## Load run\n\nBy hand.") || !strings.HasPrefix(twice, "# Benchmarks\n\nHeader.\n\n"+bench.BeginMarker) {
		t.Errorf("the hand-written parts moved or went:\n%s", twice)
	}
	if strings.Count(twice, bench.BeginMarker) != 1 || strings.Contains(twice, "| first |") || !strings.Contains(twice, "| second |") {
		t.Errorf("the generated section was not replaced:\n%s", twice)
	}
}

// testStack brings up a fresh stack from the test environment each call:
// a database, an SMTP server, a Temporal server, a worker and the HTTP
// server, all closed when the test ends.
func testStack(t *testing.T) func(context.Context) (bench.Stack, func(), error) {
	return func(context.Context) (bench.Stack, func(), error) {
		st := testenv.DB(t)
		catcher, sender := testenv.SMTP(t, nil)
		c := temporalenv.Start(t).Client()
		signer, err := links.NewSigner([]byte(strings.Repeat("k", 32)))
		if err != nil {
			return bench.Stack{}, nil, err
		}
		api := httptest.NewServer(nil)
		t.Cleanup(api.Close)
		const queue = "scrutiny-bench"
		cfg := config.Config{TaskQueue: queue, PublicURL: api.URL, TrustedProxies: []string{"127.0.0.1"}}
		api.Config.Handler = server.New(server.Deps{Store: st, Temporal: c, Config: cfg, Links: signer}).Handler()
		w := worker.New(c, queue, worker.Deps{Store: st, Mailer: sender, Links: signer, PublicURL: api.URL})
		if err := w.Start(); err != nil {
			return bench.Stack{}, nil, err
		}
		t.Cleanup(w.Stop)
		return bench.Stack{Store: st, Temporal: c, BaseURL: api.URL, Mail: catcher, Mailer: sender, Links: signer,
			DatabaseURL: testenv.URL(t, st)}, func() {}, nil
	}
}
