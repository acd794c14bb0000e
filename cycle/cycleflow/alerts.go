package cycleflow

import (
	"context"
	"fmt"
	"slices"

	"go.temporal.io/sdk/temporal"

	"github.com/lsip/scrutiny/domain"
	"github.com/lsip/scrutiny/mailtext"
	"github.com/lsip/scrutiny/outbox"
)

// QueueAlert queues a plain-English message to the cycle's coordinator,
// once per alert key. It names a member, or a case by its pseudonymous
// reference, only where the coordinator needs it, and never carries a case
// summary or what a member wrote in a report.
func (a *Activities) QueueAlert(ctx context.Context, in Alert) (outbox.Ref, error) {
	if !slices.Contains(mailtext.AlertKinds, in.Kind) {
		return outbox.Ref{}, temporal.NewNonRetryableApplicationError(fmt.Sprintf("unknown alert kind %q", in.Kind), "InvalidAlert", nil)
	}
	c, err := a.loadCycle(ctx, in.CycleID)
	if err != nil {
		return outbox.Ref{}, err
	}
	data := map[string]any{"Kind": in.Kind, "Panel": c.PanelName, "Coordinator": c.CoordinatorName, "Link": fmt.Sprintf("%s/cycles/%d", a.PublicURL, c.ID)}
	switch in.Kind {
	case "bounce":
		m, err := a.Store.PanelMember(ctx, in.MemberID)
		if err != nil {
			return outbox.Ref{}, err
		}
		data["MemberName"] = m.Name
	case "non_returns":
		lines, err := a.Store.NonReturnLines(ctx, c.ID)
		if err != nil {
			return outbox.Ref{}, err
		}
		data["NonReturns"] = lines
	case "identifying_detail":
		ref, err := a.Store.CaseReference(ctx, in.CaseID)
		if err != nil {
			return outbox.Ref{}, err
		}
		data["Reference"] = ref
	}
	subject, body, err := mailtext.Render("alert", data)
	if err != nil {
		return outbox.Ref{}, err
	}
	to := domain.PanelMember{Name: c.CoordinatorName, Email: c.CoordinatorEmail}
	return c.queue(ctx, a.Store, fmt.Sprintf("alert/%d/%s", c.ID, in.Key), to, subject, body, nil, "")
}
