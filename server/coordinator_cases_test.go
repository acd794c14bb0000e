package server_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/lsip/scrutiny/domain"
	"github.com/lsip/scrutiny/store"
)

// TestCaseImportAndSearchPages: a coordinator uploads an extract with two
// problems and sees both, by row and column, with nothing imported; the
// corrected file imports; a case for another Area is refused; the search
// page finds the imported cases without ever showing a URN, and explains
// a mistyped date beside its field.
func TestCaseImportAndSearchPages(t *testing.T) {
	e := startCoordEnv(t, false)
	b := e.staff(store.User{Name: "Cath", Email: "cath@example.org", Role: domain.StaffCoordinator, PanelIDs: []int64{e.panel}})
	const header = "area,reference,urn,category,strands,principal_offence,finalised_date,outcome,summary\n"
	row := func(area, ref, date string) string {
		return area + "," + ref + ",62SA" + ref + ",hate_crime,race,Harassment," + date + ",conviction_plea,A summary.\n"
	}
	countCases := func() int {
		var n int
		e.must(e.db.QueryRow(context.Background(), `SELECT count(*) FROM cases`).Scan(&n))
		return n
	}

	bad := header + row("Wales", "W0001", "2026-03-02") + row("Wales", "W0002", "31/02/2026") + row("Atlantis", "W0003", "2026-03-04")
	code, _, body := b.upload("/cases/import", "extract.csv", []byte(bad), "/cases/import")
	if code != http.StatusUnprocessableEntity || !strings.Contains(body, "2 problems") || !strings.Contains(body, "error-summary") {
		t.Fatalf("file with two problems = %d\n%s", code, body)
	}
	for _, want := range []string{"<td>3</td><td>finalised_date</td>", "<td>4</td><td>area</td>"} {
		if !strings.Contains(body, want) {
			t.Errorf("the problems table lacks %q", want)
		}
	}
	if n := countCases(); n != 0 {
		t.Fatalf("a refused file imported %d cases", n)
	}

	good := header + row("Wales", "W0001", "2026-03-02") + row("Wales", "W0002", "2026-02-27") + row("Wales", "W0003", "2026-03-04")
	code, to, body := b.upload("/cases/import", "extract.csv", []byte(good), "/cases/import")
	if code != http.StatusSeeOther || !strings.HasPrefix(to, "/cases/import?done=") {
		t.Fatalf("clean file = %d to %q\n%s", code, to, body)
	}
	if _, _, page := b.get(to); !strings.Contains(page, "3 new cases") {
		t.Errorf("the confirmation does not count the cases:\n%s", page)
	}
	if n := countCases(); n != 3 {
		t.Errorf("%d cases imported, want 3", n)
	}
	code, _, body = b.upload("/cases/import", "extract.csv", []byte(header+row("North East", "N0001", "2026-03-02")), "/cases/import")
	if code != http.StatusForbidden || !strings.Contains(body, "North East is not an Area your account covers") || countCases() != 3 {
		t.Errorf("another Area's case = %d\n%s", code, body)
	}

	code, _, body = b.get("/cases?q=W000&strand=race")
	if code != http.StatusOK || !strings.Contains(body, "3 cases found") || !strings.Contains(body, "W0002") || !strings.Contains(body, "Conviction") {
		t.Fatalf("search = %d\n%s", code, body)
	}
	if strings.Contains(body, "62SA") {
		t.Error("the search page shows a URN")
	}
	code, _, body = b.get("/cases?q=W0001")
	if code != http.StatusOK || !strings.Contains(body, "1 case found") || strings.Contains(body, "W0002") {
		t.Errorf("search by reference = %d\n%s", code, body)
	}
	code, _, body = b.get("/cases?finalised_from=March")
	if code != http.StatusUnprocessableEntity || !strings.Contains(body, `href="#finalised_from"`) || !strings.Contains(body, "YYYY-MM-DD") {
		t.Errorf("a mistyped date = %d\n%s", code, body)
	}
}
