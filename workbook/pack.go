package workbook

import (
	"bytes"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/lsip/scrutiny/domain"
	"github.com/lsip/scrutiny/reviewform"
)

// Pack is what one member's review pack holds. It has only anonymised
// fields: there is no place for a URN or a name.
type Pack struct {
	Form           reviewform.Form
	PanelName      string
	AreaName       string
	CycleRef       string
	CycleID        int64
	MemberID       int64
	MemberName     string
	Meeting        time.Time
	MeetingPlace   string
	Deadline       time.Time
	ReturnURL      string
	Cases          []PackCase
	MattersArising []ActionItem
}

// PackCase is one case as members see it.
type PackCase struct {
	CaseID                   int64
	Reference                string
	Category                 domain.Category
	Strands                  []string
	PrincipalOffence         string
	Outcome                  domain.Outcome
	FinalisedOn              time.Time
	UpliftApplied            bool
	VictimPersonalStatement  bool
	CommunityImpactStatement bool
	SpecialMeasures          bool
	ComplainantAnonymity     bool
	Youth                    bool
	Summary                  string
}

// ActionItem is an action from an earlier meeting, for matters arising.
type ActionItem struct {
	Reference   string
	Description string
	Owner       string
	Status      string
	Response    string
	Due         time.Time
}

// Sheet names of a pack.
const (
	CoverSheet    = "Cover"
	FormSheet     = "Review form"
	IdentitySheet = "_identity"
)

// Free-text fields after the rated questions, in form order.
var freeText = []struct{ key, label string }{
	{"good_practice", "Good practice"},
	{"concerns", "Concerns"},
	{"questions", "Questions for the prosecutor"},
	{"learning", "Suggested learning"},
}

var glossary = [][2]string{
	{"Finalised", "The case has concluded: conviction, acquittal, discontinuance or dismissal."},
	{"VRR", "Victims' Right to Review: a victim's request that a decision not to prosecute is looked at again."},
	{"VPS", "Victim personal statement: the victim's own account of how the crime affected them."},
	{"CIS", "Community impact statement: how a crime affected a community."},
	{"Special measures", "Help for vulnerable witnesses to give evidence, such as screens or a video link."},
	{"ISVA / IDVA", "Independent sexual / domestic violence adviser, who supports the victim."},
	{"Uplift", "A sentence increased because hostility was proved (s.66 Sentencing Act 2020)."},
	{"Code for Crown Prosecutors", "The public guidance prosecutors follow when deciding whether to charge."},
	{"DCCP / CCP", "Deputy Chief / Chief Crown Prosecutor: the senior prosecutors in an Area."},
}

