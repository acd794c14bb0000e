package workbook

import (
	"errors"
	"slices"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"

	"github.com/lsip/scrutiny/i18n"
	"github.com/lsip/scrutiny/reviewform"
)

// Returned is what a member sent back in their pack.
type Returned struct {
	MemberID    int64
	CycleID     int64
	FormVersion string
	// Reviews holds, by case id, each case with at least one answer
	// filled in.
	Reviews  map[int64]reviewform.Answers
	Problems []Problem
}

// Problem is one thing wrong in a returned pack and where to find it.
// CaseID is zero for a problem with the whole pack, such as a damaged
// identity sheet or an old form version.
type Problem struct {
	Sheet   string `json:"sheet"`
	Cell    string `json:"cell,omitempty"`
	CaseID  int64  `json:"case_id,omitempty"`
	Message string `json:"message"`
}

// ErrNotWorkbook means an upload could not be opened as an Excel workbook
// at all. Its message is written for the member who uploaded it.
var ErrNotWorkbook = errors.New("this file could not be opened as an Excel workbook. Please upload the review pack you were sent, saved as an Excel workbook (.xlsx)")

// ParsePack reads a returned pack: the identity sheet says whose pack it is
// and which cell of the review form holds which answer; each filled cell is
// read, rating and category labels are turned back into keys (ignoring case
// and spacing, in any language with a catalogue, so a Welsh pack reads
// back like an English one), and every case with an answer is checked as a submission
// with form.Validate. Every problem comes with its sheet and cell. A
// missing or damaged identity sheet, or a pack built for another form
// version, is reported as a single problem with CaseID zero and no reviews.
// A file that is not a workbook, or one far larger than any pack, is an
// error whose message is written for the member; the pack is read a row at
// a time within packLimits, and at most MaxProblems problems are listed.
// Problems are worded in the language of form (reviewform.In).
//
// ParsePack trusts nothing about who sent the file. The caller must check
// that MemberID and CycleID are those of the personal link the upload came
// through, and that every case in Reviews is in that member's pack: a
// determined member can edit a hidden sheet.
func ParsePack(data []byte, form reviewform.Form) (Returned, error) {
	out := Returned{Reviews: map[int64]reviewform.Answers{}}
	f, err := openPack(data)
	if err != nil {
		return out, err
	}
	defer f.Close()
	l := i18n.For(form.Lang())
	damaged := Problem{Sheet: IdentitySheet, Message: l.T("parse.damaged")}
	rows, ok := identityRows(f)
	if !ok {
		out.Problems = []Problem{damaged}
		return out, nil
	}
	member, cycle, version, ok := readHeader(rows)
	if !ok {
		out.Problems = []Problem{damaged}
		return out, nil
	}
	out.MemberID, out.CycleID, out.FormVersion = member, cycle, version
	if version != form.Version {
		out.Problems = []Problem{{Sheet: IdentitySheet, Message: l.T("parse.version", "Pack", out.FormVersion, "Form", form.Version)}}
		return out, nil
	}
	entries, ok := readEntries(rows, form)
	if !ok {
		out.Problems = []Problem{damaged}
		return out, nil
	}
	sheet, ok := formSheetOf(f)
	if !ok {
		out.Problems = []Problem{{Sheet: FormSheetIn(form.Lang()), Message: l.T("parse.no_form", "Sheet", FormSheetIn(form.Lang()))}}
		return out, nil
	}

	wanted := map[string]bool{}
	for _, e := range entries {
		wanted[e.cell] = true
	}
	values, err := formCells(f, sheet, wanted)
	if err != nil {
		return out, err
	}
	reference := map[int64]string{}
	cellOf := map[int64]map[string]string{} // case -> field -> cell
	flagged := map[string]bool{}            // cells already reported
	report := func(e entry, msg string) {
		out.Problems = append(out.Problems, Problem{Sheet: sheet, Cell: e.cell, CaseID: e.caseID, Message: l.T("parse.case", "Reference", e.reference, "Message", msg)})
		flagged[e.cell] = true
	}
	for _, e := range entries {
		reference[e.caseID] = e.reference
		if cellOf[e.caseID] == nil {
			cellOf[e.caseID] = map[string]string{}
		}
		cellOf[e.caseID][e.field] = e.cell
		text := strings.TrimSpace(values[e.cell])
		if text == "" {
			continue
		}
		a, filled := out.Reviews[e.caseID]
		if !filled {
			a = reviewform.Answers{Ratings: map[string]string{}, Comments: map[string]string{}}
		}
		switch kind, key, _ := strings.Cut(e.field, "."); {
		case kind == "ratings":
			if rating, ok := form.RatingKey(text); ok {
				a.Ratings[key] = rating
			} else {
				q, _ := form.Question(key)
				report(e, l.T("parse.bad_rating", "Text", text, "Question", q.Text, "Choices", strings.Join(ratingLabels(form), ", ")))
			}
		case kind == "comments":
			a.Comments[key] = text
		case e.field == "overall":
			if category, ok := form.CategoryKey(text); ok {
				a.Overall = category
			} else {
				report(e, l.T("parse.bad_category", "Text", text))
			}
		default:
			a.SetText(e.field, text)
		}
		out.Reviews[e.caseID] = a
	}
	for caseID, a := range out.Reviews {
		for _, fe := range form.Validate(a, true) {
			cell := cellOf[caseID][fe.Field]
			if flagged[cell] {
				continue // the value typed there is already reported
			}
			out.Problems = append(out.Problems, Problem{Sheet: sheet, Cell: cell, CaseID: caseID, Message: l.T("parse.case", "Reference", reference[caseID], "Message", fe.Message)})
		}
	}
	slices.SortFunc(out.Problems, func(a, b Problem) int {
		_, ra, _ := excelize.CellNameToCoordinates(a.Cell)
		_, rb, _ := excelize.CellNameToCoordinates(b.Cell)
		if ra != rb {
			return ra - rb
		}
		return strings.Compare(a.Cell, b.Cell)
	})
	out.Problems = capProblems(out.Problems, out.Reviews, sheet, l)
	return out, nil
}

