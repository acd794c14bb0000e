package cycleflow

import (
	"fmt"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/workflow"

	"github.com/lsip/scrutiny/cycle"
	"github.com/lsip/scrutiny/domain"
	"github.com/lsip/scrutiny/flowopts"
)

// Releasing the packs: each member's pack built, its email queued and the
// member's review workflow started.

// packsAtOnce marks the change from building each member's pack and
// starting their review one member after another (two round trips per
// member: a twelve-member panel's packs took seconds) to building every
// pack at once and then starting every review at once; histories recorded
// before it replay one member at a time.
const packsAtOnce = "packs-at-once"

// releasePacks builds and sends each member's pack and starts their review
// workflow.
func (c *cycleRun) releasePacks(ctx workflow.Context) error {
	actx := flowopts.Activity(ctx)
	var recipients []PackRecipient
	if err := workflow.ExecuteActivity(actx, a.PackRecipients, c.status.CycleID).Get(ctx, &recipients); err != nil {
		return err
	}
	if workflow.GetVersion(ctx, packsAtOnce, workflow.DefaultVersion, 1) == workflow.DefaultVersion {
		for _, r := range recipients {
			pack, err := c.preparePack(ctx, r).Get(ctx)
			if err != nil {
				return err
			}
			if err := c.startReview(ctx, r, pack).Get(ctx, nil); err != nil {
				return fmt.Errorf("start review of member %d: %w", r.MemberID, err)
			}
		}
	} else if err := c.releasePacksAtOnce(ctx, recipients); err != nil {
		return err
	}
	c.packsReleased = true
	return c.setStage(ctx, domain.StageReviewing)
}

// releasePacksAtOnce builds every recipient's pack at once, queues their
// emails together (so they go out as one batch, in order), then starts
// every review at once.
func (c *cycleRun) releasePacksAtOnce(ctx workflow.Context, recipients []PackRecipient) error {
	building := make([]packFuture, len(recipients))
	for i, r := range recipients {
		building[i] = c.preparePack(ctx, r)
	}
	packs := make([]Pack, len(recipients))
	for i := range recipients {
		var err error
		if packs[i], err = building[i].Get(ctx); err != nil {
			return err
		}
	}
	started := make([]workflow.Future, len(recipients))
	for i, r := range recipients {
		started[i] = c.startReview(ctx, r, packs[i])
	}
	for i, r := range recipients {
		if err := started[i].Get(ctx, nil); err != nil {
			return fmt.Errorf("start review of member %d: %w", r.MemberID, err)
		}
	}
	return nil
}

// packFuture is a member's pack being built.
type packFuture struct {
	memberID int64
	f        workflow.Future
}

// Get waits for the pack.
func (p packFuture) Get(ctx workflow.Context) (Pack, error) {
	var pack Pack
	if err := p.f.Get(ctx, &pack); err != nil {
		return pack, fmt.Errorf("pack for member %d: %w", p.memberID, err)
	}
	return pack, nil
}

// preparePack starts building the recipient's pack.
func (c *cycleRun) preparePack(ctx workflow.Context, r PackRecipient) packFuture {
	c.member(r.MemberID).Name = r.Name
	return packFuture{memberID: r.MemberID, f: workflow.ExecuteActivity(flowopts.Activity(ctx), a.PreparePack, PackInput{
		CycleID: c.status.CycleID, MemberID: r.MemberID,
		Deadline: c.status.Schedule.ReviewsDue, Expires: c.status.Schedule.AccessRevoked,
	})}
}

// startReview notes the member's pack, queues its email and starts the
// member's review workflow; the future is ready once the review has
// started.
func (c *cycleRun) startReview(ctx workflow.Context, r PackRecipient, pack Pack) workflow.Future {
	m := c.member(r.MemberID)
	m.PackFileID = pack.FileID
	m.Cases, m.Outstanding = len(pack.CaseIDs), len(pack.CaseIDs)
	c.queueMail(pack.Mail)
	child := workflow.WithChildOptions(ctx, workflow.ChildWorkflowOptions{
		WorkflowID:        cycle.MemberReviewWorkflowID(workflow.GetInfo(ctx).WorkflowExecution.ID, r.MemberID),
		ParentClosePolicy: enumspb.PARENT_CLOSE_POLICY_TERMINATE,
	})
	return workflow.ExecuteChildWorkflow(child, cycle.MemberReviewWorkflowName, cycle.MemberReviewInput{
		CycleID: c.status.CycleID, MemberID: r.MemberID, CaseIDs: pack.CaseIDs,
		Deadline: c.status.Schedule.ReviewsDue, MeetingStart: c.status.Schedule.Meeting,
		Reminders: c.timing.Reminders, Direct: c.in.DirectReviews,
	}).GetChildWorkflowExecution()
}
