package outboxflow_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/lsip/scrutiny/devstack/mailcatcher"
	"github.com/lsip/scrutiny/domain"
	"github.com/lsip/scrutiny/outbox/outboxflow"
	"github.com/lsip/scrutiny/store"
	"github.com/lsip/scrutiny/testenv"
	"github.com/lsip/scrutiny/testenv/flowtest"
)

// TestDeliverMailBatchSettlesEachRowOnItsOwn: a batch of packs goes out
// over one SMTP connection. A refused recipient bounces and a message the
// server will not take stays pending with its error, while the rest are
// sent; the activity fails so that Temporal retries it, and the retry
// sends only the row still pending, never a sent one again.
func TestDeliverMailBatchSettlesEachRowOnItsOwn(t *testing.T) {
	st := testenv.DB(t)
	ctx := context.Background()
	catcher, m, connections := testenv.SMTPCounted(t, mailcatcher.Options{
		Reject: func(rcpt string) bool { return strings.HasPrefix(rcpt, "gone@") }, MaxMessageBytes: 32 << 10})
	rows := []struct{ email, body string }{
		{"aled@example.org", "Hello"},
		{"gone@example.org", "Hello"},
		{"bea@example.org", strings.Repeat("too large ", 8<<10)},
		{"cai@example.org", "Hello"},
	}
	ids := make([]int64, len(rows))
	members := make([]int64, len(rows))
	for i, r := range rows {
		members[i] = addMember(t, st, r.email)
		id, err := st.EnqueueMail(ctx, store.Mail{Key: fmt.Sprintf("pack/5/%d", members[i]), ToAddress: r.email, MemberID: &members[i], Subject: "Your pack", BodyText: r.body})
		if err != nil {
			t.Fatal(err)
		}
		ids[i] = id
	}

	acts := &outboxflow.Activities{Store: st, Mailer: m}
	if res, err := flowtest.Run[[]domain.MailStatus](t, acts, acts.DeliverMailBatch, ids); err == nil {
		t.Fatalf("a batch with a message the server refused = %q, want an error to retry", res)
	}
	if n := connections.Load(); n != 1 {
		t.Errorf("the batch opened %d SMTP connections, want 1", n)
	}
	if n := len(catcher.Messages()); n != 2 {
		t.Errorf("%d messages arrived, want the two sendable ones", n)
	}
	want := []domain.MailStatus{domain.MailSent, domain.MailBounced, domain.MailPending, domain.MailSent}
	for i, id := range ids {
		e, err := st.OutboxByID(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		if e.Status != want[i] {
			t.Errorf("row %d (%s) is %q, want %q", i, rows[i].email, e.Status, want[i])
		}
		if want[i] == domain.MailPending && (e.LastError == "" || e.Attempts != 1) {
			t.Errorf("the refused message's row has error %q after %d attempts; want its error recorded", e.LastError, e.Attempts)
		}
	}
	if unreachable, _ := st.MemberUnreachable(ctx, members[2]); unreachable {
		t.Error("a message the server would not take marked its member unreachable")
	}

	roomy, fixed := testenv.SMTP(t, nil)
	retry := &outboxflow.Activities{Store: st, Mailer: fixed}
	res, err := flowtest.Run[[]domain.MailStatus](t, retry, retry.DeliverMailBatch, ids)
	if err != nil {
		t.Fatalf("the retry failed: %v", err)
	}
	want[2] = domain.MailSent
	if fmt.Sprint(res) != fmt.Sprint(want) {
		t.Errorf("the retry reported %q, want %q", res, want)
	}
	if got := roomy.Messages(); len(got) != 1 || got[0].EnvelopeTo[0] != "bea@example.org" {
		t.Errorf("the retry sent %d messages, want only the one still pending", len(got))
	}
}

// TestDeliverMailIsABatchOfOne: DeliverMail reports a row's own outcome,
// as the batch does for each row.
func TestDeliverMailIsABatchOfOne(t *testing.T) {
	st := testenv.DB(t)
	_, m, connections := testenv.SMTPCounted(t, mailcatcher.Options{})
	member := addMember(t, st, "dai@example.org")
	id, err := st.EnqueueMail(context.Background(), store.Mail{Key: "invite/1", ToAddress: "dai@example.org", MemberID: &member, Subject: "Invite", BodyText: "Hello"})
	if err != nil {
		t.Fatal(err)
	}
	acts := &outboxflow.Activities{Store: st, Mailer: m}
	res, err := flowtest.Run[domain.MailStatus](t, acts, acts.DeliverMail, id)
	if err != nil || res != domain.MailSent || connections.Load() != 1 {
		t.Errorf("DeliverMail = %q, %v over %d connections; want sent over 1", res, err, connections.Load())
	}
	if _, err := flowtest.Run[domain.MailStatus](t, acts, acts.DeliverMail, id); err != nil || connections.Load() != 1 {
		t.Errorf("a second delivery of a sent row = %v with %d connections; want nothing dialled", err, connections.Load())
	}
}
