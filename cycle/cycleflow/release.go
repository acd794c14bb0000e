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

// packsInOneActivity is packsAtOnce's second version: every pack is built
// by one activity, PreparePacks, rather than one activity per member (a
// dozen activity tasks, and their history writes, on the cycle's workflow
// at once, each waiting on its lock in the history service); histories
// recorded at version 1 replay one activity per member.
const packsInOneActivity = 2

// releasePacks builds and sends each member's pack and starts their review
// workflow.
func (c *cycleRun) releasePacks(ctx workflow.Context) error {
	actx := flowopts.Activity(ctx)
	var recipients []PackRecipient
	if err := workflow.ExecuteActivity(actx, a.PackRecipients, c.status.CycleID).Get(ctx, &recipients); err != nil {
		return err
	}
	switch workflow.GetVersion(ctx, packsAtOnce, workflow.DefaultVersion, packsInOneActivity) {
	case workflow.DefaultVersion:
		for _, r := range recipients {
			pack, err := c.preparePack(ctx, r).Get(ctx)
			if err != nil {
				return err
			}
			if err := c.startReview(ctx, r, pack).Get(ctx, nil); err != nil {
				return fmt.Errorf("start review of member %d: %w", r.MemberID, err)
			}
		}
	case 1:
		if err := c.startReviews(ctx, recipients, c.preparePacksApart); err != nil {
			return err
		}
	default:
		if err := c.startReviews(ctx, recipients, c.preparePacks); err != nil {
			return err
		}
	}
	c.packsReleased = true
	return c.setStage(ctx, domain.StageReviewing)
}

// startReviews builds every recipient's pack with prepare, queues their
// emails together (so they go out as one batch, in order), then starts
// every review at once.
func (c *cycleRun) startReviews(ctx workflow.Context, recipients []PackRecipient, prepare func(workflow.Context, []PackRecipient) ([]Pack, error)) error {
	packs, err := prepare(ctx, recipients)
	if err != nil {
		return err
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

// preparePacksApart builds every recipient's pack at once, an activity
// each, as cycles did before packsInOneActivity.
func (c *cycleRun) preparePacksApart(ctx workflow.Context, recipients []PackRecipient) ([]Pack, error) {
	building := make([]packFuture, len(recipients))
	for i, r := range recipients {
		building[i] = c.preparePack(ctx, r)
	}
	packs := make([]Pack, len(recipients))
	for i := range recipients {
		var err error
		if packs[i], err = building[i].Get(ctx); err != nil {
			return nil, err
		}
	}
	return packs, nil
}

// preparePacks builds every recipient's pack in one activity.
func (c *cycleRun) preparePacks(ctx workflow.Context, recipients []PackRecipient) ([]Pack, error) {
	ids := make([]int64, len(recipients))
	for i, r := range recipients {
		c.member(r.MemberID).Name = r.Name
		ids[i] = r.MemberID
	}
	var packs []Pack
	if err := workflow.ExecuteActivity(flowopts.Activity(ctx), a.PreparePacks, PacksInput{
		CycleID: c.status.CycleID, MemberIDs: ids,
		Deadline: c.status.Schedule.ReviewsDue, Expires: c.status.Schedule.AccessRevoked,
	}).Get(ctx, &packs); err != nil {
		return nil, fmt.Errorf("packs: %w", err)
	}
	if len(packs) != len(recipients) {
		return nil, fmt.Errorf("%d packs built for %d members", len(packs), len(recipients))
	}
	return packs, nil
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
