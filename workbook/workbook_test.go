package workbook

import (
	"archive/zip"
	"bytes"
	"errors"
	"fmt"
	"io"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/lsip/scrutiny/domain"
	"github.com/lsip/scrutiny/reviewform"
	"github.com/lsip/scrutiny/uktime"
)

var meeting = time.Date(2027, 2, 16, 18, 0, 0, 0, time.UTC)

func pack() Pack {
	return Pack{
		Form: reviewform.Default(), PanelName: "Wales LSIP", AreaName: "Wales", CycleRef: "cycle-3-2026-07-01-2026-09-30",
		CycleID: 7, MemberID: 101, MemberName: "Aled", Meeting: meeting, MeetingPlace: "Cardiff office",
		Deadline: meeting.Add(-24 * time.Hour), ReturnURL: "https://lsip.example.org/m/token-abc",
		Cases: []PackCase{
			{CaseID: 1, Reference: "WAL-HC-26-0001", Category: domain.HateCrime, Strands: []string{"race", "religion"}, PrincipalOffence: "Racially aggravated harassment",
				Outcome: domain.ConvictionPlea, FinalisedOn: time.Date(2026, 7, 14, 0, 0, 0, 0, time.UTC), UpliftApplied: true, Summary: "A taxi driver was abused by a passenger."},
			{CaseID: 2, Reference: "WAL-HC-26-0002", Category: domain.HateCrime, Strands: []string{"disability"}, PrincipalOffence: "Assault occasioning actual bodily harm",
				Outcome: domain.ConvictionTrial, FinalisedOn: time.Date(2026, 8, 2, 0, 0, 0, 0, time.UTC), SpecialMeasures: true, Summary: "A wheelchair user was pushed over at a bus stop."},
			{CaseID: 3, Reference: "WAL/VA:26*3", Category: domain.VAWG, Strands: []string{"domestic_abuse"}, PrincipalOffence: "Controlling or coercive behaviour",
				Outcome: domain.Acquittal, FinalisedOn: time.Date(2026, 6, 21, 0, 0, 0, 0, time.UTC), ComplainantAnonymity: true, VictimPersonalStatement: true, Summary: "Coercive control over eighteen months."},
		},
		MattersArising: []ActionItem{{Reference: "A-12", Description: "Brief lawyers on the uplift", Owner: "Area hate crime lead", Status: "in_progress", Response: "Briefing set for March", Due: meeting}},
	}
}

func open(t *testing.T, data []byte) *excelize.File {
	t.Helper()
	f, err := excelize.OpenReader(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	return f
}

func write(t *testing.T, f *excelize.File) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// sheetText is every cell of a sheet, a row a line, cells joined by "|".
func sheetText(t *testing.T, f *excelize.File, sheet string) string {
	t.Helper()
	rows, err := f.GetRows(sheet)
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	for _, r := range rows {
		b.WriteString(strings.Join(r, "|") + "\n")
	}
	return b.String()
}

// allText is every cell of every sheet.
func allText(t *testing.T, f *excelize.File) string {
	t.Helper()
	var b strings.Builder
	for _, s := range f.GetSheetList() {
		b.WriteString(sheetText(t, f, s))
	}
	return b.String()
}

// parts returns every file inside the xlsx package, to look for what cell
// reading would miss (properties, defined names, comments).
func parts(t *testing.T, data []byte) map[string]string {
	t.Helper()
	z, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for _, zf := range z.File {
		r, err := zf.Open()
		if err != nil {
			t.Fatal(err)
		}
		b, err := io.ReadAll(r)
		r.Close()
		if err != nil {
			t.Fatal(err)
		}
		out[zf.Name] = string(b)
	}
	return out
}

// identity returns the cell map: case id -> field -> cell.
func identity(t *testing.T, f *excelize.File) map[string]map[string]string {
	t.Helper()
	rows, err := f.GetRows(IdentitySheet)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]map[string]string{}
	for _, r := range rows[identityFirstEntry-1:] {
		if len(r) >= 3 && r[0] != "" {
			if out[r[0]] == nil {
				out[r[0]] = map[string]string{}
			}
			out[r[0]][r[1]] = r[2]
		}
	}
	return out
}

