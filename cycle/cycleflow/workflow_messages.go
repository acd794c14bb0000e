package cycleflow

import (
	"fmt"

	"go.temporal.io/sdk/workflow"

	"github.com/lsip/scrutiny/cycle"
	"github.com/lsip/scrutiny/domain"
	"github.com/lsip/scrutiny/flowopts"
	"github.com/lsip/scrutiny/outbox"
)

// How the cycle workflow reaches people: signals to the members' review
// workflows, and email delivered in order through the outbox, with alerts
// to the coordinator.

// signalMembersAtOnce marks the change from signalling members one after
// another (a workflow task per member, which under load made a reschedule
// of a twelve-member panel take minutes) to sending every signal in one
// workflow task; histories recorded before it replay one at a time.
const signalMembersAtOnce = "signal-members-at-once"

// signalMembers sends a signal to every running member-review workflow.
// A finished child cannot be signalled; that is fine, so the errors are
// deliberately ignored.
func (c *cycleRun) signalMembers(ctx workflow.Context, name string, arg any) {
	if !c.packsReleased {
		return
	}
	atOnce := workflow.GetVersion(ctx, signalMembersAtOnce, workflow.DefaultVersion, 1) == 1
	id := workflow.GetInfo(ctx).WorkflowExecution.ID
	var sent []workflow.Future
	for _, memberID := range c.memberIDs() {
		if c.members[memberID].Left {
			continue
		}
		f := workflow.SignalExternalWorkflow(ctx, cycle.MemberReviewWorkflowID(id, memberID), "", name, arg)
		if atOnce {
			sent = append(sent, f)
			continue
		}
		_ = f.Get(ctx, nil)
	}
	for _, f := range sent {
		_ = f.Get(ctx, nil)
	}
}

// signalMember sends a signal to one member's review workflow, once packs
// are out.
func (c *cycleRun) signalMember(ctx workflow.Context, memberID int64, name string, arg any) {
	if !c.packsReleased || c.members[memberID] == nil {
		return
	}
	id := workflow.GetInfo(ctx).WorkflowExecution.ID
	_ = workflow.SignalExternalWorkflow(ctx, cycle.MemberReviewWorkflowID(id, memberID), "", name, arg).Get(ctx, nil)
}

// queueMail hands queued emails to the delivery loop.
func (c *cycleRun) queueMail(refs ...outbox.Ref) {
	c.mailQueue = append(c.mailQueue, refs...)
}

// deliverMail delivers queued emails one at a time, in order. A bounce
// marks the member unreachable and alerts the coordinator.
func (c *cycleRun) deliverMail(ctx workflow.Context) {
	for {
		if err := workflow.Await(ctx, func() bool { return len(c.mailQueue) > 0 }); err != nil {
			return
		}
		c.delivering = true
		ref := c.mailQueue[0]
		c.mailQueue = c.mailQueue[1:]
		var result domain.MailStatus
		err := workflow.ExecuteActivity(flowopts.Activity(ctx), delivery.DeliverMail, ref.OutboxID).Get(ctx, &result)
		if err == nil && result == domain.MailBounced && ref.MemberID != 0 {
			c.memberBounced(ctx, ref.MemberID)
		}
		if err == nil && result == domain.MailSent && ref.MemberID != 0 {
			if m := c.members[ref.MemberID]; m != nil && m.PackFileID != 0 {
				m.PackSent = true
			}
		}
		c.delivering = false
	}
}

// memberBounced marks the member unreachable and alerts the coordinator,
// once.
func (c *cycleRun) memberBounced(ctx workflow.Context, memberID int64) {
	m := c.member(memberID)
	if m.Unreachable {
		return
	}
	m.Unreachable = true
	c.alert(ctx, Alert{Kind: "bounce", Key: fmt.Sprintf("bounce/%d", memberID), MemberID: memberID})
}

// alert queues a message to the coordinator. Alerts are best effort on top
// of the status page, so a failure to queue one is logged, not fatal.
func (c *cycleRun) alert(ctx workflow.Context, al Alert) {
	al.CycleID = c.status.CycleID
	var ref outbox.Ref
	if err := workflow.ExecuteActivity(flowopts.Activity(ctx), a.QueueAlert, al).Get(ctx, &ref); err != nil {
		workflow.GetLogger(ctx).Error("queue alert", "kind", al.Kind, "error", err)
		return
	}
	c.queueMail(ref)
}
