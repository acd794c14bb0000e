package server_test

import (
	"context"
	"html"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/lsip/scrutiny/domain"
	"github.com/lsip/scrutiny/i18n"
	"github.com/lsip/scrutiny/links"
)

// The sentences the action workflow writes for a reassignment and an
// extension, as it wrote them before and after it stored their data.
const (
	reassignedText = "Owner changed from Olu Owner to Nia New"
	requestedText  = "Asked to move the due date to 30 April 2027: Waiting for the national guidance"
	declinedText   = "Declined moving the due date to 30 April 2027; it stays 9 April 2027. Needed for the Board"
	approvedText   = "Due date moved from 9 April 2027 to 30 April 2027; reminders re-planned."
)

// TestOwnerTimelineSpeaksTheOwnersLanguage: on a Welsh owner's page a
// reassignment and an extension's request, refusal and approval read in
// Welsh, from their data, with the dates in Welsh; recorded before they
// had data, they show the Welsh name of the event and what the person
// wrote, never the workflow's English. An English page shows the
// workflow's sentences, worded the same either way.
func TestOwnerTimelineSpeaksTheOwnersLanguage(t *testing.T) {
	e := startCoordEnv(t, false)
	ctx := context.Background()
	id := e.addOwnedAction("Brief all hate crime lawyers on the s.66 uplift", ownerAddress, time.Date(2027, 4, 9, 0, 0, 0, 0, time.UTC))
	_, err := e.db.Exec(ctx, `INSERT INTO action_events (action_id, actor, kind, detail) VALUES ($1, 'panel', 'created', '{"cycle_id": 4}')`, id)
	e.must(err)
	at := time.Date(2027, 3, 1, 10, 0, 0, 0, time.UTC)
	event := func(seq int, kind, detail string, data map[string]string) {
		_, _, err := e.st.AddActionEvent(ctx, domain.ActionChange{ActionID: id, Seq: seq, At: at.Add(time.Duration(seq) * time.Hour),
			Actor: "mo@example.org", Kind: kind, Detail: detail, Data: data})
		e.must(err)
	}
	// Recorded before the workflow stored the data (a request always had it).
	event(1, "reassigned", reassignedText, nil)
	event(2, "extension_declined", declinedText, nil)
	event(3, "extension_approved", approvedText, nil)
	// Recorded now.
	event(4, "reassigned", reassignedText, map[string]string{"from": "Olu Owner", "to": "Nia New", "language": "cy"})
	event(5, "extension_requested", requestedText, map[string]string{"to": "2027-04-30", "reason": "Waiting for the national guidance"})
	event(6, "extension_declined", declinedText, map[string]string{"to": "2027-04-30", "due": "2027-04-09", "note": "Needed for the Board"})
	event(7, "extension_approved", approvedText, map[string]string{"from": "2027-04-09", "to": "2027-04-30"})

	page := e.signer.OwnerToken(links.OwnerClaims{ActionID: id, Email: ownerAddress, Expires: time.Now().Add(time.Hour)})
	o := ownerBrowser{e: e, client: http.DefaultClient}
	timelineIn := func(lang i18n.Lang) string {
		t.Helper()
		_, err := e.db.Exec(ctx, `UPDATE actions SET owner_language = $2 WHERE id = $1`, id, string(lang))
		e.must(err)
		status, _, body := o.do(http.MethodGet, "/o/"+page, nil)
		if status != http.StatusOK {
			t.Fatalf("the %s owner page: %d\n%s", lang, status, body)
		}
		if i18n.Missing(body) {
			t.Errorf("the %s owner page shows a missing-key marker:\n%s", lang, body)
		}
		return html.UnescapeString(body)
	}

	welsh := timelineIn(i18n.Welsh)
	for _, want := range []string{
		"Newidiwyd y perchennog</li>",
		"Ni chytunwyd ar ragor o amser: Needed for the Board</li>",
		"Cytunwyd ar ragor o amser</li>",
		"Newidiwyd y perchennog: Newidiwyd y perchennog o Olu Owner i Nia New</li>",
		"Gofynnwyd am ragor o amser: Gofynnwyd am symud y dyddiad dyledus i 30 Ebrill 2027: Waiting for the national guidance</li>",
		"Ni chytunwyd ar ragor o amser: Gwrthodwyd symud y dyddiad dyledus i 30 Ebrill 2027; mae'n dal i fod yn 9 Ebrill 2027. Needed for the Board</li>",
		"Cytunwyd ar ragor o amser: Symudwyd y dyddiad dyledus o 9 Ebrill 2027 i 30 Ebrill 2027; mae'r nodiadau atgoffa wedi'u hailgynllunio.</li>",
	} {
		if !strings.Contains(welsh, want) {
			t.Errorf("the Welsh owner page lacks %q:\n%s", want, welsh)
		}
	}
	for _, english := range []string{"Owner changed", "Asked to move", "Declined moving", "Due date moved", "reminders re-planned", "April"} {
		if strings.Contains(welsh, english) {
			t.Errorf("the Welsh owner page shows English %q:\n%s", english, welsh)
		}
	}

	english := timelineIn(i18n.English)
	for _, want := range []string{
		"Owner changed: " + reassignedText + "</li>",
		"More time not agreed: " + declinedText + "</li>",
		"More time agreed: " + approvedText + "</li>",
	} {
		if n := strings.Count(english, want); n != 2 {
			t.Errorf("the English owner page shows %q %d times, want 2 (before and after the data):\n%s", want, n, english)
		}
	}
	if want := "More time asked for: " + requestedText + "</li>"; !strings.Contains(english, want) {
		t.Errorf("the English owner page lacks %q:\n%s", want, english)
	}
}
