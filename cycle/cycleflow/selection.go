package cycleflow

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"time"

	"go.temporal.io/sdk/temporal"

	"github.com/lsip/scrutiny/cycle"
	"github.com/lsip/scrutiny/domain"
	"github.com/lsip/scrutiny/selection"
	"github.com/lsip/scrutiny/store"
)

// SelectCases records the eligible cases of each stratum and draws from
// them with the seed, adding the cases the panel could not agree on before.
// The cycle's theme narrows what is eligible; a national panel draws from
// every Area, stratified by Area as well as strand. A retry returns what
// was already recorded.
func (a *Activities) SelectCases(ctx context.Context, in SelectInput) (Selection, error) {
	c, err := a.loadCycle(ctx, in.CycleID)
	if err != nil {
		return Selection{}, err
	}
	start, err := a.Store.StartDraw(ctx, c.PanelID, c.ID)
	if err != nil {
		return Selection{}, err
	}
	if start.Drawn {
		return a.storedSelection(ctx, c.ID)
	}
	panelStrands, carried := start.PanelStrands, start.Carried
	if theme := c.ThemeFilter.Strands; len(theme) > 0 {
		panelStrands = slices.DeleteFunc(panelStrands, func(s string) bool { return !slices.Contains(theme, s) })
	}
	national := c.PanelKind == domain.PanelNational
	rule := func(from time.Time) store.Eligibility {
		return store.Eligibility{CycleID: c.ID, PanelID: c.PanelID, AreaID: c.AreaID, From: from, To: c.WindowEnd,
			National: national, Theme: c.ThemeFilter}
	}
	// Each strand's pools (one for a local panel, one per Area for a
	// national panel), read in one query: every strand the panel reviews
	// when a total quota is shared by what each holds, else the strands
	// given quotas.
	wanted := c.Quotas.PerStrand
	queried := panelStrands
	if len(wanted) > 0 {
		queried = nil
		for _, strand := range slices.Sorted(maps.Keys(wanted)) {
			if wanted[strand] <= 0 {
				continue
			}
			if !slices.Contains(panelStrands, strand) {
				return Selection{}, temporal.NewNonRetryableApplicationError(fmt.Sprintf("the panel does not review the %s strand, or its theme leaves it out", strand), "InvalidQuota", nil)
			}
			queried = append(queried, strand)
		}
	}
	pools, err := a.Store.EligiblePools(ctx, rule(c.WindowStart), queried...)
	if err != nil {
		return Selection{}, err
	}
	if len(wanted) == 0 {
		counts := map[string]int{}
		for _, s := range panelStrands {
			counts[s] = poolSize(pools[s])
		}
		wanted = selection.Allocate(c.Quotas.Total, counts)
	}
	widenedFrom := map[string]time.Time{}
	for strand, byArea := range pools {
		if wanted[strand] <= 0 {
			delete(pools, strand)
			continue
		}
		if poolSize(byArea) < wanted[strand] && c.Quotas.WidenMonths > 0 {
			// Widened only because the coordinator asked, and recorded.
			from := c.WindowStart.AddDate(0, -c.Quotas.WidenMonths, 0)
			wider, err := a.Store.EligiblePools(ctx, rule(from), strand)
			if err != nil {
				return Selection{}, err
			}
			pools[strand] = wider[strand]
			widenedFrom[strand] = from
		}
	}
	drawnStrata := drawStrata(in.Seed, c.Cycle, wanted, pools, national)
	for i := range drawnStrata {
		if t, ok := widenedFrom[drawnStrata[i].Strand]; ok {
			drawnStrata[i].WidenedFrom = &t
		}
	}
	// The draw runs as the cycle starts, so it is the starting
	// coordinator's doing. The record is read back in the same round trip.
	strata, cases, err := a.Store.RecordSelection(ctx, c.ID, in.Seed, drawnStrata, carried, store.DrawAudit{Actor: cmp.Or(c.CoordinatorEmail, "system"),
		Detail: map[string]any{"seed": in.Seed, "strata": len(drawnStrata), "widened": len(widenedFrom), "carried_forward": len(carried), "national": national}})
	if err != nil {
		return Selection{}, fmt.Errorf("record selection: %w", err)
	}
	return selectionOf(strata, cases), nil
}

