package actionflow

import (
	"fmt"
	"strings"

	"go.temporal.io/sdk/workflow"

	"github.com/lsip/scrutiny/action"
	"github.com/lsip/scrutiny/domain"
	"github.com/lsip/scrutiny/flowopts"
	"github.com/lsip/scrutiny/outbox"
	"github.com/lsip/scrutiny/uktime"
)

// Sending: each notice is queued in the outbox and delivered by activities,
// and what happened to it is recorded on the action's timeline.

// recipient is who a notice goes to; note explains a fallback.
func (w *actionRun) recipient(n action.ActionNotice) (name, email, note string) {
	step := action.EscalationStep{Who: action.RungOwner}
	if n.Step > 0 && n.Step <= len(w.in.Timing.Ladder) {
		step = w.in.Timing.Ladder[n.Step-1]
	}
	switch {
	case step.Email != "":
		return step.Name, step.Email, ""
	case step.Who == action.RungOwner:
		return w.s.OwnerName, w.s.OwnerEmail, ""
	case step.Who == action.RungSenior && w.in.SeniorEmail != "":
		return w.in.SeniorName, w.in.SeniorEmail, ""
	case step.Who == action.RungSenior:
		return w.s.ManagerName, w.s.ManagerEmail, "No senior lead is set for this Area, so this escalation comes to you as the manager."
	case step.Who == action.RungManager:
		return w.s.ManagerName, w.s.ManagerEmail, ""
	}
	return w.s.ManagerName, w.s.ManagerEmail, fmt.Sprintf("The escalation ladder names %q without an address, so this comes to you as the manager.", step.Who)
}

// send queues one notice in the outbox, delivers it and records it. A
// failure is logged and the plan moves on: one missed email must not stop
// the tracking. A bounce is recorded, and the manager is told when the
// address that bounced was someone else's.
func (w *actionRun) send(ctx workflow.Context, n action.ActionNotice) {
	name, email, note := w.recipient(n)
	// A catch-up goes later than planned: the email speaks of now.
	now := workflow.Now(ctx)
	overdue := int(uktime.CalendarDay(now).Sub(w.s.Due) / uktime.Day)
	m := ActionMail{ActionID: w.s.ActionID, Key: n.Key, Kind: n.Kind, Role: n.To, ToName: name, ToEmail: email,
		Due: w.s.Due, At: now, DaysOverdue: max(overdue, 0), OwnerName: w.s.OwnerName, ManagerName: w.s.ManagerName, Note: note}
	result, err := w.mail(ctx, m)
	if err != nil {
		workflow.GetLogger(ctx).Error("action notice not sent", "action", w.s.ActionID, "key", n.Key, "error", err)
		_ = w.record(ctx, domain.ActionChange{Actor: "system", Kind: "mail_failed", Detail: fmt.Sprintf("The %s to %s could not be sent", n.Kind, name)})
		return
	}
	what := fmt.Sprintf("%s to the %s, %s (due %s)", actionNoticeLabel(n.Kind), n.To, name, actionDate(w.s.Due))
	switch result {
	case domain.MailBounced, domain.MailHeld:
		_ = w.record(ctx, domain.ActionChange{Actor: "system", Kind: "mail_bounced", Detail: "Not delivered: " + what + "; the address " + email + " was refused"})
		if email != w.s.ManagerEmail {
			w.reportBounce(ctx, n, name, email)
		}
	default:
		_ = w.record(ctx, domain.ActionChange{Actor: "system", Kind: n.Kind + "_sent", Detail: strings.ToUpper(what[:1]) + what[1:]})
	}
}

// reportBounce tells the manager that a notice to someone else bounced, so
// that they can correct the address or reassign the action.
func (w *actionRun) reportBounce(ctx workflow.Context, n action.ActionNotice, name, email string) {
	m := ActionMail{ActionID: w.s.ActionID, Key: "bounce/" + n.Key, Kind: "bounce", Role: action.RungManager,
		ToName: w.s.ManagerName, ToEmail: w.s.ManagerEmail, Due: w.s.Due, At: workflow.Now(ctx),
		OwnerName: w.s.OwnerName, ManagerName: w.s.ManagerName, BouncedName: name, BouncedEmail: email, BouncedKind: n.Kind, BouncedRole: n.To}
	if _, err := w.mail(ctx, m); err != nil {
		workflow.GetLogger(ctx).Error("bounce report not sent", "action", w.s.ActionID, "error", err)
		return
	}
	_ = w.record(ctx, domain.ActionChange{Actor: "system", Kind: "bounce_reported", Detail: "The manager was told that mail to " + email + " bounced"})
}

// mail queues an action email and delivers it, returning how delivery
// ended.
func (w *actionRun) mail(ctx workflow.Context, m ActionMail) (domain.MailStatus, error) {
	actx := flowopts.Activity(ctx)
	var ref outbox.Ref
	if err := workflow.ExecuteActivity(actx, a.QueueActionMail, m).Get(ctx, &ref); err != nil {
		return "", err
	}
	var result domain.MailStatus
	err := workflow.ExecuteActivity(actx, delivery.DeliverMail, ref.OutboxID).Get(ctx, &result)
	return result, err
}

// actionNoticeLabel names a kind of notice in words: "due-date reminder".
func actionNoticeLabel(kind string) string {
	switch kind {
	case action.NoticeAgreed:
		return "notice of the agreed action"
	case action.NoticeDue:
		return "due-date reminder"
	case action.NoticeOverdue:
		return "overdue reminder"
	}
	return kind
}
