package caseimport

import (
	"cmp"
	"fmt"
	"io"
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
	"victim_group", "youth_victim", "online_offending",
}

// flagColumns are the yes/no columns. They may be left out of the file, and
// a blank cell means no.
var flagColumns = slices.Concat(Columns[8:17], Columns[19:21])

// optionalColumns may be left out of the file: the flags, and the coded
// victim group (blank for none).
var optionalColumns = slices.Concat(flagColumns, Columns[18:19])

// Parse reads a CSV or XLSX extract, chosen by the extension of filename,
// and checks every row. It returns the cases, or Errors listing the
// problems in the file (the first MaxProblems, and how many more).
func Parse(filename string, r io.Reader) ([]domain.CaseRecord, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, err
	}
	ck := &checker{today: uktime.CalendarDay(time.Now()), firstRow: map[string]int{}}
	if err := read(filename, data, &ck.format, ck); err != nil {
		return nil, err
	}
	recs, problems := ck.finish()
	if len(problems) > 0 {
		return nil, problems
	}
	return recs, nil
}

// Limits on one row, beyond which it is reported and not checked further:
// a real extract has 18 columns and a summary of at most MaxSummary
// characters.
const (
	maxCells     = 256
	maxCellBytes = 32 << 10
)

// checker checks the rows of a file as read delivers them: row 1 is the
// header, and each later row is checked against it and the rows before.
type checker struct {
	format
	today time.Time
	// seen is set once any row, readable or not, has arrived.
	seen bool
	// header is row 1's, once read; noHeader is set when row 1 is blank
	// or unreadable, or names no column, and later rows are not checked.
	header   header
	haveHead bool
	noHeader bool
	firstRow map[string]int // Area and folded reference to the row that first used it
	recs     []domain.CaseRecord
	problems problemList
}

func (ck *checker) unreadable(row int, reason string) {
	if !ck.seen {
		ck.noHeader = true // row 1 is blank, or is this row
	}
	ck.seen = true
	ck.problems.add(Problem{Row: row, Reason: reason})
}

func (ck *checker) cells(row int, cells []string) {
	switch {
	case !ck.seen && (row > 1 || blank(cells)):
		ck.seen, ck.noHeader = true, true
		return
	case !ck.seen:
		ck.seen = true
		h, problems := readHeader(cells)
		ck.problems.add(problems...)
		ck.header, ck.haveHead = h, len(h.index) > 0
		ck.noHeader = !ck.haveHead
		return
	case ck.noHeader || blank(cells):
		return
	}
	rc := rowChecker{f: &ck.format, header: ck.header, cells: cells, row: row, today: ck.today}
	if rc.oversized() {
		ck.problems.add(rc.problems...)
		return
	}
	rec := rc.record()
	if rec.AreaCode != "" && rec.Reference != "" {
		key := rec.AreaCode + "\x00" + strings.ToLower(rec.Reference)
		if first, ok := ck.firstRow[key]; ok {
			rc.fail("reference", "%q repeats the reference on row %d for the same Area", rec.Reference, first)
		} else {
			ck.firstRow[key] = rc.row
		}
	}
	ck.problems.add(rc.problems...)
	if ck.problems.empty() {
		ck.recs = append(ck.recs, rec) // once there is a problem, no case is imported
	}
}

// finish returns the cases, or the problems found, sorted.
func (ck *checker) finish() ([]domain.CaseRecord, Errors) {
	switch {
	case !ck.seen && ck.excel:
		return nil, Errors{{Row: 1, Reason: "the workbook's first sheet is empty; it must hold the extract, with the column names in row 1"}}
	case !ck.seen:
		return nil, Errors{{Row: 1, Reason: "the file is empty; its first row must name the columns"}}
	case ck.noHeader && !ck.haveHead && ck.problems.empty():
		return nil, Errors{{Row: 1, Reason: "is empty, but the first row must name the columns"}}
	case ck.haveHead && len(ck.recs) == 0 && ck.problems.empty():
		return nil, Errors{{Row: 1, Reason: "the file names the columns but has no cases below them"}}
	case !ck.problems.empty():
		return nil, ck.problems.errors()
	}
	return ck.recs, nil
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
		if _, ok := h.index[col]; !ok && !slices.Contains(optionalColumns, col) {
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
