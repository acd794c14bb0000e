package selection

import (
	"fmt"
	"slices"
)

// Record is a draw as published for anyone to check: the seed, each
// stratum's quota, its eligible cases as pseudonymous references in
// ascending order, and what was drawn. The references are the cases'
// ordinals in the cycle's eligible set (1 for the case with the lowest
// internal ID, and so on): they keep the order the draw depends on and
// reveal nothing about a case. The API serves it as JSON and
// `scrutiny draw verify` reads it back.
type Record struct {
	CycleID int64 `json:"cycle_id"`
	Seed    int64 `json:"seed,string"`
	// National is true for a national panel's draw, stratified by Area:
	// each stratum then lists its Areas.
	National           bool            `json:"national"`
	MinPerArea         int             `json:"min_per_area,omitempty"`
	ReservesPerStratum int             `json:"reserves_per_stratum"`
	Strata             []RecordStratum `json:"strata"`
	// Redraws are the fresh draws made later in place of withdrawn cases
	// (a conflict, say), in the order they were made.
	Redraws []RecordRedraw `json:"redraws"`
}

// RecordRedraw is one fresh draw in place of a withdrawn case: the
// strand, its attempt (the strand's redraws counted from 1, naming the
// random stream with the seed, see Redraw), the case withdrawn (0 when it
// was not drawn from the eligible set, such as a case carried forward),
// the candidates (the strand's eligible references not yet in the cycle
// then, ascending) and the case the draw took.
type RecordRedraw struct {
	Strand      string  `json:"strand"`
	Attempt     int     `json:"attempt"`
	Replaced    int64   `json:"replaced"`
	Candidates  []int64 `json:"candidates"`
	Replacement int64   `json:"replacement"`
}

// RecordStratum is one strand of a published draw.
type RecordStratum struct {
	Strand string `json:"strand"`
	Quota  int    `json:"quota"`
	// Eligible is every eligible reference of the strand, ascending.
	Eligible []int64 `json:"eligible"`
	// Areas is, for a national draw, each Area's share, in Area code order.
	Areas     []RecordArea `json:"areas,omitempty"`
	Selected  []int64      `json:"selected"`
	Reserves  []int64      `json:"reserves"`
	Shortfall int          `json:"shortfall"`
}

// RecordArea is one Area's part of a strand in a national draw.
type RecordArea struct {
	Area     string  `json:"area"`
	Quota    int     `json:"quota"`
	Eligible []int64 `json:"eligible"`
	Selected []int64 `json:"selected"`
}

// Verify re-runs the draw from the record's seed, quotas and eligible
// references, and each redraw from the seed, its attempt and its
// candidates, and lists every way the published result differs from it;
// none means the draw is repeated exactly.
func Verify(rec Record) []string {
	diffs := verifyDraw(rec)
	return append(diffs, verifyRedraws(rec)...)
}

// verifyRedraws checks each redraw: its candidates are eligible in its
// strand and exclude every case the cycle already held (the seeded draw
// and earlier redraws), its attempt counts the strand's redraws from 1,
// and the draw from the seed takes the published replacement.
func verifyRedraws(rec Record) []string {
	var diffs []string
	held := map[int64]bool{}
	eligible := map[string][]int64{}
	for _, st := range rec.Strata {
		eligible[st.Strand] = st.Eligible
		for _, id := range append(slices.Clone(st.Selected), st.Reserves...) {
			held[id] = true
		}
	}
	attempts := map[string]int{}
	for i, r := range rec.Redraws {
		what := fmt.Sprintf("redraw %d (%s)", i+1, r.Strand)
		attempts[r.Strand]++
		if r.Attempt != attempts[r.Strand] {
			diffs = append(diffs, fmt.Sprintf("%s: published attempt %d, it is the strand's redraw %d", what, r.Attempt, attempts[r.Strand]))
		}
		for _, id := range r.Candidates {
			if !slices.Contains(eligible[r.Strand], id) {
				diffs = append(diffs, fmt.Sprintf("%s: candidate %d is not eligible in the strand", what, id))
			}
			if held[id] {
				diffs = append(diffs, fmt.Sprintf("%s: candidate %d was already in the cycle", what, id))
			}
		}
		if got, ok := Redraw(rec.Seed, r.Strand, r.Attempt, r.Candidates); !ok || got != r.Replacement {
			diffs = append(diffs, fmt.Sprintf("%s: published %d, the draw gives %d", what, r.Replacement, got))
		}
		held[r.Replacement] = true
	}
	return diffs
}

// verifyDraw checks the seeded draw.
func verifyDraw(rec Record) []string {
	var diffs []string
	differ := func(what string, got, want any) {
		diffs = append(diffs, fmt.Sprintf("%s: published %v, the draw gives %v", what, got, want))
	}
	check := func(strand string, r Result, pub RecordStratum) {
		if !slices.Equal(pub.Selected, r.Selected) {
			differ(strand+" selected", pub.Selected, r.Selected)
		}
		if !slices.Equal(pub.Reserves, r.Reserves) {
			differ(strand+" reserves", pub.Reserves, r.Reserves)
		}
		if pub.Shortfall != r.Shortfall {
			differ(strand+" shortfall", pub.Shortfall, r.Shortfall)
		}
	}
	byStrand := map[string]RecordStratum{}
	for _, st := range rec.Strata {
		byStrand[st.Strand] = st
	}
	if !rec.National {
		strata := make([]Stratum, len(rec.Strata))
		for i, st := range rec.Strata {
			strata[i] = Stratum{Strand: st.Strand, Quota: st.Quota, Eligible: st.Eligible}
		}
		for _, r := range Draw(rec.Seed, strata, rec.ReservesPerStratum) {
			check(r.Strand, r, byStrand[r.Strand])
		}
		return diffs
	}
	strata := make([]AreaStratum, len(rec.Strata))
	for i, st := range rec.Strata {
		strata[i] = AreaStratum{Strand: st.Strand, Quota: st.Quota, Eligible: map[string][]int64{}}
		for _, a := range st.Areas {
			strata[i].Eligible[a.Area] = a.Eligible
		}
	}
	for _, r := range DrawByArea(rec.Seed, strata, max(rec.MinPerArea, 1), rec.ReservesPerStratum) {
		pub := byStrand[r.Strand]
		check(r.Strand, r.Result, pub)
		for _, share := range r.Areas {
			i := slices.IndexFunc(pub.Areas, func(a RecordArea) bool { return a.Area == share.Area })
			if i < 0 {
				differ(r.Strand+" in "+share.Area, "nothing", share.Selected)
				continue
			}
			if pub.Areas[i].Quota != share.Quota {
				differ(r.Strand+" quota in "+share.Area, pub.Areas[i].Quota, share.Quota)
			}
			if !slices.Equal(pub.Areas[i].Selected, share.Selected) {
				differ(r.Strand+" selected in "+share.Area, pub.Areas[i].Selected, share.Selected)
			}
		}
	}
	return diffs
}