func locked(t *testing.T, f *excelize.File, sheet, cell string) bool {
	t.Helper()
	id, err := f.GetCellStyle(sheet, cell)
	if err != nil {
		t.Fatal(err)
	}
	st, err := f.GetStyle(id)
	if err != nil {
		t.Fatal(err)
	}
	return st.Protection == nil || st.Protection.Locked
}

// listValues resolves a drop-down's list, which refers to a range on the
// identity sheet.
func listValues(t *testing.T, f *excelize.File, formula string) []string {
	t.Helper()
	m := regexp.MustCompile(`^'([^']+)'!\$([A-Z]+)\$(\d+):\$([A-Z]+)\$(\d+)$`).FindStringSubmatch(formula)
	if m == nil {
		t.Fatalf("drop-down list %q is not a range", formula)
	}
	from, _ := strconv.Atoi(m[3])
	to, _ := strconv.Atoi(m[5])
	var out []string
	for row := from; row <= to; row++ {
		v, err := f.GetCellValue(m[1], fmt.Sprintf("%s%d", m[2], row))
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, v)
	}
	return out
}

// urn matches the case system's reference by name; the lower-case "urn:"
// of XML namespaces is not one.
var urn = regexp.MustCompile(`\bURN\b|(?i:unique reference number)`)

