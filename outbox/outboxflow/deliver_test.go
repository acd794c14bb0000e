package outboxflow_test

import (
	"context"
	"strings"
	"testing"

	"github.com/lsip/scrutiny/outbox/outboxflow"

	"github.com/lsip/scrutiny/testenv/flowtest"

	"github.com/lsip/scrutiny/domain"
	"github.com/lsip/scrutiny/store"
	"github.com/lsip/scrutiny/testenv"
)

// addMember inserts a panel in Wales and one member, returning the member.
func addMember(t *testing.T, st *store.Store, email string) int64 {
	t.Helper()
	ctx := context.Background()
	var panelID, memberID int64
	err := testenv.SQL(t, st).QueryRow(ctx, `INSERT INTO panels (area_id, name, covers) SELECT id, 'Test panel '||md5(random()::text), 'both' FROM areas WHERE code = 'wales' RETURNING id`).Scan(&panelID)
	if err != nil {
		t.Fatal(err)
	}
	err = testenv.SQL(t, st).QueryRow(ctx, `INSERT INTO members (panel_id, name, email, role, confidentiality_signed_on) VALUES ($1, 'Aled', $2, 'member', now()) RETURNING id`, panelID, email).Scan(&memberID)
	if err != nil {
		t.Fatal(err)
	}
	return memberID
}

func TestDeliverMailSendsOnceAndMarksBounces(t *testing.T) {
	st := testenv.DB(t)
	catcher, m := testenv.SMTP(t, func(rcpt string) bool { return strings.HasPrefix(rcpt, "gone@") })
	acts := &outboxflow.Activities{Store: st, Mailer: m}
	ctx := context.Background()

	member := addMember(t, st, "aled@example.org")
	id, err := st.EnqueueMail(ctx, store.Mail{Key: "pack/1/1", ToAddress: "aled@example.org", MemberID: &member, Subject: "Your pack", BodyText: "Hello"})
	if err != nil {
		t.Fatal(err)
	}
	again, err := st.EnqueueMail(ctx, store.Mail{Key: "pack/1/1", ToAddress: "aled@example.org", MemberID: &member, Subject: "Your pack", BodyText: "Hello"})
	if err != nil || again != id {
		t.Fatalf("enqueueing the same key twice gave rows %d and %d (%v)", id, again, err)
	}
	for range 2 { // a retried activity
		res, err := flowtest.Run[domain.MailStatus](t, acts, acts.DeliverMail, id)
		if err != nil || res != domain.MailSent {
			t.Fatalf("DeliverMail = %q, %v", res, err)
		}
	}
	if n := len(catcher.Messages()); n != 1 {
		t.Fatalf("%d messages arrived, want exactly 1", n)
	}

	gone := addMember(t, st, "gone@example.org")
	bounceID, _ := st.EnqueueMail(ctx, store.Mail{Key: "pack/1/2", ToAddress: "gone@example.org", MemberID: &gone, Subject: "Your pack", BodyText: "Hello"})
	if res, err := flowtest.Run[domain.MailStatus](t, acts, acts.DeliverMail, bounceID); err != nil || res != domain.MailBounced {
		t.Fatalf("bounce: %q, %v", res, err)
	}
	if unreachable, _ := st.MemberUnreachable(ctx, gone); !unreachable {
		t.Error("a bounced member was not marked unreachable")
	}
	nextID, _ := st.EnqueueMail(ctx, store.Mail{Key: "reminder/1/2", ToAddress: "gone@example.org", MemberID: &gone, Subject: "Reminder", BodyText: "Hello"})
	if res, err := flowtest.Run[domain.MailStatus](t, acts, acts.DeliverMail, nextID); err != nil || res != domain.MailHeld {
		t.Fatalf("mail to an unreachable member: %q, %v; want held", res, err)
	}
	entry, _ := st.OutboxByID(ctx, nextID)
	if entry.Status != "held" || entry.LastError == "" {
		t.Errorf("held mail must stay visible with a reason: %+v", entry)
	}
}
