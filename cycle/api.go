// Package cycle is the contract of the review-cycle and member-review
// workflows: what starts them, their update, signal and query names, the
// payloads those carry, the status they report and their workflow IDs.
// Everything here is recorded in the history of running workflows, so names
// and JSON field names change only with a versioning plan. The workflows and
// their activities live in cycle/cycleflow; the server needs only this.
package cycle

import (
	"time"

	"github.com/lsip/scrutiny/domain"
)

// Names of the cycle workflow's updates, signals and query. The server
// sends updates for every change a person makes, and gets the validator's
// refusal back as a clear reason.
const (
	UpdateApproveSelection  = "approve-selection"
	UpdateReplaceCase       = "replace-case"
	UpdateScheduleMeeting   = "schedule-meeting"
	UpdateDeclareConflict   = "declare-conflict"
	UpdateReportIdentifying = "report-identifying"
	UpdateMemberLeft        = "member-left"
	UpdateRecordAttendance  = "record-attendance"
	UpdateRecordFinding     = "record-finding"
	UpdateAddLearningPoint  = "add-learning-point"
	UpdateAddAction         = "add-action"
	UpdateCloseMeeting      = "close-meeting"
	UpdateApproveMinutes    = "approve-minutes"
	UpdateCancel            = "cancel"
	// A forum's updates: its agenda before the meeting, and the notes of
	// each item's discussion at it.
	UpdateSetAgenda   = "set-agenda"
	UpdateAgendaNotes = "agenda-notes"
	// UpdateStarted returns once the cycle is stored, so the caller that
	// started it (with update-with-start) learns its ID at once.
	UpdateStarted = "started"
	QueryStatus   = "status"

	// Sent by member-review workflows to their cycle.
	SignalReviewProgress = "review-progress"
	SignalMemberBounced  = "member-bounced"
)

// CycleInput starts a cycle.
type CycleInput struct {
	PanelID            int64          `json:"panel_id"`
	WindowStart        time.Time      `json:"window_start"`
	WindowEnd          time.Time      `json:"window_end"`
	Theme              string         `json:"theme"`
	Quotas             map[string]int `json:"quotas"`
	TotalQuota         int            `json:"total_quota"`
	ReservesPerStratum int            `json:"reserves_per_stratum"`
	// WidenMonths lets the draw look this many months further back for a
	// strand with a shortfall; zero means never widen.
	WidenMonths      int     `json:"widen_months"`
	Meeting          Meeting `json:"meeting"`
	Timing           Timing  `json:"timing"`
	StartedBy        string  `json:"started_by"`
	CoordinatorName  string  `json:"coordinator_name"`
	CoordinatorEmail string  `json:"coordinator_email"`
	// Seed fixes the draw; zero means draw a fresh one and record it.
	Seed int64 `json:"seed"`
	// ThemeFilter narrows the cases the draw may take (strands, outcomes,
	// finalised dates, case flags); Theme stays its label. Absent in
	// cycles started before themes existed.
	ThemeFilter *domain.ThemeFilter `json:"theme_filter,omitempty"`
	// Forum runs the cycle of a forum: a meeting with an agenda and no case
	// stages (no draw, conflict check, packs or reviews). Absent in every
	// cycle started before forums existed, which run as a panel's.
	Forum bool `json:"forum,omitempty"`
	// Agenda is a forum meeting's agenda as the cycle was started with it.
	Agenda []AgendaItem `json:"agenda,omitempty"`
	// DirectReviews has the server save members' reviews straight into
	// PostgreSQL, so a save adds nothing to any workflow's history. Absent
	// in cycles started before, whose saves go through the member's review
	// workflow.
	DirectReviews bool `json:"direct_reviews,omitempty"`
}

// ApproveSelectionRequest is the coordinator's approval of the selection.
// By is the email of the person approving, which the audit log names;
// approvals sent before it existed carry none.
type ApproveSelectionRequest struct {
	By string `json:"by,omitempty"`
}

// ReplaceRequest withdraws a case, or asks for a fresh draw in its place.
type ReplaceRequest struct {
	CaseID int64  `json:"case_id"`
	Reason string `json:"reason"`
	Redraw bool   `json:"redraw"`
	By     string `json:"by"`
}

// ConflictRequest is a member's declaration of a conflict of interest.
type ConflictRequest struct {
	MemberID int64  `json:"member_id"`
	CaseID   int64  `json:"case_id"`
	Note     string `json:"note"`
}

// IdentifyingRequest reports that a case reveals identifying detail.
type IdentifyingRequest struct {
	MemberID int64  `json:"member_id"`
	CaseID   int64  `json:"case_id"`
	Detail   string `json:"detail"`
}

// MemberLeftRequest says a member has left the panel.
type MemberLeftRequest struct {
	MemberID int64 `json:"member_id"`
	// By is the email of the person who said so, which the audit log
	// names; departures sent before it existed carry none.
	By string `json:"by,omitempty"`
}

// ApproveMinutesRequest is the chair's approval of the draft minutes.
type ApproveMinutesRequest struct {
	ApprovedBy string `json:"approved_by"`
}

// CancelRequest cancels the cycle. By is the email of the person
// cancelling, which the audit log names.
type CancelRequest struct {
	Reason string `json:"reason"`
	By     string `json:"by"`
}

// ReviewProgress is a member-review workflow's report to its cycle.
type ReviewProgress struct {
	MemberID    int64 `json:"member_id"`
	Cases       int   `json:"cases"`
	Submitted   int   `json:"submitted"`
	Drafts      int   `json:"drafts"`
	Outstanding int   `json:"outstanding"`
	Excused     int   `json:"excused"`
	Late        int   `json:"late"`
}

// MemberStatus is one member's part in the cycle.
type MemberStatus struct {
	Name        string `json:"name"`
	PackFileID  int64  `json:"pack_file_id,omitempty"`
	PackSent    bool   `json:"pack_sent"`
	Unreachable bool   `json:"unreachable"`
	Left        bool   `json:"left"`
	// ReviewProgress carries the member's ID and review counts.
	ReviewProgress
	// NotSubmitted counts reviews still missing once the deadline passed.
	NotSubmitted int `json:"not_submitted"`
}

// CycleStatus answers the status query.
type CycleStatus struct {
	CycleID         int64             `json:"cycle_id"`
	Stage           domain.Stage      `json:"stage"`
	Schedule        Schedule          `json:"schedule"`
	Meeting         Meeting           `json:"meeting"`
	MeetingSequence int               `json:"meeting_sequence"`
	Seed            int64             `json:"seed"`
	Strata          []StratumSummary  `json:"strata"`
	Cases           []CycleCase       `json:"cases"`
	Members         []MemberStatus    `json:"members"`
	Conflicts       []ConflictRequest `json:"conflicts"`
	Findings        []Finding         `json:"findings"`
	LearningPoints  int               `json:"learning_points"`
	Actions         []int64           `json:"actions"`
	MinutesFileID   int64             `json:"minutes_file_id,omitempty"`
	MinutesIssued   bool              `json:"minutes_issued"`
	AccessRevoked   bool              `json:"access_revoked"`
	CancelReason    string            `json:"cancel_reason,omitempty"`
	// CancelledBy is the email of the person who cancelled the cycle.
	CancelledBy string `json:"cancelled_by,omitempty"`
	// Notices are plain-English facts the coordinator should see, such as
	// a shortfall or a withdrawal with no reserve left.
	Notices []string `json:"notices"`
	// Forum is set on a forum's cycle, which has no cases.
	Forum bool `json:"forum,omitempty"`
}
