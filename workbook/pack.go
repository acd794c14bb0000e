package workbook

import (
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"

	"github.com/lsip/scrutiny/domain"
	"github.com/lsip/scrutiny/reviewform"
	"github.com/lsip/scrutiny/uktime"
)

// Pack is what one member's review pack holds. Its cases carry anonymised
// fields only: there is no place for a URN, a name or an address.
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
	ReturnURL      string // the member's personal link
	Cases          []PackCase
	MattersArising []ActionItem
}

// PackCase is one case as members see it.
type PackCase struct {
	CaseID                   int64
	Reference                string // pseudonymous, never the URN
	Category                 domain.Category
	Strands                  []string // strand codes
	PrincipalOffence         string
	Outcome                  domain.Outcome
	FinalisedOn              time.Time // shown as month and year only
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

// Layout of the identity sheet, which ParsePack reads instead of guessing
// where answers are. Column B of the first three rows holds the member id,
// the cycle id and the form version; from row identityFirstEntry, columns A
// to D give case id, field (as reviewform.FieldError names it), cell on the
// review form and case reference; columns E and F list the rating and
// category labels the drop-downs offer.
const (
	identityMember     = "member_id"
	identityCycle      = "cycle_id"
	identityVersion    = "form_version"
	identityFirstEntry = 5
)

var glossary = [][2]string{
	{"Finalised", "The case has finished: the defendant was convicted or acquitted, or the case was stopped (discontinued) or dismissed."},
	{"VRR", "Victims' Right to Review: a victim can ask for a decision not to charge, or to stop a case, to be looked at again."},
	{"VPS", "Victim personal statement: the victim's own words about how the crime affected them, given to the court."},
	{"CIS", "Community impact statement: how a crime affected a community, given to the court."},
	{"Special measures", "Help for victims and witnesses to give their best evidence, such as a screen in court or a video link."},
	{"ISVA / IDVA", "Independent sexual violence adviser / independent domestic violence adviser: people who support victims through the case."},
	{"Uplift", "A longer sentence because the court found the crime was motivated by, or showed, hostility (section 66 of the Sentencing Act 2020)."},
	{"Code for Crown Prosecutors", "The public rules prosecutors follow when deciding whether to charge someone."},
	{"DCCP / CCP", "Deputy Chief Crown Prosecutor / Chief Crown Prosecutor: the senior prosecutors who lead an Area."},
}

const confidentialHeader = `&C&"-,Bold"CONFIDENTIAL: for panel members only. Do not share.`

// BuildPack writes a member's personal review pack: a cover sheet, a sheet
// per case, a review form with drop-downs whose input cells alone are
// unlocked, and a very hidden identity sheet naming the member, the cycle
// and the form version and mapping every input cell, so that a returned
// pack is read back without guessing its layout. Every sheet is protected
// against accidental changes.
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
	if err := coverSheet(f, st, p); err != nil {
		return nil, fmt.Errorf("cover: %w", err)
	}
	for _, c := range p.Cases {
		if err := caseSheet(f, st, packTitle(p), c); err != nil {
			return nil, fmt.Errorf("case %s: %w", c.Reference, err)
		}
	}
	entries, err := formSheet(f, st, p)
	if err != nil {
		return nil, fmt.Errorf("review form: %w", err)
	}
	if err := identitySheet(f, p, entries); err != nil {
		return nil, fmt.Errorf("identity: %w", err)
	}
	for _, name := range f.GetSheetList() {
		// Members may resize rows and columns to read what they typed,
		// but not insert or delete any: the cell map must stay true.
		opts := &excelize.SheetProtectionOptions{Password: protectionPassword, SelectLockedCells: true, SelectUnlockedCells: true, FormatRows: true, FormatColumns: true}
		if err := f.ProtectSheet(name, opts); err != nil {
			return nil, err
		}
	}
	return save(f)
}

