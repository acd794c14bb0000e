package domain

import "time"

// The plain records that cross packages: the store returns them, and the
// workbooks, imports, pages and workflows read them.

// CaseRecord is one closed case as it arrives from an Area's extract (or the
// demo generator), already validated.
type CaseRecord struct {
	AreaCode                 string
	Reference                string // pseudonymous panel reference, unique per Area
	URN                      string // restricted case-system reference; stays in case_urns
	Category                 Category
	Strands                  []string
	PrincipalOffence         string
	FinalisedOn              time.Time
	Outcome                  Outcome
	UpliftApplied            bool
	VictimPersonalStatement  bool
	CommunityImpactStatement bool
	SpecialMeasures          bool
	AppealPending            bool
	VRRPending               bool
	CodefendantOutstanding   bool
	ComplainantAnonymity     bool
	// Youth is a youth case: the defendant was under 18.
	Youth bool
	// The coded attributes a theme selects on (docs/case-import.md).
	VictimGroup     VictimGroup // "" when flagged for none
	YouthVictim     bool        // a victim was under 18
	OnlineOffending bool        // the offending was wholly or partly online
	Summary         string
}

// ActionRow is one action in a list.
type ActionRow struct {
	ID          int64        `json:"id"`
	Panel       string       `json:"panel"`
	Area        string       `json:"area"`
	Description string       `json:"description"`
	Kind        string       `json:"kind"`
	Audience    string       `json:"audience"`
	OwnerName   string       `json:"owner_name"`
	ManagerName string       `json:"manager_name"`
	Due         time.Time    `json:"due"`
	Status      ActionStatus `json:"status"`
	Response    string       `json:"response,omitempty"`
	Overdue     bool         `json:"overdue"`
}

// Figures are the governance figures for one Area, or nationally.
type Figures struct {
	Name           string
	Cycles         int
	CasesByStrand  map[string]map[string]int // strand -> outcome -> cases reviewed
	Findings       map[string]int            // category -> cases
	ActionsRaised  int
	ActionsClosed  int
	ActionsOpen    int
	ActionsOverdue int
	// MedianDaysToClose is over actions closed in the period; nil when none.
	MedianDaysToClose *float64
	LearningByTag     map[string][]string // tag -> learning points
}
