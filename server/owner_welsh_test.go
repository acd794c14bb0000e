package server_test

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/lsip/scrutiny/action"
	"github.com/lsip/scrutiny/i18n"
	"github.com/lsip/scrutiny/uktime"
)

// TestAWelshOwnerIsWrittenToInWelsh: an owner recorded as preferring
// Welsh is told of the action in Welsh, and their personal page, and its
// messages, are in Welsh and marked as Welsh.
func TestAWelshOwnerIsWrittenToInWelsh(t *testing.T) {
	e := startCoordEnv(t, true)
	due := uktime.CalendarDay(time.Now()).AddDate(0, 0, 20)
	id := e.addOwnedAction("Hyfforddi cyfreithwyr ar a.66", ownerAddress, due)
	_, err := e.db.Exec(context.Background(), `UPDATE actions SET owner_language = 'cy' WHERE id = $1`, id)
	e.must(err)
	e.track(id, action.ActionTiming{Reminders: []time.Duration{}, Repeat: 7 * uktime.Day, SendAt: 9 * time.Hour})

	agreed := e.waitMail(ownerAddress, "Cam gweithredu newydd i chi: A-"+strconv.FormatInt(id, 10))
	if !strings.HasPrefix(agreed.Text, "Annwyl Olu Owner,") || strings.Contains(agreed.Text, "Dear ") || i18n.Missing(agreed.Text) {
		t.Errorf("the Welsh agreed notice:\n%s", agreed.Text)
	}
	link := e.ownerLinkIn(agreed.Text)
	o := ownerBrowser{e: e, client: &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
	code, _, body := o.do(http.MethodGet, link, nil)
	if code != http.StatusOK || !strings.Contains(body, `<html lang="cy">`) || !strings.Contains(body, "Beth a gytunwyd") ||
		strings.Contains(body, "What was agreed") || i18n.Missing(body) {
		t.Errorf("the Welsh owner's page = %d:\n%s", code, body)
	}
	code, _, body = o.do(http.MethodPost, link+"/notes", url.Values{"note": {""}})
	if code != http.StatusUnprocessableEntity || !strings.Contains(body, "Ysgrifennwch y nodyn cynnydd") || !strings.Contains(body, "Mae problem") {
		t.Errorf("an empty note from a Welsh owner = %d:\n%s", code, body)
	}
}
