// Package server is scrutiny's HTTP side: the JSON API under /api/v1, the
// web pages for coordinators, members and managers, and the health probes.
// It holds no SQL: it reads and writes PostgreSQL through the store's
// methods, each list and lookup limited by the user's store.Scope, and
// talks to running workflows through the Temporal client. It never does a
// workflow's work itself, and imports no activity implementation.
package server

import (
	"context"
	"log/slog"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"
	"go.temporal.io/sdk/client"

	"github.com/lsip/scrutiny/config"
	"github.com/lsip/scrutiny/cycle/start"
	"github.com/lsip/scrutiny/links"
	"github.com/lsip/scrutiny/store"
)

// Deps are what the HTTP handlers need.
type Deps struct {
	Store    *store.Store
	Temporal client.Client
	Config   config.Config
	// Links verifies members' personal links.
	Links *links.Signer
}

// Server holds the routes and their dependencies.
type Server struct {
	deps   Deps
	links  *links.Signer
	engine *gin.Engine
	rates  *rateLimits
	// temporalDeadline bounds each call to Temporal (temporalContext);
	// tests of an unreachable Temporal shorten it.
	temporalDeadline time.Duration
}

// New builds the router.
func New(deps Deps) *Server {
	gin.SetMode(gin.ReleaseMode)
	s := &Server{deps: deps, links: deps.Links, engine: gin.New(), rates: newRateLimits(), temporalDeadline: start.TemporalDeadline}
	// gin believes every X-Forwarded-For by default, which would let anyone
	// choose the address their sign-ins are counted against. Only the
	// configured proxies are believed; with none, the peer address is used.
	if err := s.engine.SetTrustedProxies(deps.Config.TrustedProxies); err != nil {
		slog.Error("TRUSTED_PROXIES", "error", err)
	}
	// Every request is observed first: its ID, access log and latency.
	s.engine.Use(s.observers()...)
	// Rates are checked before any body is read, and bodies are capped
	// before any handler or middleware reads a form.
	s.engine.Use(recoverPanics, s.securityHeaders, s.limitRates, limitBodies, idempotencyKey)
	s.engine.GET("/healthz", s.healthz)
	s.engine.GET("/readyz", s.readyz)
	s.routes()
	s.pageRoutes()
	return s
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
