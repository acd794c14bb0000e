package caseimport

import (
	"cmp"
	"fmt"
	"io"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	_ "time/tzdata" // "today" is a UK date, whatever the server's zone database
	"unicode/utf8"

	"github.com/xuri/excelize/v2"

	"github.com/lsip/scrutiny/domain"
	"github.com/lsip/scrutiny/uktime"
)

// Columns are the extract's columns, in the order the sample file uses and
// problems are sorted by.
var Columns = []string{
	"area", "reference", "urn", "category", "strands", "principal_offence", "finalised_date", "outcome",
	"uplift_applied", "victim_personal_statement", "community_impact_statement", "special_measures",
	"appeal_pending", "vrr_pending", "codefendant_outstanding", "complainant_anonymity", "youth", "summary",
}

// flagColumns are the yes/no columns. They may be left out of the file, and
// a blank cell means no.
var flagColumns = Columns[8:17]

// MaxSummary is the longest summary accepted, in characters.
const MaxSummary = 4000

// earliestFinalised is the first date a CPS case could be finalised on; an
// earlier date is a mistyped year or a number misread as a date.
var earliestFinalised = time.Date(1986, time.January, 1, 0, 0, 0, 0, time.UTC)

// Parse reads a CSV or XLSX extract, chosen by the extension of filename,
// and checks every row. It returns the cases, or Errors listing every
// problem in the file.
func Parse(filename string, r io.Reader) ([]domain.CaseRecord, error) {
	t, err := read(filename, r)
	if err != nil {
		return nil, err
	}
	recs, problems := check(t, uktime.CalendarDay(time.Now()))
	if len(problems) > 0 {
		return nil, problems
	}
	return recs, nil
}

// check validates the header and every row, returning the cases and every
// problem found, sorted.
func check(t table, today time.Time) ([]domain.CaseRecord, Errors) {
	problems := slices.Clone(t.problems)
	switch {
	case len(t.rows) == 0 && t.excel:
		return nil, Errors{{Row: 1, Reason: "the workbook's first sheet is empty; it must hold the extract, with the column names in row 1"}}
	case len(t.rows) == 0:
		return nil, Errors{{Row: 1, Reason: "the file is empty; its first row must name the columns"}}
	case blank(t.rows[0]) && len(problems) == 0:
		return nil, Errors{{Row: 1, Reason: "is empty, but the first row must name the columns"}}
	case blank(t.rows[0]):
		return nil, sorted(problems) // row 1 could not be read
	}
	h, headerProblems := readHeader(t.rows[0])
	problems = append(problems, headerProblems...)
	if len(h.index) == 0 {
		return nil, sorted(problems)
	}

	var recs []domain.CaseRecord
	firstRow := map[string]int{} // Area and folded reference to the row that first used it
	for i, cells := range t.rows[1:] {
		if blank(cells) {
			continue
		}
		rc := rowChecker{t: &t, header: h, cells: cells, row: i + 2, today: today}
		rec := rc.record()
		if rec.AreaCode != "" && rec.Reference != "" {
			key := rec.AreaCode + "\x00" + strings.ToLower(rec.Reference)
			if first, ok := firstRow[key]; ok {
				rc.fail("reference", "%q repeats the reference on row %d for the same Area", rec.Reference, first)
			} else {
				firstRow[key] = rc.row
			}
		}
		problems = append(problems, rc.problems...)
		recs = append(recs, rec)
	}
	if len(recs) == 0 && len(problems) == 0 {
		problems = append(problems, Problem{Row: 1, Reason: "the file names the columns but has no cases below them"})
	}
	if len(problems) > 0 {
		return nil, sorted(problems)
	}
	return recs, nil
}

// header records where each known column is and which positions have a
// heading at all.
type header struct {
	index  map[string]int
	headed map[int]bool
}

