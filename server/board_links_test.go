package server

import (
	"bytes"
	"strings"
	"testing"

	"github.com/lsip/scrutiny/store"
)

// TestBoardLinksKeepTheFilter: the action board's export and next-page
// links carry the filter as a query string browsers read, not one whose =
// and & html/template has escaped away.
func TestBoardLinksKeepTheFilter(t *testing.T) {
	b := board{ExportLink: "/actions/export.xlsx?overdue=true&status=open", NextLink: "/actions?page=2&status=open"}
	var out bytes.Buffer
	if err := pageTemplates.ExecuteTemplate(&out, "actions.html", page{Title: "Actions", User: &store.User{Name: "M"}, Page: b}); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`href="/actions/export.xlsx?overdue=true&amp;status=open"`, `href="/actions?page=2&amp;status=open"`} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("the board has no link %s", want)
		}
	}
}
