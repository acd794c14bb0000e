package selection

import (
	"maps"
	"slices"
	"sort"
)

// AreaStratum is one strand of a national panel's draw: its quota and the
// eligible cases of each Area, by Area code.
type AreaStratum struct {
	Strand   string
	Quota    int
	Eligible map[string][]int64
}

// AreaShare is one Area's part of a strand's national draw.
type AreaShare struct {
	Area          string
	Quota         int // the cases the Area was given
	EligibleCount int
	Selected      []int64
}

// AreaResult is the national draw of one strand: the strand's result, its
// Selected being every Area's in Area order, and each Area's share.
type AreaResult struct {
	Result
	Areas []AreaShare
}

// DrawByArea is the draw of a national panel, stratified by Area as well
// as strand. Strands are drawn in strand order, and a case taken by an
// earlier strand is not taken again. Within a strand the quota is shared
// across the Areas that have cases left: first up to minPerArea each (one
// round at a time, the Areas in a seeded random order, so a quota smaller
// than the Areas does not always favour the same ones), then one case at a
// time to the Area with the most cases left per case already given (ties to
// the Area code that sorts first). Each Area's cases are shuffled with a
// stream of their own and its share taken from the front; the reserves are
// drawn from every Area's leftovers together. See docs/selection.md.
func DrawByArea(seed int64, strata []AreaStratum, minPerArea, reserves int) []AreaResult {
	ordered := slices.Clone(strata)
	sort.Slice(ordered, func(i, j int) bool { return ordered[i].Strand < ordered[j].Strand })
	taken := map[int64]bool{}
	out := make([]AreaResult, 0, len(ordered))
	for _, st := range ordered {
		areas := slices.Sorted(maps.Keys(st.Eligible))
		pools := make(map[string][]int64, len(areas))
		r := AreaResult{Result: Result{Strand: st.Strand, Quota: st.Quota}}
		seen := map[int64]bool{}
		counts := make(map[string]int, len(areas))
		available := 0
		for _, a := range areas {
			// A case belongs to one Area; should it be listed under two, the
			// first Area in code order keeps it.
			ids := slices.DeleteFunc(dedupe(st.Eligible[a]), func(id int64) bool { return seen[id] })
			for _, id := range ids {
				seen[id] = true
			}
			counts[a] = len(ids)
			r.EligibleCount += len(ids)
			pools[a] = slices.DeleteFunc(ids, func(id int64) bool { return taken[id] })
			available += len(pools[a])
		}
		n := min(st.Quota, available)
		share := shareAcrossAreas(seed, st.Strand, areas, pools, n, minPerArea)
		var rest []int64
		for _, a := range areas {
			pool := pools[a]
			shuffle(pool, stream(seed, st.Strand+"@"+a, 0))
			picked := pool[:share[a]]
			r.Selected = append(r.Selected, picked...)
			r.Areas = append(r.Areas, AreaShare{Area: a, Quota: share[a], EligibleCount: counts[a], Selected: picked})
			rest = append(rest, pool[share[a]:]...)
		}
		slices.Sort(rest)
		shuffle(rest, stream(seed, st.Strand, 0))
		r.Reserves = rest[:min(reserves, len(rest))]
		r.Shortfall = st.Quota - n
		for _, id := range slices.Concat(r.Selected, r.Reserves) {
			taken[id] = true
		}
		out = append(out, r)
	}
	return out
}

// shareAcrossAreas gives n cases out across the Areas (in code order),
// never more to an Area than its pool holds; n is at most the pools' total.
func shareAcrossAreas(seed int64, strand string, areas []string, pools map[string][]int64, n, minPerArea int) map[string]int {
	share := make(map[string]int, len(areas))
	var order []string
	for _, a := range areas {
		if len(pools[a]) > 0 {
			order = append(order, a)
		}
	}
	shuffle(order, stream(seed, strand+"@areas", 0))
	left := n
	for round := 0; round < minPerArea && left > 0; round++ {
		for _, a := range order {
			if left > 0 && share[a] < len(pools[a]) {
				share[a]++
				left--
			}
		}
	}
	for ; left > 0; left-- {
		best := ""
		for _, a := range areas {
			if share[a] >= len(pools[a]) {
				continue
			}
			// a beats best when pool(a)/(share(a)+1) > pool(best)/(share(best)+1),
			// compared in integers so every language gets the same answer.
			if best == "" || len(pools[a])*(share[best]+1) > len(pools[best])*(share[a]+1) {
				best = a
			}
		}
		share[best]++
	}
	return share
}
