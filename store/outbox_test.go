package store_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/lsip/scrutiny/domain"
	"github.com/lsip/scrutiny/store"
	"github.com/lsip/scrutiny/testenv"
)

// TestOutboxClaimTokens: only the holder of a row's claim may record its
// outcome. A claim that expired and was taken over leaves its old token
// powerless to mark the row sent, bounced, held or failed; a live claim
// keeps other attempts out; a failed attempt gives its claim up at once.
func TestOutboxClaimTokens(t *testing.T) {
	st := testenv.DB(t)
	ctx := context.Background()
	id, err := st.EnqueueMail(ctx, store.Mail{Key: "claim/1", ToAddress: "dai@example.org", Subject: "S", BodyText: "B"})
	if err != nil {
		t.Fatal(err)
	}
	stale, err := st.ClaimOutbox(ctx, id, time.Hour)
	if err != nil || stale.Resend || stale.Token == "" {
		t.Fatalf("first claim: %+v, %v", stale, err)
	}
	if _, err := st.ClaimOutbox(ctx, id, time.Hour); !errors.Is(err, store.ErrClaimed) {
		t.Fatalf("claiming a row under a live claim: %v, want ErrClaimed", err)
	}
	time.Sleep(20 * time.Millisecond)
	fresh, err := st.ClaimOutbox(ctx, id, 10*time.Millisecond)
	if err != nil || !fresh.Resend || fresh.Token == stale.Token {
		t.Fatalf("taking over an expired claim: %+v, %v; want a re-send with a new token", fresh, err)
	}
	for what, mark := range map[string]error{
		"sent":    st.MarkSent(ctx, id, stale.Token),
		"bounced": st.MarkBounced(ctx, id, stale.Token, "550"),
		"held":    st.MarkHeld(ctx, id, stale.Token, "held"),
		"failed":  st.RecordAttempt(ctx, id, stale.Token, errors.New("timeout")),
	} {
		if !errors.Is(mark, store.ErrClaimLost) {
			t.Errorf("a stale token marked the row %s: %v", what, mark)
		}
	}
	e, _ := st.OutboxByID(ctx, id)
	if e.Status != domain.MailPending || e.LastError != "" || e.Resends != 1 || e.Attempts != 2 {
		t.Fatalf("row after stale marks: %+v; want pending, untouched, 1 re-send of 2 attempts", e)
	}

	if err := st.RecordAttempt(ctx, id, fresh.Token, errors.New("connection refused")); err != nil {
		t.Fatal(err)
	}
	next, err := st.ClaimOutbox(ctx, id, time.Hour)
	if err != nil || next.Resend {
		t.Fatalf("claim after a recorded failure: %+v, %v; want an ordinary claim at once", next, err)
	}
	if err := st.MarkSent(ctx, id, next.Token); err != nil {
		t.Fatal(err)
	}
	if _, err := st.ClaimOutbox(ctx, id, time.Millisecond); !errors.Is(err, store.ErrNotPending) {
		t.Errorf("claiming a sent row: %v, want ErrNotPending", err)
	}
	if _, err := st.ClaimOutbox(ctx, id+1000, time.Hour); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("claiming a missing row: %v, want ErrNotFound", err)
	}
}
