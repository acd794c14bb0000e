package server_test

import (
	"bytes"
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/lsip/scrutiny/domain"
	"github.com/lsip/scrutiny/store"
	"github.com/lsip/scrutiny/uktime"
	"github.com/lsip/scrutiny/workbook"
)

// TestAdminAuditLog: an admin filters the audit log by who (any part of
// the name, any case), what and when (UK dates, both ends included), reads
// it a page at a time, and downloads exactly the filtered entries as a
// workbook, which is itself audited. A bad date is explained beside its
// field; nobody but an admin gets in.
func TestAdminAuditLog(t *testing.T) {
	e := startAdminEnv(t)
	ctx := context.Background()
	admin := e.signedIn(store.User{Name: "Ada Admin", Email: "ada@cps.example", Role: domain.StaffAdmin})
	coordinator := e.signedIn(store.User{Name: "Cara Coordinator", Email: "cara@cps.example", Role: domain.StaffCoordinator})
	// 23:30 UTC on 31 March 2025 is 00:30 on 1 April in the UK (BST). The
	// entries are in the past, apart from the sign-ins of the test itself.
	march31 := time.Date(2025, 3, 31, 12, 0, 0, 0, time.UTC)
	april1 := time.Date(2025, 3, 31, 23, 30, 0, 0, time.UTC)
	seed := []struct {
		at            time.Time
		actor, action string
		n             int
	}{
		{march31, "Ben Bloggs", "panel_created", 1},
		{april1, "Ben Bloggs", "panel_closed", 1},
		{april1, "Ada Admin", "panel_closed", 1},
		{time.Date(2025, 5, 2, 9, 0, 0, 0, time.UTC), "system", "reminder_sent", 60},
	}
	for _, s := range seed {
		for i := range s.n {
			if _, err := e.db.Exec(ctx, `INSERT INTO audit_log (at, actor, action, subject_type, subject_id, detail) VALUES ($1, $2, $3, 'panel', $4, '{"members": 3}')`,
				s.at.Add(time.Duration(i)*time.Minute), s.actor, s.action, adminID(int64(i+1))); err != nil {
				t.Fatal(err)
			}
		}
	}

	code, _, body := admin.get("/admin/audit?who=bLOGGs")
	if code != http.StatusOK || !strings.Contains(body, "2 entries") || strings.Contains(body, "Ada Admin</td>") || !strings.Contains(body, "Panel closed") {
		t.Fatalf("who=bLOGGs = %d\n%s", code, body)
	}
	if !strings.Contains(body, `<option value="panel_closed" >Panel closed</option>`) || !strings.Contains(body, `<option value="Ben Bloggs">`) {
		t.Errorf("the filters do not offer what the log holds\n%s", body)
	}
	if _, _, body := admin.get("/admin/audit?what=panel_closed"); !strings.Contains(body, "2 entries") || strings.Contains(body, "Panel created</td>") {
		t.Errorf("what=panel_closed shows\n%s", body)
	}
	// 1 April in the UK holds the two entries at 00:30 BST, not the one at
	// 13:00 BST on 31 March (nor the test's sign-ins, which are today).
	if _, _, body := admin.get("/admin/audit?from=2025-04-01&to=2025-04-01"); !strings.Contains(body, "2 entries") || !strings.Contains(body, uktime.Time(april1)) {
		t.Errorf("1 April shows\n%s", body)
	}
	if _, _, body := admin.get("/admin/audit?from=2025-03-01&to=2025-03-31"); !strings.Contains(body, "1 entry") || !strings.Contains(body, "Panel created") {
		t.Errorf("up to 31 March shows\n%s", body)
	}

	// Sixty reminders make two pages; the links keep the filter.
	_, _, body = admin.get("/admin/audit?who=system")
	if !strings.Contains(body, "60 entries") || !strings.Contains(body, "page 1 of 2") || !strings.Contains(body, `href="/admin/audit?page=2&amp;who=system"`) {
		t.Fatalf("the first page of 60\n%s", body)
	}
	_, _, body = admin.get("/admin/audit?page=2&who=system")
	if strings.Count(body, "Reminder sent</td>") != 10 || !strings.Contains(body, "Previous page") || strings.Contains(body, "Next page") {
		t.Errorf("the second page\n%s", body)
	}

	code, _, body = admin.get("/admin/audit?who=Ben&from=31/03/2025&to=2025-02-30")
	wantForm(t, "dates that are not dates", code, body, `href="#from"`, "Enter the first date as YYYY-MM-DD", `href="#to"`, "Enter the last date as YYYY-MM-DD", `value="31/03/2025"`, `value="Ben"`)
	code, _, body = admin.get("/admin/audit?from=2025-04-02&to=2025-04-01")
	wantForm(t, "the last date before the first", code, body, "The last date must be the same as or after the first date")

	// The export holds the filtered entries only, and is audited.
	req, _ := http.NewRequest(http.MethodGet, e.url+"/admin/audit/export.xlsx?"+url.Values{"who": {"bloggs"}}.Encode(), nil)
	code, _, data := admin.do(req)
	if code != http.StatusOK {
		t.Fatalf("export = %d\n%s", code, data)
	}
	f, err := excelize.OpenReader(bytes.NewReader([]byte(data)))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := f.GetRows(workbook.AuditSheet)
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 3 || rows[0][1] != "Who" || rows[1][1] != "Ben Bloggs" || rows[1][2] != "Panel closed" || rows[2][2] != "Panel created" || rows[2][4] != `{"members": 3}` {
		t.Errorf("exported rows %q", rows)
	}
	if hf, _ := f.GetHeaderFooter(workbook.AuditSheet); !strings.Contains(hf.OddHeader, "who “bloggs”") {
		t.Errorf("the page header does not name the filter: %+v", hf)
	}
	if n := e.count(`SELECT count(*) FROM audit_log WHERE action = 'audit_log_exported' AND actor = 'ada@cps.example' AND detail->>'entries' = '2'`); n != 1 {
		t.Errorf("%d audit entries for the export", n)
	}

	for _, path := range []string{"/admin/audit", "/admin/audit/export.xlsx"} {
		if code, _, _ := coordinator.get(path); code != http.StatusForbidden {
			t.Errorf("a coordinator opened %s: %d", path, code)
		}
	}
}
