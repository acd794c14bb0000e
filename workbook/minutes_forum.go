package workbook

import (
	"fmt"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/lsip/scrutiny/domain"
	"github.com/lsip/scrutiny/uktime"
)

// ForumMinutes is the record of a forum's meeting. A forum reviews no
// cases, so its minutes have no case, declaration or selection sheet:
// attendance, the agenda with each item's discussion, the key messages
// (the meeting's learning points) and the actions agreed.
type ForumMinutes struct {
	PanelName      string
	AreaName       string
	CycleRef       string
	Meeting        time.Time
	Status         string // "DRAFT…" until the chair approves, then "Issued <date>…"
	Attendance     []Attendee
	Agenda         []AgendaItem
	KeyMessages    []LearningPoint
	Actions        []ActionRow
	MattersArising []ActionItem
}

// AgendaItem is one item of a forum's agenda and the notes of its
// discussion.
type AgendaItem struct {
	Title, Lead string
	Minutes     int
	Notes       string
}

// Forum minutes' own sheet names; attendance, actions and matters arising
// are named as a panel's.
const (
	AgendaSheet           = "Agenda and discussion"
	ForumKeyMessagesSheet = "Key messages"
)

// BuildForumMinutes writes a forum's minutes workbook: a summary, then a
// sheet each for attendance, the agenda and its discussion, the key
// messages, the actions agreed and matters arising. A draft says DRAFT at
// the top of the summary and of every printed page.
func BuildForumMinutes(m ForumMinutes) ([]byte, error) {
	f, st, err := newBook(SummarySheet)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	header := `&C&"-,Bold"CONFIDENTIAL: forum members and the prosecution service only`
	if IsDraft(m.Status) {
		header = `&C&"-,Bold"&16DRAFT: not yet approved by the chair`
	}
	pr := printing{landscape: true, title: "Minutes: " + m.PanelName + ", meeting " + uktime.Date(m.Meeting), marking: header, pagesWide: 1}
	if err := forumSummarySheet(f, st, m, pr); err != nil {
		return nil, fmt.Errorf("summary: %w", err)
	}
	const text, date = false, true
	sheets := []struct {
		name    string
		columns []column
		rows    [][]any
	}{
		{AttendanceSheet, []column{{"Name", 30, text}, {"Role", 18, text}, {"Attendance", 16, text}, {"Replied to the invitation", 26, text}},
			rowsOf(m.Attendance, func(a Attendee) []any { return []any{a.Name, humanise(a.Role), humanise(a.Status), rsvpLabel(a.RSVP)} })},
		{AgendaSheet, []column{{"Item", 8, text}, {"Title", 40, text}, {"Led by", 22, text}, {"Minutes", 10, text}, {"Discussion", 80, text}},
			rowsOf(numbered(m.Agenda), func(it numberedItem) []any {
				return []any{it.n, it.Title, it.Lead, it.Minutes, it.Notes}
			})},
		{ForumKeyMessagesSheet, []column{{"For", 24, text}, {"Key message", 80, text}, {"Good practice", 14, text}},
			rowsOf(m.KeyMessages, func(l LearningPoint) []any { return []any{audienceLabel(l.Tag), l.Text, yesNo(l.GoodPractice)} })},
		{ActionsSheet, []column{{"Action", 12, text}, {"What was agreed", 60, text}, {"Owner", 22, text}, {"Manager", 22, text}, {"For", 22, text}, {"Due", 18, date}},
			rowsOf(m.Actions, func(a ActionRow) []any {
				return []any{a.Reference, a.Description, a.Owner, a.Manager, audienceLabel(a.Audience), excelDate(a.Due)}
			})},
		{MattersArisingSheet, []column{{"Action", 12, text}, {"What was agreed", 50, text}, {"Owner", 22, text}, {"Status", 14, text}, {"Response", 50, text}, {"Due", 18, date}},
			rowsOf(m.MattersArising, func(a ActionItem) []any {
				return []any{a.Reference, a.Description, a.Owner, humanise(domain.ActionStatus(a.Status).Label()), a.Response, excelDate(a.Due)}
			})},
	}
	for _, sh := range sheets {
		if err := table(f, st, sh.name, sh.columns, sh.rows, pr); err != nil {
			return nil, fmt.Errorf("sheet %s: %w", sh.name, err)
		}
	}
	return save(f)
}

