package workbook

import (
	"bytes"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"

	"github.com/lsip/scrutiny/domain"
	"github.com/lsip/scrutiny/uktime"
)

// AuditSheet is the audit log export's one sheet.
const AuditSheet = "Audit log"

// auditColumns are the export's columns: heading, width in characters,
// and the value of an entry. Every cell wraps within its width, so no text
// runs into the next column on screen or in print; the widths add up to a
// landscape page.
var auditColumns = []struct {
	heading string
	width   float64
	value   func(domain.AuditEntry) any
}{
	{"When (UK time)", 18, func(e domain.AuditEntry) any { return wallClock(e.At) }},
	{"Who", 26, func(e domain.AuditEntry) any { return e.Actor }},
	{"What", 26, func(e domain.AuditEntry) any { return humanise(e.Action) }},
	{"Subject", 22, func(e domain.AuditEntry) any { return humanise(e.SubjectType) + " " + e.SubjectID }},
	{"Detail", 60, func(e domain.AuditEntry) any { return auditDetail(e.Detail) }},
}

// AuditLog streams audit log entries into a workbook, so a long export
// stays small in memory. It prints legibly: landscape, every column on the
// page, the heading row repeated on every page, and what was filtered in
// the page header.
type AuditLog struct {
	f            *excelize.File
	sw           *excelize.StreamWriter
	row          int
	wrap, when   int
	filterHeader string
}

// NewAuditLog starts an export; filtered describes the filter in words
// ("everything" when there is none). Add entries with Add, then Close.
func NewAuditLog(filtered string) (*AuditLog, error) {
	f := excelize.NewFile()
	if err := f.SetSheetName("Sheet1", AuditSheet); err != nil {
		return nil, err
	}
	sw, err := f.NewStreamWriter(AuditSheet)
	if err != nil {
		return nil, err
	}
	l := &AuditLog{f: f, sw: sw, row: 1, filterHeader: "&L&B" + strings.ReplaceAll("Audit log: "+filtered, "&", "&&")}
	top := &excelize.Alignment{WrapText: true, Vertical: "top"}
	head, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}, Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"DDE4EE"}}, Alignment: top})
	if err != nil {
		return nil, err
	}
	if l.wrap, err = f.NewStyle(&excelize.Style{Alignment: top}); err != nil {
		return nil, err
	}
	whenFormat := "d mmm yyyy hh:mm"
	if l.when, err = f.NewStyle(&excelize.Style{Alignment: top, CustomNumFmt: &whenFormat}); err != nil {
		return nil, err
	}
	cells := make([]any, len(auditColumns))
	for i, col := range auditColumns {
		cells[i] = excelize.Cell{StyleID: head, Value: col.heading}
	}
	// excelize puts each width before those already set; set from the
	// last column so the file lists them in order, as Excel expects.
	for i := len(auditColumns) - 1; i >= 0; i-- {
		if err := sw.SetColWidth(i+1, i+1, auditColumns[i].width); err != nil {
			return nil, err
		}
	}
	if err := sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
		return nil, err
	}
	if err := sw.SetRow("A1", cells); err != nil {
		return nil, err
	}
	return l, nil
}

// Add writes one entry, on a row tall enough for its wrapped text.
func (l *AuditLog) Add(e domain.AuditEntry) error {
	l.row++
	cells := make([]any, len(auditColumns))
	lines := 1
	for i, col := range auditColumns {
		v := col.value(e)
		style := l.wrap
		if s, ok := v.(string); ok {
			lines = max(lines, wrappedLines(s, int(col.width)-2))
		} else {
			style = l.when
		}
		cells[i] = excelize.Cell{StyleID: style, Value: v}
	}
	var opts []excelize.RowOpts
	if lines > 1 {
		opts = append(opts, excelize.RowOpts{Height: min(409, float64(15*lines+4))})
	}
	return l.sw.SetRow(fmt.Sprintf("A%d", l.row), cells, opts...)
}

// Close finishes the sheet with its filters and print setup and returns
// the file. A streamed sheet cannot be set to fit the page (excelize does
// not stream sheet properties), so it prints at the scale that fits its
// columns across landscape A4, which its fixed widths make known.
func (l *AuditLog) Close() ([]byte, error) {
	defer l.f.Close()
	last, _ := excelize.ColumnNumberToName(len(auditColumns))
	if err := l.f.AutoFilter(AuditSheet, fmt.Sprintf("A1:%s%d", last, max(2, l.row)), nil); err != nil {
		return nil, err
	}
	landscape, a4, scale := "landscape", 9, auditPrintScale()
	if err := l.f.SetPageLayout(AuditSheet, &excelize.PageLayoutOptions{Orientation: &landscape, Size: &a4, AdjustTo: &scale}); err != nil {
		return nil, err
	}
	side, edge, band := auditMargin, 0.75, 0.3
	if err := l.f.SetPageMargins(AuditSheet, &excelize.PageLayoutMarginsOptions{Left: &side, Right: &side, Top: &edge, Bottom: &edge, Header: &band, Footer: &band}); err != nil {
		return nil, err
	}
	if err := l.f.SetHeaderFooter(AuditSheet, &excelize.HeaderFooterOptions{OddHeader: l.filterHeader, OddFooter: "&L&A&RPage &P of &N"}); err != nil {
		return nil, err
	}
	if err := l.f.SetDefinedName(&excelize.DefinedName{Name: "_xlnm.Print_Titles", Scope: AuditSheet, RefersTo: fmt.Sprintf("'%s'!$1:$1", AuditSheet)}); err != nil {
		return nil, err
	}
	// The sheet's settings above are written as the stream is flushed.
	if err := l.sw.Flush(); err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	if err := l.f.Write(&buf); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// auditMargin is the left and right page margin, in inches; the top and
// bottom leave room for the header and footer.
const auditMargin = 0.5

// auditPrintScale is the largest scale, in steps of 5%, at which the
// columns fit across landscape A4 (11.69 inches) between the margins. A
// column w characters wide is about 7w+5 pixels at 96 to the inch.
func auditPrintScale() uint {
	pixels := 0.0
	for _, col := range auditColumns {
		pixels += 7*col.width + 5
	}
	fit := 100 * (11.69 - 2*auditMargin) * 96 / pixels
	return uint(min(100, int(fit)/5*5))
}

// wallClock is t's UK date and time as a time Excel shows unchanged:
// Excel has no time zones, so the UK wall clock is written as UTC.
func wallClock(t time.Time) time.Time {
	uk := t.In(uktime.London)
	return time.Date(uk.Year(), uk.Month(), uk.Day(), uk.Hour(), uk.Minute(), uk.Second(), 0, time.UTC)
}

// auditDetail is an entry's JSON detail without the braces of an empty
// object, which says nothing.
func auditDetail(detail string) string {
	if strings.TrimSpace(detail) == "{}" {
		return ""
	}
	return detail
}

// wrappedLines is about how many lines text takes wrapped at chars a line.
func wrappedLines(text string, chars int) int {
	lines := 0
	for _, para := range strings.Split(text, "\n") {
		lines += 1 + utf8.RuneCountInString(para)/max(chars, 1)
	}
	return lines
}
