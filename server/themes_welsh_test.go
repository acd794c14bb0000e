package server_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/lsip/scrutiny/domain"
	"github.com/lsip/scrutiny/i18n"
	"github.com/lsip/scrutiny/store"
)

// TestThemesHaveWelshNames: every built-in theme has a Welsh name in the
// catalogue; an admin gives an added theme its Welsh name when adding it
// or later, and sees which themes Welsh readers still see in English; the
// Welsh community update names each theme in Welsh (the built-in ones
// from the catalogue, the added ones as the admin gave them), the English
// one in English.
func TestThemesHaveWelshNames(t *testing.T) {
	e := startCoordEnv(t, false)
	ctx := context.Background()
	themes, err := e.st.LearningThemes(ctx)
	e.must(err)
	for _, th := range themes {
		welsh, ok := i18n.Lookup(i18n.Welsh, "theme."+th.Code)
		english, _ := i18n.Lookup(i18n.English, "theme."+th.Code)
		if th.BuiltIn && (!ok || welsh.Other == th.Label || english.Other != th.Label) {
			t.Errorf("built-in theme %s (%q): Welsh %q, English %q in the catalogue", th.Code, th.Label, welsh.Other, english.Other)
		}
	}

	admin := e.staff(store.User{Name: "Ada Admin", Email: "ada@example.org", Role: domain.StaffAdmin})
	for _, add := range []url.Values{
		{"code": {"youth_victims"}, "label": {"Youth victims"}, "label_cy": {"Dioddefwyr ifanc"}},
		{"code": {"interpreters"}, "label": {"Interpreters"}},
	} {
		if status, loc, page := admin.post("/admin/themes", add, "/admin/themes"); status != http.StatusSeeOther {
			t.Fatalf("add theme %v: %d %s\n%s", add, status, loc, page)
		}
	}
	_, _, page := admin.get("/admin/themes")
	for _, want := range []string{`<span lang="cy">Dioddefwyr ifanc</span>`, `<span lang="cy">Penderfyniadau cyhuddo</span>`,
		"None yet: Welsh readers see Interpreters", `<option value="interpreters">`} {
		if !strings.Contains(page, want) {
			t.Errorf("the themes page lacks %s:\n%s", want, page)
		}
	}
	if strings.Contains(page, `<option value="youth_victims">`) || strings.Contains(page, `<option value="charging">`) {
		t.Errorf("the themes page offers to name in Welsh a theme that has a Welsh name:\n%s", page)
	}
	if status, _, page := admin.post("/admin/themes/welsh", url.Values{"theme": {"interpreters"}, "theme_cy": {""}}, "/admin/themes"); status != http.StatusUnprocessableEntity ||
		!strings.Contains(page, "Enter the theme&#39;s Welsh name") {
		t.Errorf("an empty Welsh name = %d\n%s", status, page)
	}
	if status, _, _ := admin.post("/admin/themes/welsh", url.Values{"theme": {"charging"}, "theme_cy": {"Arall"}}, "/admin/themes"); status != http.StatusUnprocessableEntity {
		t.Errorf("renaming a built-in theme in Welsh = %d, want 422", status)
	}
	if status, _, _ := admin.post("/admin/themes/welsh", url.Values{"theme": {"interpreters"}, "theme_cy": {"Cyfieithwyr"}}, "/admin/themes"); status != http.StatusSeeOther {
		t.Fatalf("give Interpreters its Welsh name = %d", status)
	}
	if _, _, page := admin.get("/admin/themes"); strings.Contains(page, "None yet") || !strings.Contains(page, `<span lang="cy">Cyfieithwyr</span>`) {
		t.Errorf("after giving the Welsh name the themes page still shows the fallback:\n%s", page)
	}

	cycle := e.seedCommunity()
	_, err = e.db.Exec(ctx, `INSERT INTO learning_points (cycle_id, case_id, text, tag, theme)
		SELECT $1, case_id, 'Young victims were kept informed', 'prosecution', 'youth_victims' FROM cycle_cases WHERE cycle_id = $1 LIMIT 1`, cycle)
	e.must(err)
	coord := e.staff(store.User{Name: "Cerys Coordinator", Email: "cerys@example.org", Role: domain.StaffCoordinator, PanelIDs: []int64{e.panel}})
	for _, tc := range []struct {
		lang       i18n.Lang
		want, gone []string
	}{
		{i18n.Welsh, []string{"Tystiolaeth o elyniaeth", "Dioddefwyr ifanc"}, []string{"Hostility evidence", "Youth victims"}},
		{i18n.English, []string{"Hostility evidence", "Youth victims"}, []string{"Tystiolaeth o elyniaeth", "Dioddefwyr ifanc"}},
	} {
		code, _, body := coord.get("/community/wales/update?" + communityPeriod + "&lang=" + string(tc.lang))
		if code != http.StatusOK || i18n.Missing(body) {
			t.Fatalf("the %s update = %d\n%s", tc.lang, code, body)
		}
		for _, w := range tc.want {
			if !strings.Contains(body, w) {
				t.Errorf("the %s update lacks the theme %q", tc.lang, w)
			}
		}
		for _, w := range tc.gone {
			if strings.Contains(body, w) {
				t.Errorf("the %s update names a theme as %q", tc.lang, w)
			}
		}
	}
}
