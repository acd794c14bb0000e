package server

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"

	"github.com/gin-gonic/gin"
	"go.opentelemetry.io/otel"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	"go.opentelemetry.io/otel/trace"

	"github.com/lsip/scrutiny/config"
	"github.com/lsip/scrutiny/logctx"
	"github.com/lsip/scrutiny/metrics"
)

// captureLogs makes slog's default write JSON, through logctx's handler as
// the processes' does, into the returned buffer for the test's life.
func captureLogs(t *testing.T) *bytes.Buffer {
	var logs bytes.Buffer
	old := slog.Default()
	slog.SetDefault(slog.New(logctx.NewHandler(slog.NewJSONHandler(&logs, nil))))
	t.Cleanup(func() { slog.SetDefault(old) })
	return &logs
}

// logLines decodes each JSON line logged.
func logLines(t *testing.T, logs *bytes.Buffer) []map[string]any {
	t.Helper()
	var lines []map[string]any
	sc := bufio.NewScanner(bytes.NewReader(logs.Bytes()))
	for sc.Scan() {
		var l map[string]any
		if err := json.Unmarshal(sc.Bytes(), &l); err != nil {
			t.Fatalf("log line %q: %v", sc.Text(), err)
		}
		lines = append(lines, l)
	}
	return lines
}

// TestObserveRequestIDOnEveryLogLine: a request's ID, given by a proxy,
// comes back in the response and is on every line logged while it is
// served, the handler's error and the access line alike; the access line
// names the route template, status and size, and the member's token in
// the path is in no line at all.
func TestObserveRequestIDOnEveryLogLine(t *testing.T) {
	logs := captureLogs(t)
	s := New(Deps{})
	s.engine.GET("/m/:token/observed", func(c *gin.Context) {
		slog.InfoContext(c.Request.Context(), "working")
		internalError(c, errors.New("it broke"))
	})
	req := httptest.NewRequest(http.MethodGet, "/m/secret-token-value/observed?email=someone@example.org", nil)
	req.Header.Set("X-Request-ID", "proxy-id.42_x")
	rec := httptest.NewRecorder()
	s.Handler().ServeHTTP(rec, req)

	if got := rec.Header().Get("X-Request-ID"); got != "proxy-id.42_x" {
		t.Errorf("response request ID %q", got)
	}
	if strings.Contains(logs.String(), "secret-token-value") || strings.Contains(logs.String(), "someone@example.org") {
		t.Errorf("the link's token or the query was logged: %s", logs)
	}
	lines := logLines(t, logs)
	if len(lines) != 3 {
		t.Fatalf("want the handler's line, the error and the access line, got %d: %s", len(lines), logs)
	}
	for _, l := range lines {
		if l["request_id"] != "proxy-id.42_x" {
			t.Errorf("line without the request ID: %v", l)
		}
	}
	access := lines[2]
	if access["msg"] != "http request" || access["route"] != "/m/:token/observed" || access["method"] != "GET" ||
		access["status"] != float64(http.StatusInternalServerError) || access["bytes"].(float64) <= 0 || access["level"] != "ERROR" {
		t.Errorf("access line: %v", access)
	}
	if _, ok := access["duration_ms"].(float64); !ok {
		t.Errorf("access line without its duration: %v", access)
	}
}

// TestObserveRequestIDMadeWhenMissingOrUnsafe: without an ID, or with one
// too long or with characters that could forge a log line, the server
// makes its own.
func TestObserveRequestIDMadeWhenMissingOrUnsafe(t *testing.T) {
	captureLogs(t)
	s := New(Deps{})
	made := regexp.MustCompile(`^[0-9a-f]{32}$`)
	seen := map[string]bool{}
	for _, incoming := range []string{"", strings.Repeat("a", 65), "id\nlevel=ERROR", "id with spaces", "ïd"} {
		req := httptest.NewRequest(http.MethodGet, "/healthz", nil)
		if incoming != "" {
			req.Header.Set("X-Request-ID", incoming)
		}
		rec := httptest.NewRecorder()
		s.Handler().ServeHTTP(rec, req)
		id := rec.Header().Get("X-Request-ID")
		if !made.MatchString(id) || seen[id] {
			t.Errorf("incoming %q: request ID %q", incoming, id)
		}
		seen[id] = true
	}
}

