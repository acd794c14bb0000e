package workbook

import (
	"bytes"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/lsip/scrutiny/domain"
	"github.com/lsip/scrutiny/reviewform"
)

var meeting = time.Date(2027, 2, 15, 18, 0, 0, 0, time.UTC)

func pack() Pack {
	return Pack{
		Form: reviewform.Default(), PanelName: "Wales LSIP", AreaName: "Wales", CycleRef: "cycle-3-2026-07-01-2026-09-30",
		CycleID: 7, MemberID: 101, MemberName: "Aled", Meeting: meeting, MeetingPlace: "Cardiff office",
		Deadline: meeting.Add(-24 * time.Hour), ReturnURL: "http://localhost:8080/m/token",
		Cases: []PackCase{
			{CaseID: 1, Reference: "WAL-HC-26-0001", Category: domain.HateCrime, Strands: []string{"race"}, PrincipalOffence: "Racially aggravated harassment", Outcome: domain.ConvictionPlea, FinalisedOn: time.Date(2026, 7, 14, 0, 0, 0, 0, time.UTC), Summary: "A taxi driver was racially abused."},
			{CaseID: 2, Reference: "WAL-HC-26-0002", Category: domain.HateCrime, Strands: []string{"disability"}, PrincipalOffence: "ABH", Outcome: domain.ConvictionTrial, FinalisedOn: time.Date(2026, 8, 2, 0, 0, 0, 0, time.UTC), Summary: "A wheelchair user was pushed."},
			{CaseID: 3, Reference: "WAL/VA:26*3", Category: domain.VAWG, Strands: []string{"domestic_abuse"}, PrincipalOffence: "Coercive control", Outcome: domain.ConvictionPlea, FinalisedOn: time.Date(2026, 6, 21, 0, 0, 0, 0, time.UTC), Summary: "Coercive control over eighteen months."},
		},
		MattersArising: []ActionItem{{Reference: "A-12", Description: "Brief lawyers on uplift", Owner: "Area lead", Status: "open", Due: meeting}},
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

func allText(t *testing.T, f *excelize.File) string {
	var b strings.Builder
	for _, s := range f.GetSheetList() {
		rows, _ := f.GetRows(s)
		for _, r := range rows {
			b.WriteString(strings.Join(r, "|") + "\n")
		}
	}
	return b.String()
}

func TestBuildPack(t *testing.T) {
	data, err := BuildPack(pack())
	if err != nil {
		t.Fatal(err)
	}
	f := open(t, data)
	want := []string{CoverSheet, "WAL-HC-26-0001", "WAL-HC-26-0002", "WAL-VA-26-3", FormSheet, IdentitySheet}
	if got := f.GetSheetList(); strings.Join(got, ",") != strings.Join(want, ",") {
		t.Fatalf("sheets %v, want %v", got, want)
	}
	cover := allText(t, f)
	for _, s := range []string{"Wales LSIP", "Sunday 14 February 2027, 18:00 GMT", "CONFIDENTIAL", "lifelong anonymity", "Matters arising", "Brief lawyers on uplift", "VRR"} {
		if !strings.Contains(cover, s) {
			t.Errorf("pack lacks %q", s)
		}
	}
	if regexp.MustCompile(`\bURN\b`).MatchString(cover) {
		t.Error("the pack mentions a URN")
	}
	if visible, _ := f.GetSheetVisible(IdentitySheet); visible {
		t.Error("identity sheet is visible")
	}
	dvs, err := f.GetDataValidations(FormSheet)
	if err != nil || len(dvs) != 3*(len(reviewform.Default().Questions)+1) {
		t.Fatalf("%d data validations, %v", len(dvs), err)
	}
	if !strings.Contains(dvs[0].Formula1, IdentitySheet) {
		t.Errorf("rating drop-down does not list the ratings: %q", dvs[0].Formula1)
	}
	// The first rating cell is unlocked; the question beside it is locked.
	ratingCell := dvs[0].Sqref
	unlocked := locked(t, f, FormSheet, ratingCell)
	question := "A" + strings.TrimLeft(ratingCell, "ABCDEFGHIJKLMNOPQRSTUVWXYZ")
	if unlocked || !locked(t, f, FormSheet, question) {
		t.Errorf("input cell %s locked=%v, question %s locked=%v", ratingCell, unlocked, question, locked(t, f, FormSheet, question))
	}
}

func locked(t *testing.T, f *excelize.File, sheet, cell string) bool {
	id, _ := f.GetCellStyle(sheet, cell)
	st, err := f.GetStyle(id)
	if err != nil {
		t.Fatal(err)
	}
	return st.Protection == nil || st.Protection.Locked
}

// fill completes the returned workbook as a member would in Excel.
func fill(t *testing.T, data []byte, caseID int64, set map[string]string) []byte {
	t.Helper()
	f := open(t, data)
	rows, _ := f.GetRows(IdentitySheet)
	for _, r := range rows[4:] {
		if len(r) >= 3 && r[0] == strconv.FormatInt(caseID, 10) {
			if v, ok := set[r[1]]; ok {
				f.SetCellValue(FormSheet, r[2], v)
			}
		}
	}
	var buf bytes.Buffer
	f.Write(&buf)
	return buf.Bytes()
}

func complete() map[string]string {
	m := map[string]string{"overall": "Handled well, with observations", "good_practice": "Early VPS", "comments.charging": "Right charge"}
	for _, q := range reviewform.Default().Questions {
		m["ratings."+q.Key] = "Yes"
	}
	return m
}

func TestParsePackRoundTrip(t *testing.T) {
	data, _ := BuildPack(pack())
	filled := fill(t, data, 2, complete())
	got, err := ParsePack(filled, reviewform.Default())
	if err != nil {
		t.Fatal(err)
	}
	if got.MemberID != 101 || got.CycleID != 7 || len(got.Problems) != 0 {
		t.Fatalf("identity %d/%d, problems %v", got.MemberID, got.CycleID, got.Problems)
	}
	a, ok := got.Reviews[2]
	if !ok || len(got.Reviews) != 1 {
		t.Fatalf("reviews %v", got.Reviews)
	}
	if a.Overall != "handled_well_observations" || a.Ratings["charging"] != "yes" || a.Comments["charging"] != "Right charge" || a.GoodPractice != "Early VPS" {
		t.Errorf("answers %+v", a)
	}
}

func TestParsePackReportsProblemsWithCells(t *testing.T) {
	data, _ := BuildPack(pack())
	bad := complete()
	bad["ratings.timeliness"] = "Brilliant"
	delete(bad, "overall")
	got, err := ParsePack(fill(t, data, 1, bad), reviewform.Default())
	if err != nil {
		t.Fatal(err)
	}
	var typed, missing bool
	for _, p := range got.Problems {
		if strings.Contains(p.Message, `"Brilliant"`) && p.Cell != "" && p.CaseID == 1 {
			typed = true
		}
		if strings.Contains(p.Message, "overall category") && p.Cell != "" {
			missing = true
		}
	}
	if !typed || !missing {
		t.Errorf("problems %+v", got.Problems)
	}

	old := reviewform.Default()
	old.Version = "2025-9"
	if got, _ := ParsePack(data, old); len(got.Problems) != 1 || !strings.Contains(got.Problems[0].Message, "form version") {
		t.Errorf("wrong version: %+v", got.Problems)
	}
	f := open(t, data)
	f.DeleteSheet(IdentitySheet)
	var buf bytes.Buffer
	f.Write(&buf)
	if got, _ := ParsePack(buf.Bytes(), reviewform.Default()); len(got.Problems) != 1 || !strings.Contains(got.Problems[0].Message, "identity") {
		t.Errorf("no identity sheet: %+v", got.Problems)
	}
}

func TestMinutesAndKeyMessages(t *testing.T) {
	m := Minutes{Form: reviewform.Default(), PanelName: "Wales LSIP", Meeting: meeting, Status: "DRAFT",
		Cases:          []MinutesCase{{Reference: "WAL-HC-26-0001", Finding: "Concerns identified", RatingCounts: map[string]map[string]int{"charging": {"yes": 3, "no": 1}}, Submitted: 4}},
		LearningPoints: []LearningPoint{{CaseReference: "WAL-HC-26-0001", Text: "Flag hostility at charge", Tag: "prosecution"}},
		Actions:        []ActionRow{{Reference: "A-1", Description: "Brief lawyers", Owner: "Lead", Manager: "DCCP", Audience: "prosecution", Due: meeting}},
		Selection:      SelectionRecord{Seed: 4242, Strata: []Stratum{{Strand: "race", Quota: 2, Eligible: 37}}, Withdrawn: 1},
	}
	data, err := BuildMinutes(m)
	if err != nil {
		t.Fatal(err)
	}
	f := open(t, data)
	actions, _ := f.GetRows(ActionsSheet)
	if len(actions) != 2 || actions[1][1] != "Brief lawyers" {
		t.Errorf("actions sheet %v", actions)
	}
	sel, _ := f.GetRows(SelectionSheet)
	text := allText(t, f)
	if !strings.Contains(text, "4242") || !strings.Contains(text, "race|37|2|0") || len(sel) == 0 {
		t.Errorf("selection record lacks the seed or eligible count")
	}
	if !strings.Contains(text, "Yes 3 · Partly 0 · No 1") {
		t.Error("answers are not aggregated")
	}

	km, err := BuildKeyMessages(KeyMessages{PanelName: "Wales LSIP", Meeting: meeting, CasesReviewed: 3, LearningPoints: m.LearningPoints})
	if err != nil {
		t.Fatal(err)
	}
	kt := allText(t, open(t, km))
	if !strings.Contains(kt, "fewer than 5") || !strings.Contains(kt, "Flag hostility at charge") {
		t.Errorf("key messages: %s", kt)
	}
	if strings.Contains(kt, "WAL-HC") {
		t.Error("key messages carry a case reference")
	}
}
