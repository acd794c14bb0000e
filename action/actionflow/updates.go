package actionflow

import (
	"errors"
	"fmt"
	"net/mail"
	"slices"
	"strings"
	"time"

	"go.temporal.io/sdk/workflow"

	"github.com/lsip/scrutiny/action"
	"github.com/lsip/scrutiny/domain"
	"github.com/lsip/scrutiny/i18n"
	"github.com/lsip/scrutiny/uktime"
)

// The updates: each has a check, run by the validator and again when its
// turn comes, and an apply that changes the state and says what to record.

func (w *actionRun) checkNote(_ workflow.Context, u action.ActionUpdate) error {
	if strings.TrimSpace(u.Note) == "" {
		return errors.New("the progress note is empty: say what has been done")
	}
	return nil
}

func (w *actionRun) progressNote(_ workflow.Context, u action.ActionUpdate) domain.ActionChange {
	if w.s.Status == domain.ActionOpen {
		w.s.Status = domain.ActionInProgress
	}
	return domain.ActionChange{Actor: u.Actor, Kind: "progress_note", Detail: u.Note}
}

var actionResponses = []string{"accepted", "partially_accepted", "not_accepted"}

func (w *actionRun) checkRespond(_ workflow.Context, u action.ActionUpdate) error {
	if !slices.Contains(actionResponses, u.Response) {
		return fmt.Errorf("the response must be accepted, partially_accepted or not_accepted, not %q", u.Response)
	}
	if strings.TrimSpace(u.Rationale) == "" {
		return errors.New("give the rationale for the response: panels need to see why")
	}
	return nil
}

func (w *actionRun) respond(_ workflow.Context, u action.ActionUpdate) domain.ActionChange {
	w.s.Response, w.s.ResponseRationale = u.Response, strings.TrimSpace(u.Rationale)
	return domain.ActionChange{Actor: u.Actor, Kind: "response", Detail: strings.ReplaceAll(u.Response, "_", " ") + ": " + w.s.ResponseRationale}
}

func (w *actionRun) checkComplete(_ workflow.Context, u action.ActionUpdate) error {
	if strings.TrimSpace(u.Note) == "" {
		return errors.New("write the response that closes the action: what was done")
	}
	return nil
}

func (w *actionRun) complete(_ workflow.Context, u action.ActionUpdate) domain.ActionChange {
	s := w.s
	s.Status, s.CompletionNote, s.CompletionEvidence = domain.ActionCompleted, strings.TrimSpace(u.Note), strings.TrimSpace(u.Evidence)
	s.PendingExtension = nil
	w.replanned = true
	detail := s.CompletionNote
	if s.CompletionEvidence != "" {
		detail += " Evidence: " + s.CompletionEvidence
	}
	return domain.ActionChange{Actor: u.Actor, Kind: string(domain.ActionCompleted), Detail: detail}
}

func (w *actionRun) checkReassign(_ workflow.Context, u action.ActionUpdate) error {
	if strings.TrimSpace(u.Name) == "" {
		return errors.New("give the new owner's name")
	}
	addr, err := mail.ParseAddress(strings.TrimSpace(u.Email))
	if err != nil || addr.Address != strings.TrimSpace(u.Email) {
		return fmt.Errorf("the new owner's email address %q is not valid", u.Email)
	}
	if strings.EqualFold(addr.Address, w.s.OwnerEmail) && strings.TrimSpace(u.Name) == w.s.OwnerName {
		return fmt.Errorf("%s already owns this action", w.s.OwnerName)
	}
	if u.Language != "" && !slices.Contains(i18n.Langs, i18n.Lang(u.Language)) {
		return fmt.Errorf("the new owner's language must be en (English) or cy (Cymraeg), not %q", u.Language)
	}
	return nil
}

// reassignLanguageChange names the change that carries the new owner's
// language, as the reassignment gave it, to the change recorded (see
// agreedNoticeChange on versions): histories recorded before it replay
// without it.
const reassignLanguageChange = "reassign-language"

func (w *actionRun) reassign(ctx workflow.Context, u action.ActionUpdate) domain.ActionChange {
	from := w.s.OwnerName
	w.s.OwnerName, w.s.OwnerEmail = strings.TrimSpace(u.Name), strings.TrimSpace(u.Email)
	ch := domain.ActionChange{Actor: u.Actor, Kind: reassignedKind, Detail: fmt.Sprintf("Owner changed from %s to %s", from, w.s.OwnerName),
		Data: timelineData(ctx, "from", from, "to", w.s.OwnerName)}
	if u.Language != "" && workflow.GetVersion(ctx, reassignLanguageChange, workflow.DefaultVersion, 1) == 1 {
		if ch.Data == nil {
			ch.Data = map[string]string{}
		}
		ch.Data[ownerLanguageKey] = u.Language
	}
	return ch
}

