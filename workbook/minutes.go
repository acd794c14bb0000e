package workbook

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/lsip/scrutiny/domain"
	"github.com/lsip/scrutiny/reviewform"
	"github.com/lsip/scrutiny/selection"
	"github.com/lsip/scrutiny/uktime"
)

// Minutes is the record of a meeting.
type Minutes struct {
	Form           reviewform.Form
	PanelName      string
	AreaName       string
	CycleRef       string
	Meeting        time.Time
	Status         string // "DRAFT…" until the chair approves, then "Issued <date>…"
	Attendance     []Attendee
	Declarations   []Declaration
	Cases          []MinutesCase
	LearningPoints []LearningPoint
	Actions        []ActionRow
	Selection      SelectionRecord
	MattersArising []ActionItem
}

// Attendee is one person's attendance. Status is present, apologies or
// absent; RSVP is what they answered to the invitation beforehand
// (attending or apologies), empty if they did not answer.
type Attendee struct {
	Name, Role, Status, RSVP string
}

// Declaration is a conflict of interest declared in the cycle. When says
// whether it came before or after the packs were released.
type Declaration struct {
	Member, CaseReference, When string
}

// MinutesCase is one case's finding with the members' answers aggregated.
// Strands holds the strand labels, already joined.
type MinutesCase struct {
	Reference, Strands, Offence, Outcome, Finding, Rationale string
	CarriedForward                                           bool
	// RatingCounts counts members' ratings: question key -> rating key -> n.
	RatingCounts                     map[string]map[string]int
	Submitted, NotSubmitted, Excused int
	// GoodPractice and Concerns are members' words, attributed by role,
	// never by name.
	GoodPractice, Concerns []string
}

// LearningPoint is a learning point or piece of good practice. Tag is who
// it is for: prosecution, police or partners.
type LearningPoint struct {
	CaseReference, Text, Tag string
	GoodPractice             bool
}

// ActionRow is one action agreed at the meeting. Audience is who it is
// for, tagged like a LearningPoint.
type ActionRow struct {
	Reference, Description, Owner, Manager, Audience string
	Due                                              time.Time
}

// SelectionRecord lets anyone verify the random draw: with the seed, the
// window and the eligible cases of each strand, the draw can be repeated.
// It counts withdrawals but, by design, has nowhere to put their reasons.
type SelectionRecord struct {
	Seed                   int64
	WindowStart, WindowEnd time.Time
	Strata                 []Stratum
	Withdrawn              int
	ReservesUsed           int
	CarriedForward         int
	// Draw is the published draw: every stratum's eligible cases as
	// pseudonymous numbers, and what was drawn (see drawSection).
	Draw selection.Record
}

// Stratum is one strand of the draw.
type Stratum struct {
	Strand                     string // strand code
	Quota, Eligible, Shortfall int
}

// Minutes sheet names.
const (
	SummarySheet        = "Summary"
	AttendanceSheet     = "Attendance"
	DeclarationsSheet   = "Declarations"
	CasesSheet          = "Cases"
	LearningSheet       = "Learning points"
	ActionsSheet        = "Actions"
	MattersArisingSheet = "Matters arising"
	SelectionSheet      = "Selection record"
)

// IsDraft reports whether a minutes status marks a draft.
func IsDraft(status string) bool {
	return strings.HasPrefix(strings.ToUpper(strings.TrimSpace(status)), "DRAFT")
}

