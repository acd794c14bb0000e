package selection

import (
	"slices"
	"testing"
)

// The local draw's results are pinned: recorded draws of local panels must
// still verify after any change to this package.
func TestDrawResultsAreUnchanged(t *testing.T) {
	strata := []Stratum{{Strand: "race", Quota: 3, Eligible: ids(1, 50)}, {Strand: "disability", Quota: 2, Eligible: ids(40, 80)}}
	got := Draw(20261202, strata, 2)
	want := []Result{
		{Strand: "disability", Quota: 2, EligibleCount: 41, Selected: []int64{79, 56}, Reserves: []int64{41, 47}},
		{Strand: "race", Quota: 3, EligibleCount: 50, Selected: []int64{39, 33, 20}, Reserves: []int64{30, 24}},
	}
	for i, w := range want {
		g := got[i]
		if g.Strand != w.Strand || g.EligibleCount != w.EligibleCount || !slices.Equal(g.Selected, w.Selected) || !slices.Equal(g.Reserves, w.Reserves) || g.Shortfall != 0 {
			t.Errorf("stratum %d = %+v, want %+v", i, g, w)
		}
	}
	if id, _ := Redraw(20261202, "race", 1, ids(1, 50)); id != 34 {
		t.Errorf("redraw = %d, want 34", id)
	}
}

// threeAreas is a strand's eligible cases in three Areas of very different
// sizes.
func threeAreas() map[string][]int64 {
	return map[string][]int64{"wales": ids(1, 3), "london-north": ids(100, 159), "mersey-cheshire": ids(200, 219)}
}

func areaOf(id int64) string {
	switch {
	case id < 100:
		return "wales"
	case id < 200:
		return "london-north"
	}
	return "mersey-cheshire"
}

func TestDrawByAreaTakesTheMinimumFromEveryArea(t *testing.T) {
	got := DrawByArea(5, []AreaStratum{{Strand: "race", Quota: 8, Eligible: threeAreas()}}, 2, 1)[0]
	if len(got.Selected) != 8 || got.Shortfall != 0 || len(got.Reserves) != 1 || got.EligibleCount != 83 {
		t.Fatalf("result = %+v", got.Result)
	}
	per := map[string]int{}
	for _, id := range got.Selected {
		per[areaOf(id)]++
	}
	// Two each first, then the rest by size: London North is three times
	// Merseyside's, Wales has only three cases.
	if per["wales"] < 2 || per["mersey-cheshire"] < 2 || per["london-north"] <= per["mersey-cheshire"] {
		t.Errorf("shared as %v", per)
	}
	for _, share := range got.Areas {
		if share.Quota != per[share.Area] || len(share.Selected) != share.Quota {
			t.Errorf("%s share %+v, selected %d", share.Area, share, per[share.Area])
		}
		for _, id := range share.Selected {
			if areaOf(id) != share.Area {
				t.Errorf("%s took case %d of %s", share.Area, id, areaOf(id))
			}
		}
	}
	if slices.Contains(got.Selected, got.Reserves[0]) {
		t.Error("the reserve is also selected")
	}
}

func TestDrawByAreaMinimumWherePoolAllows(t *testing.T) {
	// Wales has one case for a minimum of three: it gives what it has.
	pools := map[string][]int64{"wales": {7}, "london-north": ids(100, 120), "mersey-cheshire": ids(200, 220)}
	got := DrawByArea(9, []AreaStratum{{Strand: "race", Quota: 7, Eligible: pools}}, 3, 0)[0]
	quota := map[string]int{}
	for _, a := range got.Areas {
		quota[a.Area] = a.Quota
	}
	if quota["wales"] != 1 || quota["london-north"] != 3 || quota["mersey-cheshire"] != 3 {
		t.Errorf("quotas %v, want wales 1 and three each elsewhere", quota)
	}
	// A quota smaller than the Areas: one each to as many as it reaches.
	small := DrawByArea(9, []AreaStratum{{Strand: "race", Quota: 2, Eligible: threeAreas()}}, 1, 0)[0]
	for _, a := range small.Areas {
		if a.Quota > 1 {
			t.Errorf("%s got %d of a quota of 2 across three Areas", a.Area, a.Quota)
		}
	}
	// More than every pool: all of them, with the shortfall.
	all := DrawByArea(9, []AreaStratum{{Strand: "race", Quota: 90, Eligible: threeAreas()}}, 1, 1)[0]
	if len(all.Selected) != 83 || all.Shortfall != 7 || len(all.Reserves) != 0 {
		t.Errorf("exhausted draw: %d selected, shortfall %d, reserves %v", len(all.Selected), all.Shortfall, all.Reserves)
	}
}