// numberedItem is an agenda item with its number, counted from 1.
type numberedItem struct {
	AgendaItem
	n int
}

func numbered(items []AgendaItem) []numberedItem {
	out := make([]numberedItem, len(items))
	for i, it := range items {
		out[i] = numberedItem{it, i + 1}
	}
	return out
}

// forumSummarySheet is the forum's first sheet: the meeting, who came, the
// agenda's titles and the key messages, so the summary reads on its own.
func forumSummarySheet(f *excelize.File, st styles, m ForumMinutes, pr printing) error {
	w := newWriter(f, SummarySheet)
	summaryHead(w, st, m.Status, m.PanelName, []fact{
		{"Area", m.AreaName},
		{"Meeting cycle", m.CycleRef},
		{"Meeting", uktime.Time(m.Meeting)},
		{"People present", presentCount(m.Attendance)},
		{"Agenda items", len(m.Agenda)},
		{"Key messages", len(m.KeyMessages)},
		{"Actions agreed", len(m.Actions)},
	})
	if len(m.Agenda) > 0 {
		w.row++
		w.line(st.heading, "Item", "Agenda")
		for i, it := range m.Agenda {
			w.set("A", i+1, st.wrap)
			w.set("B", it.Title, st.wrap)
			w.row++
		}
	}
	if len(m.KeyMessages) > 0 {
		w.row++
		w.line(st.heading, "For", "Key message")
		for _, k := range m.KeyMessages {
			w.set("A", audienceLabel(k.Tag), st.wrap)
			w.set("B", k.Text, st.wrap)
			w.row++
		}
	}
	w.row++
	w.long("A", "B", "Confidential: for forum members and the prosecution service. The public key messages are a separate document.", st.wrap)
	if w.err != nil {
		return w.err
	}
	pr.columns = 2
	return printSetup(f, SummarySheet, pr)
}

// BuildForumKeyMessages writes a forum's public key messages: the forum,
// the Area, the month of the meeting and its key messages grouped by who
// they are for. A forum reviews no cases, so unlike a panel's there is no
// count of cases; any case reference quoted is still replaced by "a case".
func BuildForumKeyMessages(k KeyMessages) ([]byte, error) {
	f, st, err := newBook(KeyMessagesSheet)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	month := k.Meeting.In(uktime.London).Format("January 2006")
	w := newWriter(f, KeyMessagesSheet)
	w.widths(30, 90)
	w.line(st.title, "Key messages: "+k.PanelName)
	w.row++
	for _, kv := range [][2]string{{"Area", k.AreaName}, {"Meeting", month}} {
		w.set("A", kv[0], st.label)
		w.set("B", kv[1], st.wrap)
		w.row++
	}
	w.row++
	w.long("A", "B", "The "+k.PanelName+" is a forum of members of the community who meet the Crown Prosecution Service to discuss its work "+
		"and agree what should be done. These are the key messages of its meeting.", st.wrap)
	w.row++
	redact := redactor(k.LearningPoints)
	for _, tag := range tagsInOrder(k.LearningPoints) {
		w.line(st.heading, "For the "+strings.ToLower(audienceLabel(tag)), "")
		for _, l := range k.LearningPoints {
			if l.Tag == tag {
				w.long("B", "B", redact(l.Text), st.wrap)
			}
		}
		w.row++
	}
	if w.err != nil {
		return nil, w.err
	}
	if err := printSetup(f, KeyMessagesSheet, printing{title: "Key messages: " + k.PanelName + ", " + month, columns: 2}); err != nil {
		return nil, err
	}
	return save(f)
}
