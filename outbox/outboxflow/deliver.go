// Package outboxflow delivers the mail queued in the outbox: the
// DeliverMail activity, which sends one row once, DeliverMailBatch, which
// sends several rows, each once, over one SMTP connection, and the send-mail
// workflow, for mail that no other workflow owns.
package outboxflow

import (
	"context"
	"errors"
	"fmt"
	"time"

	"go.temporal.io/sdk/activity"

	"github.com/lsip/scrutiny/domain"
	"github.com/lsip/scrutiny/mailer"
	"github.com/lsip/scrutiny/metrics"
	"github.com/lsip/scrutiny/store"
)

// DefaultClaimTTL is how long a delivery attempt's claim on a row lasts.
// It is well over the activity's start-to-close timeout (flowopts), so a
// live attempt's claim is never taken; an older claim is an attempt that
// died mid-send.
const DefaultClaimTTL = 10 * time.Minute

// recordTimeout bounds the recording of a batch's outcomes, which goes on
// when the attempt's own context has ended.
const recordTimeout = 30 * time.Second

// Activities delivers queued mail. Register one value with the worker.
type Activities struct {
	Store  *store.Store
	Mailer *mailer.Sender
	// ClaimTTL overrides DefaultClaimTTL; tests shorten it to reach the
	// crash window without waiting.
	ClaimTTL time.Duration
}

// DeliverMail sends the outbox row outboxID effectively once: a batch of
// one (DeliverMailBatch). It claims the row first, with a token of its
// own, and only that claim's holder may record the outcome, so retries and
// replays never send twice. A row already sent, bounced or held is left
// alone; one another attempt is sending is retried later, never sent in
// parallel; one whose last attempt died mid-send is sent again with the
// same Message-ID, so the recipient's mail system can recognise the
// duplicate, and counted as a re-send. A permanent refusal of the
// recipient marks the row bounced (and the member unreachable) and is
// reported, not retried; any other failure, including the relay refusing
// us, is recorded and retried by Temporal with backoff, so no mail is
// silently dropped.
//
// The result is the row's final status: sent, bounced or held.
func (a *Activities) DeliverMail(ctx context.Context, outboxID int64) (domain.MailStatus, error) {
	statuses, err := a.DeliverMailBatch(ctx, []int64{outboxID})
	if err != nil {
		return "", err
	}
	return statuses[0], nil
}

