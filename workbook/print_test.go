package workbook

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// printBooks builds every workbook scrutiny writes from the representative
// data, keyed by a file name.
func printBooks(t *testing.T) map[string][]byte {
	t.Helper()
	books := map[string][]byte{}
	add := func(name string, data []byte, err error) {
		t.Helper()
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		books[name] = data
	}
	data, err := BuildPack(printPack())
	add("pack", data, err)
	data, err = BuildMinutes(printMinutes())
	add("minutes", data, err)
	data, err = BuildKeyMessages(printKeyMessages())
	add("keymessages", data, err)
	data, err = BuildGovernanceReport(meeting.AddDate(-1, 0, 0), meeting, printFigures())
	add("report", data, err)
	var actionsBook bytes.Buffer
	actions, err := NewActionLog(&actionsBook)
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range printActionRows() {
		if err := actions.Add(a); err != nil {
			t.Fatal(err)
		}
	}
	err = actions.Close()
	add("actions", actionsBook.Bytes(), err)
	audit, err := NewAuditLog("everything")
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range printAudit() {
		if err := audit.Add(e); err != nil {
			t.Fatal(err)
		}
	}
	data, err = audit.Close()
	add("audit", data, err)
	return books
}

// TestEveryWorkbookPrintSetup: every sheet of every workbook prints on A4
// fitted to the page width, with the document named in the header and page
// numbers in the footer, and every table repeats its heading row on each
// page. The action export, which is streamed, keeps its filters.
func TestEveryWorkbookPrintSetup(t *testing.T) {
	tables := map[string]bool{ActionLogSheet + "@actions": true, AuditSheet + "@audit": true}
	for _, s := range []string{AttendanceSheet, DeclarationsSheet, CasesSheet, LearningSheet, ActionsSheet, MattersArisingSheet} {
		tables[s+"@minutes"] = true
	}
	for name, data := range printBooks(t) {
		f := open(t, data)
		titles := map[string]string{}
		for _, dn := range f.GetDefinedName() {
			if dn.Name == "_xlnm.Print_Titles" {
				titles[dn.Scope] = dn.RefersTo
			}
		}
		for _, sheet := range f.GetSheetList() {
			if sheet == IdentitySheet {
				continue
			}
			where := sheet + "@" + name
			props, err := f.GetSheetProps(sheet)
			if err != nil || props.FitToPage == nil || !*props.FitToPage {
				t.Errorf("%s: not fitted to the page (%v)", where, err)
			}
			layout, err := f.GetPageLayout(sheet)
			if err != nil || *layout.Size != paperA4 || *layout.FitToHeight != 0 {
				t.Errorf("%s: page layout %+v, %v", where, layout, err)
			}
			if wide := *layout.FitToWidth; wide != 1 && where != CasesSheet+"@minutes" || wide > 2 {
				t.Errorf("%s: fitted %d pages wide", where, wide)
			}
			hf, err := f.GetHeaderFooter(sheet)
			if err != nil || !strings.HasPrefix(hf.OddHeader, "&L") || len(hf.OddHeader) < 12 || !strings.Contains(hf.OddFooter, "Page &P of &N") {
				t.Errorf("%s: header and footer %+v, %v", where, hf, err)
			}
			if tables[where] && !strings.HasSuffix(titles[sheet], "!$1:$1") {
				t.Errorf("%s: heading row not repeated on each page: %q", where, titles[sheet])
			}
		}
	}
	xml := parts(t, printBooks(t)["actions"])["xl/worksheets/sheet1.xml"]
	if want := fmt.Sprintf(`<autoFilter ref="$A$1:$L$%d"`, printActions+1); !strings.Contains(xml, want) {
		t.Errorf("the action export has no filters: want %s", want)
	}
}

// TestHeaderTextIsLiteral: an ampersand in a document's name is not read
// as a header code, and a long name is cut to what Excel allows without
// leaving half of a doubled ampersand.
func TestHeaderTextIsLiteral(t *testing.T) {
	if got := headerText("Tom & Jerry's panel", 100); got != "Tom && Jerry's panel" {
		t.Errorf("got %q", got)
	}
	if got := headerText("ab&c", 3); got != "ab" {
		t.Errorf("cut: got %q", got)
	}
	long := strings.Repeat("&", 300)
	f := open(t, mustBuild(t, Minutes{PanelName: long, Status: "DRAFT"}))
	if hf, _ := f.GetHeaderFooter(SummarySheet); hf == nil || !strings.Contains(hf.OddHeader, "DRAFT") {
		t.Errorf("a long panel name loses the DRAFT marking: %+v", hf)
	}
}

