package server_test

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"testing"

	"github.com/lsip/scrutiny/domain"
	"github.com/lsip/scrutiny/i18n"
	"github.com/lsip/scrutiny/store"
)

// TestCommunityPagesInBothLanguages: the update and the key messages, plain
// and Easy Read, render in English and Welsh with no missing-key marker;
// the Welsh pages say so in their lang attribute and carry Welsh text
// (a strand and a count under 5 as "Hil: llai na 5", a Welsh month), the
// English ones keep their English wording.
func TestCommunityPagesInBothLanguages(t *testing.T) {
	e := startCoordEnv(t, false)
	cycle := e.seedCommunity()
	_, err := e.db.Exec(context.Background(), `INSERT INTO files (kind, cycle_id, filename, content_type, content, sha256) VALUES ('key_messages', $1, 'k.xlsx', 'x', 'x', 'x')`, cycle)
	e.must(err)
	coord := e.staff(store.User{Name: "Cerys Coordinator", Email: "cerys@example.org", Role: domain.StaffCoordinator, PanelIDs: []int64{e.panel}})
	pages := []struct {
		path           string
		english, welsh string
	}{
		{"/community/wales/update?" + communityPeriod, "Race: fewer than 5", "Hil: llai na 5"},
		{"/community/wales/update?layout=easyread&" + communityPeriod, "We agreed to do this.", "Cytunon ni i wneud hyn."},
		{fmt.Sprintf("/cycles/%d/key-messages?x=1", cycle), "May 2026", "Mai 2026"},
		{fmt.Sprintf("/cycles/%d/key-messages?layout=easyread", cycle), "The panel looked at 9 cases.", "Edrychodd y panel ar 9 o achosion."},
	}
	for _, p := range pages {
		for _, lang := range i18n.Langs {
			code, _, body := coord.get(p.path + "&lang=" + string(lang))
			if code != 200 {
				t.Fatalf("%s in %s: %d\n%s", p.path, lang, code, body)
			}
			if i18n.Missing(body) {
				t.Errorf("%s in %s shows a missing-key marker:\n%s", p.path, lang, body)
			}
			want := map[i18n.Lang]string{i18n.English: p.english, i18n.Welsh: p.welsh}[lang]
			if !strings.Contains(body, want) || !strings.Contains(body, `<html lang="`+string(lang)+`">`) {
				t.Errorf("%s in %s lacks %q or its lang attribute:\n%s", p.path, lang, want, body)
			}
			if strings.Contains(body, "WAL-C") {
				t.Errorf("%s in %s shows a case reference", p.path, lang)
			}
		}
	}
}

// TestCommunityUpdateSendInTheGroupsLanguage: a group that prefers Welsh
// gets the update in Welsh, subject and both parts, while an English group
// on the same send gets English; neither shows a missing-key marker.
func TestCommunityUpdateSendInTheGroupsLanguage(t *testing.T) {
	e := startCoordEnv(t, true)
	e.seedCommunity()
	coord := e.staff(store.User{Name: "Cerys Coordinator", Email: "cerys@example.org", Role: domain.StaffCoordinator, PanelIDs: []int64{e.panel}})
	for _, g := range [][3]string{{"Fforwm Caerdydd", "fforwm@example.org", "cy"}, {"Cardiff Forum", "forum@example.org", "en"}} {
		if code, _, body := coord.post("/community/wales/groups", url.Values{"name": {g[0]}, "email": {g[1]}, "language": {g[2]}}, "/community/wales"); code != 303 {
			t.Fatalf("add %s: %d\n%s", g[0], code, body)
		}
	}
	if code, _, body := coord.post("/community/wales/send", url.Values{"from": {"2026-04-01"}, "to": {"2026-09-30"}}, "/community/wales"); code != 303 {
		t.Fatalf("send: %d\n%s", code, body)
	}
	welsh := e.waitMail("fforwm@example.org", "Dywedoch chi, gwnaethom ni: Wales, 1 Ebrill 2026 i 30 Medi 2026")
	if strings.Contains(welsh.Subject, "You said") || !strings.Contains(welsh.Text, "Annwyl gydweithwyr") ||
		!strings.Contains(welsh.HTML, `lang="cy"`) || !strings.Contains(welsh.HTML, "Hil: llai na 5") || strings.Contains(welsh.HTML, "fewer than 5") {
		t.Errorf("the Welsh group's email is not in Welsh: %q\n%s\n%s", welsh.Subject, welsh.Text, welsh.HTML)
	}
	english := e.waitMail("forum@example.org", "You said, we did: Wales, 1 April 2026 to 30 September 2026")
	if strings.Contains(english.HTML+english.Text, "llai na 5") || !strings.Contains(english.HTML, "Race: fewer than 5") {
		t.Errorf("the English group's email is not in English:\n%s", english.HTML)
	}
	for _, m := range []string{welsh.Subject + welsh.Text + welsh.HTML, english.Subject + english.Text + english.HTML} {
		if i18n.Missing(m) {
			t.Errorf("an email shows a missing-key marker:\n%s", m)
		}
	}
}

// TestCommunityUpdateBilingualArea: when a panel of the Area writes in both
// languages, every group gets the update in Welsh then English.
func TestCommunityUpdateBilingualArea(t *testing.T) {
	e := startCoordEnv(t, true)
	e.seedCommunity()
	if _, err := e.db.Exec(context.Background(), `UPDATE panels SET bilingual = true WHERE id = $1`, e.panel); err != nil {
		t.Fatal(err)
	}
	coord := e.staff(store.User{Name: "Cerys Coordinator", Email: "cerys@example.org", Role: domain.StaffCoordinator, PanelIDs: []int64{e.panel}})
	if code, _, body := coord.post("/community/wales/groups", url.Values{"name": {"Cardiff Forum"}, "email": {"forum@example.org"}, "language": {"en"}}, "/community/wales"); code != 303 {
		t.Fatalf("add group: %d\n%s", code, body)
	}
	if code, _, body := coord.post("/community/wales/send", url.Values{"from": {"2026-04-01"}, "to": {"2026-09-30"}}, "/community/wales"); code != 303 {
		t.Fatalf("send: %d\n%s", code, body)
	}
	m := e.waitMail("forum@example.org", "You said, we did")
	cy, en := strings.Index(m.Subject, "Dywedoch chi"), strings.Index(m.Subject, "You said")
	if cy < 0 || cy > en || !strings.Contains(m.Text, "Annwyl gydweithwyr") || !strings.Contains(m.HTML, "Hil: llai na 5") || !strings.Contains(m.HTML, "Race: fewer than 5") {
		t.Errorf("the bilingual Area's update is not in Welsh then English: %q\n%s\n%s", m.Subject, m.Text, m.HTML)
	}
}
