package server

import (
	"context"
	"fmt"

	"go.temporal.io/sdk/client"

	"github.com/lsip/scrutiny/outbox"
)

// startDelivery starts the send-mail workflow for a queued outbox row: a
// message just queued, or one put back in the queue, such as the mail held
// for a member until their bounced address was corrected. The workflow's
// ID follows from the row, so starting it twice delivers the row once; a
// row already sent is left alone by the delivery itself. The start waits
// no longer than the server's Temporal deadline.
func (s *Server) startDelivery(ctx context.Context, outboxID int64) error {
	ctx, cancel := s.temporalContext(ctx)
	defer cancel()
	_, err := s.deps.Temporal.ExecuteWorkflow(ctx, client.StartWorkflowOptions{
		ID:        outbox.SendWorkflowID(outboxID),
		TaskQueue: s.deps.Config.TaskQueue,
	}, outbox.SendWorkflowName, outboxID)
	if err != nil {
		return fmt.Errorf("start delivery of outbox %d: %w", outboxID, err)
	}
	return nil
}
