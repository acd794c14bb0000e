package cycle

import (
	"time"

	"github.com/lsip/scrutiny/domain"
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
	// ContinueAsNewAfter, when positive, continues as new once a run has
	// saved that many reviews (for tests). Whatever it is, the workflow
	// continues as new when Temporal suggests it or its history grows long.
	ContinueAsNewAfter int `json:"continue_as_new_after,omitempty"`
	// State carries the review across continue-as-new; the first run has
	// none and starts every case outstanding.
	State *MemberReviewState `json:"state,omitempty"`
	// Direct: the server saves this member's reviews straight into the
	// store (CycleInput.DirectReviews), so the workflow takes no saves and
	// asks the store what is unfinished when a reminder is due.
	Direct bool `json:"direct,omitempty"`
}

// MemberReviewState is a member's review as one run hands it to the next.
type MemberReviewState struct {
	Status   map[int64]domain.ReviewStatus `json:"status"`
	Late     map[int64]bool                `json:"late,omitempty"`
	Reminded []time.Duration               `json:"reminded,omitempty"` // reminder offsets already dealt with
	Runs     int                           `json:"runs"`               // earlier runs of this review
}

// ReviewSubmission is one save (a draft) or submission of a case's review.
type ReviewSubmission struct {
	CaseID  int64              `json:"case_id"`
	Answers reviewform.Answers `json:"answers"`
	Final   bool               `json:"final"`
	Source  string             `json:"source"` // web, api or workbook
}
