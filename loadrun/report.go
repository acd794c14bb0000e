package loadrun

import (
	"context"
	"fmt"
	"io"
	"slices"
	"sync"
	"text/tabwriter"
	"time"

	enumspb "go.temporal.io/api/enums/v1"

	"github.com/lsip/scrutiny/cycle"
	"github.com/lsip/scrutiny/domain"
)

// Report is what a run did and what it found.
type Report struct {
	Cycles       int // cycles started
	CyclesClosed int // closed with their minutes issued
	// MemberReviews is how many members submitted their whole pack, and
	// CaseReviews how many reviews the API accepted as submitted.
	MemberReviews, CaseReviews int
	// ReviewsStored is the submitted reviews PostgreSQL holds for the
	// run's cycles, and ReviewsCounted those the cycles' status (the API's) counted
	// before their meetings.
	ReviewsStored, ReviewsCounted int
	// Emails is the outbox's rows, EmailsReceived the messages the SMTP
	// server caught; Duplicates are messages beyond the first for a row,
	// Missing rows never received (or never sent), Stray messages no row
	// accounts for. Resends are deliveries retried after an unknown
	// outcome, as the outbox counts them.
	Emails, EmailsReceived, Duplicates, Missing, Stray, Resends int
	// Retries are requests the server asked to be sent again (429, 503)
	// or whose connection failed.
	Retries int
	Wall    time.Duration
	Phases  []Phase
	// SubmitP50 and SubmitP95 are the latencies of a review's submission,
	// retries included.
	SubmitP50, SubmitP95 time.Duration
	// HistoryEvents is the mean and HistoryEventsMax the largest number of
	// history events of the sampled member-review workflows' last runs.
	HistoryEvents    float64
	HistoryEventsMax int
	HistorySampled   int
	// Problems lists what was not accounted for, the first maxProblems of
	// them; ProblemCount counts them all.
	Problems     []string
	ProblemCount int

	// mu guards what the run's goroutines write: the counts, the
	// latencies and the problems.
	mu        sync.Mutex
	latencies []time.Duration
}

// Phase is one step of the run and how long it took.
type Phase struct {
	Name string
	Took time.Duration
}

// maxProblems bounds the problems a report lists.
const maxProblems = 50

func (rep *Report) problem(format string, args ...any) {
	rep.mu.Lock()
	defer rep.mu.Unlock()
	rep.ProblemCount++
	if len(rep.Problems) < maxProblems {
		rep.Problems = append(rep.Problems, fmt.Sprintf(format, args...))
	}
}

// OK says whether everything was accounted for: every cycle closed with
// its minutes, every review accepted stored and counted, every email sent
// exactly once, and nothing else wrong.
func (rep *Report) OK() bool {
	return rep.ProblemCount == 0 && rep.CyclesClosed == rep.Cycles && rep.CaseReviews > 0 &&
		rep.ReviewsStored == rep.CaseReviews && rep.ReviewsCounted == rep.CaseReviews &&
		rep.Emails > 0 && rep.Duplicates == 0 && rep.Missing == 0 && rep.Stray == 0
}

// account checks, once every cycle has closed, the reviews against
// PostgreSQL, the emails against the SMTP server, and counts histories.
func (r *run) account(ctx context.Context) error {
	rep := r.rep
	for _, c := range r.cycles {
		rep.ReviewsCounted += c.counted
		st, err := r.s.Store.StoredCycleStatus(ctx, c.cycleID)
		if err != nil {
			return err
		}
		if st.Stage == domain.StageClosed && st.MinutesIssued {
			rep.CyclesClosed++
		} else {
			rep.problem("cycle %d is %s with minutes issued %t", c.cycleID, st.Stage, st.MinutesIssued)
		}
		for _, m := range st.Members {
			rep.ReviewsStored += m.Submitted
			if m.Submitted != c.submitted[m.MemberID] || m.Outstanding+m.Drafts+m.NotSubmitted > 0 {
				rep.problem("cycle %d, member %d: PostgreSQL holds %d submitted (%d outstanding, %d drafts, %d not submitted); the API accepted %d",
					c.cycleID, m.MemberID, m.Submitted, m.Outstanding, m.Drafts, m.NotSubmitted, c.submitted[m.MemberID])
			}
		}
	}
	if err := r.accountMail(ctx); err != nil {
		return err
	}
	rep.SubmitP50, rep.SubmitP95 = percentile(rep.latencies, 50), percentile(rep.latencies, 95)
	return r.countHistories(ctx)
}

