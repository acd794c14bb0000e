package cycleflow

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"go.temporal.io/sdk/workflow"

	"github.com/lsip/scrutiny/cycle"
	"github.com/lsip/scrutiny/domain"
	"github.com/lsip/scrutiny/flowopts"
)

// A forum's cycle (issue 11): the same cycle workflow with the case stages
// skipped. A forum meets on an agenda, invites its members with a calendar
// invitation they answer on their page, records attendance, the discussion
// of each item, its key messages (the meeting's learning points) and the
// actions it agrees, which are tracked by the action workflow exactly as a
// panel's are; then the chair approves the minutes and the cycle closes.
// There is no draw, coordinator's check of cases, conflict check, pack or
// member review.

// errForum marks a request only a case-reviewing panel can take.
var errForum = errors.New("a forum reviews no cases")

// runForum drives a forum's cycle: create it, store its agenda, save the
// meeting and invite the members, wait for the meeting, then for the
// issued minutes, and close. The stage before the meeting is the
// coordinator's check: the coordinator prepares the meeting and may still
// change its agenda and time.
func (c *cycleRun) runForum(ctx workflow.Context) error {
	c.status.Forum = true
	if err := c.setupForum(ctx); err != nil {
		return err
	}
	actx := flowopts.Activity(ctx)
	if err := workflow.ExecuteActivity(actx, a.CreateCycle, CreateCycleInput{
		WorkflowID: workflow.GetInfo(ctx).WorkflowExecution.ID, PanelID: c.in.PanelID,
		WindowStart: c.in.WindowStart, WindowEnd: c.in.WindowEnd, Theme: c.in.Theme,
		StartedBy: c.in.StartedBy, CoordinatorName: c.in.CoordinatorName, CoordinatorEmail: c.in.CoordinatorEmail,
		Schedule: c.status.Schedule,
	}).Get(ctx, &c.status.CycleID); err != nil {
		return fmt.Errorf("create cycle: %w", err)
	}
	if err := workflow.ExecuteActivity(actx, a.SaveAgenda, AgendaInput{CycleID: c.status.CycleID, Items: c.in.Agenda, By: c.in.StartedBy}).Get(ctx, nil); err != nil {
		return fmt.Errorf("save agenda: %w", err)
	}
	if err := c.saveMeeting(ctx); err != nil {
		return err
	}
	if err := c.setStage(ctx, domain.StageCoordinatorCheck); err != nil {
		return err
	}
	if !c.waitUntil(ctx, func(s cycle.Schedule) time.Time { return s.Meeting }) {
		return c.finishCancelled(ctx)
	}
	if err := c.setStage(ctx, domain.StageMeeting); err != nil {
		return err
	}
	if err := workflow.Await(ctx, func() bool { return c.status.MinutesIssued || c.cancelled }); err != nil {
		return err
	}
	if c.cancelled {
		return c.finishCancelled(ctx)
	}
	if err := workflow.ExecuteActivity(actx, a.CloseCycle, c.status.CycleID).Get(ctx, nil); err != nil {
		return err
	}
	c.status.Stage = domain.StageClosed
	return nil
}

// setupForum registers a forum's own updates: its agenda, and the notes
// of each item's discussion.
func (c *cycleRun) setupForum(ctx workflow.Context) error {
	if err := workflow.SetUpdateHandlerWithOptions(ctx, cycle.UpdateSetAgenda, c.setAgenda,
		workflow.UpdateHandlerOptions{Validator: c.validateSetAgenda}); err != nil {
		return err
	}
	return workflow.SetUpdateHandlerWithOptions(ctx, cycle.UpdateAgendaNotes, c.agendaNotes,
		workflow.UpdateHandlerOptions{Validator: c.validateAgendaNotes})
}

// forumRefusals are, for a forum, the validators that refuse the updates
// only a case-reviewing panel takes, saying why; nil for a panel.
func (c *cycleRun) forumRefusals() map[string]any {
	if !c.in.Forum {
		return nil
	}
	refuse := func(what string) error { return fmt.Errorf("%w, so it has no %s", errForum, what) }
	return map[string]any{
		cycle.UpdateApproveSelection: func(workflow.Context, cycle.ApproveSelectionRequest) error {
			return refuse("selection of cases to approve")
		},
		cycle.UpdateReplaceCase:       func(workflow.Context, cycle.ReplaceRequest) error { return refuse("cases to withdraw or redraw") },
		cycle.UpdateDeclareConflict:   func(workflow.Context, cycle.ConflictRequest) error { return refuse("cases to declare a conflict on") },
		cycle.UpdateReportIdentifying: func(workflow.Context, cycle.IdentifyingRequest) error { return refuse("cases to report") },
		cycle.UpdateRecordFinding:     func(workflow.Context, cycle.Finding) error { return refuse("findings on cases") },
	}
}

func (c *cycleRun) validateSetAgenda(_ workflow.Context, r cycle.SetAgendaRequest) error {
	if err := c.stageIs(domain.StageSelecting, domain.StageCoordinatorCheck); err != nil {
		return fmt.Errorf("%w; the agenda can change only before the meeting", err)
	}
	if p := cycle.AgendaProblems(r.Items); len(p) > 0 {
		return errors.New(cycle.JoinProblems(p))
	}
	return nil
}

// setAgenda replaces the agenda. Invitations already sent keep the agenda
// they were sent with; the meeting page and the minutes show the new one.
func (c *cycleRun) setAgenda(ctx workflow.Context, r cycle.SetAgendaRequest) error {
	if err := workflow.ExecuteActivity(flowopts.Activity(ctx), a.SaveAgenda, AgendaInput{CycleID: c.status.CycleID, Items: r.Items, By: r.By}).Get(ctx, nil); err != nil {
		return err
	}
	c.in.Agenda = r.Items
	return nil
}

func (c *cycleRun) validateAgendaNotes(_ workflow.Context, n cycle.AgendaNotes) error {
	if err := c.meetingRecordOpen(); err != nil {
		return err
	}
	if n.Item < 1 || n.Item > len(c.in.Agenda) {
		return fmt.Errorf("item %d is not on the agenda, which has %d items", n.Item, len(c.in.Agenda))
	}
	if strings.TrimSpace(n.Notes) == "" {
		return errors.New("the notes need some text")
	}
	return nil
}

func (c *cycleRun) agendaNotes(ctx workflow.Context, n cycle.AgendaNotes) error {
	return workflow.ExecuteActivity(flowopts.Activity(ctx), a.SaveAgendaNotes, AgendaNotesInput{CycleID: c.status.CycleID, AgendaNotes: n}).Get(ctx, nil)
}
