package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"go.temporal.io/sdk/client"

	"github.com/lsip/scrutiny/config"
	"github.com/lsip/scrutiny/cycle"
	"github.com/lsip/scrutiny/devstack/freeport"
	"github.com/lsip/scrutiny/domain"
	"github.com/lsip/scrutiny/links"
	"github.com/lsip/scrutiny/reviewform"
	"github.com/lsip/scrutiny/server"
	"github.com/lsip/scrutiny/store"
	"github.com/lsip/scrutiny/testenv"
)

// Faults of issue 10 seen from the API: Temporal out of reach, and the API
// process restarting after it has answered.

// newAPI starts another instance of the API on the stack's database and
// link key, talking to Temporal through c: a restarted server process, or
// (with a client on a dead address) one that cannot reach Temporal.
func (s *stack) newAPI(t *testing.T, c client.Client) *httptest.Server {
	t.Helper()
	api := httptest.NewServer(nil)
	t.Cleanup(api.Close)
	api.Config.Handler = server.New(server.Deps{Store: s.st, Temporal: c, Config: config.Config{TaskQueue: taskQueue, PublicURL: api.URL}, Links: s.signer}).Handler()
	return api
}

// deadTemporal is a client for a Temporal address where nothing listens.
// The port is below the ephemeral range, where the servers of the
// journeys running beside this one, which listen on ports the kernel
// picks, never land.
func deadTemporal(t *testing.T) client.Client {
	t.Helper()
	addr, err := freeport.Address()
	if err != nil {
		t.Fatal(err)
	}
	c, err := client.NewLazyClient(client.Options{HostPort: addr})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)
	return c
}

