package e2e

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"go.temporal.io/sdk/client"

	"github.com/lsip/scrutiny/config"
	"github.com/lsip/scrutiny/devstack/mailcatcher"
	"github.com/lsip/scrutiny/domain"
	"github.com/lsip/scrutiny/links"
	"github.com/lsip/scrutiny/metrics"
	"github.com/lsip/scrutiny/payloadcrypt/payloadcrypttest"
	"github.com/lsip/scrutiny/server"
	"github.com/lsip/scrutiny/store"
	"github.com/lsip/scrutiny/testenv"
	"github.com/lsip/scrutiny/testenv/temporalenv"
	"github.com/lsip/scrutiny/worker"
)

// metricsScraper reads /metrics as Prometheus would, from its own
// listener, as METRICS_ADDR serves it apart from the public router.
type metricsScraper struct {
	t   *testing.T
	url string
}

func (m metricsScraper) scrape() string {
	m.t.Helper()
	resp, err := http.Get(m.url + "/metrics")
	if err != nil {
		m.t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		m.t.Fatalf("/metrics answered %d: %s", resp.StatusCode, body)
	}
	return string(body)
}

// value is the sample of series (its name and labels exactly as exposed)
// in body; a series not there is -1.
func value(t *testing.T, body, series string) float64 {
	t.Helper()
	m := regexp.MustCompile(`(?m)^` + regexp.QuoteMeta(series) + ` (\S+)$`).FindStringSubmatch(body)
	if m == nil {
		return -1
	}
	v, err := strconv.ParseFloat(m[1], 64)
	if err != nil {
		t.Fatalf("%s: %v", series, err)
	}
	return v
}

