package workbook

import (
	"bytes"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/lsip/scrutiny/i18n"
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
	if got := f.GetSheetList(); len(got) != 1 || got[0] != "You said, we did" {
		t.Fatalf("sheets: %q", got)
	}
	rows, err := f.GetRows("You said, we did")
	if err != nil {
		t.Fatal(err)
	}
	var text []string
	for _, r := range rows {
		text = append(text, strings.Join(r, " | "))
	}
	all := strings.Join(text, "\n")
	for _, want := range []string{"Cases reviewed", "What the panels told us", "What we did", "Race | fewer than 5", "Disability | 6",
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

// TestCommunityUpdateWorkbookInWelshAndEnglish: for an Area whose panels
// write in both languages the workbook has a Welsh sheet, then an English
// one, each with its fixed words from its own catalogue.
func TestCommunityUpdateWorkbookInWelshAndEnglish(t *testing.T) {
	u := CommunityUpdate{AreaName: "Cymru", From: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), To: time.Date(2026, 6, 30, 0, 0, 0, 0, time.UTC),
		Cases: Count{N: 3}, CasesByStrand: []Count{{"Hil", 3}}}
	cy, en := u, u
	cy.Lang, en.Lang = i18n.Welsh, i18n.English
	book, err := BuildCommunityUpdate(cy, en)
	if err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(bytes.NewReader(book))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sheets := f.GetSheetList()
	if want := []string{CommunitySheetIn(i18n.Welsh), CommunitySheetIn(i18n.English)}; !slices.Equal(sheets, want) || sheets[0] == sheets[1] {
		t.Fatalf("sheets %q, want %q", sheets, want)
	}
	for i, tc := range []struct{ want, gone []string }{
		{[]string{"Dywedoch chi, gwnaethom ni: Cymru", "Ardal | Cymru", "Cyfnod | 1 Ionawr 2026 i 30 Mehefin 2026", "Achosion a adolygwyd", "Hil | llai na 5"},
			[]string{"Cases reviewed", "Area", "Period", "What we did", "fewer than 5", "January"}},
		{[]string{"You said, we did: Cymru", "Area | Cymru", "Period | 1 January 2026 to 30 June 2026", "Cases reviewed | fewer than 5", "What we did"}, nil},
	} {
		rows, err := f.GetRows(sheets[i])
		if err != nil {
			t.Fatal(err)
		}
		var text []string
		for _, r := range rows {
			text = append(text, strings.Join(r, " | "))
		}
		all := strings.Join(text, "\n")
		if i18n.Missing(all) {
			t.Errorf("sheet %q shows a missing key:\n%s", sheets[i], all)
		}
		for _, w := range tc.want {
			if !strings.Contains(all, w) {
				t.Errorf("sheet %q lacks %q:\n%s", sheets[i], w, all)
			}
		}
		for _, w := range tc.gone {
			if strings.Contains(all, w) {
				t.Errorf("sheet %q shows %q:\n%s", sheets[i], w, all)
			}
		}
	}
}
