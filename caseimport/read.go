package caseimport

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"strings"

	"github.com/xuri/excelize/v2"

	"github.com/lsip/scrutiny/xlsxguard"
)

// MaxRows is the most rows of cases one file may hold, below the heading
// row. Blank rows count towards it, so that a file of blank lines is
// refused as quickly as a file of cases. An Area's extract for a year is
// a few thousand rows.
const MaxRows = 50_000

// format says how a file's cells are written.
type format struct {
	// excel is set for workbooks, whose date cells arrive as serial numbers.
	excel    bool
	date1904 bool
}

// rowVisitor receives a file's rows in order, one at a time, so that no
// file is ever held as a table. Row numbers are those a spreadsheet shows:
// a blank line is not passed on but counts, and a value spread over
// several lines is one row.
type rowVisitor interface {
	cells(row int, cells []string)
	// unreadable is a row that could not be read at all.
	unreadable(row int, reason string)
}

// xlsxLimits bound an uploaded workbook before it is read: far above a
// real extract of MaxRows cases, far below what would exhaust memory.
var xlsxLimits = xlsxguard.Limits{
	Unzipped: 128 << 20, Spill: 4 << 20, Held: 32 << 20, Decoded: 4 << 20,
	Rows: MaxRows + 1, Cells: maxCells, Strings: 1_000_000, Item: 128 << 10,
}

// read passes a CSV or XLSX file's rows to v, choosing by the file's
// extension, having first set fm, which v's checks need. A file it cannot
// read at all, or one over a limit, is reported as Errors.
func read(filename string, data []byte, fm *format, v rowVisitor) error {
	switch strings.ToLower(filepath.Ext(filename)) {
	case ".csv":
		return readCSV(data, v)
	case ".xlsx":
		return readXLSX(data, fm, v)
	}
	return Errors{{Reason: fmt.Sprintf("%q is not a file this import reads; save the extract as .csv or .xlsx", filepath.Base(filename))}}
}

// tooManyRows is the one problem of a file over MaxRows.
func tooManyRows() Errors {
	return Errors{{Reason: fmt.Sprintf("the file has more than %d rows below the heading row (blank rows count), the most one import takes; split it into smaller files, or delete the blank rows at its end", MaxRows)}}
}

// readCSV reads comma-separated values, ignoring a UTF-8 byte order mark (as
// Excel writes one). A malformed line is passed on as unreadable and
// reading goes on with the next line, so later rows are still checked.
func readCSV(data []byte, v rowVisitor) error {
	cr := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(data, []byte("\uFEFF"))))
	cr.FieldsPerRecord = -1 // short and long rows are reported with their row number
	cr.ReuseRecord = true   // a row's cells are not kept
	row, lastLine := 0, 0   // the row and the last line of the file read so far
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			return nil
		}
		var pe *csv.ParseError
		if errors.As(err, &pe) {
			row += pe.StartLine - lastLine
			if row > MaxRows+1 {
				return tooManyRows()
			}
			v.unreadable(row, csvReason(pe))
			lastLine = pe.Line
			continue
		}
		if err != nil {
			return err
		}
		start, _ := cr.FieldPos(0)
		row += start - lastLine // the blank lines before it, and it
		if row > MaxRows+1 {
			return tooManyRows()
		}
		v.cells(row, rec)
		lastLine = start
		for _, cell := range rec {
			lastLine += strings.Count(cell, "\n")
		}
	}
}

// csvReason explains a malformed CSV line in plain English. It never quotes
// the line, which may hold a summary.
func csvReason(pe *csv.ParseError) string {
	var what string
	switch {
	case errors.Is(pe.Err, csv.ErrBareQuote):
		what = `a double quote appears in a value that is not itself in double quotes; put the whole value in double quotes and write each quote inside it twice ("")`
	case errors.Is(pe.Err, csv.ErrQuote):
		what = `a value in double quotes is not closed properly; write each quote inside it twice ("") and follow the closing quote with a comma or the end of the line (if the quote is never closed, the rest of the file is read as part of this value)`
	default:
		what = pe.Err.Error()
	}
	return fmt.Sprintf("line %d of the file is not valid CSV: %s", pe.Line, what)
}

// readXLSX reads the first sheet of a workbook a row at a time, after
// xlsxguard has checked the whole file against xlsxLimits. Cells come raw,
// so a date cell is its serial number whatever format it is displayed in.
func readXLSX(data []byte, fm *format, v rowVisitor) error {
	fm.excel = true
	f, err := xlsxguard.Open(data, xlsxLimits)
	var refused *xlsxguard.Refused
	switch {
	case errors.As(err, &refused) && refused.Limit == xlsxguard.LimitRows:
		return tooManyRows()
	case errors.As(err, &refused):
		return Errors{{Reason: "the workbook cannot be imported: " + refused.Reason}}
	case err != nil:
		return unreadableWorkbook(err)
	}
	defer f.Close()
	if props, err := f.GetWorkbookProps(); err == nil && props.Date1904 != nil {
		fm.date1904 = *props.Date1904
	}
	rows, err := f.Rows(f.GetSheetName(0))
	if err != nil {
		return unreadableWorkbook(err)
	}
	defer rows.Close()
	for row := 1; rows.Next(); row++ {
		if row > MaxRows+1 {
			return tooManyRows()
		}
		cells, err := rows.Columns(excelize.Options{RawCellValue: true})
		if err != nil {
			return unreadableWorkbook(err)
		}
		if !blank(cells) {
			v.cells(row, cells)
		}
	}
	if err := rows.Error(); err != nil {
		return unreadableWorkbook(err)
	}
	return nil
}

func unreadableWorkbook(err error) Errors {
	return Errors{{Reason: "the file could not be read as an Excel workbook (.xlsx): " + err.Error()}}
}
