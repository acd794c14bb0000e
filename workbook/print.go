package workbook

import (
	"fmt"
	"strings"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"
)

// bookFont is the one font every workbook names. Excel has Calibri, and
// LibreOffice prints it with Carlito, whose letters are the same widths,
// so the row heights worked out below hold in both.
const bookFont = "Calibri"

// Page geometry shared by every printed sheet, in inches: A4, half-inch
// sides, and top and bottom margins that leave room for the header and
// footer so they never overlap the rows.
const (
	paperA4           = 9 // excelize's (and Excel's) number for A4
	a4Short, a4Long   = 8.27, 11.69
	sideMargin        = 0.5
	endMargin         = 0.75
	headerFooterInset = 0.3
)

// printing is how one sheet prints.
type printing struct {
	landscape bool
	// title names the document at the top left of every page.
	title string
	// marking is header codes for the centre of the header, such as
	// a confidentiality or DRAFT marking; it may be empty.
	marking string
	// columns is how many columns, from A, the sheet uses; their widths
	// set the scale for a reader that ignores fit-to-page.
	columns int
	// headRows rows at the top and headCols columns at the left are
	// printed again on every page.
	headRows, headCols int
	// pagesWide is how many pages the columns are fitted across: 1 unless
	// a sheet is too wide to read on one.
	pagesWide int
}

// printSetup makes a sheet print legibly in Excel and LibreOffice: A4 in
// the given orientation, its columns fitted to the page width and as many
// pages down as it needs, its heading rows repeated on every page, the
// document's name at the top and the sheet's name and page numbers at the
// foot. Column widths must be set first. A streamed sheet writes its sheet
// properties when the stream starts, so call it before NewStreamWriter.
func printSetup(f *excelize.File, sheet string, p printing) error {
	if err := f.SetSheetProps(sheet, &excelize.SheetPropsOptions{FitToPage: ptr(true)}); err != nil {
		return err
	}
	wide := max(1, p.pagesWide)
	orientation, width := "portrait", a4Short
	if p.landscape {
		orientation, width = "landscape", a4Long
	}
	scale, err := fallbackScale(f, sheet, p.columns, float64(wide)*(width-2*sideMargin))
	if err != nil {
		return err
	}
	// Across before down, so that the pages of a wide sheet's rows follow
	// one another.
	if err := f.SetPageLayout(sheet, &excelize.PageLayoutOptions{Orientation: &orientation, Size: ptr(paperA4),
		FitToWidth: &wide, FitToHeight: ptr(0), AdjustTo: &scale, PageOrder: ptr("overThenDown")}); err != nil {
		return err
	}
	side, end, inset := sideMargin, endMargin, headerFooterInset
	if err := f.SetPageMargins(sheet, &excelize.PageLayoutMarginsOptions{Left: &side, Right: &side, Top: &end, Bottom: &end,
		Header: &inset, Footer: &inset}); err != nil {
		return err
	}
	header := "&L" + headerText(p.title, excelize.MaxFieldLength-2-utf16Len(p.marking)) + p.marking
	if err := f.SetHeaderFooter(sheet, &excelize.HeaderFooterOptions{OddHeader: header, OddFooter: "&L&A&RPage &P of &N"}); err != nil {
		return err
	}
	if titles := printTitles(sheet, p.headRows, p.headCols); titles != "" {
		return f.SetDefinedName(&excelize.DefinedName{Name: "_xlnm.Print_Titles", Scope: sheet, RefersTo: titles})
	}
	return nil
}

// printTitles is the reference Excel keeps for the rows and columns
// repeated on every page, or "" for none.
func printTitles(sheet string, rows, cols int) string {
	quoted := "'" + strings.ReplaceAll(sheet, "'", "''") + "'!"
	var refs []string
	if cols > 0 {
		last, _ := excelize.ColumnNumberToName(cols)
		refs = append(refs, quoted+"$A:$"+last)
	}
	if rows > 0 {
		refs = append(refs, fmt.Sprintf("%s$1:$%d", quoted, rows))
	}
	return strings.Join(refs, ",")
}

// fallbackScale is the largest scale, in steps of 5%, at which the first
// columns of sheet fit across inches of paper. Excel and LibreOffice fit
// the page themselves; this is for readers that ignore fit-to-page. A
// column w characters wide is about 7w+5 pixels at 96 to the inch.
func fallbackScale(f *excelize.File, sheet string, columns int, inches float64) (uint, error) {
	pixels := 0.0
	for i := 1; i <= columns; i++ {
		col, _ := excelize.ColumnNumberToName(i)
		w, err := f.GetColWidth(sheet, col)
		if err != nil {
			return 0, err
		}
		pixels += 7*w + 5
	}
	if pixels == 0 {
		return 100, nil
	}
	return uint(max(10, min(100, int(100*inches*96/pixels)/5*5))), nil
}

// setWidths sets the widths of columns A, B, C… in characters. excelize
// lists each new width before those already set, so they are set from the
// last column: Excel refuses widths listed out of order.
func setWidths(f *excelize.File, sheet string, widths []float64) error {
	for i := len(widths) - 1; i >= 0; i-- {
		col, _ := excelize.ColumnNumberToName(i + 1)
		if err := f.SetColWidth(sheet, col, col, widths[i]); err != nil {
			return err
		}
	}
	return nil
}

// headerText is s as literal header text of at most limit UTF-16 units:
// an ampersand, which starts a header code, is doubled.
func headerText(s string, limit int) string {
	s = truncateUTF16(strings.ReplaceAll(s, "&", "&&"), max(0, limit))
	if n := len(s) - len(strings.TrimRight(s, "&")); n%2 == 1 {
		s = s[:len(s)-1] // do not leave half of a doubled ampersand
	}
	return s
}

// utf16Len is the length of s in UTF-16 code units, as Excel counts.
func utf16Len(s string) int {
	n := 0
	for _, r := range s {
		n += utf16.RuneLen(r)
	}
	return n
}

// lineHeight is the height in points of a line of the book's 11-point
// font, and rowPadding the room above and below the lines.
const lineHeight, rowPadding = 15, 4

// maxRowHeight is the tallest row Excel allows, in points.
const maxRowHeight = 409

// rowHeight is the height of a row whose tallest cell holds lines lines,
// or 0 when one line fits the default height.
func rowHeight(lines int) float64 {
	if lines <= 1 {
		return 0
	}
	return min(maxRowHeight, float64(lineHeight*lines+rowPadding))
}

// wrappedLines is how many lines text takes wrapped at word boundaries in
// a column width characters wide. A width counts Calibri's digits; a line
// of ordinary text holds about 1.15 times as many characters, and 1.05
// leaves room for capitals and wide letters.
func wrappedLines(text string, width float64) int {
	capacity := max(1, int(width*1.05))
	if len(text) <= capacity && strings.IndexByte(text, '\n') < 0 {
		return 1 // most cells, at once: no more runes than bytes, so it fits
	}
	lines := 0
	for _, para := range strings.Split(text, "\n") {
		lines++
		used := 0
		for _, word := range strings.Fields(para) {
			n := utf8.RuneCountInString(word)
			switch {
			case used == 0:
				used = n
			case used+1+n <= capacity:
				used += 1 + n
			default:
				lines++
				used = n
			}
			for used > capacity { // a word longer than the line breaks
				lines++
				used -= capacity
			}
		}
	}
	return lines
}

func ptr[T any](v T) *T { return &v }
