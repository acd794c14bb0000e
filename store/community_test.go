package store_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/lsip/scrutiny/domain"
	"github.com/lsip/scrutiny/store"
	"github.com/lsip/scrutiny/testenv"
	"github.com/lsip/scrutiny/workbook"
)

// TestCommunityUpdateFigures: the update of an Area counts the approved
// cases of its panels' cycles whose minutes were issued and whose meeting
// falls in the period, by strand; lists their learning by theme; lists the
// Area's actions with the public fields only; and lets no case reference,
// summary or name out. A figure of 3 is shown as "fewer than 5".
func TestCommunityUpdateFigures(t *testing.T) {
	st := testenv.DB(t)
	db := testenv.SQL(t, st)
	ctx := context.Background()
	exec := func(sql string, args ...any) {
		t.Helper()
		if _, err := db.Exec(ctx, sql, args...); err != nil {
			t.Fatal(err)
		}
	}
	var panel, issued, draft int64
	var area int16
	if err := db.QueryRow(ctx, `INSERT INTO panels (area_id, name, covers) SELECT id, 'Wales LSIP', 'both' FROM areas WHERE code = 'wales' RETURNING id, area_id`).Scan(&panel, &area); err != nil {
		t.Fatal(err)
	}
	cycle := func(meeting string, minutesIssued bool) (id int64) {
		t.Helper()
		if err := db.QueryRow(ctx, `INSERT INTO cycles (panel_id, workflow_id, window_start, window_end, quotas, started_by, coordinator_name, coordinator_email, stage)
			VALUES ($1, 'c-' || $2, $2::date - 100, $2::date - 60, '{}', 't', 'Cerys Coordinator', 'cerys@example.org', 'closed') RETURNING id`, panel, meeting).Scan(&id); err != nil {
			t.Fatal(err)
		}
		exec(`INSERT INTO meetings (cycle_id, starts_at, ends_at, ics_uid) VALUES ($1, $2::timestamptz, $2::timestamptz + interval '2 hours', md5(random()::text))`, id, meeting)
		if minutesIssued {
			exec(`INSERT INTO audit_log (actor, action, subject_type, subject_id) VALUES ('chair@example.org', 'minutes_issued', 'cycle', $1)`, fmt.Sprint(id))
		}
		return id
	}
	issued, draft = cycle("2026-05-10 17:00Z", true), cycle("2026-06-10 17:00Z", false)
	earlier := cycle("2025-11-10 17:00Z", true)
	for i := range 9 {
		strand := "race" // 3 race cases, 6 disability
		if i >= 3 {
			strand = "disability"
		}
		var c int64
		if err := db.QueryRow(ctx, `INSERT INTO cases (area_id, reference, category, principal_offence, finalised_on, outcome, summary)
			VALUES ($1, $2, 'hate_crime', 'Harassment', '2026-02-01', 'conviction_plea', 'SECRET SUMMARY of the victim Jane Doe') RETURNING id`, area, fmt.Sprintf("WAL-X/%d", i)).Scan(&c); err != nil {
			t.Fatal(err)
		}
		exec(`INSERT INTO case_strands VALUES ($1, $2)`, c, strand)
		exec(`INSERT INTO cycle_cases (cycle_id, case_id, stratum, draw_position, role, status) VALUES ($1, $2, $3, 0, 'selected', 'approved')`, issued, c, strand)
	}
	// The earlier cycle's case is not counted, but its reference is
	// still replaced in the action that came from it.
	exec(`INSERT INTO cases (area_id, reference, category, principal_offence, finalised_on, outcome, summary)
		VALUES ($1, 'OLD-WAL-9', 'hate_crime', 'Harassment', '2025-02-01', 'conviction_plea', 's')`, area)
	exec(`INSERT INTO cycle_cases (cycle_id, case_id, stratum, draw_position, role, status) SELECT $1, id, 'race', 0, 'selected', 'approved' FROM cases WHERE reference = 'OLD-WAL-9'`, earlier)
	exec(`INSERT INTO actions (panel_id, area_id, cycle_id, description, owner_name, owner_email, manager_name, manager_email, due_on, status, created_at)
		VALUES ($1, $2, $3, 'Review old-wal-9 handling', 'Owen Owner', 'owen@example.org', 'Mona Manager', 'mona@example.org', '2026-07-01', 'open', '2026-05-11')`, panel, area, earlier)
	exec(`INSERT INTO learning_points (cycle_id, text, tag, theme, good_practice) VALUES
		($1, 'In wal-x/1 the hostility evidence was missed', 'prosecution', 'hostility_evidence', false),
		($1, 'Victims were kept well informed', 'police', 'victim_care', true),
		($1, 'An old point', 'partners', NULL, false),
		($2, 'Not yet published', 'prosecution', 'charging', false)`, issued, draft)
	exec(`INSERT INTO actions (panel_id, area_id, cycle_id, description, owner_name, owner_email, manager_name, manager_email, due_on, status, response, response_rationale, completion_note, completion_evidence, created_at, closed_at)
		VALUES ($1, $2, $3, 'Train lawyers on hostility evidence after WAL-X/1', 'Owen Owner', 'owen@example.org', 'Mona Manager', 'mona@example.org', '2026-07-01',
			'completed', 'accepted', 'It matters', 'Training given to all lawyers', 'https://intranet.example/secret', '2026-05-11', '2026-06-20'),
		($1, $2, $3, 'Dropped action', 'Owen Owner', 'owen@example.org', 'Mona Manager', 'mona@example.org', '2026-07-01', 'cancelled', NULL, NULL, NULL, NULL, '2026-05-11', NULL)`, panel, area, issued)

	wales, err := st.CommunityArea(ctx, store.ScopeOf(store.User{Role: domain.StaffCoordinator, PanelIDs: []int64{panel}}), "wales")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.CommunityArea(ctx, store.ScopeOf(store.User{Role: domain.StaffCoordinator, PanelIDs: []int64{panel}}), "london-north"); !errors.Is(err, store.ErrOutOfScope) {
		t.Errorf("another Area for the coordinator: %v, want ErrOutOfScope", err)
	}
	u, err := st.CommunityUpdate(ctx, wales, time.Date(2026, 4, 1, 0, 0, 0, 0, time.UTC), time.Date(2026, 9, 30, 0, 0, 0, 0, time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	if u.Cases != 9 {
		t.Errorf("cases: %d, want 9", u.Cases)
	}
	shown := map[string]string{}
	for _, c := range u.CasesByStrand {
		shown[c.Code] = workbook.Count{N: c.N}.Shown()
	}
	if shown["race"] != "fewer than 5" || shown["disability"] != "6" {
		t.Errorf("by strand: %v", shown)
	}
	var themes []string
	var texts []string
	for _, th := range u.Learning {
		themes = append(themes, th.Label)
		for _, p := range th.Points {
			texts = append(texts, p.Text)
		}
	}
	if strings.Join(themes, "|") != "Hostility evidence|Victim and witness care|Not themed" {
		t.Errorf("themes: %q", themes)
	}
	if len(u.Actions) != 2 || u.Actions[0].Response != "accepted" || u.Actions[0].CompletionNote != "Training given to all lawyers" || u.Actions[1].Description != "Review a case handling" {
		t.Fatalf("actions: %+v", u.Actions)
	}
	all := fmt.Sprintf("%+v", u)
	for _, secret := range []string{"WAL-X", "wal-x", "WAL-9", "wal-9", "SECRET", "Jane", "Owen", "owen@", "Mona", "intranet", "Not yet published", "Dropped"} {
		if strings.Contains(all, secret) {
			t.Errorf("the update shows %q: %s", secret, all)
		}
	}
	if !strings.Contains(strings.Join(texts, "|"), "In a case the hostility evidence was missed") {
		t.Errorf("the reference is not replaced: %q", texts)
	}
}

// TestCommunitySendOncePerPeriod: a period's update is recorded once per
// group; starting a second send for the period is refused.
func TestCommunitySendOncePerPeriod(t *testing.T) {
	st := testenv.DB(t)
	ctx := context.Background()
	wales, err := st.CommunityArea(ctx, store.ScopeOf(store.User{Role: domain.StaffAdmin}), "wales")
	if err != nil {
		t.Fatal(err)
	}
	g, err := st.AddCommunityGroup(ctx, wales.ID, store.CommunityGroup{Name: "Cardiff Forum", Email: "forum@example.org", Language: "cy"}, "admin@example.org")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.AddCommunityGroup(ctx, wales.ID, store.CommunityGroup{Name: "Again", Email: "FORUM@example.org", Language: "en"}, "admin@example.org"); !errors.Is(err, store.ErrGroupExists) {
		t.Errorf("same address again: %v", err)
	}
	from, to := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(2026, 6, 30, 0, 0, 0, 0, time.UTC)
	send := func() error {
		return st.InTx(ctx, func(tx *store.Tx) error {
			if err := tx.StartCommunitySend(ctx, wales.ID, from, to); err != nil {
				return err
			}
			id, err := tx.EnqueueMail(ctx, store.Mail{Key: "community-test", ToAddress: "forum@example.org", Subject: "s", BodyText: "b"})
			if err != nil {
				return err
			}
			return tx.RecordCommunitySend(ctx, wales.ID, from, to, g, id, "admin@example.org")
		})
	}
	if err := send(); err != nil {
		t.Fatal(err)
	}
	if err := send(); !errors.Is(err, store.ErrUpdateAlreadySent) {
		t.Errorf("second send: %v, want ErrUpdateAlreadySent", err)
	}
	sends, err := st.CommunitySends(ctx, wales.ID)
	if err != nil || len(sends) != 1 || sends[0].GroupName != "Cardiff Forum" {
		t.Errorf("sends: %+v, %v", sends, err)
	}
}
