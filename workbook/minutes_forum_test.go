package workbook

import (
	"slices"
	"strings"
	"testing"
	"time"
)

// TestForumMinutesHaveAgendaAndKeyMessagesAndNoCases: a forum's minutes
// open, carry the agenda with each item's discussion, the key messages and
// the actions, and have no case, declaration or selection sheet.
func TestForumMinutesHaveAgendaAndKeyMessagesAndNoCases(t *testing.T) {
	data, err := BuildForumMinutes(ForumMinutes{PanelName: "Community Accountability Forum", AreaName: "Wales", CycleRef: "cycle-9",
		Meeting: meeting, Status: "DRAFT: for the chair's approval",
		Attendance: []Attendee{{"Aled Jones", "member", "present", "attending"}, {"Cai Evans", "member", "apologies", "apologies"}},
		Agenda: []AgendaItem{{Title: "Hate crime reporting in schools", Lead: "Youth officer", Minutes: 30, Notes: "Schools asked for a guide."},
			{Title: "Any other business"}},
		KeyMessages: []LearningPoint{{Text: "Schools want a simple way to report", Tag: "partners"}},
		Actions: []ActionRow{{Reference: "A-7", Description: "Publish a schools reporting guide", Owner: "Area lead", Manager: "DCCP",
			Audience: "partners", Due: time.Date(2027, 4, 30, 0, 0, 0, 0, time.UTC)}},
	})
	if err != nil {
		t.Fatal(err)
	}
	f := open(t, data)
	sheets := f.GetSheetList()
	want := []string{SummarySheet, AttendanceSheet, AgendaSheet, ForumKeyMessagesSheet, ActionsSheet, MattersArisingSheet}
	if !slices.Equal(sheets, want) {
		t.Errorf("sheets %v, want %v", sheets, want)
	}
	for _, caseSheet := range []string{CasesSheet, DeclarationsSheet, SelectionSheet} {
		if slices.Contains(sheets, caseSheet) {
			t.Errorf("a forum's minutes have the %q sheet", caseSheet)
		}
	}
	rows, err := f.GetRows(AgendaSheet)
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 3 || strings.Join(rows[1], "|") != "1|Hate crime reporting in schools|Youth officer|30|Schools asked for a guide." {
		t.Errorf("agenda sheet: %q", rows)
	}
	rows, err = f.GetRows(ForumKeyMessagesSheet)
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 2 || !slices.Contains(rows[1], "Schools want a simple way to report") {
		t.Errorf("key messages sheet: %q", rows)
	}
	summary, err := f.GetRows(SummarySheet)
	if err != nil {
		t.Fatal(err)
	}
	var text []string
	for _, r := range summary {
		text = append(text, strings.Join(r, "|"))
	}
	for _, s := range []string{"DRAFT", "Agenda items|2", "Key messages|1", "Actions agreed|1", "2|Any other business"} {
		if !slices.Contains(text, s) {
			t.Errorf("summary lacks %q:\n%s", s, strings.Join(text, "\n"))
		}
	}
}

// TestForumKeyMessagesCountNoCases: a forum's public key messages carry
// its key messages and no count of cases reviewed.
func TestForumKeyMessagesCountNoCases(t *testing.T) {
	data, err := BuildForumKeyMessages(KeyMessages{PanelName: "Community Accountability Forum", AreaName: "Wales", Meeting: meeting,
		LearningPoints: []LearningPoint{{Text: "Schools want a simple way to report", Tag: "partners"}}})
	if err != nil {
		t.Fatal(err)
	}
	rows, err := open(t, data).GetRows(KeyMessagesSheet)
	if err != nil {
		t.Fatal(err)
	}
	var text []string
	for _, r := range rows {
		text = append(text, strings.Join(r, "|"))
	}
	all := strings.Join(text, "\n")
	if !strings.Contains(all, "Schools want a simple way to report") || strings.Contains(all, "Cases reviewed") {
		t.Errorf("forum key messages:\n%s", all)
	}
}
