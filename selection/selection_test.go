package selection

import (
	"slices"
	"testing"
)

func ids(from, to int64) []int64 {
	var out []int64
	for i := from; i <= to; i++ {
		out = append(out, i)
	}
	return out
}

func reversedIDs(in []int64) []int64 {
	out := slices.Clone(in)
	slices.Reverse(out)
	return out
}

func TestDrawIsReproducibleAndOrderFree(t *testing.T) {
	strata := []Stratum{
		{Strand: "race", Quota: 2, Eligible: ids(1, 50)},
		{Strand: "disability", Quota: 2, Eligible: ids(51, 80)},
	}
	a := Draw(42, strata, 1)
	reversed := []Stratum{strata[1], {Strand: "race", Quota: 2, Eligible: reversedIDs(ids(1, 50))}}
	b := Draw(42, reversed, 1)
	for i := range a {
		if !slices.Equal(a[i].Selected, b[i].Selected) || !slices.Equal(a[i].Reserves, b[i].Reserves) {
			t.Fatalf("stratum %s: same seed and eligible set gave %v/%v then %v/%v", a[i].Strand, a[i].Selected, a[i].Reserves, b[i].Selected, b[i].Reserves)
		}
	}
	c := Draw(43, strata, 1)
	if slices.Equal(a[0].Selected, c[0].Selected) && slices.Equal(a[1].Selected, c[1].Selected) {
		t.Error("a different seed drew exactly the same cases")
	}
	if a[0].Strand != "disability" || len(a[0].Selected) != 2 || len(a[0].Reserves) != 1 || a[0].EligibleCount != 30 {
		t.Errorf("disability stratum = %+v", a[0])
	}
}

func TestDrawReportsShortfallAndNeverTakesACaseTwice(t *testing.T) {
	// Case 3 carries both strands.
	strata := []Stratum{
		{Strand: "disability", Quota: 3, Eligible: []int64{1, 2, 3}},
		{Strand: "domestic_abuse", Quota: 3, Eligible: []int64{3, 4}},
	}
	got := Draw(7, strata, 1)
	if got[0].Shortfall != 0 || len(got[0].Reserves) != 0 {
		t.Errorf("disability: %+v", got[0])
	}
	if got[1].Shortfall != 2 || !slices.Equal(got[1].Selected, []int64{4}) {
		t.Errorf("domestic abuse: want only case 4 and a shortfall of 2, got %+v", got[1])
	}
	if got[1].EligibleCount != 2 {
		t.Errorf("eligible count should report the recorded set, got %d", got[1].EligibleCount)
	}
}

func TestRedrawIsReproducible(t *testing.T) {
	cands := ids(10, 30)
	a, ok := Redraw(99, "race", 1, cands)
	b, _ := Redraw(99, "race", 1, reversedIDs(cands))
	if !ok || a != b {
		t.Fatalf("redraw gave %d then %d", a, b)
	}
	if !slices.Contains(cands, a) {
		t.Fatalf("redraw picked %d, not a candidate", a)
	}
	if _, ok := Redraw(99, "race", 2, nil); ok {
		t.Error("redraw with no candidates should report none left")
	}
}

func TestAllocateSharesTotal(t *testing.T) {
	q := Allocate(5, map[string]int{"race": 100, "religion": 10, "disability": 40})
	if q["race"]+q["religion"]+q["disability"] != 5 {
		t.Fatalf("allocated %v, want 5 in all", q)
	}
	if q["race"] < q["disability"] || q["disability"] < q["religion"] {
		t.Errorf("larger strands should get at least as many: %v", q)
	}
	short := Allocate(4, map[string]int{"race": 1, "religion": 1})
	if short["race"]+short["religion"] != 4 {
		t.Errorf("an exhausted allocation must still carry the whole total so the shortfall is reported: %v", short)
	}
}
