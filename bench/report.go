package bench

import (
	"context"
	"fmt"
	"io"
	"os"
	"runtime"
	"strings"
	"time"

	"github.com/lsip/scrutiny/store"
)

// Status is a row's verdict.
type Status string

const (
	Met    Status = "met"
	Missed Status = "MISSED"
	Failed Status = "FAILED"
	NotRun Status = "not run"
)

// Row is one measured figure and its budget.
type Row struct {
	Name string
	// Median and P95 of the timed runs; zero for a figure that is not a
	// time (then Value says it).
	Median, P95 time.Duration
	// Value is a figure that is not a time, or a single timed run, or
	// one shown beside the median (a p99, a peak RSS).
	Value string
	// Baseline is the naive way's median, measured in the same run, and
	// Ratio how many times faster the real way is; zero where the issue
	// names no baseline.
	Baseline time.Duration
	Ratio    float64
	Budget   string
	Status   Status
	Note     string
}

// timed is a row of timed runs whose median must stay within budget.
func timed(name string, ds []time.Duration, budget time.Duration) Row {
	r := Row{Name: name, Median: percentile(ds, 50), P95: percentile(ds, 95), Budget: "median ≤ " + short(budget)}
	r.Status = verdict(r.Median <= budget)
	return r
}

// verdict turns a check into a status.
func verdict(ok bool) Status {
	if ok {
		return Met
	}
	return Missed
}

// Report is a run's rows and what it ran on.
type Report struct {
	Scale   Scale
	Runs    int
	Started time.Time
	Took    time.Duration
	Rows    []Row
	// Plans are the query plans behind the action list, the case
	// selection and the governance report.
	Plans []PlanGroup
}

// OK says whether every budget was met.
func (rep *Report) OK() bool {
	for _, r := range rep.Rows {
		if r.Status != Met {
			return false
		}
	}
	return true
}

// Row finds a row by name.
func (rep *Report) Row(name string) (Row, bool) {
	for _, r := range rep.Rows {
		if r.Name == name {
			return r, true
		}
	}
	return Row{}, false
}

// WriteTable writes the rows as a Markdown table, then the rows' notes.
func (rep *Report) WriteTable(w io.Writer) {
	fmt.Fprintln(w, "| scenario | median | p95 | baseline median | ratio | budget | result |")
	fmt.Fprintln(w, "|---|---|---|---|---|---|---|")
	for _, r := range rep.Rows {
		median, p95, base, ratio := r.Value, "", "", ""
		if r.Median > 0 {
			median, p95 = ms(r.Median), ms(r.P95)
			if r.Value != "" {
				median += " (" + r.Value + ")"
			}
		}
		if r.Baseline > 0 {
			base = ms(r.Baseline)
		}
		if r.Ratio > 0 {
			ratio = fmt.Sprintf("%.1f×", r.Ratio)
		}
		fmt.Fprintf(w, "| %s | %s | %s | %s | %s | %s | %s |\n", r.Name, median, p95, base, ratio, r.Budget, r.Status)
	}
	fmt.Fprintln(w)
	for _, r := range rep.Rows {
		if r.Note != "" {
			fmt.Fprintf(w, "- **%s**: %s\n", r.Name, r.Note)
		}
	}
}

// short shows a budget: whole seconds, or milliseconds below one.
func short(d time.Duration) string {
	if d >= time.Second {
		return fmt.Sprintf("%g s", d.Seconds())
	}
	return fmt.Sprintf("%d ms", d.Milliseconds())
}

// ms shows a duration in milliseconds, or seconds past ten of them.
func ms(d time.Duration) string {
	if d >= 10*time.Second {
		return fmt.Sprintf("%.1f s", d.Seconds())
	}
	return fmt.Sprintf("%.1f ms", float64(d.Microseconds())/1000)
}

