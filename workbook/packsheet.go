package workbook

import (
	"strconv"

	"github.com/xuri/excelize/v2"
)

// packSheet lays out one sheet of a review pack in memory (see layout),
// and then streams it into the file with excelize's
// StreamWriter. A pack is built for every member of every cycle and again
// for each download; streaming skips excelize's per-cell bookkeeping and
// its reflective XML encoding of every cell, which were most of a pack's
// cost. Every styled text still makes its row tall enough to show it
// wrapped, from the column widths the sheet sets.
type packSheet struct {
	layout
	f     *excelize.File
	sheet string
	// rows holds the cells written, by row number; a row's cells are in
	// column order from A, nil where nothing was written.
	rows    map[int][]any
	heights map[int]float64
	merges  [][2]string
	widthOf []float64 // of columns A, B, C…, in characters, as set
	err     error
}

// newPackSheet starts laying out the sheet named sheet, which f already
// has, at row 1.
func newPackSheet(f *excelize.File, sheet string) *packSheet {
	s := &packSheet{f: f, sheet: sheet, rows: map[int][]any{}, heights: map[int]float64{}}
	s.layout = layout{cells: s, row: 1}
	return s
}

// widths sets the widths of columns A, B, C… in characters; call it before
// writing text whose rows should grow.
func (s *packSheet) widths(widths ...float64) {
	s.widthOf = widths
	if s.err == nil {
		s.err = setWidths(s.f, s.sheet, widths)
	}
}

// put writes v into column col of the current row and returns the cell
// name.
func (s *packSheet) put(col string, v any, style int) string {
	n, err := excelize.ColumnNameToNumber(col)
	if err != nil {
		s.err = err
		return ""
	}
	cells := s.rows[s.row]
	if len(cells) < n {
		cells = append(cells, make([]any, n-len(cells))...)
	}
	cells[n-1] = excelize.Cell{StyleID: style, Value: v}
	s.rows[s.row] = cells
	return col + strconv.Itoa(s.row)
}

// merge merges columns from..to of the current row.
func (s *packSheet) merge(from, to string) {
	row := strconv.Itoa(s.row)
	s.merges = append(s.merges, [2]string{from + row, to + row})
}

// height sets the current row's height in points, whatever its text.
func (s *packSheet) height(points float64) { s.heights[s.row] = points }

// grow makes the current row tall enough for text wrapped across columns
// from..to, never shorter than it is.
func (s *packSheet) grow(text, from, to string) {
	first, _ := excelize.ColumnNameToNumber(from)
	last, _ := excelize.ColumnNameToNumber(to)
	width := 0.0
	for i := first; i <= last; i++ {
		width += s.columnWidth(i)
	}
	if need := rowHeight(wrappedLines(text, width)); need > s.heights[s.row] {
		s.heights[s.row] = need
	}
}

// columnWidth is the width of column n (1 for A), as set or as the file
// has it by default.
func (s *packSheet) columnWidth(n int) float64 {
	if n <= len(s.widthOf) {
		return s.widthOf[n-1]
	}
	col, _ := excelize.ColumnNumberToName(n)
	w, err := s.f.GetColWidth(s.sheet, col)
	if s.err == nil {
		s.err = err
	}
	return w
}

// finish protects the sheet and streams its rows into the file. Anything
// kept on the sheet rather than in its rows (print setup, drop-downs) must
// be set before: the stream writes the sheet's properties when it starts
// and the rest when it is flushed, after which the sheet cannot change.
func (s *packSheet) finish() error {
	if s.err != nil {
		return s.err
	}
	// Members may resize rows and columns to read what they typed, but
	// not insert or delete any: the cell map must stay true.
	opts := &excelize.SheetProtectionOptions{Password: protectionPassword, SelectLockedCells: true, SelectUnlockedCells: true, FormatRows: true, FormatColumns: true}
	if err := s.f.ProtectSheet(s.sheet, opts); err != nil {
		return err
	}
	sw, err := s.f.NewStreamWriter(s.sheet)
	if err != nil {
		return err
	}
	last := 0
	for row := range s.rows {
		last = max(last, row)
	}
	for row := range s.heights {
		last = max(last, row)
	}
	for row := 1; row <= last; row++ {
		cells, written := s.rows[row]
		h, tall := s.heights[row]
		if !written && !tall {
			continue
		}
		var opts []excelize.RowOpts
		if tall {
			opts = append(opts, excelize.RowOpts{Height: h})
		}
		if err := sw.SetRow("A"+strconv.Itoa(row), cells, opts...); err != nil {
			return err
		}
	}
	for _, m := range s.merges {
		if err := sw.MergeCell(m[0], m[1]); err != nil {
			return err
		}
	}
	return sw.Flush()
}
