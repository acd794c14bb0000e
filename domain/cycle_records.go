package domain

import (
	"encoding/json"
	"time"
)

// The records of a review cycle that the store returns to more than one
// package: the cycle's activities and the member's pack.

// Cycle is a review cycle with its panel, Area and meeting.
type Cycle struct {
	ID                 int64
	WorkflowID         string
	PanelID            int64
	PanelName          string
	AreaID             int16
	AreaName           string
	CoordinatorName    string
	CoordinatorEmail   string
	WindowStart        time.Time
	WindowEnd          time.Time
	Seed               int64 // zero until the cases are drawn
	Quotas             CycleQuotas
	ReservesPerStratum int
	Stage              Stage
	// PanelKind is the panel's kind: a national panel draws from every Area.
	PanelKind PanelKind
	// ThemeFilter narrows the cases the cycle draws from.
	ThemeFilter ThemeFilter
	// Schedule is the workflow's schedule (cycle.Schedule) as JSON; the
	// store keeps it without reading it, except for ReviewsDue.
	Schedule   json.RawMessage
	ReviewsDue time.Time
	// The meeting, when one is saved.
	MeetingStart, MeetingEnd *time.Time
	MeetingLocation          string
	MeetingOnlineLink        string
}

// MeetingPlace is where the meeting is: its location, or else its online
// link.
func (c Cycle) MeetingPlace() string {
	if c.MeetingLocation != "" {
		return c.MeetingLocation
	}
	return c.MeetingOnlineLink
}

// Meeting is the meeting's start, or the zero time before one is saved.
func (c Cycle) Meeting() time.Time {
	if c.MeetingStart == nil {
		return time.Time{}
	}
	return *c.MeetingStart
}

// CycleQuotas is what the coordinator asked the draw for: cases per strand
// (or a total to share out), and how many months the window may widen.
type CycleQuotas struct {
	PerStrand   map[string]int `json:"per_strand"`
	Total       int            `json:"total"`
	WidenMonths int            `json:"widen_months"`
}

// PanelMember is a member as a cycle needs them: to write to, and to
// attribute reviews by role.
type PanelMember struct {
	ID    int64
	Name  string
	Email string
	Role  Role
	// LinkEpoch is the epoch the member's personal links are made in.
	LinkEpoch int
}

// CaseFacts are the anonymised fields of a case that a member's pack and
// the conflict teasers show. The field list matches workbook.PackCase, so
// one converts to the other.
type CaseFacts struct {
	CaseID                   int64
	Reference                string // pseudonymous, never the URN
	Category                 Category
	Strands                  []string // strand codes
	PrincipalOffence         string
	Outcome                  Outcome
	FinalisedOn              time.Time
	UpliftApplied            bool
	VictimPersonalStatement  bool
	CommunityImpactStatement bool
	SpecialMeasures          bool
	ComplainantAnonymity     bool
	Youth                    bool
	Summary                  string
}

// MatterArising is an action from an earlier cycle that a pack and the
// minutes report on. The field list matches workbook.ActionItem.
type MatterArising struct {
	Reference   string
	Description string
	Owner       string
	Status      string
	Response    string
	Due         time.Time
}
