package workbook

import (
	"fmt"
	"strings"
	"time"

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
	f          *excelize.File
	sw         *excelize.StreamWriter
	row        int
	wrap, when int
}

// NewAuditLog starts an export; filtered describes the filter in words
// ("everything" when there is none). Add entries with Add, then Close.
func NewAuditLog(filtered string) (*AuditLog, error) {
	f := excelize.NewFile()
	if err := f.SetSheetName("Sheet1", AuditSheet); err != nil {
		return nil, err
	}
	widths := make([]float64, len(auditColumns))
	for i, col := range auditColumns {
		widths[i] = col.width
	}
	if err := setWidths(f, AuditSheet, widths); err != nil {
		return nil, err
	}
	// Before the stream starts: it writes the sheet's properties first.
	if err := printSetup(f, AuditSheet, printing{landscape: true, title: "Audit log: " + filtered, columns: len(widths), headRows: 1}); err != nil {
		return nil, err
	}
	sw, err := f.NewStreamWriter(AuditSheet)
	if err != nil {
		return nil, err
	}
	l := &AuditLog{f: f, sw: sw, row: 1}
	top := &excelize.Alignment{WrapText: true, Vertical: "top"}
	head, err := newStyle(f, &excelize.Style{Font: &excelize.Font{Bold: true}, Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"DDE4EE"}}, Alignment: top})
	if err != nil {
		return nil, err
	}
	if l.wrap, err = newStyle(f, &excelize.Style{Alignment: top}); err != nil {
		return nil, err
	}
	whenFormat := "d mmm yyyy hh:mm"
	if l.when, err = newStyle(f, &excelize.Style{Alignment: top, CustomNumFmt: &whenFormat}); err != nil {
		return nil, err
	}
	cells := make([]any, len(auditColumns))
	for i, col := range auditColumns {
		cells[i] = excelize.Cell{StyleID: head, Value: col.heading}
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
			lines = max(lines, wrappedLines(s, col.width))
		} else {
			style = l.when
		}
		cells[i] = excelize.Cell{StyleID: style, Value: v}
	}
	var opts []excelize.RowOpts
	if h := rowHeight(lines); h > 0 {
		opts = append(opts, excelize.RowOpts{Height: h})
	}
	return l.sw.SetRow(fmt.Sprintf("A%d", l.row), cells, opts...)
}

// Close finishes the sheet with its filters and returns the file. The
// filters are set before the stream is flushed, which writes them.
func (l *AuditLog) Close() ([]byte, error) {
	return finishStream(l.f, l.sw, AuditSheet, len(auditColumns), l.row)
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
