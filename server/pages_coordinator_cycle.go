package server

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/lsip/scrutiny/cycle"
	"github.com/lsip/scrutiny/domain"
	"github.com/lsip/scrutiny/store"
	"github.com/lsip/scrutiny/uktime"
)

// cycleView is what the cycle page shows: the cycle's status, and the
// members' replies to the meeting invitation.
type cycleView struct {
	cycle.CycleStatus
	RSVPs []store.RSVP
}

// CanReschedule reports whether the meeting may still be moved, in the
// stages the workflow's validator allows.
func (v cycleView) CanReschedule() bool {
	return slices.Contains([]domain.Stage{domain.StageSelecting, domain.StageCoordinatorCheck, domain.StageConflictCheck, domain.StageReviewing}, v.Stage)
}

// Running reports whether the cycle is still running.
func (v cycleView) Running() bool {
	return v.Stage != domain.StageClosed && v.Stage != domain.StageCancelled
}

// rescheduleView is the reschedule page: the meeting as typed and each
// stage's date before and after.
type rescheduleView struct {
	CycleID                            int64
	Start, Hours, Location, OnlineLink string
	Moves                              []stageMove
}

// stageMove is one stage's date before and after a reschedule. Passed
// stages have happened already, so moving them changes nothing.
type stageMove struct {
	Stage         string
	Before, After time.Time
	Passed        bool
}

// timingOf recovers the cycle's timing from its schedule, so the new dates
// are computed exactly as the workflow will compute them.
func timingOf(s cycle.Schedule) cycle.Timing {
	return cycle.Timing{ConflictCheckBefore: s.Meeting.Sub(s.ConflictCheck), PacksBefore: s.Meeting.Sub(s.PacksRelease),
		ReviewsDueBefore: s.Meeting.Sub(s.ReviewsDue), RevokeAfter: s.AccessRevoked.Sub(s.Meeting)}
}

// meetingFromForm reads a meeting's start (UK time), length, place and
// online link from a form, naming each field that is not valid.
func meetingFromForm(c *gin.Context) (cycle.Meeting, []FieldError) {
	m := cycle.Meeting{Location: strings.TrimSpace(c.PostForm("location")), OnlineLink: strings.TrimSpace(c.PostForm("online_link"))}
	var errs []FieldError
	start, err := time.ParseInLocation("2006-01-02 15:04", strings.TrimSpace(c.PostForm("meeting_start")), uktime.London)
	if err != nil {
		errs = append(errs, FieldError{Field: "meeting.start", Message: "Give the meeting's date and time as YYYY-MM-DD HH:MM"})
	} else if !start.After(time.Now()) {
		errs = append(errs, FieldError{Field: "meeting.start", Message: "The meeting must start in the future"})
	}
	hours, err := strconv.ParseFloat(c.PostForm("hours"), 64)
	if err != nil || hours <= 0 {
		hours = 2
	}
	m.Start, m.End = start, start.Add(time.Duration(hours*float64(time.Hour)))
	if m.Location == "" && m.OnlineLink == "" {
		errs = append(errs, FieldError{Field: "meeting.location", Message: "Give a place or an online link for the meeting"})
	}
	return m, errs
}