// countHistories counts the history events of a sample of member-review
// workflows, spread over the cycles.
func (r *run) countHistories(ctx context.Context) error {
	var ids []string
	for _, c := range r.cycles {
		for _, m := range c.members {
			ids = append(ids, cycle.MemberReviewWorkflowID(c.workflowID, m.id))
		}
	}
	step := max(1, len(ids)/r.o.HistorySample)
	total := 0
	for i := 0; i < len(ids) && r.rep.HistorySampled < r.o.HistorySample; i += step {
		n := 0
		it := r.s.Temporal.GetWorkflowHistory(ctx, ids[i], "", false, enumspb.HISTORY_EVENT_FILTER_TYPE_ALL_EVENT)
		for it.HasNext() {
			if _, err := it.Next(); err != nil {
				return fmt.Errorf("history of %s: %w", ids[i], err)
			}
			n++
		}
		total += n
		r.rep.HistorySampled++
		r.rep.HistoryEventsMax = max(r.rep.HistoryEventsMax, n)
	}
	if r.rep.HistorySampled > 0 {
		r.rep.HistoryEvents = float64(total) / float64(r.rep.HistorySampled)
	}
	return nil
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

// Print writes the report as a table, then its problems.
func (rep *Report) Print(w io.Writer) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	verdict := "everything accounted for"
	if !rep.OK() {
		verdict = fmt.Sprintf("NOT ACCOUNTED FOR (%d problems)", rep.ProblemCount)
	}
	rows := [][2]string{
		{"result", verdict},
		{"cycles (closed with minutes / started)", fmt.Sprintf("%d / %d", rep.CyclesClosed, rep.Cycles)},
		{"member reviews (whole pack submitted)", fmt.Sprint(rep.MemberReviews)},
		{"case reviews (accepted / in PostgreSQL / counted in cycle status)", fmt.Sprintf("%d / %d / %d", rep.CaseReviews, rep.ReviewsStored, rep.ReviewsCounted)},
		{"emails (outbox rows / received)", fmt.Sprintf("%d / %d", rep.Emails, rep.EmailsReceived)},
		{"emails duplicated / missing / stray", fmt.Sprintf("%d / %d / %d", rep.Duplicates, rep.Missing, rep.Stray)},
		{"email re-sends after an unknown outcome", fmt.Sprint(rep.Resends)},
		{"requests retried (429, 503, connection)", fmt.Sprint(rep.Retries)},
		{"review submit latency p50 / p95", fmt.Sprintf("%s / %s", rep.SubmitP50.Round(time.Millisecond), rep.SubmitP95.Round(time.Millisecond))},
		{"history events per member review (mean / max, sampled)", fmt.Sprintf("%.1f / %d (%d)", rep.HistoryEvents, rep.HistoryEventsMax, rep.HistorySampled)},
		{"wall time", rep.Wall.Round(time.Millisecond).String()},
	}
	for _, p := range rep.Phases {
		rows = append(rows, [2]string{"  phase " + p.Name, p.Took.Round(time.Millisecond).String()})
	}
	for _, row := range rows {
		fmt.Fprintf(tw, "%s\t%s\n", row[0], row[1])
	}
	tw.Flush()
	for _, p := range rep.Problems {
		fmt.Fprintln(w, "problem:", p)
	}
	if more := rep.ProblemCount - len(rep.Problems); more > 0 {
		fmt.Fprintf(w, "... and %d more problems\n", more)
	}
}
