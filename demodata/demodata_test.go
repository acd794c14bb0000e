package demodata_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/lsip/scrutiny/caseimport"
	"github.com/lsip/scrutiny/demodata"
	"github.com/lsip/scrutiny/store"
	"github.com/lsip/scrutiny/testenv"
)

var now = time.Date(2026, 11, 23, 0, 0, 0, 0, time.UTC)

func TestLoadIsRealisticAndDeterministic(t *testing.T) {
	st := testenv.DB(t)
	ctx := context.Background()
	sum, err := demodata.Load(ctx, st, demodata.Options{Seed: 7, Cases: 2000, Now: now})
	if err != nil {
		t.Fatal(err)
	}
	if sum.Panels < 18 || sum.Panels > 22 || sum.Members < 130 || sum.Members > 170 || sum.Cases != 2000 {
		t.Errorf("summary %+v", sum)
	}
	var badChairs, badStrands, anonymityMissing, outOfWindow int
	st.Pool.QueryRow(ctx, `SELECT count(*) FROM panels p WHERE (SELECT count(*) FROM members m WHERE m.panel_id = p.id AND m.role = 'chair') <> 1`).Scan(&badChairs)
	st.Pool.QueryRow(ctx, `SELECT count(*) FROM panel_strands ps JOIN panels p ON p.id = ps.panel_id JOIN strands s ON s.code = ps.strand
		WHERE p.covers <> 'both' AND p.covers <> s.category`).Scan(&badStrands)
	st.Pool.QueryRow(ctx, `SELECT count(*) FROM cases c WHERE NOT c.complainant_anonymity AND EXISTS
		(SELECT 1 FROM case_strands cs WHERE cs.case_id = c.id AND cs.strand IN ('rape', 'sexual_offences'))`).Scan(&anonymityMissing)
	st.Pool.QueryRow(ctx, `SELECT count(*) FROM cases WHERE finalised_on > $1 OR finalised_on < $1::date - 731`, now).Scan(&outOfWindow)
	if badChairs+badStrands+anonymityMissing+outOfWindow != 0 {
		t.Errorf("panels without exactly one chair %d, strands outside cover %d, sexual-offence cases without anonymity %d, dates out of window %d",
			badChairs, badStrands, anonymityMissing, outOfWindow)
	}
	var areasWithPanels int
	st.Pool.QueryRow(ctx, `SELECT count(DISTINCT area_id) FROM panels`).Scan(&areasWithPanels)
	if areasWithPanels != 14 {
		t.Errorf("%d Areas have a panel, want 14", areasWithPanels)
	}
	rows, _ := st.Pool.Query(ctx, `SELECT summary FROM cases`)
	for rows.Next() {
		var s string
		rows.Scan(&s)
		if kind := caseimport.PersonalData(s); kind != "" {
			t.Fatalf("a generated summary looks like it has %s: %q", kind, s)
		}
	}
	rows.Close()
	if loaded, _ := demodata.Loaded(ctx, st); !loaded {
		t.Error("Loaded is false after Load")
	}
	if _, err := demodata.Load(ctx, st, demodata.Options{Seed: 7, Cases: 10, Now: now}); !errors.Is(err, demodata.ErrNotEmpty) {
		t.Errorf("second load: %v", err)
	}

	other := testenv.DB(t)
	if _, err := demodata.Load(ctx, other, demodata.Options{Seed: 7, Cases: 2000, Now: now}); err != nil {
		t.Fatal(err)
	}
	if checksum(t, st) != checksum(t, other) {
		t.Error("the same seed gave different data")
	}
}

func checksum(t *testing.T, st *store.Store) string {
	t.Helper()
	var sum string
	st.Pool.QueryRow(context.Background(), `SELECT md5(string_agg(reference || summary || outcome, ',' ORDER BY reference)) FROM cases`).Scan(&sum)
	return sum
}

func BenchmarkLoad20000(b *testing.B) {
	for range b.N {
		st := testenv.DB(b)
		if _, err := demodata.Load(context.Background(), st, demodata.Options{Seed: 1, Cases: 20000, Now: now}); err != nil {
			b.Fatal(err)
		}
	}
}
