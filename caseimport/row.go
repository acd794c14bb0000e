package caseimport

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"

	"github.com/lsip/scrutiny/domain"
)

// MaxSummary is the longest summary accepted, in characters.
const MaxSummary = 4000

// earliestFinalised is the first date a CPS case could be finalised on; an
// earlier date is a mistyped year or a number misread as a date.
var earliestFinalised = time.Date(1986, time.January, 1, 0, 0, 0, 0, time.UTC)

// rowChecker checks the cells of one row, collecting its problems.
type rowChecker struct {
	f *format
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

// oversized reports, as a problem, a row with more cells or a longer cell
// than any extract has; such a row is not checked further.
func (rc *rowChecker) oversized() bool {
	if len(rc.cells) > maxCells {
		rc.fail("", "has %d columns; an extract has %d, and at most %d are read", len(rc.cells), len(Columns), maxCells)
		return true
	}
	for i, v := range rc.cells {
		if len(v) > maxCellBytes {
			rc.fail("", "the value in column %s is longer than %d characters, more than any column of an extract holds", columnLetter(i), maxCellBytes)
			return true
		}
	}
	return false
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
	rec.VictimGroup = rc.victimGroup()
	flags := []*bool{&rec.UpliftApplied, &rec.VictimPersonalStatement, &rec.CommunityImpactStatement, &rec.SpecialMeasures,
		&rec.AppealPending, &rec.VRRPending, &rec.CodefendantOutstanding, &rec.ComplainantAnonymity, &rec.Youth,
		&rec.YouthVictim, &rec.OnlineOffending}
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
		if !rc.f.excel {
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
	case rc.f.excel:
		if d, ok := excelDate(v, rc.f.date1904); ok {
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

// victimGroup reads the coded group a case was flagged for; blank, or the
// column left out, is none. Only a code (or its label) is taken: the column
// never holds free text about a person, and a wrong value is not repeated.
func (rc *rowChecker) victimGroup() domain.VictimGroup {
	v, _ := rc.cell("victim_group")
	if v == "" {
		return ""
	}
	g, ok := domain.ParseVictimGroup(v)
	if !ok {
		codes := make([]string, len(domain.VictimGroups))
		for i, x := range domain.VictimGroups {
			codes[i] = string(x)
		}
		// The value is not repeated: a column about the victim may hold
		// text that should never have been typed there.
		rc.fail("victim_group", "is not a known victim group code; use one of %s, or leave it blank", strings.Join(codes, ", "))
	}
	return g
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
