package digest_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/lsip/scrutiny/digest"
	"github.com/lsip/scrutiny/outbox"
	"github.com/lsip/scrutiny/store"
	"github.com/lsip/scrutiny/testenv"
	"github.com/lsip/scrutiny/testenv/flowtest"
)

// TestDigestQueuedOncePerManagerAndWeek: the active managers get a digest
// of their own Area's outstanding actions, overdue ones listed, with the
// action log attached; a retry finds the digest already queued and builds
// nothing more; an Area with nothing outstanding gets no digest.
func TestDigestQueuedOncePerManagerAndWeek(t *testing.T) {
	st := testenv.DB(t)
	db := testenv.SQL(t, st)
	ctx := context.Background()
	one := func(sql string, args ...any) int64 {
		t.Helper()
		var id int64
		if err := db.QueryRow(ctx, sql, args...).Scan(&id); err != nil {
			t.Fatalf("%s: %v", sql, err)
		}
		return id
	}
	manager := func(name, area string, active bool) int64 {
		return one(`INSERT INTO users (name, email, role, area_id, active) SELECT $1, lower($1) || '@cps.example', 'manager', id, $3 FROM areas WHERE code = $2 RETURNING id`,
			name, area, active)
	}
	wales, ne := manager("Wyn", "wales", true), manager("Nell", "north-east", true)
	manager("Gone", "wales", false)
	one(`INSERT INTO users (name, email, role) VALUES ('Ada', 'ada@cps.example', 'admin') RETURNING id`)
	panel := one(`INSERT INTO panels (area_id, name, covers) SELECT id, 'Wales LSIP', 'both' FROM areas WHERE code = 'wales' RETURNING id`)
	action := func(due, status string) int64 {
		return one(`INSERT INTO actions (panel_id, area_id, description, owner_name, owner_email, manager_name, manager_email, due_on, status)
			SELECT id, area_id, 'An action', 'Olu Owner', 'owner@cps.example', 'Wyn', 'wyn@cps.example', current_date + $2::int, $3 FROM panels WHERE id = $1 RETURNING id`,
			panel, due, status)
	}
	overdue := action("-3", "in_progress")
	action("10", "open")
	action("-30", "completed")
	action("-30", "cancelled")

	acts := &digest.Activities{Store: st, PublicURL: "https://scrutiny.example"}
	ids, err := flowtest.Run[[]int64](t, acts, acts.DigestRecipients)
	if err != nil || len(ids) != 2 || ids[0] != wales || ids[1] != ne {
		t.Fatalf("recipients %v (%v), want the active managers [%d %d]", ids, err, wales, ne)
	}

	ref, err := flowtest.Run[outbox.Ref](t, acts, acts.QueueDigest, wales, "2027-03-01")
	if err != nil || ref.OutboxID == 0 {
		t.Fatalf("QueueDigest = %+v, %v", ref, err)
	}
	e, err := st.OutboxByID(ctx, ref.OutboxID)
	if err != nil {
		t.Fatal(err)
	}
	if e.ToAddress != "wyn@cps.example" || e.Subject != "Weekly actions digest for Wales: 2 outstanding, 1 overdue" || e.AttachmentFileID == nil {
		t.Errorf("digest to %s, subject %q, attachment %v", e.ToAddress, e.Subject, e.AttachmentFileID)
	}
	for _, want := range []string{"Dear Wyn,", fmt.Sprintf("  A-%d (Wales LSIP), due ", overdue), "https://scrutiny.example/actions?area="} {
		if !strings.Contains(e.BodyText, want) {
			t.Errorf("the digest lacks %q:\n%s", want, e.BodyText)
		}
	}

	again, err := flowtest.Run[outbox.Ref](t, acts, acts.QueueDigest, wales, "2027-03-01")
	if err != nil || again != ref {
		t.Errorf("retried: %+v (%v), want %+v", again, err, ref)
	}
	var files int
	if err := db.QueryRow(ctx, `SELECT count(*) FROM files WHERE kind = 'export'`).Scan(&files); err != nil || files != 1 {
		t.Errorf("%d exports stored (%v), want 1", files, err)
	}

	if ref, err := flowtest.Run[outbox.Ref](t, acts, acts.QueueDigest, ne, "2027-03-01"); err != nil || ref.OutboxID != 0 {
		t.Errorf("nothing outstanding: %+v, %v", ref, err)
	}
	if _, err := st.DigestRecipient(ctx, 999999); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("a missing manager: %v", err)
	}
}
