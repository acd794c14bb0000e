package bench

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"time"

	"github.com/lsip/scrutiny/cycle/cycleflow"
	"github.com/lsip/scrutiny/domain"
	"github.com/lsip/scrutiny/links"
	"github.com/lsip/scrutiny/reviewform"
	"github.com/lsip/scrutiny/store"
)

const (
	rowAPIActions = "api: GET /api/v1/actions?overdue=true&area=… at 500 requests/s"
	rowAPIBoard   = "api: the manager's board page (GET /actions?overdue=true&area=…) at 200 requests/s"
	rowAPIReview  = "api: review submission (PUT /api/v1/m/{token}/reviews/{case}) at 100 requests/s"
)

// The API loads' rates, as the issue gives them.
const (
	actionsRate = 500
	boardRate   = 200
	reviewRate  = 100
)

// runAPI puts each API load on the suite's server from a load generator
// in a process of its own (`scrutiny bench load`), open loop at a
// constant rate, over the generated action log.
func runAPI(ctx context.Context, e *env) ([]Row, error) {
	stack, err := e.dataset(ctx)
	if err != nil {
		return nil, err
	}
	if err := e.actions(ctx); err != nil {
		return nil, err
	}
	if e.o.Binary == "" {
		return []Row{notRun(rowAPIActions), notRun(rowAPIBoard), notRun(rowAPIReview)}, nil
	}
	bearer := map[string]string{"Authorization": "Bearer " + e.managerToken}
	var list, board []Target
	cookie, _, err := stack.Store.OpenSession(ctx, e.manager, time.Hour, store.Device{UserAgent: "scrutiny bench", Address: "127.0.0.1"}, false)
	if err != nil {
		return nil, err
	}
	// A manager sees their own Area's actions: the first Area's.
	area := domain.Areas[0].Code
	list = append(list, Target{Method: "GET", URL: stack.BaseURL + "/api/v1/actions?overdue=true&area=" + area, Header: bearer})
	board = append(board, Target{Method: "GET", URL: stack.BaseURL + "/actions?overdue=true&area=" + area,
		Header: map[string]string{"Cookie": "scrutiny_session=" + cookie}})
	var rows []Row
	r, err := e.loadRow(ctx, rowAPIActions, list, actionsRate, 25*time.Millisecond)
	if err != nil {
		return rows, err
	}
	r.Note = "the issue's `status=overdue` is the API's `overdue=true`; as the first Area's manager (a manager sees their own Area), " + r.Note
	rows = append(rows, r)
	if r, err = e.loadRow(ctx, rowAPIBoard, board, boardRate, 50*time.Millisecond); err != nil {
		return rows, err
	}
	rows = append(rows, r)
	reviews, err := e.reviewTargets(ctx, stack)
	if err != nil {
		return rows, fmt.Errorf("review submissions: %w", err)
	}
	if r, err = e.loadRow(ctx, rowAPIReview, reviews, reviewRate, 100*time.Millisecond); err != nil {
		return rows, err
	}
	r.Note = "each request a member's first final submission of a case, in a cycle whose reviews the server saves straight into PostgreSQL; " + r.Note
	return append(rows, r), nil
}

// loadRow runs one load and makes its row: p99 within budget and nothing
// failed.
func (e *env) loadRow(ctx context.Context, name string, targets []Target, rate int, budget time.Duration) (Row, error) {
	res, err := e.loadChild(ctx, targets, rate, e.o.Scale.Load)
	if err != nil {
		return Row{}, fmt.Errorf("%s: %w", name, err)
	}
	r := Row{Name: name, Median: res.P50, P95: res.P95, Value: "p99 " + ms(res.P99), Budget: "p99 ≤ " + short(budget) + ", none failed",
		Status: verdict(res.P99 <= budget && res.Failed == 0 && res.OK > 0),
		Note:   fmt.Sprintf("%d sent over %s, %d answered 2xx, %d failed (%d dropped), max %s", res.Sent, e.o.Scale.Load, res.OK, res.Failed, res.Dropped, ms(res.Max))}
	if res.FirstFailure != "" {
		r.Note += "; first failure: " + res.FirstFailure
	}
	return r, nil
}

