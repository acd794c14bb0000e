package store_test

import (
	"context"
	"testing"

	"github.com/lsip/scrutiny/domain"
	"github.com/lsip/scrutiny/store"
	"github.com/lsip/scrutiny/testenv"
)

// seedActions inserts n actions across two panels with a spread of
// statuses and due dates.
func seedActions(tb testing.TB, st *store.Store, n int) (walesArea int16) {
	tb.Helper()
	ctx := context.Background()
	db := testenv.SQL(tb, st)
	var wales, ne int64
	db.QueryRow(ctx, `INSERT INTO panels (area_id, name, covers) SELECT id, 'Wales', 'both' FROM areas WHERE code = 'wales' RETURNING id, area_id`).Scan(&wales, &walesArea)
	db.QueryRow(ctx, `INSERT INTO panels (area_id, name, covers) SELECT id, 'NE', 'both' FROM areas WHERE code = 'north-east' RETURNING id`).Scan(&ne)
	if _, err := db.Exec(ctx, `INSERT INTO actions (panel_id, area_id, description, owner_name, owner_email, manager_name, manager_email, due_on, status)
		SELECT CASE WHEN i % 2 = 0 THEN $1::bigint ELSE $2::bigint END, (SELECT area_id FROM panels WHERE id = CASE WHEN i % 2 = 0 THEN $1::bigint ELSE $2::bigint END),
			'Action ' || i, 'Owner ' || (i % 50), 'owner' || (i % 50) || '@example.org', 'Manager', 'm@example.org',
			current_date + ((i % 200) - 100), (ARRAY['open', 'in_progress', 'completed', 'cancelled'])[1 + i % 4]
		FROM generate_series(1, $3) i`, wales, ne, n); err != nil {
		tb.Fatal(err)
	}
	return walesArea
}

func TestListActionsFiltersAndCounts(t *testing.T) {
	st := testenv.DB(t)
	area := seedActions(t, st, 400)
	ctx := context.Background()
	rows, total, counts, err := st.ListActions(ctx, store.ActionFilter{Scope: areaScope(area), Overdue: true, Limit: 10})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rows {
		if !r.Overdue || r.Area != "Wales" {
			t.Errorf("row %+v does not match the filter", r)
		}
	}
	if len(rows) != 10 || total == 0 || counts["completed"] != 0 {
		t.Errorf("%d rows, total %d, counts %v", len(rows), total, counts)
	}
	_, owner, _, _ := st.ListActions(ctx, store.ActionFilter{Scope: store.ScopeOf(store.User{Role: domain.StaffAdmin}), Owner: "owner7@"})
	if owner != 8 { // i % 50 == 7 for i in 1..400
		t.Errorf("owner filter matched %d", owner)
	}
}

// areaScope is what a manager of the Area sees.
func areaScope(area int16) store.Scope {
	return store.ScopeOf(store.User{Role: domain.StaffManager, AreaID: &area})
}

// BenchmarkListActions100k measures the manager's board over 100,000
// actions: the filtered first page with counts by status.
func BenchmarkListActions100k(b *testing.B) {
	st := testenv.DB(b)
	area := seedActions(b, st, 100000)
	testenv.SQL(b, st).Exec(context.Background(), `ANALYZE actions`)
	ctx := context.Background()
	b.ResetTimer()
	for range b.N {
		if _, _, _, err := st.ListActions(ctx, store.ActionFilter{Scope: areaScope(area), Overdue: true, Limit: 50}); err != nil {
			b.Fatal(err)
		}
	}
}
