package store_test

import (
	"context"
	"errors"
	"strconv"
	"testing"
	"time"

	"github.com/lsip/scrutiny/domain"
	"github.com/lsip/scrutiny/store"
	"github.com/lsip/scrutiny/testenv"
)

// TestComparisonFigures: the comparison counts each Area's cases by
// strand, findings by category, learning by theme (unthemed points under
// NoTheme) and actions raised, completed, overdue and the median days to
// complete, within the period only; the national figures add the Areas
// up; a manager gets their Area and the national figures, never another
// Area's row.
func TestComparisonFigures(t *testing.T) {
	st := testenv.DB(t)
	db := testenv.SQL(t, st)
	ctx := context.Background()
	exec := func(sql string, args ...any) {
		t.Helper()
		if _, err := db.Exec(ctx, sql, args...); err != nil {
			t.Fatal(err)
		}
	}
	seedArea := func(code, meeting string, strands []string, category, theme string) (area int16) {
		t.Helper()
		var panel, cycle int64
		if err := db.QueryRow(ctx, `INSERT INTO panels (area_id, name, covers) SELECT id, $1 || ' LSIP', 'both' FROM areas WHERE code = $1 RETURNING id, area_id`, code).Scan(&panel, &area); err != nil {
			t.Fatal(err)
		}
		if err := db.QueryRow(ctx, `INSERT INTO cycles (panel_id, workflow_id, window_start, window_end, quotas, started_by, coordinator_name, coordinator_email, stage)
			VALUES ($1, 'c-' || $2, '2026-01-01', '2026-03-31', '{}', 't', 'C', 'c@example.org', 'closed') RETURNING id`, panel, meeting).Scan(&cycle); err != nil {
			t.Fatal(err)
		}
		exec(`INSERT INTO meetings (cycle_id, starts_at, ends_at, ics_uid) VALUES ($1, $2::timestamptz, $2::timestamptz + interval '2 hours', md5(random()::text))`, cycle, meeting)
		for i, strand := range strands {
			var c int64
			if err := db.QueryRow(ctx, `INSERT INTO cases (area_id, reference, category, principal_offence, finalised_on, outcome, summary)
				VALUES ($1, $2 || '-' || $3::text, 'hate_crime', 'x', '2026-02-01', 'conviction_plea', 's') RETURNING id`, area, code, strconv.Itoa(i)).Scan(&c); err != nil {
				t.Fatal(err)
			}
			exec(`INSERT INTO case_strands VALUES ($1, $2)`, c, strand)
			exec(`INSERT INTO cycle_cases (cycle_id, case_id, stratum, draw_position, role, status) VALUES ($1, $2, $3, 0, 'selected', 'approved')`, cycle, c, strand)
			exec(`INSERT INTO findings (cycle_id, case_id, category, recorded_by) VALUES ($1, $2, $3, 'chair')`, cycle, c, category)
		}
		exec(`INSERT INTO learning_points (cycle_id, text, tag, theme) VALUES ($1, 'Themed', 'prosecution', $2), ($1, 'Old point', 'police', NULL)`, cycle, theme)
		// Completed after 10 and 30 days, one late; one still open and past due;
		// one cancelled and past due, which is never overdue.
		for _, days := range []int{10, 30} {
			exec(`INSERT INTO actions (panel_id, area_id, cycle_id, description, owner_name, owner_email, manager_name, manager_email, due_on, status, created_at, closed_at)
				VALUES ($1, $2, $3, 'a', 'o', 'o@example.org', 'm', 'm@example.org', '2026-06-01', 'completed', '2026-05-11', '2026-05-11'::timestamptz + $4 * interval '1 day')`, panel, area, cycle, days)
		}
		exec(`INSERT INTO actions (panel_id, area_id, description, owner_name, owner_email, manager_name, manager_email, due_on, status, created_at)
			VALUES ($1, $2, 'late', 'o', 'o@example.org', 'm', 'm@example.org', '2026-06-01', 'open', '2026-05-11'),
			       ($1, $2, 'dropped', 'o', 'o@example.org', 'm', 'm@example.org', '2026-06-01', 'cancelled', '2026-05-11')`, panel, area)
		return area
	}
	wales := seedArea("wales", "2026-05-10 17:00Z", []string{"race", "race", "disability"}, "concerns", "charging")
	london := seedArea("london-north", "2026-06-10 17:00Z", []string{"race"}, "handled_well", "victim_care")
	// A meeting outside the period counts for nothing but its actions.
	seedArea("north-west", "2025-01-10 17:00Z", []string{"race"}, "concerns", "charging")

	from, to := time.Date(2026, 4, 1, 0, 0, 0, 0, time.UTC), time.Date(2026, 9, 30, 0, 0, 0, 0, time.UTC)
	cmp, err := st.Comparison(ctx, store.ScopeOf(store.User{Role: domain.StaffAdmin}), from, to)
	if err != nil {
		t.Fatal(err)
	}
	if len(cmp.Sets) != len(domain.Areas)+1 || cmp.Sets[0].Name != "National" {
		t.Fatalf("sets: %d, first %q", len(cmp.Sets), cmp.Sets[0].Name)
	}
	byID := map[int16]domain.ComparisonFigures{}
	for _, f := range cmp.Sets {
		byID[f.AreaID] = f
	}
	w, l, n := byID[wales], byID[london], byID[0]
	if w.CasesByStrand["race"] != 2 || w.CasesByStrand["disability"] != 1 || w.FindingsByCategory["concerns"] != 3 ||
		w.LearningByTheme["charging"] != 1 || w.LearningByTheme[domain.NoTheme] != 1 || w.LearningByTheme["victim_care"] != 0 {
		t.Errorf("Wales: %+v", w)
	}
	if l.CasesByStrand["race"] != 1 || l.FindingsByCategory["handled_well"] != 1 || l.LearningByTheme["victim_care"] != 1 {
		t.Errorf("London North: %+v", l)
	}
	if n.CasesByStrand["race"] != 3 || n.FindingsByCategory["concerns"] != 3 || n.LearningByTheme[domain.NoTheme] != 2 || n.LearningByTheme["charging"] != 1 {
		t.Errorf("national: %+v", n)
	}
	if w.ActionsRaised != 4 || w.ActionsClosed != 2 || w.ActionsOverdue != 2 || w.MedianDaysToClose == nil || *w.MedianDaysToClose != 20 {
		t.Errorf("Wales actions: raised %d closed %d overdue %d median %v", w.ActionsRaised, w.ActionsClosed, w.ActionsOverdue, w.MedianDaysToClose)
	}
	if n.ActionsRaised != 12 || n.ActionsClosed != 6 || n.ActionsOverdue != 6 {
		t.Errorf("national actions: raised %d closed %d overdue %d", n.ActionsRaised, n.ActionsClosed, n.ActionsOverdue)
	}
	if len(cmp.Themes) < 7 || !cmp.Themes[0].BuiltIn {
		t.Errorf("themes: %+v", cmp.Themes)
	}

	mine, err := st.Comparison(ctx, store.ScopeOf(store.User{Role: domain.StaffManager, AreaID: &wales}), from, to)
	if err != nil {
		t.Fatal(err)
	}
	if len(mine.Sets) != 2 || mine.Sets[0].AreaID != 0 || mine.Sets[1].AreaID != wales || mine.Sets[0].CasesByStrand["race"] != 3 {
		t.Errorf("manager's comparison: %+v", mine.Sets)
	}
}

