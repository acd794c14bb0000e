package store_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/lsip/scrutiny/domain"
	"github.com/lsip/scrutiny/testenv"
)

// TestPackCasesCarryCodesAndTheFinalisedDate: a member's cases carry
// their strands' codes, in the order of the English labels, the outcome's
// code and the date each was finalised, so the page names them in the
// member's own language rather than the database's English.
func TestPackCasesCarryCodesAndTheFinalisedDate(t *testing.T) {
	st := testenv.DB(t)
	db := testenv.SQL(t, st)
	ctx := context.Background()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	var panel, cycleID, caseID, member int64
	var area int16
	must(db.QueryRow(ctx, `INSERT INTO panels (area_id, name, covers) SELECT id, 'Wales LSIP', 'both' FROM areas WHERE code = 'wales' RETURNING id, area_id`).Scan(&panel, &area))
	must(db.QueryRow(ctx, `INSERT INTO cycles (panel_id, workflow_id, window_start, window_end, quotas, started_by, coordinator_name, coordinator_email)
		VALUES ($1, 'c', '2025-01-01', '2025-06-30', '{}', 't', 'C', 'c@example.org') RETURNING id`, panel).Scan(&cycleID))
	must(db.QueryRow(ctx, `INSERT INTO members (panel_id, name, email, role, language) VALUES ($1, 'Aled', 'aled@example.org', 'member', 'cy') RETURNING id`, panel).Scan(&member))
	must(db.QueryRow(ctx, `INSERT INTO cases (area_id, reference, category, principal_offence, finalised_on, outcome, summary)
		VALUES ($1, 'WAL-1', 'hate_crime', 'Assault', '2025-05-14', 'conviction_plea', 'S') RETURNING id`, area).Scan(&caseID))
	_, err := db.Exec(ctx, `INSERT INTO case_strands (case_id, strand) VALUES ($1, 'religion'), ($1, 'race')`, caseID)
	must(err)
	_, err = db.Exec(ctx, `INSERT INTO cycle_cases (cycle_id, case_id, stratum, draw_position, role, status) VALUES ($1, $2, 'race', 0, 'selected', 'approved')`, cycleID, caseID)
	must(err)

	got, err := st.PackCases(ctx, cycleID, member)
	must(err)
	if len(got) != 1 {
		t.Fatalf("member's cases %+v, want WAL-1", got)
	}
	if want := time.Date(2025, 5, 14, 0, 0, 0, 0, time.UTC); !got[0].FinalisedOn.Equal(want) || got[0].Finalised != "May 2025" {
		t.Errorf("WAL-1 finalised %v (%q), want %v (May 2025)", got[0].FinalisedOn, got[0].Finalised, want)
	}
	if c := got[0]; !slices.Equal(c.StrandCodes, []string{"race", "religion"}) || c.Strands != "Race, Religion" || c.Outcome != domain.ConvictionPlea {
		t.Errorf("WAL-1 strands %v (%q), outcome %q; want race and religion, conviction_plea", c.StrandCodes, c.Strands, c.Outcome)
	}
}
