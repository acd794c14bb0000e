package domain

import "time"

// LearningTheme is one entry of the common feedback framework's shared
// list of learning themes (docs/feedback-framework.md): built in, or added
// by an admin.
type LearningTheme struct {
	Code  string
	Label string
	// WelshLabel is the Welsh name an admin gave an added theme; empty
	// for a built-in theme (its Welsh name is in the catalogue) and for an
	// added one not yet given a Welsh name.
	WelshLabel string
	BuiltIn    bool
	CreatedBy  string
	CreatedAt  time.Time
}

// NoTheme is the theme key of learning points filed under no theme.
const NoTheme = ""

// Comparison is the cross-Area comparison for a period: the national
// figures first, then each Area the reader may see, by name.
type Comparison struct {
	From, To time.Time
	Sets     []ComparisonFigures
	// Themes is the shared list, to label LearningByTheme in order.
	Themes []LearningTheme
}

// ComparisonFigures are one Area's figures for the period, or the
// national ones (AreaID 0).
type ComparisonFigures struct {
	AreaID             int16
	Name               string
	CasesByStrand      map[string]int // strand code -> cases reviewed
	FindingsByCategory map[string]int // finding category -> cases
	LearningByTheme    map[string]int // theme code (NoTheme for none) -> learning points
	ActionsRaised      int            // raised in the period
	ActionsClosed      int            // completed in the period
	// ActionsOverdue are those due in the period (up to yesterday) that
	// were not completed by their due date; cancelled actions never count.
	ActionsOverdue int
	// MedianDaysToClose is over actions completed in the period; nil when none.
	MedianDaysToClose *float64
}
