package workbook

import (
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"

	"github.com/lsip/scrutiny/domain"
	"github.com/lsip/scrutiny/i18n"
	"github.com/lsip/scrutiny/reviewform"
)

// Pack is what one member's review pack holds. Its cases carry anonymised
// fields only: there is no place for a URN, a name or an address. The
// pack is written in the language of its Form (reviewform.In): the fixed
// text, the sheet names and the drop-downs.
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

// Sheet names of an English pack; a pack in another language names its
// cover and form sheets from its catalogue (pack.sheet.cover and
// pack.sheet.form). The identity sheet, which no one sees, is always
// "_identity".
const (
	CoverSheet    = "Cover"
	FormSheet     = "Review form"
	IdentitySheet = "_identity"
)

// CoverSheetIn and FormSheetIn name a pack's cover and review form sheets
// in lang.
func CoverSheetIn(lang i18n.Lang) string { return i18n.For(lang).T("pack.sheet.cover") }

// FormSheetIn names a pack's review form sheet in lang.
func FormSheetIn(lang i18n.Lang) string { return i18n.For(lang).T("pack.sheet.form") }

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

// glossary lists the words a pack explains, as keys of the catalogues'
// pack.glossary.<key>.term and .text, in the order the cover shows them.
var glossary = []string{"finalised", "vrr", "vps", "cis", "special_measures", "isva", "uplift", "code", "dccp"}

// confidentialHeader is the marking printed at the top of every page.
func confidentialHeader(l *i18n.Localizer) string {
	return `&C&"-,Bold"` + l.T("pack.marking")
}

// BuildPack writes a member's personal review pack: a cover sheet, a sheet
// per case, a review form with drop-downs whose input cells alone are
// unlocked, and a very hidden identity sheet naming the member, the cycle
// and the form version and mapping every input cell, so that a returned
// pack is read back without guessing its layout. Every sheet is protected
// against accidental changes.
func BuildPack(p Pack) ([]byte, error) {
	l := i18n.For(p.Form.Lang())
	f, st, err := newBook(CoverSheetIn(l.Lang()))
	if err != nil {
		return nil, err
	}
	defer f.Close()
	caseSheets, err := addPackSheets(f, l, p)
	if err != nil {
		return nil, err
	}
	pr := printing{title: packTitle(l, p), marking: confidentialHeader(l)}
	if err := coverSheet(f, st, l, pr, p); err != nil {
		return nil, fmt.Errorf("cover: %w", err)
	}
	for i, c := range p.Cases {
		if err := caseSheet(f, st, l, pr, caseSheets[i], c); err != nil {
			return nil, fmt.Errorf("case %s: %w", c.Reference, err)
		}
	}
	entries, err := formSheet(f, st, l, pr, p)
	if err != nil {
		return nil, fmt.Errorf("review form: %w", err)
	}
	if err := identitySheet(f, p, entries); err != nil {
		return nil, fmt.Errorf("identity: %w", err)
	}
	return writeBook(f) // the cover, made first, is the active sheet
}

// addPackSheets adds the pack's sheets after the cover, in order, hiding
// the identity sheet, and returns the names of the case sheets. They are
// all made before any is streamed: hiding a sheet, like making one
// active, reads every sheet, and would parse a streamed one back.
func addPackSheets(f *excelize.File, l *i18n.Localizer, p Pack) ([]string, error) {
	caseSheets := make([]string, len(p.Cases))
	for i, c := range p.Cases {
		caseSheets[i] = uniqueSheetName(f, c.Reference)
		if _, err := f.NewSheet(caseSheets[i]); err != nil {
			return nil, err
		}
	}
	for _, name := range []string{FormSheetIn(l.Lang()), IdentitySheet} {
		if _, err := f.NewSheet(name); err != nil {
			return nil, err
		}
	}
	return caseSheets, f.SetSheetVisible(IdentitySheet, false, true)
}

