package e2e

import (
	"context"
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/lsip/scrutiny/domain"
	"github.com/lsip/scrutiny/store"
)

// TestCycleStartsAgainAfterCancel: a cancelled cycle does not block its
// panel and window; the same request starts a new cycle, with a new
// workflow and a new row, and the cancelled one keeps its record.
func TestCycleStartsAgainAfterCancel(t *testing.T) {
	t.Parallel()
	sys := newStack(t, false)
	st, f := sys.st, sys.f
	ctx := context.Background()
	coordID, _ := st.CreateUser(ctx, store.User{Name: "Cath Coordinator", Email: "cath@example.org", Role: domain.StaffCoordinator, PanelIDs: []int64{f.panelID}})
	tok, _ := st.IssueToken(ctx, coordID, "test")
	coord := apiClient{t, sys.url, tok}

	now := time.Now().UTC()
	meetingAt := now.Add(30 * 24 * time.Hour).Truncate(time.Hour)
	body := map[string]any{
		"panel_id": f.panelID, "window_start": now.AddDate(0, -3, 0).Format(time.DateOnly), "window_end": now.Format(time.DateOnly),
		"quotas":  map[string]int{"race": 1},
		"meeting": map[string]any{"start": meetingAt, "end": meetingAt.Add(2 * time.Hour), "location": "Cardiff office"},
	}
	code, first := coord.do("POST", "/api/v1/cycles", body)
	if code != http.StatusCreated {
		t.Fatalf("start: %d %v", code, first)
	}
	firstID := int64(first["cycle_id"].(float64))
	firstPath := fmt.Sprintf("/api/v1/cycles/%d", firstID)
	waitFor(t, func() bool {
		_, s := coord.do("GET", firstPath, nil)
		return s["stage"] == string(domain.StageCoordinatorCheck)
	})
	if code, p := coord.do("POST", firstPath+"/cancel", map[string]any{"reason": "The chair is unavailable"}); code != http.StatusOK {
		t.Fatalf("cancel: %d %v", code, p)
	}
	waitFor(t, func() bool {
		_, s := coord.do("GET", firstPath, nil)
		return s["stage"] == string(domain.StageCancelled)
	})

	code, second := coord.do("POST", "/api/v1/cycles", body)
	if code != http.StatusCreated {
		t.Fatalf("start again after the cancel: %d %v", code, second)
	}
	secondID := int64(second["cycle_id"].(float64))
	if secondID == firstID {
		t.Fatalf("the new cycle took the cancelled cycle's row %d", firstID)
	}
	waitFor(t, func() bool {
		_, s := coord.do("GET", fmt.Sprintf("/api/v1/cycles/%d", secondID), nil)
		return s["stage"] == string(domain.StageCoordinatorCheck)
	})
	if _, s := coord.do("GET", firstPath, nil); s["stage"] != string(domain.StageCancelled) {
		t.Errorf("the cancelled cycle now reads %v", s["stage"])
	}
	if code, dup := coord.do("POST", "/api/v1/cycles", body); code != http.StatusConflict {
		t.Errorf("a third start while the second is live: %d %v", code, dup)
	}
}
