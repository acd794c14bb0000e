package workbook

import (
	"time"

	"github.com/lsip/scrutiny/uktime"
)

// CommunityUpdate is the "you said, we did" update for an Area's community
// groups, as they read it: every text is ready to show, every count goes
// out through SuppressSmall, and nothing in it names a person or a case.
// The workbook and the HTML page are both built from it.
type CommunityUpdate struct {
	AreaName      string
	From, To      time.Time
	Cases         Count
	CasesByStrand []Count
	Learning      []CommunityTheme
	Actions       []CommunityAction
}

// Count is a labelled figure for the public.
type Count struct {
	Label string
	N     int
}

// Shown is the figure as the public sees it: "fewer than 5" under 5.
func (c Count) Shown() string { return SuppressSmall(c.N) }

// CommunityTheme is a learning theme with what the panels said under it.
type CommunityTheme struct {
	Label        string
	GoodPractice []string
	Learning     []string
}

// CommunityAction is one action and the organisation's answer, in words:
// Status such as "Completed", Response such as "Accepted", empty when none
// is recorded yet.
type CommunityAction struct {
	Description, Status, Response, Rationale, CompletionNote string
}

// Period is the update's period as people write it: "1 January 2026 to
// 30 June 2026".
func (u CommunityUpdate) Period() string { return uktime.Date(u.From) + " to " + uktime.Date(u.To) }

// CommunityUpdateSheet is the community update workbook's only sheet.
const CommunityUpdateSheet = "You said, we did"

// Headings of the community update's sections, the same in the workbook
// and on the page.
const (
	CommunityCasesHeading    = "Cases reviewed"
	CommunityLearningHeading = "What the panels told us"
	CommunityActionsHeading  = "What we did"
)

// BuildCommunityUpdate writes the update on one printable sheet: the Area
// and period, the cases reviewed by strand (through SuppressSmall), the
// learning by theme, and each action with the response. Every value is a
// text cell written by writer, so no typed text can become a formula.
func BuildCommunityUpdate(u CommunityUpdate) ([]byte, error) {
	f, st, err := newBook(CommunityUpdateSheet)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	w := &writer{f: f, sheet: CommunityUpdateSheet, row: 1}
	w.widths(30, 90)
	w.line(st.title, "You said, we did: "+u.AreaName)
	w.row++
	for _, kv := range [][2]string{{"Area", u.AreaName}, {"Period", u.Period()}, {"Cases reviewed", u.Cases.Shown()}} {
		w.set("A", kv[0], st.label)
		w.set("B", kv[1], st.wrap)
		w.row++
	}
	w.row++
	w.long("A", "B", "Local scrutiny and involvement panels are members of the community who look at a random selection of finished hate crime "+
		"and violence against women and girls cases, to help the Crown Prosecution Service learn and improve. This update says what they told us "+
		"and what we did about it. To protect the people involved, it says nothing about any single case, and numbers under 5 are shown as \"fewer than 5\".", st.wrap)
	w.row++
	w.line(st.heading, CommunityCasesHeading, "")
	for _, c := range u.CasesByStrand {
		w.set("A", c.Label, st.label)
		w.set("B", c.Shown(), st.wrap)
		w.row++
	}
	w.row++
	w.line(st.heading, CommunityLearningHeading, "")
	if len(u.Learning) == 0 {
		w.long("A", "B", "No learning was recorded in this period.", st.wrap)
	}
	for _, th := range u.Learning {
		w.line(st.label, th.Label, "")
		for _, t := range th.GoodPractice {
			w.set("A", "Good practice", st.wrap)
			w.long("B", "B", t, st.wrap)
		}
		for _, t := range th.Learning {
			w.set("A", "Learning", st.wrap)
			w.long("B", "B", t, st.wrap)
		}
	}
	w.row++
	w.line(st.heading, CommunityActionsHeading, "")
	if len(u.Actions) == 0 {
		w.long("A", "B", "No actions were raised or completed in this period.", st.wrap)
	}
	for _, a := range u.Actions {
		w.set("A", "Action", st.label)
		w.long("B", "B", a.Description, st.wrap)
		for _, kv := range [][2]string{{"Where it stands", a.Status}, {"Our response", a.Response}, {"Why", a.Rationale}, {"What we did", a.CompletionNote}} {
			if kv[1] != "" {
				w.set("A", kv[0], st.wrap)
				w.long("B", "B", kv[1], st.wrap)
			}
		}
		w.row++
	}
	if w.err != nil {
		return nil, w.err
	}
	if err := printSetup(f, CommunityUpdateSheet, printing{title: "You said, we did: " + u.AreaName + ", " + u.Period(), columns: 2}); err != nil {
		return nil, err
	}
	return save(f)
}