// readHeader reads row 1. Unknown and repeated headings are problems, as is
// every required column that is absent; each is reported once, here.
func readHeader(cells []string) (header, Errors) {
	h := header{index: map[string]int{}, headed: map[int]bool{}}
	var problems, unknown Errors
	for i, cell := range cells {
		name := strings.TrimSpace(cell)
		if name == "" {
			continue
		}
		h.headed[i] = true
		key := headingKey(name)
		switch first, seen := h.index[key]; {
		case !slices.Contains(Columns, key):
			unknown = append(unknown, unknownColumn(name, i))
		case seen:
			problems = append(problems, Problem{Row: 1, Column: key, Reason: fmt.Sprintf("appears twice, as columns %s and %s", columnLetter(first), columnLetter(i))})
		default:
			h.index[key] = i
		}
	}
	if len(h.index) == 0 {
		// Most likely the header row is missing and row 1 holds a case, whose
		// cells must not be repeated as unknown column names.
		return h, Errors{{Row: 1, Reason: "the first row must name the columns (" + strings.Join(Columns, ", ") + "), but this row names none of them; is the header row missing?"}}
	}
	problems = append(problems, unknown...)
	for _, col := range Columns {
		if _, ok := h.index[col]; !ok && !slices.Contains(flagColumns, col) {
			problems = append(problems, Problem{Row: 1, Column: col, Reason: "required column is missing"})
		}
	}
	return h, problems
}

// headingKey folds a heading to a column name: letter case does not matter,
// and spaces or hyphens stand for underscores ("Finalised date").
func headingKey(name string) string {
	return strings.ReplaceAll(strings.Join(strings.Fields(strings.ToLower(name)), "_"), "-", "_")
}

// unknownColumn reports a heading the import does not know, most often a
// misspelt one. A heading that could be case data is not repeated.
func unknownColumn(name string, i int) Problem {
	const hint = "check the spelling against the list of columns"
	if !repeatable(name) {
		return Problem{Row: 1, Reason: fmt.Sprintf("the heading of column %s is not a column this import knows; %s", columnLetter(i), hint)}
	}
	return Problem{Row: 1, Column: name, Reason: fmt.Sprintf("is not a column this import knows (column %s); %s", columnLetter(i), hint)}
}

// rowChecker checks the cells of one row, collecting its problems.
type rowChecker struct {
	t *table
	header
	cells    []string
	row      int
	today    time.Time
	problems Errors
}

// cell returns the trimmed value of a column, and whether the file has the
// column at all.
func (rc *rowChecker) cell(col string) (string, bool) {
	i, ok := rc.index[col]
	if !ok {
		return "", false
	}
	if i >= len(rc.cells) {
		return "", true
	}
	return strings.TrimSpace(rc.cells[i]), true
}

func (rc *rowChecker) fail(col, format string, args ...any) {
	rc.problems = append(rc.problems, Problem{Row: rc.row, Column: col, Reason: fmt.Sprintf(format, args...)})
}

// required returns a column's value, reporting it when empty. A column
// missing from the file was reported once on row 1, not again on every row.
func (rc *rowChecker) required(col string) string {
	v, present := rc.cell(col)
	if present && v == "" {
		rc.fail(col, "is empty; a value is required")
	}
	return v
}

// record checks every column of the row and returns what it could read.
func (rc *rowChecker) record() domain.CaseRecord {
	rc.checkUnheaded()
	rec := domain.CaseRecord{
		AreaCode:         rc.area(),
		Reference:        rc.reference(),
		URN:              rc.required("urn"), // restricted: never repeated in a problem
		Category:         rc.category(),
		PrincipalOffence: rc.offence(),
		FinalisedOn:      rc.finalised(),
		Outcome:          rc.outcome(),
		Summary:          rc.summary(),
	}
	rec.Strands = rc.strands(rec.Category)
	flags := []*bool{&rec.UpliftApplied, &rec.VictimPersonalStatement, &rec.CommunityImpactStatement, &rec.SpecialMeasures,
		&rec.AppealPending, &rec.VRRPending, &rec.CodefendantOutstanding, &rec.ComplainantAnonymity, &rec.Youth}
	for i, col := range flagColumns {
		*flags[i] = rc.flag(col)
	}
	return rec
}

