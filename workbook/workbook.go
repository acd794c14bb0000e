// Package workbook builds the Excel files of a review cycle with excelize —
// each member's personal review pack, the meeting minutes and the public key
// messages — and reads a returned pack back. It is pure: it turns structs
// into bytes and back, so activities can store the bytes in PostgreSQL and
// workflows never carry them.
package workbook

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"fmt"
	"io"
	"strings"
	"sync"
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

// styles are the few cell styles the workbooks use. Every font names
// bookFont: a font without a name prints in whatever the reader picks.
type styles struct {
	title, heading, columnHead, label, wrap, date, input, notice, banner int
}

func newStyles(f *excelize.File) (styles, error) {
	var s styles
	var err error
	mk := func(st *excelize.Style) int {
		if err != nil {
			return 0
		}
		var id int
		id, err = newStyle(f, st)
		return id
	}
	wrapTop := &excelize.Alignment{WrapText: true, Vertical: "top"}
	border := []excelize.Border{{Type: "left", Color: "505A5F", Style: 1}, {Type: "right", Color: "505A5F", Style: 1}, {Type: "top", Color: "505A5F", Style: 1}, {Type: "bottom", Color: "505A5F", Style: 1}}
	headFill := excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"DDE4EE"}}
	dateFormat := "d mmmm yyyy"
	s.title = mk(&excelize.Style{Font: &excelize.Font{Bold: true, Size: 16}})
	s.heading = mk(&excelize.Style{Font: &excelize.Font{Bold: true, Size: 12}, Fill: headFill, Alignment: wrapTop})
	// A table's column headings are the body's size, so that the row
	// heights worked out for wrapped text hold for them too.
	s.columnHead = mk(&excelize.Style{Font: &excelize.Font{Bold: true}, Fill: headFill, Alignment: wrapTop})
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

// newStyle adds a cell style in bookFont.
func newStyle(f *excelize.File, st *excelize.Style) (int, error) {
	if st.Font == nil {
		st.Font = &excelize.Font{}
	}
	st.Font.Family = bookFont
	return f.NewStyle(st)
}

// writer lays a sheet out straight into its file (see layout), keeping
// the first error.
type writer struct {
	layout
	f     *excelize.File
	sheet string
	err   error
}

// newWriter starts laying out the sheet named sheet, which f already has,
// at row 1.
func newWriter(f *excelize.File, sheet string) *writer {
	w := &writer{f: f, sheet: sheet}
	w.layout = layout{cells: w, row: 1}
	return w
}

// put writes v into column col of the current row and returns the cell
// name.
func (w *writer) put(col string, v any, style int) string {
	cell := fmt.Sprintf("%s%d", col, w.row)
	if w.err == nil {
		w.err = w.f.SetCellValue(w.sheet, cell, v)
	}
	if w.err == nil && style != 0 {
		w.err = w.f.SetCellStyle(w.sheet, cell, cell, style)
	}
	return cell
}

// merge merges columns from..to of the current row.
func (w *writer) merge(from, to string) {
	if w.err == nil {
		w.err = w.f.MergeCell(w.sheet, fmt.Sprintf("%s%d", from, w.row), fmt.Sprintf("%s%d", to, w.row))
	}
}

// grow makes the current row tall enough for text wrapped across columns
// from..to, never shorter than it is.
func (w *writer) grow(text, from, to string) {
	first, _ := excelize.ColumnNameToNumber(from)
	last, _ := excelize.ColumnNameToNumber(to)
	width := 0.0
	for i := first; i <= last && w.err == nil; i++ {
		col, _ := excelize.ColumnNumberToName(i)
		var cw float64
		cw, w.err = w.f.GetColWidth(w.sheet, col)
		width += cw
	}
	need := rowHeight(wrappedLines(text, width))
	if w.err != nil || need == 0 {
		return
	}
	var have float64
	if have, w.err = w.f.GetRowHeight(w.sheet, w.row); w.err == nil && need > have {
		w.err = w.f.SetRowHeight(w.sheet, w.row, need)
	}
}

func (w *writer) widths(widths ...float64) {
	if w.err == nil {
		w.err = setWidths(w.f, w.sheet, widths)
	}
}

// save writes the workbook with its first sheet active.
func save(f *excelize.File) ([]byte, error) {
	f.SetActiveSheet(0)
	return writeBook(f)
}

// writeBook writes the workbook as it is, compressed for speed rather than
// size: the XML of a workbook compresses well at any level, and a
// workbook is written on request and for every member's pack.
func writeBook(f *excelize.File) ([]byte, error) {
	f.SetZipWriter(fastZip)
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// fastZip is a zip writer whose deflate favours speed.
func fastZip(w io.Writer) excelize.ZipWriter {
	zw := zip.NewWriter(w)
	zw.RegisterCompressor(zip.Deflate, func(out io.Writer) (io.WriteCloser, error) {
		fw, ok := fastFlaters.Get().(*flate.Writer)
		if !ok {
			var err error
			if fw, err = flate.NewWriter(out, flate.BestSpeed); err != nil {
				return nil, err
			}
		}
		fw.Reset(out)
		return pooledFlater{fw}, nil
	})
	return zw
}

// fastFlaters keeps deflate writers for reuse, as archive/zip does for its
// own: a new one allocates about a megabyte, and a workbook has a dozen or
// more files to compress.
var fastFlaters sync.Pool

// pooledFlater returns its writer to fastFlaters once closed.
type pooledFlater struct{ *flate.Writer }

func (p pooledFlater) Close() error {
	err := p.Writer.Close()
	fastFlaters.Put(p.Writer)
	return err
}

// newBook starts a workbook with the project's styles, its first sheet
// named first. The caller closes it.
func newBook(first string) (*excelize.File, styles, error) {
	f := excelize.NewFile()
	st, err := newStyles(f)
	if err == nil {
		err = f.SetSheetName("Sheet1", first)
	}
	if err != nil {
		f.Close()
		return nil, styles{}, err
	}
	return f, st, nil
}