func coverSheet(f *excelize.File, st styles, p Pack) error {
	w := &writer{f: f, sheet: CoverSheet, row: 1}
	w.widths(28, 80, 22, 18, 14, 50)
	w.line(st.title, "Review pack: "+p.PanelName)
	w.row++
	for _, kv := range [][2]string{
		{"Prepared for", p.MemberName},
		{"Panel", p.PanelName},
		{"Area", p.AreaName},
		{"Review cycle", p.CycleRef},
		{"Meeting", uktime.Time(p.Meeting)},
		{"Where", p.MeetingPlace},
		{"Send your reviews by", uktime.Time(p.Deadline)},
	} {
		w.set("A", kv[0], st.label)
		w.set("B", kv[1], st.wrap)
		w.row++
	}
	w.row++
	w.long("A", "B", "CONFIDENTIAL. These cases are about victims of hate crime and of violence against women and girls. "+
		"By law, anyone who complains of a sexual offence keeps their anonymity for life: nothing that could identify them may ever be made public. "+
		"Do not share or forward this pack, do not print it or read it where others can see it, and delete it after the meeting.", st.notice)
	w.row++
	w.line(st.heading, "How to send your feedback", "")
	w.long("A", "B", "Open your personal link:\n"+p.ReturnURL+"\n\n"+
		"On that page you can either fill in a short form for each case, or upload this workbook once you have filled in the yellow cells on the \""+FormSheet+"\" sheet. "+
		"Please do not email this workbook back: email is not secure enough for it. "+
		"The link is personal to you, so please do not forward it.", st.wrap)
	if len(p.MattersArising) > 0 {
		w.row++
		w.line(st.heading, "Matters arising: actions from previous meetings", "", "", "", "", "")
		w.line(st.label, "Action", "What was agreed", "Owner", "Due", "Status", "Response")
		for _, a := range p.MattersArising {
			w.set("A", a.Reference, st.wrap)
			w.set("B", a.Description, st.wrap)
			w.set("C", a.Owner, st.wrap)
			w.set("D", uktime.Date(a.Due), st.wrap)
			w.set("E", humanise(domain.ActionStatus(a.Status).Label()), st.wrap)
			w.set("F", a.Response, st.wrap)
			w.row++
		}
	}
	w.row++
	w.line(st.heading, "Words used in this pack", "")
	for _, g := range glossary {
		w.set("A", g[0], st.label)
		w.long("B", "B", g[1], st.wrap)
	}
	if w.err != nil {
		return w.err
	}
	columns := 2
	if len(p.MattersArising) > 0 {
		columns = 6
	}
	return printSetup(f, CoverSheet, printing{landscape: true, title: packTitle(p), marking: confidentialHeader, columns: columns})
}

// packTitle names a pack at the top of its printed pages.
func packTitle(p Pack) string {
	return "Review pack for " + p.MemberName + ": " + p.PanelName + ", meeting " + uktime.Date(p.Meeting)
}

// strandLabels names the strands, keeping any code the domain does not know
// rather than hiding it.
func strandLabels(codes []string) string {
	labels := make([]string, len(codes))
	for i, code := range codes {
		labels[i] = code
		if st, ok := domain.StrandByCode(code); ok {
			labels[i] = st.Label
		}
	}
	return strings.Join(labels, ", ")
}

func caseSheet(f *excelize.File, st styles, title string, c PackCase) error {
	name := uniqueSheetName(f, c.Reference)
	if _, err := f.NewSheet(name); err != nil {
		return err
	}
	w := &writer{f: f, sheet: name, row: 1}
	w.widths(34, 80)
	w.line(st.title, "Case "+c.Reference)
	w.row++
	for _, kv := range [][2]string{
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
	} {
		w.set("A", kv[0], st.label)
		w.set("B", kv[1], st.wrap)
		w.row++
	}
	w.row++
	w.line(st.heading, "Anonymised summary", "")
	w.long("A", "B", c.Summary, st.wrap)
	if w.err != nil {
		return w.err
	}
	return printSetup(f, name, printing{title: title, marking: confidentialHeader, columns: 2})
}

// entry says which cell of the review form holds which answer.
type entry struct {
	caseID    int64
	reference string
	field     string // as reviewform.FieldError names it
	cell      string
}