func TestBuildPack(t *testing.T) {
	p := pack()
	data, err := BuildPack(p)
	if err != nil {
		t.Fatal(err)
	}
	f := open(t, data)
	want := []string{CoverSheet, "WAL-HC-26-0001", "WAL-HC-26-0002", "WAL-VA-26-3", FormSheet, IdentitySheet}
	if got := f.GetSheetList(); !reflect.DeepEqual(got, want) {
		t.Fatalf("sheets %v, want %v", got, want)
	}

	cover := sheetText(t, f, CoverSheet)
	for _, s := range []string{"Wales LSIP", "Wales", "Tuesday 16 February 2027, 18:00 GMT", "Send your reviews by|Monday 15 February 2027, 18:00 GMT",
		"CONFIDENTIAL", "anonymity for life", "delete it after the meeting", "https://lsip.example.org/m/token-abc", "do not email this workbook back",
		"Matters arising: actions from previous meetings", "A-12|Brief lawyers on the uplift|Area hate crime lead|16 February 2027|In progress|Briefing set for March",
		"VRR|", "VPS|", "CIS|", "ISVA / IDVA|", "Uplift|", "DCCP / CCP|", "Finalised|"} {
		if !strings.Contains(cover, s) {
			t.Errorf("cover lacks %q", s)
		}
	}
	for _, part := range parts(t, data) {
		if urn.MatchString(part) {
			t.Fatal("the pack mentions a URN")
		}
	}

	// A case sheet holds the listed facts and nothing else.
	rows, _ := f.GetRows("WAL-HC-26-0001")
	var labels []string
	facts := map[string]string{}
	for _, r := range rows[2:13] {
		labels = append(labels, r[0])
		facts[r[0]] = r[1]
	}
	wantLabels := []string{"Category", "Strands", "Principal offence", "Outcome", "Finalised", "Sentence uplift applied", "Victim personal statement",
		"Community impact statement", "Special measures", "Complainant has lifelong anonymity", "Youth case"}
	if !reflect.DeepEqual(labels, wantLabels) {
		t.Errorf("case facts %v, want %v", labels, wantLabels)
	}
	for k, v := range map[string]string{"Category": "Hate crime", "Strands": "Race, Religion", "Outcome": "Conviction after guilty plea",
		"Finalised": "July 2026", "Sentence uplift applied": "Yes", "Youth case": "No"} {
		if facts[k] != v {
			t.Errorf("%s = %q, want %q", k, facts[k], v)
		}
	}
	for _, c := range p.Cases {
		text := sheetText(t, f, uniqueName(t, f, c.Reference))
		if !strings.Contains(text, c.Summary) {
			t.Errorf("case %s lacks its summary", c.Reference)
		}
	}

	// Every rating and category cell has a drop-down of the form's labels,
	// is unlocked and is mapped on the identity sheet.
	dvs, err := f.GetDataValidations(FormSheet)
	if err != nil {
		t.Fatal(err)
	}
	lists := map[string][]string{}
	for _, dv := range dvs {
		if dv.Type != "list" || !dv.ShowErrorMessage {
			t.Errorf("validation on %s is %s, error shown %v", dv.Sqref, dv.Type, dv.ShowErrorMessage)
		}
		lists[dv.Sqref] = listValues(t, f, dv.Formula1)
	}
	ratings := []string{"Yes", "Partly", "No", "Not applicable / not known"}
	categories := []string{"Handled well", "Handled well, with observations", "Concerns identified", "The panel could not agree"}
	cells := identity(t, f)
	if len(cells) != 3 {
		t.Fatalf("cell map covers %d cases", len(cells))
	}
	for caseID, fields := range cells {
		if len(fields) != 2*len(p.Form.Questions)+1+len(reviewform.TextFields) {
			t.Errorf("case %s maps %d fields", caseID, len(fields))
		}
		for field, cell := range fields {
			if locked(t, f, FormSheet, cell) {
				t.Errorf("input cell %s (%s) is locked", cell, field)
			}
			switch {
			case strings.HasPrefix(field, "ratings."):
				if !reflect.DeepEqual(lists[cell], ratings) {
					t.Errorf("rating cell %s offers %v", cell, lists[cell])
				}
			case field == "overall":
				if !reflect.DeepEqual(lists[cell], categories) {
					t.Errorf("category cell %s offers %v", cell, lists[cell])
				}
			}
		}
		question := "A" + strings.TrimLeft(fields["ratings.charging"], "ABC")
		if v, _ := f.GetCellValue(FormSheet, question); v != p.Form.Questions[0].Text || !locked(t, f, FormSheet, question) {
			t.Errorf("question cell %s = %q, locked %v", question, v, locked(t, f, FormSheet, question))
		}
	}
	for _, cell := range []string{"A1", "B5", "B9"} {
		if !locked(t, f, CoverSheet, cell) {
			t.Errorf("cover cell %s is unlocked", cell)
		}
	}

	// Every sheet is protected, allowing the selection of unlocked cells.
	for _, sheet := range f.GetSheetList() {
		opts, err := f.GetSheetProtection(sheet)
		if err != nil || !opts.SelectUnlockedCells || opts.InsertRows || opts.DeleteRows {
			t.Errorf("sheet %s protection %+v, %v", sheet, opts, err)
		}
	}
	for name, xml := range parts(t, data) {
		if strings.HasPrefix(name, "xl/worksheets/sheet") && !strings.Contains(xml, `<sheetProtection`) {
			t.Errorf("%s is not protected", name)
		}
	}

	// The identity sheet is very hidden and names the member, cycle and form.
	if visible, _ := f.GetSheetVisible(IdentitySheet); visible {
		t.Error("identity sheet is visible")
	}
	if !regexp.MustCompile(`<sheet name="_identity"[^>]*state="veryHidden"`).MatchString(parts(t, data)["xl/workbook.xml"]) {
		t.Error("identity sheet is not very hidden")
	}
	for cell, want := range map[string]string{"B1": "101", "B2": "7", "B3": "2026-1"} {
		if v, _ := f.GetCellValue(IdentitySheet, cell); v != want {
			t.Errorf("identity %s = %q, want %q", cell, v, want)
		}
	}

	// The form prints landscape within its print area.
	if layout, _ := f.GetPageLayout(FormSheet); layout.Orientation == nil || *layout.Orientation != "landscape" {
		t.Error("review form does not print landscape")
	}
	var printArea bool
	for _, dn := range f.GetDefinedName() {
		printArea = printArea || (dn.Name == "_xlnm.Print_Area" && dn.Scope == FormSheet)
	}
	if !printArea {
		t.Error("review form has no print area")
	}
}

// uniqueName finds the sheet a reference was written to.
func uniqueName(t *testing.T, f *excelize.File, reference string) string {
	t.Helper()
	for _, s := range f.GetSheetList() {
		if v, _ := f.GetCellValue(s, "A1"); v == "Case "+reference {
			return s
		}
	}
	t.Fatalf("no sheet for case %s", reference)
	return ""
}

