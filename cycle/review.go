package cycle

import (
	"time"

	"github.com/lsip/scrutiny/reviewform"
)

// Names of the member-review workflow's update and signals.
const (
	UpdateSaveReview = "save-review"
	QueryReview      = "review-status"

	SignalRescheduleReview = "reschedule"
	SignalRemoveCase       = "remove-case"
	SignalLeave            = "leave"
	SignalCloseReview      = "close"
)

// MemberReviewInput starts one member's review of their pack.
type MemberReviewInput struct {
	CycleID      int64           `json:"cycle_id"`
	MemberID     int64           `json:"member_id"`
	CaseIDs      []int64         `json:"case_ids"`
	Deadline     time.Time       `json:"deadline"`
	MeetingStart time.Time       `json:"meeting_start"`
	Reminders    []time.Duration `json:"reminders"`
}

// ReviewSubmission is one save (a draft) or submission of a case's review.
type ReviewSubmission struct {
	CaseID  int64              `json:"case_id"`
	Answers reviewform.Answers `json:"answers"`
	Final   bool               `json:"final"`
	Source  string             `json:"source"` // web, api or workbook
}
