package cycleflow

import (
	"errors"
	"fmt"
	"maps"
	"net/mail"
	"slices"
	"strings"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/workflow"

	"github.com/lsip/scrutiny/action"
	"github.com/lsip/scrutiny/cycle"
	"github.com/lsip/scrutiny/domain"
	"github.com/lsip/scrutiny/flowopts"
	"github.com/lsip/scrutiny/i18n"
	"github.com/lsip/scrutiny/reviewform"
)

// The meeting's record: attendance, findings, learning points, agreed
// actions and the minutes. Each update is open only while the record is.

func (c *cycleRun) meetingRecordOpen() error {
	if err := c.stageIs(domain.StageMeeting, domain.StageMinutes); err != nil {
		return err
	}
	if c.minutesApproved != "" {
		return errors.New("the minutes are approved; the record can no longer change")
	}
	return nil
}

func (c *cycleRun) validateAttendance(_ workflow.Context, at cycle.Attendance) error {
	if err := c.meetingRecordOpen(); err != nil {
		return err
	}
	// Whether each member is on the panel is checked where the panel's
	// members are known, in the activity, which refuses a stranger for
	// good; the workflow knows only the members who review.
	for _, id := range slices.Sorted(maps.Keys(at.Status)) {
		if st := at.Status[id]; !slices.Contains([]string{"present", "apologies", "absent"}, st) {
			return fmt.Errorf("attendance of member %d: %q is not present, apologies or absent", id, st)
		}
	}
	return nil
}

func (c *cycleRun) recordAttendance(ctx workflow.Context, at cycle.Attendance) error {
	at.CycleID = c.status.CycleID
	return workflow.ExecuteActivity(flowopts.Activity(ctx), a.RecordAttendance, at).Get(ctx, nil)
}

func (c *cycleRun) validateFinding(_ workflow.Context, f cycle.Finding) error {
	if err := c.meetingRecordOpen(); err != nil {
		return err
	}
	if !c.inReview(f.CaseID) {
		return fmt.Errorf("case %d is not one the panel reviewed", f.CaseID)
	}
	if !slices.ContainsFunc(form.Categories, func(cat reviewform.Category) bool { return cat.Key == f.Category }) {
		return fmt.Errorf("finding %q is not one of: %s", f.Category, categoryKeys())
	}
	return nil
}

// recordFinding stores the panel's finding; recording again replaces it.
func (c *cycleRun) recordFinding(ctx workflow.Context, f cycle.Finding) error {
	f.CycleID = c.status.CycleID
	if err := workflow.ExecuteActivity(flowopts.Activity(ctx), a.RecordFinding, f).Get(ctx, nil); err != nil {
		return err
	}
	c.status.Findings = slices.DeleteFunc(c.status.Findings, func(x cycle.Finding) bool { return x.CaseID == f.CaseID })
	c.status.Findings = append(c.status.Findings, f)
	return nil
}

func (c *cycleRun) validateLearningPoint(_ workflow.Context, lp cycle.LearningPoint) error {
	if err := c.meetingRecordOpen(); err != nil {
		return err
	}
	if strings.TrimSpace(lp.Text) == "" {
		return errors.New("the learning point needs some text")
	}
	if !slices.Contains([]string{"prosecution", "police", "partners"}, lp.Tag) {
		return fmt.Errorf("tag %q is not prosecution, police or partners", lp.Tag)
	}
	if lp.CaseID != 0 && c.caseIndex(lp.CaseID) < 0 {
		return fmt.Errorf("case %d is not in this cycle", lp.CaseID)
	}
	return nil
}

func (c *cycleRun) addLearningPoint(ctx workflow.Context, lp cycle.LearningPoint) (int64, error) {
	lp.CycleID = c.status.CycleID
	var id int64
	if err := workflow.ExecuteActivity(flowopts.Activity(ctx), a.AddLearningPoint, lp).Get(ctx, &id); err != nil {
		return 0, err
	}
	c.status.LearningPoints++
	c.learningPoints = append(c.learningPoints, id)
	return id, nil
}

func (c *cycleRun) validateAction(ctx workflow.Context, in cycle.AgreedAction) error {
	if err := c.meetingRecordOpen(); err != nil {
		return err
	}
	var problems []string
	if strings.TrimSpace(in.Description) == "" {
		problems = append(problems, "description is required")
	}
	if strings.TrimSpace(in.OwnerName) == "" || strings.TrimSpace(in.ManagerName) == "" {
		problems = append(problems, "owner and manager names are required")
	}
	for field, addr := range map[string]string{"owner_email": in.OwnerEmail, "manager_email": in.ManagerEmail} {
		if _, err := mail.ParseAddress(addr); err != nil {
			problems = append(problems, field+" is not an email address")
		}
	}
	if !in.Due.After(workflow.Now(ctx)) {
		problems = append(problems, "due date must be in the future")
	}
	if in.CaseID != 0 && c.caseIndex(in.CaseID) < 0 {
		problems = append(problems, fmt.Sprintf("case %d is not in this cycle", in.CaseID))
	}
	if in.Kind != "" && !slices.Contains(actionKinds, in.Kind) {
		problems = append(problems, "kind must be one of: "+strings.Join(actionKinds, ", "))
	}
	if in.Audience != "" && !slices.Contains(actionAudiences, in.Audience) {
		problems = append(problems, "audience must be one of: "+strings.Join(actionAudiences, ", "))
	}
	if in.LearningPointID != 0 && !slices.Contains(c.learningPoints, in.LearningPointID) {
		problems = append(problems, fmt.Sprintf("learning point %d is not one of this meeting's", in.LearningPointID))
	}
	// The owning Area must be a code the areas table holds, or storing the
	// action would fail for ever. The workflow does not know the panel's
	// kind: a local panel's action is stored in its own Area whatever the
	// code (store.AddAgreedAction), so a known code is all that is checked.
	if in.Area != "" && !slices.ContainsFunc(domain.Areas, func(ar domain.Area) bool { return ar.Code == in.Area }) {
		problems = append(problems, fmt.Sprintf("area %q is not a known Area code; use one of: %s", in.Area, areaCodes()))
	}
	// The owner's language is one the catalogues write in, as the actions
	// table allows; empty is English.
	if in.OwnerLanguage != "" && !slices.Contains(i18n.Langs, i18n.Lang(in.OwnerLanguage)) {
		problems = append(problems, fmt.Sprintf("owner_language %q must be en (English) or cy (Cymraeg)", in.OwnerLanguage))
	}
	if len(problems) > 0 {
		slices.Sort(problems)
		return errors.New(strings.Join(problems, "; "))
	}
	return nil
}

