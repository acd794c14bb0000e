package outbox

import (
	"context"
	"errors"
	"fmt"

	"go.temporal.io/sdk/activity"

	"github.com/lsip/scrutiny/mailer"
)

// Delivery outcomes a workflow can act on.
const (
	Delivered = "sent"
	Bounced   = "bounced"
	Held      = "held"
)

// DeliverMail sends the outbox row outboxID once. A row already sent,
// bounced or held is left alone, so retries and replays never send twice. A
// permanent refusal marks the row bounced (and the member unreachable) and
// is reported, not retried; a temporary failure is recorded and retried by
// Temporal with backoff, so no mail is silently dropped.
func (a *Activities) DeliverMail(ctx context.Context, outboxID int64) (string, error) {
	e, err := a.Store.OutboxByID(ctx, outboxID)
	if err != nil {
		return "", fmt.Errorf("load outbox %d: %w", outboxID, err)
	}
	if e.Status != "pending" {
		return e.Status, nil
	}
	if e.MemberID != nil {
		unreachable, err := a.Store.MemberUnreachable(ctx, *e.MemberID)
		if err != nil {
			return "", err
		}
		if unreachable {
			return Held, a.Store.MarkHeld(ctx, outboxID, "the member's address bounced earlier; correct it to resume")
		}
	}
	msg := mailer.Message{
		MessageID: fmt.Sprintf("outbox-%d.%s@scrutiny", e.ID, shortHash(e.Key)),
		To:        e.ToAddress, ToName: e.ToName, Subject: e.Subject, Text: e.BodyText, HTML: e.BodyHTML,
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
		return Bounced, a.Store.MarkBounced(ctx, outboxID, err.Error())
	case err != nil:
		if recErr := a.Store.RecordAttempt(ctx, outboxID, err); recErr != nil {
			return "", errors.Join(err, recErr)
		}
		return "", err
	}
	return Delivered, a.Store.MarkSent(ctx, outboxID)
}
