package server

import (
	"context"
	"fmt"

	"go.temporal.io/sdk/client"

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
	_, err = s.deps.Temporal.ExecuteWorkflow(ctx, client.StartWorkflowOptions{
		ID:        outbox.SendWorkflowID(ref.OutboxID),
		TaskQueue: s.deps.Config.TaskQueue,
	}, outbox.SendWorkflowName, ref.OutboxID)
	if err != nil {
		return fmt.Errorf("start delivery of outbox %d: %w", ref.OutboxID, err)
	}
	return nil
}
