// Package loadrun runs many review cycles at once on a running scrutiny
// stack, through its HTTP API as coordinators, chairs and members would,
// and accounts for every review and every email: `scrutiny load` runs it
// on the embedded stack, its test runs a small version in CI, and the
// benchmark suite builds on it.
//
// A run, given a stack with an empty database:
//
//  1. makes N panels of 12 members (all signed up to the confidentiality
//     agreement), each with a coordinator, a chair and 10 closed cases over
//     three strands;
//  2. starts the N cycles at once (POST /api/v1/cycles) with the meeting
//     two hours ahead and the conflict check and packs due at once, and
//     approves each selection;
//  3. reads each member's personal link from their pack email;
//  4. submits every member's review of every case at once (PUT
//     /api/v1/m/{token}/reviews/{case}), timing each submission;
//  5. once a cycle's workflow counts every review, brings its meeting
//     forward to a few seconds ahead (so the run waits on work, not on
//     timers), records attendance and findings, closes the meeting,
//     approves the minutes and waits for the minutes email and the close;
//  6. checks that every review answered 200 is in PostgreSQL and counted in
//     its cycle, that every outbox row reached the SMTP server exactly once
//     (by its stable Message-ID), and that every cycle closed with its
//     minutes issued.
//
// Members are 2,400 people on as many networks, not one client: each
// member's requests carry their own X-Forwarded-For address, so the
// server's per-address limit on personal links applies per member. The
// stack's server must therefore trust 127.0.0.1 as a proxy
// (config.Config.TrustedProxies); otherwise the run is throttled to the
// limit of one address, and still correct, only slow.
package loadrun

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"go.temporal.io/sdk/client"

	"github.com/lsip/scrutiny/devstack/mailcatcher"
	"github.com/lsip/scrutiny/store"
)

// Stack is a running scrutiny: its database (empty of panels, and used by
// nothing else while the run lasts), a Temporal client on the namespace
// its worker polls, the HTTP server's base URL, and the SMTP server its
// worker sends to.
type Stack struct {
	Store    *store.Store
	Temporal client.Client
	BaseURL  string
	Mail     *mailcatcher.Catcher
}

// Options shape a run. Zero values take the defaults.
type Options struct {
	// Cycles is how many cycles run at once (default 3).
	Cycles int
	// Members per panel (default 12); every one reviews every case.
	Members int
	// Concurrency is how many members submit their reviews at the same
	// moment (default 64).
	Concurrency int
	// MeetingDelay is how far ahead a cycle's meeting is brought once its
	// reviews are in (default 3 s).
	MeetingDelay time.Duration
	// Timeout bounds the whole run (default 20 minutes).
	Timeout time.Duration
	// HistorySample is how many member-review workflows' histories are
	// counted (default 24).
	HistorySample int
	// Progress, if set, is told as each phase ends.
	Progress func(format string, args ...any)
}

func (o Options) withDefaults() Options {
	if o.Cycles <= 0 {
		o.Cycles = 3
	}
	if o.Members <= 0 {
		o.Members = 12
	}
	if o.Concurrency <= 0 {
		o.Concurrency = 64
	}
	if o.MeetingDelay <= 0 {
		o.MeetingDelay = 3 * time.Second
	}
	if o.Timeout <= 0 {
		o.Timeout = 20 * time.Minute
	}
	if o.HistorySample <= 0 {
		o.HistorySample = 24
	}
	if o.Progress == nil {
		o.Progress = func(string, ...any) {}
	}
	return o
}

// casesPerCycle are the quotas each cycle draws: 10 cases over three
// strands, each panel having exactly these cases of its own.
var casesPerCycle = map[string]int{"race": 4, "religion": 3, "disability": 3}

// run is one load run's shared state.
type run struct {
	s      Stack
	o      Options
	api    *apiClient
	inbox  *inbox
	cycles []*cycleRun
	rep    *Report
}

// Run drives the load and returns its report. An error means the run
// could not go on (the stack refused a step, or the time ran out); the
// report then holds what was measured so far. Report.OK says whether
// everything was accounted for.
func Run(ctx context.Context, s Stack, o Options) (*Report, error) {
	o = o.withDefaults()
	ctx, cancel := context.WithTimeout(ctx, o.Timeout)
	defer cancel()
	r := &run{s: s, o: o, rep: &Report{Cycles: o.Cycles}, inbox: newInbox(s.Mail),
		api: newAPIClient(s.BaseURL, o.Concurrency+2*o.Cycles)}
	go r.inbox.follow(ctx)
	began := time.Now()
	err := r.phases(ctx)
	r.rep.Wall = time.Since(began)
	r.rep.Retries = int(r.api.retries.Load())
	if err != nil {
		return r.rep, err
	}
	if err := r.account(ctx); err != nil {
		return r.rep, err
	}
	return r.rep, nil
}

// phases runs the steps in order, timing each.
func (r *run) phases(ctx context.Context) error {
	steps := []struct {
		name string
		fn   func(context.Context) error
	}{
		{"setup", r.setup},
		{"start", r.eachCycle((*run).startCycle)},
		{"approve", r.eachCycle((*run).approve)},
		{"packs", r.eachCycle((*run).awaitPacks)},
		{"reviews", r.submitReviews},
		{"counted", r.eachCycle((*run).awaitCounted)},
		{"meetings", r.eachCycle((*run).holdMeeting)},
	}
	for _, st := range steps {
		began := time.Now()
		err := st.fn(ctx)
		d := time.Since(began)
		r.rep.Phases = append(r.rep.Phases, Phase{Name: st.name, Took: d})
		if err != nil {
			return fmt.Errorf("%s: %w", st.name, err)
		}
		r.o.Progress("%-8s done in %s", st.name, d.Round(time.Millisecond))
	}
	return nil
}

// eachCycle runs fn for every cycle at once and returns the first error.
func (r *run) eachCycle(fn func(*run, context.Context, *cycleRun) error) func(context.Context) error {
	return func(ctx context.Context) error {
		errs := make([]error, len(r.cycles))
		var wg sync.WaitGroup
		for i, c := range r.cycles {
			wg.Go(func() {
				if err := fn(r, ctx, c); err != nil {
					errs[i] = fmt.Errorf("cycle of %s: %w", c.panelName, err)
				}
			})
		}
		wg.Wait()
		return errors.Join(errs...)
	}
}

// storePoll is how often each cycle asks PostgreSQL whether it has moved
// on: often enough that a single cycle waits on its work, not on the poll,
// and seldom enough that hundreds of cycles together ask a few hundred
// times a second.
func (r *run) storePoll() time.Duration {
	return max(50*time.Millisecond, time.Duration(len(r.cycles))*2*time.Millisecond)
}

// workflowPoll is how often each cycle asks its workflow (a query, dearer
// than asking PostgreSQL) whether it has moved on. It is asked only once
// PostgreSQL shows the stage, which the workflow records before it moves
// on, so the first answer is usually yes.
func (r *run) workflowPoll() time.Duration {
	return min(500*time.Millisecond, max(50*time.Millisecond, time.Duration(len(r.cycles))*5*time.Millisecond))
}

// waitUntil polls cond every interval until it holds, fails, or ctx ends;
// what names the wait in the error.
func waitUntil(ctx context.Context, what string, interval time.Duration, cond func() (bool, error)) error {
	for {
		ok, err := cond()
		if err != nil {
			return err
		}
		if ok {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("waiting for %s: %w", what, ctx.Err())
		case <-time.After(interval):
		}
	}
}
