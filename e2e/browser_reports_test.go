package e2e

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/lsip/scrutiny/domain"
	"github.com/lsip/scrutiny/store"
	"github.com/lsip/scrutiny/testenv"
)

// TestBrowserComparisonAndBoardPages: a manager signs in with their second
// factor and opens the cross-Area comparison for a period with data; it
// shows Wales beside the national figures as SVG charts, each an image
// named by its title, with exact figures, and then as the Board sees it
// with small figures withheld; an admin opens the Board report page and
// the comparison of every Area. Every page passes axe.
func TestBrowserComparisonAndBoardPages(t *testing.T) {
	t.Parallel()
	s := newStack(t, false)
	ctx := context.Background()
	area := seedComparisonPeriod(t, s)
	now := time.Now().UTC()
	period := "from=" + now.AddDate(0, -2, 0).Format(time.DateOnly) + "&to=" + now.Format(time.DateOnly)

	manager := store.User{Name: "Morgan Manager", Email: "morgan@example.org", Role: domain.StaffManager, AreaID: &area}
	manager.ID, _ = s.st.CreateUser(ctx, manager)
	s.st.SetPassword(ctx, manager.ID, journeyPassword)
	j := newJourney(t, "comparison", s.url)
	j.desktop()
	j.open("/login", "sign-in")
	j.signIn(manager.Email, journeyPassword, &authenticator{secret: enrolTOTP(t, s.st, manager)})
	j.open("/reports/comparison?"+period, "comparison")
	// Four measures, each charted nationally and for Wales.
	if n := j.count(`svg.chart[role="img"]`); n != 8 {
		t.Errorf("the manager's comparison has %d charts, want 8", n)
	}
	if n := j.count(`svg.chart[role="img"] > title`); n != 8 {
		t.Errorf("%d of the charts have a title, want 8", n)
	}
	named := eval[string](j, `Array.from(document.querySelectorAll('svg.chart[role="img"]')).map(svg =>
		svg.getAttribute("aria-labelledby").split(" ").map(id => document.getElementById(id).textContent).join(" / ")).join("\n")`)
	for _, want := range []string{"Cases reviewed by strand: Wales / Race: 5; Religion: 0; Disability: 3;", "Learning points by theme: National", "Actions: Wales / Raised: 6;"} {
		if !strings.Contains(named, want) {
			t.Errorf("no chart named %q among:\n%s", want, named)
		}
	}
	withheld := `Array.from(document.querySelectorAll("table.chart-data td")).filter(td => td.textContent === "fewer than 5").length`
	if n := eval[int](j, withheld); strings.Contains(named, "London") || n != 0 {
		t.Errorf("the manager's exact view shows another Area or withholds %d figures", n)
	}
	// On a narrow phone the charts' text stays at least 14 px high and
	// inside its chart: the bars shorten, the text does not shrink.
	j.do(chromedp.EmulateViewport(320, 700, chromedp.EmulateMobile))
	j.open("/reports/comparison?"+period, "comparison-phone")
	chartText := `Array.from(document.querySelectorAll("svg.chart text")).map(t => {
		const r = t.getBoundingClientRect(), box = t.closest("svg").getBoundingClientRect();
		return {text: t.textContent, height: r.height, inside: r.left >= box.left - 1 && r.right <= box.right + 1};
	}).filter(t => t.height < 14 || !t.inside).map(t => t.text + " (" + Math.round(t.height) + " px" + (t.inside ? "" : ", outside its chart") + ")").join("; ")`
	if small := eval[string](j, chartText); small != "" {
		t.Errorf("chart text illegible at 320 px wide: %s", small)
	}
	j.desktop()
	j.open("/reports/comparison?board=yes&"+period, "comparison-board-view")
	desc := eval[string](j, `document.getElementById("strands-1-desc").textContent`)
	if !strings.HasPrefix(desc, "Race: 5; Religion: fewer than 5; Disability: fewer than 5;") || eval[int](j, withheld) == 0 {
		t.Errorf("Wales's strands as the Board sees them: %q", desc)
	}
	j.signOut()

	admin := store.User{Name: "Ada Admin", Email: "ada.admin@example.org", Role: domain.StaffAdmin}
	admin.ID, _ = s.st.CreateUser(ctx, admin)
	s.st.SetPassword(ctx, admin.ID, journeyPassword)
	j.signIn(admin.Email, journeyPassword, &authenticator{secret: enrolTOTP(t, s.st, admin)})
	j.open("/admin/board", "board")
	if n := j.count(`form[action="/admin/board"] #recipients`) + j.count(`form[action="/admin/board/report.xlsx"] #from`); n != 2 {
		t.Errorf("the Board page lacks its forms (%d of 2 found)", n)
	}
	j.open("/reports/comparison?"+period, "comparison-admin")
	if names := j.text("main"); !strings.Contains(names, "Actions: London North") || !strings.Contains(names, "Actions: Wales") {
		t.Errorf("the admin's comparison lacks an Area:\n%s", names)
	}
}

// seedComparisonPeriod gives the fixture's Wales panel a closed cycle that
// met ten days ago: all eight of its cases reviewed (five race, three
// disability), a finding and a themed learning point, and six actions
// raised; it returns Wales's Area ID.
func seedComparisonPeriod(t *testing.T, s *stack) int16 {
	t.Helper()
	ctx := context.Background()
	db := testenv.SQL(t, s.st)
	var area int16
	var cycle int64
	if err := db.QueryRow(ctx, `INSERT INTO cycles (panel_id, workflow_id, window_start, window_end, quotas, started_by, coordinator_name, coordinator_email, stage)
		SELECT id, 'comparison-cycle', current_date - 90, current_date - 30, '{}', 't', 'C', 'c@example.org', 'closed' FROM panels WHERE id = $1
		RETURNING id, (SELECT area_id FROM panels WHERE id = $1)`, s.f.panelID).Scan(&cycle, &area); err != nil {
		t.Fatal(err)
	}
	for _, sql := range []string{
		`INSERT INTO meetings (cycle_id, starts_at, ends_at, ics_uid) VALUES ($1, now() - interval '10 days', now() - interval '10 days' + interval '2 hours', md5(random()::text))`,
		`INSERT INTO cycle_cases (cycle_id, case_id, stratum, draw_position, role, status)
			SELECT DISTINCT ON (c.id) $1, c.id, cs.strand, 0, 'selected', 'approved' FROM cases c JOIN case_strands cs ON cs.case_id = c.id`,
		`INSERT INTO findings (cycle_id, case_id, category, recorded_by) SELECT $1, min(case_id), 'concerns', 'chair' FROM cycle_cases WHERE cycle_id = $1`,
		`INSERT INTO learning_points (cycle_id, text, tag, theme) VALUES ($1, 'Charge the aggravated offence', 'prosecution', 'charging')`,
		`INSERT INTO actions (panel_id, area_id, cycle_id, description, owner_name, owner_email, manager_name, manager_email, due_on, created_at)
			SELECT p.id, p.area_id, $1, 'Action ' || g, 'O', 'o@example.org', 'M', 'm@example.org', current_date + 30, now() - interval '10 days'
			FROM cycles cy JOIN panels p ON p.id = cy.panel_id, generate_series(1, 6) g WHERE cy.id = $1`,
	} {
		if _, err := db.Exec(ctx, sql, cycle); err != nil {
			t.Fatalf("%v\n%s", err, sql)
		}
	}
	return area
}