// timelineDataChange names the change that stores, beside the English
// sentence of a reassignment or an extension decision, the names, dates
// and note it is made of, so that an owner's page can word the event in
// the owner's language (see domain.TimelineEntry's Data).
const timelineDataChange = "timeline-data"

// timelineData is the event data made of the name/value pairs kv, or nil
// in a workflow recorded before timelineDataChange. An empty value is left
// out.
func timelineData(ctx workflow.Context, kv ...string) map[string]string {
	if workflow.GetVersion(ctx, timelineDataChange, workflow.DefaultVersion, 1) != 1 {
		return nil
	}
	data := map[string]string{}
	for i := 0; i+1 < len(kv); i += 2 {
		if kv[i+1] != "" {
			data[kv[i]] = kv[i+1]
		}
	}
	return data
}

// reassignedKind is the timeline event of a new owner; its change
// carries, under ownerLanguageKey, the language the reassignment gave.
const (
	reassignedKind   = "reassigned"
	ownerLanguageKey = "language"
)

func (w *actionRun) checkExtension(ctx workflow.Context, u action.ActionUpdate) error {
	if p := w.s.PendingExtension; p != nil {
		return fmt.Errorf("an extension to %s is already waiting for the manager's decision; only one request can wait at a time", actionDate(p.To))
	}
	if u.Due.IsZero() {
		return errors.New("give the new due date")
	}
	to, today := actionDay(u.Due), uktime.CalendarDay(workflow.Now(ctx))
	if !to.After(today) {
		return fmt.Errorf("the new due date must be after today (%s)", actionDate(today))
	}
	if !to.After(w.s.Due) {
		return fmt.Errorf("the new due date must be after the current due date (%s)", actionDate(w.s.Due))
	}
	if strings.TrimSpace(u.Note) == "" {
		return errors.New("give a reason for the extension")
	}
	return nil
}

func (w *actionRun) requestExtension(_ workflow.Context, u action.ActionUpdate) domain.ActionChange {
	to := actionDay(u.Due)
	reason := strings.TrimSpace(u.Note)
	w.s.PendingExtension = &action.Extension{To: to, Reason: reason, RequestedBy: u.Actor}
	return domain.ActionChange{Actor: u.Actor, Kind: "extension_requested", Detail: fmt.Sprintf("Asked to move the due date to %s: %s", actionDate(to), reason),
		Data: map[string]string{"to": to.Format(time.DateOnly), "reason": reason}}
}

func (w *actionRun) checkDecision(_ workflow.Context, _ action.ActionUpdate) error {
	if w.s.PendingExtension == nil {
		return errors.New("there is no extension request waiting for a decision")
	}
	return nil
}

// decideExtension records the manager's decision; only an approval moves
// the due date, and that re-plans every notice (rule 3).
func (w *actionRun) decideExtension(ctx workflow.Context, u action.ActionUpdate) domain.ActionChange {
	ext := w.s.PendingExtension
	w.s.PendingExtension = nil
	note := strings.TrimSpace(u.Note)
	if !u.Approve {
		return domain.ActionChange{Actor: u.Actor, Kind: "extension_declined",
			Detail: strings.TrimSpace(fmt.Sprintf("Declined moving the due date to %s; it stays %s. %s", actionDate(ext.To), actionDate(w.s.Due), note)),
			Data:   timelineData(ctx, "to", ext.To.Format(time.DateOnly), "due", w.s.Due.Format(time.DateOnly), "note", note)}
	}
	from := w.s.Due
	w.s.Due = ext.To
	w.replan(workflow.Now(ctx))
	return domain.ActionChange{Actor: u.Actor, Kind: "extension_approved",
		Detail: strings.TrimSpace(fmt.Sprintf("Due date moved from %s to %s; reminders re-planned. %s", actionDate(from), actionDate(ext.To), note)),
		Data:   timelineData(ctx, "from", from.Format(time.DateOnly), "to", ext.To.Format(time.DateOnly), "note", note)}
}

func (w *actionRun) checkCancel(_ workflow.Context, u action.ActionUpdate) error {
	if strings.TrimSpace(u.Note) == "" {
		return errors.New("give a reason for cancelling the action")
	}
	return nil
}

func (w *actionRun) cancel(_ workflow.Context, u action.ActionUpdate) domain.ActionChange {
	w.s.Status, w.s.CancelReason = domain.ActionCancelled, strings.TrimSpace(u.Note)
	w.s.PendingExtension = nil
	w.replanned = true
	return domain.ActionChange{Actor: u.Actor, Kind: string(domain.ActionCancelled), Detail: w.s.CancelReason}
}
