package retention_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/lsip/scrutiny/retention"
	"github.com/lsip/scrutiny/store"
	"github.com/lsip/scrutiny/testenv"
)

// seedIssuedCycle makes a cycle whose minutes were issued daysAgo, with one
// member's pack, review (and a saved version), identifying-detail report,
// mail, finding, learning point and action; it returns the cycle's ID.
func seedIssuedCycle(t *testing.T, db testenv.RawSQL, panel int64, area int16, daysAgo int) int64 {
	t.Helper()
	ctx := context.Background()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	var cycleID, member, caseID, pack, minutes int64
	must(db.QueryRow(ctx, `INSERT INTO cycles (panel_id, workflow_id, window_start, window_end, quotas, started_by, coordinator_name, coordinator_email, stage)
		VALUES ($1, 'c' || $2::int, make_date(2020 + $2::int, 1, 1), make_date(2020 + $2::int, 3, 31), '{}', 't', 'C', 'c@example.org', 'tracking') RETURNING id`, panel, daysAgo).Scan(&cycleID))
	must(db.QueryRow(ctx, `INSERT INTO members (panel_id, name, email, role) VALUES ($1, 'Member ' || $2::int, 'm' || $2::int || '@example.org', 'member') RETURNING id`, panel, daysAgo).Scan(&member))
	must(db.QueryRow(ctx, `INSERT INTO cases (area_id, reference, category, principal_offence, finalised_on, outcome, summary)
		VALUES ($1, 'R-' || $2::int, 'hate_crime', 'Harassment', '2020-02-01', 'conviction_plea', 'Summary') RETURNING id`, area, daysAgo).Scan(&caseID))
	must(db.QueryRow(ctx, `INSERT INTO files (kind, cycle_id, member_id, filename, content_type, content, sha256) VALUES ('pack', $1, $2, 'pack.xlsx', 'x', 'PACK BYTES', 'h') RETURNING id`, cycleID, member).Scan(&pack))
	must(db.QueryRow(ctx, `INSERT INTO files (kind, cycle_id, filename, content_type, content, sha256) VALUES ('minutes', $1, 'minutes.docx', 'x', 'MINUTES BYTES', 'h') RETURNING id`, cycleID).Scan(&minutes))
	for _, q := range []string{
		`INSERT INTO reviews (cycle_id, member_id, case_id, status, answers, version, submitted_at) VALUES ($1, $2, $3, 'submitted', '{"overall": "concerns", "comments": {"charging": "REVIEW WORDS"}}', 1, now())`,
		`INSERT INTO review_versions (cycle_id, member_id, case_id, version, status, answers, source) VALUES ($1, $2, $3, 1, 'submitted', '{"overall": "VERSION WORDS"}', 'web')`,
		`INSERT INTO identifying_reports (cycle_id, member_id, case_id, detail) VALUES ($1, $2, $3, 'REPORT WORDS')`,
		`INSERT INTO findings (cycle_id, case_id, category, rationale, recorded_by) SELECT $1, $3, 'concerns', 'FINDING WORDS', 'Cath' WHERE $2::bigint > 0`,
		`INSERT INTO learning_points (cycle_id, case_id, text, tag) SELECT $1, $3, 'LEARNING WORDS', 'police' WHERE $2::bigint > 0`,
		`INSERT INTO actions (cycle_id, panel_id, area_id, description, owner_name, owner_email, manager_name, manager_email, due_on)
			SELECT $1, panel_id, (SELECT area_id FROM panels p WHERE p.id = panel_id), 'ACTION WORDS', 'O', 'o@example.org', 'M', 'm@example.org', current_date
			FROM members WHERE id = $2 AND $3::bigint > 0`,
	} {
		_, err := db.Exec(ctx, q, cycleID, member, caseID)
		must(err)
	}
	_, err := db.Exec(ctx, `INSERT INTO outbox (message_key, to_address, member_id, subject, body_text, body_html, attachment_file_id, status) VALUES
		('pack/' || $1::bigint || '/' || $2::bigint, 'm@example.org', $2, 'Your pack', 'PACK MAIL', '<p>PACK MAIL</p>', $3, 'sent'),
		('minutes/' || $1::bigint || '/member-' || $2::bigint, 'm@example.org', $2, 'Minutes', 'MINUTES MAIL', '', $4, 'bounced'),
		('member-link/' || $2::bigint || '/' || $1::bigint || '/0', 'm@example.org', $2, 'Your link', 'LINK MAIL', '', NULL, 'sent'),
		('reminder/' || $1::bigint || '/' || $2::bigint || '/7d', 'm@example.org', $2, 'Reminder', 'PENDING MAIL', '', NULL, 'pending')`,
		cycleID, member, pack, minutes)
	must(err)
	_, err = db.Exec(ctx, `INSERT INTO audit_log (at, actor, action, subject_type, subject_id, detail)
		VALUES (now() - make_interval(days => $2::int), 'Cath', 'minutes_issued', 'cycle', $1::bigint::text, '{}')`, cycleID, daysAgo)
	must(err)
	return cycleID
}

