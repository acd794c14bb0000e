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
)

// table is a file's cells as a spreadsheet shows them: rows[0] is row 1, and
// a blank line or a line that could not be read is an empty row, so row
// numbers match what a person sees.
type table struct {
	rows [][]string
	// excel is set for workbooks, whose date cells arrive as serial numbers.
	excel    bool
	date1904 bool
	// problems are lines that could not be read at all.
	problems Errors
}

// maxUnzipped bounds how much a workbook may expand to when opened, so that a
// small upload cannot exhaust memory. A full Area extract is far smaller.
const maxUnzipped = 256 << 20

// read turns a CSV or XLSX file into a table, choosing by the file's
// extension. A file it cannot read at all is reported as Errors; other errors
// are reading r's.
func read(filename string, r io.Reader) (table, error) {
	switch strings.ToLower(filepath.Ext(filename)) {
	case ".csv":
		return readCSV(r)
	case ".xlsx":
		return readXLSX(r)
	}
	return table{}, Errors{{Reason: fmt.Sprintf("%q is not a file this import reads; save the extract as .csv or .xlsx", filepath.Base(filename))}}
}

// readCSV reads comma-separated values, ignoring a UTF-8 byte order mark (as
// Excel writes one). A malformed line becomes a problem and reading goes on
// with the next line, so later rows are still checked.
func readCSV(r io.Reader) (table, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return table{}, err
	}
	cr := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(data, []byte("\uFEFF"))))
	cr.FieldsPerRecord = -1 // short and long rows are reported with their row number
	var t table
	lastLine := 0 // the last line of the file read so far
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			return t, nil
		}
		var pe *csv.ParseError
		if errors.As(err, &pe) {
			t.blankLinesUntil(lastLine, pe.StartLine)
			t.rows = append(t.rows, nil)
			t.problems = append(t.problems, Problem{Row: len(t.rows), Reason: csvReason(pe)})
			lastLine = pe.Line
			continue
		}
		if err != nil {
			return table{}, err
		}
		start, _ := cr.FieldPos(0)
		t.blankLinesUntil(lastLine, start)
		t.rows = append(t.rows, rec)
		lastLine = start + strings.Count(strings.Join(rec, ""), "\n")
	}
}

// blankLinesUntil adds an empty row for each blank line after line last and
// before line next, which encoding/csv skips but a spreadsheet shows.
func (t *table) blankLinesUntil(last, next int) {
	for range next - last - 1 {
		t.rows = append(t.rows, nil)
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

// readXLSX reads the first sheet of a workbook. Cells come raw, so a date
// cell is its serial number whatever format it is displayed in.
func readXLSX(r io.Reader) (table, error) {
	f, err := excelize.OpenReader(r, excelize.Options{UnzipSizeLimit: maxUnzipped})
	if err != nil {
		return table{}, unreadableWorkbook(err)
	}
	defer f.Close()
	t := table{excel: true}
	if props, err := f.GetWorkbookProps(); err == nil && props.Date1904 != nil {
		t.date1904 = *props.Date1904
	}
	rows, err := f.Rows(f.GetSheetName(0))
	if err != nil {
		return table{}, unreadableWorkbook(err)
	}
	defer rows.Close()
	for rows.Next() {
		cells, err := rows.Columns(excelize.Options{RawCellValue: true})
		if err != nil {
			return table{}, unreadableWorkbook(err)
		}
		t.rows = append(t.rows, cells)
	}
	if err := rows.Error(); err != nil {
		return table{}, unreadableWorkbook(err)
	}
	return t, nil
}

func unreadableWorkbook(err error) Errors {
	return Errors{{Reason: "the file could not be read as an Excel workbook (.xlsx): " + err.Error()}}
}
