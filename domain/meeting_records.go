package domain

import "time"

// The records the chair and the coordinator read before and at the
// meeting: what the members submitted on each case, added up and
// attributed by panel role only. A member's name never reaches them, and
// neither does a draft.

// MeetingCase is one approved case of a cycle as the meeting's index
// lists it.
type MeetingCase struct {
	CaseID           int64
	Reference        string // pseudonymous, never the URN
	PrincipalOffence string
	// Submitted counts the reviews the members have sent; InPacks the
	// reviews in members' packs, excused ones left out.
	Submitted, InPacks int
	// Finding is the panel's finding (a review form category key), empty
	// until it is recorded.
	Finding string
}

// MeetingReviews is what the members submitted on one case: the ratings
// and suggested findings counted, the comments by role.
type MeetingReviews struct {
	Case CaseFacts
	// Submitted counts the reviews sent; Awaited those in packs, neither
	// sent nor excused, whose content is not shown.
	Submitted, Awaited int
	// Ratings counts, for each question key, the members giving each
	// rating key.
	Ratings map[string]map[string]int
	// Suggested counts the members suggesting each finding category key.
	Suggested map[string]int
	// Comments are in the order of the panel's roles (chair, member,
	// adviser, staff).
	Comments []RoleComment
	// Finding is the panel's finding, nil until it is recorded.
	Finding *PanelFinding
}

// RoleComment is one member's words on a case, attributed by their panel
// role only. Field names what they answer as the review form names it:
// "comments.<question key>" or a free-text field such as "concerns".
type RoleComment struct {
	Role  Role
	Field string
	Text  string
}

// PanelFinding is the finding the panel recorded on a case.
type PanelFinding struct {
	Category   string // a review form category key
	Rationale  string
	RecordedBy string
	RecordedAt time.Time
}

// StaffContact is a staff account to write to.
type StaffContact struct {
	ID          int64
	Name, Email string
}
