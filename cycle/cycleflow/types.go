package cycleflow

import (
	"time"

	"github.com/lsip/scrutiny/cycle"
	"github.com/lsip/scrutiny/domain"
	"github.com/lsip/scrutiny/outbox"
	"github.com/lsip/scrutiny/reviewform"
)

// The activities' own inputs and results. Like the contract types in
// package cycle they are recorded in workflow history, so they carry IDs,
// counts, dates and short labels, never case text, workbooks or email
// bodies, and their JSON names change only with a versioning plan.

// CreateCycleInput is what a coordinator asks for when starting a cycle.
type CreateCycleInput struct {
	WorkflowID         string         `json:"workflow_id"`
	PanelID            int64          `json:"panel_id"`
	WindowStart        time.Time      `json:"window_start"`
	WindowEnd          time.Time      `json:"window_end"`
	Theme              string         `json:"theme"`
	Quotas             map[string]int `json:"quotas"`
	TotalQuota         int            `json:"total_quota"`
	ReservesPerStratum int            `json:"reserves_per_stratum"`
	WidenMonths        int            `json:"widen_months"`
	StartedBy          string         `json:"started_by"`
	CoordinatorName    string         `json:"coordinator_name"`
	CoordinatorEmail   string         `json:"coordinator_email"`
	Schedule           cycle.Schedule `json:"schedule"`
	// ThemeFilter is the cycle's theme, stored with it for the draw.
	ThemeFilter *domain.ThemeFilter `json:"theme_filter,omitempty"`
	// DirectReviews is stored with the cycle, so the server knows to save
	// its reviews itself (cycle.CycleInput.DirectReviews).
	DirectReviews bool `json:"direct_reviews,omitempty"`
}

// SelectInput asks for the seeded draw of a cycle.
type SelectInput struct {
	CycleID int64 `json:"cycle_id"`
	Seed    int64 `json:"seed"`
}

// Selection is the outcome of the draw.
type Selection struct {
	Cases  []cycle.CycleCase      `json:"cases"`
	Strata []cycle.StratumSummary `json:"strata"`
}

// ReplaceInput withdraws a case (with an internal reason) or asks for a
// fresh draw in its place.
type ReplaceInput struct {
	CycleID int64  `json:"cycle_id"`
	CaseID  int64  `json:"case_id"`
	Reason  string `json:"reason"`
	By      string `json:"by"`
	// Redraw draws a fresh case instead of promoting the next reserve;
	// Attempt numbers the redraws of the stratum so each is reproducible.
	Redraw  bool  `json:"redraw"`
	Seed    int64 `json:"seed"`
	Attempt int   `json:"attempt"`
}

// Replacement reports what took a withdrawn case's place, if anything.
type Replacement struct {
	Replacement *cycle.CycleCase `json:"replacement,omitempty"`
}

// SavedMeeting is the stored meeting with its invite sequence number.
type SavedMeeting struct {
	MeetingID int64 `json:"meeting_id"`
	Sequence  int   `json:"sequence"`
}

// PackRecipient is a member who receives a pack.
type PackRecipient struct {
	MemberID int64  `json:"member_id"`
	Name     string `json:"name"`
}

// PackInput asks for one member's pack.
type PackInput struct {
	CycleID  int64     `json:"cycle_id"`
	MemberID int64     `json:"member_id"`
	Deadline time.Time `json:"deadline"`
	Expires  time.Time `json:"expires"`
}

// PacksInput asks for the packs of several members of a cycle, in order.
type PacksInput struct {
	CycleID   int64     `json:"cycle_id"`
	MemberIDs []int64   `json:"member_ids"`
	Deadline  time.Time `json:"deadline"`
	Expires   time.Time `json:"expires"`
}

// Pack is a built and queued pack.
type Pack struct {
	FileID  int64      `json:"file_id"`
	Mail    outbox.Ref `json:"mail"`
	CaseIDs []int64    `json:"case_ids"`
}

// ScheduleInput is the cycle's meeting, the schedule that follows from it
// and the stage the cycle is at.
type ScheduleInput struct {
	CycleID  int64          `json:"cycle_id"`
	Meeting  cycle.Meeting  `json:"meeting"`
	Stage    domain.Stage   `json:"stage"`
	Schedule cycle.Schedule `json:"schedule"`
	// Forum sends a forum's invitations, with the agenda.
	Forum bool `json:"forum,omitempty"`
}

// SavedSchedule is the saved meeting's invite sequence number and the
// invitations queued for it.
type SavedSchedule struct {
	Sequence int          `json:"sequence"`
	Invites  []outbox.Ref `json:"invites"`
}

// ConflictInput is a member's declaration of a conflict of interest.
type ConflictInput struct {
	CycleID      int64  `json:"cycle_id"`
	MemberID     int64  `json:"member_id"`
	CaseID       int64  `json:"case_id"`
	Note         string `json:"note"`
	AfterRelease bool   `json:"after_release"`
}

// ReviewInput is one save or submission of a member's review of a case.
type ReviewInput struct {
	CycleID  int64              `json:"cycle_id"`
	MemberID int64              `json:"member_id"`
	CaseID   int64              `json:"case_id"`
	Answers  reviewform.Answers `json:"answers"`
	Final    bool               `json:"final"`
	Late     bool               `json:"late"`
	Source   string             `json:"source"` // web, api or workbook
}

// ReminderInput asks for one review reminder to a member.
type ReminderInput struct {
	CycleID     int64     `json:"cycle_id"`
	MemberID    int64     `json:"member_id"`
	Deadline    time.Time `json:"deadline"`
	Outstanding int       `json:"outstanding"`
	// Key distinguishes the reminders of one member, e.g. "7d".
	Key string `json:"key"`
}

// Alert is a message to the cycle's coordinator.
type Alert struct {
	CycleID int64  `json:"cycle_id"`
	Kind    string `json:"kind"` // bounce, non_returns, identifying_detail, awaiting_approval, member_left
	// Key makes the alert idempotent, e.g. "bounce/42".
	Key      string `json:"key"`
	MemberID int64  `json:"member_id,omitempty"`
	CaseID   int64  `json:"case_id,omitempty"`
}

// NonReturn lists a member's reviews not returned by the deadline.
type NonReturn struct {
	MemberID int64   `json:"member_id"`
	CaseIDs  []int64 `json:"case_ids"`
}

// IdentifyingReport is a member's report that a case reveals identifying
// detail.
type IdentifyingReport struct {
	CycleID  int64  `json:"cycle_id"`
	MemberID int64  `json:"member_id"`
	CaseID   int64  `json:"case_id"`
	Detail   string `json:"detail"`
}

// IssuedMinutes is the issued minutes file and the emails carrying it.
type IssuedMinutes struct {
	FileID int64        `json:"file_id"`
	Mail   []outbox.Ref `json:"mail"`
}
