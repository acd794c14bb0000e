package domain

import "strings"

// The named values below are the ones stored in PostgreSQL, where a CHECK
// constraint on each column refuses anything else. Code names them by these
// constants, never by a bare string, so a misspelt status fails to compile
// instead of failing a query.

// StaffRole is what a staff account may do. A coordinator and a chair
// work within their panels, a manager within their Area, an admin
// everywhere.
type StaffRole string

const (
	StaffAdmin       StaffRole = "admin"
	StaffCoordinator StaffRole = "coordinator"
	StaffManager     StaffRole = "manager"
	StaffChair       StaffRole = "chair"
)

// Stage is where a review cycle has got to.
type Stage string

const (
	StageSelecting        Stage = "selecting"
	StageCoordinatorCheck Stage = "coordinator_check"
	StageConflictCheck    Stage = "conflict_check"
	StageReviewing        Stage = "reviewing"
	StageMeeting          Stage = "meeting"
	StageMinutes          Stage = "minutes"
	StageTracking         Stage = "tracking"
	StageClosed           Stage = "closed"
	StageCancelled        Stage = "cancelled"
)

// CaseStatus is where a drawn case stands in its cycle.
type CaseStatus string

const (
	CaseProposed      CaseStatus = "proposed"
	CaseReserve       CaseStatus = "reserve"
	CaseApproved      CaseStatus = "approved"
	CaseWithdrawn     CaseStatus = "withdrawn"
	CaseUnusedReserve CaseStatus = "unused_reserve"
	CasePulled        CaseStatus = "pulled"
)

// ReviewStatus is where one member's review of one case stands.
type ReviewStatus string

const (
	ReviewOutstanding  ReviewStatus = "outstanding"
	ReviewDraft        ReviewStatus = "draft"
	ReviewSubmitted    ReviewStatus = "submitted"
	ReviewNotSubmitted ReviewStatus = "not_submitted"
	ReviewExcused      ReviewStatus = "excused"
)

// PanelKind is what sort of panel it is. A local panel draws its cases
// from its own Area; a national panel is hosted by an Area but draws from
// every Area's cases on a theme, stratified by Area as well as strand; a
// forum meets and agrees actions without reviewing cases.
type PanelKind string

const (
	PanelLocal    PanelKind = "local"
	PanelNational PanelKind = "national"
	PanelForum    PanelKind = "forum"
)

// PanelKinds are the kinds in the order forms offer them.
var PanelKinds = []PanelKind{PanelLocal, PanelNational, PanelForum}

// MailStatus is where an outbox message stands. Pending mail is still to
// be sent; the others are final, and are what delivery reports.
type MailStatus string

const (
	MailPending MailStatus = "pending"
	MailSent    MailStatus = "sent"
	MailBounced MailStatus = "bounced"
	MailHeld    MailStatus = "held"
)

// ActionStatus is where an action stands. Open moves to in progress;
// completed and cancelled are final.
type ActionStatus string

const (
	ActionOpen       ActionStatus = "open"
	ActionInProgress ActionStatus = "in_progress"
	ActionCompleted  ActionStatus = "completed"
	ActionCancelled  ActionStatus = "cancelled"
)

// MeetingStatus is whether a cycle's meeting is still to come, has been
// held or was cancelled. Members answer the invitation only while it is
// scheduled.
type MeetingStatus string

const (
	MeetingScheduled MeetingStatus = "scheduled"
	MeetingHeld      MeetingStatus = "held"
	MeetingCancelled MeetingStatus = "cancelled"
)

// FileKind is what a stored file is: a member's pack, a cycle's minutes or
// public key messages, an uploaded file, an export of the action log (the
// weekly digest's attachment) or a report.
type FileKind string

const (
	FilePack        FileKind = "pack"
	FileMinutes     FileKind = "minutes"
	FileKeyMessages FileKind = "key_messages"
	FileUpload      FileKind = "upload"
	FileExport      FileKind = "export"
	FileReport      FileKind = "report"
)

// The Label methods below give each value in plain English, lower case so
// that it reads inside a sentence ("the cycle is at conflict check");
// pages capitalise it where it stands alone. A value without a label of
// its own falls back to its code with spaces for underscores.

// label is words[v], or v with spaces for underscores.
func label[T ~string](v T, words map[T]string) string {
	if w, ok := words[v]; ok {
		return w
	}
	return strings.ReplaceAll(string(v), "_", " ")
}

// Label is the stage in words, as people see it: "conflict check".
func (s Stage) Label() string {
	return label(s, map[Stage]string{
		StageSelecting:        "drawing the cases",
		StageCoordinatorCheck: "coordinator's check",
		StageReviewing:        "members reviewing",
		StageMinutes:          "minutes awaiting approval",
		StageTracking:         "tracking actions",
	})
}

// Label is the role in words: "administrator".
func (r StaffRole) Label() string {
	return label(r, map[StaffRole]string{StaffAdmin: "administrator"})
}

// Label is where a drawn case stands, in words: "reserve not needed".
func (s CaseStatus) Label() string {
	return label(s, map[CaseStatus]string{
		CaseProposed:      "proposed, awaiting the coordinator's check",
		CaseUnusedReserve: "reserve not needed",
		CasePulled:        "removed from every pack",
	})
}

// Label is where a review stands, as the member and coordinator see it:
// "draft saved".
func (s ReviewStatus) Label() string {
	return label(s, map[ReviewStatus]string{
		ReviewOutstanding:  "not started",
		ReviewDraft:        "draft saved",
		ReviewSubmitted:    "sent",
		ReviewNotSubmitted: "not returned",
	})
}

// Label is where an email stands, in words: "held until the address is
// corrected".
func (s MailStatus) Label() string {
	return label(s, map[MailStatus]string{
		MailPending: "waiting to be sent",
		MailBounced: "refused by the mail server",
		MailHeld:    "held until the address is corrected",
	})
}

// Label is where an action stands, in words: "in progress".
func (s ActionStatus) Label() string { return label(s, map[ActionStatus]string{}) }

// Label is the panel's kind in words: "national scrutiny panel".
func (k PanelKind) Label() string {
	return label(k, map[PanelKind]string{
		PanelLocal:    "local scrutiny and involvement panel",
		PanelNational: "national scrutiny panel",
		PanelForum:    "forum",
	})
}

// Label is where a meeting stands, in words: "scheduled".
func (s MeetingStatus) Label() string { return label(s, map[MeetingStatus]string{}) }

// Label is the kind in words, as people see it: "key messages".
func (k FileKind) Label() string { return label(k, map[FileKind]string{}) }

// Label is the panel role in words, as people see it: "Adviser".
func (r Role) Label() string {
	if r == "" {
		return ""
	}
	return strings.ToUpper(string(r[:1])) + string(r[1:])
}

// Label is the outcome in words, as people see it.
func (o Outcome) Label() string { return OutcomeLabel(o) }
