package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/lsip/scrutiny/domain"
	"github.com/lsip/scrutiny/selection"
	"github.com/lsip/scrutiny/store"
	"github.com/lsip/scrutiny/testenv"
)

// nationalAreas are the three Areas the national journey's cases come from.
var nationalAreas = []string{"london-north", "north-east", "wales"}

// TestNationalThemedCycleAcrossThreeAreas runs a national panel's themed
// cycle on the real Temporal server, PostgreSQL and SMTP: cases in three
// Areas, some flagged as having Gypsy, Roma and Traveller victims; the
// coordinator starts the cycle through the API with that theme; the draw
// takes flagged cases only, one from each Area, and the published draw
// (GET /api/v1/cycles/{id}/draw) repeats from its seed while a tampered
// copy does not. At the meeting an action with an unknown owning Area is
// refused as 422 problem+json naming the field; two actions owned in two
// other Areas than the host's each show on their own Area manager's board
// and on no other.
func TestNationalThemedCycleAcrossThreeAreas(t *testing.T) {
	t.Parallel()
	sys := newStack(t, false)
	st := sys.st
	ctx := context.Background()
	db := testenv.SQL(t, st)
	now := time.Now().UTC()

	// Hosted by Wales; its members live in different Areas (members
	// belong to a panel, not an Area, so only their names say so).
	national, err := st.CreatePanel(ctx, domain.NewPanel{AreaCode: "wales", Name: "National Scrutiny Panel", Covers: "hate_crime",
		Strands: []string{"race"}, Kind: domain.PanelNational}, "admin@example.org")
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range [][2]string{{"Nia of Wales", "nia@example.org"}, {"Geordie of the North East", "geordie@example.org"}, {"Lola of London North", "lola@example.org"}} {
		if _, err := db.Exec(ctx, `INSERT INTO members (panel_id, name, email, role, confidentiality_signed_on) VALUES ($1, $2, $3, 'member', now())`,
			national.ID, m[0], m[1]); err != nil {
			t.Fatal(err)
		}
	}
	// Three flagged and two unflagged race cases in each Area; the
	// fixture's eight Welsh cases are unflagged too.
	var recs []domain.CaseRecord
	for _, area := range nationalAreas {
		for i := range 5 {
			group := domain.VictimGypsyRomaTraveller
			if i >= 3 {
				group = ""
			}
			recs = append(recs, domain.CaseRecord{AreaCode: area, Reference: fmt.Sprintf("NAT-%s-%d", area, i), URN: fmt.Sprintf("NATURN%s%d", area, i),
				Category: domain.HateCrime, Strands: []string{"race"}, PrincipalOffence: "Racially aggravated harassment",
				FinalisedOn: now.AddDate(0, -1, 0), Outcome: domain.ConvictionPlea, Summary: "Abuse at a roadside site.", VictimGroup: group})
		}
	}
	if err := st.InTx(ctx, func(tx *store.Tx) error { _, _, err := tx.UpsertCases(ctx, recs); return err }); err != nil {
		t.Fatal(err)
	}
	coordID, _ := st.CreateUser(ctx, store.User{Name: "Nadia National", Email: "nadia@example.org", Role: domain.StaffCoordinator, PanelIDs: []int64{national.ID}})
	coordTok, _ := st.IssueToken(ctx, coordID, "test")
	coord := apiClient{t, sys.url, coordTok}

	// Stage dates are seconds apart, as in TestAPIJourney.
	meetingAt := now.Add(40 * time.Second).Truncate(time.Second)
	code, started := coord.do("POST", "/api/v1/cycles", map[string]any{
		"panel_id": national.ID, "window_start": now.AddDate(0, -3, 0).Format(time.DateOnly), "window_end": now.Format(time.DateOnly),
		"theme":        "Hate crime against Gypsy, Roma and Traveller people",
		"theme_filter": map[string]any{"victim_groups": []string{string(domain.VictimGypsyRomaTraveller)}, "min_per_area": 1},
		"quotas":       map[string]int{"race": 3},
		"meeting":      map[string]any{"start": meetingAt, "end": meetingAt.Add(2 * time.Hour), "location": "Birmingham office"},
		"timing": map[string]any{"conflict_check_before": "30s", "packs_before": "25s", "reviews_due_before": "5s",
			"revoke_after": "10s", "reminders": []string{}, "approval_nudge_every": "PT1H"},
	})
	if code != http.StatusCreated {
		t.Fatalf("start: %d %v", code, started)
	}
	cycleID := int64(started["cycle_id"].(float64))
	cyclePath := fmt.Sprintf("/api/v1/cycles/%d", cycleID)
	waitFor(t, func() bool {
		_, s := coord.do("GET", cyclePath, nil)
		return s["stage"] == string(domain.StageCoordinatorCheck)
	})

	// The draw took one flagged case from each of the three Areas.
	rows, err := db.Query(ctx, `SELECT ar.code, c.victim_group FROM cycle_cases cc JOIN cases c ON c.id = cc.case_id JOIN areas ar ON ar.id = c.area_id
		WHERE cc.cycle_id = $1 AND cc.role = 'selected' ORDER BY ar.code`, cycleID)
	if err != nil {
		t.Fatal(err)
	}
	var drawnAreas []string
	for rows.Next() {
		var area, group string
		if err := rows.Scan(&area, &group); err != nil {
			t.Fatal(err)
		}
		if group != string(domain.VictimGypsyRomaTraveller) {
			t.Errorf("a case from %s outside the theme was drawn (victim group %q)", area, group)
		}
		drawnAreas = append(drawnAreas, area)
	}
	if rows.Close(); !slices.Equal(drawnAreas, nationalAreas) {
		t.Errorf("the draw's Areas are %v, want one case from each of %v", drawnAreas, nationalAreas)
	}

	// The published draw repeats from its seed; a tampered one does not.
	rec := publishedDraw(t, coord, cyclePath+"/draw")
	if !rec.National || len(rec.Strata) != 1 || len(rec.Strata[0].Areas) != 3 || len(rec.Strata[0].Eligible) != 9 {
		t.Fatalf("published draw: %+v", rec)
	}
	for _, a := range rec.Strata[0].Areas {
		if len(a.Eligible) != 3 || len(a.Selected) != 1 {
			t.Errorf("the published draw in %s: %d eligible, %d selected", a.Area, len(a.Eligible), len(a.Selected))
		}
	}
	if diffs := selection.Verify(rec); len(diffs) != 0 {
		t.Errorf("the published draw does not repeat from its seed: %v", diffs)
	}
	tampered := rec
	tampered.Strata = []selection.RecordStratum{rec.Strata[0]}
	tampered.Strata[0].Selected = slices.Clone(rec.Strata[0].Selected)
	tampered.Strata[0].Selected[0] = notIn(rec.Strata[0].Eligible, rec.Strata[0].Selected)
	if diffs := selection.Verify(tampered); len(diffs) == 0 {
		t.Error("a draw with a substituted case verifies")
	}

	if code, p := coord.do("POST", cyclePath+"/approve", nil); code != http.StatusOK {
		t.Fatalf("approve: %d %v", code, p)
	}
	waitFor(t, func() bool { _, s := coord.do("GET", cyclePath, nil); return s["stage"] == string(domain.StageMeeting) })

	agree := func(description, area string) map[string]any {
		return map[string]any{"description": description, "owner_name": "Area hate crime lead", "owner_email": "lead@example.org",
			"manager_name": "DCCP", "manager_email": "dccp@example.org", "due": now.AddDate(0, 2, 0), "area": area}
	}
	resp, p := send(t, "POST", sys.url+cyclePath+"/actions", coordTok, agree("Train staff on site-based hate crime", "atlantis"))
	if ct := resp.Header.Get("Content-Type"); resp.StatusCode != http.StatusUnprocessableEntity || !strings.HasPrefix(ct, "application/problem+json") ||
		!strings.Contains(fmt.Sprint(p["detail"]), `area "atlantis" is not a known Area code`) {
		t.Errorf("an action owned in an unknown Area: %d %s %v", resp.StatusCode, ct, p)
	}
	actionIn := map[string]int64{}
	for _, area := range []string{"north-east", "london-north"} {
		code, p := coord.do("POST", cyclePath+"/actions", agree("Review charging of site-based hate crime in "+area, area))
		if code != http.StatusOK {
			t.Fatalf("action owned in %s: %d %v", area, code, p)
		}
		actionIn[area] = int64(p["result"].(map[string]any)["action_id"].(float64))
	}
	var stored int
	db.QueryRow(ctx, `SELECT count(*) FROM actions WHERE cycle_id = $1`, cycleID).Scan(&stored)
	if stored != 2 {
		t.Errorf("in PostgreSQL: %d actions of the cycle, want 2", stored)
	}

	// Each Area's manager sees their Area's action and not the other's;
	// the host Area's manager sees neither.
	for _, area := range nationalAreas {
		board := managerBoard(t, sys, area)
		for owner, id := range actionIn {
			if shown := slices.Contains(board, id); shown != (owner == area) {
				t.Errorf("the %s manager's board shows action A-%d (owned in %s): %v", area, id, owner, shown)
			}
		}
	}
}

