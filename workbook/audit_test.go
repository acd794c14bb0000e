package workbook

import (
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/lsip/scrutiny/domain"
)

// TestAuditLogExport: the export has its heading row frozen, filtered and
// repeated on every printed page; UK wall-clock times; actions in words;
// long detail wrapped on a taller row; and prints landscape on A4 at the
// scale that fits its columns, with the filter named in the page header.
func TestAuditLogExport(t *testing.T) {
	l, err := NewAuditLog("who “Ada” & what panel created")
	if err != nil {
		t.Fatal(err)
	}
	long := `{"note": "` + strings.Repeat("x", 200) + `"}`
	entries := []domain.AuditEntry{
		{ID: 2, At: time.Date(2027, 7, 1, 8, 30, 0, 0, time.UTC), Actor: "Ada Admin", Action: "panel_created", SubjectType: "panel", SubjectID: "12", Detail: "{}"},
		{ID: 1, At: time.Date(2027, 1, 5, 17, 0, 0, 0, time.UTC), Actor: "system", Action: "area_updated", SubjectType: "area", SubjectID: "wales", Detail: long},
	}
	for _, e := range entries {
		if err := l.Add(e); err != nil {
			t.Fatal(err)
		}
	}
	data, err := l.Close()
	if err != nil {
		t.Fatal(err)
	}
	f := open(t, data)
	rows, err := f.GetRows(AuditSheet)
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 3 || strings.Join(rows[0], "|") != "When (UK time)|Who|What|Subject|Detail" {
		t.Fatalf("rows %q", rows)
	}
	// 08:30 UTC in July is 09:30 in the UK; 17:00 UTC in January is 17:00.
	if got := strings.Join(rows[1], "|"); got != "1 Jul 2027 09:30|Ada Admin|Panel created|Panel 12" {
		t.Errorf("first entry %q", got)
	}
	if rows[2][0] != "5 Jan 2027 17:00" || rows[2][2] != "Area updated" || rows[2][4] != long {
		t.Errorf("second entry %q", rows[2])
	}
	if h, _ := f.GetRowHeight(AuditSheet, 3); h < 45 {
		t.Errorf("the long detail's row is %v points tall", h)
	}
	for col, want := range map[string]float64{"A": 18, "B": 26, "E": 60} {
		if w, _ := f.GetColWidth(AuditSheet, col); w != want {
			t.Errorf("column %s is %v wide, want %v", col, w, want)
		}
	}
	var titles, filter bool
	for _, dn := range f.GetDefinedName() {
		switch {
		case dn.Name == "_xlnm.Print_Titles" && dn.RefersTo == "'Audit log'!$1:$1":
			titles = true
		case dn.Name == "_xlnm._FilterDatabase":
			filter = true
		}
	}
	if !titles || !filter {
		t.Errorf("print titles %v, filter %v: %+v", titles, filter, f.GetDefinedName())
	}
	layout, err := f.GetPageLayout(AuditSheet)
	if err != nil {
		t.Fatal(err)
	}
	// 152 characters of columns are about 1,089 pixels; landscape A4
	// between half-inch margins is about 1,026: 94%, so 90%.
	if *layout.Orientation != "landscape" || *layout.Size != 9 || layout.AdjustTo == nil || *layout.AdjustTo != 90 {
		t.Errorf("page layout %+v", layout)
	}
	margins, err := f.GetPageMargins(AuditSheet)
	if err != nil || *margins.Left != 0.5 || *margins.Top != 0.75 || *margins.Header != 0.3 {
		t.Errorf("margins %+v, %v: the header would overlap the rows", margins, err)
	}
	// Excel refuses column widths listed out of order.
	if cols := regexp.MustCompile(`<col min="(\d)"`).FindAllStringSubmatch(parts(t, data)["xl/worksheets/sheet1.xml"], -1); len(cols) != 5 || cols[0][1] != "1" || cols[4][1] != "5" {
		t.Errorf("columns listed as %v", cols)
	}
	hf, err := f.GetHeaderFooter(AuditSheet)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(hf.OddHeader, "who “Ada” && what panel created") || !strings.Contains(hf.OddFooter, "Page &P of &N") {
		t.Errorf("header and footer %+v", hf)
	}
	panes, err := f.GetPanes(AuditSheet)
	if err != nil || !panes.Freeze || panes.YSplit != 1 {
		t.Errorf("panes %+v, %v", panes, err)
	}
}
