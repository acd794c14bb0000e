package outboxflow

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/lsip/scrutiny/devstack/mailcatcher"
	"github.com/lsip/scrutiny/domain"
	"github.com/lsip/scrutiny/store"
	"github.com/lsip/scrutiny/testenv"
	"github.com/lsip/scrutiny/testenv/flowtest"
)

// TestDeliverMailAfterACrashMidSend: an attempt claims a row, sends it and
// dies before marking it sent. While its claim lives, another attempt
// waits rather than send; once the claim has expired, the next attempt
// sends exactly one more message, with the same Message-ID, marks the row
// sent and counts the re-send.
func TestDeliverMailAfterACrashMidSend(t *testing.T) {
	st := testenv.DB(t)
	catcher, m := testenv.SMTP(t, nil)
	ctx := context.Background()
	id, err := st.EnqueueMail(ctx, store.Mail{Key: "pack/7/3", ToAddress: "bea@example.org", Subject: "Your pack", BodyText: "Hello"})
	if err != nil {
		t.Fatal(err)
	}

	// The attempt that dies: claimed and sent, never marked.
	live := &Activities{Store: st, Mailer: m}
	crashed, err := st.ClaimOutbox(ctx, id, live.claimTTL())
	if err != nil || crashed.Resend {
		t.Fatalf("first claim: %+v, %v", crashed, err)
	}
	e, err := st.OutboxByID(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	msg, err := live.message(ctx, e)
	if err != nil {
		t.Fatal(err)
	}
	if err := m.Send(ctx, msg); err != nil {
		t.Fatal(err)
	}

	if res, err := flowtest.Run[domain.MailStatus](t, live, live.DeliverMail, id); err == nil || !strings.Contains(err.Error(), store.ErrClaimed.Error()) {
		t.Fatalf("delivery during another attempt's live claim = %q, %v; want a retryable 'another attempt' error", res, err)
	}
	if n := len(catcher.Messages()); n != 1 {
		t.Fatalf("%d messages after an attempt met a live claim, want 1", n)
	}

	after := &Activities{Store: st, Mailer: m, ClaimTTL: 50 * time.Millisecond}
	time.Sleep(150 * time.Millisecond) // past the short claim time-to-live
	res, err := flowtest.Run[domain.MailStatus](t, after, after.DeliverMail, id)
	if err != nil || res != domain.MailSent {
		t.Fatalf("delivery after the claim expired = %q, %v; want sent", res, err)
	}
	got := catcher.Messages()
	if len(got) != 2 {
		t.Fatalf("%d messages arrived, want the crashed send and exactly one re-send", len(got))
	}
	want := fmt.Sprintf("<outbox-%d.%s@scrutiny>", id, shortHash("pack/7/3"))
	for i, g := range got {
		if mid := g.Header.Get("Message-Id"); mid != want {
			t.Errorf("message %d has Message-ID %q, want %q", i, mid, want)
		}
	}
	e, _ = st.OutboxByID(ctx, id)
	if e.Status != domain.MailSent || e.Resends != 1 || e.Attempts != 2 {
		t.Errorf("row after the re-send: status %q, resends %d, attempts %d; want sent, 1, 2", e.Status, e.Resends, e.Attempts)
	}
	if err := st.MarkSent(ctx, id, crashed.Token); !errors.Is(err, store.ErrClaimLost) {
		t.Errorf("the crashed attempt's token marked the row: %v", err)
	}
	if res, err := flowtest.Run[domain.MailStatus](t, after, after.DeliverMail, id); err != nil || res != domain.MailSent || len(catcher.Messages()) != 2 {
		t.Errorf("a later retry = %q, %v with %d messages; want sent and nothing more", res, err, len(catcher.Messages()))
	}
}

// TestConcurrentDeliveriesSendOnce: several attempts on one row at once,
// each slowed in the SMTP conversation so they overlap, send one message.
func TestConcurrentDeliveriesSendOnce(t *testing.T) {
	st := testenv.DB(t)
	catcher, m := testenv.SMTP(t, func(string) bool { time.Sleep(200 * time.Millisecond); return false })
	acts := &Activities{Store: st, Mailer: m}
	id, err := st.EnqueueMail(context.Background(), store.Mail{Key: "minutes/4", ToAddress: "cai@example.org", Subject: "Minutes", BodyText: "Hello"})
	if err != nil {
		t.Fatal(err)
	}
	const n = 4
	results := make([]domain.MailStatus, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		env := flowtest.NewEnv(acts)
		wg.Add(1)
		go func() {
			defer wg.Done()
			val, err := env.ExecuteActivity(acts.DeliverMail, id)
			if errs[i] = err; err == nil {
				errs[i] = val.Get(&results[i])
			}
		}()
	}
	wg.Wait()
	sent := 0
	for i := range n {
		switch {
		case errs[i] == nil && results[i] == domain.MailSent:
			sent++
		case errs[i] != nil && strings.Contains(errs[i].Error(), store.ErrClaimed.Error()):
		default:
			t.Errorf("attempt %d = %q, %v; want sent or 'another attempt' to retry", i, results[i], errs[i])
		}
	}
	if got := len(catcher.Messages()); got != 1 || sent == 0 {
		t.Errorf("%d concurrent attempts sent %d messages and %d reported sent; want 1 message", n, got, sent)
	}
}

// TestRelayRefusalIsRetriedNotBounced: a relay that refuses our sender is
// a sending fault. The row stays pending with the error recorded and its
// claim given up, the member stays reachable, and once the relay is fixed
// the next attempt sends it at once.
func TestRelayRefusalIsRetriedNotBounced(t *testing.T) {
	st := testenv.DB(t)
	ctx := context.Background()
	var memberID int64
	err := testenv.SQL(t, st).QueryRow(ctx, `WITH p AS (INSERT INTO panels (area_id, name, covers) SELECT id, 'Relay panel', 'both' FROM areas WHERE code = 'wales' RETURNING id)
		INSERT INTO members (panel_id, name, email, role, confidentiality_signed_on) SELECT id, 'Efa', 'efa@example.org', 'member', now() FROM p RETURNING id`).Scan(&memberID)
	if err != nil {
		t.Fatal(err)
	}
	id, err := st.EnqueueMail(ctx, store.Mail{Key: "pack/9/1", ToAddress: "efa@example.org", MemberID: &memberID, Subject: "Your pack", BodyText: "Hello"})
	if err != nil {
		t.Fatal(err)
	}
	_, broken := testenv.SMTPWith(t, mailcatcher.Options{RefuseSender: func(string) bool { return true }})
	down := &Activities{Store: st, Mailer: broken}
	if res, err := flowtest.Run[domain.MailStatus](t, down, down.DeliverMail, id); err == nil {
		t.Fatalf("delivery through a relay refusing us = %q, want a retryable error", res)
	}
	e, _ := st.OutboxByID(ctx, id)
	if unreachable, _ := st.MemberUnreachable(ctx, memberID); unreachable || e.Status != domain.MailPending || e.LastError == "" {
		t.Fatalf("after a relay refusal: member unreachable %v, row %q with error %q; want reachable, pending, error recorded", unreachable, e.Status, e.LastError)
	}
	catcher, fixed := testenv.SMTP(t, nil)
	up := &Activities{Store: st, Mailer: fixed}
	if res, err := flowtest.Run[domain.MailStatus](t, up, up.DeliverMail, id); err != nil || res != domain.MailSent || len(catcher.Messages()) != 1 {
		t.Errorf("once the relay is fixed: %q, %v, %d messages; want sent, one message", res, err, len(catcher.Messages()))
	}
}
