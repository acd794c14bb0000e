package server

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/lsip/scrutiny/domain"
	"github.com/lsip/scrutiny/store"
)

// TestBoardRowsShowEachAction: the board's rows, formatted before the
// template runs, show each action as before: its linked, escaped title,
// panel, owner, UK due date, and status in words, or "Overdue".
func TestBoardRowsShowEachAction(t *testing.T) {
	due := time.Date(2027, time.January, 12, 0, 0, 0, 0, time.UTC)
	rows := []domain.ActionRow{
		{ID: 7, Description: "Letters & <referrals>", Panel: "Wales LSIP", OwnerName: "Owen \"O\"", Due: due, Status: domain.ActionInProgress},
		{ID: 8, Description: "Late one", Panel: "Wales LSIP", OwnerName: "Mo", Due: due, Status: domain.ActionOpen, Overdue: true},
	}
	var out bytes.Buffer
	if err := pageTemplates.ExecuteTemplate(&out, "actions.html", page{Title: "Actions", User: &store.User{Name: "M"}, Page: board{Items: boardRows(rows)}}); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		`<tr>
<td><a href="/actions/7">A-7: Letters &amp; &lt;referrals&gt;</a></td>
<td>Wales LSIP</td><td>Owen &#34;O&#34;</td><td>12 January 2027</td>
<td><span class="tag">In progress</span></td>`,
		`<tr class="overdue">
<td><a href="/actions/8">A-8: Late one</a></td>
<td>Wales LSIP</td><td>Mo</td><td>12 January 2027</td>
<td><span class="tag red">Overdue</span></td>`,
	} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("the board has no row\n%s\nin\n%s", want, out.String())
		}
	}
}
