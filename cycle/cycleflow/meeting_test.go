package cycleflow_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/lsip/scrutiny/testenv/flowtest"

	"github.com/lsip/scrutiny/cycle"
	"github.com/lsip/scrutiny/outbox"
)

func TestMeetingInvitesAreSentOncePerVersion(t *testing.T) {
	f := newFlow(t)
	if again := f.saveMeeting(t, cycle.Meeting{Start: meetingAt, End: meetingAt.Add(2 * time.Hour), Location: "CPS office, Cardiff"}); again.Sequence != 0 {
		t.Errorf("saving an unchanged meeting raised the sequence to %d", again.Sequence)
	}
	invites, err := flowtest.Run[[]outbox.Ref](t, f.acts, f.acts.QueueInvites, f.cycleID, false)
	if err != nil {
		t.Fatal(err)
	}
	if got := refs(invites); !slices.Equal(got, []int64{f.aled, f.bea, f.carys}) {
		t.Fatalf("invites went to %v, want every active member (Aled, Bea, Carys)", got)
	}
	again, _ := flowtest.Run[[]outbox.Ref](t, f.acts, f.acts.QueueInvites, f.cycleID, false)
	if !slices.Equal(again, invites) {
		t.Errorf("a retry queued different invites: %v then %v", invites, again)
	}
	e := f.outbox(t, invites[0].OutboxID)
	if e.Key != fmt.Sprintf("invite/%d/%d/0", f.cycleID, f.aled) || e.ToAddress != "aled@example.org" {
		t.Errorf("invite row %s to %s", e.Key, e.ToAddress)
	}
	uid := fmt.Sprintf("UID:cycle-%d@scrutiny", f.cycleID)
	for _, want := range []string{"METHOD:REQUEST", uid, "SEQUENCE:0", "DTSTART:20270112T180000Z", `ORGANIZER;CN="Cath Coordinator":mailto:cath@example.org`} {
		if !strings.Contains(e.CalendarICS, want) {
			t.Errorf("invite ICS lacks %q:\n%s", want, e.CalendarICS)
		}
	}
	for _, want := range []string{"Tuesday 12 January 2027, 18:00 GMT to 20:00 GMT", "CPS office, Cardiff", "https://lsip.example/m/", "apologies"} {
		if !strings.Contains(e.BodyText, want) {
			t.Errorf("invite body lacks %q:\n%s", want, e.BodyText)
		}
	}

	// Moving the meeting into summer time sends a new version, in BST.
	summer := time.Date(2027, 6, 15, 17, 0, 0, 0, time.UTC)
	if moved := f.saveMeeting(t, cycle.Meeting{Start: summer, End: summer.Add(2 * time.Hour), OnlineLink: "https://meet.example/lsip"}); moved.Sequence != 1 {
		t.Errorf("a moved meeting has sequence %d, want 1", moved.Sequence)
	}
	moved, _ := flowtest.Run[[]outbox.Ref](t, f.acts, f.acts.QueueInvites, f.cycleID, false)
	e = f.outbox(t, moved[0].OutboxID)
	if e.ID == invites[0].OutboxID || !strings.Contains(e.CalendarICS, "SEQUENCE:1") || !strings.Contains(e.CalendarICS, uid) {
		t.Errorf("the changed invite: row %d, ICS\n%s", e.ID, e.CalendarICS)
	}
	if !strings.Contains(e.BodyText, "Tuesday 15 June 2027, 18:00 BST to 20:00 BST") || !strings.Contains(e.Subject, "changed") {
		t.Errorf("the changed invite reads:\n%s\n\n%s", e.Subject, e.BodyText)
	}
	if n := f.count(t, `SELECT count(*) FROM outbox WHERE message_key LIKE 'invite/%'`); n != 6 {
		t.Errorf("%d invites queued, want 3 members × 2 versions", n)
	}
}
