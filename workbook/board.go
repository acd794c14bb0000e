package workbook

import (
	"bytes"
	"fmt"

	"github.com/xuri/excelize/v2"

	"github.com/lsip/scrutiny/domain"
	"github.com/lsip/scrutiny/reviewform"
	"github.com/lsip/scrutiny/uktime"
)

// BoardSummarySheet is the Board report's first sheet: the governance
// figures for the period and the progress of actions.
const BoardSummarySheet = "Board report"

// BoardReport is what the six-monthly Board report holds: the governance
// figures (nationally first, then each Area) and the cross-Area
// comparison, for one period.
type BoardReport struct {
	Governance []domain.Figures
	Comparison domain.Comparison
}

// BuildBoardReport writes the Board's report: a summary sheet of the
// governance figures and the progress of actions per Area, then the
// cross-Area comparison with its charts. It carries no case detail (no
// references, no learning point text) and every figure under 5 shows as
// "fewer than 5".
func BuildBoardReport(r BoardReport) ([]byte, error) {
	f := excelize.NewFile()
	defer f.Close()
	if err := f.SetSheetName("Sheet1", BoardSummarySheet); err != nil {
		return nil, err
	}
	if err := boardSummary(f, r); err != nil {
		return nil, err
	}
	if err := addComparison(f, r.Comparison, true); err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// boardSummary writes the summary sheet, every count suppressed.
func boardSummary(f *excelize.File, r BoardReport) error {
	st, err := newStyles(f)
	if err != nil {
		return err
	}
	w := newWriter(f, BoardSummarySheet)
	w.widths(30, 16, 16, 16, 16, 16, 16)
	from, to := r.Comparison.From, r.Comparison.To
	w.line(st.title, "Local scrutiny panels: report to the Board")
	w.line(0, "Period", uktime.Date(from)+" to "+uktime.Date(to))
	w.long("A", "G", "This report says nothing about any single case. To protect the people involved, figures under 5 are shown as \"fewer than 5\". "+
		"The sheets that follow compare the Areas, each with a chart.", st.wrap)
	w.row++
	w.line(st.heading, "Progress of actions")
	w.line(st.columnHead, "Area", "Cycles run", "Actions raised", "Completed", "Open now", "Overdue now", "Median days to complete")
	for _, fig := range r.Governance {
		median := medianCell(domain.ComparisonFigures{ActionsClosed: fig.ActionsClosed, MedianDaysToClose: fig.MedianDaysToClose}, true)
		w.line(0, fig.Name, countCell(fig.Cycles, true), countCell(fig.ActionsRaised, true), countCell(fig.ActionsClosed, true),
			countCell(fig.ActionsOpen, true), countCell(fig.ActionsOverdue, true), median)
	}
	form := reviewform.Default()
	for _, fig := range r.Governance {
		w.row++
		w.line(st.heading, fig.Name)
		w.line(st.label, "Cases reviewed by strand and outcome")
		header := []any{"Strand"}
		for _, o := range domain.Outcomes {
			header = append(header, o.Label)
		}
		w.line(st.columnHead, header...)
		for _, s := range domain.Strands {
			if fig.CasesByStrand[s.Code] == nil {
				continue
			}
			row := []any{s.Label}
			for _, o := range domain.Outcomes {
				row = append(row, countCell(fig.CasesByStrand[s.Code][string(o.Code)], true))
			}
			w.line(0, row...)
		}
		w.line(st.label, "Findings by category")
		for _, c := range form.Categories {
			w.line(0, c.Label, countCell(fig.Findings[c.Key], true))
		}
	}
	if w.err != nil {
		return fmt.Errorf("board summary: %w", w.err)
	}
	return printSetup(f, BoardSummarySheet, printing{landscape: true, title: "Report to the Board, " + uktime.Date(from) + " to " + uktime.Date(to), columns: 7})
}
