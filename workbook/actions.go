package workbook

import (
	"archive/zip"
	"bufio"
	"bytes"
	"fmt"
	"io"
	"strconv"
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

// ActionLog writes an action log as a workbook while the actions are
// read, the zip going out as it is made, so an export of any size holds
// a few kilobytes of it in memory: a frozen header, filters, overdue rows
// highlighted, each row tall enough for its wrapped text, and printed
// landscape on A4 one page wide with the header on every page.
//
// excelize lays out the workbook around the rows: every part but the
// sheet, and the sheet's XML before and after its rows (see splice.go).
// The rows themselves are written here, as excelize's StreamWriter would
// write them, without the dozen allocations a cell costs there.
type ActionLog struct {
	f       *excelize.File
	sw      *excelize.StreamWriter
	zw      *zip.Writer
	sheet   sheetEntry
	entry   io.Writer     // the sheet's zip entry
	out     *bufio.Writer // entry, buffered
	row     int
	overdue int
	plain   int
	scratch []byte // for formatting numbers without allocating
}

// NewActionLog starts an export written to w; add rows with Add, then
// Close. Nothing reaches w until a few kilobytes of the zip are made, so
// a failure at once (the rows' query refused) can still be answered
// otherwise; an export abandoned midway leaves nothing to clean up.
func NewActionLog(w io.Writer) (*ActionLog, error) {
	// A first copy of the book, finished at once, gives the sheet's XML up
	// to the end of its header row: what goes before the rows.
	probe, err := newActionBook()
	if err != nil {
		return nil, err
	}
	sheet, err := probe.head()
	if err != nil {
		return nil, err
	}
	l, err := newActionBook()
	if err != nil {
		return nil, err
	}
	l.sheet = sheet
	l.zw = newZipWriter(w)
	if l.entry, err = l.zw.Create(sheet.path); err != nil {
		return nil, err
	}
	l.out = bufio.NewWriterSize(l.entry, 64<<10)
	if _, err := l.out.Write(sheet.head); err != nil {
		return nil, err
	}
	return l, nil
}

// newActionBook lays out the export's workbook up to its header row.
func newActionBook() (*ActionLog, error) {
	f := excelize.NewFile()
	if err := f.SetSheetName("Sheet1", ActionLogSheet); err != nil {
		return nil, err
	}
	widths := make([]float64, len(actionLogColumns))
	for i, c := range actionLogColumns {
		widths[i] = c.width
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
	headings := make([]any, len(actionLogColumns))
	for i, c := range actionLogColumns {
		headings[i] = excelize.Cell{StyleID: head, Value: c.heading}
	}
	if err := sw.SetRow("A1", headings, excelize.RowOpts{Height: rowHeight(headingLines())}); err != nil {
		return nil, err
	}
	return l, nil
}

// headingLines is how many lines the tallest heading wraps to.
func headingLines() int {
	lines := 1
	for _, c := range actionLogColumns {
		lines = max(lines, wrappedLines(c.heading, c.width))
	}
	return lines
}

// head finishes a probe book and returns its sheet's XML up to the end of
// the header row.
func (l *ActionLog) head() (sheetEntry, error) {
	defer l.f.Close()
	if err := l.sw.Flush(); err != nil {
		return sheetEntry{}, err
	}
	return firstSheetHead(l.f)
}

// Add writes one action.
func (l *ActionLog) Add(a domain.ActionRow) error {
	style := l.plain
	if a.Overdue {
		style = l.overdue
	}
	values := [...]string{"A-" + strconv.FormatInt(a.ID, 10), a.Area, a.Panel, a.Description, strings.ReplaceAll(a.Kind, "_", " "), audienceLabel(a.Audience),
		a.OwnerName, a.ManagerName, uktime.Date(a.Due), humanise(a.Status.Label()), strings.ReplaceAll(a.Response, "_", " "), yesNo(a.Overdue)}
	return l.writeRow(values[:], style)
}

// writeRow writes the next row of text cells, tall enough for its wrapped
// text, in the XML excelize's StreamWriter.SetRow writes.
func (l *ActionLog) writeRow(values []string, style int) error {
	l.row++
	lines := 1
	for i, v := range values {
		lines = max(lines, wrappedLines(v, actionLogColumns[i].width))
	}
	w := l.out
	row := strconv.AppendInt(l.scratch[:0], int64(l.row), 10)
	l.scratch = row
	w.WriteString(`<row r="`)
	w.Write(row)
	w.WriteByte('"')
	if h := rowHeight(lines); h > 0 {
		var height [24]byte
		w.WriteString(` ht="`)
		w.Write(strconv.AppendFloat(height[:0], h, 'f', -1, 64))
		w.WriteString(`" customHeight="1"`)
	}
	w.WriteByte('>')
	for i, v := range values {
		writeTextCell(w, columnNames[i], row, style, v)
	}
	_, err := w.WriteString(`</row>`) // bufio keeps the first error: the last write reports it
	return err
}

// columnNames are the export's column letters, A to L.
var columnNames = func() []string {
	names := make([]string, len(actionLogColumns))
	for i := range names {
		names[i], _ = excelize.ColumnNumberToName(i + 1)
	}
	return names
}()

// Close writes the rest of the workbook: the end of the sheet with its
// filters over every row, then the other parts. excelize sets the
// filters before the stream is flushed, which writes them.
func (l *ActionLog) Close() error {
	defer l.f.Close()
	if err := l.out.Flush(); err != nil {
		return err
	}
	if err := setFilter(l.f, ActionLogSheet, len(actionLogColumns), l.row); err != nil {
		return err
	}
	if err := l.sw.Flush(); err != nil {
		return err
	}
	return spliceRest(l.f, l.zw, l.sheet, l.entry)
}

// finishStream sets the autofilter over a streamed sheet's columns and
// rows, flushes the stream (which writes the filter) and returns the file.
// The filter must be set before the flush to reach the sheet.
func finishStream(f *excelize.File, sw *excelize.StreamWriter, sheet string, columns, lastRow int) ([]byte, error) {
	defer f.Close()
	if err := setFilter(f, sheet, columns, lastRow); err != nil {
		return nil, err
	}
	if err := sw.Flush(); err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	if err := writeZip(&buf, f); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// setFilter sets the autofilter over a sheet's columns, from its header
// row to lastRow (to the row below it when there are no others).
func setFilter(f *excelize.File, sheet string, columns, lastRow int) error {
	last, _ := excelize.ColumnNumberToName(columns)
	return f.AutoFilter(sheet, fmt.Sprintf("A1:%s%d", last, max(2, lastRow)), nil)
}
