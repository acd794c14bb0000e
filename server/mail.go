package server

import (
	"context"

	"github.com/lsip/scrutiny/outbox"
	"github.com/lsip/scrutiny/store"
)

// sendMail queues a message that no workflow owns (an invitation, a
// password reset) in the outbox and starts the send-mail workflow that
// delivers it. The outbox row is keyed, and the workflow's ID follows from
// the row, so sending the same message again, or after a failed start,
// queues and delivers it once. If Temporal cannot be reached the message
// stays queued and the error is returned for the page to show.
func (s *Server) sendMail(ctx context.Context, m store.Mail) error {
	ref, err := outbox.Queue(ctx, s.deps.Store, m)
	if err != nil {
		return err
	}
	return s.startDelivery(ctx, ref.OutboxID)
}
