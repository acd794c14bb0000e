// Package workbook builds the Excel files of a review cycle with excelize —
// each member's personal review pack, the meeting minutes and the public key
// messages — and reads a returned pack back. It is pure: it turns structs
// into bytes and back, so activities can store the bytes in PostgreSQL and
// workflows never carry them.
package workbook

import (
	"bytes"
	"fmt"
	"strings"
	"time"
	_ "time/tzdata" // UK local time without relying on the system's zone database
	"unicode"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"

	"github.com/lsip/scrutiny/uktime"
)

// ContentType is the media type of every workbook scrutiny writes.
const ContentType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

// SuppressSmall is how every community-facing count is shown: a number
// under 5 could help someone work out who a case was about, so it shows as
// "fewer than 5".
func SuppressSmall(n int) string {
	if n < 5 {
		return "fewer than 5"
	}
	return fmt.Sprint(n)
}

// protectionPassword stops accidental edits to the fixed parts of a pack.
// It is not a security control: it is written here, in the open, and the
// file itself is what is kept confidential.
const protectionPassword = "lsip-pack"

// Who learning points and actions are for, in the order they are shown.
var audiences = []struct{ key, label string }{
	{"prosecution", "Prosecution service"},
	{"police", "Police"},
	{"partners", "Other justice partners"},
}

// audienceLabel returns the label of an audience tag, or the tag itself.
func audienceLabel(tag string) string {
	for _, a := range audiences {
		if a.key == tag {
			return a.label
		}
	}
	return tag
}

// humanise turns a stored status such as "in_progress" into "In progress".
func humanise(s string) string {
	s = strings.ReplaceAll(s, "_", " ")
	r, n := utf8.DecodeRuneInString(s)
	if n == 0 {
		return s
	}
	return string(unicode.ToUpper(r)) + s[n:]
}

func yesNo(b bool) string {
	if b {
		return "Yes"
	}
	return "No"
}

// excelDate is the UK calendar date of t as a time that Excel stores as
// that date, whatever zone t was in.
func excelDate(t time.Time) time.Time { return uktime.CalendarDay(t) }

// maxSheetName is Excel's limit on a sheet name, in UTF-16 code units.
const maxSheetName = 31

// uniqueSheetName makes s a sheet name Excel accepts and f does not already
// use: none of : \ / ? * [ ], no control characters, no apostrophe at
// either end, at most 31 characters, not "History" (Excel reserves it), and
// unique ignoring case (Excel compares names that way). A clash gains
// " (2)", " (3)" and so on.
func uniqueSheetName(f *excelize.File, s string) string {
	s = strings.Map(func(r rune) rune {
		switch {
		case strings.ContainsRune(`:\/?*[]`, r):
			return '-'
		case unicode.IsControl(r):
			return -1
		}
		return r
	}, s)
	s = strings.TrimSpace(strings.Trim(strings.TrimSpace(s), "'"))
	if s == "" {
		s = "Sheet"
	}
	if strings.EqualFold(s, "History") {
		s += "-"
	}
	taken := func(name string) bool {
		for _, existing := range f.GetSheetList() {
			if strings.EqualFold(existing, name) {
				return true
			}
		}
		return false
	}
	name := truncateUTF16(s, maxSheetName)
	for n := 2; taken(name); n++ {
		suffix := fmt.Sprintf(" (%d)", n)
		name = truncateUTF16(s, maxSheetName-len(suffix)) + suffix
	}
	return name
}

// truncateUTF16 shortens s to at most limit UTF-16 code units without
// splitting a character.
func truncateUTF16(s string, limit int) string {
	units := 0
	for i, r := range s {
		w := 1
		if r > 0xFFFF {
			w = 2
		}
		if units+w > limit {
			return s[:i]
		}
		units += w
	}
	return s
}

// styles are the few cell styles the workbooks use.
type styles struct {
	title, heading, label, wrap, date, input, notice, banner int
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
	border := []excelize.Border{{Type: "left", Color: "505A5F", Style: 1}, {Type: "right", Color: "505A5F", Style: 1}, {Type: "top", Color: "505A5F", Style: 1}, {Type: "bottom", Color: "505A5F", Style: 1}}
	dateFormat := "d mmmm yyyy"
	s.title = mk(&excelize.Style{Font: &excelize.Font{Bold: true, Size: 16}})
	s.heading = mk(&excelize.Style{Font: &excelize.Font{Bold: true, Size: 12}, Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"DDE4EE"}}, Alignment: wrapTop})
	s.label = mk(&excelize.Style{Font: &excelize.Font{Bold: true}, Alignment: wrapTop})
	s.wrap = mk(&excelize.Style{Alignment: wrapTop})
	s.date = mk(&excelize.Style{Alignment: wrapTop, CustomNumFmt: &dateFormat})
	// Input cells are the only unlocked cells of a protected sheet, and
	// their fill and border show members where to type.
	s.input = mk(&excelize.Style{Protection: &excelize.Protection{Locked: false}, Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"FFF7D6"}}, Border: border, Alignment: wrapTop})
	s.notice = mk(&excelize.Style{Font: &excelize.Font{Bold: true, Color: "8B0000"}, Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"FDECEA"}}, Alignment: wrapTop, Border: border})
	s.banner = mk(&excelize.Style{Font: &excelize.Font{Bold: true, Size: 28, Color: "C00000"}})
	return s, err
}

// writer puts values on a sheet row by row and keeps the first error, so
// the code that lays out a sheet reads like the sheet.
type writer struct {
	f     *excelize.File
	sheet string
	row   int
	err   error
}

// set writes v into column col of the current row and returns the cell
// name.
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

// long writes text into from..to on the current row, merging the cells if
// they are more than one, sets a row height that shows all of it (chars is
// about how many characters fit on a line of the cell) and moves on.
func (w *writer) long(from, to, text string, style, chars int) {
	w.set(from, text, style)
	if from != to && w.err == nil {
		w.err = w.f.MergeCell(w.sheet, fmt.Sprintf("%s%d", from, w.row), fmt.Sprintf("%s%d", to, w.row))
	}
	w.fit(text, chars)
	w.row++
}

// fit makes the current row tall enough for text wrapped at chars
// characters a line. Excel does not grow merged cells by itself.
func (w *writer) fit(text string, chars int) {
	lines := 0
	for _, para := range strings.Split(text, "\n") {
		lines += 1 + utf8.RuneCountInString(para)/chars
	}
	if lines > 1 && w.err == nil {
		w.err = w.f.SetRowHeight(w.sheet, w.row, min(409, float64(15*lines+4)))
	}
}

func (w *writer) widths(widths map[string]float64) {
	for col, width := range widths {
		if w.err == nil {
			w.err = w.f.SetColWidth(w.sheet, col, col, width)
		}
	}
}

// printSetup sets the page orientation, fits the sheet to one page wide and
// puts header text and page numbers on every printed page.
func printSetup(f *excelize.File, sheet, orientation, header string) error {
	if err := f.SetSheetProps(sheet, &excelize.SheetPropsOptions{FitToPage: ptr(true)}); err != nil {
		return err
	}
	if err := f.SetPageLayout(sheet, &excelize.PageLayoutOptions{Orientation: &orientation, FitToWidth: ptr(1), FitToHeight: ptr(0)}); err != nil {
		return err
	}
	return f.SetHeaderFooter(sheet, &excelize.HeaderFooterOptions{OddHeader: header, OddFooter: "&L&A&RPage &P of &N"})
}

func ptr[T any](v T) *T { return &v }

// save writes the workbook with its first sheet active.
func save(f *excelize.File) ([]byte, error) {
	f.SetActiveSheet(0)
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