func mustBuild(t *testing.T, m Minutes) []byte {
	t.Helper()
	data, err := BuildMinutes(m)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// needTools checks that each named program and the Carlito font are
// installed, skipping the test when one is missing outside CI and failing it under CI (the rule testenv keeps
// for PostgreSQL).
func needTools(t *testing.T, names ...string) {
	t.Helper()
	for _, name := range names {
		if _, err := exec.LookPath(name); err != nil {
			if os.Getenv("CI") != "" {
				t.Fatalf("%s is required under CI: %v", name, err)
			}
			t.Skipf("skipping: %s is not installed (Debian packages libreoffice-calc, poppler-utils, fonts-crosextra-carlito)", name)
		}
	}
	if out, err := exec.Command("fc-list", ":family=Carlito").Output(); err != nil || len(out) == 0 {
		if os.Getenv("CI") != "" {
			t.Fatalf("the Carlito font is required under CI: %v", err)
		}
		t.Skip("skipping: the Carlito font is not installed (Debian package fonts-crosextra-carlito)")
	}
}

// TestWorkbooksPrintInLibreOffice renders every workbook to PDF through
// LibreOffice headless, in one run, and checks that each prints all of its
// text (a row too short for its wrapped text is cut off in print, so the
// word that ends every long text would be missing), on a number of pages
// that shows its columns fit the page width, with the headings and the
// document's name on every page.
func TestWorkbooksPrintInLibreOffice(t *testing.T) {
	needTools(t, "soffice", "pdfinfo", "pdftotext", "fc-list")
	dir := t.TempDir()
	books := printBooks(t)
	var files []string
	for name, data := range books {
		file := filepath.Join(dir, name+".xlsx")
		if err := os.WriteFile(file, data, 0o600); err != nil {
			t.Fatal(err)
		}
		files = append(files, file)
	}
	// LibreOffice needs a profile it can write: a fresh one in the
	// temporary directory, which also keeps it from any running instance.
	cmd := exec.Command("soffice", append([]string{"-env:UserInstallation=file://" + filepath.ToSlash(filepath.Join(dir, "profile")),
		"--headless", "--norestore", "--convert-to", "pdf", "--outdir", dir}, files...)...)
	cmd.Env = append(os.Environ(), "HOME="+dir)
	start := time.Now()
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("soffice: %v\n%s", err, out)
	}
	t.Logf("LibreOffice rendered %d workbooks in %s", len(files), time.Since(start).Round(time.Second))

	type want struct {
		minPages, maxPages int
		markers            []string // the last word of every long text
		title              string   // at the top of every page
		everyPage          []string // on every page (headings repeated)
	}
	markers := func(what string, n int) []string {
		var out []string
		for i := range n {
			out = append(out, marker(what, i))
		}
		return out
	}
	pack, minutes := printPack(), printMinutes()
	wants := map[string]want{
		// A cover, each case, the review form.
		"pack": {minPages: 2 + len(pack.Cases), maxPages: 12, title: "Review pack for Aled",
			markers: append(append(markers("summary", len(pack.Cases)), markers("agreed", len(pack.MattersArising))...), markers("response", len(pack.MattersArising))...)},
		// Twelve long cases, two pages wide, one or two cases a page pair.
		"minutes": {minPages: 20, maxPages: 40, title: "Minutes: Wales LSIP",
			markers: append(append(append(append(markers("rationale", printMinutesCases), markers("good", printMinutesCases)...), markers("concern", printMinutesCases)...),
				markers("learning", len(minutes.LearningPoints))...), markers("action", len(minutes.Actions))...)},
		"keymessages": {minPages: 1, maxPages: 4, title: "Key messages: Wales LSIP", markers: markers("learning", len(minutes.LearningPoints))},
		"report":      {minPages: 3, maxPages: 8, title: "Governance report", markers: markers("board", len(printFigures()))},
		// Each action takes six lines or so: 5 to 12 a page. Columns
		// spilling onto a second page width would double the count.
		"actions": {minPages: printActions / 12, maxPages: printActions / 5, title: "Action log", markers: markers("export", printActions),
			everyPage: []string{"Action", "Description", "Overdue"}},
		"audit": {minPages: printAuditEntries / 60, maxPages: printAuditEntries / 15, title: "Audit log: everything", markers: markers("audit", printAuditEntries),
			everyPage: []string{"When (UK time)", "Detail"}},
	}
	for name, w := range wants {
		pdf := filepath.Join(dir, name+".pdf")
		info, err := exec.Command("pdfinfo", pdf).Output()
		if err != nil {
			t.Errorf("%s: no PDF: %v", name, err)
			continue
		}
		pages := pdfPages(string(info))
		if pages < w.minPages || pages > w.maxPages {
			t.Errorf("%s: %d pages, want %d to %d", name, pages, w.minPages, w.maxPages)
		}
		out, err := exec.Command("pdftotext", pdf, "-").Output()
		if err != nil {
			t.Fatalf("%s: pdftotext: %v", name, err)
		}
		text := string(out)
		for _, m := range w.markers {
			if !strings.Contains(text, m) {
				t.Errorf("%s: %s is not printed: its row is too short or its column off the page", name, m)
			}
		}
		printed := strings.Split(strings.TrimRight(text, "\f"), "\f")
		if len(printed) != pages {
			t.Errorf("%s: pdftotext found %d pages of %d", name, len(printed), pages)
		}
		for i, page := range printed {
			for _, s := range append([]string{w.title, fmt.Sprintf("Page %d of", i+1)}, w.everyPage...) {
				if !strings.Contains(page, s) {
					t.Errorf("%s: page %d lacks %q", name, i+1, s)
				}
			}
		}
		if name == "minutes" {
			casePagesNameTheirCase(t, printed)
		}
	}
}

// casePagesNameTheirCase: each printed page of the minutes' cases sheet,
// which is two pages wide, repeats the case column and its heading.
func casePagesNameTheirCase(t *testing.T, pages []string) {
	t.Helper()
	n := 0
	for i, page := range pages {
		if !strings.Contains(page, "\n"+CasesSheet+"\n") {
			continue
		}
		n++
		if !strings.Contains(page, "WAL-HC-26-") {
			t.Errorf("minutes page %d (cases) does not name its cases", i+1)
		}
	}
	if n < 2 {
		t.Errorf("the cases sheet printed on %d pages", n)
	}
}

// pdfPages is the page count pdfinfo reports.
func pdfPages(info string) int {
	for _, line := range strings.Split(info, "\n") {
		if rest, ok := strings.CutPrefix(line, "Pages:"); ok {
			n, _ := strconv.Atoi(strings.TrimSpace(rest))
			return n
		}
	}
	return 0
}
