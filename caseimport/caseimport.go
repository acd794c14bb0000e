// Package caseimport reads the closed-case extract an Area produces from its
// case management system (CSV or XLSX), checks every row, and writes the
// cases all at once or not at all. Every problem is reported together, each
// with the row and column a person can find in their spreadsheet.
package caseimport

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/csv"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/jackc/pgx/v5"
	"github.com/xuri/excelize/v2"

	"github.com/lsip/scrutiny/domain"
	"github.com/lsip/scrutiny/store"
)

// Problem is one thing wrong with the file.
type Problem struct {
	Row    int    `json:"row"` // as the spreadsheet shows it: the header is row 1
	Column string `json:"column"`
	Reason string `json:"reason"`
}

func (p Problem) String() string {
	if p.Column == "" {
		return fmt.Sprintf("row %d: %s", p.Row, p.Reason)
	}
	return fmt.Sprintf("row %d, column %q: %s", p.Row, p.Column, p.Reason)
}

// Errors is every problem found; nothing is imported while there are any.
type Errors []Problem

func (e Errors) Error() string {
	lines := make([]string, len(e))
	for i, p := range e {
		lines[i] = p.String()
	}
	return fmt.Sprintf("%d problem(s) in the file:\n%s", len(e), strings.Join(lines, "\n"))
}

// Columns are the extract's columns, in the order the sample file uses.
var Columns = []string{
	"area", "reference", "urn", "category", "strands", "principal_offence", "finalised_date", "outcome",
	"uplift_applied", "victim_personal_statement", "community_impact_statement", "special_measures",
	"appeal_pending", "vrr_pending", "codefendant_outstanding", "complainant_anonymity", "youth", "summary",
}

// flagColumns are the yes/no columns; blank means no.
var flagColumns = Columns[8:17]

// MaxSummary is the longest summary accepted.
const MaxSummary = 4000

// Parse reads and checks a CSV or XLSX extract, returning the cases or
// Errors listing every problem.
func Parse(filename string, r io.Reader, now time.Time) ([]store.CaseRecord, error) {
	var rows [][]string
	var err error
	switch strings.ToLower(filepath.Ext(filename)) {
	case ".csv":
		rows, err = readCSV(r)
	case ".xlsx":
		rows, err = readXLSX(r)
	default:
		return nil, Errors{{Row: 0, Reason: fmt.Sprintf("%q is not a .csv or .xlsx file", filepath.Base(filename))}}
	}
	if err != nil {
		return nil, err
	}
	return check(rows, now)
}

func readCSV(r io.Reader) ([][]string, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, err
	}
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	cr := csv.NewReader(bytes.NewReader(data))
	cr.FieldsPerRecord = -1
	var rows [][]string
	var problems Errors
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		var parseErr *csv.ParseError
		if errors.As(err, &parseErr) {
			problems = append(problems, Problem{Row: parseErr.StartLine, Reason: "the line is not valid CSV: " + parseErr.Err.Error()})
			break
		}
		if err != nil {
			return nil, err
		}
		rows = append(rows, rec)
	}
	if len(problems) > 0 {
		return nil, problems
	}
	return rows, nil
}

func readXLSX(r io.Reader) ([][]string, error) {
	f, err := excelize.OpenReader(r)
	if err != nil {
		return nil, Errors{{Row: 0, Reason: "the file could not be opened as an Excel workbook: " + err.Error()}}
	}
	defer f.Close()
	sheet := f.GetSheetName(0)
	rows, err := f.Rows(sheet)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out [][]string
	for rows.Next() {
		cols, err := rows.Columns(excelize.Options{RawCellValue: true})
		if err != nil {
			return nil, err
		}
		out = append(out, cols)
	}
	return out, rows.Error()
}

