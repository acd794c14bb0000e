package loadrun

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/lsip/scrutiny/cycle"
	"github.com/lsip/scrutiny/domain"
	"github.com/lsip/scrutiny/reviewform"
)

// answers is the review every member gives every case: each question
// rated, an overall category and a word of good practice.
func answers() reviewform.Answers {
	a := reviewform.Answers{Ratings: map[string]string{}, Overall: "handled_well", GoodPractice: "Swift charging decision (load run)."}
	for _, q := range reviewform.Default().Questions {
		a.Ratings[q.Key] = "yes"
	}
	return a
}

// memberHome is the part of a member's page (GET /api/v1/m/{token}) the
// run reads: the cases in their pack.
type memberHome struct {
	Cases []struct {
		CaseID     int64 `json:"case_id"`
		Conflicted bool  `json:"conflicted"`
	} `json:"cases"`
}

// submitReviews has every member of every cycle open their page and
// submit a review of each case in their pack, Concurrency members at a
// time, timing each submission. A refused submission is a problem of the
// run, not a reason to stop it: the accounting then shows what is missing.
func (r *run) submitReviews(ctx context.Context) error {
	type job struct {
		c *cycleRun
		m *member
	}
	jobs := make(chan job)
	var wg sync.WaitGroup
	var mu sync.Mutex
	var failed []error
	for range r.o.Concurrency {
		wg.Go(func() {
			for j := range jobs {
				if err := r.review(ctx, j.c, j.m); err != nil {
					mu.Lock()
					failed = append(failed, err)
					mu.Unlock()
				}
			}
		})
	}
	// Members take turns across cycles, so every cycle is under way at once.
	for i := range r.o.Members {
		for _, c := range r.cycles {
			if i < len(c.members) {
				select {
				case jobs <- job{c, c.members[i]}:
				case <-ctx.Done():
				}
			}
		}
	}
	close(jobs)
	wg.Wait()
	for _, err := range failed {
		r.rep.problem("%v", err)
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	if len(failed) == len(r.cycles)*r.o.Members {
		return errors.New("every member's reviews were refused")
	}
	return nil
}

// review submits one member's reviews of their pack, one case after
// another as a person would.
func (r *run) review(ctx context.Context, c *cycleRun, m *member) error {
	home := "/api/v1/m/" + m.token
	var page memberHome
	if err := r.api.do(ctx, call{method: "GET", path: home, address: m.address}, &page); err != nil {
		return err
	}
	a := answers()
	for _, pc := range page.Cases {
		if pc.Conflicted {
			continue
		}
		began := time.Now()
		var stored cycle.StoredReview
		err := r.api.do(ctx, call{method: "PUT", path: fmt.Sprintf("%s/reviews/%d", home, pc.CaseID), address: m.address,
			key: fmt.Sprintf("load-review-%d-%d-%d", c.cycleID, m.id, pc.CaseID), body: map[string]any{"answers": a, "final": true}}, &stored)
		took := time.Since(began)
		if err != nil {
			return fmt.Errorf("member %d of cycle %d: %w", m.id, c.cycleID, err)
		}
		if stored.Status != string(domain.ReviewSubmitted) {
			return fmt.Errorf("member %d of cycle %d: case %d stored as %q, not submitted", m.id, c.cycleID, pc.CaseID, stored.Status)
		}
		r.rep.mu.Lock()
		c.submitted[m.id]++
		r.rep.CaseReviews++
		r.rep.latencies = append(r.rep.latencies, took)
		r.rep.mu.Unlock()
	}
	r.rep.mu.Lock()
	r.rep.MemberReviews++
	r.rep.mu.Unlock()
	return nil
}
