package metrics_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/lsip/scrutiny/metrics"
	"github.com/lsip/scrutiny/testenv"
)

// scrape is what Prometheus would read from /metrics now.
func scrape(t *testing.T) string {
	t.Helper()
	rec := httptest.NewRecorder()
	metrics.Handler().ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/metrics", nil))
	if rec.Code != http.StatusOK {
		t.Fatalf("/metrics answered %d: %s", rec.Code, rec.Body)
	}
	return rec.Body.String()
}

// sample is the value of the series line (name and labels exactly as
// exposed), or "" when there is none.
func sample(body, series string) string {
	m := regexp.MustCompile(`(?m)^` + regexp.QuoteMeta(series) + ` (\S+)$`).FindStringSubmatch(body)
	if m == nil {
		return ""
	}
	return m[1]
}

// TestMetricsActionGaugesFromPostgres: the action gauges are read from
// PostgreSQL at scrape time, per Area, only actions still to be done
// counting, and only those past due as overdue; an Area without actions
// reports zero.
func TestMetricsActionGaugesFromPostgres(t *testing.T) {
	st := testenv.DB(t)
	ctx := context.Background()
	db := testenv.SQL(t, st)
	var panel int64
	if err := db.QueryRow(ctx, `INSERT INTO panels (area_id, name, covers) SELECT id, 'Wales', 'both' FROM areas WHERE code = 'wales' RETURNING id`).Scan(&panel); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(ctx, `INSERT INTO actions (panel_id, area_id, description, owner_name, owner_email, manager_name, manager_email, due_on, status)
		SELECT $1, (SELECT area_id FROM panels WHERE id = $1), 'Action', 'Owner', 'o@example.org', 'Manager', 'm@example.org', current_date + d, s
		FROM (VALUES (-3, 'open'), (5, 'in_progress'), (-9, 'completed'), (-1, 'cancelled')) AS v(d, s)`, panel); err != nil {
		t.Fatal(err)
	}
	metrics.WatchActions(st)
	t.Cleanup(func() { metrics.WatchActions(nil) })
	body := scrape(t)
	for series, want := range map[string]string{
		`scrutiny_actions_open{area="wales"}`:         "2",
		`scrutiny_actions_overdue{area="wales"}`:      "1",
		`scrutiny_actions_open{area="north-east"}`:    "0",
		`scrutiny_actions_overdue{area="north-east"}`: "0",
	} {
		if got := sample(body, series); got != want {
			t.Errorf("%s = %q, want %s", series, got, want)
		}
	}
}

// TestMetricsTemporalSDKThroughTheRegistry: what the Temporal SDK records
// through TemporalHandler is in the same scrape, counters as Prometheus
// counters and timers in seconds.
func TestMetricsTemporalSDKThroughTheRegistry(t *testing.T) {
	h, err := metrics.TemporalHandler()
	if err != nil {
		t.Fatal(err)
	}
	again, _ := metrics.TemporalHandler()
	if again == nil {
		t.Fatal("a second client got no handler")
	}
	tagged := h.WithTags(map[string]string{"namespace": "metrics-test"})
	tagged.Counter("temporal_request").Inc(2)
	tagged.Timer("temporal_request_latency").Record(30 * time.Millisecond)
	body := scrape(t)
	if got := sample(body, `temporal_request_total{namespace="metrics-test"}`); got != "2" {
		t.Errorf("temporal_request_total = %q in\n%s", got, body)
	}
	if got := sample(body, `temporal_request_latency_seconds_bucket{namespace="metrics-test",le="0.05"}`); got != "1" {
		t.Errorf("latency bucket = %q", got)
	}
}

// TestMetricsLabelsStayBounded: an unknown method is "other", and the
// email and review counters exist at zero before anything happens.
func TestMetricsLabelsStayBounded(t *testing.T) {
	metrics.ObserveHTTP("/metrics-test", "BREW", http.StatusTeapot, time.Millisecond)
	metrics.CountEmail(metrics.EmailFailed)
	body := scrape(t)
	if sample(body, `scrutiny_http_request_duration_seconds_count{code="418",method="other",route="/metrics-test"}`) != "1" || strings.Contains(body, "BREW") {
		t.Error("the made-up method became a label")
	}
	for series, want := range map[string]string{
		`scrutiny_emails_total{result="failed"}`:         "1",
		`scrutiny_emails_total{result="held"}`:           "0",
		`scrutiny_reviews_received_total{final="false"}`: "0",
	} {
		if got := sample(body, series); got != want {
			t.Errorf("%s = %q, want %s", series, got, want)
		}
	}
}