// snapshot is what a cycle holds, as one comparable string.
func snapshot(t *testing.T, db testenv.RawSQL, cycleID int64) string {
	t.Helper()
	var s string
	err := db.QueryRow(context.Background(), `SELECT concat_ws(' | ',
		(SELECT string_agg(kind || ':' || convert_from(content, 'UTF8') || ':' || (purged_at IS NOT NULL), ',' ORDER BY id) FROM files WHERE cycle_id = $1),
		(SELECT string_agg(status || ':' || version || ':' || answers::text, ',') FROM reviews WHERE cycle_id = $1),
		(SELECT string_agg(status || ':' || answers::text, ',') FROM review_versions WHERE cycle_id = $1),
		(SELECT string_agg(detail, ',') FROM identifying_reports WHERE cycle_id = $1),
		(SELECT string_agg(status || ':' || subject || ':' || body_text || ':' || body_html || ':' || (attachment_file_id IS NOT NULL), ',' ORDER BY id) FROM outbox
			WHERE message_key LIKE '%/' || $1::bigint || '/%'),
		(SELECT string_agg(rationale, ',') FROM findings WHERE cycle_id = $1),
		(SELECT string_agg(text, ',') FROM learning_points WHERE cycle_id = $1),
		(SELECT string_agg(description, ',') FROM actions WHERE cycle_id = $1),
		(SELECT count(*) FROM audit_log WHERE subject_type = 'cycle' AND subject_id = $1::bigint::text))`, cycleID).Scan(&s)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// TestPurgeRetainedClearsOnlyWhatIsPastRetention: a cycle whose minutes
// were issued 100 days ago loses its pack content, review answers and
// versions, sent and bounced mail bodies and identifying-report text, but
// keeps its minutes, findings, learning points, actions, pending mail and
// audit entries; a cycle issued 10 days ago is untouched; expired sessions
// go; a second run changes nothing; each run writes one audit entry.
func TestPurgeRetainedClearsOnlyWhatIsPastRetention(t *testing.T) {
	st := testenv.DB(t)
	db := testenv.SQL(t, st)
	ctx := context.Background()
	var panel int64
	var area int16
	if err := db.QueryRow(ctx, `INSERT INTO panels (area_id, name, covers) SELECT id, 'Wales LSIP', 'both' FROM areas WHERE code = 'wales' RETURNING id, area_id`).Scan(&panel, &area); err != nil {
		t.Fatal(err)
	}
	old := seedIssuedCycle(t, db, panel, area, 100)
	recent := seedIssuedCycle(t, db, panel, area, 10)
	if _, err := db.Exec(ctx, `INSERT INTO users (name, email, role) VALUES ('Cath', 'cath@example.org', 'admin')`); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(ctx, `INSERT INTO sessions (id_hash, user_id, csrf, expires_at) SELECT decode(h, 'hex'), (SELECT id FROM users), 'x', now() + make_interval(days => d)
		FROM (VALUES ('aa', -3), ('bb', 1)) v(h, d)`); err != nil {
		t.Fatal(err)
	}
	recentBefore := snapshot(t, db, recent)

	now := time.Now()
	req := retention.PurgeRequest{CyclesBefore: now.Add(-90 * 24 * time.Hour), SessionsBefore: now.Add(-retention.SessionGrace)}
	a := &retention.Activities{Store: st}
	n, err := a.PurgeRetained(ctx, req)
	if err != nil {
		t.Fatal(err)
	}
	want := store.RetentionCounts{Cycles: 1, PackFiles: 1, Reviews: 1, ReviewVersions: 1, OutboxBodies: 3, IdentifyingReports: 1, Sessions: 1}
	if n != want {
		t.Errorf("first run purged %+v, want %+v", n, want)
	}
	wantOld := `pack::true,minutes:MINUTES BYTES:false | submitted:1:{} | submitted:{} | ` +
		` | sent:Your pack:::false,bounced:Minutes:::false,sent:Your link:::false,pending:Reminder:PENDING MAIL::false` +
		` | FINDING WORDS | LEARNING WORDS | ACTION WORDS | 1`
	if got := snapshot(t, db, old); got != wantOld {
		t.Errorf("old cycle after purge:\n got %s\nwant %s", got, wantOld)
	}
	if got := snapshot(t, db, recent); got != recentBefore {
		t.Errorf("recent cycle changed:\n got %s\nwant %s", got, recentBefore)
	}
	var sessions int
	if err := db.QueryRow(ctx, `SELECT count(*) FROM sessions WHERE expires_at > now()`).Scan(&sessions); err != nil || sessions != 1 {
		t.Errorf("live sessions %d (%v), want the one unexpired session kept", sessions, err)
	}
	if _, err := st.FileByID(ctx, firstPack(t, db, old)); err == nil {
		t.Error("a purged pack can still be fetched")
	}

	oldAfter := snapshot(t, db, old)
	again, err := a.PurgeRetained(ctx, req)
	if err != nil {
		t.Fatal(err)
	}
	if again != (store.RetentionCounts{Cycles: 1}) || snapshot(t, db, old) != oldAfter || snapshot(t, db, recent) != recentBefore {
		t.Errorf("second run purged %+v; want nothing more", again)
	}
	var details []string
	rows, err := db.Query(ctx, `SELECT detail::text FROM audit_log WHERE action = 'retention_purged' ORDER BY id`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var d string
		if err := rows.Scan(&d); err != nil {
			t.Fatal(err)
		}
		details = append(details, d)
	}
	if len(details) != 2 || !strings.Contains(details[0], `"outbox_bodies": 3`) || !strings.Contains(details[1], `"outbox_bodies": 0`) {
		t.Errorf("retention audit entries %q, want one per run with its counts", details)
	}
}

func firstPack(t *testing.T, db testenv.RawSQL, cycleID int64) int64 {
	t.Helper()
	var id int64
	if err := db.QueryRow(context.Background(), `SELECT id FROM files WHERE cycle_id = $1 AND kind = 'pack'`, cycleID).Scan(&id); err != nil {
		t.Fatal(err)
	}
	return id
}
