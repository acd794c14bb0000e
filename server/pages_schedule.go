package server

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"
	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/api/serviceerror"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/temporal"

	"github.com/lsip/scrutiny/cycle/recurring"
	"github.com/lsip/scrutiny/cycle/start"
	"github.com/lsip/scrutiny/domain"
	"github.com/lsip/scrutiny/store"
	"github.com/lsip/scrutiny/uktime"
)

// The recurring-cycle page: a coordinator gives a panel a calendar (for
// example the first Monday of every quarter at 09:00) on which a Temporal
// Schedule starts a review cycle through start.Cycle, as the start-a-cycle
// form does; they see its next runs, pause, resume and delete it. The
// settings live in PostgreSQL (store.CycleSchedule); the schedule itself
// carries only the panel's ID.

func (s *Server) schedulePageRoutes() {
	staff := s.engine.Group("", s.requireSession)
	staff.GET("/panels/:id/schedule", requireRole(coordinatorOnly), s.schedulePage)
	staff.POST("/panels/:id/schedule", requireRole(coordinatorOnly), s.scheduleSubmit)
	staff.POST("/panels/:id/schedule/pause", requireRole(coordinatorOnly), s.schedulePause(true))
	staff.POST("/panels/:id/schedule/unpause", requireRole(coordinatorOnly), s.schedulePause(false))
	staff.POST("/panels/:id/schedule/delete", requireRole(coordinatorOnly), s.scheduleDelete)
}

// scheduleView is the page's data. Schedule is nil when the panel has no
// recurring cycle; Missing says the settings are stored but Temporal has
// no schedule for them (its creation failed), so the form is shown again.
type scheduleView struct {
	Panel    domain.Panel
	Schedule *store.CycleSchedule
	Missing  bool
	Summary  string
	Paused   bool
	Note     string
	NextRuns []time.Time
	LastRun  time.Time
	// MeetingAt is the stored meeting time as HH:MM.
	MeetingAt string
	// Groups are the form's fields, as typed, in their fieldsets.
	Groups []formGroup
}

// schedulePage shows the panel's recurring cycle, or the form to set one
// up.
func (s *Server) schedulePage(c *gin.Context) {
	s.renderSchedule(c, http.StatusOK, nil, nil)
}

// renderSchedule shows the page; form, when not nil, is the form as typed
// with errs beside its fields.
func (s *Server) renderSchedule(c *gin.Context, status int, form *scheduleForm, errs []FieldError) {
	ctx := c.Request.Context()
	panel, ok := s.schedulePanel(c)
	if !ok {
		return
	}
	v := scheduleView{Panel: panel}
	f := defaultScheduleForm()
	cs, err := s.deps.Store.CycleScheduleOf(ctx, panel.ID)
	switch {
	case errors.Is(err, store.ErrNotFound):
	case err != nil:
		s.pageError(c, err)
		return
	default:
		v.Schedule, v.Summary, v.MeetingAt = &cs, describeSchedule(cs), clock(cs.MeetingAt)
		tctx, cancel := s.temporalContext(ctx)
		d, err := s.deps.Temporal.ScheduleClient().GetHandle(tctx, recurring.ScheduleID(panel.ID)).Describe(tctx)
		cancel()
		var notFound *serviceerror.NotFound
		switch {
		case errors.As(err, &notFound):
			v.Missing, f = true, formOf(cs)
		case err != nil:
			s.temporalPageError(c, err)
			return
		default:
			if d.Schedule.State != nil {
				v.Paused, v.Note = d.Schedule.State.Paused, d.Schedule.State.Note
			}
			v.NextRuns = d.Info.NextActionTimes
			if n := len(d.Info.RecentActions); n > 0 {
				v.LastRun = d.Info.RecentActions[n-1].ActualTime
			}
		}
	}
	if form != nil {
		f = *form
	}
	v.Groups = f.groups(panel.Kind)
	render(c, status, "schedule.html", s.staffPage(c, page{Title: panel.Name + ": recurring cycles", Page: v, Errors: errs, FieldErrors: fieldMap(errs), Flash: c.Query("done")}))
}

// schedulePanel finds the panel in the path within the user's scope, or
// shows why not.
func (s *Server) schedulePanel(c *gin.Context) (domain.Panel, bool) {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	var panel domain.Panel
	if err == nil {
		panel, err = s.deps.Store.PanelByID(c.Request.Context(), userScope(c), id)
	} else {
		err = store.ErrNotFound
	}
	if err != nil {
		errorPage(c, lookupProblem(c, err, "The panel"), "/members", "Back to panels")
		return panel, false
	}
	return panel, true
}