func TestPackWithoutMattersArising(t *testing.T) {
	p := pack()
	p.MattersArising = nil
	data, err := BuildPack(p)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(sheetText(t, open(t, data), CoverSheet), "Matters arising") {
		t.Error("an empty matters-arising table was written")
	}
}

func TestSheetNames(t *testing.T) {
	f := excelize.NewFile()
	defer f.Close()
	long := strings.Repeat("ŵ", 40)
	for _, c := range []struct{ in, want string }{
		{"WAL/VA:26*3", "WAL-VA-26-3"},
		{"[x]?\\y", "-x---y"},
		{"'quoted'", "quoted"},
		{"", "Sheet"},
		{"history", "history-"},
		{long, strings.Repeat("ŵ", 31)},
		{long, strings.Repeat("ŵ", 27) + " (2)"},
		{"sheet1", "sheet1 (2)"},
		{strings.Repeat("😀", 20), strings.Repeat("😀", 15)},
	} {
		got := uniqueSheetName(f, c.in)
		if got != c.want {
			t.Errorf("uniqueSheetName(%q) = %q, want %q", c.in, got, c.want)
			continue
		}
		if _, err := f.NewSheet(got); err != nil {
			t.Errorf("Excel rejects %q: %v", got, err)
		}
	}
}

// fill completes a pack as a member would in Excel, typing into the mapped
// cells of one case.
func fill(t *testing.T, data []byte, caseID int64, values map[string]string) []byte {
	t.Helper()
	f := open(t, data)
	cells := identity(t, f)[strconv.FormatInt(caseID, 10)]
	for field, v := range values {
		if cells[field] == "" {
			t.Fatalf("no cell for %s", field)
		}
		if err := f.SetCellValue(FormSheet, cells[field], v); err != nil {
			t.Fatal(err)
		}
	}
	return write(t, f)
}

func complete() map[string]string {
	m := map[string]string{"overall": " handled WELL, with observations", "good_practice": "Early victim personal statement",
		"concerns": "Slow to flag", "questions": "Why no uplift?", "learning": "Flag at charge", "comments.charging": "Right charge"}
	for _, q := range reviewform.Default().Questions {
		m["ratings."+q.Key] = "Yes"
	}
	m["ratings.timeliness"] = "  partly "
	return m
}

func TestParsePackRoundTrip(t *testing.T) {
	data, err := BuildPack(pack())
	if err != nil {
		t.Fatal(err)
	}
	got, err := ParsePack(fill(t, data, 2, complete()), reviewform.Default())
	if err != nil {
		t.Fatal(err)
	}
	if got.MemberID != 101 || got.CycleID != 7 || got.FormVersion != "2026-1" || len(got.Problems) != 0 {
		t.Fatalf("identity %d/%d/%s, problems %+v", got.MemberID, got.CycleID, got.FormVersion, got.Problems)
	}
	if len(got.Reviews) != 1 {
		t.Fatalf("reviews for cases %v, want only case 2", got.Reviews)
	}
	want := reviewform.Answers{
		Ratings:  map[string]string{"charging": "yes", "strand_flagged": "yes", "hostility_uplift": "yes", "victim_care": "yes", "language": "yes", "joint_working": "yes", "timeliness": "partly"},
		Comments: map[string]string{"charging": "Right charge"}, Overall: "handled_well_observations",
		GoodPractice: "Early victim personal statement", Concerns: "Slow to flag", Questions: "Why no uplift?", Learning: "Flag at charge",
	}
	if !reflect.DeepEqual(got.Reviews[2], want) {
		t.Errorf("answers\n got %+v\nwant %+v", got.Reviews[2], want)
	}
	empty, err := ParsePack(data, reviewform.Default())
	if err != nil || len(empty.Reviews) != 0 || len(empty.Problems) != 0 {
		t.Errorf("an untouched pack: %+v, %v", empty, err)
	}
}

