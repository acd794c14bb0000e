package workbook

import (
	"bytes"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/lsip/scrutiny/reviewform"
)

// Minutes is the record of a meeting.
type Minutes struct {
	Form           reviewform.Form
	PanelName      string
	AreaName       string
	CycleRef       string
	Meeting        time.Time
	Status         string // "DRAFT" or "Issued 3 March 2027"
	Attendance     []Attendee
	Declarations   []Declaration
	Cases          []MinutesCase
	LearningPoints []LearningPoint
	Actions        []ActionRow
	Selection      SelectionRecord
	MattersArising []ActionItem
}

// Attendee is one person's attendance.
type Attendee struct {
	Name, Role, Status string
}

// Declaration is a conflict of interest declared in the cycle.
type Declaration struct {
	Member, CaseReference, When string
}

// MinutesCase is one case's finding with the members' answers aggregated.
type MinutesCase struct {
	Reference, Strands, Offence, Outcome, Finding, Rationale string
	CarriedForward                                           bool
	// RatingCounts counts members' ratings: question key -> rating key -> n.
	RatingCounts                     map[string]map[string]int
	Submitted, NotSubmitted, Excused int
	// GoodPractice and Concerns are members' words, attributed by role.
	GoodPractice, Concerns []string
}

// LearningPoint is a learning point or piece of good practice.
type LearningPoint struct {
	CaseReference, Text, Tag string
	GoodPractice             bool
}

// ActionRow is one action agreed at the meeting.
type ActionRow struct {
	Reference, Description, Owner, Manager, Audience string
	Due                                              time.Time
}

// SelectionRecord lets anyone verify the random draw. It counts
// withdrawals but never gives their reasons.
type SelectionRecord struct {
	Seed                   int64
	WindowStart, WindowEnd time.Time
	Strata                 []Stratum
	Withdrawn              int
	ReservesUsed           int
	CarriedForward         int
}

// Stratum is one strand of the draw.
type Stratum struct {
	Strand                     string
	Quota, Eligible, Shortfall int
}

// Minutes sheet names.
const (
	SummarySheet   = "Summary"
	CasesSheet     = "Cases"
	ActionsSheet   = "Actions"
	SelectionSheet = "Selection record"
)

var tagLabels = map[string]string{"prosecution": "Prosecution service", "police": "Police", "partners": "Other justice partners"}