// formSheetOf finds a pack's review form sheet under its name in any
// language with a catalogue.
func formSheetOf(f *excelize.File) (string, bool) {
	for _, lang := range i18n.Langs {
		if idx, _ := f.GetSheetIndex(FormSheetIn(lang)); idx >= 0 {
			return FormSheetIn(lang), true
		}
	}
	return "", false
}

// readHeader reads the member id, cycle id and form version from the first
// rows of the identity sheet.
func readHeader(rows [][]string) (member, cycle int64, version string, ok bool) {
	value := func(i int, name string) (string, bool) {
		if i >= len(rows) || len(rows[i]) < 2 || rows[i][0] != name || rows[i][1] == "" {
			return "", false
		}
		return rows[i][1], true
	}
	m, ok1 := value(0, identityMember)
	c, ok2 := value(1, identityCycle)
	version, ok3 := value(2, identityVersion)
	var err1, err2 error
	member, err1 = strconv.ParseInt(m, 10, 64)
	cycle, err2 = strconv.ParseInt(c, 10, 64)
	return member, cycle, version, ok1 && ok2 && ok3 && err1 == nil && err2 == nil && member > 0 && cycle > 0
}

// readEntries reads the cell map, which must be whole: every entry a case
// id, a field of form and a cell name, and at least one of them. The case
// reference, used only in messages, falls back to the case id.
func readEntries(rows [][]string, form reviewform.Form) ([]entry, bool) {
	var entries []entry
	for _, row := range rows[min(len(rows), identityFirstEntry-1):] {
		if len(row) == 0 || row[0] == "" {
			continue
		}
		if len(row) < 3 {
			return nil, false
		}
		e := entry{field: row[1], cell: row[2], reference: row[0]}
		if len(row) > 3 && row[3] != "" {
			e.reference = row[3]
		}
		var err error
		if e.caseID, err = strconv.ParseInt(row[0], 10, 64); err != nil || e.caseID <= 0 || !knownField(form, e.field) {
			return nil, false
		}
		if _, _, err := excelize.CellNameToCoordinates(e.cell); err != nil {
			return nil, false
		}
		entries = append(entries, e)
	}
	return entries, len(entries) > 0
}

// knownField reports whether field names an answer on form.
func knownField(form reviewform.Form, field string) bool {
	if kind, key, ok := strings.Cut(field, "."); ok && (kind == "ratings" || kind == "comments") {
		_, known := form.Question(key)
		return known
	}
	return field == "overall" || slices.ContainsFunc(reviewform.TextFields, func(tf reviewform.TextField) bool { return tf.Field == field })
}
