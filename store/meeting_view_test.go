package store_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/lsip/scrutiny/domain"
	"github.com/lsip/scrutiny/store"
	"github.com/lsip/scrutiny/testenv"
)

// TestMeetingReviewsAddUpSubmittedOnly: the meeting's view of a case
// counts and quotes only submitted reviews still in packs (a draft, a
// review not returned, an excused one and one removed after a conflict
// never show), attributes every comment by role in the panel's role
// order, and carries no member's name; the index counts each case's
// reviews, and the panel's chairs are its active staff chairs.
func TestMeetingReviewsAddUpSubmittedOnly(t *testing.T) {
	st := testenv.DB(t)
	db := testenv.SQL(t, st)
	ctx := context.Background()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	var panel, cycleID, case1, case2 int64
	var area int16
	must(db.QueryRow(ctx, `INSERT INTO panels (area_id, name, covers) SELECT id, 'Wales LSIP', 'both' FROM areas WHERE code = 'wales' RETURNING id, area_id`).Scan(&panel, &area))
	must(db.QueryRow(ctx, `INSERT INTO cycles (panel_id, workflow_id, window_start, window_end, quotas, started_by, coordinator_name, coordinator_email, stage)
		VALUES ($1, 'c', '2026-01-01', '2026-03-31', '{}', 't', 'C', 'c@example.org', 'meeting') RETURNING id`, panel).Scan(&cycleID))
	for ref, id := range map[string]*int64{"R-1": &case1, "R-2": &case2} {
		must(db.QueryRow(ctx, `INSERT INTO cases (area_id, reference, category, principal_offence, finalised_on, outcome, summary)
			VALUES ($1, $2, 'hate_crime', 'Harassment', '2026-02-01', 'conviction_plea', 'The anonymised summary of ' || $2) RETURNING id`, area, ref).Scan(id))
		_, err := db.Exec(ctx, `INSERT INTO cycle_cases (cycle_id, case_id, stratum, draw_position, role, status) VALUES ($1, $2, 'race', 0, 'selected', 'approved')`, cycleID, *id)
		must(err)
	}
	type reviewer struct {
		name, role, status string
		removed            bool
		answers            string
	}
	full := func(rating, overall, comment, concerns string) string {
		return fmt.Sprintf(`{"ratings": {"charging": %q, "timeliness": "yes"}, "comments": {"charging": %q, "timeliness": ""}, "overall": %q,
			"good_practice": "", "concerns": %q, "questions": "", "learning": ""}`, rating, comment, overall, concerns)
	}
	members := []reviewer{
		{"Ann Adviser", "adviser", "submitted", false, full("partly", "concerns", "Ann's words on charging", "")},
		{"Mo Member", "member", "submitted", false, full("yes", "handled_well", "", "Mo's concern")},
		{"Cath Chair", "chair", "submitted", false, full("yes", "handled_well", "Cath's words on charging", "")},
		{"Dan Draft", "member", "draft", false, full("no", "not_agreed", "DRAFT WORDS", "DRAFT CONCERN")},
		{"Nia Late", "member", "not_submitted", false, full("no", "not_agreed", "LATE WORDS", "")},
		{"Ed Excused", "member", "excused", false, `{}`},
		{"Con Flicted", "member", "submitted", true, full("no", "not_agreed", "REMOVED WORDS", "")},
	}
	for _, m := range members {
		var id int64
		must(db.QueryRow(ctx, `INSERT INTO members (panel_id, name, email, role) VALUES ($1, $2, replace(lower($2), ' ', '.') || '@example.org', $3) RETURNING id`,
			panel, m.name, m.role).Scan(&id))
		_, err := db.Exec(ctx, `INSERT INTO reviews (cycle_id, member_id, case_id, status, answers, removed) VALUES ($1, $2, $3, $4, $5, $6), ($1, $2, $7, 'outstanding', '{}', false)`,
			cycleID, id, case1, m.status, m.answers, m.removed, case2)
		must(err)
	}
	_, err := db.Exec(ctx, `INSERT INTO findings (cycle_id, case_id, category, rationale, recorded_by) VALUES ($1, $2, 'concerns', 'No uplift sought', 'Cath')`, cycleID, case1)
	must(err)

	got, err := st.MeetingReviews(ctx, cycleID, case1)
	must(err)
	if got.Case.Reference != "R-1" || got.Case.Summary != "The anonymised summary of R-1" || got.Submitted != 3 || got.Awaited != 2 {
		t.Errorf("case %+v: %d submitted, %d awaited; want R-1 with its summary, 3 and 2 (the draft and the non-return)", got.Case, got.Submitted, got.Awaited)
	}
	if c := got.Ratings["charging"]; len(c) != 2 || c["yes"] != 2 || c["partly"] != 1 {
		t.Errorf("charging ratings %v, want yes 2 and partly 1", c)
	}
	if c := got.Ratings["timeliness"]; c["yes"] != 3 {
		t.Errorf("timeliness ratings %v, want yes 3", c)
	}
	if len(got.Suggested) != 2 || got.Suggested["handled_well"] != 2 || got.Suggested["concerns"] != 1 {
		t.Errorf("suggested findings %v, want handled_well 2 and concerns 1", got.Suggested)
	}
	want := []domain.RoleComment{
		{Role: domain.RoleChair, Field: "comments.charging", Text: "Cath's words on charging"},
		{Role: domain.RoleMember, Field: "concerns", Text: "Mo's concern"},
		{Role: domain.RoleAdviser, Field: "comments.charging", Text: "Ann's words on charging"},
	}
	if fmt.Sprint(got.Comments) != fmt.Sprint(want) {
		t.Errorf("comments %+v\nwant %+v", got.Comments, want)
	}
	if got.Finding == nil || got.Finding.Category != "concerns" || got.Finding.Rationale != "No uplift sought" {
		t.Errorf("finding %+v", got.Finding)
	}
	everything := fmt.Sprintf("%+v", got)
	for _, m := range members {
		if strings.Contains(everything, m.name) {
			t.Errorf("the meeting's view names %s:\n%s", m.name, everything)
		}
	}
	for _, hidden := range []string{"DRAFT", "LATE", "REMOVED", "not_agreed"} {
		if strings.Contains(everything, hidden) {
			t.Errorf("the meeting's view shows %q from a review it must not count:\n%s", hidden, everything)
		}
	}

	other, err := st.MeetingReviews(ctx, cycleID, case2)
	must(err)
	if other.Submitted != 0 || other.Awaited != 7 || len(other.Ratings) != 0 || len(other.Comments) != 0 || other.Finding != nil {
		t.Errorf("a case no one has sent: %+v", other)
	}
	if _, err := st.MeetingReviews(ctx, cycleID, case2+1000); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("a case not in the cycle: %v, want ErrNotFound", err)
	}

	index, err := st.MeetingCases(ctx, cycleID)
	must(err)
	if len(index) != 2 || index[0].Reference != "R-1" || index[0].Submitted != 3 || index[0].InPacks != 5 || index[0].Finding != "concerns" ||
		index[1].Submitted != 0 || index[1].InPacks != 7 || index[1].Finding != "" {
		t.Errorf("meeting index %+v", index)
	}

	for _, u := range []store.User{
		{Name: "Zoe Chair", Email: "zoe@example.org", Role: domain.StaffChair, PanelIDs: []int64{panel}},
		{Name: "Cath Coordinator", Email: "cathc@example.org", Role: domain.StaffCoordinator, PanelIDs: []int64{panel}},
		{Name: "Old Chair", Email: "old@example.org", Role: domain.StaffChair, PanelIDs: []int64{panel}},
		{Name: "Other Chair", Email: "other@example.org", Role: domain.StaffChair},
	} {
		id, err := st.CreateUser(ctx, u)
		must(err)
		if u.Name == "Old Chair" {
			_, _, err = st.DeactivateUser(ctx, id, "admin")
			must(err)
		}
	}
	chairs, err := st.PanelChairs(ctx, panel)
	must(err)
	if len(chairs) != 1 || chairs[0].Name != "Zoe Chair" || chairs[0].Email != "zoe@example.org" {
		t.Errorf("the panel's chairs: %+v, want Zoe Chair only", chairs)
	}
}