// addAction records the action and starts the workflow that tracks it to
// closure. That workflow outlives the cycle.
func (c *cycleRun) addAction(ctx workflow.Context, in cycle.AgreedAction) (cycle.RecordedAction, error) {
	in.CycleID = c.status.CycleID
	var rec cycle.RecordedAction
	if err := workflow.ExecuteActivity(flowopts.Activity(ctx), a.RecordAction, in).Get(ctx, &rec); err != nil {
		return rec, err
	}
	child := workflow.WithChildOptions(ctx, workflow.ChildWorkflowOptions{
		WorkflowID:        action.WorkflowID(rec.ActionID),
		ParentClosePolicy: enumspb.PARENT_CLOSE_POLICY_ABANDON,
	})
	if err := workflow.ExecuteChildWorkflow(child, action.WorkflowName, action.ActionInput{ActionID: rec.ActionID}).
		GetChildWorkflowExecution().Get(ctx, nil); err != nil {
		return rec, fmt.Errorf("start tracking action %d: %w", rec.ActionID, err)
	}
	c.status.Actions = append(c.status.Actions, rec.ActionID)
	return rec, nil
}

// Minutes.

func (c *cycleRun) validateCloseMeeting(workflow.Context) error {
	if err := c.stageIs(domain.StageMeeting, domain.StageMinutes); err != nil {
		return err
	}
	if c.minutesApproved != "" {
		return errors.New("the minutes are already approved")
	}
	var missing []string
	for _, cc := range c.status.Cases {
		if c.inReview(cc.CaseID) && !slices.ContainsFunc(c.status.Findings, func(f cycle.Finding) bool { return f.CaseID == cc.CaseID }) {
			missing = append(missing, cc.Reference)
		}
	}
	if len(missing) > 0 {
		return fmt.Errorf("record a finding for every case first; missing: %s", strings.Join(missing, ", "))
	}
	return nil
}

// closeMeeting drafts the minutes from the record and tells the chairs
// they wait for approval. Closing again (after a correction) drafts them
// afresh.
func (c *cycleRun) closeMeeting(ctx workflow.Context) (int64, error) {
	var fileID int64
	if err := workflow.ExecuteActivity(flowopts.Activity(ctx), a.DraftMinutes, c.status.CycleID).Get(ctx, &fileID); err != nil {
		return 0, err
	}
	c.status.MinutesFileID = fileID
	c.meetingClosed = true
	if c.status.Stage != domain.StageMinutes {
		if err := c.setStage(ctx, domain.StageMinutes); err != nil {
			return fileID, err
		}
	}
	c.tellChairs(ctx, fileID)
	return fileID, nil
}

func (c *cycleRun) validateApproveMinutes(_ workflow.Context, r cycle.ApproveMinutesRequest) error {
	if err := c.stageIs(domain.StageMinutes); err != nil {
		return err
	}
	if c.minutesApproved != "" {
		return errors.New("the minutes are already approved")
	}
	if strings.TrimSpace(r.ApprovedBy) == "" {
		return errors.New("say who approved the minutes")
	}
	return nil
}

// approveMinutes issues the minutes: stored, emailed to the members and the
// coordinator, with the public key messages alongside.
func (c *cycleRun) approveMinutes(ctx workflow.Context, r cycle.ApproveMinutesRequest) (int64, error) {
	c.minutesApproved = r.ApprovedBy
	var issued IssuedMinutes
	if err := workflow.ExecuteActivity(flowopts.Activity(ctx), a.IssueMinutes, c.status.CycleID, r.ApprovedBy).Get(ctx, &issued); err != nil {
		c.minutesApproved = ""
		return 0, err
	}
	c.status.MinutesFileID = issued.FileID
	c.queueMail(issued.Mail...)
	c.status.MinutesIssued = true
	return issued.FileID, nil
}

// Cancellation.

// The kinds and audiences an agreed action may have, as the actions
// table allows them. Empty takes the default (a recommendation to the
// prosecution).
var (
	actionKinds     = []string{"recommendation", "learning", "information_request"}
	actionAudiences = []string{"prosecution", "police", "partners"}
)

// areaCodes lists the Area codes an action's owning Area may be.
func areaCodes() string {
	codes := make([]string, len(domain.Areas))
	for i, ar := range domain.Areas {
		codes[i] = ar.Code
	}
	return strings.Join(codes, ", ")
}

func categoryKeys() string {
	var keys []string
	for _, cat := range form.Categories {
		keys = append(keys, cat.Key)
	}
	return strings.Join(keys, ", ")
}