func TestParsePackReportsEachProblemAtItsCell(t *testing.T) {
	data, _ := BuildPack(pack())
	cells := identity(t, open(t, data))["1"]
	bad := complete()
	bad["ratings.timeliness"] = "Brilliant"
	bad["comments.language"] = strings.Repeat("x", reviewform.MaxText+1)
	delete(bad, "overall")
	got, err := ParsePack(fill(t, data, 1, bad), reviewform.Default())
	if err != nil {
		t.Fatal(err)
	}
	byCell := map[string]Problem{}
	for _, p := range got.Problems {
		if _, dup := byCell[p.Cell]; dup {
			t.Errorf("two problems for %s", p.Cell)
		}
		byCell[p.Cell] = p
		if p.Sheet != FormSheet || p.CaseID != 1 || !strings.HasPrefix(p.Message, "Case WAL-HC-26-0001: ") {
			t.Errorf("problem %+v", p)
		}
	}
	if len(got.Problems) != 3 {
		t.Errorf("%d problems, want 3: %+v", len(got.Problems), got.Problems)
	}
	if p := byCell[cells["ratings.timeliness"]]; !strings.Contains(p.Message, "“Brilliant” is not one of the ratings for “Timeliness”") {
		t.Errorf("typed rating: %+v", p)
	}
	if p := byCell[cells["comments.language"]]; !strings.Contains(p.Message, "4,001 characters") {
		t.Errorf("long comment: %+v", p)
	}
	if p := byCell[cells["overall"]]; !strings.Contains(p.Message, "overall category") {
		t.Errorf("missing overall: %+v", p)
	}
	if _, ok := got.Reviews[1].Ratings["timeliness"]; ok {
		t.Error("an unreadable rating was kept")
	}
}

func TestParsePackWholePackProblems(t *testing.T) {
	data, _ := BuildPack(pack())
	filled := fill(t, data, 1, complete())
	single := func(name string, got Returned, want string) {
		t.Helper()
		if len(got.Problems) != 1 || got.Problems[0].CaseID != 0 || !strings.Contains(got.Problems[0].Message, want) || len(got.Reviews) != 0 {
			t.Errorf("%s: problems %+v, %d reviews", name, got.Problems, len(got.Reviews))
		}
	}

	newer := reviewform.Default()
	newer.Version = "2027-1"
	got, _ := ParsePack(filled, newer)
	single("wrong version", got, "a different version of the review form (2026-1; the form is now 2027-1)")

	f := open(t, filled)
	if err := f.DeleteSheet(IdentitySheet); err != nil {
		t.Fatal(err)
	}
	got, _ = ParsePack(write(t, f), reviewform.Default())
	single("no identity sheet", got, "download your pack again")
	if got.Problems[0].Sheet != IdentitySheet {
		t.Errorf("problem on sheet %q", got.Problems[0].Sheet)
	}

	f = open(t, filled)
	f.SetCellValue(IdentitySheet, "B1", "someone")
	got, _ = ParsePack(write(t, f), reviewform.Default())
	single("damaged member id", got, "download your pack again")

	f = open(t, filled)
	f.SetCellValue(IdentitySheet, fmt.Sprintf("B%d", identityFirstEntry), "ratings.weather")
	got, _ = ParsePack(write(t, f), reviewform.Default())
	single("damaged cell map", got, "download your pack again")

	f = open(t, filled)
	f.DeleteSheet(FormSheet)
	got, _ = ParsePack(write(t, f), reviewform.Default())
	single("no review form", got, `"Review form" sheet is missing`)

	if _, err := ParsePack([]byte("name,rating\nAled,Yes\n"), reviewform.Default()); !errors.Is(err, ErrNotWorkbook) {
		t.Errorf("a CSV file: %v", err)
	}
}

