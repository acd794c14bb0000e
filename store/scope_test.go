package store_test

import (
	"context"
	"errors"
	"slices"
	"testing"

	"github.com/lsip/scrutiny/domain"
	"github.com/lsip/scrutiny/store"
	"github.com/lsip/scrutiny/testenv"
)

// scopeFixture is two Wales panels and one North East panel, each with a
// cycle, a member and an action, and a closed case in each Area.
type scopeFixture struct {
	area    map[string]int16 // by Area code
	panel   map[string]int64 // by panel name
	cycle   map[string]int64 // by panel name
	member  map[string]int64
	action  map[string]int64
	panelOf map[int64]string // panel name by panel ID
}

func seedScope(t *testing.T, st *store.Store) scopeFixture {
	t.Helper()
	ctx := context.Background()
	db := testenv.SQL(t, st)
	f := scopeFixture{area: map[string]int16{}, panel: map[string]int64{}, cycle: map[string]int64{}, member: map[string]int64{},
		action: map[string]int64{}, panelOf: map[int64]string{}}
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	for _, p := range []struct{ name, area string }{{"Wales One", "wales"}, {"Wales Two", "wales"}, {"North East", "north-east"}} {
		var panel, cycle, member, action int64
		var area int16
		must(db.QueryRow(ctx, `INSERT INTO panels (area_id, name, covers) SELECT id, $2, 'both' FROM areas WHERE code = $1 RETURNING id, area_id`,
			p.area, p.name).Scan(&panel, &area))
		must(db.QueryRow(ctx, `INSERT INTO cycles (panel_id, workflow_id, window_start, window_end, quotas, started_by, coordinator_name, coordinator_email)
			VALUES ($1, $2, '2026-01-01', '2026-03-31', '{}', 't', 'C', 'c@example.org') RETURNING id`, panel, "cycle-"+p.name).Scan(&cycle))
		must(db.QueryRow(ctx, `INSERT INTO members (panel_id, name, email, role) VALUES ($1, 'M', 'm@example.org', 'member') RETURNING id`, panel).Scan(&member))
		must(db.QueryRow(ctx, `INSERT INTO actions (panel_id, area_id, description, owner_name, owner_email, manager_name, manager_email, due_on)
			VALUES ($1, $2, 'a', 'o', 'o@example.org', 'm', 'm@example.org', current_date) RETURNING id`, panel, area).Scan(&action))
		f.area[p.area], f.panel[p.name], f.cycle[p.name], f.member[p.name], f.action[p.name] = area, panel, cycle, member, action
		f.panelOf[panel] = p.name
	}
	for code, ref := range map[string]string{"wales": "W-1", "north-east": "NE-1"} {
		_, err := db.Exec(ctx, `INSERT INTO cases (area_id, reference, category, principal_offence, finalised_on, outcome, summary)
			VALUES ($1, $2, 'hate_crime', 'x', '2026-02-01', 'conviction_plea', 's')`, f.area[code], ref)
		must(err)
	}
	return f
}