func formSheet(f *excelize.File, st styles, p Pack) ([]entry, error) {
	if _, err := f.NewSheet(FormSheet); err != nil {
		return nil, err
	}
	w := &writer{f: f, sheet: FormSheet, row: 1}
	w.widths(60, 28, 70)
	w.line(st.title, "Review form")
	w.long("A", "C", "Fill in the yellow cells for each case. Choose each rating and the overall category from the drop-down list "+
		"(click the cell, then the arrow beside it). Write as much as you like in the comment cells. "+
		"You can save the workbook and come back to it. When you have finished, upload it at your personal link.", st.wrap)
	dropDown := func(cell, column, what string, choices []string) {
		dv := excelize.NewDataValidation(true)
		dv.Sqref = cell
		// The list lives on the identity sheet because a label may
		// contain a comma, which an inline list cannot hold.
		dv.SetSqrefDropList(fmt.Sprintf("'%s'!$%s$1:$%s$%d", IdentitySheet, column, column, len(choices)))
		msg := "Please choose " + what + " from the drop-down list: " + strings.Join(choices, "; ") + "."
		if utf8.RuneCountInString(msg) > 255 { // Excel's limit for this message
			msg = "Please choose " + what + " from the drop-down list."
		}
		dv.SetError(excelize.DataValidationErrorStyleStop, "Choose from the list", msg)
		if w.err == nil {
			w.err = f.AddDataValidation(FormSheet, dv)
		}
	}
	ratings := ratingLabels(p.Form)
	categories := make([]string, len(p.Form.Categories))
	for i, c := range p.Form.Categories {
		categories[i] = c.Label
	}
	var entries []entry
	for _, c := range p.Cases {
		at := func(field, cell string) {
			entries = append(entries, entry{c.CaseID, c.Reference, field, cell})
		}
		w.row++
		w.line(st.heading, "Case "+c.Reference+": "+c.PrincipalOffence, "Rating", "Your comment")
		for _, q := range p.Form.Questions {
			w.set("A", q.Text, st.wrap)
			cell := w.set("B", "", st.input)
			dropDown(cell, "E", "a rating", ratings)
			at("ratings."+q.Key, cell)
			at("comments."+q.Key, w.set("C", "", st.input))
			if w.err == nil {
				w.err = f.SetRowHeight(FormSheet, w.row, 45)
			}
			w.row++
		}
		w.set("A", "Overall category", st.label)
		cell := w.set("B", "", st.input)
		dropDown(cell, "F", "a category", categories)
		at("overall", cell)
		w.row++
		for _, tf := range reviewform.TextFields {
			w.set("A", tf.Label, st.label)
			cell := w.set("B", "", st.input)
			w.set("C", "", st.input)
			if w.err == nil {
				w.err = f.MergeCell(FormSheet, cell, fmt.Sprintf("C%d", w.row))
			}
			if w.err == nil {
				w.err = f.SetRowHeight(FormSheet, w.row, 75)
			}
			at(tf.Field, cell)
			w.row++
		}
	}
	if w.err != nil {
		return nil, w.err
	}
	if err := f.SetDefinedName(&excelize.DefinedName{Name: "_xlnm.Print_Area", Scope: FormSheet, RefersTo: fmt.Sprintf("'%s'!$A$1:$C$%d", FormSheet, w.row-1)}); err != nil {
		return nil, err
	}
	return entries, printSetup(f, FormSheet, printing{landscape: true, title: packTitle(p), marking: confidentialHeader, columns: 3})
}

// identitySheet writes the very hidden sheet that ParsePack reads. Excel's
// menus offer no way to unhide a very hidden sheet.
func identitySheet(f *excelize.File, p Pack, entries []entry) error {
	if _, err := f.NewSheet(IdentitySheet); err != nil {
		return err
	}
	w := &writer{f: f, sheet: IdentitySheet, row: 1}
	w.line(0, identityMember, strconv.FormatInt(p.MemberID, 10))
	w.line(0, identityCycle, strconv.FormatInt(p.CycleID, 10))
	w.line(0, identityVersion, p.Form.Version)
	w.line(0, "case_id", "field", "cell", "case_reference")
	for _, e := range entries {
		w.line(0, strconv.FormatInt(e.caseID, 10), e.field, e.cell, e.reference)
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

func ratingLabels(form reviewform.Form) []string {
	labels := make([]string, len(form.Ratings))
	for i, r := range form.Ratings {
		labels[i] = r.Label
	}
	return labels
}
