package cycle

import (
	"time"
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

// Schedule is every stage date of a cycle, derived from the meeting date.
type Schedule struct {
	ConflictCheck time.Time `json:"conflict_check"`
	PacksRelease  time.Time `json:"packs_release"`
	ReviewsDue    time.Time `json:"reviews_due"`
	Meeting       time.Time `json:"meeting"`
	AccessRevoked time.Time `json:"access_revoked"`
}

// Meeting is the meeting's when and where.
type Meeting struct {
	Start      time.Time `json:"start"`
	End        time.Time `json:"end"`
	Location   string    `json:"location"`
	OnlineLink string    `json:"online_link"`
}

// StoredReview is a review as stored.
type StoredReview struct {
	CaseID    int64     `json:"case_id"`
	Status    string    `json:"status"`
	Version   int       `json:"version"`
	Late      bool      `json:"late"`
	UpdatedAt time.Time `json:"updated_at"`
}

// Attendance records who came to the meeting.
type Attendance struct {
	CycleID int64            `json:"cycle_id"`
	Status  map[int64]string `json:"status"` // member id -> present, apologies, absent
	// By is the email of the person recording it, for the audit log.
	By string `json:"by,omitempty"`
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
	By           string `json:"by,omitempty"` // email of the person adding it, for the audit log
	// Theme is the code of its theme on the shared list
	// (docs/feedback-framework.md); empty for none.
	Theme string `json:"theme,omitempty"`
}

// AgreedAction is an action the panel agreed at the meeting, as the chair
// or coordinator records it. Recording it starts its tracking (see package
// action).
type AgreedAction struct {
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
	// Area is, for a national panel, the code of the Area that owns the
	// action, whose manager board then shows it; empty means the panel's
	// Area. A local panel's actions are always its Area's.
	Area string `json:"area,omitempty"`
	// OwnerLanguage is the language the owner is written to in: "en" or
	// "cy"; empty means English.
	OwnerLanguage string `json:"owner_language,omitempty"`
	// By is the email of the person recording it, for the audit log.
	By string `json:"by,omitempty"`
}

// RecordedAction is a stored action.
type RecordedAction struct {
	ActionID int64 `json:"action_id"`
}

// AgendaItem is one item of a forum meeting's agenda: a short title, who
// leads it and how many minutes it is given. Notes are the discussion's,
// recorded at the meeting.
type AgendaItem struct {
	Title   string `json:"title"`
	Lead    string `json:"lead,omitempty"`
	Minutes int    `json:"minutes,omitempty"`
	Notes   string `json:"notes,omitempty"`
}

// SetAgendaRequest replaces a forum's agenda before its meeting.
type SetAgendaRequest struct {
	Items []AgendaItem `json:"items"`
	By    string       `json:"by,omitempty"`
}

// AgendaNotes records the discussion of one agenda item (Item counts
// from 1) at a forum's meeting; recording again replaces it.
type AgendaNotes struct {
	Item  int    `json:"item"`
	Notes string `json:"notes"`
	By    string `json:"by,omitempty"`
}
