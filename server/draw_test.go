package server

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"

	"go.temporal.io/sdk/client"

	"github.com/lsip/scrutiny/selection"
	"github.com/lsip/scrutiny/store"
	"github.com/lsip/scrutiny/testenv"
)

// GET /cycles/{id}/draw publishes a recorded draw that repeats from its
// seed, by pseudonymous numbers only, to the cycle's own staff; a
// coordinator of another panel is refused.
func TestDrawEndpoint(t *testing.T) {
	st := testenv.DB(t)
	db := testenv.SQL(t, st)
	ctx := context.Background()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	var panel, otherPanel, cycleID int64
	must(db.QueryRow(ctx, `INSERT INTO panels (area_id, name, covers) SELECT id, 'Wales', 'both' FROM areas WHERE code = 'wales' RETURNING id`).Scan(&panel))
	must(db.QueryRow(ctx, `INSERT INTO panels (area_id, name, covers) SELECT id, 'NE', 'both' FROM areas WHERE code = 'north-east' RETURNING id`).Scan(&otherPanel))
	must(db.QueryRow(ctx, `INSERT INTO cycles (panel_id, workflow_id, window_start, window_end, quotas, started_by, coordinator_name, coordinator_email)
		VALUES ($1, 'cycle-draw', '2026-01-01', '2026-03-31', '{}', 't', 'C', 'c@example.org') RETURNING id`, panel).Scan(&cycleID))
	var ids []int64
	for i := range 6 {
		var id int64
		must(db.QueryRow(ctx, `INSERT INTO cases (area_id, reference, category, principal_offence, finalised_on, outcome, summary)
			SELECT id, $1, 'hate_crime', 'Assault', '2026-02-01', 'conviction_plea', 'A summary' FROM areas WHERE code = 'wales' RETURNING id`,
			"WAL-DRAW-"+strconv.Itoa(i)).Scan(&id))
		ids = append(ids, id)
	}
	r := selection.Draw(42, []selection.Stratum{{Strand: "race", Quota: 2, Eligible: ids}}, 1)[0]
	must(st.InTx(ctx, func(tx *store.Tx) error {
		return tx.RecordDraw(ctx, cycleID, 42, []store.DrawnStratum{{Strand: "race", Quota: 2, Eligible: r.EligibleCount,
			EligibleIDs: ids, Selected: r.Selected, Reserves: r.Reserves}}, nil)
	}))

	token := func(u store.User) string {
		id, err := st.CreateUser(ctx, u)
		must(err)
		tok, err := st.IssueToken(ctx, id, "t")
		must(err)
		return tok
	}
	own := token(store.User{Name: "C", Email: "c1@example.org", Role: "coordinator", PanelIDs: []int64{panel}})
	other := token(store.User{Name: "C2", Email: "c2@example.org", Role: "coordinator", PanelIDs: []int64{otherPanel}})
	unreachable, err := client.NewLazyClient(client.Options{HostPort: "127.0.0.1:1"})
	must(err)
	defer unreachable.Close()
	srv := httptest.NewServer(New(Deps{Store: st, Temporal: unreachable}).Handler())
	defer srv.Close()
	get := func(tok string) (int, []byte) {
		req, _ := http.NewRequest("GET", srv.URL+"/api/v1/cycles/"+strconv.FormatInt(cycleID, 10)+"/draw", nil)
		req.Header.Set("Authorization", "Bearer "+tok)
		resp, err := http.DefaultClient.Do(req)
		must(err)
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, b
	}

	code, body := get(own)
	if code != http.StatusOK {
		t.Fatalf("the panel's coordinator: %d %s", code, body)
	}
	var rec selection.Record
	must(json.Unmarshal(body, &rec))
	if rec.Seed != 42 || len(rec.Strata) != 1 || len(rec.Strata[0].Eligible) != 6 || len(rec.Strata[0].Selected) != 2 || len(rec.Strata[0].Reserves) != 1 {
		t.Fatalf("published draw %s", body)
	}
	if diffs := selection.Verify(rec); len(diffs) != 0 {
		t.Errorf("the published draw does not repeat: %v", diffs)
	}
	if strings.Contains(string(body), "WAL-DRAW") {
		t.Errorf("the draw names a case: %s", body)
	}
	if code, _ := get(other); code != http.StatusForbidden {
		t.Errorf("a coordinator of another panel got %d, want 403", code)
	}
}
