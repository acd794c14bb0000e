package cycleflow_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/lsip/scrutiny/cycle"
	"github.com/lsip/scrutiny/cycle/cycleflow"
	"github.com/lsip/scrutiny/i18n"
	"github.com/lsip/scrutiny/outbox"
	"github.com/lsip/scrutiny/testenv/flowtest"
)

// TestAWelshMemberGetsAWelshForumInvitation: a forum's invitation to a
// member who prefers Welsh is worded in Welsh, agenda included, and still
// carries the calendar invitation. (mailtext's tests cover the bilingual
// form.)
func TestAWelshMemberGetsAWelshForumInvitation(t *testing.T) {
	w := newWorld(t)
	w.exec(t, `UPDATE panels SET kind = 'forum' WHERE id = $1`, w.panelID)
	aled := w.member(t, "Aled", "member", true)
	w.exec(t, `UPDATE members SET language = 'cy' WHERE id = $1`, aled)
	cycleID := w.newCycle(t, "forum", nil, nil)
	agenda := []cycle.AgendaItem{{Title: "Adrodd mewn ysgolion", Lead: "Youth officer", Minutes: 30}}
	if err := runErr(t, w.acts, w.acts.SaveAgenda, cycleflow.AgendaInput{CycleID: cycleID, Items: agenda, By: "cath"}); err != nil {
		t.Fatal(err)
	}
	if _, err := flowtest.Run[cycleflow.SavedMeeting](t, w.acts, w.acts.SaveMeeting, cycleID,
		cycle.Meeting{Start: meetingAt, End: meetingAt.Add(2 * time.Hour), Location: "Cardiff library"}); err != nil {
		t.Fatal(err)
	}
	refs, err := flowtest.Run[[]outbox.Ref](t, w.acts, w.acts.QueueForumInvites, cycleID, false)
	if err != nil || len(refs) != 1 {
		t.Fatalf("invitations: %+v, %v", refs, err)
	}
	mail, err := w.st.OutboxByID(context.Background(), refs[0].OutboxID)
	if err != nil {
		t.Fatal(err)
	}
	subject, body, ics := mail.Subject, mail.BodyText, mail.CalendarICS
	if !strings.HasPrefix(subject, "Gwahoddiad i gyfarfod: ") || !strings.HasPrefix(body, "Annwyl Aled,") ||
		!strings.Contains(body, "1. Adrodd mewn ysgolion (dan arweiniad Youth officer), 30 munud") || !strings.Contains(body, "Ble: Cardiff library") ||
		strings.Contains(body, "Dear ") || i18n.Missing(subject+body) {
		t.Errorf("Welsh forum invitation:\n%s\n\n%s", subject, body)
	}
	if !strings.Contains(ics, "METHOD:REQUEST") {
		t.Errorf("the Welsh invitation lost its calendar invitation:\n%s", ics)
	}
}