func TestDrawByAreaIsReproducibleAndOrderFree(t *testing.T) {
	strata := []AreaStratum{{Strand: "race", Quota: 6, Eligible: threeAreas()}, {Strand: "religion", Quota: 3, Eligible: map[string][]int64{"wales": ids(1, 3), "london-north": ids(150, 170)}}}
	a := DrawByArea(77, strata, 1, 1)
	reordered := map[string][]int64{}
	for k, v := range threeAreas() {
		reordered[k] = reversedIDs(v)
	}
	b := DrawByArea(77, []AreaStratum{strata[1], {Strand: "race", Quota: 6, Eligible: reordered}}, 1, 1)
	for i := range a {
		if !slices.Equal(a[i].Selected, b[i].Selected) || !slices.Equal(a[i].Reserves, b[i].Reserves) {
			t.Fatalf("%s: %v/%v then %v/%v", a[i].Strand, a[i].Selected, a[i].Reserves, b[i].Selected, b[i].Reserves)
		}
	}
	// Cases in both strands (Wales 1-3, London North 150-159) are taken once.
	seen := map[int64]bool{}
	for _, r := range a {
		for _, id := range slices.Concat(r.Selected, r.Reserves) {
			if seen[id] {
				t.Errorf("case %d taken twice", id)
			}
			seen[id] = true
		}
	}
	if c := DrawByArea(78, strata, 1, 1); slices.Equal(a[0].Selected, c[0].Selected) {
		t.Error("another seed drew the same cases")
	}
}

func TestVerifyRepeatsAPublishedDraw(t *testing.T) {
	local := Record{Seed: 20261202, ReservesPerStratum: 2, Strata: []RecordStratum{
		{Strand: "race", Quota: 3, Eligible: ids(1, 50), Selected: []int64{39, 33, 20}, Reserves: []int64{30, 24}},
		{Strand: "disability", Quota: 2, Eligible: ids(40, 80), Selected: []int64{79, 56}, Reserves: []int64{41, 47}},
	}}
	if d := Verify(local); len(d) != 0 {
		t.Fatalf("a true local record: %v", d)
	}
	local.Strata[0].Selected = []int64{39, 33, 21}
	if d := Verify(local); len(d) != 1 {
		t.Errorf("a changed selection: %v", d)
	}

	r := DrawByArea(3, []AreaStratum{{Strand: "race", Quota: 5, Eligible: threeAreas()}}, 1, 1)[0]
	national := Record{Seed: 3, National: true, MinPerArea: 1, ReservesPerStratum: 1, Strata: []RecordStratum{
		{Strand: "race", Quota: 5, Selected: r.Selected, Reserves: r.Reserves}}}
	for _, a := range r.Areas {
		national.Strata[0].Areas = append(national.Strata[0].Areas, RecordArea{Area: a.Area, Quota: a.Quota, Eligible: threeAreas()[a.Area], Selected: a.Selected})
	}
	if d := Verify(national); len(d) != 0 {
		t.Fatalf("a true national record: %v", d)
	}
	national.Seed = 4
	if d := Verify(national); len(d) == 0 {
		t.Error("a record with another seed verified")
	}
}
