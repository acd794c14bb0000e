package e2e

import (
	"bytes"
	"encoding/json"
	"net/http"
	"testing"
	"time"

	"github.com/lsip/scrutiny/domain"
	"github.com/lsip/scrutiny/store"
)

// TestRetriedStartAnswersAsTheFirst: a coordinator's start sent again
// with the same Idempotency-Key (the answer to the first was lost, or was
// a 503 while the cycle did start) is answered with the cycle the first
// started, not refused as a duplicate; a start of the same panel and
// window under another key is refused with 409. One cycle in all.
func TestRetriedStartAnswersAsTheFirst(t *testing.T) {
	t.Parallel()
	s := newStack(t, false)
	ctx := t.Context()
	coordID, _ := s.st.CreateUser(ctx, store.User{Name: "Cath Coordinator", Email: "cath@example.org", Role: domain.StaffCoordinator, PanelIDs: []int64{s.f.panelID}})
	tok, _ := s.st.IssueToken(ctx, coordID, "test")
	now := time.Now().UTC()
	meetingAt := now.Add(30 * 24 * time.Hour).Truncate(time.Hour)
	body, _ := json.Marshal(map[string]any{
		"panel_id": s.f.panelID, "window_start": now.AddDate(0, -3, 0).Format(time.DateOnly), "window_end": now.Format(time.DateOnly),
		"quotas":  map[string]int{"race": 1},
		"meeting": map[string]any{"start": meetingAt, "end": meetingAt.Add(2 * time.Hour), "location": "Cardiff office"},
	})
	start := func(key string) (int, map[string]any) {
		t.Helper()
		req, _ := http.NewRequest(http.MethodPost, s.url+"/api/v1/cycles", bytes.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+tok)
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Idempotency-Key", key)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var out map[string]any
		json.NewDecoder(resp.Body).Decode(&out)
		return resp.StatusCode, out
	}
	code, first := start("start-wales-q3")
	if code != http.StatusCreated || first["cycle_id"] == nil {
		t.Fatalf("first start: %d %v", code, first)
	}
	code, again := start("start-wales-q3")
	if code != http.StatusCreated || again["cycle_id"] != first["cycle_id"] {
		t.Errorf("the same start again: %d %v; want 201 naming cycle %v", code, again, first["cycle_id"])
	}
	if code, other := start("someone-else"); code != http.StatusConflict {
		t.Errorf("another start of the same window: %d %v; want 409", code, other)
	}
	if n := count(t, s.st, `SELECT count(*) FROM cycles`); n != 1 {
		t.Errorf("%d cycles, want 1", n)
	}
}