// coverSheet writes the cover; pr is how the pack's sheets print.
func coverSheet(f *excelize.File, st styles, l *i18n.Localizer, pr printing, p Pack) error {
	sheet := CoverSheetIn(l.Lang())
	w := newPackSheet(f, sheet)
	w.widths(28, 80, 22, 18, 14, 50)
	w.line(st.title, l.T("pack.title", "Panel", p.PanelName))
	w.row++
	for _, kv := range [][2]string{
		{l.T("pack.cover.prepared_for"), p.MemberName},
		{l.T("pack.cover.panel"), p.PanelName},
		{l.T("pack.cover.area"), p.AreaName},
		{l.T("pack.cover.cycle"), p.CycleRef},
		{l.T("pack.cover.meeting"), l.Time(p.Meeting)},
		{l.T("pack.cover.where"), p.MeetingPlace},
		{l.T("pack.cover.deadline"), l.Time(p.Deadline)},
	} {
		w.set("A", kv[0], st.label)
		w.set("B", kv[1], st.wrap)
		w.row++
	}
	w.row++
	w.long("A", "B", l.T("pack.cover.confidential"), st.notice)
	w.row++
	w.line(st.heading, l.T("pack.cover.how_heading"), "")
	w.long("A", "B", l.T("pack.cover.how", "Link", p.ReturnURL, "FormSheet", FormSheetIn(l.Lang())), st.wrap)
	if len(p.MattersArising) > 0 {
		w.row++
		w.line(st.heading, l.T("pack.matters.heading"), "", "", "", "", "")
		w.line(st.label, l.T("pack.matters.action"), l.T("pack.matters.agreed"), l.T("pack.matters.owner"), l.T("pack.matters.due"),
			l.T("pack.matters.status"), l.T("pack.matters.response"))
		for _, a := range p.MattersArising {
			w.set("A", a.Reference, st.wrap)
			w.set("B", a.Description, st.wrap)
			w.set("C", a.Owner, st.wrap)
			w.set("D", l.Date(a.Due), st.wrap)
			w.set("E", l.Label("action_status", a.Status), st.wrap)
			w.set("F", a.Response, st.wrap)
			w.row++
		}
	}
	w.row++
	w.line(st.heading, l.T("pack.glossary.heading"), "")
	for _, g := range glossary {
		w.set("A", l.T("pack.glossary."+g+".term"), st.label)
		w.long("B", "B", l.T("pack.glossary."+g+".text"), st.wrap)
	}
	if w.err != nil {
		return w.err
	}
	pr.landscape, pr.columns = true, 2
	if len(p.MattersArising) > 0 {
		pr.columns = 6
	}
	if err := printSetup(f, sheet, pr); err != nil {
		return err
	}
	return w.finish()
}