// TestMetricsMoveAfterAJourney starts a cycle through the API on the
// embedded Temporal, with the real worker and SMTP server, lets the packs
// go out and a member save a draft through their link, then scrapes
// /metrics: the request latency by route, the emails sent, the reviews
// received, the action gauges of the panel's Area and the Temporal SDK's
// own metrics (from the client the server and the worker share) have all
// moved, and no member's token is in the scrape.
//
// Unlike the other journeys it does not run in parallel: the metrics are
// the process's, so journeys beside it would move them too, and the action
// gauges are read from the last server made (server.New calls
// metrics.WatchActions), whose database another journey may drop midway.
// Go runs it before the parallel journeys start.
func TestMetricsMoveAfterAJourney(t *testing.T) {
	st := testenv.DB(t)
	catcher, sender := testenv.SMTP(t, nil)
	temporalMetrics, err := metrics.TemporalHandler()
	if err != nil {
		t.Fatal(err)
	}
	ts := temporalenv.Start(t)
	c, err := client.Dial(client.Options{HostPort: ts.HostPort(), Namespace: ts.Namespace(),
		DataConverter: payloadcrypttest.DataConverter(), MetricsHandler: temporalMetrics})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)
	signer, _ := links.NewSigner([]byte(strings.Repeat("k", 32)))
	api := httptest.NewServer(nil)
	t.Cleanup(api.Close)
	api.Config.Handler = server.New(server.Deps{Store: st, Temporal: c, Config: config.Config{TaskQueue: taskQueue, PublicURL: api.URL}, Links: signer}).Handler()
	f := seed(t, st, time.Now().UTC())
	stopWorker := startWorker(t, c, worker.Deps{Store: st, Mailer: sender, Links: signer, PublicURL: api.URL})
	t.Cleanup(stopWorker)
	scrapes := httptest.NewServer(metrics.Handler())
	t.Cleanup(scrapes.Close)
	prom := metricsScraper{t, scrapes.URL}

	sent := `scrutiny_emails_total{result="sent"}`
	drafts := `scrutiny_reviews_received_total{final="false"}`
	before := prom.scrape()

	ctx := context.Background()
	coordID, _ := st.CreateUser(ctx, store.User{Name: "Cath Coordinator", Email: "cath@example.org", Role: "coordinator", PanelIDs: []int64{f.panelID}})
	coordTok, _ := st.IssueToken(ctx, coordID, "test")
	coord := apiClient{t, api.URL, coordTok}
	now := time.Now().UTC()
	meetingAt := now.Add(40 * time.Second).Truncate(time.Second)
	code, started := coord.do("POST", "/api/v1/cycles", map[string]any{
		"panel_id": f.panelID, "window_start": now.AddDate(0, -3, 0).Format(time.DateOnly), "window_end": now.Format(time.DateOnly),
		"quotas":  map[string]int{"race": 2},
		"meeting": map[string]any{"start": meetingAt, "end": meetingAt.Add(2 * time.Hour), "location": "Cardiff office"},
		"timing": map[string]any{"conflict_check_before": "30s", "packs_before": "25s", "reviews_due_before": "5s",
			"revoke_after": "10s", "reminders": []string{}, "approval_nudge_every": "PT1H"},
	})
	if code != http.StatusCreated {
		t.Fatalf("start: %d %v", code, started)
	}
	cyclePath := fmt.Sprintf("/api/v1/cycles/%d", int64(started["cycle_id"].(float64)))
	waitFor(t, func() bool {
		_, s := coord.do("GET", cyclePath, nil)
		return s["stage"] == string(domain.StageCoordinatorCheck)
	})
	if code, p := coord.do("POST", cyclePath+"/approve", nil); code != http.StatusOK {
		t.Fatalf("approve: %d %v", code, p)
	}
	mctx, cancel := context.WithTimeout(ctx, 90*time.Second)
	defer cancel()
	if _, err := catcher.Wait(mctx, 2, func(m *mailcatcher.Message) bool { return strings.HasPrefix(m.Subject, "Your review pack") }); err != nil {
		t.Fatal(err)
	}

	token := signer.Token(links.Claims{MemberID: f.bea, CycleID: int64(started["cycle_id"].(float64)), Expires: now.Add(time.Hour)})
	bea := apiClient{t, api.URL, ""}
	code, page := bea.do("GET", "/api/v1/m/"+token, nil)
	cases, _ := page["cases"].([]any)
	if code != http.StatusOK || len(cases) == 0 {
		t.Fatalf("member page: %d %v", code, page)
	}
	caseID := int64(cases[0].(map[string]any)["case_id"].(float64))
	draft := map[string]any{"answers": map[string]any{"ratings": map[string]string{"charging": "yes"}}, "final": false}
	if code, p := bea.do("PUT", fmt.Sprintf("/api/v1/m/%s/reviews/%d", token, caseID), draft); code != http.StatusOK {
		t.Fatalf("draft review: %d %v", code, p)
	}

	// The mail is caught before the activity records it as sent.
	var after string
	waitFor(t, func() bool { after = prom.scrape(); return value(t, after, sent) > value(t, before, sent) })
	if value(t, after, drafts) <= value(t, before, drafts) {
		t.Errorf("%s did not move: %v then %v", drafts, value(t, before, drafts), value(t, after, drafts))
	}
	for _, series := range []string{
		`scrutiny_http_request_duration_seconds_count{code="201",method="POST",route="/api/v1/cycles"}`,
		`scrutiny_http_request_duration_seconds_count{code="200",method="PUT",route="/api/v1/m/:token/reviews/:case"}`,
	} {
		if value(t, after, series) < 1 {
			t.Errorf("no latency observed: %s", series)
		}
	}
	if value(t, after, `scrutiny_actions_open{area="wales"}`) < 0 || value(t, after, `scrutiny_actions_overdue{area="wales"}`) < 0 {
		t.Error("no action gauges for the panel's Area")
	}
	for _, name := range []string{"temporal_request_total", "temporal_workflow_task_execution_latency_seconds_bucket", "temporal_activity_execution_latency_seconds_bucket"} {
		if !regexp.MustCompile(`(?m)^` + name + `\{.*\} [1-9]`).MatchString(after) {
			t.Errorf("no %s from the Temporal SDK", name)
		}
	}
	if strings.Contains(after, token) {
		t.Error("a member's token is in /metrics")
	}
}