// BuildPack writes a member's personal review pack: a cover sheet, a sheet
// per case, a review form with drop-downs whose input cells alone are
// unlocked, and a hidden sheet that identifies the member, the cycle and the
// form version and maps every input cell, so a returned pack can be read
// back without guessing its layout.
func BuildPack(p Pack) ([]byte, error) {
	f := excelize.NewFile()
	defer f.Close()
	st, err := newStyles(f)
	if err != nil {
		return nil, err
	}
	if err := f.SetSheetName("Sheet1", CoverSheet); err != nil {
		return nil, err
	}
	w := &writer{f: f, sheet: CoverSheet, row: 1}
	w.widths(map[string]float64{"A": 28, "B": 90})
	w.line(st.title, "Review pack: "+p.PanelName)
	w.row++
	w.line(0, "For", p.MemberName)
	w.line(0, "Area", p.AreaName)
	w.line(0, "Cycle", p.CycleRef)
	w.line(0, "Meeting", UKTime(p.Meeting))
	w.line(0, "Where", p.MeetingPlace)
	w.line(st.label, "Send your reviews by", UKTime(p.Deadline))
	w.row++
	w.merged("A", "B", "CONFIDENTIAL. These cases concern victims of hate crime and of violence against women and girls. "+
		"Complainants of sexual offences have lifelong anonymity in law. Do not share, forward or print this pack, "+
		"do not read it where others can see it, and delete it after the meeting.", st.notice, 90)
	w.row++
	w.line(st.heading, "How to return your feedback", "")
	w.merged("A", "B", "Use your personal link: "+p.ReturnURL+"\nOn that page you can fill in a short form for each case, "+
		"or upload this workbook once you have completed the yellow cells on the \""+FormSheet+"\" sheet. "+
		"Please do not email the workbook back. The link is personal to you: do not forward it.", st.wrap, 90)
	if len(p.MattersArising) > 0 {
		w.row++
		w.line(st.heading, "Matters arising: actions from previous meetings", "")
		ma := &writer{f: f, sheet: CoverSheet, row: w.row}
		ma.line(st.label, "Action", "Description")
		for _, a := range p.MattersArising {
			detail := fmt.Sprintf("%s\nOwner: %s. Due: %s. Status: %s.", a.Description, a.Owner, UKDate(a.Due), a.Status)
			if a.Response != "" {
				detail += "\nResponse: " + a.Response
			}
			ma.set("A", a.Reference, st.wrap)
			ma.merged("B", "B", detail, st.wrap, 90)
		}
		w.row, w.err = ma.row, errors.Join(w.err, ma.err)
	}
	w.row++
	w.line(st.heading, "Glossary", "")
	for _, g := range glossary {
		w.set("A", g[0], st.label)
		w.merged("B", "B", g[1], st.wrap, 90)
	}
	if w.err != nil {
		return nil, w.err
	}

	for _, c := range p.Cases {
		if err := caseSheet(f, st, c); err != nil {
			return nil, err
		}
	}
	cells, err := formSheet(f, st, p)
	if err != nil {
		return nil, err
	}
	if err := identitySheet(f, p, cells); err != nil {
		return nil, err
	}
	for _, name := range f.GetSheetList() {
		if name == IdentitySheet {
			continue
		}
		if err := f.ProtectSheet(name, &excelize.SheetProtectionOptions{Password: protectionPassword, SelectLockedCells: true, SelectUnlockedCells: true}); err != nil {
			return nil, err
		}
	}
	f.SetActiveSheet(0)
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

func strandLabels(codes []string) string {
	labels := make([]string, 0, len(codes))
	for _, code := range codes {
		if st, ok := domain.StrandByCode(code); ok {
			labels = append(labels, st.Label)
		}
	}
	return strings.Join(labels, ", ")
}

func caseSheet(f *excelize.File, st styles, c PackCase) error {
	name := sheetName(c.Reference)
	if _, err := f.NewSheet(name); err != nil {
		return err
	}
	w := &writer{f: f, sheet: name, row: 1}
	w.widths(map[string]float64{"A": 32, "B": 80})
	w.line(st.title, "Case "+c.Reference, "")
	w.row++
	facts := [][2]string{
		{"Category", c.Category.Label()},
		{"Strands", strandLabels(c.Strands)},
		{"Principal offence", c.PrincipalOffence},
		{"Outcome", domain.OutcomeLabel(c.Outcome)},
		{"Finalised", c.FinalisedOn.Format("January 2006")},
		{"Sentence uplift applied", yesNo(c.UpliftApplied)},
		{"Victim personal statement", yesNo(c.VictimPersonalStatement)},
		{"Community impact statement", yesNo(c.CommunityImpactStatement)},
		{"Special measures", yesNo(c.SpecialMeasures)},
		{"Complainant has lifelong anonymity", yesNo(c.ComplainantAnonymity)},
		{"Youth case", yesNo(c.Youth)},
	}
	for _, kv := range facts {
		w.set("A", kv[0], st.label)
		w.set("B", kv[1], st.wrap)
		w.row++
	}
	w.row++
	w.line(st.heading, "Anonymised summary", "")
	w.merged("A", "B", c.Summary, st.wrap, 100)
	return w.err
}

// cellRef records which cell holds which answer.
type cellRef struct {
	CaseID int64
	Field  string // ratings.<key>, comments.<key>, overall, good_practice …
	Cell   string
}

func formSheet(f *excelize.File, st styles, p Pack) ([]cellRef, error) {
	if _, err := f.NewSheet(FormSheet); err != nil {
		return nil, err
	}
	w := &writer{f: f, sheet: FormSheet, row: 1}
	w.widths(map[string]float64{"A": 60, "B": 26, "C": 70})
	w.line(st.title, "Review form", "", "")
	w.merged("A", "C", "Fill in the yellow cells for each case. Choose ratings and the overall category from the drop-down lists. "+
		"You can leave a case unfinished and come back to it.", st.wrap, 120)
	var refs []cellRef
	rating := func(cell string) {
		dv := excelize.NewDataValidation(true)
		dv.Sqref = cell
		dv.SetSqrefDropList(fmt.Sprintf("'%s'!$E$1:$E$%d", IdentitySheet, len(p.Form.Ratings)))
		dv.SetError(excelize.DataValidationErrorStyleStop, "Choose from the list", "Please choose one of the ratings in the list.")
		if w.err == nil {
			w.err = f.AddDataValidation(FormSheet, dv)
		}
	}
	for _, c := range p.Cases {
		w.row++
		w.line(st.heading, "Case "+c.Reference+": "+c.PrincipalOffence, "Rating", "Comment")
		for _, q := range p.Form.Questions {
			w.set("A", q.Text, st.wrap)
			cell := w.set("B", "", st.input)
			rating(cell)
			refs = append(refs, cellRef{c.CaseID, "ratings." + q.Key, cell})
			refs = append(refs, cellRef{c.CaseID, "comments." + q.Key, w.set("C", "", st.inputWrap)})
			if w.err == nil {
				w.err = f.SetRowHeight(FormSheet, w.row, 45)
			}
			w.row++
		}
		w.set("A", "Overall category", st.label)
		cell := w.set("B", "", st.input)
		dv := excelize.NewDataValidation(true)
		dv.Sqref = cell
		dv.SetSqrefDropList(fmt.Sprintf("'%s'!$F$1:$F$%d", IdentitySheet, len(p.Form.Categories)))
		if w.err == nil {
			w.err = f.AddDataValidation(FormSheet, dv)
		}
		refs = append(refs, cellRef{c.CaseID, "overall", cell})
		w.row++
		for _, ft := range freeText {
			w.set("A", ft.label, st.label)
			w.set("B", "", st.inputWrap)
			if w.err == nil {
				w.err = f.MergeCell(FormSheet, fmt.Sprintf("B%d", w.row), fmt.Sprintf("C%d", w.row))
			}
			if w.err == nil {
				w.err = f.SetRowHeight(FormSheet, w.row, 60)
			}
			refs = append(refs, cellRef{c.CaseID, ft.key, fmt.Sprintf("B%d", w.row)})
			w.row++
		}
	}
	if w.err == nil {
		w.err = f.SetPageLayout(FormSheet, &excelize.PageLayoutOptions{Orientation: ptr("landscape")})
	}
	return refs, w.err
}

func ptr[T any](v T) *T { return &v }

// Identity sheet layout: A1:B3 hold member, cycle and form version; from
// row 5, columns A:C map case, field and cell; E and F hold the drop-down
// lists.
func identitySheet(f *excelize.File, p Pack, refs []cellRef) error {
	if _, err := f.NewSheet(IdentitySheet); err != nil {
		return err
	}
	w := &writer{f: f, sheet: IdentitySheet, row: 1}
	w.set("A", "member_id", 0)
	w.set("B", strconv.FormatInt(p.MemberID, 10), 0)
	w.row++
	w.set("A", "cycle_id", 0)
	w.set("B", strconv.FormatInt(p.CycleID, 10), 0)
	w.row++
	w.set("A", "form_version", 0)
	w.set("B", p.Form.Version, 0)
	w.row = 5
	for _, r := range refs {
		w.set("A", strconv.FormatInt(r.CaseID, 10), 0)
		w.set("B", r.Field, 0)
		w.set("C", r.Cell, 0)
		w.row++
	}
	for i, r := range p.Form.Ratings {
		w.row = i + 1
		w.set("E", r.Label, 0)
	}
	for i, c := range p.Form.Categories {
		w.row = i + 1
		w.set("F", c.Label, 0)
	}
	if w.err != nil {
		return w.err
	}
	return f.SetSheetVisible(IdentitySheet, false, true)
}

// Returned is what a member sent back in their pack.
type Returned struct {
	MemberID    int64
	CycleID     int64
	FormVersion string
	// Reviews holds each case with at least one answer filled in.
	Reviews  map[int64]reviewform.Answers
	Problems []Problem
}

// Problem is one thing wrong in a returned pack, with where to find it.
type Problem struct {
	Sheet   string `json:"sheet"`
	Cell    string `json:"cell,omitempty"`
	CaseID  int64  `json:"case_id,omitempty"`
	Message string `json:"message"`
}

// ParsePack reads a returned pack. Every problem is reported with its sheet
// and cell. The caller must check MemberID and CycleID against the link the
// upload came through: a pack is only accepted from its own member.
func ParsePack(data []byte, form reviewform.Form) (Returned, error) {
	out := Returned{Reviews: map[int64]reviewform.Answers{}}
	f, err := excelize.OpenReader(bytes.NewReader(data))
	if err != nil {
		return out, fmt.Errorf("the file could not be opened as an Excel workbook: %w", err)
	}
	defer f.Close()
	identity, err := f.GetRows(IdentitySheet)
	if err != nil || len(identity) < 3 {
		out.Problems = append(out.Problems, Problem{Sheet: IdentitySheet, Message: "This is not a review pack from this system, or its hidden identity sheet was removed. Please download your pack again and copy your answers into it."})
		return out, nil
	}
	value := func(row int) string {
		if len(identity[row]) < 2 {
			return ""
		}
		return identity[row][1]
	}
	out.MemberID, _ = strconv.ParseInt(value(0), 10, 64)
	out.CycleID, _ = strconv.ParseInt(value(1), 10, 64)
	out.FormVersion = value(2)
	if out.FormVersion != form.Version {
		out.Problems = append(out.Problems, Problem{Sheet: IdentitySheet, Message: fmt.Sprintf("This pack uses form version %q but the current form is %q. Please download your pack again.", out.FormVersion, form.Version)})
		return out, nil
	}
	cellOf := map[int64]map[string]string{}
	for _, row := range identity[4:] {
		if len(row) < 3 || row[0] == "" {
			continue
		}
		caseID, err := strconv.ParseInt(row[0], 10, 64)
		if err != nil {
			continue
		}
		fields := cellOf[caseID]
		if fields == nil {
			fields = map[string]string{}
			cellOf[caseID] = fields
		}
		text, _ := f.GetCellValue(FormSheet, row[2])
		text = strings.TrimSpace(text)
		if text == "" {
			continue
		}
		fields[row[1]] = row[2]
		a := out.Reviews[caseID]
		if a.Ratings == nil {
			a.Ratings, a.Comments = map[string]string{}, map[string]string{}
		}
		field := row[1]
		switch {
		case strings.HasPrefix(field, "ratings."):
			key, ok := form.RatingKey(text)
			if !ok {
				out.Problems = append(out.Problems, Problem{Sheet: FormSheet, Cell: row[2], CaseID: caseID, Message: fmt.Sprintf("%q is not one of the ratings; choose from the drop-down list.", text)})
				continue
			}
			a.Ratings[strings.TrimPrefix(field, "ratings.")] = key
		case strings.HasPrefix(field, "comments."):
			a.Comments[strings.TrimPrefix(field, "comments.")] = text
		case field == "overall":
			key, ok := form.CategoryKey(text)
			if !ok {
				out.Problems = append(out.Problems, Problem{Sheet: FormSheet, Cell: row[2], CaseID: caseID, Message: fmt.Sprintf("%q is not one of the overall categories; choose from the drop-down list.", text)})
				continue
			}
			a.Overall = key
		case field == "good_practice":
			a.GoodPractice = text
		case field == "concerns":
			a.Concerns = text
		case field == "questions":
			a.Questions = text
		case field == "learning":
			a.Learning = text
		}
		out.Reviews[caseID] = a
	}
	for caseID, a := range out.Reviews {
		for _, fe := range form.Validate(a, true) {
			cell := cellOf[caseID][fe.Field]
			if cell == "" {
				cell = findCell(identity, caseID, fe.Field)
			}
			out.Problems = append(out.Problems, Problem{Sheet: FormSheet, Cell: cell, CaseID: caseID, Message: fe.Message})
		}
	}
	sort.SliceStable(out.Problems, func(i, j int) bool { return cellRow(out.Problems[i].Cell) < cellRow(out.Problems[j].Cell) })
	return out, nil
}

func cellRow(cell string) int {
	_, row, _ := excelize.CellNameToCoordinates(cell)
	return row
}

func findCell(identity [][]string, caseID int64, field string) string {
	id := strconv.FormatInt(caseID, 10)
	for _, row := range identity[4:] {
		if len(row) >= 3 && row[0] == id && row[1] == field {
			return row[2]
		}
	}
	return ""
}