// poolSize is how many cases the pools of a strand hold in all.
func poolSize(byArea map[string][]int64) int {
	n := 0
	for _, ids := range byArea {
		n += len(ids)
	}
	return n
}

// drawStrata draws every strand with a quota from its pools, with
// selection.Draw for a local panel (its one Area's cases) and
// selection.DrawByArea for a national one, and returns the draw to record.
func drawStrata(seed int64, c domain.Cycle, wanted map[string]int, pools map[string]map[string][]int64, national bool) []store.DrawnStratum {
	eligibleOf := map[string][]int64{}
	for strand, byArea := range pools {
		eligibleOf[strand] = slices.Sorted(slices.Values(slices.Concat(slices.Collect(maps.Values(byArea))...)))
	}
	var out []store.DrawnStratum
	if !national {
		var strata []selection.Stratum
		for strand := range pools {
			strata = append(strata, selection.Stratum{Strand: strand, Quota: wanted[strand], Eligible: eligibleOf[strand]})
		}
		for _, r := range selection.Draw(seed, strata, c.ReservesPerStratum) {
			out = append(out, store.DrawnStratum{Strand: r.Strand, Quota: r.Quota, Eligible: r.EligibleCount, Shortfall: r.Shortfall,
				EligibleIDs: eligibleOf[r.Strand], Selected: r.Selected, Reserves: r.Reserves})
		}
		return out
	}
	var strata []selection.AreaStratum
	for strand, byArea := range pools {
		strata = append(strata, selection.AreaStratum{Strand: strand, Quota: wanted[strand], Eligible: byArea})
	}
	for _, r := range selection.DrawByArea(seed, strata, c.ThemeFilter.PerArea(), c.ReservesPerStratum) {
		d := store.DrawnStratum{Strand: r.Strand, Quota: r.Quota, Eligible: r.EligibleCount, Shortfall: r.Shortfall,
			EligibleIDs: eligibleOf[r.Strand], Selected: r.Selected, Reserves: r.Reserves}
		for _, share := range r.Areas {
			d.Areas = append(d.Areas, store.DrawnArea{AreaCode: share.Area, Quota: share.Quota, Eligible: share.EligibleCount})
		}
		out = append(out, d)
	}
	return out
}

// storedSelection is the draw as recorded.
func (a *Activities) storedSelection(ctx context.Context, cycleID int64) (Selection, error) {
	strata, err := a.Store.Strata(ctx, cycleID)
	if err != nil {
		return Selection{}, err
	}
	cases, err := a.Store.CycleCases(ctx, cycleID)
	if err != nil {
		return Selection{}, err
	}
	return selectionOf(strata, cases), nil
}

// selectionOf is the selection of a recorded draw: its strata and cases.
func selectionOf(strata []store.Stratum, cases []store.CycleCase) Selection {
	sel := Selection{Strata: make([]cycle.StratumSummary, len(strata))}
	for i, s := range strata {
		sel.Strata[i] = cycle.StratumSummary{Strand: s.Strand, Quota: s.Quota, Eligible: s.Eligible, Shortfall: s.Shortfall, Widened: s.Widened}
	}
	sel.Cases = cycleCasesOf(cases)
	return sel
}

// cycleCases lists every case drawn into the cycle.
func (a *Activities) cycleCases(ctx context.Context, cycleID int64) ([]cycle.CycleCase, error) {
	cases, err := a.Store.CycleCases(ctx, cycleID)
	if err != nil {
		return nil, err
	}
	return cycleCasesOf(cases), nil
}

// cycleCasesOf is the workflow's list of a cycle's cases as recorded.
func cycleCasesOf(cases []store.CycleCase) []cycle.CycleCase {
	out := make([]cycle.CycleCase, len(cases))
	for i, cc := range cases {
		out[i] = cycle.CycleCase{CaseID: cc.CaseID, Reference: cc.Reference, Stratum: cc.Stratum, Role: cc.Role, Status: string(cc.Status)}
	}
	return out
}

