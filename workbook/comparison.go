package workbook

import (
	"bytes"
	"fmt"
	"math"
	"strconv"

	"github.com/xuri/excelize/v2"

	"github.com/lsip/scrutiny/domain"
	"github.com/lsip/scrutiny/reviewform"
	"github.com/lsip/scrutiny/uktime"
)

// The comparison's sheets, one per measure, each a table of the Areas
// (nationally first) with a native Excel chart of it below.
const (
	SheetStrands  = "Cases by strand"
	SheetFindings = "Findings"
	SheetThemes   = "Learning themes"
	SheetActions  = "Actions"
)

// BuildComparison writes the cross-Area comparison as a workbook. With
// suppress (the Board's copy) every count under 5 is the text "fewer than
// 5", which a chart plots as nothing. The workbook is built in memory
// rather than streamed: it has one row per Area, so it stays small, and
// excelize adds charts only to sheets it holds. Every label is written as
// a text cell, so nothing typed (a theme's label) can become a formula.
func BuildComparison(cmp domain.Comparison, suppress bool) ([]byte, error) {
	f := excelize.NewFile()
	defer f.Close()
	if err := addComparison(f, cmp, suppress); err != nil {
		return nil, err
	}
	if err := f.DeleteSheet("Sheet1"); err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// measure is one table of the comparison: a column per key.
type measure struct {
	sheet, title string
	keys, labels []string
	value        func(domain.ComparisonFigures, string) int
}

// comparisonMeasures are the comparison's counted measures, labelled in
// the shared vocabularies' order.
func comparisonMeasures(cmp domain.Comparison) []measure {
	strands := measure{sheet: SheetStrands, title: "Cases reviewed by strand",
		value: func(f domain.ComparisonFigures, k string) int { return f.CasesByStrand[k] }}
	for _, s := range domain.Strands {
		strands.keys, strands.labels = append(strands.keys, s.Code), append(strands.labels, s.Label)
	}
	findings := measure{sheet: SheetFindings, title: "Findings by category",
		value: func(f domain.ComparisonFigures, k string) int { return f.FindingsByCategory[k] }}
	for _, c := range reviewform.Default().Categories {
		findings.keys, findings.labels = append(findings.keys, c.Key), append(findings.labels, c.Label)
	}
	themes := measure{sheet: SheetThemes, title: "Learning points by theme",
		value: func(f domain.ComparisonFigures, k string) int { return f.LearningByTheme[k] }}
	for _, t := range cmp.Themes {
		themes.keys, themes.labels = append(themes.keys, t.Code), append(themes.labels, t.Label)
	}
	themes.keys, themes.labels = append(themes.keys, domain.NoTheme), append(themes.labels, "Not themed")
	actions := measure{sheet: SheetActions, title: "Actions", keys: []string{"raised", "closed", "overdue"},
		labels: []string{"Raised in the period", "Completed in the period", "Overdue (due in the period, not done on time)"},
		value: func(f domain.ComparisonFigures, k string) int {
			return map[string]int{"raised": f.ActionsRaised, "closed": f.ActionsClosed, "overdue": f.ActionsOverdue}[k]
		}}
	return []measure{strands, findings, themes, actions}
}

// addComparison adds the comparison's sheets to f.
func addComparison(f *excelize.File, cmp domain.Comparison, suppress bool) error {
	st, err := newStyles(f)
	if err != nil {
		return err
	}
	for _, m := range comparisonMeasures(cmp) {
		if _, err := f.NewSheet(m.sheet); err != nil {
			return err
		}
		w := newWriter(f, m.sheet)
		widths := []float64{24}
		for range m.keys {
			widths = append(widths, 14)
		}
		if m.sheet == SheetActions {
			widths = append(widths, 14)
		}
		w.widths(widths...)
		w.line(st.title, m.title)
		w.line(0, "Period", uktime.Date(cmp.From)+" to "+uktime.Date(cmp.To))
		if suppress {
			w.long("A", "F", "To protect the people involved, figures under 5 are shown as \"fewer than 5\".", st.wrap)
		}
		w.row++
		head := w.row
		header := []any{"Area"}
		for _, l := range m.labels {
			header = append(header, l)
		}
		if m.sheet == SheetActions {
			header = append(header, "Median days to complete")
		}
		w.line(st.columnHead, header...)
		for _, set := range cmp.Sets {
			row := []any{set.Name}
			for _, k := range m.keys {
				row = append(row, countCell(m.value(set, k), suppress))
			}
			if m.sheet == SheetActions {
				row = append(row, medianCell(set, suppress))
			}
			w.line(0, row...)
		}
		if w.err != nil {
			return w.err
		}
		if err := addMeasureChart(f, m, head, len(cmp.Sets), w.row+1); err != nil {
			return err
		}
		if err := printSetup(f, m.sheet, printing{landscape: true, title: m.title, columns: len(widths), headRows: head}); err != nil {
			return err
		}
	}
	return nil
}

// addMeasureChart adds a clustered column chart of the table whose header
// is on row head: a series per Area, a category per column.
func addMeasureChart(f *excelize.File, m measure, head, sets, at int) error {
	lastCol, _ := excelize.ColumnNumberToName(len(m.keys) + 1)
	ref := func(cell string) string { return "'" + m.sheet + "'!" + cell }
	var series []excelize.ChartSeries
	for r := head + 1; r <= head+sets; r++ {
		series = append(series, excelize.ChartSeries{
			Name:       ref(fmt.Sprintf("$A$%d", r)),
			Categories: ref(fmt.Sprintf("$B$%d:$%s$%d", head, lastCol, head)),
			Values:     ref(fmt.Sprintf("$B$%d:$%s$%d", r, lastCol, r)),
		})
	}
	return f.AddChart(m.sheet, fmt.Sprintf("A%d", at), &excelize.Chart{
		Type:      excelize.Col,
		Series:    series,
		Title:     excelize.ChartTitle{Paragraph: []excelize.RichTextRun{{Text: m.title}}},
		Legend:    excelize.ChartLegend{Position: "bottom"},
		Dimension: excelize.ChartDimension{Width: 760, Height: 380},
	})
}

// countCell is a count as written: a number, or with suppress the text
// SuppressSmall gives a count under 5.
func countCell(n int, suppress bool) any {
	if s := SuppressSmall(n); suppress && s != strconv.Itoa(n) {
		return s
	}
	return n
}

// medianCell is the median days to complete, to one decimal place. With
// suppress it is withheld, as "fewer than 5", when fewer than 5 actions
// were completed or the median itself is under 5 days.
func medianCell(f domain.ComparisonFigures, suppress bool) any {
	switch {
	case suppress && (f.ActionsClosed < 5 || (f.MedianDaysToClose != nil && *f.MedianDaysToClose < 5)):
		return SuppressSmall(0)
	case f.MedianDaysToClose == nil:
		return "none completed"
	}
	return math.Round(*f.MedianDaysToClose*10) / 10
}
