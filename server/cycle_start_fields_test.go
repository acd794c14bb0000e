package server_test

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/lsip/scrutiny/domain"
	"github.com/lsip/scrutiny/store"
	"github.com/lsip/scrutiny/uktime"
)

// TestStartFormTakesAForumsAgendaAndANationalPanelsTheme: the start-a-cycle
// form shows a forum's agenda only for a forum (with no cases to draw), the
// theme filter for every panel that draws cases, local or national, and
// the fewest cases per Area only for a national panel; each starts
// the cycle with what was typed, and a field the panel does not take, or
// cannot be read, is named beside the field in words.
func TestStartFormTakesAForumsAgendaAndANationalPanelsTheme(t *testing.T) {
	e := startCoordEnv(t, true)
	ctx := context.Background()
	var forum, national int64
	e.must(e.db.QueryRow(ctx, `INSERT INTO panels (area_id, name, covers, kind) SELECT id, 'Community Accountability Forum', 'both', 'forum' FROM areas WHERE code = 'wales' RETURNING id`).Scan(&forum))
	e.must(e.db.QueryRow(ctx, `INSERT INTO panels (area_id, name, covers, kind) SELECT id, 'GRT National Panel', 'hate_crime', 'national' FROM areas WHERE code = 'wales' RETURNING id`).Scan(&national))
	_, err := e.db.Exec(ctx, `INSERT INTO panel_strands (panel_id, strand) VALUES ($1, 'race'), ($1, 'religion')`, national)
	e.must(err)
	coord := e.staff(store.User{Name: "Cath Coordinator", Email: "cath@example.org", Role: domain.StaffCoordinator, PanelIDs: []int64{e.panel, forum, national}})
	id := func(n int64) string { return strconv.FormatInt(n, 10) }

	for _, tc := range []struct {
		panel      int64
		want, gone []string
	}{
		{forum, []string{`id="agenda"`}, []string{`id="quotas"`, `id="theme_strands"`, "for a forum only"}},
		{national, []string{`id="theme_strands"`, `value="gypsy_roma_traveller"`, `id="quotas"`}, []string{`id="agenda"`}},
		{e.panel, []string{`id="quotas"`, `id="theme_strands"`, "from the panel's Area"}, []string{`id="agenda"`, `id="theme_min_per_area"`}},
	} {
		code, _, body := coord.get("/cycles/new?panel_id=" + id(tc.panel))
		if code != http.StatusOK {
			t.Fatalf("the form for panel %d = %d", tc.panel, code)
		}
		for _, w := range tc.want {
			if !strings.Contains(body, w) {
				t.Errorf("the form for panel %d lacks %s", tc.panel, w)
			}
		}
		for _, w := range tc.gone {
			if strings.Contains(body, w) {
				t.Errorf("the form for panel %d shows %s", tc.panel, w)
			}
		}
	}
	if _, _, body := coord.get("/cycles/new"); !strings.Contains(body, "Agenda, for a forum only") || !strings.Contains(body, "Theme filter, for a panel that reviews cases") {
		t.Errorf("before a panel is chosen the form does not offer both, saying which kind each is for:\n%s", body)
	}

	meeting := time.Now().In(uktime.London).AddDate(0, 0, 40).Format(time.DateOnly) + " 18:00"
	form := func(panel int64, extra url.Values) url.Values {
		v := url.Values{"panel_id": {id(panel)}, "meeting_start": {meeting}, "hours": {"2"}, "location": {"Cardiff office"}}
		if panel != forum {
			v.Set("window_start", time.Now().AddDate(0, -6, 0).Format(time.DateOnly))
			v.Set("window_end", time.Now().Format(time.DateOnly))
			v.Set("quotas", "race=1")
		}
		for k, vs := range extra {
			v[k] = vs
		}
		return v
	}
	for _, tc := range []struct {
		name  string
		panel int64
		extra url.Values
		want  string
	}{
		{"an agenda for a panel", e.panel, url.Values{"agenda": {"Welcome"}}, "Only a forum&#39;s meeting has an agenda"},
		{"a theme for a forum", forum, url.Values{"theme_youth": {"yes"}}, "Only a panel that reviews cases takes a theme filter"},
		{"fewest per Area for a local panel", e.panel, url.Values{"theme_min_per_area": {"1"}}, "Only a national panel draws from every Area"},
		{"an unreadable agenda line", forum, url.Values{"agenda": {"Welcome | Chair | ten"}}, "Line 1: the minutes must be a whole number"},
		{"an empty agenda title", forum, url.Values{"agenda": {" | Chair | 10"}}, "Agenda item 1: give the item a title"},
		{"a strand the panel does not review", national, url.Values{"theme_strands": {"race", "disability"}}, "Theme strand disability: is not a strand this panel reviews"},
		{"dates the wrong way round", national, url.Values{"theme_from": {"2026-05-01"}, "theme_to": {"2026-01-01"}}, "Finalised to: must not be before finalised_from"},
		{"too many per Area", national, url.Values{"theme_min_per_area": {"9"}}, "Fewest cases per Area: must be between 0 and 5"},
	} {
		code, _, body := coord.post("/cycles/new", form(tc.panel, tc.extra), "/cycles/new")
		if code != http.StatusUnprocessableEntity || !strings.Contains(body, tc.want) {
			t.Errorf("%s = %d, want 422 saying %q:\n%s", tc.name, code, tc.want, body)
		}
	}

	start := func(panel int64, extra url.Values) int64 {
		t.Helper()
		code, to, body := coord.post("/cycles/new", form(panel, extra), "/cycles/new")
		if code != http.StatusSeeOther {
			t.Fatalf("start panel %d's cycle = %d\n%s", panel, code, body)
		}
		n, _ := strconv.ParseInt(strings.TrimPrefix(strings.Split(to, "?")[0], "/cycles/"), 10, 64)
		return n
	}
	in := e.cycleInput(start(forum, url.Values{"agenda": {"Welcome | Chair | 10\n\nAny other business\n"}}))
	if !in.Forum || len(in.Agenda) != 2 || in.Agenda[0].Lead != "Chair" || in.Agenda[0].Minutes != 10 || in.Agenda[1].Title != "Any other business" {
		t.Errorf("the forum's cycle: forum %v, agenda %+v", in.Forum, in.Agenda)
	}
	in = e.cycleInput(start(national, url.Values{"theme_strands": {"race"}, "theme_groups": {"gypsy_roma_traveller"}, "theme_online": {"no"},
		"theme_youth": {"any"}, "theme_outcomes": {"conviction_trial"}, "theme_min_per_area": {"2"}}))
	tf := in.ThemeFilter
	if tf == nil || len(tf.Strands) != 1 || tf.Strands[0] != "race" || len(tf.VictimGroups) != 1 || tf.VictimGroups[0] != domain.VictimGypsyRomaTraveller ||
		tf.OnlineOffending == nil || *tf.OnlineOffending || tf.YouthVictim != nil || len(tf.Outcomes) != 1 || tf.MinPerArea != 2 {
		t.Errorf("the national panel's theme: %+v", tf)
	}
	in = e.cycleInput(start(e.panel, url.Values{"theme_strands": {"race"}, "theme_youth": {"yes"}}))
	if tf := in.ThemeFilter; tf == nil || len(tf.Strands) != 1 || tf.Strands[0] != "race" || tf.YouthVictim == nil || !*tf.YouthVictim {
		t.Errorf("the local panel's theme: %+v", tf)
	}
}