// ApproveSelection is ApproveSelectionBy for cycles whose approval was
// under way before approvals named the approver: it stays registered so
// that their scheduled tasks still run, and the audit log names only the
// role.
func (a *Activities) ApproveSelection(ctx context.Context, cycleID int64) ([]cycle.CycleCase, error) {
	return a.ApproveSelectionBy(ctx, ApproveInput{CycleID: cycleID, By: string(domain.StaffCoordinator)})
}

// ApproveInput is the approval of a cycle's selection by a person.
type ApproveInput struct {
	CycleID int64  `json:"cycle_id"`
	By      string `json:"by"` // the approver's email, for the audit log
}

// ApproveSelectionBy confirms the proposed cases; reserves not needed are
// marked unused, and the audit log names the approver. It returns every
// case of the cycle, so the workflow's list matches the database.
func (a *Activities) ApproveSelectionBy(ctx context.Context, in ApproveInput) ([]cycle.CycleCase, error) {
	err := a.Store.InTx(ctx, func(tx *store.Tx) error {
		changed, err := tx.ApproveSelection(ctx, in.CycleID)
		if err != nil || !changed {
			return err
		}
		return tx.Audit(ctx, cmp.Or(in.By, string(domain.StaffCoordinator)), "selection_approved", "cycle", strconv.FormatInt(in.CycleID, 10), nil)
	})
	if err != nil {
		return nil, err
	}
	return a.cycleCases(ctx, in.CycleID)
}

// ReplaceCase withdraws a case with an internal reason and fills its place
// from the next reserve of its stratum, or with a fresh reproducible draw
// when asked. With neither, the place stays empty. A retry reports the
// replacement already made.
func (a *Activities) ReplaceCase(ctx context.Context, in ReplaceInput) (Replacement, error) {
	var out Replacement
	err := a.Store.InTx(ctx, func(tx *store.Tx) error {
		drawn, err := tx.LockCycleCase(ctx, in.CycleID, in.CaseID)
		if errors.Is(err, store.ErrNotFound) {
			return temporal.NewNonRetryableApplicationError(fmt.Sprintf("case %d is not in cycle %d", in.CaseID, in.CycleID), "NotFound", nil)
		}
		if err != nil {
			return err
		}
		if drawn.Status == domain.CaseWithdrawn {
			if drawn.ReplacedBy != nil {
				out.Replacement = &cycle.CycleCase{CaseID: *drawn.ReplacedBy}
			}
			return nil
		}
		replacement, err := replacementFor(ctx, tx, in, drawn.Stratum)
		if err != nil {
			return err
		}
		if err := tx.WithdrawCase(ctx, in.CycleID, in.CaseID, in.Reason, replacement); err != nil {
			return err
		}
		if replacement != nil {
			out.Replacement = &cycle.CycleCase{CaseID: *replacement}
		}
		// The reason stays internal: the audit records that, not why.
		return tx.Audit(ctx, in.By, "case_withdrawn", "cycle", strconv.FormatInt(in.CycleID, 10),
			map[string]any{"case_id": in.CaseID, "redraw": in.Redraw, "replaced": replacement != nil})
	})
	if err != nil || out.Replacement == nil {
		return out, err
	}
	cases, err := a.cycleCases(ctx, in.CycleID)
	for _, c := range cases {
		if c.CaseID == out.Replacement.CaseID {
			*out.Replacement = c
		}
	}
	return out, err
}

// replacementFor proposes the case that takes a withdrawn case's place in
// its stratum: a fresh draw when asked, else the next reserve. It returns
// nil when there is none.
func replacementFor(ctx context.Context, tx *store.Tx, in ReplaceInput, stratum string) (*int64, error) {
	if !in.Redraw {
		id, ok, err := tx.PromoteReserve(ctx, in.CycleID, stratum)
		if err != nil || !ok {
			return nil, err
		}
		return &id, nil
	}
	candidates, err := tx.RedrawCandidates(ctx, in.CycleID, stratum)
	if err != nil {
		return nil, err
	}
	id, ok := selection.Redraw(in.Seed, stratum, in.Attempt, candidates)
	if !ok {
		return nil, nil
	}
	if err := tx.AddRedrawnCase(ctx, in.CycleID, id, stratum); err != nil {
		return nil, err
	}
	return &id, nil
}
