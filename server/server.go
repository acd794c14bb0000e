// Package server is scrutiny's HTTP side: the JSON API under /api/v1, the
// web pages for coordinators, members and managers, and the health probes.
// It reads PostgreSQL and talks to running workflows through the Temporal
// client; it never does a workflow's work itself.
package server

import (
	"context"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"
	"go.temporal.io/sdk/client"

	"github.com/lsip/scrutiny/activities"
	"github.com/lsip/scrutiny/config"
	"github.com/lsip/scrutiny/links"
	"github.com/lsip/scrutiny/store"
	"github.com/lsip/scrutiny/workflows"
)

// Deps are what the HTTP handlers need.
type Deps struct {
	Store    *store.Store
	Temporal client.Client
	Config   config.Config
	// Activities lets the server build a member's current pack with the
	// same code the workflow uses.
	Activities *activities.Activities
}

// Server holds the routes and their dependencies.
type Server struct {
	deps   Deps
	links  *links.Signer
	engine *gin.Engine
}

// New builds the router.
func New(deps Deps) *Server {
	gin.SetMode(gin.ReleaseMode)
	s := &Server{deps: deps, engine: gin.New()}
	if deps.Activities != nil {
		s.links = deps.Activities.Links
	}
	s.engine.Use(gin.Recovery())
	s.engine.GET("/healthz", s.healthz)
	s.engine.GET("/readyz", s.readyz)
	s.routes()
	return s
}

// routes registers the JSON API. Staff use API tokens; panel members use
// their personal links.
func (s *Server) routes() {
	api := s.engine.Group("/api/v1")
	staff := api.Group("", s.requireStaff)
	staff.POST("/cycles", s.startCycle)
	staff.GET("/cycles/:id", s.cycleStatus)
	coord := []string{"coordinator"}
	meeting := []string{"coordinator", "chair"}
	staff.POST("/cycles/:id/approve", cycleUpdate[noBody](s, workflows.UpdateApproveSelection, coord, nil))
	staff.POST("/cycles/:id/replace", cycleUpdate(s, workflows.UpdateReplaceCase, coord, func(c *gin.Context, r *workflows.ReplaceRequest) { r.By = currentUser(c).Name }))
	staff.POST("/cycles/:id/schedule", cycleUpdate[activities.Meeting](s, workflows.UpdateScheduleMeeting, coord, func(*gin.Context, *activities.Meeting) {}))
	staff.POST("/cycles/:id/members/:member/leave", s.memberLeft)
	staff.POST("/cycles/:id/attendance", cycleUpdate[activities.Attendance](s, workflows.UpdateRecordAttendance, meeting, func(*gin.Context, *activities.Attendance) {}))
	staff.POST("/cycles/:id/findings", cycleUpdate(s, workflows.UpdateRecordFinding, meeting, func(c *gin.Context, f *activities.Finding) { f.RecordedBy = currentUser(c).Name }))
	staff.POST("/cycles/:id/learning-points", cycleUpdate[activities.LearningPoint](s, workflows.UpdateAddLearningPoint, meeting, func(*gin.Context, *activities.LearningPoint) {}))
	staff.POST("/cycles/:id/actions", cycleUpdate[activities.ActionInput](s, workflows.UpdateAddAction, meeting, func(*gin.Context, *activities.ActionInput) {}))
	staff.POST("/cycles/:id/close-meeting", cycleUpdate[noBody](s, workflows.UpdateCloseMeeting, meeting, nil))
	staff.POST("/cycles/:id/approve-minutes", cycleUpdate(s, workflows.UpdateApproveMinutes, []string{"chair"}, func(c *gin.Context, r *workflows.ApproveMinutesRequest) { r.ApprovedBy = currentUser(c).Name }))
	staff.POST("/cycles/:id/cancel", cycleUpdate(s, workflows.UpdateCancel, coord, func(c *gin.Context, r *workflows.CancelRequest) { r.By = currentUser(c).Name }))
	staff.GET("/cycles/:id/minutes", s.cycleFile("minutes"))
	staff.GET("/cycles/:id/key-messages", s.cycleFile("key_messages"))

	staff.GET("/actions", s.listActions)
	staff.GET("/actions/export", s.exportActions)
	staff.GET("/actions/:id", s.actionDetail)
	owners := []string{"coordinator", "manager"}
	staff.POST("/actions/:id/notes", s.actionUpdate(workflows.UpdateProgressNote, owners...))
	staff.POST("/actions/:id/respond", s.actionUpdate(workflows.UpdateRespond, "manager"))
	staff.POST("/actions/:id/complete", s.actionUpdate(workflows.UpdateCompleteAction, owners...))
	staff.POST("/actions/:id/reassign", s.actionUpdate(workflows.UpdateReassignOwner, "manager"))
	staff.POST("/actions/:id/extension", s.actionUpdate(workflows.UpdateRequestExtension, owners...))
	staff.POST("/actions/:id/extension/decision", s.actionUpdate(workflows.UpdateDecideExtension, "manager"))
	staff.POST("/actions/:id/cancel", s.actionUpdate(workflows.UpdateCancelAction, "manager"))

	staff.GET("/reports/governance", s.governanceReport)

	member := api.Group("/m/:token", s.requireMember)
	member.GET("", s.memberHome)
	member.GET("/cases/:case", s.memberCaseDetail)
	member.GET("/pack", s.memberPack)
	member.PUT("/reviews/:case", s.memberSaveReview)
	member.POST("/upload", s.memberUpload)
	member.POST("/conflicts", s.memberConflict)
	member.POST("/identifying", s.memberIdentifying)
	member.POST("/rsvp", s.memberRSVP)
}

// Handler is the http.Handler to serve.
func (s *Server) Handler() http.Handler { return s.engine }

// healthz says the process is up; it checks nothing else, so an orchestrator
// does not restart a healthy process because a dependency is slow.
func (s *Server) healthz(c *gin.Context) {
	c.JSON(http.StatusOK, gin.H{"status": "ok"})
}

// readyz says whether the server can do its work: PostgreSQL and Temporal
// must both answer.
func (s *Server) readyz(c *gin.Context) {
	ctx, cancel := context.WithTimeout(c.Request.Context(), 3*time.Second)
	defer cancel()
	checks := gin.H{}
	ready := true
	if err := s.deps.Store.Ping(ctx); err != nil {
		checks["postgres"], ready = "unavailable", false
	} else {
		checks["postgres"] = "ok"
	}
	if _, err := s.deps.Temporal.CheckHealth(ctx, &client.CheckHealthRequest{}); err != nil {
		checks["temporal"], ready = "unavailable", false
	} else {
		checks["temporal"] = "ok"
	}
	if !ready {
		c.JSON(http.StatusServiceUnavailable, gin.H{"status": "not ready", "checks": checks})
		return
	}
	c.JSON(http.StatusOK, gin.H{"status": "ready", "checks": checks})
}
