package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/lsip/scrutiny/domain"
	"github.com/lsip/scrutiny/store"
	"github.com/lsip/scrutiny/testenv"
)

func TestUpsertCasesUpdatesInsteadOfDuplicating(t *testing.T) {
	st := testenv.DB(t)
	ctx := context.Background()
	rec := domain.CaseRecord{
		AreaCode: "wales", Reference: "WAL-0001", URN: "62XY1234567", Category: domain.HateCrime,
		Strands: []string{"race", "religion"}, PrincipalOffence: "Racially aggravated assault",
		FinalisedOn: time.Date(2026, 3, 4, 0, 0, 0, 0, time.UTC), Outcome: domain.ConvictionPlea,
		Summary: "The defendant shouted racist abuse at a bus driver.",
	}
	upsert := func(r domain.CaseRecord) (int, int) {
		var ins, upd int
		err := st.InTx(ctx, func(tx *store.Tx) error {
			var err error
			ins, upd, err = tx.UpsertCases(ctx, []domain.CaseRecord{r})
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		return ins, upd
	}
	if ins, upd := upsert(rec); ins != 1 || upd != 0 {
		t.Fatalf("first import: inserted %d updated %d", ins, upd)
	}
	rec.Strands = []string{"disability"}
	rec.URN = "62XY7654321"
	rec.Outcome = domain.ConvictionTrial
	if ins, upd := upsert(rec); ins != 0 || upd != 1 {
		t.Fatalf("re-import: inserted %d updated %d", ins, upd)
	}
	var n int
	var outcome, urn string
	var strands []string
	err := testenv.SQL(t, st).QueryRow(ctx, `SELECT count(*) OVER (), c.outcome, u.urn,
		ARRAY(SELECT strand FROM case_strands WHERE case_id = c.id ORDER BY strand)
		FROM cases c JOIN case_urns u ON u.case_id = c.id`).Scan(&n, &outcome, &urn, &strands)
	if err != nil {
		t.Fatal(err)
	}
	if n != 1 || outcome != "conviction_trial" || urn != "62XY7654321" || len(strands) != 1 || strands[0] != "disability" {
		t.Errorf("after re-import: %d cases, outcome %s, urn %s, strands %v", n, outcome, urn, strands)
	}
}
