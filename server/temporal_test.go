package server

import (
	"context"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"go.temporal.io/sdk/client"

	"github.com/lsip/scrutiny/store"
	"github.com/lsip/scrutiny/testenv"
)

// silentTemporal is a client for an address that accepts connections and
// never answers: the Temporal that hangs rather than refuses, where only a
// deadline ends the call (the SDK retries until its context ends).
func silentTemporal(t *testing.T) client.Client {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	go func() {
		for {
			conn, err := l.Accept()
			if err != nil {
				return
			}
			t.Cleanup(func() { conn.Close() })
		}
	}()
	c, err := client.NewLazyClient(client.Options{HostPort: l.Addr().String()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)
	return c
}

// TestTemporalSilentIsA503: with Temporal accepting connections but never
// answering, a running cycle's status on the API and its page both end at
// the server's Temporal deadline, the API with a 503 problem and the page
// with a readable 503 page, each with Retry-After. The client gives up
// before the SDK's own timeout would end the call, so a call made without
// the server's deadline fails the test.
func TestTemporalSilentIsA503(t *testing.T) {
	st := testenv.DB(t)
	db := testenv.SQL(t, st)
	ctx := context.Background()
	var panelID, cycleID int64
	if err := db.QueryRow(ctx, `WITH p AS (INSERT INTO panels (area_id, name, covers) SELECT id, 'Wales', 'both' FROM areas WHERE code = 'wales' RETURNING id)
		INSERT INTO cycles (panel_id, workflow_id, window_start, window_end, quotas, started_by, coordinator_name, coordinator_email)
		SELECT id, 'cycle-silent', '2026-01-01', '2026-03-31', '{}', 't', 'C', 'c@example.org' FROM p RETURNING panel_id, id`).Scan(&panelID, &cycleID); err != nil {
		t.Fatal(err)
	}
	coord, err := st.CreateUser(ctx, store.User{Name: "Cath", Email: "cath@example.org", Role: "coordinator", PanelIDs: []int64{panelID}})
	if err == nil {
		err = st.SetPassword(ctx, coord, "a long enough password")
	}
	token, err2 := st.IssueToken(ctx, coord, "t")
	cookie, _, err3 := st.Login(ctx, "cath@example.org", "a long enough password", time.Hour)
	for _, e := range []error{err, err2, err3} {
		if e != nil {
			t.Fatal(e)
		}
	}

	s := New(Deps{Store: st, Temporal: silentTemporal(t)})
	s.temporalDeadline = time.Second
	srv := httptest.NewServer(s.Handler())
	t.Cleanup(srv.Close)
	// Well past the shortened deadline, and short of the SDK's own
	// default RPC timeout (10 s), so only the server's deadline passes.
	hc := &http.Client{Timeout: 5 * time.Second}

	path := "/cycles/" + strconv.FormatInt(cycleID, 10)
	for _, tc := range []struct {
		name, path, contentType string
		auth                    func(*http.Request)
	}{
		{"API", "/api/v1" + path, "application/problem+json", func(r *http.Request) { r.Header.Set("Authorization", "Bearer "+token) }},
		{"page", path, "text/html", func(r *http.Request) { r.AddCookie(&http.Cookie{Name: "scrutiny_session", Value: cookie}) }},
	} {
		req, _ := http.NewRequest("GET", srv.URL+tc.path, nil)
		tc.auth(req)
		resp, err := hc.Do(req)
		if err != nil {
			t.Fatalf("%s: no answer before the client gave up: %v", tc.name, err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusServiceUnavailable || resp.Header.Get("Retry-After") == "" || !strings.HasPrefix(resp.Header.Get("Content-Type"), tc.contentType) {
			t.Errorf("%s: %d, Retry-After %q, %s; want 503 %s with Retry-After", tc.name, resp.StatusCode, resp.Header.Get("Retry-After"), resp.Header.Get("Content-Type"), tc.contentType)
		}
	}
}