// packTitle names a pack at the top of its printed pages.
func packTitle(l *i18n.Localizer, p Pack) string {
	return l.T("pack.print_title", "Member", p.MemberName, "Panel", p.PanelName, "Meeting", l.Date(p.Meeting))
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

// caseSheet writes case c on the sheet called name.
func caseSheet(f *excelize.File, st styles, l *i18n.Localizer, pr printing, name string, c PackCase) error {
	w := newPackSheet(f, name)
	w.widths(34, 80)
	yesNo := func(b bool) string {
		if b {
			return l.T("pack.yes")
		}
		return l.T("pack.no")
	}
	w.line(st.title, l.T("pack.case.title", "Reference", c.Reference))
	w.row++
	for _, kv := range [][2]string{
		{l.T("pack.case.category"), l.Label("category", string(c.Category))},
		{l.T("pack.case.strands"), l.Labels("strand", c.Strands)},
		{l.T("pack.case.offence"), c.PrincipalOffence},
		{l.T("pack.case.outcome"), l.Label("outcome", string(c.Outcome))},
		{l.T("pack.case.finalised"), l.Month(c.FinalisedOn)},
		{l.T("pack.case.uplift"), yesNo(c.UpliftApplied)},
		{l.T("pack.case.vps"), yesNo(c.VictimPersonalStatement)},
		{l.T("pack.case.cis"), yesNo(c.CommunityImpactStatement)},
		{l.T("pack.case.special_measures"), yesNo(c.SpecialMeasures)},
		{l.T("pack.case.anonymity"), yesNo(c.ComplainantAnonymity)},
		{l.T("pack.case.youth"), yesNo(c.Youth)},
	} {
		w.set("A", kv[0], st.label)
		w.set("B", kv[1], st.wrap)
		w.row++
	}
	w.row++
	w.line(st.heading, l.T("pack.case.summary"), "")
	w.long("A", "B", c.Summary, st.wrap)
	if w.err != nil {
		return w.err
	}
	pr.columns = 2
	if err := printSetup(f, name, pr); err != nil {
		return err
	}
	return w.finish()
}

// entry says which cell of the review form holds which answer.
type entry struct {
	caseID    int64
	reference string
	field     string // as reviewform.FieldError names it
	cell      string
}

func formSheet(f *excelize.File, st styles, l *i18n.Localizer, pr printing, p Pack) ([]entry, error) {
	sheet := FormSheetIn(l.Lang())
	w := newPackSheet(f, sheet)
	w.widths(60, 28, 70)
	w.line(st.title, l.T("pack.form.title"))
	w.long("A", "C", l.T("pack.form.intro"), st.wrap)
	// dropDown is a drop-down of choices for one cell after another; the
	// list lives on the identity sheet, in column, because a label may
	// contain a comma, which an inline list cannot hold.
	dropDown := func(column, what string, choices []string) func(cell string) {
		list := fmt.Sprintf("'%s'!$%s$1:$%s$%d", IdentitySheet, column, column, len(choices))
		msg := l.T("pack.form.choose", "What", what, "Choices", strings.Join(choices, "; "))
		if utf8.RuneCountInString(msg) > 255 { // Excel's limit for this message
			msg = l.T("pack.form.choose_short", "What", what)
		}
		title := l.T("pack.form.choose_title")
		return func(cell string) {
			dv := excelize.NewDataValidation(true)
			dv.Sqref = cell
			dv.SetSqrefDropList(list)
			dv.SetError(excelize.DataValidationErrorStyleStop, title, msg)
			if w.err == nil {
				w.err = f.AddDataValidation(sheet, dv)
			}
		}
	}
	categories := make([]string, len(p.Form.Categories))
	for i, c := range p.Form.Categories {
		categories[i] = c.Label
	}
	ratingDropDown := dropDown("E", l.T("pack.form.a_rating"), ratingLabels(p.Form))
	categoryDropDown := dropDown("F", l.T("pack.form.a_category"), categories)
	textFields := p.Form.TextFields() // each call renders their labels
	var entries []entry
	for _, c := range p.Cases {
		at := func(field, cell string) {
			entries = append(entries, entry{c.CaseID, c.Reference, field, cell})
		}
		w.row++
		w.line(st.heading, l.T("pack.form.case_heading", "Reference", c.Reference, "Offence", c.PrincipalOffence), l.T("pack.form.rating"), l.T("pack.form.comment"))
		for _, q := range p.Form.Questions {
			w.set("A", q.Text, st.wrap)
			cell := w.set("B", "", st.input)
			ratingDropDown(cell)
			at("ratings."+q.Key, cell)
			at("comments."+q.Key, w.set("C", "", st.input))
			w.height(45)
			w.row++
		}
		w.set("A", l.T("pack.form.overall"), st.label)
		cell := w.set("B", "", st.input)
		categoryDropDown(cell)
		at("overall", cell)
		w.row++
		for _, tf := range textFields {
			w.set("A", tf.Label, st.label)
			cell := w.set("B", "", st.input)
			w.set("C", "", st.input)
			w.merge("B", "C")
			w.height(75)
			at(tf.Field, cell)
			w.row++
		}
	}
	if w.err != nil {
		return nil, w.err
	}
	if err := f.SetDefinedName(&excelize.DefinedName{Name: "_xlnm.Print_Area", Scope: sheet, RefersTo: fmt.Sprintf("'%s'!$A$1:$C$%d", sheet, w.row-1)}); err != nil {
		return nil, err
	}
	pr.landscape, pr.columns = true, 3
	if err := printSetup(f, sheet, pr); err != nil {
		return nil, err
	}
	return entries, w.finish()
}

// identitySheet writes the very hidden sheet that ParsePack reads. Excel's
// menus offer no way to unhide a very hidden sheet.
func identitySheet(f *excelize.File, p Pack, entries []entry) error {
	w := newPackSheet(f, IdentitySheet)
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
	return w.finish()
}

func ratingLabels(form reviewform.Form) []string {
	labels := make([]string, len(form.Ratings))
	for i, r := range form.Ratings {
		labels[i] = r.Label
	}
	return labels
}
