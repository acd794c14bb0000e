package activities

import (
	"time"

	"github.com/lsip/scrutiny/reviewform"
)

// The types below cross the workflow/activity boundary, so they are
// recorded in workflow history: they carry IDs, counts, dates and short
// labels, never case summaries, workbooks or email bodies.

// CycleCase is one case in a cycle as the workflow tracks it.
type CycleCase struct {
	CaseID    int64  `json:"case_id"`
	Reference string `json:"reference"` // pseudonymous panel reference
	Stratum   string `json:"stratum"`
	Role      string `json:"role"`   // selected, reserve, carried_forward
	Status    string `json:"status"` // proposed, reserve, approved, withdrawn, unused_reserve, pulled
}

// StratumSummary is the selection record for one strand.
type StratumSummary struct {
	Strand    string `json:"strand"`
	Quota     int    `json:"quota"`
	Eligible  int    `json:"eligible"`
	Shortfall int    `json:"shortfall"`
	// Widened is true when the coordinator asked for a wider window and it
	// was used for this strand because of a shortfall.
	Widened bool `json:"widened"`
}

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
	Schedule           Schedule       `json:"schedule"`
}

// Schedule is every stage date of a cycle, derived from the meeting date.
type Schedule struct {
	ConflictCheck time.Time `json:"conflict_check"`
	PacksRelease  time.Time `json:"packs_release"`
	ReviewsDue    time.Time `json:"reviews_due"`
	Meeting       time.Time `json:"meeting"`
	AccessRevoked time.Time `json:"access_revoked"`
}

// SelectInput asks for the seeded draw of a cycle.
type SelectInput struct {
	CycleID int64 `json:"cycle_id"`
	Seed    int64 `json:"seed"`
}

// Selection is the outcome of the draw.
type Selection struct {
	Cases  []CycleCase      `json:"cases"`
	Strata []StratumSummary `json:"strata"`
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
	Replacement *CycleCase `json:"replacement,omitempty"`
}

// Meeting is the meeting's when and where.
type Meeting struct {
	Start      time.Time `json:"start"`
	End        time.Time `json:"end"`
	Location   string    `json:"location"`
	OnlineLink string    `json:"online_link"`
}

// SavedMeeting is the stored meeting with its invite sequence number.
type SavedMeeting struct {
	MeetingID int64 `json:"meeting_id"`
	Sequence  int   `json:"sequence"`
}

// MailRef is one queued email, to be delivered by DeliverMail.
type MailRef struct {
	OutboxID int64 `json:"outbox_id"`
	MemberID int64 `json:"member_id,omitempty"`
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

// Pack is a built and queued pack.
type Pack struct {
	FileID  int64   `json:"file_id"`
	Mail    MailRef `json:"mail"`
	CaseIDs []int64 `json:"case_ids"`
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

// StoredReview is a review as stored.
type StoredReview struct {
	CaseID    int64     `json:"case_id"`
	Status    string    `json:"status"`
	Version   int       `json:"version"`
	Late      bool      `json:"late"`
	UpdatedAt time.Time `json:"updated_at"`
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

// Attendance records who came to the meeting.
type Attendance struct {
	CycleID int64            `json:"cycle_id"`
	Status  map[int64]string `json:"status"` // member id -> present, apologies, absent
}

// Finding is the panel's finding on one case.
type Finding struct {
	CycleID    int64  `json:"cycle_id"`
	CaseID     int64  `json:"case_id"`
	Category   string `json:"category"`
	Rationale  string `json:"rationale"`
	RecordedBy string `json:"recorded_by"`
}

// LearningPoint is one learning point or piece of good practice.
type LearningPoint struct {
	ID           int64  `json:"id,omitempty"`
	CycleID      int64  `json:"cycle_id"`
	CaseID       int64  `json:"case_id,omitempty"`
	Text         string `json:"text"`
	Tag          string `json:"tag"` // prosecution, police, partners
	GoodPractice bool   `json:"good_practice"`
}

// ActionInput is an action agreed at the meeting.
type ActionInput struct {
	CycleID         int64     `json:"cycle_id"`
	CaseID          int64     `json:"case_id,omitempty"`
	LearningPointID int64     `json:"learning_point_id,omitempty"`
	Kind            string    `json:"kind"`     // recommendation, learning, information_request
	Audience        string    `json:"audience"` // prosecution, police, partners
	Description     string    `json:"description"`
	OwnerName       string    `json:"owner_name"`
	OwnerEmail      string    `json:"owner_email"`
	ManagerName     string    `json:"manager_name"`
	ManagerEmail    string    `json:"manager_email"`
	Due             time.Time `json:"due"`
}

// RecordedAction is a stored action.
type RecordedAction struct {
	ActionID int64 `json:"action_id"`
}

// IssuedMinutes is the issued minutes file and the emails carrying it.
type IssuedMinutes struct {
	FileID int64     `json:"file_id"`
	Mail   []MailRef `json:"mail"`
}
