package actionflow

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"go.temporal.io/sdk/temporal"

	"github.com/lsip/scrutiny/action"
	"github.com/lsip/scrutiny/domain"
	"github.com/lsip/scrutiny/i18n"
	"github.com/lsip/scrutiny/links"
	"github.com/lsip/scrutiny/mailtext"
	"github.com/lsip/scrutiny/outbox"
	"github.com/lsip/scrutiny/store"
	"github.com/lsip/scrutiny/uktime"
)

// Activities carries the dependencies of the action workflow's activities.
// Register one value with the worker; its exported methods become the
// activities.
type Activities struct {
	Store *store.Store
	// Links signs action owners' personal links. Without it, every email
	// links to the action's staff page.
	Links *links.Signer
	// PublicURL is the base of links placed in emails.
	PublicURL string
}

// LoadAction reads an action for its tracking workflow. A missing action
// is not retried.
func (a *Activities) LoadAction(ctx context.Context, actionID int64) (domain.ActionRecord, error) {
	r, err := a.Store.ActionRecord(ctx, actionID)
	if errors.Is(err, store.ErrNotFound) {
		return r, notFound(actionID)
	}
	return r, err
}

// RecordActionChange appends the event, once per sequence number however
// often it is retried, and writes the action's fields unless a later change
// is stored already (the workflow may write two changes at once). It
// returns the event's time as stored. The audit log gets one entry per
// change, written with its event.
func (a *Activities) RecordActionChange(ctx context.Context, ch domain.ActionChange) (time.Time, error) {
	if ch.At.IsZero() {
		ch.At = time.Now()
	}
	var at time.Time
	err := a.Store.InTx(ctx, func(tx *store.Tx) error {
		var added bool
		var err error
		if at, added, err = tx.AddActionEvent(ctx, ch); err != nil {
			return err
		}
		if err := tx.SaveActionFields(ctx, ch); err != nil {
			return err
		}
		if ch.Kind == reassignedKind {
			if err := recordOwnerLanguage(ctx, tx, ch); err != nil {
				return err
			}
		}
		if !added {
			return nil // a retry: the first attempt wrote the audit entry
		}
		return tx.Audit(ctx, ch.Actor, "action_"+ch.Kind, "action", strconv.FormatInt(ch.ActionID, 10), map[string]any{"seq": ch.Seq})
	})
	switch {
	case errors.Is(err, store.ErrEventClash):
		// A different change under a number already used: a retry cannot mend it.
		return at, temporal.NewNonRetryableApplicationError(err.Error(), "SeqClash", nil)
	case errors.Is(err, store.ErrNotFound):
		return at, notFound(ch.ActionID)
	}
	return at, err
}

// notFound is the error for an action that does not exist, which no retry
// will find.
func notFound(actionID int64) error {
	return temporal.NewNonRetryableApplicationError(fmt.Sprintf("action %d does not exist", actionID), "NotFound", nil)
}

// ActionMail asks for one email about an action: the agreed notice, a
// reminder, due-date, overdue or escalation notice, or (Kind "bounce") word to the manager that
// an earlier one bounced. The workflow says who it goes to; the text comes
// from the actions row.
type ActionMail struct {
	ActionID int64 `json:"action_id"`
	// Key is unique within the action; the outbox key is action/<id>/<Key>.
	Key         string    `json:"key"`
	Kind        string    `json:"kind"` // agreed, reminder, due, overdue, escalation, bounce
	Role        string    `json:"role"` // owner, manager, senior, ...
	ToName      string    `json:"to_name"`
	ToEmail     string    `json:"to_email"`
	Due         time.Time `json:"due"`
	At          time.Time `json:"at"` // when the notice was planned for
	DaysOverdue int       `json:"days_overdue,omitempty"`
	OwnerName   string    `json:"owner_name"`
	ManagerName string    `json:"manager_name"`
	// Note explains a fallback, such as no senior lead being set.
	Note string `json:"note,omitempty"`
	// With Kind "bounce": the notice that bounced and its address.
	BouncedKind  string `json:"bounced_kind,omitempty"`
	BouncedRole  string `json:"bounced_role,omitempty"`
	BouncedName  string `json:"bounced_name,omitempty"`
	BouncedEmail string `json:"bounced_email,omitempty"`
}

