package workbook

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
)

// TestCommunityUpdateWorkbook: the update opens with its sections, shows a
// figure under 5 as "fewer than 5", and keeps typed text that looks like a
// formula as text.
func TestCommunityUpdateWorkbook(t *testing.T) {
	u := CommunityUpdate{AreaName: "Wales", From: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), To: time.Date(2026, 6, 30, 0, 0, 0, 0, time.UTC),
		Cases: Count{Label: "Cases reviewed", N: 9}, CasesByStrand: []Count{{"Race", 3}, {"Disability", 6}},
		Learning: []CommunityTheme{{Label: "Hostility evidence", Learning: []string{injections[0]}, GoodPractice: []string{"Kept victims informed"}}},
		Actions:  []CommunityAction{{Description: injections[3], Status: "Completed", Response: "Accepted", CompletionNote: injections[1]}}}
	book, err := BuildCommunityUpdate(u)
	if err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(bytes.NewReader(book))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if got := f.GetSheetList(); len(got) != 1 || got[0] != CommunityUpdateSheet {
		t.Fatalf("sheets: %q", got)
	}
	rows, err := f.GetRows(CommunityUpdateSheet)
	if err != nil {
		t.Fatal(err)
	}
	var text []string
	for _, r := range rows {
		text = append(text, strings.Join(r, " | "))
	}
	all := strings.Join(text, "\n")
	for _, want := range []string{CommunityCasesHeading, CommunityLearningHeading, CommunityActionsHeading, "Race | fewer than 5", "Disability | 6",
		"Hostility evidence", "Kept victims informed", "Our response | Accepted", "1 January 2026 to 30 June 2026"} {
		if !strings.Contains(all, want) {
			t.Errorf("the workbook lacks %q:\n%s", want, all)
		}
	}
	found := formulaFreeCells(t, "community update", book)
	for _, s := range []string{injections[0], injections[1], injections[3]} {
		if !found[s] {
			t.Errorf("%q is not stored as text", s)
		}
	}
}
