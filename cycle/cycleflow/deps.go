// Package cycleflow runs a panel's review cycle: the cycle workflow, each
// member's review workflow inside it, and the activities that do their I/O
// (the draw, meetings and invites, conflict checks, packs, reviews, alerts,
// the meeting record and the minutes). Workflows orchestrate and stay
// deterministic; activities are idempotent, because Temporal may run one
// more than once. Every statement the activities run is a method of the
// store. The contract other packages use is in package cycle.
package cycleflow

import (
	"context"
	"strings"
	"time"

	"go.temporal.io/sdk/activity"

	"github.com/lsip/scrutiny/domain"
	"github.com/lsip/scrutiny/links"
	"github.com/lsip/scrutiny/outbox"
	"github.com/lsip/scrutiny/store"
)

// Activities carries the dependencies of the cycle's activities. Register one
// value with the worker; its exported methods become the activities.
type Activities struct {
	Store *store.Store
	Links *links.Signer
	// PublicURL is the base of links placed in emails.
	PublicURL string
	// AttachPacks sends each member's workbook attached to the email;
	// otherwise the email carries only the personal link.
	AttachPacks bool
}

// memberLink is a member's personal page for a cycle, valid until access
// is revoked or the member's link is re-issued (which moves their epoch on).
func (a *Activities) memberLink(m domain.PanelMember, cycleID int64, expires time.Time) string {
	return a.PublicURL + "/m/" + a.Links.Token(links.Claims{MemberID: m.ID, CycleID: cycleID, Expires: expires, Epoch: m.LinkEpoch})
}

// requestKey identifies this activity's request across retries, for
// inserts that must not happen twice.
func requestKey(ctx context.Context) string {
	info := activity.GetInfo(ctx)
	return info.WorkflowExecution.RunID + "/" + info.ActivityID
}

// queue enqueues one email of the cycle to a member (or to nobody in
// particular when the member's ID is 0) and returns its reference. Replies
// go to the cycle's coordinator, since the emails say "reply to this
// email"; mail to the coordinator has no Reply-To.
func (c cycleInfo) queue(ctx context.Context, q outbox.Enqueuer, key string, to domain.PanelMember, subject, body string, attachment *int64, ics string) (outbox.Ref, error) {
	var member *int64
	if to.ID != 0 {
		member = &to.ID
	}
	replyTo := c.CoordinatorEmail
	if strings.EqualFold(to.Email, replyTo) {
		replyTo = ""
	}
	return outbox.Queue(ctx, q, store.Mail{Key: key, ToAddress: to.Email, ToName: to.Name, ReplyTo: replyTo, MemberID: member,
		Subject: subject, BodyText: body, AttachmentFileID: attachment, CalendarICS: ics})
}
