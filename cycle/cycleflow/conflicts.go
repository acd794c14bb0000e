package cycleflow

import (
	"context"
	"fmt"
	"strconv"

	"github.com/lsip/scrutiny/mailtext"
	"github.com/lsip/scrutiny/outbox"
	"github.com/lsip/scrutiny/store"
)

// QueueConflictTeasers queues each member who will receive a pack a list of
// non-identifying teasers — strand, offence type, outcome, month finalised —
// so they can declare conflicts before seeing any detail.
func (a *Activities) QueueConflictTeasers(ctx context.Context, cycleID int64) ([]outbox.Ref, error) {
	c, err := a.loadCycle(ctx, cycleID)
	if err != nil {
		return nil, err
	}
	cases, err := a.Store.ApprovedCases(ctx, cycleID)
	if err != nil {
		return nil, err
	}
	teasers := make([]mailtext.TeaserCase, len(cases))
	for i, cs := range cases {
		teasers[i] = mailtext.TeaserCase{Reference: cs.Reference, Strands: cs.Strands, Offence: cs.PrincipalOffence, Outcome: string(cs.Outcome), Finalised: cs.FinalisedOn}
	}
	members, err := a.Store.ActiveMembers(ctx, c.PanelID, true)
	if err != nil {
		return nil, err
	}
	var refs []outbox.Ref
	for _, m := range members {
		subject, body, err := a.renderFor(ctx, m.ID, "teaser", map[string]any{"Panel": c.PanelName, "Name": m.Name, "Cases": teasers,
			"Link": a.memberLink(m, c.ID, c.Dates.AccessRevoked), "Deadline": c.Dates.PacksRelease, "Coordinator": c.CoordinatorName})
		if err != nil {
			return nil, err
		}
		ref, err := c.queue(ctx, a.Store, fmt.Sprintf("teaser/%d/%d", c.ID, m.ID), m, subject, body, nil, "")
		if err != nil {
			return nil, err
		}
		refs = append(refs, ref)
	}
	return refs, nil
}

// RecordConflict stores a declaration; after release it also removes the
// case from the member's review list. A repeated declaration changes
// nothing.
func (a *Activities) RecordConflict(ctx context.Context, in ConflictInput) error {
	return a.Store.InTx(ctx, func(tx *store.Tx) error {
		added, err := tx.RecordConflict(ctx, store.Conflict{CycleID: in.CycleID, MemberID: in.MemberID, CaseID: in.CaseID, Note: in.Note, AfterRelease: in.AfterRelease})
		if err != nil || !added {
			return err
		}
		if in.AfterRelease {
			if err := tx.RemoveFromPack(ctx, in.CycleID, in.MemberID, in.CaseID); err != nil {
				return err
			}
		}
		return tx.Audit(ctx, fmt.Sprintf("member:%d", in.MemberID), "conflict_declared", "cycle", strconv.FormatInt(in.CycleID, 10),
			map[string]any{"case_id": in.CaseID, "after_release": in.AfterRelease})
	})
}

// RecordIdentifyingReport pulls the case from every pack of the cycle and
// logs the report; the detail stays internal. A repeated report from the
// same member changes nothing.
func (a *Activities) RecordIdentifyingReport(ctx context.Context, in IdentifyingReport) error {
	return a.Store.InTx(ctx, func(tx *store.Tx) error {
		added, err := tx.RecordIdentifyingReport(ctx, store.IdentifyingReport{CycleID: in.CycleID, MemberID: in.MemberID, CaseID: in.CaseID, Detail: in.Detail})
		if err != nil || !added {
			return err
		}
		if err := tx.PullCase(ctx, in.CycleID, in.CaseID); err != nil {
			return err
		}
		return tx.Audit(ctx, fmt.Sprintf("member:%d", in.MemberID), "identifying_detail_reported", "cycle", strconv.FormatInt(in.CycleID, 10), map[string]any{"case_id": in.CaseID})
	})
}