func minutes(status string) Minutes {
	return Minutes{
		Form: reviewform.Default(), PanelName: "Wales LSIP", AreaName: "Wales", CycleRef: "cycle-3", Meeting: meeting, Status: status,
		Attendance:   []Attendee{{"Aled Jones", "member", "present", "attending"}, {"Bea Smith", "chair", "present", ""}, {"Cai Evans", "member", "apologies", "apologies"}},
		Declarations: []Declaration{{"Cai Evans", "WAL-HC-26-0002", "before the packs were released"}},
		Cases: []MinutesCase{{Reference: "WAL-HC-26-0001", Strands: "Race", Offence: "Harassment", Outcome: "Conviction after guilty plea", Finding: "Concerns identified",
			RatingCounts: map[string]map[string]int{"charging": {"yes": 3, "no": 1}}, Submitted: 4, NotSubmitted: 1,
			GoodPractice: []string{"A panel member: early VPS"}, Concerns: []string{"A panel chair: no uplift sought"}}},
		LearningPoints: []LearningPoint{{CaseReference: "WAL-HC-26-0001", Text: "Flag hostility at charge", Tag: "prosecution"}},
		Actions: []ActionRow{
			{Reference: "A-1", Description: "Brief lawyers on s.66", Owner: "Area lead", Manager: "DCCP", Audience: "prosecution", Due: time.Date(2027, 4, 30, 0, 0, 0, 0, time.UTC)},
			{Reference: "A-2", Description: "Share the VPS template", Owner: "Witness care", Manager: "CCP", Audience: "police", Due: time.Date(2027, 5, 31, 23, 30, 0, 0, time.UTC)},
		},
		Selection: SelectionRecord{Seed: 9007199254740993, WindowStart: time.Date(2026, 7, 1, 0, 0, 0, 0, time.UTC), WindowEnd: time.Date(2026, 9, 30, 0, 0, 0, 0, time.UTC),
			Strata:    []Stratum{{Strand: "domestic_abuse", Quota: 2, Eligible: 114}, {Strand: "race", Quota: 2, Eligible: 37}, {Strand: "disability", Quota: 1, Eligible: 0, Shortfall: 1}},
			Withdrawn: 1, ReservesUsed: 1, CarriedForward: 0},
		MattersArising: []ActionItem{{Reference: "A-12", Description: "Brief lawyers on uplift", Owner: "Area lead", Status: "closed", Response: "Done", Due: meeting}},
	}
}

func TestBuildMinutes(t *testing.T) {
	data, err := BuildMinutes(minutes("DRAFT: for the chair's approval"))
	if err != nil {
		t.Fatal(err)
	}
	f := open(t, data)
	want := []string{SummarySheet, AttendanceSheet, DeclarationsSheet, CasesSheet, LearningSheet, ActionsSheet, MattersArisingSheet, SelectionSheet}
	if got := f.GetSheetList(); !reflect.DeepEqual(got, want) {
		t.Fatalf("sheets %v, want %v", got, want)
	}
	summary := sheetText(t, f, SummarySheet)
	for _, s := range []string{"DRAFT\n", "Tuesday 16 February 2027, 18:00 GMT", "People present|2", "Cases reviewed|1", "WAL-HC-26-0001|Concerns identified"} {
		if !strings.Contains(summary, s) {
			t.Errorf("summary lacks %q", s)
		}
	}
	for _, sheet := range f.GetSheetList() {
		if hf, _ := f.GetHeaderFooter(sheet); hf == nil || !strings.Contains(hf.OddHeader, "DRAFT") {
			t.Errorf("sheet %s does not print DRAFT", sheet)
		}
	}

	actions, _ := f.GetRows(ActionsSheet)
	wantActions := [][]string{
		{"Action", "What was agreed", "Owner", "Manager", "For", "Due"},
		{"A-1", "Brief lawyers on s.66", "Area lead", "DCCP", "Prosecution service", "30 April 2027"},
		{"A-2", "Share the VPS template", "Witness care", "CCP", "Police", "1 June 2027"}, // 23:30 UTC is the next day in BST
	}
	if !reflect.DeepEqual(actions, wantActions) {
		t.Errorf("actions sheet\n got %q\nwant %q", actions, wantActions)
	}
	if panes, _ := f.GetPanes(ActionsSheet); !panes.Freeze || panes.YSplit != 1 {
		t.Errorf("actions header not frozen: %+v", panes)
	}
	if !strings.Contains(parts(t, data)["xl/workbook.xml"], `_xlnm._FilterDatabase`) {
		t.Error("no filters")
	}

	cases := sheetText(t, f, CasesSheet)
	if !strings.Contains(cases, "Yes 3 · Partly 0 · No 1 · Not applicable / not known 0|Yes 0 · Partly 0") {
		t.Errorf("answers are not counted: %s", cases)
	}

	sel := sheetText(t, f, SelectionSheet)
	for _, s := range []string{"Seed|9007199254740993", "1 July 2026 and 30 September 2026", "Race|37|2|0\nDisability|0|1|1\nDomestic abuse|114|2|0\nTotal|151|5|1",
		"withdrawn at the coordinator's check|1", "Reserves used|1"} {
		if !strings.Contains(sel, s) {
			t.Errorf("selection record lacks %q:\n%s", s, sel)
		}
	}
	if strings.Contains(strings.ToLower(allText(t, f)), "reason") {
		t.Error("the minutes mention a reason")
	}
	for _, typ := range []reflect.Type{reflect.TypeOf(SelectionRecord{}), reflect.TypeOf(Stratum{})} {
		for i := range typ.NumField() {
			if strings.Contains(strings.ToLower(typ.Field(i).Name), "reason") {
				t.Errorf("%s has a field %s", typ.Name(), typ.Field(i).Name)
			}
		}
	}

	issued, err := BuildMinutes(minutes("Issued 3 March 2027, approved by the chair"))
	if err != nil {
		t.Fatal(err)
	}
	if text := allText(t, open(t, issued)); strings.Contains(text, "DRAFT") || !strings.Contains(text, "Issued 3 March 2027") {
		t.Error("issued minutes still say DRAFT")
	}
}