// loadChild runs `scrutiny bench load` with the targets and reads its
// result.
func (e *env) loadChild(ctx context.Context, targets []Target, rate int, d time.Duration) (LoadResult, error) {
	var res LoadResult
	dir, err := os.MkdirTemp("", "scrutiny-bench-load-")
	if err != nil {
		return res, err
	}
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "targets.json")
	data, err := json.Marshal(targets)
	if err != nil {
		return res, err
	}
	if err := os.WriteFile(path, data, 0o600); err != nil {
		return res, err
	}
	cmd := exec.CommandContext(ctx, e.o.Binary, "bench", "load", "-targets", path, "-rate", fmt.Sprint(rate), "-duration", d.String())
	out, err := cmd.Output()
	if err != nil {
		return res, fmt.Errorf("load generator: %w", err)
	}
	return res, json.Unmarshal(out, &res)
}

// reviewTargets readies a cycle of the reviewing panel for reviews (drawn,
// approved, in the reviewing stage, every member's reviews open) and
// lists one final submission for each member and case, case by case so
// that each member's requests are spread over the load, each from the
// member's own address.
func (e *env) reviewTargets(ctx context.Context, stack *Stack) ([]Target, error) {
	st := stack.Store
	cycleID, err := e.newCycle(ctx, stack.Store, e.reviewers, localQuarterFrom, localQuarterTo, domain.CycleQuotas{PerStrand: localQuotas}, domain.ThemeFilter{}, true)
	if err != nil {
		return nil, err
	}
	sel, err := (&cycleflow.Activities{Store: st}).SelectCases(ctx, cycleflow.SelectInput{CycleID: cycleID, Seed: drawSeed})
	if err != nil {
		return nil, err
	}
	if _, err := st.ApproveSelection(ctx, cycleID); err != nil {
		return nil, err
	}
	due := time.Now().Add(14 * 24 * time.Hour)
	schedule, _ := json.Marshal(map[string]time.Time{"reviews_due": due})
	if err := st.SetCycleStage(ctx, cycleID, domain.StageReviewing, schedule); err != nil {
		return nil, err
	}
	var cases []int64
	for _, c := range sel.Cases {
		if c.Role == store.DrawSelected {
			cases = append(cases, c.CaseID)
		}
	}
	for _, m := range e.reviewers.members {
		if err := st.OpenReviews(ctx, cycleID, m.ID, cases, reviewform.Default().Version); err != nil {
			return nil, err
		}
	}
	answers := reviewform.Answers{Ratings: map[string]string{}, Overall: "handled_well", GoodPractice: "Swift charging decision (benchmark)."}
	for _, q := range reviewform.Default().Questions {
		answers.Ratings[q.Key] = "yes"
	}
	body, err := json.Marshal(map[string]any{"answers": answers, "final": true})
	if err != nil {
		return nil, err
	}
	tokens := map[int64]string{}
	for _, m := range e.reviewers.members {
		pm, err := st.PanelMember(ctx, m.ID)
		if err != nil {
			return nil, err
		}
		tokens[m.ID] = stack.Links.Token(links.Claims{MemberID: m.ID, CycleID: cycleID, Expires: due, Epoch: pm.LinkEpoch})
	}
	var out []Target
	for _, caseID := range cases {
		for _, m := range e.reviewers.members {
			token := tokens[m.ID]
			out = append(out, Target{Method: "PUT", URL: fmt.Sprintf("%s/api/v1/m/%s/reviews/%d", stack.BaseURL, token, caseID), Body: body,
				Header: map[string]string{"Content-Type": "application/json", "X-Forwarded-For": fmt.Sprintf("10.%d.%d.%d", m.ID>>16&255, m.ID>>8&255, m.ID&255)}})
		}
	}
	return out, nil
}
