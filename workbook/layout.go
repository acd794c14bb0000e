package workbook

import "github.com/xuri/excelize/v2"

// layout is how every sheet here is written: row by row, so that the code
// that lays out a sheet reads like the sheet. Its cells put what it writes
// somewhere: writer straight into the file, packSheet into memory to
// stream when the sheet is finished. Set the column widths first: every
// styled text makes its row tall enough to show the text wrapped, since
// LibreOffice does not grow rows by itself and neither application grows
// a row for merged cells.
type layout struct {
	cells sheetCells
	row   int
}

// sheetCells is what a layout needs of its sheet, on the layout's current
// row.
type sheetCells interface {
	// put writes v into column col and returns the cell's name.
	put(col string, v any, style int) string
	// merge merges columns from..to.
	merge(from, to string)
	// grow makes the row tall enough for text wrapped across columns
	// from..to, never shorter than it is.
	grow(text, from, to string)
}

// set writes v into column col of the current row, grows the row to show
// styled text whole, and returns the cell name.
func (l *layout) set(col string, v any, style int) string {
	cell := l.cells.put(col, v, style)
	if text, ok := v.(string); ok && style != 0 {
		l.cells.grow(text, col, col)
	}
	return cell
}

// line writes values across A, B, C… on the current row and moves on.
func (l *layout) line(style int, values ...any) {
	for i, v := range values {
		col, _ := excelize.ColumnNumberToName(i + 1)
		l.set(col, v, style)
	}
	l.row++
}

// long writes text into from..to on the current row, merging the cells if
// they are more than one, makes the row tall enough to show all of it and
// moves on.
func (l *layout) long(from, to, text string, style int) {
	l.cells.put(from, text, style)
	if from != to {
		l.cells.merge(from, to)
	}
	l.cells.grow(text, from, to)
	l.row++
}
