package workbook

import (
	"archive/zip"
	"bytes"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/lsip/scrutiny/domain"
)

// comparison is a national and one Area's figures, some under 5, with an
// admin's theme whose label looks like a formula.
func comparison() domain.Comparison {
	median := 12.5
	return domain.Comparison{
		From: time.Date(2026, 4, 1, 0, 0, 0, 0, time.UTC), To: time.Date(2026, 9, 30, 0, 0, 0, 0, time.UTC),
		Themes: []domain.LearningTheme{{Code: "charging", Label: "Charging decisions", BuiltIn: true}, {Code: "evil", Label: injections[0]}},
		Sets: []domain.ComparisonFigures{
			{Name: "National", CasesByStrand: map[string]int{"race": 17, "disability": 3}, FindingsByCategory: map[string]int{"concerns": 9, "handled_well": 2},
				LearningByTheme: map[string]int{"charging": 6, "evil": 1, domain.NoTheme: 4}, ActionsRaised: 12, ActionsClosed: 7, ActionsOverdue: 2, MedianDaysToClose: &median},
			{AreaID: 1, Name: "Wales", CasesByStrand: map[string]int{"race": 8}, FindingsByCategory: map[string]int{"concerns": 4},
				LearningByTheme: map[string]int{"charging": 5}, ActionsRaised: 6, ActionsClosed: 3, ActionsOverdue: 1, MedianDaysToClose: &median},
		},
	}
}

// chartsIn counts the chart parts of a workbook.
func chartsIn(t *testing.T, book []byte) int {
	t.Helper()
	z, err := zip.NewReader(bytes.NewReader(book), int64(len(book)))
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, f := range z.File {
		if strings.HasPrefix(f.Name, "xl/charts/chart") && strings.HasSuffix(f.Name, ".xml") {
			n++
		}
	}
	return n
}

// TestComparisonWorkbook: the staff copy has a sheet and a native chart
// per measure, exact figures as numbers, and a theme label that looks
// like a formula stored as text.
func TestComparisonWorkbook(t *testing.T) {
	book, err := BuildComparison(comparison(), false)
	if err != nil {
		t.Fatal(err)
	}
	if n := chartsIn(t, book); n != 4 {
		t.Errorf("%d charts, want 4", n)
	}
	if found := formulaFreeCells(t, "comparison", book); !found[injections[0]] {
		t.Error("the theme label is missing")
	}
	f, err := excelize.OpenReader(bytes.NewReader(book))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if got := f.GetSheetList(); strings.Join(got, "|") != strings.Join([]string{SheetStrands, SheetFindings, SheetThemes, SheetActions}, "|") {
		t.Errorf("sheets %v", got)
	}
	rows, _ := f.GetRows(SheetStrands)
	if len(rows) < 6 || rows[4][0] != "National" || rows[4][1] != "17" || rows[4][3] != "3" || rows[5][0] != "Wales" {
		t.Errorf("strands sheet %q", rows)
	}
	if typ, _ := f.GetCellType(SheetStrands, "B5"); typ == excelize.CellTypeSharedString || typ == excelize.CellTypeInlineString {
		t.Errorf("a count is stored as text (%v)", typ)
	}
}

// TestBoardReportSuppressesSmallFigures: the Board's report has the
// summary and the comparison's charts, and no number under 5 anywhere:
// each shows as "fewer than 5".
func TestBoardReportSuppressesSmallFigures(t *testing.T) {
	median := 3.0
	gov := []domain.Figures{
		{Name: "National", Cycles: 6, CasesByStrand: map[string]map[string]int{"race": {"conviction_plea": 7, "acquittal": 2}}, Findings: map[string]int{"concerns": 5, "handled_well": 1},
			ActionsRaised: 9, ActionsClosed: 5, ActionsOpen: 4, ActionsOverdue: 1, MedianDaysToClose: &median, LearningByTag: map[string][]string{"police": {"CASE DETAIL"}}},
		{Name: "Wales", Cycles: 2, CasesByStrand: map[string]map[string]int{"race": {"conviction_plea": 3}}, Findings: map[string]int{"concerns": 3}, ActionsRaised: 3},
	}
	book, err := BuildBoardReport(BoardReport{Governance: gov, Comparison: comparison()})
	if err != nil {
		t.Fatal(err)
	}
	if n := chartsIn(t, book); n != 4 {
		t.Errorf("%d charts, want 4", n)
	}
	formulaFreeCells(t, "board report", book)
	assertNoSmallFigure(t, book)
	if bytes.Contains(book, []byte("CASE DETAIL")) {
		t.Error("the Board report carries a learning point's text")
	}
}

// assertNoSmallFigure fails when any cell of the workbook holds a number
// under 5, and when none says "fewer than 5".
func assertNoSmallFigure(t *testing.T, book []byte) {
	t.Helper()
	f, err := excelize.OpenReader(bytes.NewReader(book))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	suppressed := 0
	for _, sheet := range f.GetSheetList() {
		rows, err := f.GetRows(sheet)
		if err != nil {
			t.Fatal(err)
		}
		for r, row := range rows {
			for c, v := range row {
				if n, err := strconv.ParseFloat(v, 64); err == nil && n < 5 {
					t.Errorf("%s row %d column %d holds %v", sheet, r+1, c+1, v)
				}
				if v == "fewer than 5" {
					suppressed++
				}
			}
		}
	}
	if suppressed == 0 {
		t.Error("nothing is shown as fewer than 5")
	}
}