// TestScopeForEachRole checks, for each kind of staff user, that every
// list, search, report Area list and single-item lookup shows exactly the
// panels and Areas the user's role and scope reach, and that an item out
// of scope is told apart from one that does not exist.
func TestScopeForEachRole(t *testing.T) {
	st := testenv.DB(t)
	f := seedScope(t, st)
	ctx := context.Background()
	wales, ne := f.area["wales"], f.area["north-east"]
	all := []string{"North East", "Wales One", "Wales Two"}
	for _, tc := range []struct {
		name   string
		user   store.User
		panels []string // the panels they see, by name
		areas  []string // the Areas they see, by name
	}{
		{"admin", store.User{Role: domain.StaffAdmin}, all, nil},
		{"coordinator", store.User{Role: domain.StaffCoordinator, PanelIDs: []int64{f.panel["Wales One"]}}, []string{"Wales One"}, []string{"Wales"}},
		{"chair", store.User{Role: domain.StaffChair, PanelIDs: []int64{f.panel["Wales One"]}}, []string{"Wales One"}, []string{"Wales"}},
		{"manager", store.User{Role: domain.StaffManager, AreaID: &wales}, []string{"Wales One", "Wales Two"}, []string{"Wales"}},
		{"coordinator of another panel", store.User{Role: domain.StaffCoordinator, PanelIDs: []int64{f.panel["North East"]}}, []string{"North East"}, []string{"North East"}},
		{"manager of another Area", store.User{Role: domain.StaffManager, AreaID: &ne}, []string{"North East"}, []string{"North East"}},
		{"manager without an Area", store.User{Role: domain.StaffManager}, nil, []string{}},
		{"coordinator without panels", store.User{Role: domain.StaffCoordinator}, nil, []string{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			sc := store.ScopeOf(tc.user)
			if sc.Everything() != (tc.user.Role == domain.StaffAdmin) {
				t.Errorf("Everything() = %v", sc.Everything())
			}
			want := slices.Clone(tc.panels)
			slices.Sort(want)

			panels, total, err := st.PanelsIn(ctx, sc, 0, 0)
			check(t, "PanelsIn", err, total, len(want))
			sameNames(t, "PanelsIn", want, names(panels, func(p domain.Panel) string { return p.Name }))

			cycles, total, err := st.CyclesIn(ctx, sc, 50, 0)
			check(t, "CyclesIn", err, total, len(want))
			sameNames(t, "CyclesIn", want, names(cycles, func(c domain.CycleListing) string { return c.Panel }))

			actions, total, _, err := st.ListActions(ctx, store.ActionFilter{Scope: sc, Limit: 50})
			check(t, "ListActions", err, total, len(want))
			sameNames(t, "ListActions", want, names(actions, func(a domain.ActionRow) string { return a.Panel }))

			areas, err := st.AreasIn(ctx, sc)
			check(t, "AreasIn", err, 0, 0)
			if tc.areas == nil {
				if len(areas) != len(domain.Areas) {
					t.Errorf("AreasIn: %d Areas, want all %d", len(areas), len(domain.Areas))
				}
			} else {
				sameNames(t, "AreasIn", tc.areas, names(areas, func(a domain.AreaRef) string { return a.Name }))
			}

			// Cases belong to an Area: a coordinator or chair sees those of
			// their panels' Areas.
			cases, _, err := st.SearchCases(ctx, sc, store.CaseFilter{}, 50, 0)
			check(t, "SearchCases", err, 0, 0)
			wantAreas := tc.areas
			if wantAreas == nil {
				wantAreas = []string{"North East", "Wales"}
			}
			sameNames(t, "SearchCases", wantAreas, names(cases, func(c domain.CaseListing) string { return c.Area }))

			for _, name := range all {
				in := slices.Contains(tc.panels, name)
				_, err := st.PanelIn(ctx, sc, f.panel[name])
				lookedUp(t, "PanelIn "+name, err, in)
				_, err = st.CycleIn(ctx, sc, f.cycle[name])
				lookedUp(t, "CycleIn "+name, err, in)
				_, err = st.MemberPanelIn(ctx, sc, f.member[name])
				lookedUp(t, "MemberPanelIn "+name, err, in)
				_, err = st.ActionIn(ctx, sc, f.action[name])
				lookedUp(t, "ActionIn "+name, err, in)
			}
			for what, err := range map[string]error{
				"PanelIn":       second(st.PanelIn(ctx, sc, -1)),
				"CycleIn":       second(st.CycleIn(ctx, sc, -1)),
				"MemberPanelIn": second(st.MemberPanelIn(ctx, sc, -1)),
				"ActionIn":      second(st.ActionIn(ctx, sc, -1)),
			} {
				if !errors.Is(err, store.ErrNotFound) {
					t.Errorf("%s of a missing item: %v, want ErrNotFound", what, err)
				}
			}
		})
	}
}

func check(t *testing.T, what string, err error, total, want int) {
	t.Helper()
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
	if total != want {
		t.Errorf("%s: total %d, want %d", what, total, want)
	}
}

// lookedUp checks a single-item lookup: found when in scope, else
// ErrOutOfScope.
func lookedUp(t *testing.T, what string, err error, inScope bool) {
	t.Helper()
	switch {
	case inScope && err != nil:
		t.Errorf("%s: %v, want it found", what, err)
	case !inScope && !errors.Is(err, store.ErrOutOfScope):
		t.Errorf("%s: %v, want ErrOutOfScope", what, err)
	}
}

func names[T any](list []T, name func(T) string) []string {
	out := []string{}
	for _, x := range list {
		if n := name(x); !slices.Contains(out, n) {
			out = append(out, n)
		}
	}
	slices.Sort(out)
	return out
}

func sameNames(t *testing.T, what string, want, got []string) {
	t.Helper()
	if want == nil {
		want = []string{}
	}
	if !slices.Equal(want, got) {
		t.Errorf("%s: %v, want %v", what, got, want)
	}
}

func second[T any](_ T, err error) error { return err }