// scheduleSubmit stores the panel's recurring cycle and creates (or
// brings up to date) its Temporal Schedule. The settings are first checked
// as the start-a-cycle form checks a cycle, for the next run, so a
// schedule that could never start a cycle is refused now, beside the
// field, rather than at three in the morning.
func (s *Server) scheduleSubmit(c *gin.Context) {
	ctx := c.Request.Context()
	panel, ok := s.schedulePanel(c)
	if !ok {
		return
	}
	f := readScheduleForm(c)
	cs, errs := f.schedule(panel)
	if !panel.Active {
		errs = append(errs, FieldError{Field: "main", Message: "This panel is closed and starts no new cycles."})
	}
	u := currentUser(c)
	if len(errs) == 0 {
		cs.Owner = u
		if _, r := start.Check(ctx, s.deps.Store, u, recurring.Request(cs, recurring.NextRun(cs, time.Now()))); r != nil {
			if r.Err != nil {
				p := refusalProblem(c, r)
				errorPage(c, p, "/members", "Back to panels")
				return
			}
			errs = scheduleFieldErrors(r.Fields)
		}
	}
	if len(errs) > 0 {
		s.renderSchedule(c, http.StatusUnprocessableEntity, &f, errs)
		return
	}
	if err := s.deps.Store.SaveCycleSchedule(ctx, cs, u.Email); err != nil {
		s.pageError(c, err)
		return
	}
	if err := s.ensureCycleSchedule(c, cs); err != nil {
		s.temporalPageError(c, err)
		return
	}
	done := "The recurring cycle is set up. Its first run is " + uktime.Time(recurring.NextRun(cs, time.Now())) + "."
	c.Redirect(http.StatusSeeOther, fmt.Sprintf("/panels/%d/schedule?done=%s", panel.ID, url.QueryEscape(done)))
}

// ensureCycleSchedule creates the panel's schedule, or, when it already
// exists (the form was sent twice, or settings are being re-saved), brings
// its calendar and action in line: either way there is one schedule per
// panel. Overlapping runs are skipped. Both calls together wait no
// longer than the server's Temporal deadline.
func (s *Server) ensureCycleSchedule(c *gin.Context, cs store.CycleSchedule) error {
	ctx, cancel := s.temporalContext(c.Request.Context())
	defer cancel()
	id := recurring.ScheduleID(cs.PanelID)
	spec := recurring.Spec(cs)
	action := &client.ScheduleWorkflowAction{ID: recurring.WorkflowID(cs.PanelID), Workflow: recurring.WorkflowName,
		Args: []any{recurring.Input{PanelID: cs.PanelID}}, TaskQueue: s.deps.Config.TaskQueue}
	_, err := s.deps.Temporal.ScheduleClient().Create(ctx, client.ScheduleOptions{ID: id, Spec: spec, Action: action, Overlap: enumspb.SCHEDULE_OVERLAP_POLICY_SKIP})
	if !errors.Is(err, temporal.ErrScheduleAlreadyRunning) {
		return err
	}
	return s.deps.Temporal.ScheduleClient().GetHandle(ctx, id).Update(ctx, client.ScheduleUpdateOptions{
		DoUpdate: func(in client.ScheduleUpdateInput) (*client.ScheduleUpdate, error) {
			sch := in.Description.Schedule
			sch.Spec, sch.Action = &spec, action
			if sch.Policy == nil {
				sch.Policy = &client.SchedulePolicies{}
			}
			sch.Policy.Overlap = enumspb.SCHEDULE_OVERLAP_POLICY_SKIP
			return &client.ScheduleUpdate{Schedule: &sch}, nil
		}})
}

// schedulePause returns the handler that pauses (or resumes) the panel's
// schedule, noting who did it, and audits the change.
func (s *Server) schedulePause(pause bool) gin.HandlerFunc {
	return func(c *gin.Context) {
		ctx := c.Request.Context()
		panel, ok := s.schedulePanel(c)
		if !ok {
			return
		}
		u := currentUser(c)
		tctx, cancel := s.temporalContext(ctx)
		defer cancel()
		h := s.deps.Temporal.ScheduleClient().GetHandle(tctx, recurring.ScheduleID(panel.ID))
		action, done := "cycle_schedule_resumed", "The recurring cycle is running again."
		var err error
		if pause {
			action, done = "cycle_schedule_paused", "The recurring cycle is paused: no cycle starts until it is resumed."
			err = h.Pause(tctx, client.SchedulePauseOptions{Note: "Paused by " + u.Name})
		} else {
			err = h.Unpause(tctx, client.ScheduleUnpauseOptions{Note: "Resumed by " + u.Name})
		}
		var notFound *serviceerror.NotFound
		if errors.As(err, &notFound) {
			s.renderSchedule(c, http.StatusNotFound, nil, []FieldError{{Field: "main", Message: "This panel has no recurring cycle to pause or resume."}})
			return
		}
		if err != nil {
			s.temporalPageError(c, err)
			return
		}
		if err := s.deps.Store.Audit(ctx, u.Email, action, "panel", strconv.FormatInt(panel.ID, 10), nil); err != nil {
			s.pageError(c, err)
			return
		}
		c.Redirect(http.StatusSeeOther, fmt.Sprintf("/panels/%d/schedule?done=%s", panel.ID, url.QueryEscape(done)))
	}
}

// scheduleDelete deletes the panel's schedule and its settings; cycles it
// has started carry on. Deleting one that is already gone succeeds.
func (s *Server) scheduleDelete(c *gin.Context) {
	ctx := c.Request.Context()
	panel, ok := s.schedulePanel(c)
	if !ok {
		return
	}
	tctx, cancel := s.temporalContext(ctx)
	defer cancel()
	err := s.deps.Temporal.ScheduleClient().GetHandle(tctx, recurring.ScheduleID(panel.ID)).Delete(tctx)
	var notFound *serviceerror.NotFound
	if err != nil && !errors.As(err, &notFound) {
		s.temporalPageError(c, err)
		return
	}
	err = s.deps.Store.DeleteCycleSchedule(ctx, panel.ID, currentUser(c).Email)
	if err != nil {
		s.pageError(c, err)
		return
	}
	done := "The recurring cycle is deleted. Cycles it started carry on."
	c.Redirect(http.StatusSeeOther, fmt.Sprintf("/panels/%d/schedule?done=%s", panel.ID, url.QueryEscape(done)))
}
