package cycleflow_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/lsip/scrutiny/cycle"
	"github.com/lsip/scrutiny/cycle/cycleflow"
	"github.com/lsip/scrutiny/outbox"
	"github.com/lsip/scrutiny/testenv/flowtest"
	"github.com/lsip/scrutiny/workbook"
)

// TestForumActivitiesOnPostgres: a forum's agenda is stored with its
// cycle; its invitation lists the agenda, says nothing of packs or reviews
// and carries the calendar invitation; the notes of an item, attendance
// and a key message reach the minutes, which have an agenda sheet and no
// case sheet; issuing them makes the public key messages.
func TestForumActivitiesOnPostgres(t *testing.T) {
	w := newWorld(t)
	w.exec(t, `UPDATE panels SET kind = 'forum' WHERE id = $1`, w.panelID)
	aled := w.member(t, "Aled", "member", true)
	cycleID := w.newCycle(t, "forum", nil, nil)
	agenda := []cycle.AgendaItem{{Title: "  Hate crime reporting in schools ", Lead: "Youth officer", Minutes: 30}, {Title: "Any other business"}}
	if err := runErr(t, w.acts, w.acts.SaveAgenda, cycleflow.AgendaInput{CycleID: cycleID, Items: agenda, By: "cath"}); err != nil {
		t.Fatal(err)
	}
	if _, err := flowtest.Run[cycleflow.SavedMeeting](t, w.acts, w.acts.SaveMeeting, cycleID,
		cycle.Meeting{Start: meetingAt, End: meetingAt.Add(2 * time.Hour), Location: "Cardiff library"}); err != nil {
		t.Fatal(err)
	}
	refs, err := flowtest.Run[[]outbox.Ref](t, w.acts, w.acts.QueueForumInvites, cycleID, false)
	if err != nil {
		t.Fatal(err)
	}
	if len(refs) != 1 || refs[0].MemberID != aled {
		t.Fatalf("invitations: %+v", refs)
	}
	ctx := context.Background()
	mail, err := w.st.OutboxByID(ctx, refs[0].OutboxID)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"1. Hate crime reporting in schools (led by Youth officer), 30 minutes", "2. Any other business", "Where: Cardiff library"} {
		if !strings.Contains(mail.BodyText, want) {
			t.Errorf("invitation lacks %q:\n%s", want, mail.BodyText)
		}
	}
	if strings.Contains(mail.BodyText, "pack") || strings.Contains(mail.BodyText, "review") {
		t.Errorf("a forum's invitation speaks of packs or reviews:\n%s", mail.BodyText)
	}
	if !strings.Contains(mail.CalendarICS, "METHOD:REQUEST") || !strings.Contains(mail.CalendarICS, "Hate crime reporting in schools") {
		t.Errorf("calendar invitation:\n%s", mail.CalendarICS)
	}

	if err := runErr(t, w.acts, w.acts.RecordAttendance, cycle.Attendance{CycleID: cycleID, Status: map[int64]string{aled: "present"}}); err != nil {
		t.Fatal(err)
	}
	if err := runErr(t, w.acts, w.acts.SaveAgendaNotes, cycleflow.AgendaNotesInput{CycleID: cycleID,
		AgendaNotes: cycle.AgendaNotes{Item: 1, Notes: "Schools asked for a guide.", By: "cath"}}); err != nil {
		t.Fatal(err)
	}
	if err := runErr(t, w.acts, w.acts.SaveAgendaNotes, cycleflow.AgendaNotesInput{CycleID: cycleID,
		AgendaNotes: cycle.AgendaNotes{Item: 9, Notes: "no such item"}}); err == nil || !strings.Contains(err.Error(), "item 9 is not on the agenda") {
		t.Errorf("notes of a missing item: %v", err)
	}
	if _, err := flowtest.Run[int64](t, w.acts, w.acts.AddLearningPoint, cycle.LearningPoint{CycleID: cycleID, Text: "Schools want a simple way to report", Tag: "partners"}); err != nil {
		t.Fatal(err)
	}
	draftID, err := flowtest.Run[int64](t, w.acts, w.acts.DraftMinutes, cycleID)
	if err != nil {
		t.Fatal(err)
	}
	draft, err := w.st.FileByID(ctx, draftID)
	if err != nil {
		t.Fatal(err)
	}
	text := workbookText(t, draft.Content)
	for _, want := range []string{workbook.AgendaSheet, "Hate crime reporting in schools", "Schools asked for a guide.", "Schools want a simple way to report", "Aled"} {
		if !strings.Contains(text, want) {
			t.Errorf("draft minutes lack %q", want)
		}
	}
	if strings.Contains(text, "# "+workbook.CasesSheet+"\n") || strings.Contains(text, workbook.SelectionSheet) {
		t.Errorf("a forum's minutes have a case sheet:\n%s", text)
	}
	if _, err := flowtest.Run[cycleflow.IssuedMinutes](t, w.acts, w.acts.IssueMinutes, cycleID, "chair@example.org"); err != nil {
		t.Fatal(err)
	}
	if n := w.count(t, `SELECT count(*) FROM files WHERE cycle_id = $1 AND kind = 'key_messages'`, cycleID); n != 1 {
		t.Errorf("key messages files: %d, want 1", n)
	}
}