// DeliverMailBatch delivers the outbox rows outboxIDs as DeliverMail does
// each, sending them all over one SMTP connection. Every row is claimed,
// sent and recorded on its own: one row's failure leaves the others sent,
// bounced or held, and fails the activity so that Temporal retries it; the
// retry finds those rows settled and sends only what is still pending. A
// batch should be small enough (a cycle's packs or invitations) to send
// well within one attempt's start-to-close timeout.
//
// The result is each row's final status, in the order of outboxIDs.
func (a *Activities) DeliverMailBatch(ctx context.Context, outboxIDs []int64) ([]domain.MailStatus, error) {
	statuses := make([]domain.MailStatus, len(outboxIDs))
	errs := make([]error, len(outboxIDs))
	var sending []delivery
	for i, id := range outboxIDs {
		d, status, err := a.prepare(ctx, id)
		switch {
		case err != nil:
			errs[i] = err
		case status != "":
			statuses[i] = status
		default:
			d.index = i
			sending = append(sending, d)
		}
	}
	msgs := make([]mailer.Message, len(sending))
	for i, d := range sending {
		msgs[i] = d.msg
	}
	var sent []error
	if len(msgs) > 0 {
		sent = a.Mailer.SendBatch(ctx, msgs)
	}
	// What was sent is recorded even if the attempt's time ran out while
	// sending, so that a sent message is not sent again once its claim
	// expires.
	rec, cancel := context.WithTimeout(context.WithoutCancel(ctx), recordTimeout)
	defer cancel()
	for i, d := range sending {
		statuses[d.index], errs[d.index] = a.record(rec, d, sent[i])
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return statuses, nil
}

// delivery is a claimed row ready to send: its place in the batch, its
// claim and its message.
type delivery struct {
	index    int
	outboxID int64
	token    string
	msg      mailer.Message
}

// prepare claims row outboxID and renders its message. A row that needs
// no sending gives its final status instead: settled by another attempt,
// or held now because the member's address bounced earlier.
func (a *Activities) prepare(ctx context.Context, outboxID int64) (delivery, domain.MailStatus, error) {
	claim, err := a.Store.ClaimOutbox(ctx, outboxID, a.claimTTL())
	switch {
	case errors.Is(err, store.ErrNotPending):
		status, err := a.settledStatus(ctx, outboxID)
		return delivery{}, status, err
	case err != nil:
		return delivery{}, "", err // ErrClaimed included: Temporal retries after the other attempt
	}
	if claim.Resend {
		activity.GetLogger(ctx).Warn("re-sending mail after an attempt whose outcome is unknown", "outbox", outboxID)
	}
	e, err := a.Store.OutboxByID(ctx, outboxID)
	if err != nil {
		return delivery{}, "", fmt.Errorf("load outbox %d: %w", outboxID, err)
	}
	if e.MemberID != nil {
		unreachable, err := a.Store.MemberUnreachable(ctx, *e.MemberID)
		if err != nil {
			return delivery{}, "", err
		}
		if unreachable {
			status, err := a.settle(ctx, outboxID, domain.MailHeld,
				a.Store.MarkHeld(ctx, outboxID, claim.Token, "the member's address bounced earlier; correct it to resume"))
			return delivery{}, status, err
		}
	}
	msg, err := a.message(ctx, e)
	if err != nil {
		return delivery{}, "", err
	}
	return delivery{outboxID: outboxID, token: claim.Token, msg: msg}, "", nil
}

// record settles d by the outcome of sending it: sent, bounced, or an
// attempt recorded and an error for Temporal to retry.
func (a *Activities) record(ctx context.Context, d delivery, sendErr error) (domain.MailStatus, error) {
	switch {
	case errors.Is(sendErr, mailer.ErrRejected):
		activity.GetLogger(ctx).Warn("mail bounced", "outbox", d.outboxID, "error", sendErr)
		return a.settle(ctx, d.outboxID, domain.MailBounced, a.Store.MarkBounced(ctx, d.outboxID, d.token, sendErr.Error()))
	case sendErr != nil:
		metrics.CountEmail(metrics.EmailFailed)
		if recErr := a.Store.RecordAttempt(ctx, d.outboxID, d.token, sendErr); recErr != nil {
			return "", errors.Join(sendErr, recErr)
		}
		return "", sendErr
	}
	return a.settle(ctx, d.outboxID, domain.MailSent, a.Store.MarkSent(ctx, d.outboxID, d.token))
}

// message renders row e as the email to send. Its Message-ID is stable per
// row, so every send of one row carries the same one.
func (a *Activities) message(ctx context.Context, e store.OutboxEntry) (mailer.Message, error) {
	msg := mailer.Message{
		MessageID: fmt.Sprintf("outbox-%d.%s@scrutiny", e.ID, shortHash(e.Key)),
		To:        e.ToAddress, ToName: e.ToName, ReplyTo: e.ReplyTo, Subject: e.Subject, Text: e.BodyText, HTML: e.BodyHTML,
		Calendar: []byte(e.CalendarICS),
	}
	if e.AttachmentFileID != nil {
		f, err := a.Store.FileByID(ctx, *e.AttachmentFileID)
		if err != nil {
			return mailer.Message{}, fmt.Errorf("attachment %d: %w", *e.AttachmentFileID, err)
		}
		msg.Attachments = append(msg.Attachments, mailer.Attachment{Filename: f.Filename, ContentType: f.ContentType, Data: f.Content})
	}
	return msg, nil
}

// settle reports status once markErr, the recording of it, succeeded. If
// this attempt's claim was lost meanwhile (it outlived its time-to-live
// and another attempt took over), the row's own outcome is reported when
// it has one, and otherwise the attempt fails to be retried.
func (a *Activities) settle(ctx context.Context, outboxID int64, status domain.MailStatus, markErr error) (domain.MailStatus, error) {
	if errors.Is(markErr, store.ErrClaimLost) {
		return a.settledStatus(ctx, outboxID)
	}
	if markErr != nil {
		return "", markErr
	}
	metrics.CountEmail(string(status))
	return status, nil
}

// settledStatus is the status of a row another attempt has dealt with, or
// an error to retry on while it is still pending.
func (a *Activities) settledStatus(ctx context.Context, outboxID int64) (domain.MailStatus, error) {
	e, err := a.Store.OutboxByID(ctx, outboxID)
	if err != nil {
		return "", fmt.Errorf("load outbox %d: %w", outboxID, err)
	}
	if e.Status == domain.MailPending {
		return "", fmt.Errorf("outbox %d: %w", outboxID, store.ErrClaimed)
	}
	return e.Status, nil
}

// claimTTL is the configured claim time-to-live, or the default.
func (a *Activities) claimTTL() time.Duration {
	if a.ClaimTTL > 0 {
		return a.ClaimTTL
	}
	return DefaultClaimTTL
}
