// Package selection draws the cases a panel scrutinises: a seeded,
// stratified random draw that anyone can repeat from the recorded seed and
// eligible set, which is how a panel shows its "random" selection was
// random. It is pure: the caller loads the eligible cases and records the
// result. docs/selection.md describes the algorithm exactly, so that it can
// be written again in another language; Verify re-runs a published draw.
package selection

import (
	"hash/fnv"
	"math/rand/v2"
	"slices"
	"sort"
)

// Stratum is one strand's eligible cases and how many to take.
type Stratum struct {
	Strand   string
	Quota    int
	Eligible []int64
}

// Result is the draw for one stratum.
type Result struct {
	Strand        string
	Quota         int
	EligibleCount int
	Selected      []int64
	Reserves      []int64
	// Shortfall is how many fewer cases were eligible than the quota asked
	// for; the cycle runs with what there is and says so.
	Shortfall int
}

// Draw takes, per stratum, Quota cases plus reserves from the eligible
// set. Strata are drawn in strand order and a case already taken by an
// earlier stratum (a case can carry two strands) is not taken again. Each
// stratum has its own random stream derived from the seed and the strand,
// so the same inputs always give the same cases.
func Draw(seed int64, strata []Stratum, reserves int) []Result {
	ordered := slices.Clone(strata)
	sort.Slice(ordered, func(i, j int) bool { return ordered[i].Strand < ordered[j].Strand })
	taken := map[int64]bool{}
	out := make([]Result, 0, len(ordered))
	for _, st := range ordered {
		pool := available(st.Eligible, taken)
		shuffle(pool, stream(seed, st.Strand, 0))
		r := Result{Strand: st.Strand, Quota: st.Quota, EligibleCount: len(dedupe(st.Eligible))}
		n := min(st.Quota, len(pool))
		r.Selected = pool[:n]
		r.Reserves = pool[n:min(n+reserves, len(pool))]
		r.Shortfall = st.Quota - n
		for _, id := range pool[:n+len(r.Reserves)] {
			taken[id] = true
		}
		out = append(out, r)
	}
	return out
}

// Redraw picks one fresh case for a stratum from candidates (its eligible
// cases minus every case already selected, reserved or withdrawn in the
// cycle). attempt numbers the redraws of that stratum from 1, giving each
// its own reproducible stream. ok is false when no candidate is left.
func Redraw(seed int64, strand string, attempt int, candidates []int64) (id int64, ok bool) {
	pool := dedupe(candidates)
	if len(pool) == 0 {
		return 0, false
	}
	shuffle(pool, stream(seed, strand, attempt))
	return pool[0], true
}

// Allocate shares a total quota across strands, one case at a time to the
// strand with the most eligible cases per case already allocated, so that
// larger strands get more without a small strand being starved. Ties go to
// the strand that sorts first, keeping the result deterministic.
func Allocate(total int, eligibleCounts map[string]int) map[string]int {
	strands := make([]string, 0, len(eligibleCounts))
	for s := range eligibleCounts {
		strands = append(strands, s)
	}
	sort.Strings(strands)
	quotas := make(map[string]int, len(strands))
	for _, s := range strands {
		quotas[s] = 0
	}
	for range total {
		best := ""
		bestScore := -1.0
		for _, s := range strands {
			if quotas[s] >= eligibleCounts[s] {
				continue
			}
			score := float64(eligibleCounts[s]) / float64(quotas[s]+1)
			if score > bestScore {
				best, bestScore = s, score
			}
		}
		if best == "" {
			// Every strand is exhausted; the rest of the total is a shortfall
			// the caller reports against the first strand.
			if len(strands) > 0 {
				quotas[strands[0]] += total - sum(quotas)
			}
			break
		}
		quotas[best]++
	}
	return quotas
}

func sum(m map[string]int) int {
	t := 0
	for _, v := range m {
		t += v
	}
	return t
}

// stream is the random source for one stratum's draw or redraw.
func stream(seed int64, strand string, attempt int) *rand.Rand {
	h := fnv.New64a()
	h.Write([]byte(strand))
	h.Write([]byte{byte(attempt), byte(attempt >> 8), byte(attempt >> 16), byte(attempt >> 24)})
	return rand.New(rand.NewPCG(uint64(seed), h.Sum64()))
}

// shuffle is a Fisher–Yates shuffle over a sorted slice, so the order the
// caller loaded the cases (or Areas) in does not matter.
func shuffle[T any](items []T, r *rand.Rand) {
	for i := len(items) - 1; i > 0; i-- {
		j := r.IntN(i + 1)
		items[i], items[j] = items[j], items[i]
	}
}

// available returns the sorted, de-duplicated eligible IDs not yet taken.
func available(ids []int64, taken map[int64]bool) []int64 {
	out := dedupe(ids)
	return slices.DeleteFunc(out, func(id int64) bool { return taken[id] })
}

func dedupe(ids []int64) []int64 {
	out := slices.Clone(ids)
	slices.Sort(out)
	return slices.Compact(out)
}
