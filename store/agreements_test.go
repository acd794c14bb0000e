package store_test

import (
	"context"
	"errors"
	"slices"
	"strconv"
	"testing"

	"github.com/lsip/scrutiny/domain"
	"github.com/lsip/scrutiny/store"
	"github.com/lsip/scrutiny/testenv"
)

// TestMemberAcceptsAgreement: a member who accepts the agreement is stored
// with the version and exact text they accepted, becomes a pack recipient,
// and is audited once however often they accept; a paper signature from
// before online acceptance still counts, and a member who has not accepted
// gets no pack.
func TestMemberAcceptsAgreement(t *testing.T) {
	st := testenv.DB(t)
	ctx := context.Background()
	db := testenv.SQL(t, st)
	var panel, ann, bob, cat int64
	if err := db.QueryRow(ctx, `INSERT INTO panels (area_id, name, covers) SELECT id, 'Wales', 'both' FROM areas WHERE code = 'wales' RETURNING id`).Scan(&panel); err != nil {
		t.Fatal(err)
	}
	for _, m := range []struct {
		name, signed string
		id           *int64
	}{{"Ann", "", &ann}, {"Bob", "", &bob}, {"Cat", "2026-01-05", &cat}} {
		if err := db.QueryRow(ctx, `INSERT INTO members (panel_id, name, email, role, confidentiality_signed_on) VALUES ($1, $2, lower($2) || '@example.org', 'member', NULLIF($3, '')::date) RETURNING id`,
			panel, m.name, m.signed).Scan(m.id); err != nil {
			t.Fatal(err)
		}
	}
	for range 2 {
		if err := st.AcceptAgreement(ctx, ann, domain.CurrentAgreement); err != nil {
			t.Fatal(err)
		}
	}
	got, err := st.AgreementOf(ctx, ann)
	if err != nil {
		t.Fatal(err)
	}
	if !got.Accepted() || got.OnPaper() || got.Version != domain.CurrentAgreement.Version || got.Text != domain.CurrentAgreement.Text() || got.AcceptedAt == nil || got.SignedOn == "" {
		t.Errorf("Ann's agreement: %+v", got)
	}
	var rows, audits int
	db.QueryRow(ctx, `SELECT count(*) FROM member_agreements WHERE member_id = $1`, ann).Scan(&rows)
	db.QueryRow(ctx, `SELECT count(*) FROM audit_log WHERE action = 'agreement_accepted' AND subject_id = $1`, strconv.FormatInt(ann, 10)).Scan(&audits)
	if rows != 1 || audits != 1 {
		t.Errorf("accepting twice stored %d rows and %d audit entries, want 1 and 1", rows, audits)
	}
	list, err := st.PanelAgreements(ctx, panel)
	if err != nil || len(list) != 3 {
		t.Fatalf("panel agreements: %+v, %v", list, err)
	}
	if list[1].Name != "Bob" || list[1].Accepted() || !list[2].OnPaper() || list[2].SignedOn != "2026-01-05" {
		t.Errorf("panel agreements: %+v", list)
	}
	recipients, err := st.ActiveMembers(ctx, panel, true)
	if err != nil {
		t.Fatal(err)
	}
	names := []string{}
	for _, m := range recipients {
		names = append(names, m.Name)
	}
	if !slices.Equal(names, []string{"Ann", "Cat"}) {
		t.Errorf("pack recipients %v, want Ann (accepted online) and Cat (on paper), not Bob", names)
	}
	if _, err := st.AgreementOf(ctx, 999999); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("the agreement of a member who does not exist: %v, want ErrNotFound", err)
	}
}
