package bench

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/lsip/scrutiny/domain"
	"github.com/lsip/scrutiny/store"
)

// env is what the dataset scenarios share: one stack, built on first
// need, holding the generated pool, a local and a national panel, and the
// closed cycles whose findings make 5% of the pool already reviewed.
type env struct {
	o        Options
	stack    *Stack
	stop     func()
	buildErr error
	// local is a 15-member panel of the first Area reviewing every
	// strand; national a national panel doing the same; reviewers a
	// panel large enough for every review the API load submits to be a
	// member's first submission of a case.
	local, national, reviewers panel
	cycles                     int // cycles created, to name each uniquely
	// manager is the first Area's manager and managerToken their API
	// token; adminToken is an admin's, who sees every Area.
	manager                  store.User
	managerToken, adminToken string
	// actionsMade says the action log is generated.
	actionsMade bool
	// plans are the query plans recorded for the report.
	plans []PlanGroup
}

// panel is a benchmark panel: its ID and members.
type panel struct {
	id      int64
	members []domain.Member
}

// panelMembers is the size of the local panel (the issue's 15-member
// panel).
const panelMembers = 15

// dataset brings up the shared stack and builds the data once; a failure
// is kept, so that every scenario after it reports the same.
func (e *env) dataset(ctx context.Context) (*Stack, error) {
	if e.stack != nil || e.buildErr != nil {
		return e.stack, e.buildErr
	}
	s, stop, err := e.o.NewStack(ctx)
	if err != nil {
		e.buildErr = fmt.Errorf("bring up the dataset's stack: %w", err)
		return nil, e.buildErr
	}
	e.stop = stop
	if err := e.build(ctx, &s); err != nil {
		e.buildErr = fmt.Errorf("build the dataset: %w", err)
		return nil, e.buildErr
	}
	e.stack = &s
	return e.stack, nil
}

// close stops the dataset's stack, once; a scenario after it that needs
// the dataset fails.
func (e *env) close() {
	if e.stop != nil {
		e.stop()
		e.stop = nil
		e.stack, e.buildErr = nil, errors.New("the dataset's stack was stopped")
	}
}

// build writes the panels, generates the case pool in one statement, and
// records a finding by each panel on every twentieth case.
func (e *env) build(ctx context.Context, s *Stack) error {
	st := s.Store
	now := time.Now().UTC()
	strands := make([]string, len(domain.Strands))
	for i, s := range domain.Strands {
		strands[i] = s.Code
	}
	area := domain.Areas[0].Code
	local := store.DemoPanel{AreaCode: area, Name: "Bench local panel", Covers: "both", Strands: strands}
	for j := range panelMembers {
		local.Members = append(local.Members, store.DemoMember{Name: fmt.Sprintf("Bench member %d", j+1),
			Email: fmt.Sprintf("bench-member-%02d@bench.example.org", j+1), Language: "en", Role: domain.RoleMember, SignedOn: &now})
	}
	national := store.DemoPanel{AreaCode: area, Name: "Bench national panel", Covers: "both", Strands: strands, Kind: domain.PanelNational}
	reviewers := store.DemoPanel{AreaCode: area, Name: "Bench reviewing panel", Covers: "both", Strands: strands}
	for j := range e.reviewerCount() {
		reviewers.Members = append(reviewers.Members, store.DemoMember{Name: fmt.Sprintf("Bench reviewer %d", j+1),
			Email: fmt.Sprintf("bench-reviewer-%04d@bench.example.org", j+1), Language: "en", Role: domain.RoleMember, SignedOn: &now})
	}
	if _, err := st.LoadDemo(ctx, []store.DemoPanel{local, national, reviewers}, nil); err != nil {
		return err
	}
	admin := store.ScopeOf(store.User{Role: domain.StaffAdmin})
	panels, _, err := st.PanelsIn(ctx, admin, 0, 0)
	if err != nil {
		return err
	}
	for _, p := range panels {
		target := map[string]*panel{local.Name: &e.local, national.Name: &e.national, reviewers.Name: &e.reviewers}[p.Name]
		if target == nil {
			return fmt.Errorf("unexpected panel %q", p.Name)
		}
		target.id = p.ID
		if target.members, _, err = st.MembersOf(ctx, p.ID, len(reviewers.Members)+panelMembers, 0); err != nil {
			return err
		}
	}
	first, err := st.AreaSettingsByCode(ctx, admin, area)
	if err != nil {
		return err
	}
	e.manager = store.User{Name: "Bench manager", Email: "bench-manager@bench.example.org", Role: domain.StaffManager, AreaID: &first.ID}
	if e.manager.ID, err = st.CreateUser(ctx, e.manager); err != nil {
		return err
	}
	if e.managerToken, err = st.IssueToken(ctx, e.manager.ID, "bench"); err != nil {
		return err
	}
	adminID, err := st.CreateUser(ctx, store.User{Name: "Bench admin", Email: "bench-admin@bench.example.org", Role: domain.StaffAdmin})
	if err != nil {
		return err
	}
	if e.adminToken, err = st.IssueToken(ctx, adminID, "bench"); err != nil {
		return err
	}
	began := time.Now()
	if err := st.GenerateBenchCases(ctx, e.o.Scale.Cases); err != nil {
		return err
	}
	e.o.Progress("generated %d cases in %s", e.o.Scale.Cases, time.Since(began).Round(time.Millisecond))
	for _, p := range []panel{e.local, e.national} {
		old, err := e.newCycle(ctx, st, p, store.BenchCasesFrom.AddDate(-1, 0, 0), store.BenchCasesFrom.AddDate(0, 0, -1), domain.CycleQuotas{Total: 1}, domain.ThemeFilter{}, false)
		if err != nil {
			return err
		}
		if err := st.SetCycleStage(ctx, old, domain.StageClosed, json.RawMessage(`{}`)); err != nil {
			return err
		}
		if err := st.MarkBenchReviewed(ctx, old); err != nil {
			return err
		}
	}
	return nil
}

// newCycle stores a cycle of the panel in the selecting stage, as the
// cycle workflow's first activity does. direct has the server save its
// reviews straight into the store.
func (e *env) newCycle(ctx context.Context, st *store.Store, p panel, from, to time.Time, q domain.CycleQuotas, theme domain.ThemeFilter, direct bool) (int64, error) {
	e.cycles++
	id, _, err := st.CreateCycle(ctx, store.NewCycle{WorkflowID: fmt.Sprintf("bench-cycle-%d", e.cycles), PanelID: p.id,
		WindowStart: from, WindowEnd: to, Quotas: q, ReservesPerStratum: 1, ThemeFilter: theme, Schedule: json.RawMessage(`{}`),
		StartedBy: "bench@bench.example.org", CoordinatorName: "Bench coordinator", CoordinatorEmail: "bench@bench.example.org", DirectReviews: direct})
	return id, err
}

// reviewerCount is how many members the reviewing panel needs: one first
// submission of each of ten cases per member for every request of the
// review load.
func (e *env) reviewerCount() int {
	return max(1, reviewRate*int(e.o.Scale.Load.Seconds())/10)
}

// actions generates the scale's action log once, on the local panel,
// spread over every Area.
func (e *env) actions(ctx context.Context) error {
	if e.actionsMade {
		return nil
	}
	began := time.Now()
	if err := e.stack.Store.GenerateBenchActions(ctx, e.local.id, e.o.Scale.Actions); err != nil {
		return err
	}
	e.actionsMade = true
	e.o.Progress("generated %d actions in %s", e.o.Scale.Actions, time.Since(began).Round(time.Millisecond))
	return nil
}
