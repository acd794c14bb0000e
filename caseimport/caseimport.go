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

// Errors is every problem found in a file, sorted by row and then by column
// in the order of Columns. While there are any, nothing is imported.
type Errors []Problem

// Error lists every problem, one per line.
func (e Errors) Error() string {
	var b strings.Builder
	if len(e) == 1 {
		b.WriteString("1 problem in the file:")
	} else {
		fmt.Fprintf(&b, "%d problems in the file:", len(e))
	}
	for _, p := range e {
		b.WriteString("\n")
		b.WriteString(p.String())
	}
	return b.String()
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
