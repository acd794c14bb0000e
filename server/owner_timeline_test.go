package server

import (
	"strings"
	"testing"
	"time"

	"github.com/lsip/scrutiny/domain"
	"github.com/lsip/scrutiny/i18n"
)

// TestOwnerTimelineWordsAResponseInWelsh: on a Welsh owner's page the
// response and completion events show the catalogue's words for the
// response and for "Evidence", never the workflow's English ones, and keep
// what the person wrote.
func TestOwnerTimelineWordsAResponseInWelsh(t *testing.T) {
	at := time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)
	timeline := []domain.TimelineEntry{
		{At: at, Actor: "manager@example.org", Kind: "response", Detail: "partially accepted: Training agreed; a new form is not."},
		{At: at, Actor: "owner@example.org", Kind: "completed", Detail: "Training given. Evidence: https://example.org/t"},
		{At: at, Actor: "system", Kind: "reminder_sent", Detail: "Reminder sent to the owner"},
	}
	for _, tc := range []struct {
		lang i18n.Lang
		want []string
		gone []string
	}{
		{i18n.Welsh, []string{"Ymateb a gofnodwyd: Derbyniwyd yn rhannol: Training agreed; a new form is not.",
			"Wedi'i gwblhau: Training given. Tystiolaeth: https://example.org/t"}, []string{"partially accepted", "Evidence", "Reminder sent"}},
		{i18n.English, []string{": Partially accepted: Training agreed", "Training given. Evidence: https://example.org/t", "Reminder sent to the owner"}, nil},
	} {
		var lines []string
		for _, e := range ownerTimeline(timeline, i18n.For(tc.lang)) {
			lines = append(lines, e.Text)
		}
		all := strings.Join(lines, "\n")
		for _, w := range tc.want {
			if !strings.Contains(all, w) {
				t.Errorf("%s timeline lacks %q:\n%s", tc.lang, w, all)
			}
		}
		for _, w := range tc.gone {
			if strings.Contains(all, w) {
				t.Errorf("%s timeline shows %q:\n%s", tc.lang, w, all)
			}
		}
		if i18n.Missing(all) {
			t.Errorf("%s timeline shows a missing-key marker:\n%s", tc.lang, all)
		}
	}
}
