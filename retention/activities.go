package retention

import (
	"context"

	"github.com/lsip/scrutiny/store"
)

// Activities carries the dependencies of the retention activity.
type Activities struct {
	Store *store.Store
}

// auditActor names the retention schedule in the audit log: no person
// starts a purge.
const auditActor = "retention schedule"

// PurgeRetained purges what is past retention and records one audit entry
// with the counts, in one transaction.
func (a *Activities) PurgeRetained(ctx context.Context, req PurgeRequest) (store.RetentionCounts, error) {
	var n store.RetentionCounts
	err := a.Store.InTx(ctx, func(tx *store.Tx) error {
		var err error
		if n, err = tx.PurgeRetained(ctx, req.CyclesBefore, req.SessionsBefore); err != nil {
			return err
		}
		return tx.Audit(ctx, auditActor, "retention_purged", "retention", req.CyclesBefore.Format("2006-01-02"), map[string]any{
			"cycles": n.Cycles, "pack_files": n.PackFiles, "reviews": n.Reviews, "review_versions": n.ReviewVersions,
			"outbox_bodies": n.OutboxBodies, "identifying_reports": n.IdentifyingReports, "sessions": n.Sessions})
	})
	return n, err
}