// check validates every row against the header.
func check(rows [][]string, now time.Time) ([]store.CaseRecord, error) {
	var problems Errors
	if len(rows) == 0 {
		return nil, Errors{{Row: 1, Reason: "the file is empty; the first row must name the columns"}}
	}
	index := map[string]int{}
	for i, name := range rows[0] {
		key := strings.ToLower(strings.TrimSpace(name))
		if key == "" {
			continue
		}
		if !contains(Columns, key) {
			problems = append(problems, Problem{Row: 1, Column: name, Reason: "is not a column this import knows; check the spelling against the column list"})
			continue
		}
		if _, dup := index[key]; dup {
			problems = append(problems, Problem{Row: 1, Column: key, Reason: "appears twice"})
		}
		index[key] = i
	}
	for _, col := range Columns {
		if _, ok := index[col]; !ok && !contains(flagColumns, col) {
			problems = append(problems, Problem{Row: 1, Column: col, Reason: "required column is missing"})
		}
	}

	var records []store.CaseRecord
	firstSeen := map[string]int{}
	for i, row := range rows[1:] {
		rowNum := i + 2
		if blank(row) {
			continue
		}
		rc := rowChecker{row: row, rowNum: rowNum, index: index}
		rec := rc.record(now)
		problems = append(problems, rc.problems...)
		if rec.AreaCode != "" && rec.Reference != "" {
			key := rec.AreaCode + "\x00" + strings.ToUpper(rec.Reference)
			if first, dup := firstSeen[key]; dup {
				problems = append(problems, Problem{Row: rowNum, Column: "reference", Reason: fmt.Sprintf("%q is already used on row %d for the same Area", rec.Reference, first)})
			} else {
				firstSeen[key] = rowNum
			}
		}
		records = append(records, rec)
	}
	if len(records) == 0 && len(problems) == 0 {
		problems = append(problems, Problem{Row: 2, Reason: "the file has a header but no cases"})
	}
	if len(problems) > 0 {
		sort.SliceStable(problems, func(i, j int) bool {
			if problems[i].Row != problems[j].Row {
				return problems[i].Row < problems[j].Row
			}
			return columnOrder(problems[i].Column) < columnOrder(problems[j].Column)
		})
		return nil, problems
	}
	return records, nil
}

// rowChecker checks one row's cells, collecting problems.
type rowChecker struct {
	row      []string
	rowNum   int
	index    map[string]int
	problems []Problem
}

func (rc *rowChecker) cell(col string) (string, bool) {
	i, ok := rc.index[col]
	if !ok {
		return "", false
	}
	if i >= len(rc.row) {
		return "", true
	}
	return strings.TrimSpace(rc.row[i]), true
}

func (rc *rowChecker) fail(col, format string, args ...any) {
	rc.problems = append(rc.problems, Problem{Row: rc.rowNum, Column: col, Reason: fmt.Sprintf(format, args...)})
}

// required returns the cell, reporting it if empty. A missing column was
// reported once on row 1, so it is not reported again on every row.
func (rc *rowChecker) required(col string) string {
	v, present := rc.cell(col)
	if present && v == "" {
		rc.fail(col, "is empty")
	}
	return v
}

