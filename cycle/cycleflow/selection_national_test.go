package cycleflow_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/lsip/scrutiny/cycle/cycleflow"
	"github.com/lsip/scrutiny/domain"
	"github.com/lsip/scrutiny/selection"
	"github.com/lsip/scrutiny/store"
)

// A national panel's themed draw takes only the theme's cases, from every
// Area, at least one from each, records each Area's share, and publishes a
// draw that repeats from its seed and names no case.
func TestNationalThemedDrawAcrossThreeAreas(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	w.exec(t, `UPDATE panels SET kind = 'national' WHERE id = $1`, w.panelID)
	in := windowStart.AddDate(0, 1, 0)
	var recs []domain.CaseRecord
	add := func(ref, area string, group domain.VictimGroup) {
		recs = append(recs, domain.CaseRecord{AreaCode: area, Reference: ref, URN: "URN-" + ref, Category: domain.HateCrime, Strands: []string{"race"},
			PrincipalOffence: "Harassment", FinalisedOn: in, Outcome: domain.ConvictionPlea, Summary: "Summary of " + ref, VictimGroup: group})
	}
	for _, ref := range []string{"GRT-W1", "GRT-W2"} {
		add(ref, "wales", domain.VictimGypsyRomaTraveller)
	}
	for _, ref := range []string{"GRT-N1", "GRT-N2", "GRT-N3", "GRT-N4", "GRT-N5", "GRT-N6"} {
		add(ref, "north-east", domain.VictimGypsyRomaTraveller)
	}
	add("GRT-L1", "london-north", domain.VictimGypsyRomaTraveller)
	add("ASYLUM-L", "london-north", domain.VictimAsylumRefugee) // another theme
	if err := w.st.InTx(ctx, func(tx *store.Tx) error { _, _, err := tx.UpsertCases(ctx, recs); return err }); err != nil {
		t.Fatal(err)
	}
	theme := &domain.ThemeFilter{VictimGroups: []domain.VictimGroup{domain.VictimGypsyRomaTraveller}}
	id := w.newCycle(t, "national", map[string]int{"race": 5}, func(in *cycleflow.CreateCycleInput) { in.ThemeFilter = theme })
	sel := w.selectCases(t, id, 11)

	areaOf := map[string]string{}
	for _, r := range recs {
		areaOf[r.Reference] = r.AreaCode
	}
	per := map[string]int{}
	for _, c := range sel.Cases {
		if c.Role == "carried_forward" {
			continue // the panel's own unagreed case comes back whatever the theme
		}
		if !strings.HasPrefix(c.Reference, "GRT-") {
			t.Errorf("case %s is outside the theme", c.Reference)
		}
		if c.Role == "selected" {
			per[areaOf[c.Reference]]++
		}
	}
	if per["wales"] < 1 || per["london-north"] != 1 || per["north-east"] < 1 || per["wales"]+per["london-north"]+per["north-east"] != 5 {
		t.Errorf("selected per Area %v, want five with at least one from each of three Areas", per)
	}
	if n := w.count(t, `SELECT sum(quota) FROM cycle_area_quotas WHERE cycle_id = $1 AND stratum = 'race'`, id); n != 5 {
		t.Errorf("recorded Area quotas add up to %d, want 5", n)
	}
	if got := w.eligibleRefs(t, id, "race"); len(got) != 9 {
		t.Errorf("eligible %v, want the nine Gypsy, Roma and Traveller cases", got)
	}

	rec, err := w.st.PublishedDraw(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if !rec.National || rec.Seed != 11 || len(rec.Strata) != 1 || len(rec.Strata[0].Areas) != 3 || len(rec.Strata[0].Selected) != 5 {
		t.Fatalf("published draw %+v", rec)
	}
	if diffs := selection.Verify(rec); len(diffs) != 0 {
		t.Errorf("the published draw does not repeat: %v", diffs)
	}
	published, _ := json.Marshal(rec)
	if strings.Contains(string(published), "GRT") || strings.Contains(string(published), "URN") {
		t.Errorf("the published draw names a case: %s", published)
	}
}