// BuildMinutes writes the minutes workbook: a summary, then a sheet each
// for attendance, declarations, cases (with members' ratings counted),
// learning points, actions, matters arising and the selection record. A
// draft says DRAFT at the top of the summary and of every printed page.
func BuildMinutes(m Minutes) ([]byte, error) {
	f, st, err := newBook(SummarySheet)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	header := `&C&"-,Bold"CONFIDENTIAL: panel and prosecution service only`
	if IsDraft(m.Status) {
		header = `&C&"-,Bold"&16DRAFT: not yet approved by the chair`
	}
	pr := printing{landscape: true, title: "Minutes: " + m.PanelName + ", meeting " + uktime.Date(m.Meeting), marking: header}
	if err := summarySheet(f, st, m, pr); err != nil {
		return nil, fmt.Errorf("summary: %w", err)
	}
	const text, date = false, true
	casesColumns := []column{{"Case", 16, text}, {"Strands", 14, text}, {"Offence", 20, text}, {"Outcome", 16, text}, {"Finding", 16, text}, {"Rationale", 40, text}}
	for _, q := range m.Form.Questions {
		casesColumns = append(casesColumns, column{q.Text, 14, text})
	}
	casesColumns = append(casesColumns, column{"Reviews returned", 10, text}, column{"Not returned", 10, text}, column{"Excused", 10, text},
		column{"Members' good practice", 40, text}, column{"Members' concerns", 40, text}, column{"Carried forward", 10, text})
	sheets := []struct {
		name    string
		columns []column
		rows    [][]any
		// pagesWide is 2 for the cases sheet, whose many columns would
		// print too small to read on one page width.
		pagesWide int
	}{
		{AttendanceSheet, []column{{"Name", 30, text}, {"Role", 18, text}, {"Attendance", 16, text}, {"Replied to the invitation", 26, text}},
			rowsOf(m.Attendance, func(a Attendee) []any { return []any{a.Name, humanise(a.Role), humanise(a.Status), rsvpLabel(a.RSVP)} }), 1},
		{DeclarationsSheet, []column{{"Member", 30, text}, {"Case", 22, text}, {"Declared", 40, text}},
			rowsOf(m.Declarations, func(d Declaration) []any { return []any{d.Member, d.CaseReference, d.When} }), 1},
		{CasesSheet, casesColumns, rowsOf(m.Cases, func(c MinutesCase) []any { return caseRow(m.Form, c) }), 2},
		{LearningSheet, []column{{"Case", 18, text}, {"For", 24, text}, {"Learning point", 80, text}, {"Good practice", 14, text}},
			rowsOf(m.LearningPoints, func(l LearningPoint) []any {
				return []any{l.CaseReference, audienceLabel(l.Tag), l.Text, yesNo(l.GoodPractice)}
			}), 1},
		{ActionsSheet, []column{{"Action", 12, text}, {"What was agreed", 60, text}, {"Owner", 22, text}, {"Manager", 22, text}, {"For", 22, text}, {"Due", 18, date}},
			rowsOf(m.Actions, func(a ActionRow) []any {
				return []any{a.Reference, a.Description, a.Owner, a.Manager, audienceLabel(a.Audience), excelDate(a.Due)}
			}), 1},
		{MattersArisingSheet, []column{{"Action", 12, text}, {"What was agreed", 50, text}, {"Owner", 22, text}, {"Status", 14, text}, {"Response", 50, text}, {"Due", 18, date}},
			rowsOf(m.MattersArising, func(a ActionItem) []any {
				return []any{a.Reference, a.Description, a.Owner, humanise(domain.ActionStatus(a.Status).Label()), a.Response, excelDate(a.Due)}
			}), 1},
	}
	for _, sh := range sheets {
		pr.pagesWide = sh.pagesWide
		if err := table(f, st, sh.name, sh.columns, sh.rows, pr); err != nil {
			return nil, fmt.Errorf("sheet %s: %w", sh.name, err)
		}
	}
	pr.pagesWide = 1
	if err := selectionSheet(f, st, m.Selection, pr); err != nil {
		return nil, fmt.Errorf("selection record: %w", err)
	}
	return save(f)
}

func summarySheet(f *excelize.File, st styles, m Minutes, pr printing) error {
	w := newWriter(f, SummarySheet)
	carried := 0
	for _, c := range m.Cases {
		if c.CarriedForward {
			carried++
		}
	}
	summaryHead(w, st, m.Status, m.PanelName, []fact{
		{"Area", m.AreaName},
		{"Review cycle", m.CycleRef},
		{"Meeting", uktime.Time(m.Meeting)},
		{"People present", presentCount(m.Attendance)},
		{"Cases reviewed", len(m.Cases)},
		{"Cases carried forward", carried},
		{"Learning points", len(m.LearningPoints)},
		{"Actions agreed", len(m.Actions)},
	})
	if len(m.Cases) > 0 {
		w.row++
		w.line(st.heading, "Case", "Panel's finding")
		for _, c := range m.Cases {
			finding := c.Finding
			if c.CarriedForward {
				finding += " (carried forward to the next meeting)"
			}
			w.set("A", c.Reference, st.wrap)
			w.set("B", finding, st.wrap)
			w.row++
		}
	}
	w.row++
	w.long("A", "B", "Confidential: for panel members and the prosecution service. The public key messages are a separate document. "+
		"Members' comments are attributed by their role on the panel, never by name.", st.wrap)
	if w.err != nil {
		return w.err
	}
	pr.columns = 2
	return printSetup(f, SummarySheet, pr)
}

func rowsOf[T any](items []T, row func(T) []any) [][]any {
	out := make([][]any, len(items))
	for i, it := range items {
		out[i] = row(it)
	}
	return out
}

// column is one column of a table sheet. A date column is shown as
// "15 February 2027" but sorted and filtered as dates.
type column struct {
	title  string
	width  float64
	isDate bool
}

// table writes a header and rows, each row tall enough for its wrapped
// text, with a frozen header row and filters; the header row prints on
// every page, and when the table is printed more than one page wide its
// first column does too.
func table(f *excelize.File, st styles, name string, columns []column, rows [][]any, pr printing) error {
	if _, err := f.NewSheet(name); err != nil {
		return err
	}
	w := newWriter(f, name)
	widths := make([]float64, len(columns))
	for i, c := range columns {
		widths[i] = c.width
	}
	w.widths(widths...)
	for i, c := range columns {
		col, _ := excelize.ColumnNumberToName(i + 1)
		w.set(col, c.title, st.columnHead)
	}
	w.row++
	for _, r := range rows {
		for i, v := range r {
			style := st.wrap
			if columns[i].isDate {
				style = st.date
			}
			col, _ := excelize.ColumnNumberToName(i + 1)
			w.set(col, v, style)
		}
		w.row++
	}
	if w.err != nil {
		return w.err
	}
	last, _ := excelize.ColumnNumberToName(len(columns))
	if err := f.AutoFilter(name, fmt.Sprintf("A1:%s%d", last, max(2, w.row-1)), nil); err != nil {
		return err
	}
	if err := f.SetPanes(name, &excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
		return err
	}
	pr.columns, pr.headRows = len(columns), 1
	if pr.pagesWide > 1 {
		pr.headCols = 1
	}
	return printSetup(f, name, pr)
}