// checkUnheaded reports a value in a column with no heading: in a CSV file,
// usually a comma in a value that was not put in quotes.
func (rc *rowChecker) checkUnheaded() {
	for i, v := range rc.cells {
		if strings.TrimSpace(v) == "" || rc.headed[i] {
			continue
		}
		reason := fmt.Sprintf("there is a value in column %s, which has no heading in row 1", columnLetter(i))
		if !rc.t.excel {
			reason += "; a value that contains a comma must be put in double quotes"
		}
		rc.fail("", "%s", reason)
		return
	}
}

func (rc *rowChecker) area() string {
	v := rc.required("area")
	if v == "" {
		return ""
	}
	a, ok := domain.AreaByName(v)
	if !ok {
		rc.fail("area", "%s is not a CPS Area; use the Area's name or code, such as \"Yorkshire and Humberside\" or \"wales\"", shown(v))
	}
	return a.Code
}

// referencePattern is the database's rule for panel references.
var referencePattern = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9/_-]{2,39}$`)

func (rc *rowChecker) reference() string {
	v := rc.required("reference")
	if v == "" {
		return ""
	}
	if !referencePattern.MatchString(v) {
		rc.fail("reference", "%s is not a valid reference: it must be 3 to 40 letters, digits, '/', '_' or '-', starting with a letter or digit", shown(v))
		return ""
	}
	return v
}

func (rc *rowChecker) category() domain.Category {
	v := rc.required("category")
	if v == "" {
		return ""
	}
	c, ok := domain.ParseCategory(v)
	if !ok {
		rc.fail("category", "%s is not a case category; use hate_crime or vawg", shown(v))
	}
	return c
}

// strands reads the strands, separated by ";" or "|". When the category is
// known, at least one strand must belong to it.
func (rc *rowChecker) strands(category domain.Category) []string {
	v := rc.required("strands")
	var codes []string
	inCategory := false
	for part := range strings.FieldsFuncSeq(v, func(r rune) bool { return r == ';' || r == '|' }) {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		st, ok := domain.StrandByCode(part)
		switch {
		case !ok && strings.Contains(part, ","):
			rc.fail("strands", "%s is not a known strand; separate strands with \";\" or \"|\"", shown(part))
		case !ok:
			rc.fail("strands", "%s is not a known strand", shown(part))
		case !slices.Contains(codes, st.Code):
			codes = append(codes, st.Code)
		}
		inCategory = inCategory || (ok && st.Category == category)
	}
	if len(codes) > 0 && category != "" && !inCategory {
		rc.fail("strands", "none of the strands belongs to the category %q", category.Label())
	}
	return codes
}

func (rc *rowChecker) offence() string {
	v := rc.required("principal_offence")
	if kind := PersonalData(v); kind != "" {
		rc.fail("principal_offence", "looks like it contains %s; it must name the offence only", kind)
	}
	return v
}

func (rc *rowChecker) finalised() time.Time {
	v := rc.required("finalised_date")
	if v == "" {
		return time.Time{}
	}
	d, reason := rc.parseDate(v)
	switch {
	case reason != "":
		rc.fail("finalised_date", "%s %s", shown(v), reason)
	case d.After(rc.today):
		rc.fail("finalised_date", "%s is in the future; only finalised cases can be imported", shown(v))
	case d.Before(earliestFinalised):
		rc.fail("finalised_date", "%s is before 1986, when the CPS began; check the year", shown(v))
	default:
		return d
	}
	return time.Time{}
}

// isoDate and ukDate are the accepted date shapes; a value of the right
// shape that time.Parse refuses is an impossible date such as 31/02/2026.
var (
	isoDate = regexp.MustCompile(`^\d{4}-\d{1,2}-\d{1,2}$`)
	ukDate  = regexp.MustCompile(`^\d{1,2}/\d{1,2}/\d{4}$`)
)

// parseDate reads YYYY-MM-DD, DD/MM/YYYY or, from a workbook, a date cell's
// serial number. On failure it returns the reason, to follow the value.
func (rc *rowChecker) parseDate(v string) (time.Time, string) {
	layout := ""
	switch {
	case isoDate.MatchString(v):
		layout = "2006-1-2"
	case ukDate.MatchString(v):
		layout = "2/1/2006"
	case rc.t.excel:
		if d, ok := excelDate(v, rc.t.date1904); ok {
			return d, ""
		}
	}
	if layout == "" {
		return time.Time{}, "is not a date; use YYYY-MM-DD or DD/MM/YYYY"
	}
	d, err := time.Parse(layout, v)
	if err != nil {
		return time.Time{}, "is not a real date (DD/MM/YYYY dates are read day first)"
	}
	return d, ""
}

// excelDate reads a date cell's serial number. A number that would be a date
// before any finalised case is taken to be a number, not a date.
func excelDate(v string, date1904 bool) (time.Time, bool) {
	serial, err := strconv.ParseFloat(v, 64)
	if err != nil {
		return time.Time{}, false
	}
	t, err := excelize.ExcelDateToTime(serial, date1904)
	if err != nil {
		return time.Time{}, false
	}
	d := time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
	return d, !d.Before(earliestFinalised)
}

func (rc *rowChecker) outcome() domain.Outcome {
	v := rc.required("outcome")
	if v == "" {
		return ""
	}
	o, ok := domain.ParseOutcome(v)
	if !ok {
		codes := make([]string, len(domain.Outcomes))
		for i, x := range domain.Outcomes {
			codes[i] = string(x.Code)
		}
		rc.fail("outcome", "%s is not a known outcome; use one of %s", shown(v), strings.Join(codes, ", "))
	}
	return o
}

// flag reads a yes/no column; blank, or a column left out, means no.
func (rc *rowChecker) flag(col string) bool {
	v, _ := rc.cell(col)
	switch strings.ToLower(v) {
	case "", "no", "n", "false", "0":
		return false
	case "yes", "y", "true", "1":
		return true
	}
	rc.fail(col, "%s is not yes or no", shown(v))
	return false
}

// summary checks the anonymised summary, never repeating its text.
func (rc *rowChecker) summary() string {
	v := rc.required("summary")
	if n := utf8.RuneCountInString(v); n > MaxSummary {
		rc.fail("summary", "is %d characters long; the limit is %d", n, MaxSummary)
	}
	if kind := PersonalData(v); kind != "" {
		rc.fail("summary", "looks like it contains %s; summaries must be anonymised", kind)
	}
	return v
}

// maxShown is the longest value a problem repeats.
const maxShown = 40

// shown quotes a cell's value for a problem. A long value, or one that looks
// like personal data, is not repeated: it may be part of a summary that
// slipped into the wrong column, and problems may be logged.
func shown(v string) string {
	if !repeatable(v) {
		return "the value"
	}
	return strconv.Quote(v)
}

// repeatable reports whether a value may appear in a problem: it is short
// and does not look like personal data.
func repeatable(v string) bool {
	return utf8.RuneCountInString(v) <= maxShown && PersonalData(v) == ""
}

// columnLetter is the spreadsheet letter of the zero-based column i.
func columnLetter(i int) string {
	name, err := excelize.ColumnNumberToName(i + 1)
	if err != nil {
		return strconv.Itoa(i + 1)
	}
	return name
}

func blank(cells []string) bool {
	return !slices.ContainsFunc(cells, func(c string) bool { return strings.TrimSpace(c) != "" })
}

// sorted orders problems by row, then by column in the order of Columns
// (problems about the whole row first, unknown columns last).
func sorted(problems Errors) Errors {
	order := func(col string) int {
		if col == "" {
			return -1
		}
		if i := slices.Index(Columns, col); i >= 0 {
			return i
		}
		return len(Columns)
	}
	slices.SortStableFunc(problems, func(a, b Problem) int {
		return cmp.Or(cmp.Compare(a.Row, b.Row), cmp.Compare(order(a.Column), order(b.Column)))
	})
	return problems
}
