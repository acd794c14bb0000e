package cycleflow

import (
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
// A retry returns what was already recorded.
func (a *Activities) SelectCases(ctx context.Context, in SelectInput) (Selection, error) {
	c, err := a.loadCycle(ctx, in.CycleID)
	if err != nil {
		return Selection{}, err
	}
	drawn, err := a.Store.CycleDrawn(ctx, c.ID)
	if err != nil {
		return Selection{}, err
	}
	if drawn {
		return a.storedSelection(ctx, c.ID)
	}
	panelStrands, err := a.Store.PanelStrands(ctx, c.PanelID)
	if err != nil {
		return Selection{}, err
	}
	eligible := func(strand string, from time.Time) ([]int64, error) {
		return a.Store.EligibleCases(ctx, store.Eligibility{CycleID: c.ID, PanelID: c.PanelID, AreaID: c.AreaID, Strand: strand, From: from, To: c.WindowEnd})
	}
	wanted := c.Quotas.PerStrand
	if len(wanted) == 0 {
		counts := map[string]int{}
		for _, s := range panelStrands {
			ids, err := eligible(s, c.WindowStart)
			if err != nil {
				return Selection{}, err
			}
			counts[s] = len(ids)
		}
		wanted = selection.Allocate(c.Quotas.Total, counts)
	}
	var strata []selection.Stratum
	eligibleOf := map[string][]int64{}
	widenedFrom := map[string]time.Time{}
	for _, strand := range slices.Sorted(maps.Keys(wanted)) {
		quota := wanted[strand]
		if quota <= 0 {
			continue
		}
		if !slices.Contains(panelStrands, strand) {
			return Selection{}, temporal.NewNonRetryableApplicationError(fmt.Sprintf("the panel does not review the %s strand", strand), "InvalidQuota", nil)
		}
		ids, err := eligible(strand, c.WindowStart)
		if err != nil {
			return Selection{}, err
		}
		if len(ids) < quota && c.Quotas.WidenMonths > 0 {
			// Widened only because the coordinator asked, and recorded.
			from := c.WindowStart.AddDate(0, -c.Quotas.WidenMonths, 0)
			if ids, err = eligible(strand, from); err != nil {
				return Selection{}, err
			}
			widenedFrom[strand] = from
		}
		strata = append(strata, selection.Stratum{Strand: strand, Quota: quota, Eligible: ids})
		eligibleOf[strand] = ids
	}
	results := selection.Draw(in.Seed, strata, c.ReservesPerStratum)
	carried, err := a.Store.CarriedForward(ctx, c.PanelID, c.ID)
	if err != nil {
		return Selection{}, err
	}
	drawnStrata := make([]store.DrawnStratum, len(results))
	for i, r := range results {
		drawnStrata[i] = store.DrawnStratum{Strand: r.Strand, Quota: r.Quota, Eligible: r.EligibleCount, Shortfall: r.Shortfall,
			EligibleIDs: eligibleOf[r.Strand], Selected: r.Selected, Reserves: r.Reserves}
		if t, ok := widenedFrom[r.Strand]; ok {
			drawnStrata[i].WidenedFrom = &t
		}
	}
	err = a.Store.InTx(ctx, func(tx *store.Tx) error {
		if err := tx.RecordDraw(ctx, c.ID, in.Seed, drawnStrata, carried); err != nil {
			return err
		}
		return tx.Audit(ctx, "system", "cases_selected", "cycle", strconv.FormatInt(c.ID, 10),
			map[string]any{"seed": in.Seed, "strata": len(results), "widened": len(widenedFrom), "carried_forward": len(carried)})
	})
	if err != nil {
		return Selection{}, fmt.Errorf("record selection: %w", err)
	}
	return a.storedSelection(ctx, c.ID)
}

// storedSelection is the draw as recorded.
func (a *Activities) storedSelection(ctx context.Context, cycleID int64) (Selection, error) {
	strata, err := a.Store.Strata(ctx, cycleID)
	if err != nil {
		return Selection{}, err
	}
	sel := Selection{Strata: make([]cycle.StratumSummary, len(strata))}
	for i, s := range strata {
		sel.Strata[i] = cycle.StratumSummary{Strand: s.Strand, Quota: s.Quota, Eligible: s.Eligible, Shortfall: s.Shortfall, Widened: s.Widened}
	}
	sel.Cases, err = a.cycleCases(ctx, cycleID)
	return sel, err
}

// cycleCases lists every case drawn into the cycle.
func (a *Activities) cycleCases(ctx context.Context, cycleID int64) ([]cycle.CycleCase, error) {
	cases, err := a.Store.CycleCases(ctx, cycleID)
	if err != nil {
		return nil, err
	}
	out := make([]cycle.CycleCase, len(cases))
	for i, cc := range cases {
		out[i] = cycle.CycleCase{CaseID: cc.CaseID, Reference: cc.Reference, Stratum: cc.Stratum, Role: cc.Role, Status: string(cc.Status)}
	}
	return out, nil
}

// ApproveSelection confirms the proposed cases; reserves not needed are
// marked unused. It returns every case of the cycle, so the workflow's list
// matches the database.
func (a *Activities) ApproveSelection(ctx context.Context, cycleID int64) ([]cycle.CycleCase, error) {
	err := a.Store.InTx(ctx, func(tx *store.Tx) error {
		changed, err := tx.ApproveSelection(ctx, cycleID)
		if err != nil || !changed {
			return err
		}
		return tx.Audit(ctx, string(domain.StaffCoordinator), "selection_approved", "cycle", strconv.FormatInt(cycleID, 10), nil)
	})
	if err != nil {
		return nil, err
	}
	return a.cycleCases(ctx, cycleID)
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
