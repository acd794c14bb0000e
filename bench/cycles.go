package bench

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/lsip/scrutiny/loadrun"
)

const (
	rowOneCycle   = "cycle: 12 members, 10 cases, start to minutes email (short stage offsets)"
	rowManyCycles = "cycle: many cycles at once, every email exactly once"
	rowHistory    = "cycle: workflow history events per member review"
)

// runCycles runs package loadrun, once with one cycle and once with the
// scale's cycles at once, each on a fresh stack (a load run needs a
// database without panels). Each runs once: a run is minutes long, and
// its own figures are sums over hundreds of requests.
func runCycles(ctx context.Context, e *env) ([]Row, error) {
	// The cycle runs come last and need none of the dataset: its stack
	// stops now rather than compete with them for the machine.
	e.close()
	one, err := e.loadRun(ctx, loadrun.Options{Cycles: 1, MeetingDelay: time.Second, Timeout: 5 * time.Minute})
	if err != nil {
		return nil, fmt.Errorf("one cycle: %w", err)
	}
	// From the cycle's start to its minutes email and close: every phase
	// after the setup of panels and accounts.
	var took time.Duration
	for _, p := range one.Phases[1:] {
		took += p.Took
	}
	rows := []Row{{Name: rowOneCycle, Value: ms(took), Budget: "≤ 5 s", Status: verdict(took <= 5*time.Second && one.OK()),
		Note: fmt.Sprintf("meeting brought forward to 1 s ahead once the reviews are counted; %s; phases: %s", accounted(one), phases(one))}}

	rows = append(rows, Row{Name: rowHistory, Value: fmt.Sprintf("%.1f (max %d)", one.HistoryEvents, one.HistoryEventsMax), Budget: "≤ 40",
		Status: verdict(one.HistorySampled > 0 && one.HistoryEvents <= 40),
		Note:   fmt.Sprintf("mean over the %d member-review workflows of the one-cycle run, 10 reviews each", one.HistorySampled)})

	// Given twice its budget before it is cut off, so that a miss is
	// measured rather than waited out.
	many, err := e.loadRun(ctx, loadrun.Options{Cycles: e.o.Scale.Cycles, Timeout: 2 * manyCyclesBudget})
	budget := fmt.Sprintf("%d cycles ≤ %s, all mail once", e.o.Scale.Cycles, short(manyCyclesBudget))
	if err != nil {
		if many == nil {
			return rows, fmt.Errorf("%d cycles: %w", e.o.Scale.Cycles, err)
		}
		return append(rows, Row{Name: rowManyCycles, Value: "not finished", Budget: budget, Status: Missed,
			Note: fmt.Sprintf("%s; phases: %s", firstLine(err), phases(many))}), nil
	}
	return append(rows, Row{Name: rowManyCycles, Value: ms(many.Wall), Budget: budget,
		Status: verdict(many.Wall <= manyCyclesBudget && many.OK()), Note: accounted(many) + "; phases: " + phases(many)}), nil
}

// firstLine is an error's first line, with how many more it has: a run
// of 200 cycles can fail 200 times over.
func firstLine(err error) string {
	lines := strings.Split(strings.TrimSpace(err.Error()), "\n")
	if len(lines) == 1 {
		return lines[0]
	}
	return fmt.Sprintf("%s (and %d more like it)", lines[0], len(lines)-1)
}

// manyCyclesBudget is the budget for 200 cycles at once.
const manyCyclesBudget = 180 * time.Second

// phases lists a load run's phases and their times.
func phases(rep *loadrun.Report) string {
	var parts []string
	for _, p := range rep.Phases {
		parts = append(parts, fmt.Sprintf("%s %s", p.Name, ms(p.Took)))
	}
	return strings.Join(parts, ", ")
}

// loadRun runs package loadrun on a fresh stack of its own.
func (e *env) loadRun(ctx context.Context, o loadrun.Options) (*loadrun.Report, error) {
	s, stop, err := e.o.NewStack(ctx)
	if err != nil {
		return nil, err
	}
	defer stop()
	o.Progress = e.o.Progress
	return loadrun.Run(ctx, loadrun.Stack{Store: s.Store, Temporal: s.Temporal, BaseURL: s.BaseURL, Mail: s.Mail}, o)
}

// accounted says what a load run accounted for.
func accounted(rep *loadrun.Report) string {
	return fmt.Sprintf("%d cycles closed of %d; %d reviews accepted, %d stored, %d counted; %d emails, %d received, %d duplicated, %d missing; %d problems",
		rep.CyclesClosed, rep.Cycles, rep.CaseReviews, rep.ReviewsStored, rep.ReviewsCounted, rep.Emails, rep.EmailsReceived, rep.Duplicates, rep.Missing, rep.ProblemCount)
}
