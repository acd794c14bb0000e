// Package caseimport reads the closed-case extract an Area produces from its
// case management system (CSV or XLSX), checks every row, and writes the
// cases all at once or not at all. Every problem is reported together, each
// with the row and column a person can find in their spreadsheet, so one
// round of corrections is enough.
//
// Problems may be logged and are shown on screen, so they never repeat a
// summary, a URN or anything that looks like personal data.
package caseimport

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"

	"github.com/lsip/scrutiny/domain"
)

// Problem is one thing wrong with the file. Row is the row a spreadsheet
// shows (the header is row 1), or 0 when the problem is with the file as a
// whole; Column is the column name, or "" when the problem is with the row.
type Problem struct {
	Row    int    `json:"row"`
	Column string `json:"column"`
	Reason string `json:"reason"`
	// more is set on the last problem of a capped list: how many problems
	// it stands for.
	more int
}

// String renders the problem as one line, for example
// `row 7, column "finalised_date": "31/02/2026" is not a real date`.
func (p Problem) String() string {
	switch {
	case p.Row == 0:
		return p.Reason
	case p.Column == "":
		return fmt.Sprintf("row %d: %s", p.Row, p.Reason)
	}
	return fmt.Sprintf("row %d, column %q: %s", p.Row, p.Column, p.Reason)
}

// Errors is the problems found in a file, sorted by row and then by column
// in the order of Columns. While there are any, nothing is imported. A
// file with more than MaxProblems lists the first MaxProblems, then one
// more problem (Row 0) that says how many were left out.
type Errors []Problem

// MaxProblems is the most problems listed for one file: enough for a round
// of corrections, and a bound on what a damaged file costs to report.
const MaxProblems = 200

// Total is how many problems the file has, those left out included.
func (e Errors) Total() int {
	if n := len(e); n > 0 && e[n-1].more > 0 {
		return n - 1 + e[n-1].more
	}
	return len(e)
}

// Error lists the problems, one per line.
func (e Errors) Error() string {
	var b strings.Builder
	if n := e.Total(); n == 1 {
		b.WriteString("1 problem in the file:")
	} else {
		fmt.Fprintf(&b, "%d problems in the file:", n)
	}
	for _, p := range e {
		b.WriteString("\n")
		b.WriteString(p.String())
	}
	return b.String()
}

// problemList collects a file's problems as rows are checked, keeping
// the first MaxProblems (rows arrive in order, so these are the first by
// row) and counting the rest.
type problemList struct {
	kept Errors
	more int
}

func (l *problemList) add(ps ...Problem) {
	for _, p := range ps {
		if len(l.kept) < MaxProblems {
			l.kept = append(l.kept, p)
		} else {
			l.more++
		}
	}
}

func (l *problemList) empty() bool { return len(l.kept) == 0 }

// errors is the list sorted, with the count of those left out.
func (l *problemList) errors() Errors {
	out := sorted(l.kept)
	if l.more > 0 {
		out = append(out, Problem{more: l.more, Reason: fmt.Sprintf(
			"and %d more problems, not listed here; correct those above and check the file again to see the rest", l.more)})
	}
	return out
}

// Result says what an import did.
type Result struct {
	ImportID int64 `json:"import_id"`
	Rows     int   `json:"rows"`
	Inserted int   `json:"inserted"`
	Updated  int   `json:"updated"`
}

// Store writes a checked extract: the cases, a record of the import and an
// audit entry, in one transaction. *store.Store is the one in use; naming
// only what Save needs keeps this package free of the database.
type Store interface {
	ImportCases(ctx context.Context, filename, sha256, importedBy string, recs []domain.CaseRecord) (importID int64, inserted, updated int, err error)
}

// Extract is a file read and checked, ready to write.
type Extract struct {
	Filename string
	// SHA256 is the file's checksum, recorded with the import.
	SHA256 string
	Cases  []domain.CaseRecord
}

// Check reads a CSV or XLSX file, chosen by the extension of filename, and
// checks every row, as Parse does. It returns the extract, or Errors
// listing every problem in the file. A caller may look at the cases, say to
// check whose they are, before it saves them.
func Check(filename string, data []byte) (Extract, error) {
	recs, err := Parse(filename, bytes.NewReader(data))
	if err != nil {
		return Extract{}, err
	}
	sum := sha256.Sum256(data)
	return Extract{Filename: filename, SHA256: hex.EncodeToString(sum[:]), Cases: recs}, nil
}

// Save writes a checked extract in one transaction together with a row in
// imports and an audit entry. A reference already held for the same Area
// updates that case rather than adding another. Any error is the store's,
// which also refuses a blank importedBy, since the audit log must name who
// imported.
func Save(ctx context.Context, st Store, e Extract, importedBy string) (Result, error) {
	res := Result{Rows: len(e.Cases)}
	var err error
	res.ImportID, res.Inserted, res.Updated, err = st.ImportCases(ctx, e.Filename, e.SHA256, importedBy, e.Cases)
	if err != nil {
		return Result{}, err
	}
	return res, nil
}

// Import checks data and, only if every row is right, saves the cases:
// Check, then Save. When the file has problems Import returns them as
// Errors and writes nothing.
func Import(ctx context.Context, st Store, filename string, data []byte, importedBy string) (Result, error) {
	e, err := Check(filename, data)
	if err != nil {
		return Result{}, err
	}
	return Save(ctx, st, e, importedBy)
}
