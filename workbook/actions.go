package workbook

import (
	"bytes"
	"fmt"
	"strings"

	"github.com/xuri/excelize/v2"

	"github.com/lsip/scrutiny/domain"
	"github.com/lsip/scrutiny/uktime"
)

// ActionLogSheet is the action export's one sheet.
const ActionLogSheet = "Actions"

// actionLogColumns are the export's headings and widths in characters.
// Long text wraps within its column, and the widths add up to what prints
// across landscape A4 at a readable size.
var actionLogColumns = []struct {
	heading string
	width   float64
}{
	{"Action", 9}, {"Area", 14}, {"Panel", 18}, {"Description", 46}, {"Type", 13}, {"For", 14},
	{"Owner", 16}, {"Manager", 16}, {"Due", 13}, {"Status", 12}, {"Response", 14}, {"Overdue", 9},
}

// ActionLog streams an action log into a workbook with excelize's
// StreamWriter, so an export of many thousands of actions stays small in
// memory: a frozen header, filters, overdue rows highlighted, each row tall
// enough for its wrapped text, and printed landscape on A4 one page wide
// with the header on every page.
type ActionLog struct {
	f       *excelize.File
	sw      *excelize.StreamWriter
	row     int
	overdue int
	plain   int
}

// NewActionLog starts an export; add rows with Add, then Close.
func NewActionLog() (*ActionLog, error) {
	f := excelize.NewFile()
	if err := f.SetSheetName("Sheet1", ActionLogSheet); err != nil {
		return nil, err
	}
	widths := make([]float64, len(actionLogColumns))
	headings := make([]string, len(actionLogColumns))
	for i, c := range actionLogColumns {
		widths[i], headings[i] = c.width, c.heading
	}
	if err := setWidths(f, ActionLogSheet, widths); err != nil {
		return nil, err
	}
	// Before the stream starts: it writes the sheet's properties first.
	if err := printSetup(f, ActionLogSheet, printing{landscape: true, title: "Action log", columns: len(widths), headRows: 1}); err != nil {
		return nil, err
	}
	sw, err := f.NewStreamWriter(ActionLogSheet)
	if err != nil {
		return nil, err
	}
	l := &ActionLog{f: f, sw: sw, row: 1}
	top := &excelize.Alignment{WrapText: true, Vertical: "top"}
	head, err := newStyle(f, &excelize.Style{Font: &excelize.Font{Bold: true}, Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"DDE4EE"}}, Alignment: top})
	if err != nil {
		return nil, err
	}
	if l.overdue, err = newStyle(f, &excelize.Style{Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"F8D7DA"}}, Alignment: top}); err != nil {
		return nil, err
	}
	if l.plain, err = newStyle(f, &excelize.Style{Alignment: top}); err != nil {
		return nil, err
	}
	if err := sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
		return nil, err
	}
	if err := l.setRow(headings, head); err != nil {
		return nil, err
	}
	return l, nil
}

// Add writes one action.
func (l *ActionLog) Add(a domain.ActionRow) error {
	l.row++
	style := l.plain
	if a.Overdue {
		style = l.overdue
	}
	return l.setRow([]string{fmt.Sprintf("A-%d", a.ID), a.Area, a.Panel, a.Description, strings.ReplaceAll(a.Kind, "_", " "), audienceLabel(a.Audience),
		a.OwnerName, a.ManagerName, uktime.Date(a.Due), humanise(a.Status.Label()), strings.ReplaceAll(a.Response, "_", " "), yesNo(a.Overdue)}, style)
}

// setRow streams the current row, tall enough for its wrapped text.
func (l *ActionLog) setRow(values []string, style int) error {
	cells := make([]any, len(values))
	lines := 1
	for i, v := range values {
		cells[i] = excelize.Cell{StyleID: style, Value: v}
		lines = max(lines, wrappedLines(v, actionLogColumns[i].width))
	}
	var opts []excelize.RowOpts
	if h := rowHeight(lines); h > 0 {
		opts = append(opts, excelize.RowOpts{Height: h})
	}
	return l.sw.SetRow(fmt.Sprintf("A%d", l.row), cells, opts...)
}

// Close finishes the sheet with its filters and returns the file. The
// filters are set before the stream is flushed, which writes them.
func (l *ActionLog) Close() ([]byte, error) {
	return finishStream(l.f, l.sw, ActionLogSheet, len(actionLogColumns), l.row)
}

// finishStream sets the autofilter over a streamed sheet's columns and
// rows, flushes the stream (which writes the filter) and returns the file.
// The filter must be set before the flush to reach the sheet.
func finishStream(f *excelize.File, sw *excelize.StreamWriter, sheet string, columns, lastRow int) ([]byte, error) {
	defer f.Close()
	last, _ := excelize.ColumnNumberToName(columns)
	if err := f.AutoFilter(sheet, fmt.Sprintf("A1:%s%d", last, max(2, lastRow)), nil); err != nil {
		return nil, err
	}
	if err := sw.Flush(); err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