func TestBuildKeyMessages(t *testing.T) {
	m := minutes("Issued")
	points := append(m.LearningPoints,
		LearningPoint{CaseReference: "WAL-HC-26-0002", Text: "Good use of special measures, as in wal-hc-26-0002.", Tag: "police", GoodPractice: true},
		LearningPoint{CaseReference: "WAL-HC-26-0003", Text: "Refer victims to an ISVA early", Tag: "partners"},
		LearningPoint{CaseReference: "WAL-HC-26-0003", Text: "Share the hate crime leaflet", Tag: "housing"},
	)
	data, err := BuildKeyMessages(KeyMessages{PanelName: "Wales LSIP", AreaName: "Wales", Meeting: meeting, CasesReviewed: 3, LearningPoints: points})
	if err != nil {
		t.Fatal(err)
	}
	f := open(t, data)
	text := allText(t, f)
	for _, s := range []string{"Cases reviewed|fewer than 5", "Meeting|February 2027", "For the prosecution service\nLearning|Flag hostility at charge",
		"For the police\nGood practice|Good use of special measures, as in a case.", "For the other justice partners\nLearning|Refer victims to an ISVA early", "For the housing\nLearning|Share the hate crime leaflet"} {
		if !strings.Contains(text, s) {
			t.Errorf("key messages lack %q:\n%s", s, text)
		}
	}
	refs := regexp.MustCompile(`(?i)WAL-HC-26-000\d`)
	for name, part := range parts(t, data) {
		if refs.MatchString(part) {
			t.Errorf("%s carries a case reference", name)
		}
	}
	for _, c := range m.Cases {
		for _, detail := range []string{c.Offence, c.Outcome, c.Finding} {
			if strings.Contains(text, detail) {
				t.Errorf("key messages carry case detail %q", detail)
			}
		}
	}

	data, _ = BuildKeyMessages(KeyMessages{PanelName: "Wales LSIP", Meeting: meeting, CasesReviewed: 12})
	if !strings.Contains(allText(t, open(t, data)), "Cases reviewed|12") {
		t.Error("a count of 12 was not shown")
	}
}

func TestSuppressSmall(t *testing.T) {
	for n, want := range map[int]string{0: "fewer than 5", 1: "fewer than 5", 4: "fewer than 5", 5: "5", 17: "17"} {
		if got := SuppressSmall(n); got != want {
			t.Errorf("SuppressSmall(%d) = %q, want %q", n, got, want)
		}
	}
}

func TestUKTimeNamesTheZone(t *testing.T) {
	for in, want := range map[time.Time]string{
		time.Date(2027, 1, 12, 18, 0, 0, 0, time.UTC): "Tuesday 12 January 2027, 18:00 GMT",
		time.Date(2027, 7, 13, 17, 0, 0, 0, time.UTC): "Tuesday 13 July 2027, 18:00 BST",
	} {
		if got := uktime.Time(in); got != want {
			t.Errorf("uktime.Time(%v) = %q, want %q", in, got, want)
		}
	}
	if got := uktime.Date(time.Date(2027, 7, 13, 23, 30, 0, 0, time.UTC)); got != "14 July 2027" {
		t.Errorf("UKDate = %q", got)
	}
}
