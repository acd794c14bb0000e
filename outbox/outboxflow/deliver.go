// Package outboxflow delivers the mail queued in the outbox: the
// DeliverMail activity, which sends one row once, and the send-mail
// workflow, for mail that no other workflow owns.
package outboxflow

import (
	"context"
	"errors"
	"fmt"

	"go.temporal.io/sdk/activity"

	"github.com/lsip/scrutiny/domain"
	"github.com/lsip/scrutiny/mailer"
	"github.com/lsip/scrutiny/store"
)

// Activities delivers queued mail. Register one value with the worker.
type Activities struct {
	Store  *store.Store
	Mailer *mailer.Sender
}

// DeliverMail sends the outbox row outboxID once. A row already sent,
// bounced or held is left alone, so retries and replays never send twice. A
// permanent refusal marks the row bounced (and the member unreachable) and
// is reported, not retried; a temporary failure is recorded and retried by
// Temporal with backoff, so no mail is silently dropped.
//
// The result is the row's final status: sent, bounced or held.
func (a *Activities) DeliverMail(ctx context.Context, outboxID int64) (domain.MailStatus, error) {
	e, err := a.Store.OutboxByID(ctx, outboxID)
	if err != nil {
		return "", fmt.Errorf("load outbox %d: %w", outboxID, err)
	}
	if e.Status != domain.MailPending {
		return e.Status, nil
	}
	if e.MemberID != nil {
		unreachable, err := a.Store.MemberUnreachable(ctx, *e.MemberID)
		if err != nil {
			return "", err
		}
		if unreachable {
			return domain.MailHeld, a.Store.MarkHeld(ctx, outboxID, "the member's address bounced earlier; correct it to resume")
		}
	}
	msg := mailer.Message{
		MessageID: fmt.Sprintf("outbox-%d.%s@scrutiny", e.ID, shortHash(e.Key)),
		To:        e.ToAddress, ToName: e.ToName, ReplyTo: e.ReplyTo, Subject: e.Subject, Text: e.BodyText, HTML: e.BodyHTML,
		Calendar: []byte(e.CalendarICS),
	}
	if e.AttachmentFileID != nil {
		f, err := a.Store.FileByID(ctx, *e.AttachmentFileID)
		if err != nil {
			return "", fmt.Errorf("attachment %d: %w", *e.AttachmentFileID, err)
		}
		msg.Attachments = append(msg.Attachments, mailer.Attachment{Filename: f.Filename, ContentType: f.ContentType, Data: f.Content})
	}
	err = a.Mailer.Send(ctx, msg)
	switch {
	case errors.Is(err, mailer.ErrRejected):
		activity.GetLogger(ctx).Warn("mail bounced", "outbox", outboxID, "error", err)
		return domain.MailBounced, a.Store.MarkBounced(ctx, outboxID, err.Error())
	case err != nil:
		if recErr := a.Store.RecordAttempt(ctx, outboxID, err); recErr != nil {
			return "", errors.Join(err, recErr)
		}
		return "", err
	}
	return domain.MailSent, a.Store.MarkSent(ctx, outboxID)
}
