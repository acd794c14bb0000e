package store_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/lsip/scrutiny/domain"
	"github.com/lsip/scrutiny/store"
	"github.com/lsip/scrutiny/testenv"
)

// TestSaveMemberReviewChecksTheCycle: a direct save lands as a new version
// only while the cycle takes reviews; a repeat of the same answers adds no
// version; a submission after the deadline is late; a draft after a
// submission keeps it submitted. It is refused, with a reason for the
// member and nothing written, once the meeting has started (by the clock
// or the stage), after access is revoked, when the cycle is cancelled,
// for an excused review and for a case not or no longer in the pack; a
// cycle started before direct saves is sent back to its workflow. The
// store's counts follow every save.
func TestSaveMemberReviewChecksTheCycle(t *testing.T) {
	st := testenv.DB(t)
	db := testenv.SQL(t, st)
	ctx := context.Background()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	now := time.Now().UTC().Truncate(time.Second)
	var panel, cycleID, memberID, c1, c2, c3, c4 int64
	var area int16
	must(db.QueryRow(ctx, `INSERT INTO panels (area_id, name, covers) SELECT id, 'Wales LSIP', 'both' FROM areas WHERE code = 'wales' RETURNING id, area_id`).Scan(&panel, &area))
	must(db.QueryRow(ctx, `INSERT INTO cycles (panel_id, workflow_id, window_start, window_end, quotas, started_by, coordinator_name, coordinator_email, stage, schedule, reviews_direct)
		VALUES ($1, 'c', '2026-01-01', '2026-03-31', '{}', 't', 'C', 'c@example.org', 'reviewing',
			jsonb_build_object('reviews_due', $2::timestamptz, 'meeting', $3::timestamptz), true) RETURNING id`,
		panel, now.Add(time.Hour), now.Add(2*time.Hour)).Scan(&cycleID))
	must(db.QueryRow(ctx, `INSERT INTO members (panel_id, name, email, role) VALUES ($1, 'Bea', 'bea@example.org', 'member') RETURNING id`, panel).Scan(&memberID))
	for i, id := range []*int64{&c1, &c2, &c3, &c4} {
		must(db.QueryRow(ctx, `INSERT INTO cases (area_id, reference, category, principal_offence, finalised_on, outcome, summary)
			VALUES ($1, 'R-' || $2::int, 'hate_crime', 'Harassment', '2026-02-01', 'conviction_plea', 'Summary') RETURNING id`, area, i).Scan(id))
	}
	must(st.OpenReviews(ctx, cycleID, memberID, []int64{c1, c2, c3}, "1"))
	_, err := db.Exec(ctx, `UPDATE reviews SET status = 'excused' WHERE case_id = $1`, c2)
	must(err)
	_, err = db.Exec(ctx, `UPDATE reviews SET removed = true WHERE case_id = $1`, c3)
	must(err)

	save := func(caseID int64, answers string, final bool, at time.Time) (store.ReviewState, error) {
		return st.SaveMemberReview(ctx, store.MemberReviewSave{ReviewKey: store.ReviewKey{CycleID: cycleID, MemberID: memberID, CaseID: caseID},
			Answers: []byte(answers), Final: final, Source: "web", Now: at})
	}
	versions := func() int {
		var n int
		must(db.QueryRow(ctx, `SELECT count(*) FROM review_versions WHERE cycle_id = $1`, cycleID).Scan(&n))
		return n
	}

	r, err := save(c1, `{"overall": "handled_well"}`, false, now)
	if err != nil || r.Status != domain.ReviewDraft || r.Version != 1 {
		t.Fatalf("draft: %+v, %v; want a draft, version 1", r, err)
	}
	if r, err = save(c1, `{"overall": "handled_well"}`, false, now); err != nil || r.Version != 1 || versions() != 1 {
		t.Errorf("the same draft again: %+v, %v, %d versions; want version 1 kept", r, err, versions())
	}
	if r, err = save(c1, `{"overall": "concerns"}`, true, now.Add(90*time.Minute)); err != nil || r.Status != domain.ReviewSubmitted || !r.Late || r.Version != 2 {
		t.Errorf("submission after the deadline: %+v, %v; want submitted, late, version 2", r, err)
	}
	if r, err = save(c1, `{"overall": "not_agreed"}`, false, now.Add(91*time.Minute)); err != nil || r.Status != domain.ReviewSubmitted || r.Version != 3 {
		t.Errorf("a draft after submitting: %+v, %v; want still submitted, version 3", r, err)
	}
	progress, err := st.ReviewProgress(ctx, cycleID)
	must(err)
	if len(progress) != 1 || progress[0].Cases != 2 || progress[0].Submitted != 1 || progress[0].Late != 1 || progress[0].Excused != 1 || progress[0].Outstanding != 0 {
		t.Errorf("progress %+v; want 2 cases (one removed), 1 submitted and late, 1 excused", progress)
	}
	if n, err := st.UnfinishedReviews(ctx, cycleID, memberID); err != nil || n != 0 {
		t.Errorf("unfinished = %d, %v; want 0 (one submitted, one excused)", n, err)
	}

	before := versions()
	var refused *store.ReviewRefused
	if _, err := save(c2, `{}`, true, now); !errors.As(err, &refused) || refused.Reason != "you are excused from this case" {
		t.Errorf("excused case: %v", err)
	}
	for _, c := range []int64{c3, c4} {
		if _, err := save(c, `{}`, true, now); !errors.Is(err, store.ErrNotInPack) {
			t.Errorf("case %d not in the pack: %v, want ErrNotInPack", c, err)
		}
	}
	if _, err := save(c1, `{"overall": "late"}`, true, now.Add(2*time.Hour)); !errors.As(err, &refused) || refused.Reason != "the meeting has started, so reviews can no longer be changed" {
		t.Errorf("at the meeting's time: %v", err)
	}
	for _, step := range []struct{ sql, reason string }{
		{`UPDATE cycles SET stage = 'meeting'`, "the meeting has started, so reviews can no longer be changed"},
		{`UPDATE cycles SET stage = 'reviewing', access_revoked_at = now()`, "this review cycle has closed"},
		{`UPDATE cycles SET stage = 'cancelled'`, "this review cycle was cancelled"},
	} {
		_, err := db.Exec(ctx, step.sql)
		must(err)
		if _, err := save(c1, `{"overall": "again"}`, true, now); !errors.As(err, &refused) || refused.Reason != step.reason {
			t.Errorf("after %s: %v, want %q", step.sql, err, step.reason)
		}
	}
	if versions() != before {
		t.Errorf("refused saves wrote %d versions", versions()-before)
	}
	_, err = db.Exec(ctx, `UPDATE cycles SET stage = 'reviewing', access_revoked_at = NULL, reviews_direct = false`)
	must(err)
	if _, err := save(c1, `{}`, true, now); !errors.Is(err, store.ErrReviewsByWorkflow) {
		t.Errorf("a cycle started before direct saves: %v, want ErrReviewsByWorkflow", err)
	}
}
