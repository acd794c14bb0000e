// Package outboxflow delivers the mail queued in the outbox: the
// DeliverMail activity, which sends one row once, and the send-mail
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

// Activities delivers queued mail. Register one value with the worker.
type Activities struct {
	Store  *store.Store
	Mailer *mailer.Sender
	// ClaimTTL overrides DefaultClaimTTL; tests shorten it to reach the
	// crash window without waiting.
	ClaimTTL time.Duration
}

// DeliverMail sends the outbox row outboxID effectively once. It claims
// the row first, with a token of its own, and only that claim's holder may
// record the outcome, so retries and replays never send twice. A row
// already sent, bounced or held is left alone; one another attempt is
// sending is retried later, never sent in parallel; one whose last attempt
// died mid-send is sent again with the same Message-ID, so the recipient's
// mail system can recognise the duplicate, and counted as a re-send. A
// permanent refusal of the recipient marks the row bounced (and the member
// unreachable) and is reported, not retried; any other failure, including
// the relay refusing us, is recorded and retried by Temporal with backoff,
// so no mail is silently dropped.
//
// The result is the row's final status: sent, bounced or held.
func (a *Activities) DeliverMail(ctx context.Context, outboxID int64) (domain.MailStatus, error) {
	claim, err := a.Store.ClaimOutbox(ctx, outboxID, a.claimTTL())
	switch {
	case errors.Is(err, store.ErrNotPending):
		return a.settledStatus(ctx, outboxID)
	case err != nil:
		return "", err // ErrClaimed included: Temporal retries after the other attempt
	}
	log := activity.GetLogger(ctx)
	if claim.Resend {
		log.Warn("re-sending mail after an attempt whose outcome is unknown", "outbox", outboxID)
	}
	e, err := a.Store.OutboxByID(ctx, outboxID)
	if err != nil {
		return "", fmt.Errorf("load outbox %d: %w", outboxID, err)
	}
	if e.MemberID != nil {
		unreachable, err := a.Store.MemberUnreachable(ctx, *e.MemberID)
		if err != nil {
			return "", err
		}
		if unreachable {
			return a.settle(ctx, outboxID, domain.MailHeld,
				a.Store.MarkHeld(ctx, outboxID, claim.Token, "the member's address bounced earlier; correct it to resume"))
		}
	}
	msg, err := a.message(ctx, e)
	if err != nil {
		return "", err
	}
	err = a.Mailer.Send(ctx, msg)
	switch {
	case errors.Is(err, mailer.ErrRejected):
		log.Warn("mail bounced", "outbox", outboxID, "error", err)
		return a.settle(ctx, outboxID, domain.MailBounced, a.Store.MarkBounced(ctx, outboxID, claim.Token, err.Error()))
	case err != nil:
		metrics.CountEmail(metrics.EmailFailed)
		if recErr := a.Store.RecordAttempt(ctx, outboxID, claim.Token, err); recErr != nil {
			return "", errors.Join(err, recErr)
		}
		return "", err
	}
	return a.settle(ctx, outboxID, domain.MailSent, a.Store.MarkSent(ctx, outboxID, claim.Token))
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
