package cycleflow

import (
	"fmt"
	"slices"

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

// reschedulesBehind marks the change from a reschedule that answered only
// once every member's review had its signal (applied by the server one
// after another: seconds under load, by when a meeting brought forward a
// few seconds had passed) to one that answers once the meeting is saved,
// with the members told behind it by sendReschedules; histories recorded
// before it replay waiting.
const reschedulesBehind = "reschedules-behind"

// sendReschedules tells every member's review of the latest reschedule,
// one reschedule at a time, so that the last a member receives is the
// latest; reschedules made while one is being sent are sent as one.
func (c *cycleRun) sendReschedules(ctx workflow.Context) {
	for {
		if err := workflow.Await(ctx, func() bool { return c.reschedule != nil }); err != nil {
			return
		}
		sending := c.reschedule
		c.signalMembers(ctx, cycle.SignalRescheduleReview, *sending)
		if c.reschedule == sending { // else a newer one came meanwhile
			c.reschedule = nil
		}
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

// mailInBatches marks the change from delivering queued emails one
// activity each (a workflow task and an SMTP connection per message: a
// cycle's sixty emails took seconds, and under load most of the run) to
// delivering everything queued at once as one batch over one connection;
// histories recorded before it replay one at a time.
const mailInBatches = "mail-in-batches"

// mailBatchMax bounds one batch, so that it is sent well within one
// activity attempt (a panel's invitations or packs fit in one).
const mailBatchMax = 50

// deliverMail delivers queued emails in order. A bounce marks the member
// unreachable and alerts the coordinator.
func (c *cycleRun) deliverMail(ctx workflow.Context) {
	batched := workflow.GetVersion(ctx, mailInBatches, workflow.DefaultVersion, 1) == 1
	for {
		if err := workflow.Await(ctx, func() bool { return len(c.mailQueue) > 0 }); err != nil {
			return
		}
		c.delivering = true
		n := 1
		if batched {
			n = min(len(c.mailQueue), mailBatchMax)
		}
		refs := slices.Clone(c.mailQueue[:n])
		c.mailQueue = c.mailQueue[n:]
		if statuses, err := c.deliver(ctx, refs); err == nil {
			for i, ref := range refs {
				c.delivered(ctx, ref, statuses[i])
			}
		}
		c.delivering = false
	}
}

// deliver sends refs, one alone as before batches, several as one batch
// in order, and returns each one's final status.
func (c *cycleRun) deliver(ctx workflow.Context, refs []outbox.Ref) ([]domain.MailStatus, error) {
	if len(refs) == 1 {
		var status domain.MailStatus
		err := workflow.ExecuteActivity(flowopts.Activity(ctx), delivery.DeliverMail, refs[0].OutboxID).Get(ctx, &status)
		return []domain.MailStatus{status}, err
	}
	ids := make([]int64, len(refs))
	for i, ref := range refs {
		ids[i] = ref.OutboxID
	}
	var statuses []domain.MailStatus
	err := workflow.ExecuteActivity(flowopts.Activity(ctx), delivery.DeliverMailBatch, ids).Get(ctx, &statuses)
	if err == nil && len(statuses) != len(refs) {
		err = fmt.Errorf("a batch of %d emails reported %d results", len(refs), len(statuses))
	}
	return statuses, err
}

// delivered notes what became of one email: a member whose mail bounced
// is unreachable; a member whose pack went out has it.
func (c *cycleRun) delivered(ctx workflow.Context, ref outbox.Ref, status domain.MailStatus) {
	if ref.MemberID == 0 {
		return
	}
	switch status {
	case domain.MailBounced:
		c.memberBounced(ctx, ref.MemberID)
	case domain.MailSent:
		if m := c.members[ref.MemberID]; m != nil && m.PackFileID != 0 {
			m.PackSent = true
		}
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
