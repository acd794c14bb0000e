package server_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"go.temporal.io/sdk/client"

	"github.com/lsip/scrutiny/domain"
	"github.com/lsip/scrutiny/server"
	"github.com/lsip/scrutiny/store"
	"github.com/lsip/scrutiny/testenv"
)

// TestStartRefusesUnsafeTiming: a nudge every nanosecond or links valid
// for a century are refused by field before anything starts.
func TestStartRefusesUnsafeTiming(t *testing.T) {
	st := testenv.DB(t)
	ctx := t.Context()
	var panel int64
	if err := testenv.SQL(t, st).QueryRow(ctx, `INSERT INTO panels (area_id, name, covers) SELECT id, 'Wales', 'both' FROM areas WHERE code = 'wales' RETURNING id`).Scan(&panel); err != nil {
		t.Fatal(err)
	}
	uid, err := st.CreateUser(ctx, store.User{Name: "C", Email: "c@example.org", Role: domain.StaffCoordinator, PanelIDs: []int64{panel}})
	if err != nil {
		t.Fatal(err)
	}
	tok, err := st.IssueToken(ctx, uid, "test")
	if err != nil {
		t.Fatal(err)
	}
	unreachable, err := client.NewLazyClient(client.Options{HostPort: "127.0.0.1:1"})
	if err != nil {
		t.Fatal(err)
	}
	defer unreachable.Close()
	srv := httptest.NewServer(server.New(server.Deps{Store: st, Temporal: unreachable}).Handler())
	defer srv.Close()

	meeting := time.Now().Add(60 * 24 * time.Hour).UTC().Truncate(time.Hour)
	body, _ := json.Marshal(map[string]any{
		"panel_id": panel, "window_start": "2026-07-01", "window_end": "2026-09-30", "quotas": map[string]int{"race": 1},
		"meeting": map[string]any{"start": meeting, "end": meeting.Add(2 * time.Hour), "location": "Cardiff"},
		"timing":  map[string]any{"approval_nudge_every": "1s", "revoke_after": "36500d"},
	})
	req, _ := http.NewRequest(http.MethodPost, srv.URL+"/api/v1/cycles", bytes.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+tok)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var p struct {
		Errors []struct{ Field, Message string }
	}
	json.NewDecoder(resp.Body).Decode(&p)
	fields := map[string]string{}
	for _, e := range p.Errors {
		fields[e.Field] = e.Message
	}
	if resp.StatusCode != http.StatusBadRequest || !strings.Contains(fields["timing.approval_nudge_every"], "at least 1 hour") || !strings.Contains(fields["timing.revoke_after"], "30 days") {
		t.Errorf("start with unsafe timing: %d %v", resp.StatusCode, fields)
	}
}