// recordOwnerLanguage sets the language a reassigned action's new owner is
// written to in from then on: the one the reassignment gave, else the one
// known for the person at the new address, else English. Their emails and
// their page read it from the action.
func recordOwnerLanguage(ctx context.Context, tx *store.Tx, ch domain.ActionChange) error {
	lang := ch.Data[ownerLanguageKey]
	if lang == "" {
		known, ok, err := tx.PersonLanguage(ctx, ch.OwnerEmail, ch.ActionID)
		if err != nil {
			return err
		}
		lang = string(i18n.English)
		if ok {
			lang = known
		}
	}
	return tx.SetActionOwnerLanguage(ctx, ch.ActionID, ch.Seq, lang)
}

// ActionMailKey is the outbox key of an action's email.
func ActionMailKey(actionID int64, key string) string {
	return fmt.Sprintf("action/%d/%s", actionID, key)
}

// QueueActionMail queues an action email in the outbox, once per key
// however often it is retried, and returns the outbox row for DeliverMail.
func (a *Activities) QueueActionMail(ctx context.Context, in ActionMail) (outbox.Ref, error) {
	if in.ToEmail == "" {
		return outbox.Ref{}, temporal.NewNonRetryableApplicationError(fmt.Sprintf("action %d %s: no address to send to", in.ActionID, in.Kind), "NoAddress", nil)
	}
	facts, err := a.Store.ActionMailFacts(ctx, in.ActionID)
	if errors.Is(err, store.ErrNotFound) {
		return outbox.Ref{}, notFound(in.ActionID)
	}
	if err != nil {
		return outbox.Ref{}, err
	}
	v := actionEmail{ActionMail: in, ActionMailFacts: facts}
	if in.Role == action.RungOwner {
		if v.Lang, err = a.Store.ActionOwnerLanguage(ctx, in.ActionID); err != nil {
			return outbox.Ref{}, err
		}
	}
	if err := a.link(ctx, &v); err != nil {
		return outbox.Ref{}, err
	}
	subject, body, err := renderActionEmail(v)
	if err != nil {
		return outbox.Ref{}, err
	}
	return outbox.Queue(ctx, a.Store, store.Mail{Key: ActionMailKey(in.ActionID, in.Key), ToAddress: in.ToEmail, ToName: in.ToName,
		Subject: subject, BodyText: body})
}

// actionEmail is what the action email templates see.
type actionEmail struct {
	ActionMail
	store.ActionMailFacts
	Link string
	// OwnerLink: Link is the owner's personal link, which works to the
	// end of LastDay (a UK date, as midnight UTC).
	OwnerLink bool
	LastDay   time.Time
	// Lang is the language the email is written in: the owner's, for an
	// email to the owner; English for staff.
	Lang string
}

// MailLang is the language mailtext.Render writes the email in.
func (e actionEmail) MailLang() string { return e.Lang }

// LinkExpires says when the owner's link stops working: "the end of 8
// June 2027".
func (e actionEmail) LinkExpires() string { return "the end of " + e.LastDay.Format("2 January 2006") }

// An owner's link works for 30 UK days after the email, and at least
// until 60 days after the due date, so the link in the agreed notice lasts
// until the overdue reminders bring new ones.
const (
	ownerLinkAfterMail = 30 * uktime.Day
	ownerLinkAfterDue  = 60 * uktime.Day
)