// send makes an API request and returns the response with its body read.
func send(t *testing.T, method, url, token string, body any) (*http.Response, map[string]any) {
	t.Helper()
	req, _ := http.NewRequest(method, url, nil)
	if body != nil {
		b, _ := json.Marshal(body)
		req, _ = http.NewRequest(method, url, bytes.NewReader(b))
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out map[string]any
	json.NewDecoder(resp.Body).Decode(&out)
	return resp, out
}

// count runs a counting query on the stack's database.
func count(t *testing.T, st *store.Store, sql string, args ...any) int {
	t.Helper()
	var n int
	if err := testenv.SQL(t, st).QueryRow(context.Background(), sql, args...).Scan(&n); err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
	return n
}

// TestFaultTemporalUnreachableFromAPI: an API whose Temporal cannot be
// reached answers a cycle start, within its deadline, with 503 and
// Retry-After, and writes nothing: no cycle row, no outbox row, no audit
// entry but the token's use. The same request to an API that can reach Temporal then starts
// the cycle once.
func TestFaultTemporalUnreachableFromAPI(t *testing.T) {
	t.Parallel()
	s := newStack(t, false)
	ctx := context.Background()
	coordID, _ := s.st.CreateUser(ctx, store.User{Name: "Cath Coordinator", Email: "cath@example.org", Role: domain.StaffCoordinator, PanelIDs: []int64{s.f.panelID}})
	tok, _ := s.st.IssueToken(ctx, coordID, "test")
	dead := s.newAPI(t, deadTemporal(t))
	// Every API call records the use of its token (store.UserByToken)
	// before any handler runs: that is the record of an access, not part
	// of the start, so it is left out of "nothing written".
	const audit = `SELECT count(*) FROM audit_log WHERE action <> 'token_used'`
	audited := count(t, s.st, audit)

	now := time.Now().UTC()
	meetingAt := now.Add(30 * 24 * time.Hour).Truncate(time.Hour)
	body := map[string]any{
		"panel_id": s.f.panelID, "window_start": now.AddDate(0, -3, 0).Format(time.DateOnly), "window_end": now.Format(time.DateOnly),
		"quotas":  map[string]int{"race": 1},
		"meeting": map[string]any{"start": meetingAt, "end": meetingAt.Add(2 * time.Hour), "location": "Cardiff office"},
	}
	resp, p := send(t, "POST", dead.URL+"/api/v1/cycles", tok, body)
	if resp.StatusCode != http.StatusServiceUnavailable || resp.Header.Get("Retry-After") == "" || resp.Header.Get("Content-Type") != "application/problem+json" {
		t.Fatalf("start with Temporal unreachable: %d, Retry-After %q, %q: %v; want 503 problem with Retry-After",
			resp.StatusCode, resp.Header.Get("Retry-After"), resp.Header.Get("Content-Type"), p)
	}
	if n := count(t, s.st, `SELECT count(*) FROM cycles`); n != 0 {
		t.Errorf("%d cycle rows after a start Temporal never saw", n)
	}
	if n := count(t, s.st, `SELECT count(*) FROM outbox`); n != 0 {
		t.Errorf("%d outbox rows after a start Temporal never saw", n)
	}
	if n := count(t, s.st, audit); n != audited {
		t.Errorf("%d audit entries after a start Temporal never saw", n-audited)
	}

	// Temporal back: the same request starts the cycle, once.
	resp, started := send(t, "POST", s.url+"/api/v1/cycles", tok, body)
	if resp.StatusCode != http.StatusCreated {
		t.Fatalf("start once Temporal is back: %d %v", resp.StatusCode, started)
	}
	if n := count(t, s.st, `SELECT count(*) FROM cycles`); n != 1 {
		t.Errorf("%d cycle rows after one successful start", n)
	}
}

// TestFaultAPIRestartKeepsReview: a member's review survives the API
// process being replaced after answering 200: the new API and PostgreSQL
// hold it as submitted, once, and the cycle's status counts it. While
// Temporal is out of reach, a cycle whose reviews are saved directly still
// takes the review (the save touches only PostgreSQL); a cycle started
// before direct saves refuses it with 503 and leaves the review as it was,
// and its member's review workflow holds it once it is sent again.
func TestFaultAPIRestartKeepsReview(t *testing.T) {
	t.Parallel()
	for _, direct := range []bool{true, false} {
		t.Run(fmt.Sprintf("direct=%t", direct), func(t *testing.T) {
			t.Parallel()
			apiRestartKeepsReview(t, direct)
		})
	}
}

func apiRestartKeepsReview(t *testing.T, direct bool) {
	s := newStack(t, false)
	ctx := context.Background()
	now := time.Now().UTC()
	// Reviews stay open for minutes, longer than the refused call's deadline.
	id, st, _ := s.cycleInReview(t, direct)
	var caseID int64
	if err := testenv.SQL(t, s.st).QueryRow(ctx, `SELECT case_id FROM reviews WHERE cycle_id = $1 AND member_id = $2 ORDER BY case_id LIMIT 1`, st.CycleID, s.f.bea).Scan(&caseID); err != nil {
		t.Fatalf("Bea's pack opened no review: %v", err)
	}
	beaPath := "/api/v1/m/" + s.signer.Token(links.Claims{MemberID: s.f.bea, CycleID: st.CycleID, Expires: now.Add(time.Hour)}) + "/reviews/" + strconv.FormatInt(caseID, 10)
	answers := reviewform.Answers{Ratings: map[string]string{}, Overall: "handled_well", GoodPractice: "Swift charging decision"}
	for _, q := range reviewform.Default().Questions {
		answers.Ratings[q.Key] = "yes"
	}
	review := map[string]any{"answers": answers, "final": true}
	submitted := func() int {
		return count(t, s.st, `SELECT count(*) FROM reviews WHERE cycle_id = $1 AND member_id = $2 AND case_id = $3 AND status = 'submitted'`, st.CycleID, s.f.bea, caseID)
	}

	dead := s.newAPI(t, deadTemporal(t))
	resp, p := send(t, "PUT", dead.URL+beaPath, "", review)
	switch {
	case direct && resp.StatusCode != http.StatusOK:
		t.Fatalf("direct review with Temporal unreachable: %d %v; want 200, the save needing only PostgreSQL", resp.StatusCode, p)
	case !direct && (resp.StatusCode != http.StatusServiceUnavailable || resp.Header.Get("Retry-After") == ""):
		t.Fatalf("review with Temporal unreachable: %d, Retry-After %q: %v; want 503 with Retry-After", resp.StatusCode, resp.Header.Get("Retry-After"), p)
	case !direct && submitted() != 0:
		t.Fatalf("a review refused with 503 was stored as submitted")
	}

	first := s.newAPI(t, s.c)
	if resp, p := send(t, "PUT", first.URL+beaPath, "", review); resp.StatusCode != http.StatusOK {
		t.Fatalf("review: %d %v", resp.StatusCode, p)
	}
	first.Close() // the API process goes away after answering

	second := s.newAPI(t, s.c)
	resp, home := send(t, "GET", second.URL+"/api/v1/m/"+s.signer.Token(links.Claims{MemberID: s.f.bea, CycleID: st.CycleID, Expires: now.Add(time.Hour)}), "", nil)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("member page on the new API: %d %v", resp.StatusCode, home)
	}
	if n := submitted(); n != 1 {
		t.Errorf("PostgreSQL holds %d submitted reviews of case %d by Bea, want 1", n, caseID)
	}
	if n := count(t, s.st, `SELECT count(*) FROM reviews WHERE cycle_id = $1 AND member_id = $2 AND case_id = $3`, st.CycleID, s.f.bea, caseID); n != 1 {
		t.Errorf("PostgreSQL holds %d review rows of case %d by Bea, want 1", n, caseID)
	}
	if n := count(t, s.st, `SELECT count(*) FROM review_versions WHERE cycle_id = $1 AND member_id = $2 AND case_id = $3`, st.CycleID, s.f.bea, caseID); n != 1 {
		t.Errorf("%d versions of Bea's review of case %d, want 1: the same answers sent twice make one", n, caseID)
	}
	coordID, _ := s.st.CreateUser(ctx, store.User{Name: "Cath Coordinator", Email: "cath@example.org", Role: domain.StaffCoordinator, PanelIDs: []int64{s.f.panelID}})
	tok, _ := s.st.IssueToken(ctx, coordID, "test")
	resp, status := send(t, "GET", fmt.Sprintf("%s/api/v1/cycles/%d", second.URL, st.CycleID), tok, nil)
	counted := -1
	members, _ := status["members"].([]any)
	for _, m := range members {
		if m, _ := m.(map[string]any); m["member_id"] == float64(s.f.bea) {
			counted = int(m["submitted"].(float64))
		}
	}
	if resp.StatusCode != http.StatusOK || counted != 1 {
		t.Errorf("the cycle's status counts %d submitted reviews by Bea, want 1", counted)
	}
	if direct {
		return
	}
	v, err := s.c.QueryWorkflow(ctx, cycle.MemberReviewWorkflowID(id, s.f.bea), "", cycle.QueryReview)
	if err != nil {
		t.Fatal(err)
	}
	var inFlow map[int64]domain.ReviewStatus
	if err := v.Get(&inFlow); err != nil {
		t.Fatal(err)
	}
	if inFlow[caseID] != domain.ReviewSubmitted {
		t.Errorf("the member-review workflow has case %d as %q, want submitted", caseID, inFlow[caseID])
	}
}