// rescheduleSubmit shows what a new meeting date moves (each stage's date
// before and after, by cycle.Timing.ScheduleFor), and on confirmation
// sends the schedule-meeting update the API sends.
func (s *Server) rescheduleSubmit(c *gin.Context) {
	cr, p := s.findCycle(c)
	if p != nil {
		errorPage(c, *p, "/cycles", "Back to cycles")
		return
	}
	m, errs := meetingFromForm(c)
	if len(errs) > 0 {
		s.renderCycle(c, cr, http.StatusUnprocessableEntity, errs)
		return
	}
	if c.PostForm("confirm") == "yes" {
		if p := s.runUpdate(c.Request.Context(), cr.WorkflowID, cycle.UpdateScheduleMeeting, m, nil); p != nil {
			s.renderCycle(c, cr, p.Status, []FieldError{{Field: "main", Message: p.Detail}})
			return
		}
		done := "The meeting is moved to " + uktime.Time(m.Start) + ". Every date moved with it and the members are sent the new invitation."
		c.Redirect(http.StatusSeeOther, fmt.Sprintf("/cycles/%d?done=%s", cr.ID, url.QueryEscape(done)))
		return
	}
	st, err := s.statusOf(c.Request.Context(), cr)
	if err != nil {
		s.pageError(c, err)
		return
	}
	before := st.Schedule
	after := timingOf(before).ScheduleFor(m.Start)
	now := time.Now()
	v := rescheduleView{CycleID: cr.ID, Start: c.PostForm("meeting_start"), Hours: c.PostForm("hours"), Location: m.Location, OnlineLink: m.OnlineLink}
	for _, x := range []struct {
		stage         string
		before, after time.Time
	}{
		{"Conflict of interest check", before.ConflictCheck, after.ConflictCheck},
		{"Packs sent to members", before.PacksRelease, after.PacksRelease},
		{"Reviews due", before.ReviewsDue, after.ReviewsDue},
		{"Meeting", before.Meeting, after.Meeting},
		{"Members' access ends", before.AccessRevoked, after.AccessRevoked},
	} {
		v.Moves = append(v.Moves, stageMove{Stage: x.stage, Before: x.before, After: x.after, Passed: x.before.Before(now)})
	}
	render(c, http.StatusOK, "cycle_reschedule.html", s.staffPage(c, page{Title: fmt.Sprintf("Move the meeting of cycle %d", cr.ID), Page: v}))
}

// memberLeaveSubmit makes a member leave the panel mid-cycle, as the API's
// leave route does: their access ends and every running cycle is told.
func (s *Server) memberLeaveSubmit(c *gin.Context) {
	cr, p := s.findCycle(c)
	if p != nil {
		errorPage(c, *p, "/cycles", "Back to cycles")
		return
	}
	if c.PostForm("member_id") == "" {
		s.renderCycle(c, cr, http.StatusUnprocessableEntity, []FieldError{{Field: "member_id", Message: "Choose the member who is leaving"}})
		return
	}
	n, p := s.memberLeaves(c, cr, c.PostForm("member_id"))
	if p != nil {
		s.renderCycle(c, cr, p.Status, []FieldError{{Field: "member_id", Message: p.Detail}})
		return
	}
	done := fmt.Sprintf("The member has left the panel: their access has ended, and %d running %s their open reviews and stopped their reminders.",
		n, plural(n, "cycle excused", "cycles excused"))
	c.Redirect(http.StatusSeeOther, fmt.Sprintf("/cycles/%d?done=%s", cr.ID, url.QueryEscape(done)))
}

// governanceView is the governance report page: the period as typed.
type governanceView struct{ From, To string }

// governancePage offers the governance report for a period.
func (s *Server) governancePage(c *gin.Context) {
	year := time.Now().In(uktime.London).Year()
	v := governanceView{From: fmt.Sprintf("%d-04-01", year-1), To: fmt.Sprintf("%d-03-31", year)}
	render(c, http.StatusOK, "governance_report.html", s.staffPage(c, page{Title: "Governance report", Page: v}))
}

// governanceDownload builds the report as the API does, or shows the form
// again with what is wrong with the period.
func (s *Server) governanceDownload(c *gin.Context) {
	from, to, fields := reportPeriod(c.Query)
	if len(fields) > 0 {
		errs := make([]FieldError, len(fields))
		for i, f := range fields {
			errs[i] = FieldError{Field: f.Field, Message: map[string]string{"from": "From", "to": "To"}[f.Field] + " " + f.Message}
		}
		render(c, http.StatusUnprocessableEntity, "governance_report.html", s.staffPage(c, page{Title: "Governance report",
			Page: governanceView{From: c.Query("from"), To: c.Query("to")}, Errors: errs, FieldErrors: fieldMap(errs)}))
		return
	}
	data, err := s.governanceWorkbook(c, from, to)
	if err != nil {
		s.pageError(c, err)
		return
	}
	sendGovernanceReport(c, from, to, data)
}
