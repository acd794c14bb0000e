package workbook

import (
	"bytes"
	"fmt"
	"sort"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/lsip/scrutiny/domain"
	"github.com/lsip/scrutiny/reviewform"
	"github.com/lsip/scrutiny/uktime"
)

// BuildGovernanceReport writes the report the prosecution service hands to
// its Board: one sheet per set of figures (nationally first, then each
// Area).
func BuildGovernanceReport(from, to time.Time, sets []domain.Figures) ([]byte, error) {
	f := excelize.NewFile()
	defer f.Close()
	st, err := newStyles(f)
	if err != nil {
		return nil, err
	}
	form := reviewform.Default()
	for i, fig := range sets {
		name := uniqueSheetName(f, fig.Name)
		if i == 0 {
			if err := f.SetSheetName("Sheet1", name); err != nil {
				return nil, err
			}
		} else if _, err := f.NewSheet(name); err != nil {
			return nil, err
		}
		w := newWriter(f, name)
		w.widths(34, 16, 16, 16, 16, 16, 16, 16)
		w.line(st.title, "Local scrutiny panels: "+fig.Name)
		w.line(0, "Period", uktime.Date(from)+" to "+uktime.Date(to))
		w.row++
		w.line(st.heading, "Cycles run", fig.Cycles)
		w.row++
		w.line(st.heading, "Cases reviewed by strand and outcome")
		header := []any{"Strand"}
		for _, o := range domain.Outcomes {
			header = append(header, o.Label)
		}
		w.line(st.label, header...)
		strands := make([]string, 0, len(fig.CasesByStrand))
		for s := range fig.CasesByStrand {
			strands = append(strands, s)
		}
		sort.Strings(strands)
		for _, s := range strands {
			label := s
			if sd, ok := domain.StrandByCode(s); ok {
				label = sd.Label
			}
			row := []any{label}
			for _, o := range domain.Outcomes {
				row = append(row, fig.CasesByStrand[s][string(o.Code)])
			}
			w.line(0, row...)
		}
		w.row++
		w.line(st.heading, "Findings by category")
		for _, c := range form.Categories {
			w.line(0, c.Label, fig.Findings[c.Key])
		}
		w.row++
		w.line(st.heading, "Actions")
		w.line(0, "Raised in the period", fig.ActionsRaised)
		w.line(0, "Closed in the period", fig.ActionsClosed)
		w.line(0, "Open now", fig.ActionsOpen)
		w.line(0, "Overdue now", fig.ActionsOverdue)
		median := "no actions closed"
		if fig.MedianDaysToClose != nil {
			median = fmt.Sprintf("%.1f days", *fig.MedianDaysToClose)
		}
		w.line(0, "Median time to close", median)
		w.row++
		w.line(st.heading, "Learning points by who they are for")
		for _, a := range audiences {
			for _, text := range fig.LearningByTag[a.key] {
				w.set("A", a.label, st.label)
				w.long("B", "H", text, st.wrap)
			}
		}
		if w.err != nil {
			return nil, w.err
		}
		title := "Governance report: " + fig.Name + ", " + uktime.Date(from) + " to " + uktime.Date(to)
		if err := printSetup(f, name, printing{landscape: true, title: title, columns: 8}); err != nil {
			return nil, err
		}
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