var referencePattern = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9/_-]{2,39}$`)

func (rc *rowChecker) record(now time.Time) store.CaseRecord {
	var rec store.CaseRecord
	if v := rc.required("area"); v != "" {
		if a, ok := domain.AreaByName(v); ok {
			rec.AreaCode = a.Code
		} else {
			rc.fail("area", "%q is not one of the 14 CPS Areas", v)
		}
	}
	if v := rc.required("reference"); v != "" {
		if referencePattern.MatchString(v) {
			rec.Reference = v
		} else {
			rc.fail("reference", "%q must be 3 to 40 letters, digits, '/', '_' or '-', starting with a letter or digit", v)
		}
	}
	rec.URN = rc.required("urn") // never echoed: it is restricted
	if v := rc.required("category"); v != "" {
		if c, ok := domain.ParseCategory(v); ok {
			rec.Category = c
		} else {
			rc.fail("category", "%q is not hate_crime or vawg", v)
		}
	}
	if v := rc.required("strands"); v != "" {
		rec.Strands = rc.strands(v, rec.Category)
	}
	rec.PrincipalOffence = rc.required("principal_offence")
	if kind := PersonalData(rec.PrincipalOffence); kind != "" {
		rc.fail("principal_offence", "looks like it contains %s; remove it", kind)
	}
	if v := rc.required("finalised_date"); v != "" {
		if d, err := parseDate(v); err != nil {
			rc.fail("finalised_date", "%q is not a real date; use YYYY-MM-DD or DD/MM/YYYY", v)
		} else if d.After(now) {
			rc.fail("finalised_date", "%s is in the future; only finalised cases can be imported", d.Format(time.DateOnly))
		} else {
			rec.FinalisedOn = d
		}
	}
	if v := rc.required("outcome"); v != "" {
		if o, ok := domain.ParseOutcome(v); ok {
			rec.Outcome = o
		} else {
			rc.fail("outcome", "%q is not a known outcome (conviction_plea, conviction_trial, acquittal, discontinued, dismissed, other)", v)
		}
	}
	flags := []*bool{&rec.UpliftApplied, &rec.VictimPersonalStatement, &rec.CommunityImpactStatement, &rec.SpecialMeasures,
		&rec.AppealPending, &rec.VRRPending, &rec.CodefendantOutstanding, &rec.ComplainantAnonymity, &rec.Youth}
	for i, col := range flagColumns {
		v, _ := rc.cell(col)
		b, ok := parseFlag(v)
		if !ok {
			rc.fail(col, "%q is not yes or no", v)
		}
		*flags[i] = b
	}
	rec.Summary = rc.required("summary")
	if n := utf8.RuneCountInString(rec.Summary); n > MaxSummary {
		rc.fail("summary", "is %d characters long; the limit is %d", n, MaxSummary)
	}
	if kind := PersonalData(rec.Summary); kind != "" {
		rc.fail("summary", "looks like it contains %s; summaries must be anonymised", kind)
	}
	return rec
}

func (rc *rowChecker) strands(v string, category domain.Category) []string {
	var codes []string
	inCategory := false
	for _, part := range strings.FieldsFunc(v, func(r rune) bool { return r == ';' || r == '|' }) {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		st, ok := domain.StrandByCode(part)
		if !ok {
			rc.fail("strands", "%q is not a known strand", part)
			continue
		}
		if !contains(codes, st.Code) {
			codes = append(codes, st.Code)
		}
		inCategory = inCategory || st.Category == category
	}
	if len(codes) > 0 && category != "" && !inCategory {
		rc.fail("strands", "none of the strands belongs to the category %s", category.Label())
	}
	return codes
}

// parseDate accepts ISO dates, UK day-first dates and Excel date serials.
func parseDate(v string) (time.Time, error) {
	for _, layout := range []string{time.DateOnly, "02/01/2006", "2/1/2006"} {
		if d, err := time.Parse(layout, v); err == nil {
			return d, nil
		}
	}
	if serial, err := strconv.ParseFloat(v, 64); err == nil && serial > 1 && serial < 2958466 {
		d, err := excelize.ExcelDateToTime(serial, false)
		if err == nil {
			return time.Date(d.Year(), d.Month(), d.Day(), 0, 0, 0, 0, time.UTC), nil
		}
	}
	return time.Time{}, errors.New("not a date")
}

func parseFlag(v string) (bool, bool) {
	switch strings.ToLower(strings.TrimSpace(v)) {
	case "", "no", "n", "false", "0":
		return false, true
	case "yes", "y", "true", "1":
		return true, true
	}
	return false, false
}

func blank(row []string) bool {
	for _, c := range row {
		if strings.TrimSpace(c) != "" {
			return false
		}
	}
	return true
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func columnOrder(col string) int {
	for i, c := range Columns {
		if c == col {
			return i
		}
	}
	return len(Columns)
}

// Result says what an import did.
type Result struct {
	ImportID int64 `json:"import_id"`
	Rows     int   `json:"rows"`
	Inserted int   `json:"inserted"`
	Updated  int   `json:"updated"`
}

// Import checks data and, only if every row is right, writes it in one
// transaction with an import record and an audit entry. Re-importing a
// reference updates that case. On any problem it returns Errors and writes
// nothing.
func Import(ctx context.Context, st *store.Store, filename string, data []byte, importedBy string) (Result, error) {
	recs, err := Parse(filename, bytes.NewReader(data), time.Now())
	if err != nil {
		return Result{}, err
	}
	sum := sha256.Sum256(data)
	res := Result{Rows: len(recs)}
	err = st.InTx(ctx, func(tx pgx.Tx) error {
		var err error
		if res.Inserted, res.Updated, err = store.UpsertCases(ctx, tx, recs); err != nil {
			return err
		}
		if err := tx.QueryRow(ctx, `INSERT INTO imports (filename, sha256, rows_total, inserted, updated, imported_by)
			VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`, filename, hex.EncodeToString(sum[:]), res.Rows, res.Inserted, res.Updated, importedBy).Scan(&res.ImportID); err != nil {
			return err
		}
		return store.Audit(ctx, tx, importedBy, "import_cases", "import", strconv.FormatInt(res.ImportID, 10),
			map[string]any{"rows": res.Rows, "inserted": res.Inserted, "updated": res.Updated})
	})
	return res, err
}