// TestLearningThemes: the built-in themes are seeded; an admin's theme
// joins the list, and a code or label already used (ignoring case) is
// ErrThemeExists.
func TestLearningThemes(t *testing.T) {
	st := testenv.DB(t)
	ctx := context.Background()
	if err := st.AddLearningTheme(ctx, "interpreters", "Interpreters", "admin@example.org"); err != nil {
		t.Fatal(err)
	}
	for _, clash := range [][2]string{{"interpreters", "Other"}, {"other", "interPRETERS"}, {"charging", "New charging"}} {
		if err := st.AddLearningTheme(ctx, clash[0], clash[1], "admin@example.org"); !errors.Is(err, store.ErrThemeExists) {
			t.Errorf("%v: %v, want ErrThemeExists", clash, err)
		}
	}
	themes, err := st.LearningThemes(ctx)
	if err != nil {
		t.Fatal(err)
	}
	codes := map[string]domain.LearningTheme{}
	for _, th := range themes {
		codes[th.Code] = th
	}
	for _, c := range []string{"charging", "hostility_evidence", "victim_care", "disclosure", "language", "joint_working", "timeliness"} {
		if !codes[c].BuiltIn {
			t.Errorf("built-in theme %s missing", c)
		}
	}
	if th := codes["interpreters"]; th.BuiltIn || th.CreatedBy != "admin@example.org" || themes[len(themes)-1].Code != "interpreters" {
		t.Errorf("added theme: %+v, last %+v", th, themes[len(themes)-1])
	}
}

// TestLearningPointTheme: a learning point keeps its theme, and a theme
// not on the list is refused by the database.
func TestLearningPointTheme(t *testing.T) {
	st := testenv.DB(t)
	db := testenv.SQL(t, st)
	ctx := context.Background()
	var cycle int64
	if err := db.QueryRow(ctx, `WITH p AS (INSERT INTO panels (area_id, name, covers) SELECT id, 'P', 'both' FROM areas WHERE code = 'wales' RETURNING id)
		INSERT INTO cycles (panel_id, workflow_id, window_start, window_end, quotas, started_by, coordinator_name, coordinator_email)
		SELECT p.id, 'c', '2026-01-01', '2026-03-31', '{}', 't', 'C', 'c@example.org' FROM p RETURNING id`).Scan(&cycle); err != nil {
		t.Fatal(err)
	}
	id, _, err := st.AddLearningPoint(ctx, store.NewLearningPoint{CycleID: cycle, Text: "Use interpreters", Tag: "prosecution", Theme: "language", RequestKey: "k1"})
	if err != nil {
		t.Fatal(err)
	}
	var theme string
	if err := db.QueryRow(ctx, `SELECT theme FROM learning_points WHERE id = $1`, id).Scan(&theme); err != nil || theme != "language" {
		t.Errorf("theme %q (%v)", theme, err)
	}
	if _, _, err := st.AddLearningPoint(ctx, store.NewLearningPoint{CycleID: cycle, Text: "x", Tag: "police", Theme: "made_up", RequestKey: "k2"}); err == nil {
		t.Error("a theme not on the list was stored")
	}
}
