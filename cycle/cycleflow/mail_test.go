package cycleflow_test

import (
	"strings"
	"testing"
	"time"

	"github.com/lsip/scrutiny/cycle"
	"github.com/lsip/scrutiny/devstack/mailcatcher"
	"github.com/lsip/scrutiny/domain"
	"github.com/lsip/scrutiny/outbox"
	"github.com/lsip/scrutiny/outbox/outboxflow"
	"github.com/lsip/scrutiny/testenv"
	"github.com/lsip/scrutiny/testenv/flowtest"
)

// TestCycleEmailsArriveReadableWithReplyTo: what reaches the SMTP server
// for a pack and a changed meeting has a text part and an HTML part for a
// phone with the personal link clickable, a Reply-To that reaches the
// coordinator, a pack subject naming the meeting date, and, for the
// changed meeting, the new review deadline.
func TestCycleEmailsArriveReadableWithReplyTo(t *testing.T) {
	f := newFlow(t)
	catcher, sender := testenv.SMTP(t, nil)
	delivery := &outboxflow.Activities{Store: f.st, Mailer: sender}
	deliver := func(ref outbox.Ref) *mailcatcher.Message {
		t.Helper()
		catcher.Clear()
		if status, err := flowtest.Run[domain.MailStatus](t, delivery, delivery.DeliverMail, ref.OutboxID); err != nil || status != domain.MailSent {
			t.Fatalf("deliver outbox %d: %s, %v", ref.OutboxID, status, err)
		}
		got, err := catcher.Wait(t.Context(), 1, nil)
		if err != nil {
			t.Fatal(err)
		}
		return got[0]
	}
	readable := func(what string, m *mailcatcher.Message) {
		t.Helper()
		if got := m.Header.Get("Reply-To"); !strings.Contains(got, "cath@example.org") {
			t.Errorf("%s: Reply-To %q, want the coordinator", what, got)
		}
		if m.Text == "" || !strings.Contains(m.HTML, `name="viewport"`) || !strings.Contains(m.HTML, `<a href="https://lsip.example/m/`) {
			t.Errorf("%s: text %d bytes; HTML without a viewport or a clickable personal link:\n%s", what, len(m.Text), m.HTML)
		}
		if !strings.Contains(string(m.Raw), "multipart/alternative") {
			t.Errorf("%s: no multipart/alternative body", what)
		}
	}

	pack := deliver(f.pack(t, f.aled).Mail)
	readable("pack", pack)
	if !strings.Contains(pack.Subject, "12 January 2027") {
		t.Errorf("pack subject %q does not name the meeting date", pack.Subject)
	}

	summer := time.Date(2027, 6, 15, 17, 0, 0, 0, time.UTC)
	f.saveMeeting(t, cycle.Meeting{Start: summer, End: summer.Add(2 * time.Hour), Location: "CPS office, Cardiff"})
	moved, err := flowtest.Run[[]outbox.Ref](t, f.acts, f.acts.QueueInvites, f.cycleID, false)
	if err != nil || len(moved) == 0 {
		t.Fatalf("changed invites: %v, %v", moved, err)
	}
	changed := deliver(moved[0])
	readable("changed meeting", changed)
	for _, want := range []string{"Reviews due: Monday 14 June 2027, 18:00 BST", "by the new deadline, Monday 14 June 2027, 18:00 BST"} {
		if !strings.Contains(changed.Text, want) || !strings.Contains(changed.HTML, want) {
			t.Errorf("the changed meeting's email lacks %q:\n%s", want, changed.Text)
		}
	}
}
