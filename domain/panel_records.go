package domain

import "time"

// The records the staff API and pages list and look up: panels, their
// members, closed cases and review cycles, and what a member's personal
// link opens. The store returns them and the server writes them as JSON,
// so their JSON field names are part of the API.

// Panel is a panel as listed, with its strands and how many members are
// active.
type Panel struct {
	ID      int64    `json:"id"`
	Name    string   `json:"name"`
	Area    string   `json:"area"`
	Covers  string   `json:"covers"` // hate_crime, vawg or both
	Strands []string `json:"strands"`
	Members int      `json:"members"`
	// Kind is local, national or forum; a national panel's Area hosts it.
	Kind PanelKind `json:"kind"`
	// Active is false once an admin has closed the panel: it starts no
	// new cycles, and its cycles and members stay on record.
	Active bool `json:"active"`
	// Bilingual panels (in Wales) write every member email in Welsh then
	// English, whatever each member's own language.
	Bilingual bool `json:"bilingual"`
}

// NewPanel is a panel as an admin creates it; the strands are codes
// already checked against what the panel covers.
type NewPanel struct {
	AreaCode string
	Name     string
	Covers   string
	Strands  []string
	Kind     PanelKind // "" is local
	// Bilingual writes every member email in Welsh then English.
	Bilingual bool
}

// PanelRef is what starting a cycle needs of a panel: its Area, for the
// scope, the strands it reviews, and whether it is still open (a closed
// panel starts no cycles).
type PanelRef struct {
	ID      int64
	AreaID  int16
	Strands []string
	Active  bool
	Kind    PanelKind
}

// PanelChange is an admin's edit of a panel: its name, what it covers and
// its strands, already checked against each other.
type PanelChange struct {
	Name      string
	Covers    string
	Strands   []string
	Bilingual bool
}

// Member is a panel member as the coordinator manages them.
type Member struct {
	ID                      int64   `json:"id"`
	Name                    string  `json:"name"`
	Email                   string  `json:"email"`
	Role                    Role    `json:"role"`
	Active                  bool    `json:"active"`
	ConfidentialitySignedOn *string `json:"confidentiality_signed_on"` // YYYY-MM-DD
	Language                string  `json:"language"`                  // en or cy
	Unreachable             bool    `json:"unreachable"`               // their mail bounced
}

// NewMember is a member as a coordinator adds them, already checked.
type NewMember struct {
	Name     string
	Email    string
	Role     Role
	Language string
}

// MemberChange changes a member; nil fields stay as they are. The
// confidentiality agreement is not among them: members accept it
// themselves on their personal page.
type MemberChange struct {
	Name     *string
	Role     *Role
	Email    *string
	Active   *bool
	Language *string
}

// CaseListing is a closed case as a search lists it: anonymised fields
// only, never a URN or summary.
type CaseListing struct {
	ID        int64    `json:"id"`
	Area      string   `json:"area"`
	Reference string   `json:"reference"`
	Category  Category `json:"category"`
	Strands   []string `json:"strands"`
	Offence   string   `json:"principal_offence"`
	Finalised string   `json:"finalised_on"` // YYYY-MM-DD
	Outcome   Outcome  `json:"outcome"`
	// Eligible: not withdrawn, and nothing pending that keeps it from a
	// panel.
	Eligible bool `json:"eligible"`
}

// CycleListing is a review cycle as the cycle list shows it.
type CycleListing struct {
	ID          int64     `json:"id"`
	Panel       string    `json:"panel"`
	WindowStart string    `json:"window_start"` // YYYY-MM-DD
	WindowEnd   string    `json:"window_end"`
	Stage       Stage     `json:"stage"`
	Meeting     time.Time `json:"meeting"` // the Unix epoch before one is set
	NotReturned int       `json:"reviews_not_returned"`
}

// CycleRef is what access checks and routing need of a cycle.
type CycleRef struct {
	ID         int64
	WorkflowID string
	Stage      Stage
	PanelID    int64
	AreaID     int16
}

// Finished reports whether the cycle's workflow has ended, so its status
// is the stored record rather than the workflow's answer.
func (c CycleRef) Finished() bool { return c.Stage == StageClosed || c.Stage == StageCancelled }

// MemberLink is what a member's personal link opens, as the database has
// it now: a link stops working as soon as the member leaves or the cycle's
// access ends.
type MemberLink struct {
	Name    string
	PanelID int64
	Active  bool // a member still, and not left
	Revoked bool // the cycle's access revoked, or the cycle over
	Epoch   int  // the member's link epoch: links from earlier ones are refused
}

// MemberCycle is the head of a member's page: their panel's cycle and
// their part in it.
type MemberCycle struct {
	Panel      string
	Stage      Stage
	Meeting    time.Time // the Unix epoch before one is set
	ReviewsDue time.Time
	Response   string // attending, apologies, or "" before they answer
	Released   bool   // their pack has been released to them
}

// PackCase is a case on a member's page: before release only the
// non-identifying teaser, after release the review status too.
type PackCase struct {
	CaseID       int64
	Reference    string
	Strands      string   // labels, comma-separated
	StrandCodes  []string // the same strands' codes, in the same order
	Offence      string
	Outcome      Outcome
	Finalised    string // month and year, in English
	FinalisedOn  time.Time
	ReviewStatus ReviewStatus
	Conflicted   bool
}

// CaseReview is one case of a member's released pack with the member's
// review of it. Answers is the review form's JSON, empty before any save.
type CaseReview struct {
	CaseID       int64
	Reference    string
	Summary      string
	ReviewStatus ReviewStatus
	Answers      []byte
}

// AreaRef is a CPS Area as the database numbers it.
type AreaRef struct {
	ID   int16
	Code string
	Name string
}

// TimelineEntry is one event on an action's stored timeline.
type TimelineEntry struct {
	At     time.Time
	Actor  string
	Kind   string
	Detail string // the event's text, if it has one, in English
	// Data is what the event stored beside its text, so that a reader's
	// page can word it in their own language: an extension request's "to"
	// (date) and "reason"; a decision's "to" (the date asked for), "note",
	// and "due" (declined: the date that stays) or "from" (approved: the
	// date moved from); a reassignment's owner names "from" and "to", and
	// "language". Dates are YYYY-MM-DD. Events recorded before the action
	// workflow stored these have none.
	Data map[string]string
}