// TestObserveCycleAndActionIDsFromTheRoute: a route naming a cycle or an
// action puts its ID on the request's lines.
func TestObserveCycleAndActionIDsFromTheRoute(t *testing.T) {
	logs := captureLogs(t)
	s := New(Deps{})
	ok := func(c *gin.Context) { c.Status(http.StatusNoContent) }
	s.engine.GET("/test/cycles/:id/observed", ok)
	s.engine.GET("/test/actions/:id/observed", ok)
	for _, path := range []string{"/test/cycles/17/observed", "/test/actions/23/observed", "/test/cycles/not-a-number/observed"} {
		s.Handler().ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(http.MethodGet, path, nil))
	}
	lines := logLines(t, logs)
	if len(lines) != 3 || lines[0]["cycle_id"] != "17" || lines[1]["action_id"] != "23" || lines[2]["cycle_id"] != nil {
		t.Errorf("lines: %v", lines)
	}
}

// TestObserveRequestMetricByRouteTemplate: latency is observed by route
// template, "unmatched" for no route, and never by path.
func TestObserveRequestMetricByRouteTemplate(t *testing.T) {
	captureLogs(t)
	s := New(Deps{})
	s.engine.GET("/m/:token/metered", func(c *gin.Context) { c.Status(http.StatusNoContent) })
	for _, path := range []string{"/m/metered-token/metered", "/no/such/metered/page"} {
		s.Handler().ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(http.MethodGet, path, nil))
	}
	rec := httptest.NewRecorder()
	metrics.Handler().ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/metrics", nil))
	body := rec.Body.String()
	for _, want := range []string{
		`scrutiny_http_request_duration_seconds_count{code="204",method="GET",route="/m/:token/metered"} 1`,
		`scrutiny_http_request_duration_seconds_count{code="404",method="GET",route="unmatched"}`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("no %s in\n%s", want, body)
		}
	}
	if strings.Contains(body, "metered-token") || strings.Contains(body, "/no/such") {
		t.Error("a path became a label")
	}
}

// TestObserveTracingHidesTheLink: with OTEL_TRACING, each request has a
// span named by its route, and neither the span nor its attributes carry
// the member's token, the query or the client's address, while the
// handler still sees the real request inside the span.
func TestObserveTracingHidesTheLink(t *testing.T) {
	captureLogs(t)
	spans := tracetest.NewSpanRecorder()
	old := otel.GetTracerProvider()
	otel.SetTracerProvider(sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(spans)))
	t.Cleanup(func() { otel.SetTracerProvider(old) })

	s := New(Deps{Config: config.Config{Tracing: true}})
	var seen string
	var traced bool
	s.engine.GET("/m/:token/traced", func(c *gin.Context) {
		seen = c.Param("token") + " " + c.Request.URL.Path + "?" + c.Request.URL.RawQuery
		traced = trace.SpanFromContext(c.Request.Context()).SpanContext().IsValid()
		c.Status(http.StatusNoContent)
	})
	req := httptest.NewRequest(http.MethodGet, "/m/traced-token/traced?lang=cy", nil)
	req.RemoteAddr = "198.51.100.7:5555"
	s.Handler().ServeHTTP(httptest.NewRecorder(), req)

	if seen != "traced-token /m/traced-token/traced?lang=cy" || !traced {
		t.Errorf("the handler saw %q, in a span: %v", seen, traced)
	}
	ended := spans.Ended()
	if len(ended) != 1 {
		t.Fatalf("%d spans", len(ended))
	}
	recorded := ended[0].Name()
	for _, a := range ended[0].Attributes() {
		recorded += " " + string(a.Key) + "=" + a.Value.Emit()
	}
	if !strings.Contains(recorded, "/m/:token/traced") || strings.Contains(recorded, "traced-token") ||
		strings.Contains(recorded, "lang=cy") || strings.Contains(recorded, "198.51.100.7") {
		t.Errorf("span: %s", recorded)
	}
}
