// Package boardreport is the six-monthly report to the prosecution
// service's Board: the governance figures for the last six months, the
// cross-Area comparison with its charts and the progress of actions, with
// no case detail and every figure under 5 shown as "fewer than 5". It holds
// the contract (workflow name, period) and the one way the report is built
// (for the schedule and on demand) and scheduled; the workflow and its
// activities are in boardflow, which the server never imports.
package boardreport

import (
	"context"
	"time"

	"github.com/lsip/scrutiny/domain"
	"github.com/lsip/scrutiny/store"
	"github.com/lsip/scrutiny/uktime"
	"github.com/lsip/scrutiny/workbook"
)

// ScheduleID is the one Temporal Schedule of the Board report; the page
// that sets it up creates or updates it under this fixed ID.
const ScheduleID = "six-monthly-board-report"

// WorkflowName is the Board report workflow's type name, as recorded in
// the history of its runs.
const WorkflowName = "BoardReportWorkflow"

// Period is the report's date range, both days included, as YYYY-MM-DD.
type Period struct {
	From string `json:"from"`
	To   string `json:"to"`
}

// PeriodBefore is the six months before the UK calendar day of now: a run
// on 1 April 2027 reports 1 October 2026 to 31 March 2027.
func PeriodBefore(now time.Time) Period {
	day := uktime.CalendarDay(now)
	return Period{From: day.AddDate(0, -6, 0).Format(time.DateOnly), To: day.AddDate(0, 0, -1).Format(time.DateOnly)}
}

// Dates are the period's days as dates.
func (p Period) Dates() (from, to time.Time, err error) {
	if from, err = time.Parse(time.DateOnly, p.From); err != nil {
		return from, to, err
	}
	to, err = time.Parse(time.DateOnly, p.To)
	return from, to, err
}

// Filename is the report's file name for the period.
func Filename(from, to time.Time) string {
	return "board-report-" + from.Format(time.DateOnly) + "-to-" + to.Format(time.DateOnly) + ".xlsx"
}

// Build is the one way the Board report is built, on schedule or on
// demand: nationally and for every Area (the Board sees all of them),
// suppressed throughout.
func Build(ctx context.Context, st *store.Store, from, to time.Time) ([]byte, error) {
	all := store.ScopeOf(store.User{Role: domain.StaffAdmin})
	cmp, err := st.Comparison(ctx, all, from, to)
	if err != nil {
		return nil, err
	}
	national, err := st.GovernanceFigures(ctx, from, to, nil, "National")
	if err != nil {
		return nil, err
	}
	gov := []domain.Figures{national}
	areas, err := st.AreasIn(ctx, all)
	if err != nil {
		return nil, err
	}
	for _, a := range areas {
		fig, err := st.GovernanceFigures(ctx, from, to, &a.ID, a.Name)
		if err != nil {
			return nil, err
		}
		gov = append(gov, fig)
	}
	return workbook.BuildBoardReport(workbook.BoardReport{Governance: gov, Comparison: cmp})
}
