package workbook

import (
	"errors"
	"fmt"

	"github.com/xuri/excelize/v2"

	"github.com/lsip/scrutiny/i18n"
	"github.com/lsip/scrutiny/reviewform"
	"github.com/lsip/scrutiny/xlsxguard"
)

// packLimits bound a returned pack before it is read. A real pack, of a
// few dozen cases, unpacks to well under a megabyte.
var packLimits = xlsxguard.Limits{
	Unzipped: 16 << 20, Spill: 4 << 20, Held: 16 << 20, Decoded: 4 << 20,
	Rows: identityFirstEntry + maxEntries, Cells: 64, Strings: 100_000, Item: 128 << 10,
}

// Bounds on what ParsePack keeps of a pack: the identity sheet's entries
// (a real pack has a dozen or so per case), the length of an identity
// value, and the length of an answer, past which it is cut (still far over
// reviewform.MaxText, so Validate still refuses it).
const (
	maxEntries       = 5000
	maxIdentityValue = 200
	maxAnswerBytes   = 5 * reviewform.MaxText
)

// MaxProblems is the most problems ParsePack lists for one pack.
const MaxProblems = 200

// openPack opens a returned pack within packLimits, saying in the
// member's words why one is refused.
func openPack(data []byte) (*excelize.File, error) {
	f, err := xlsxguard.Open(data, packLimits)
	var refused *xlsxguard.Refused
	switch {
	case errors.As(err, &refused):
		return nil, fmt.Errorf("this file is far larger than a review pack (%s). Please upload the review pack you were sent, with your answers typed in", refused.Reason)
	case err != nil:
		return nil, ErrNotWorkbook
	}
	return f, nil
}

// identityRows reads the identity sheet a row at a time, keeping its
// first four columns. ok is false when the sheet is missing, longer than
// any pack's or holds a value no pack has.
func identityRows(f *excelize.File) (rows [][]string, ok bool) {
	it, err := f.Rows(IdentitySheet)
	if err != nil {
		return nil, false
	}
	defer it.Close()
	for it.Next() {
		if len(rows) >= identityFirstEntry+maxEntries {
			return nil, false
		}
		cells, err := it.Columns()
		if err != nil {
			return nil, false
		}
		cells = cells[:min(len(cells), 4)]
		for _, c := range cells {
			if len(c) > maxIdentityValue {
				return nil, false
			}
		}
		rows = append(rows, cells)
	}
	return rows, it.Error() == nil
}

// formCells reads the review form a row at a time and returns the value
// of each cell in wanted, each cut at maxAnswerBytes. Nothing else on the
// sheet is kept.
func formCells(f *excelize.File, sheet string, wanted map[string]bool) (map[string]string, error) {
	at := map[[2]int]string{}
	for cell := range wanted {
		col, row, err := excelize.CellNameToCoordinates(cell)
		if err != nil {
			return nil, err
		}
		at[[2]int{row, col}] = cell
	}
	it, err := f.Rows(sheet)
	if err != nil {
		return nil, err
	}
	defer it.Close()
	values := map[string]string{}
	for row := 1; it.Next(); row++ {
		cells, err := it.Columns()
		if err != nil {
			return nil, err
		}
		for col, v := range cells {
			if cell, ok := at[[2]int{row, col + 1}]; ok && v != "" {
				values[cell] = v[:min(len(v), maxAnswerBytes)]
			}
		}
	}
	return values, it.Error()
}

// capProblems keeps the first MaxProblems of a sorted list and, when there
// are more, ends it with one that counts them. A case whose problems were
// left out is taken out of reviews, so that it is not saved unchecked;
// the count carries the first such case's id, never zero, which would mark
// the whole pack as refused.
func capProblems(problems []Problem, reviews map[int64]reviewform.Answers, sheet string, l *i18n.Localizer) []Problem {
	if len(problems) <= MaxProblems {
		return problems
	}
	rest := problems[MaxProblems:]
	for _, p := range rest {
		delete(reviews, p.CaseID)
	}
	return append(problems[:MaxProblems:MaxProblems], Problem{Sheet: sheet, CaseID: rest[0].CaseID,
		Message: l.T("parse.more", "Count", len(rest))})
}