// BuildMinutes writes the minutes workbook.
func BuildMinutes(m Minutes) ([]byte, error) {
	f := excelize.NewFile()
	defer f.Close()
	st, err := newStyles(f)
	if err != nil {
		return nil, err
	}
	if err := f.SetSheetName("Sheet1", SummarySheet); err != nil {
		return nil, err
	}
	w := &writer{f: f, sheet: SummarySheet, row: 1}
	w.widths(map[string]float64{"A": 28, "B": 90})
	w.line(st.title, "Minutes: "+m.PanelName, "")
	w.line(st.notice, m.Status, "")
	w.line(0, "Area", m.AreaName)
	w.line(0, "Cycle", m.CycleRef)
	w.line(0, "Meeting", UKTime(m.Meeting))
	w.line(0, "Cases reviewed", len(m.Cases))
	w.line(0, "Learning points", len(m.LearningPoints))
	w.line(0, "Actions agreed", len(m.Actions))
	w.merged("A", "B", "Confidential: for panel members and the prosecution service. The public key messages are a separate document.", st.wrap, 100)

	sheets := []struct {
		name   string
		header []string
		widths map[string]float64
		rows   [][]any
	}{
		{"Attendance", []string{"Name", "Role", "Attendance"}, map[string]float64{"A": 30, "B": 16, "C": 16}, rowsOf(m.Attendance, func(a Attendee) []any { return []any{a.Name, a.Role, a.Status} })},
		{"Declarations", []string{"Member", "Case", "Declared"}, map[string]float64{"A": 30, "B": 24, "C": 30}, rowsOf(m.Declarations, func(d Declaration) []any { return []any{d.Member, d.CaseReference, d.When} })},
		{CasesSheet, casesHeader(m.Form), map[string]float64{"A": 20, "B": 22, "C": 36, "D": 22, "E": 28, "F": 50}, rowsOf(m.Cases, func(c MinutesCase) []any { return caseRow(m.Form, c) })},
		{"Learning points", []string{"Case", "For", "Learning point", "Good practice"}, map[string]float64{"A": 20, "B": 24, "C": 80, "D": 14}, rowsOf(m.LearningPoints, func(l LearningPoint) []any {
			return []any{l.CaseReference, tagLabels[l.Tag], l.Text, yesNo(l.GoodPractice)}
		})},
		{ActionsSheet, []string{"Action", "Description", "Owner", "Manager", "For", "Due"}, map[string]float64{"A": 12, "B": 70, "C": 24, "D": 24, "E": 24, "F": 18}, rowsOf(m.Actions, func(a ActionRow) []any {
			return []any{a.Reference, a.Description, a.Owner, a.Manager, tagLabels[a.Audience], UKDate(a.Due)}
		})},
		{"Matters arising", []string{"Action", "Description", "Owner", "Status", "Response", "Due"}, map[string]float64{"A": 12, "B": 60, "C": 24, "D": 16, "E": 60, "F": 18}, rowsOf(m.MattersArising, func(a ActionItem) []any {
			return []any{a.Reference, a.Description, a.Owner, a.Status, a.Response, UKDate(a.Due)}
		})},
	}
	for _, sh := range sheets {
		if err := table(f, st, sh.name, sh.header, sh.widths, sh.rows); err != nil {
			return nil, fmt.Errorf("sheet %s: %w", sh.name, err)
		}
	}
	if err := selectionSheet(f, st, m.Selection); err != nil {
		return nil, err
	}
	f.SetActiveSheet(0)
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

func rowsOf[T any](items []T, row func(T) []any) [][]any {
	out := make([][]any, len(items))
	for i, it := range items {
		out[i] = row(it)
	}
	return out
}

// table writes a header and rows with a frozen header and filters.
func table(f *excelize.File, st styles, name string, header []string, widths map[string]float64, rows [][]any) error {
	if _, err := f.NewSheet(name); err != nil {
		return err
	}
	w := &writer{f: f, sheet: name, row: 1}
	w.widths(widths)
	hdr := make([]any, len(header))
	for i, h := range header {
		hdr[i] = h
	}
	w.line(st.heading, hdr...)
	for _, r := range rows {
		w.line(st.wrap, r...)
	}
	if w.err != nil {
		return w.err
	}
	last, _ := excelize.ColumnNumberToName(len(header))
	if err := f.AutoFilter(name, fmt.Sprintf("A1:%s%d", last, max(2, w.row-1)), nil); err != nil {
		return err
	}
	return f.SetPanes(name, &excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"})
}

func casesHeader(form reviewform.Form) []string {
	h := []string{"Case", "Strands", "Offence", "Outcome", "Finding", "Rationale"}
	for _, q := range form.Questions {
		h = append(h, q.Text)
	}
	return append(h, "Reviews returned", "Not returned", "Excused", "Members' good practice", "Members' concerns", "Carried forward")
}

func caseRow(form reviewform.Form, c MinutesCase) []any {
	row := []any{c.Reference, c.Strands, c.Offence, c.Outcome, c.Finding, c.Rationale}
	for _, q := range form.Questions {
		var parts []string
		for _, r := range form.Ratings {
			parts = append(parts, fmt.Sprintf("%s %d", r.Label, c.RatingCounts[q.Key][r.Key]))
		}
		row = append(row, strings.Join(parts, " · "))
	}
	return append(row, c.Submitted, c.NotSubmitted, c.Excused, strings.Join(c.GoodPractice, "\n"), strings.Join(c.Concerns, "\n"), yesNo(c.CarriedForward))
}

func selectionSheet(f *excelize.File, st styles, s SelectionRecord) error {
	if _, err := f.NewSheet(SelectionSheet); err != nil {
		return err
	}
	w := &writer{f: f, sheet: SelectionSheet, row: 1}
	w.widths(map[string]float64{"A": 34, "B": 16, "C": 16, "D": 16})
	w.line(st.title, "How the cases were selected")
	w.merged("A", "D", "Cases were drawn at random within each strand from every eligible case, using the seed below. "+
		"Anyone with the recorded eligible cases can repeat the draw and get the same cases.", st.wrap, 100)
	w.line(0, "Seed", fmt.Sprint(s.Seed))
	w.line(0, "Finalised between", UKDate(s.WindowStart)+" and "+UKDate(s.WindowEnd))
	w.row++
	w.line(st.heading, "Strand", "Eligible", "Quota", "Shortfall")
	strata := append([]Stratum(nil), s.Strata...)
	sort.Slice(strata, func(i, j int) bool { return strata[i].Strand < strata[j].Strand })
	for _, x := range strata {
		w.line(0, x.Strand, x.Eligible, x.Quota, x.Shortfall)
	}
	w.row++
	w.line(0, "Cases withdrawn at the coordinator's check", s.Withdrawn)
	w.line(0, "Reserves used", s.ReservesUsed)
	w.line(0, "Cases carried forward from the last cycle", s.CarriedForward)
	return w.err
}

// KeyMessages is the public summary of a meeting: learning only, no case
// detail.
type KeyMessages struct {
	PanelName      string
	AreaName       string
	Meeting        time.Time
	CasesReviewed  int
	LearningPoints []LearningPoint
}

// BuildKeyMessages writes the public key messages. Counts are suppressed
// below 5, and nothing about any case — reference, offence, outcome — is
// included.
func BuildKeyMessages(k KeyMessages) ([]byte, error) {
	f := excelize.NewFile()
	defer f.Close()
	st, err := newStyles(f)
	if err != nil {
		return nil, err
	}
	if err := f.SetSheetName("Sheet1", "Key messages"); err != nil {
		return nil, err
	}
	w := &writer{f: f, sheet: "Key messages", row: 1}
	w.widths(map[string]float64{"A": 30, "B": 90})
	w.line(st.title, "Key messages: "+k.PanelName, "")
	w.line(0, "Area", k.AreaName)
	w.line(0, "Meeting", k.Meeting.In(london).Format("January 2006"))
	w.line(0, "Cases reviewed", SuppressSmall(k.CasesReviewed))
	w.row++
	for _, tag := range []string{"prosecution", "police", "partners"} {
		var learning, good []string
		for _, l := range k.LearningPoints {
			if l.Tag != tag {
				continue
			}
			if l.GoodPractice {
				good = append(good, l.Text)
			} else {
				learning = append(learning, l.Text)
			}
		}
		if len(learning)+len(good) == 0 {
			continue
		}
		w.line(st.heading, "For the "+strings.ToLower(tagLabels[tag]), "")
		for _, t := range good {
			w.set("A", "Good practice", st.label)
			w.merged("B", "B", t, st.wrap, 90)
		}
		for _, t := range learning {
			w.set("A", "Learning", st.label)
			w.merged("B", "B", t, st.wrap, 90)
		}
		w.row++
	}
	if w.err != nil {
		return nil, w.err
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
