package store_test

import (
	"cmp"
	"context"
	"slices"
	"testing"
	"time"

	"github.com/lsip/scrutiny/domain"
	"github.com/lsip/scrutiny/store"
	"github.com/lsip/scrutiny/testenv"
)

// TestListActionsOutstanding: the overdue and due-soon lists hold every
// outstanding action (open and in progress alike, store.OutstandingActions)
// and nothing else, soonest due first, with the counts and total of those
// alone. The condition is written into the statement, not passed as the
// list of statuses, so this is what keeps the two in step.
func TestListActionsOutstanding(t *testing.T) {
	st := testenv.DB(t)
	seedActions(t, st, 400) // one Area's panel has open actions, the other's in progress
	ctx := context.Background()
	today := time.Now().UTC().Truncate(24 * time.Hour)
	for _, tc := range []struct {
		name string
		f    store.ActionFilter
		due  func(time.Time) bool
	}{
		{"overdue", store.ActionFilter{Overdue: true}, func(d time.Time) bool { return d.Before(today) }},
		{"due within 30 days", store.ActionFilter{DueWithin: 30}, func(d time.Time) bool { return !d.Before(today) && !d.After(today.AddDate(0, 0, 30)) }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tc.f.Scope, tc.f.Limit = store.ScopeOf(store.User{Role: domain.StaffAdmin}), 1000
			rows, total, counts, err := st.ListActions(ctx, tc.f)
			if err != nil {
				t.Fatal(err)
			}
			if len(counts) != 2 || counts[domain.ActionOpen] == 0 || counts[domain.ActionInProgress] == 0 ||
				total != counts[domain.ActionOpen]+counts[domain.ActionInProgress] || len(rows) != total {
				t.Fatalf("%d rows, total %d, counts %v; want open and in-progress actions only, all of them", len(rows), total, counts)
			}
			for _, r := range rows {
				if !slices.Contains(store.OutstandingActions, r.Status) || !tc.due(r.Due) || r.Overdue != r.Due.Before(today) {
					t.Errorf("action %d (%s, due %s, overdue %v) does not belong", r.ID, r.Status, r.Due.Format(time.DateOnly), r.Overdue)
				}
			}
			if !slices.IsSortedFunc(rows, cmpDueThenID) {
				t.Error("not soonest due first")
			}
		})
	}
}

// cmpDueThenID orders actions as the lists do: by due date, then by ID.
func cmpDueThenID(a, b domain.ActionRow) int {
	return cmp.Or(a.Due.Compare(b.Due), cmp.Compare(a.ID, b.ID))
}