// publishedDraw fetches a cycle's published draw as selection.Record,
// decoding the body itself: the seed is a 64-bit integer, which a detour
// through float64 (apiClient.do's map) would round.
func publishedDraw(t *testing.T, a apiClient, path string) selection.Record {
	t.Helper()
	req, _ := http.NewRequest("GET", a.base+path, nil)
	req.Header.Set("Authorization", "Bearer "+a.token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var rec selection.Record
	if err := json.NewDecoder(resp.Body).Decode(&rec); err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %d %v", path, resp.StatusCode, err)
	}
	return rec
}

// notIn is the first of refs that is not in taken.
func notIn(refs, taken []int64) int64 {
	for _, r := range refs {
		if !slices.Contains(taken, r) {
			return r
		}
	}
	return -1
}

// managerBoard is the IDs of the actions on the board of a new manager of
// the Area, read through the API with their token.
func managerBoard(t *testing.T, s *stack, area string) []int64 {
	t.Helper()
	ctx := context.Background()
	var areaID int16
	if err := testenv.SQL(t, s.st).QueryRow(ctx, `SELECT id FROM areas WHERE code = $1`, area).Scan(&areaID); err != nil {
		t.Fatal(err)
	}
	id, err := s.st.CreateUser(ctx, store.User{Name: "Manager of " + area, Email: "manager." + area + "@example.org", Role: domain.StaffManager, AreaID: &areaID})
	if err != nil {
		t.Fatal(err)
	}
	tok, _ := s.st.IssueToken(ctx, id, "test")
	code, page := apiClient{t, s.url, tok}.do("GET", "/api/v1/actions", nil)
	if code != http.StatusOK {
		t.Fatalf("the %s manager's board: %d %v", area, code, page)
	}
	var ids []int64
	for _, item := range page["items"].([]any) {
		ids = append(ids, int64(item.(map[string]any)["id"].(float64)))
	}
	return ids
}
