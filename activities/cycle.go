package activities

import (
	"context"
	"errors"
)

// errNotImplemented marks activities still being written.
var errNotImplemented = errors.New("not implemented")

// CreateCycle inserts the cycles row (idempotent on WorkflowID) and returns its id.
func (a *Activities) CreateCycle(ctx context.Context, in CreateCycleInput) (int64, error) {
	return 0, errNotImplemented
}

// SelectCases records the eligible set per stratum and draws the cases.
func (a *Activities) SelectCases(ctx context.Context, in SelectInput) (Selection, error) {
	return Selection{}, errNotImplemented
}

// ApproveSelection marks the proposed cases approved and unused reserves as such.
func (a *Activities) ApproveSelection(ctx context.Context, cycleID int64) ([]CycleCase, error) {
	return nil, errNotImplemented
}

// ReplaceCase withdraws a case and promotes a reserve or redraws.
func (a *Activities) ReplaceCase(ctx context.Context, in ReplaceInput) (Replacement, error) {
	return Replacement{}, errNotImplemented
}

// SaveMeeting stores the meeting, raising the invite sequence on change.
func (a *Activities) SaveMeeting(ctx context.Context, cycleID int64, m Meeting) (SavedMeeting, error) {
	return SavedMeeting{}, errNotImplemented
}

// QueueInvites queues a calendar invite (or cancellation) for every member.
func (a *Activities) QueueInvites(ctx context.Context, cycleID int64, cancel bool) ([]MailRef, error) {
	return nil, errNotImplemented
}

// SetStage records the cycle's stage and schedule.
func (a *Activities) SetStage(ctx context.Context, cycleID int64, stage string, schedule Schedule) error {
	return errNotImplemented
}

// QueueConflictTeasers queues each member's conflict-check email.
func (a *Activities) QueueConflictTeasers(ctx context.Context, cycleID int64) ([]MailRef, error) {
	return nil, errNotImplemented
}

// RecordConflict stores a declaration.
func (a *Activities) RecordConflict(ctx context.Context, in ConflictInput) error {
	return errNotImplemented
}

// PackRecipients lists the members who get a pack.
func (a *Activities) PackRecipients(ctx context.Context, cycleID int64) ([]PackRecipient, error) {
	return nil, errNotImplemented
}

// PreparePack builds, stores and queues one member's pack.
func (a *Activities) PreparePack(ctx context.Context, in PackInput) (Pack, error) {
	return Pack{}, errNotImplemented
}

// SaveReview stores a draft or submission, keeping every version.
func (a *Activities) SaveReview(ctx context.Context, in ReviewInput) (StoredReview, error) {
	return StoredReview{}, errNotImplemented
}

// QueueReminder queues a review reminder.
func (a *Activities) QueueReminder(ctx context.Context, in ReminderInput) (MailRef, error) {
	return MailRef{}, errNotImplemented
}

// RecordNonReturns marks missing reviews not submitted.
func (a *Activities) RecordNonReturns(ctx context.Context, cycleID int64) ([]NonReturn, error) {
	return nil, errNotImplemented
}

// ExcuseReviews excuses a departing member's open reviews.
func (a *Activities) ExcuseReviews(ctx context.Context, cycleID, memberID int64) (int, error) {
	return 0, errNotImplemented
}

// RecordIdentifyingReport pulls the case and logs the report.
func (a *Activities) RecordIdentifyingReport(ctx context.Context, in IdentifyingReport) error {
	return errNotImplemented
}

// QueueAlert queues a message to the coordinator.
func (a *Activities) QueueAlert(ctx context.Context, in Alert) (MailRef, error) {
	return MailRef{}, errNotImplemented
}

// RecordAttendance stores attendance.
func (a *Activities) RecordAttendance(ctx context.Context, in Attendance) error {
	return errNotImplemented
}

// RecordFinding stores the panel's finding on a case.
func (a *Activities) RecordFinding(ctx context.Context, in Finding) error {
	return errNotImplemented
}

// AddLearningPoint stores a learning point.
func (a *Activities) AddLearningPoint(ctx context.Context, in LearningPoint) (int64, error) {
	return 0, errNotImplemented
}

// RecordAction stores an action.
func (a *Activities) RecordAction(ctx context.Context, in ActionInput) (RecordedAction, error) {
	return RecordedAction{}, errNotImplemented
}

// DraftMinutes builds and stores the draft minutes.
func (a *Activities) DraftMinutes(ctx context.Context, cycleID int64) (int64, error) {
	return 0, errNotImplemented
}

// IssueMinutes builds the final minutes and key messages and queues them.
func (a *Activities) IssueMinutes(ctx context.Context, cycleID int64, approvedBy string) (IssuedMinutes, error) {
	return IssuedMinutes{}, errNotImplemented
}

// RevokeAccess ends every member link of the cycle.
func (a *Activities) RevokeAccess(ctx context.Context, cycleID int64) error {
	return errNotImplemented
}

// CancelCycle records the cancellation and queues the notices.
func (a *Activities) CancelCycle(ctx context.Context, cycleID int64, reason string) ([]MailRef, error) {
	return nil, errNotImplemented
}

// CloseCycle marks the cycle closed.
func (a *Activities) CloseCycle(ctx context.Context, cycleID int64) error {
	return errNotImplemented
}

// RecordActionEvent appends an event to an action's timeline.
func (a *Activities) RecordActionEvent(ctx context.Context, actionID int64, actor, kind string) error {
	return errNotImplemented
}