// caseRow is one case on the Cases sheet, with the members' ratings of each
// question counted: "Yes 3 · Partly 1 · No 0 · Not applicable / not known 0".
func caseRow(form reviewform.Form, c MinutesCase) []any {
	row := []any{c.Reference, c.Strands, c.Offence, c.Outcome, c.Finding, c.Rationale}
	for _, q := range form.Questions {
		parts := make([]string, len(form.Ratings))
		for i, r := range form.Ratings {
			parts[i] = fmt.Sprintf("%s %d", r.Label, c.RatingCounts[q.Key][r.Key])
		}
		row = append(row, strings.Join(parts, " · "))
	}
	return append(row, c.Submitted, c.NotSubmitted, c.Excused, strings.Join(c.GoodPractice, "\n"), strings.Join(c.Concerns, "\n"), yesNo(c.CarriedForward))
}

func selectionSheet(f *excelize.File, st styles, s SelectionRecord, pr printing) error {
	if _, err := f.NewSheet(SelectionSheet); err != nil {
		return err
	}
	w := newWriter(f, SelectionSheet)
	w.widths(44, 16, 16, 16)
	w.line(st.title, "How the cases were selected")
	w.long("A", "D", "Cases were drawn at random within each strand from every eligible case finalised in the window, using the seed below. "+
		"Anyone with the list of eligible cases, published at the foot of this sheet, can repeat the draw with the same seed and get the same cases.", st.wrap)
	w.row++
	w.set("A", "Seed", st.label)
	w.set("B", fmt.Sprint(s.Seed), st.wrap) // text: Excel would round a large number
	w.row++
	w.set("A", "Cases finalised between", st.label)
	w.set("B", uktime.Date(s.WindowStart)+" and "+uktime.Date(s.WindowEnd), st.wrap)
	w.row += 2
	w.line(st.heading, "Strand", "Eligible", "Quota", "Shortfall")
	strata := slices.Clone(s.Strata)
	order := func(code string) int { // the domain's order; unknown codes last
		if i := slices.IndexFunc(domain.Strands, func(d domain.Strand) bool { return d.Code == code }); i >= 0 {
			return i
		}
		return len(domain.Strands)
	}
	slices.SortStableFunc(strata, func(a, b Stratum) int { return order(a.Strand) - order(b.Strand) })
	var total Stratum
	for _, x := range strata {
		w.line(0, strandLabels([]string{x.Strand}), x.Eligible, x.Quota, x.Shortfall)
		total.Eligible += x.Eligible
		total.Quota += x.Quota
		total.Shortfall += x.Shortfall
	}
	w.line(st.label, "Total", total.Eligible, total.Quota, total.Shortfall)
	w.row++
	for _, kv := range []struct {
		label string
		n     int
	}{
		{"Cases withdrawn at the coordinator's check", s.Withdrawn},
		{"Reserves used", s.ReservesUsed},
		{"Cases carried forward from the last meeting", s.CarriedForward},
	} {
		w.set("A", kv.label, st.label)
		w.set("B", kv.n, 0)
		w.row++
	}
	drawSection(w, st, s.Draw)
	if w.err != nil {
		return w.err
	}
	pr.columns = 4
	return printSetup(f, SelectionSheet, pr)
}

// rsvpLabel is a member's answer to the invitation in words.
func rsvpLabel(rsvp string) string {
	if rsvp == "" {
		return "No reply"
	}
	return humanise(rsvp)
}

// fact is one labelled line of a minutes summary.
type fact struct {
	label string
	value any
}

// summaryHead writes the top of a minutes summary sheet, the same for a
// panel's and a forum's: the draft banner, the title, the status and the
// facts of the meeting.
func summaryHead(w *writer, st styles, status, panelName string, facts []fact) {
	w.widths(30, 90)
	if IsDraft(status) {
		w.line(st.banner, "DRAFT")
	}
	w.line(st.title, "Minutes: "+panelName)
	w.line(st.notice, status, "")
	w.row++
	for _, kv := range facts {
		w.set("A", kv.label, st.label)
		w.set("B", kv.value, st.wrap)
		w.row++
	}
}

// presentCount is how many of those listed were present.
func presentCount(attendance []Attendee) int {
	n := 0
	for _, a := range attendance {
		if strings.EqualFold(a.Status, "present") {
			n++
		}
	}
	return n
}
