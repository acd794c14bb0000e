// Package workbook builds the Excel files of a review cycle with excelize —
// each member's personal review pack, the meeting minutes and the public key
// messages — and reads a returned pack back. It is pure: it turns structs
// into bytes and back, so activities can store the bytes in PostgreSQL and
// workflows never carry them.
package workbook

import (
	"fmt"
	"strings"
	"time"
	_ "time/tzdata" // UK local time without the system's zone database

	"github.com/xuri/excelize/v2"
)

var london, _ = time.LoadLocation("Europe/London")

// UKTime formats t in UK local time with the zone named, as people expect:
// "Monday 15 February 2027, 18:00 GMT".
func UKTime(t time.Time) string {
	return t.In(london).Format("Monday 2 January 2006, 15:04 MST")
}

// UKDate formats a date without a time: "15 February 2027".
func UKDate(t time.Time) string { return t.Format("2 January 2006") }

// SuppressSmall is how every community-facing count is shown: numbers from
// 1 to 4 could help identify someone, so they show as "fewer than 5".
func SuppressSmall(n int) string {
	if n > 0 && n < 5 {
		return "fewer than 5"
	}
	return fmt.Sprint(n)
}

// protectionPassword stops accidental edits to the fixed parts of a pack;
// it is not a security control (the file itself is confidential).
const protectionPassword = "lsip-pack"

// sheetName makes s a valid, unique-enough Excel sheet name: at most 31
// characters and none of : \ / ? * [ ].
func sheetName(s string) string {
	s = strings.Map(func(r rune) rune {
		if strings.ContainsRune(`:\/?*[]`, r) {
			return '-'
		}
		return r
	}, s)
	if len(s) > 31 {
		s = s[:31]
	}
	return s
}

// styles are the few cell styles the workbooks use.
type styles struct {
	title, heading, label, wrap, input, inputWrap, notice, highlight int
}

func newStyles(f *excelize.File) (styles, error) {
	var s styles
	var err error
	mk := func(st *excelize.Style) int {
		if err != nil {
			return 0
		}
		var id int
		id, err = f.NewStyle(st)
		return id
	}
	wrapTop := &excelize.Alignment{WrapText: true, Vertical: "top"}
	unlocked := &excelize.Protection{Locked: false}
	inputFill := excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"FFF7D6"}}
	border := []excelize.Border{{Type: "left", Color: "505A5F", Style: 1}, {Type: "right", Color: "505A5F", Style: 1}, {Type: "top", Color: "505A5F", Style: 1}, {Type: "bottom", Color: "505A5F", Style: 1}}
	s.title = mk(&excelize.Style{Font: &excelize.Font{Bold: true, Size: 16}})
	s.heading = mk(&excelize.Style{Font: &excelize.Font{Bold: true, Size: 12}, Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"DDE4EE"}}, Alignment: wrapTop})
	s.label = mk(&excelize.Style{Font: &excelize.Font{Bold: true}, Alignment: wrapTop})
	s.wrap = mk(&excelize.Style{Alignment: wrapTop})
	s.input = mk(&excelize.Style{Protection: unlocked, Fill: inputFill, Border: border, Alignment: wrapTop})
	s.inputWrap = mk(&excelize.Style{Protection: unlocked, Fill: inputFill, Border: border, Alignment: wrapTop})
	s.notice = mk(&excelize.Style{Font: &excelize.Font{Bold: true, Color: "8B0000"}, Alignment: wrapTop, Border: border})
	s.highlight = mk(&excelize.Style{Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"F8D7DA"}}})
	return s, err
}

// writer puts rows on a sheet, tracking the current row, and keeps the
// first error so the building code stays readable.
type writer struct {
	f     *excelize.File
	sheet string
	row   int
	err   error
}

func (w *writer) set(col string, v any, style int) string {
	cell := fmt.Sprintf("%s%d", col, w.row)
	if w.err == nil {
		w.err = w.f.SetCellValue(w.sheet, cell, v)
	}
	if w.err == nil && style != 0 {
		w.err = w.f.SetCellStyle(w.sheet, cell, cell, style)
	}
	return cell
}

// line writes values across A, B, C… on the current row and moves on.
func (w *writer) line(style int, values ...any) {
	for i, v := range values {
		col, _ := excelize.ColumnNumberToName(i + 1)
		w.set(col, v, style)
	}
	w.row++
}

// merged writes v across from..to on the current row, wrapped, with a
// height that fits the text, and moves on.
func (w *writer) merged(from, to string, v string, style int, chars int) {
	w.set(from, v, style)
	if w.err == nil {
		w.err = w.f.MergeCell(w.sheet, fmt.Sprintf("%s%d", from, w.row), fmt.Sprintf("%s%d", to, w.row))
	}
	lines := 1
	for _, para := range strings.Split(v, "\n") {
		lines += len(para) / chars
	}
	if w.err == nil && lines > 1 {
		w.err = w.f.SetRowHeight(w.sheet, w.row, float64(15*lines+4))
	}
	w.row++
}

func (w *writer) widths(widths map[string]float64) {
	for col, width := range widths {
		if w.err == nil {
			w.err = w.f.SetColWidth(w.sheet, col, col, width)
		}
	}
}

func yesNo(b bool) string {
	if b {
		return "Yes"
	}
	return "No"
}
