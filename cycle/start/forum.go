package start

import (
	"maps"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/lsip/scrutiny/cycle"
	"github.com/lsip/scrutiny/store"
	"github.com/lsip/scrutiny/uktime"
)

// checkForum is Check for a forum's cycle, which reviews no cases: it
// takes no quotas, theme or timing, and its window is optional, the day
// of the meeting when not given (the window names the cycle's workflow and
// refuses a second cycle for it). The agenda is checked item by item.
// fields are the problems Check has already found with the panel.
func checkForum(req Request, by store.User, fields []Field) (cycle.CycleInput, *Refusal) {
	bad := func(field, msg string) { fields = append(fields, Field{Field: field, Message: msg}) }
	day := uktime.CalendarDay(req.Meeting.Start)
	start, end := day, day
	var err error
	if req.WindowStart != "" {
		if start, err = time.Parse(time.DateOnly, req.WindowStart); err != nil {
			bad("window_start", "must be a date as YYYY-MM-DD")
		}
	}
	if req.WindowEnd != "" {
		if end, err = time.Parse(time.DateOnly, req.WindowEnd); err != nil {
			bad("window_end", "must be a date as YYYY-MM-DD")
		}
	}
	if end.Before(start) {
		bad("window_end", "must not be before window_start")
	}
	if len(req.Quotas) > 0 || req.TotalQuota > 0 || req.ThemeFilter != nil {
		bad("quotas", "a forum reviews no cases, so it takes no quotas or theme")
	}
	if !req.Meeting.Start.After(time.Now()) {
		bad("meeting.start", "must be in the future")
	}
	if !req.Meeting.End.After(req.Meeting.Start) {
		bad("meeting.end", "must be after the start")
	}
	if strings.TrimSpace(req.Meeting.Location) == "" && strings.TrimSpace(req.Meeting.OnlineLink) == "" {
		bad("meeting.location", "give a place or an online link")
	}
	problems := cycle.AgendaProblems(req.Agenda)
	for _, field := range slices.Sorted(maps.Keys(problems)) {
		bad(field, problems[field])
	}
	if len(fields) > 0 {
		return cycle.CycleInput{}, &Refusal{Status: http.StatusBadRequest, Title: "The request is not valid", Detail: "Some fields need correcting.", Fields: fields}
	}
	return cycle.CycleInput{PanelID: req.PanelID, WindowStart: start, WindowEnd: end, Theme: req.Theme, Meeting: req.Meeting,
		Timing: cycle.Timing{}.WithDefaults(), StartedBy: by.Name, CoordinatorName: by.Name, CoordinatorEmail: by.Email,
		Forum: true, Agenda: req.Agenda}, nil
}