// link sets where the email sends its reader. An email to the action's
// owner carries their personal link unless they have an active staff
// account that can work on the action, who (like everyone else) signs in
// on the action's staff page.
func (a *Activities) link(ctx context.Context, v *actionEmail) error {
	v.Link = fmt.Sprintf("%s/actions/%d", a.PublicURL, v.ActionID)
	if v.Role != action.RungOwner || a.Links == nil {
		return nil
	}
	staff, err := a.staffCanAct(ctx, v.ToEmail, v.ActionID)
	if err != nil || staff {
		return err
	}
	v.OwnerLink = true
	v.LastDay = uktime.CalendarDay(v.At).Add(ownerLinkAfterMail)
	if due := actionDay(v.Due).Add(ownerLinkAfterDue); due.After(v.LastDay) {
		v.LastDay = due
	}
	y, m, d := v.LastDay.Date()
	expires := time.Date(y, m, d+1, 0, 0, 0, 0, uktime.London)
	v.Link = a.PublicURL + "/o/" + a.Links.OwnerToken(links.OwnerClaims{ActionID: v.ActionID, Email: v.ToEmail, Expires: expires})
	return nil
}

// staffCanAct reports whether email is an active staff account that may
// record progress on the action: a coordinator, manager or admin whose
// scope reaches it. A chair, or someone outside the action's panel and
// Area, could not, so gets the owner's link instead.
func (a *Activities) staffCanAct(ctx context.Context, email string, actionID int64) (bool, error) {
	u, err := a.Store.ActiveUserByEmail(ctx, email)
	if errors.Is(err, store.ErrNotFound) || (err == nil && u.Role == domain.StaffChair) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	_, err = a.Store.ActionIn(ctx, store.ScopeOf(u), actionID)
	if errors.Is(err, store.ErrNotFound) || errors.Is(err, store.ErrOutOfScope) {
		return false, nil
	}
	return err == nil, err
}

// Source says where the action came from, in words.
func (e actionEmail) Source() string {
	s := "the " + e.Panel
	if e.Meeting != nil {
		s += " meeting on " + uktime.Date(*e.Meeting)
	}
	if e.CaseRef != "" {
		s += ", case " + e.CaseRef
	}
	if e.LearningPointID != 0 {
		s += fmt.Sprintf(", learning point LP-%d", e.LearningPointID)
	}
	return s
}

// Label is the action's type and audience: "a recommendation for the
// police".
func (e actionEmail) Label() string {
	t := map[string]string{"recommendation": "a recommendation", "learning": "a learning action", "information_request": "a request for information"}[e.Type]
	if t == "" {
		t = "an action"
	}
	switch e.Audience {
	case "prosecution":
		return t + " for the prosecution service"
	case "police":
		return t + " for the police"
	case "partners":
		return t + " for partner organisations"
	}
	return t
}

// DueDate is the due date in words: "Wednesday 31 March 2027".
func (e actionEmail) DueDate() string { return e.Due.Format("Monday 2 January 2006") }

// Overdue says how long the action is overdue: "overdue", "1 day
// overdue", "14 days overdue".
func (e actionEmail) Overdue() string {
	switch e.DaysOverdue {
	case 0:
		return "overdue"
	case 1:
		return "1 day overdue"
	}
	return fmt.Sprintf("%d days overdue", e.DaysOverdue)
}

// Greeting is the name to address, or "colleague" for a mailbox.
func (e actionEmail) Greeting() string {
	if strings.TrimSpace(e.ToName) == "" {
		return "colleague"
	}
	return e.ToName
}

// SentAt is when the notice was planned for, UK local time with the zone
// named: "Monday 15 March 2027, 09:00 GMT (UK time)".
func (e actionEmail) SentAt() string {
	return uktime.Time(e.At) + " (UK time)"
}

// BouncedWhat names the notice that bounced.
func (e actionEmail) BouncedWhat() string { return actionNoticeLabel(e.BouncedKind) }

// ResponseText is the recorded response in words.
func (e actionEmail) ResponseText() string { return strings.ReplaceAll(e.Response, "_", " ") }

// renderActionEmail renders an action email with the shared helper.
func renderActionEmail(v actionEmail) (subject, body string, err error) {
	switch v.Kind {
	case "bounce":
		return mailtext.Render("action-bounce", v)
	case action.NoticeAgreed:
		return mailtext.Render("action-agreed", v)
	}
	return mailtext.Render("action-notice", v)
}
