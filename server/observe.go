package server

import (
	"crypto/rand"
	"encoding/hex"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/gin-gonic/gin"
	"go.opentelemetry.io/contrib/instrumentation/github.com/gin-gonic/gin/otelgin"

	"github.com/lsip/scrutiny/logctx"
	"github.com/lsip/scrutiny/metrics"
)

// requestIDHeader carries a request's ID in and out: a proxy's ID is kept,
// so its log and ours can be matched; otherwise the server makes one.
const requestIDHeader = "X-Request-ID"

// maxRequestIDLength bounds an ID accepted from outside.
const maxRequestIDLength = 64

// observers are the first middleware of every request: the request ID, the
// access log and the latency metric; with OTEL_TRACING, a span per
// request. The server is also made the source of the action gauges
// (metrics.WatchActions), which it reads from its store.
func (s *Server) observers() []gin.HandlerFunc {
	if s.deps.Store != nil {
		metrics.WatchActions(s.deps.Store)
	}
	chain := []gin.HandlerFunc{observeRequest}
	if s.deps.Config.Tracing {
		chain = append(chain, hideRequest, otelgin.Middleware("scrutiny"), restoreRequest)
	}
	return chain
}

// observeRequest gives the request its ID, in the response header and in
// the request's context (so every slog call made with it carries
// request_id, and cycle_id or action_id when the route names one), then
// once it is answered logs one access line and observes its latency. The
// line has the route template, never the path or the query: a member's or
// an owner's path is their personal link.
func observeRequest(c *gin.Context) {
	began := time.Now()
	id := c.GetHeader(requestIDHeader)
	if !validRequestID(id) {
		id = newRequestID()
	}
	c.Header(requestIDHeader, id)
	ctx := logctx.With(c.Request.Context(), logctx.RequestID, id)
	route := c.FullPath()
	if numeric(c.Param("id")) {
		switch {
		case strings.Contains(route, "/cycles/:id"):
			ctx = logctx.With(ctx, logctx.CycleID, c.Param("id"))
		case strings.Contains(route, "/actions/:id"):
			ctx = logctx.With(ctx, logctx.ActionID, c.Param("id"))
		}
	}
	c.Request = c.Request.WithContext(ctx)

	c.Next()

	took := time.Since(began)
	if route == "" {
		route = metrics.Unmatched
	}
	status := c.Writer.Status()
	metrics.ObserveHTTP(route, c.Request.Method, status, took)
	level := slog.LevelInfo
	switch {
	case status >= http.StatusInternalServerError:
		level = slog.LevelError
	case route == "/healthz" || route == "/readyz":
		level = slog.LevelDebug // probed every few seconds
	}
	slog.LogAttrs(ctx, level, "http request", slog.String("method", c.Request.Method), slog.String("route", route),
		slog.Int("status", status), slog.Float64("duration_ms", float64(took.Microseconds())/1000),
		slog.Int("bytes", max(c.Writer.Size(), 0)))
}

// validRequestID accepts an incoming ID of up to maxRequestIDLength
// letters, digits, '-', '_' and '.': nothing that could forge a log line
// or carry more than an ID.
func validRequestID(id string) bool {
	if id == "" || len(id) > maxRequestIDLength {
		return false
	}
	for _, r := range id {
		if !('a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9' || r == '-' || r == '_' || r == '.') {
			return false
		}
	}
	return true
}

// newRequestID is 16 random bytes in hex.
func newRequestID() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b) // crypto/rand.Read never fails
	return hex.EncodeToString(b)
}

// numeric says s is a non-empty run of digits, as a database ID is.
func numeric(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

// originalRequestKey holds the request hideRequest put aside.
const originalRequestKey = "scrutiny.original-request"

// hideRequest shows the tracing middleware, which records the request's
// path and the client's address and browser on its span, a copy with the
// route template for the path and no address, query or browser: a path
// can be a personal link, and traces leave the process. restoreRequest
// gives the handlers the real request back, in the span's context.
func hideRequest(c *gin.Context) {
	original := c.Request
	c.Set(originalRequestKey, original)
	shown := original.Clone(original.Context())
	shown.URL.Path, shown.URL.RawPath, shown.URL.RawQuery, shown.RequestURI = c.FullPath(), "", "", ""
	shown.RemoteAddr = ""
	for _, h := range []string{"User-Agent", "X-Forwarded-For", "X-Real-IP", "Forwarded"} {
		shown.Header.Del(h)
	}
	c.Request = shown
	c.Next()
}

// restoreRequest undoes hideRequest once the span has started.
func restoreRequest(c *gin.Context) {
	if original, ok := c.MustGet(originalRequestKey).(*http.Request); ok {
		c.Request = original.WithContext(c.Request.Context())
	}
	c.Next()
}

// countReview counts a review save (a submission when final, otherwise a
// draft) unless it was refused. saveReview, the one way a member's review
// is saved from a page, the API or a returned workbook, calls it.
func countReview(final bool, refused *Problem) {
	if refused == nil {
		metrics.CountReview(final)
	}
}