// Machine describes what a run ran on.
type Machine struct {
	Cores      int
	MemTotal   string // from /proc/meminfo
	PostgreSQL string // SHOW server_version
	Go         string
	// Load is the load average over 1, 5 and 15 minutes when the run
	// began (/proc/loadavg): above the cores, other work shared them.
	Load string
}

// DescribeMachine reads the machine's cores and memory and the server's
// PostgreSQL version.
func DescribeMachine(ctx context.Context, st *store.Store) Machine {
	m := Machine{Cores: runtime.NumCPU(), Go: runtime.Version(), MemTotal: "unknown", PostgreSQL: "unknown"}
	if b, err := os.ReadFile("/proc/meminfo"); err == nil {
		for _, line := range strings.Split(string(b), "\n") {
			if v, ok := strings.CutPrefix(line, "MemTotal:"); ok {
				var kb int64
				fmt.Sscan(strings.TrimSpace(v), &kb)
				m.MemTotal = fmt.Sprintf("%.1f GiB", float64(kb)/(1<<20))
			}
		}
	}
	if b, err := os.ReadFile("/proc/loadavg"); err == nil {
		if f := strings.Fields(string(b)); len(f) >= 3 {
			m.Load = strings.Join(f[:3], ", ")
		}
	}
	if v, err := st.ServerVersion(ctx); err == nil {
		m.PostgreSQL = v
	}
	return m
}

// Markers delimit the generated section of BENCHMARKS.md; the rest of
// the file is written by hand and kept.
const (
	BeginMarker = "<!-- scrutiny bench: begin generated section -->"
	EndMarker   = "<!-- scrutiny bench: end generated section -->"
)

// Section is the generated section: the machine, the table and its notes.
func (rep *Report) Section(m Machine, note string) string {
	var b strings.Builder
	fmt.Fprintln(&b, BeginMarker)
	fmt.Fprintf(&b, "## Latest `scrutiny bench` (scale %s, %d runs per scenario, %s)\n\n", rep.Scale.Name, rep.Runs, rep.Started.UTC().Format("2006-01-02 15:04 MST"))
	fmt.Fprintf(&b, "Machine: %d cores, %s memory, PostgreSQL %s, %s; load average %s as the run began. The suite took %s.\n\n",
		m.Cores, m.MemTotal, m.PostgreSQL, m.Go, m.Load, rep.Took.Round(time.Second))
	if note != "" {
		fmt.Fprintf(&b, "%s\n\n", note)
	}
	rep.WriteTable(&b)
	rep.writePlans(&b)
	fmt.Fprintln(&b)
	fmt.Fprint(&b, EndMarker)
	return b.String()
}

// writePlans writes each recorded statement and its plan, folded.
func (rep *Report) writePlans(w io.Writer) {
	if len(rep.Plans) == 0 {
		return
	}
	fmt.Fprintf(w, "\n### Query plans (EXPLAIN (ANALYZE, BUFFERS) on the run's data)\n")
	for _, g := range rep.Plans {
		fmt.Fprintf(w, "\n#### %s\n", g.Title)
		for i, p := range g.Plans {
			fmt.Fprintf(w, "\n<details><summary>statement %d of %d</summary>\n\n```sql\n%s\n```\n\n```\n%s\n```\n\n</details>\n", i+1, len(g.Plans), p.SQL, p.Plan)
		}
	}
}

// Splice puts section in place of the generated section of doc, or after
// doc's first paragraph (its header) if it has none yet.
func Splice(doc, section string) string {
	begin, end := strings.Index(doc, BeginMarker), strings.Index(doc, EndMarker)
	if begin >= 0 && end > begin {
		return doc[:begin] + section + doc[end+len(EndMarker):]
	}
	i := strings.Index(doc, "\n## ")
	if i < 0 {
		return strings.TrimRight(doc, "\n") + "\n\n" + section + "\n"
	}
	return doc[:i+1] + section + "\n\n" + doc[i+1:]
}