// TestFaultMailDelayShownToCoordinator: the mail server goes away before
// the conflict-check emails go out. Delivery keeps retrying, and the
// coordinator's cycle status names the delay and its cause while it lasts.
// (That the mail then goes out once is TestFaultSMTPDownForAnHour's, in
// outbox/outboxflow.)
func TestFaultMailDelayShownToCoordinator(t *testing.T) {
	t.Parallel()
	s := newStack(t, false)
	ctx := context.Background()
	coordID, _ := s.st.CreateUser(ctx, store.User{Name: "Cath Coordinator", Email: "cath@example.org", Role: domain.StaffCoordinator, PanelIDs: []int64{s.f.panelID}})
	tok, _ := s.st.IssueToken(ctx, coordID, "test")
	id := startJourneyCycle(t, s)
	cycleID := status(t, s.c, id).CycleID
	// The mail the start sent (the invitations) may still be on its way
	// when the cycle reaches the coordinator's check; it is settled
	// before the outage, so that only mail sent during it is counted.
	waitFor(t, func() bool { return count(t, s.st, `SELECT count(*) FROM outbox WHERE status = 'pending'`) == 0 })
	settled := count(t, s.st, `SELECT count(*) FROM outbox WHERE status <> 'pending'`)
	s.catcher.Close() // the mail server is down
	approveJourneyCycle(t, s, id)

	path := s.url + "/api/v1/cycles/" + strconv.FormatInt(cycleID, 10)
	var notices string
	waitFor(t, func() bool {
		resp, st := send(t, "GET", path, tok, nil)
		notices = fmt.Sprint(st["notices"])
		return resp.StatusCode == http.StatusOK && strings.Contains(notices, "delayed")
	})
	if !strings.Contains(notices, "refused") || !strings.Contains(notices, "retried automatically") {
		t.Errorf("the delay notice does not say why or what happens next: %s", notices)
	}
	if n := count(t, s.st, `SELECT count(*) FROM outbox WHERE status <> 'pending'`); n != settled {
		t.Errorf("%d messages were settled (sent, bounced or held) during the outage, want none", n-settled)
	}
	if n := count(t, s.st, `SELECT count(*) FROM members WHERE unreachable_since IS NOT NULL`); n != 0 {
		t.Errorf("the outage marked %d members unreachable", n)
	}
}
