package server

import (
	"errors"
	"log/slog"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/lsip/scrutiny/action"
	"github.com/lsip/scrutiny/domain"
	"github.com/lsip/scrutiny/i18n"
	"github.com/lsip/scrutiny/links"
	"github.com/lsip/scrutiny/store"
	"github.com/lsip/scrutiny/uktime"
)

// Action owners' pages. An owner without a staff account answers their
// action from the personal link in its emails (/o/<token>, see
// links.OwnerClaims): they add progress notes, ask for more time and
// complete it with evidence, and nothing else; the response, decisions on
// extensions, reassignment and cancellation stay with the manager. The
// link is the credential, as a member's is, so the forms carry no CSRF
// token. Opening the page changes nothing; every view is audited, and
// every change is audited by the workflow, with the owner's address as
// actor.

const ownerKey = "owner"

// ownerAccess is what an owner's link grants, once checked against the
// database.
type ownerAccess struct {
	ActionID int64
	Email    string
	Record   domain.ActionRecord
}

func (s *Server) ownerPageRoutes() {
	o := s.engine.Group("/o/:token", s.requireOwnerPage)
	o.GET("", s.ownerPage)
	o.POST("/notes", s.ownerPost(ownerNote))
	o.POST("/extension", s.ownerPost(ownerExtension))
	o.POST("/complete", s.ownerPost(ownerComplete))
}

// requireOwnerPage checks an owner's link: its signature and expiry, then
// that the action is still outstanding and still owned at the address the
// link was made for. Closing or reassigning the action therefore ends the
// link at once.
func (s *Server) requireOwnerPage(c *gin.Context) {
	oa, p := s.checkOwnerLink(c)
	if p != nil {
		linkFailedPage(c, *p)
		c.Abort()
		return
	}
	lang, err := s.deps.Store.ActionOwnerLanguage(c.Request.Context(), oa.ActionID)
	if err != nil {
		s.pageError(c, err)
		c.Abort()
		return
	}
	c.Set(ownerKey, oa)
	c.Set(localizerKey, i18n.For(i18n.Lang(lang)))
	c.Next()
}

func (s *Server) checkOwnerLink(c *gin.Context) (ownerAccess, *Problem) {
	ctx := c.Request.Context()
	claims, err := s.links.VerifyOwner(c.Param("token"), time.Now())
	if err != nil {
		r := linkRefusal{Status: http.StatusUnauthorized, Key: "owner.invalid"}
		if errors.Is(err, links.ErrExpired) { // still signed by us: it names the action
			r.Langs = s.ownerLinkLang(c, claims.ActionID)
		}
		return ownerAccess{}, refuseLink(c, r)
	}
	rec, err := s.deps.Store.ActionRecord(ctx, claims.ActionID)
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		slog.Error("check owner link", "action", claims.ActionID, "error", err)
		p := serverProblem
		return ownerAccess{}, &p
	}
	refuse := func(reason string, r linkRefusal) (ownerAccess, *Problem) {
		if err := s.deps.Store.Audit(ctx, "owner link", "owner_link_refused", "action", strconv.FormatInt(claims.ActionID, 10), map[string]any{"reason": reason}); err != nil {
			slog.Error("audit owner link", "action", claims.ActionID, "error", err)
		}
		r.Status = http.StatusForbidden
		return ownerAccess{}, refuseLink(c, r)
	}
	switch {
	case err != nil:
		return refuse("missing", linkRefusal{Key: "owner.missing"})
	case !claims.Names(rec.OwnerEmail):
		// The language stored is the new owner's, not that of the person
		// the link was for: both languages.
		return refuse("reassigned", linkRefusal{Key: "owner.reassigned", Data: map[string]any{"ID": claims.ActionID, "Manager": rec.ManagerName}})
	case !slices.Contains(store.OutstandingActions, rec.Status):
		return refuse("closed", linkRefusal{Key: "owner.closed", Data: map[string]any{"ID": claims.ActionID, "Status": string(rec.Status)},
			Langs: s.ownerLinkLang(c, claims.ActionID)})
	}
	return ownerAccess{ActionID: claims.ActionID, Email: rec.OwnerEmail, Record: rec}, nil
}

func currentOwner(c *gin.Context) ownerAccess {
	o, _ := c.Get(ownerKey)
	return o.(ownerAccess)
}

func ownerBase(c *gin.Context) string { return "/o/" + c.Param("token") }

// ownerView is the owner's page: the action as it stands, and what was
// typed into the form that was refused, so that nothing is lost.
type ownerView struct {
	ActionID   int64
	Facts      store.ActionMailFacts
	Record     domain.ActionRecord
	Timeline   []ownerEvent
	Form       string // the form that was refused: notes, extension or complete
	Note, Due  string
	Evidence   string
	MinDueDate string // the earliest date an extension may ask for
}

// ownerForm is one of the owner's forms: the update it sends, the field of
// its text and the message key of what to say when that is empty, the
// field beside which the workflow's refusals are shown, and the message
// key of what the page says once it is done.
type ownerForm struct {
	name, update        string
	noteField, noteMiss string
	field, done         string
}

var (
	ownerNote = ownerForm{name: "notes", update: action.UpdateProgressNote,
		noteField: "progress", noteMiss: "owner.err.progress",
		field: "progress", done: "owner.done.notes"}
	ownerExtension = ownerForm{name: "extension", update: action.UpdateRequestExtension,
		noteField: "ext-reason", noteMiss: "owner.err.reason",
		field: "due", done: "owner.done.extension"}
	ownerComplete = ownerForm{name: "complete", update: action.UpdateCompleteAction,
		noteField: "done-note", noteMiss: "owner.err.done", field: "done-note"}
	ownerDone = map[string]string{ownerNote.name: ownerNote.done, ownerExtension.name: ownerExtension.done}
)

func (s *Server) ownerPage(c *gin.Context) {
	o := currentOwner(c)
	if err := s.deps.Store.Audit(c.Request.Context(), o.Email, "owner_link_viewed", "action", strconv.FormatInt(o.ActionID, 10), nil); err != nil {
		s.pageError(c, err)
		return
	}
	s.renderOwner(c, http.StatusOK, ownerView{}, nil)
}

// renderOwner shows the owner's page, with the problems of a refused form.
func (s *Server) renderOwner(c *gin.Context, status int, v ownerView, errs []FieldError) {
	ctx := c.Request.Context()
	o := currentOwner(c)
	facts, err := s.deps.Store.ActionMailFacts(ctx, o.ActionID)
	if err != nil {
		s.pageError(c, err)
		return
	}
	timeline, err := s.deps.Store.ActionTimeline(ctx, o.ActionID)
	if err != nil {
		s.pageError(c, err)
		return
	}
	l := localizer(c)
	v.ActionID, v.Facts, v.Record, v.Timeline = o.ActionID, facts, o.Record, ownerTimeline(timeline, l)
	v.MinDueDate = earliestExtension(o.Record.Due)
	fe := map[string]string{}
	for _, e := range errs {
		fe[e.Field] = e.Message
	}
	var flash string
	if key := ownerDone[c.Query("done")]; key != "" {
		flash = l.T(key)
	}
	render(c, status, "owner.html", page{Title: l.T("owner.title", "ID", o.ActionID), Base: ownerBase(c), Page: v,
		Errors: errs, FieldErrors: fe, Flash: flash, L: l})
}

// ownerPost sends one of the owner's updates, with the owner's address as
// actor, then shows the page again with a confirmation, or the form again
// with what was typed and why it was refused.
func (s *Server) ownerPost(f ownerForm) gin.HandlerFunc {
	return func(c *gin.Context) {
		o := currentOwner(c)
		l := localizer(c)
		v := ownerView{Form: f.name, Note: strings.TrimSpace(c.PostForm("note")), Due: strings.TrimSpace(c.PostForm("due")),
			Evidence: strings.TrimSpace(c.PostForm("evidence"))}
		u := action.ActionUpdate{Actor: o.Email, Note: v.Note, Evidence: v.Evidence}
		var errs []FieldError
		if f == ownerExtension {
			due, err := time.Parse(time.DateOnly, v.Due)
			if err != nil {
				errs = append(errs, FieldError{Field: "due", Message: l.T("owner.err.date", "Date", earliestExtension(o.Record.Due))})
			}
			u.Due = due
		}
		if v.Note == "" {
			errs = append(errs, FieldError{Field: f.noteField, Message: l.T(f.noteMiss)})
		}
		if len(errs) > 0 {
			s.renderOwner(c, http.StatusUnprocessableEntity, v, errs)
			return
		}
		var st action.ActionState
		if p := s.runUpdate(c.Request.Context(), action.WorkflowID(o.ActionID), f.update, u, &st); p != nil {
			msg := p.Detail
			if p.Status == http.StatusConflict {
				msg = l.T("owner.err.untracked", "Manager", o.Record.ManagerName)
			}
			s.renderOwner(c, p.Status, v, []FieldError{{Field: f.field, Message: sentence(msg)}})
			return
		}
		if f == ownerComplete {
			render(c, http.StatusOK, "owner_done.html", page{Title: l.T("owner.completed.title"), L: l,
				Message: l.T("owner.completed.message", "ID", o.ActionID, "Manager", o.Record.ManagerName)})
			return
		}
		c.Redirect(http.StatusSeeOther, ownerBase(c)+"?done="+f.name)
	}
}

// earliestExtension is the earliest new due date the workflow accepts:
// after the current due date and after today (UK).
func earliestExtension(due time.Time) string {
	next := due.AddDate(0, 0, 1)
	if tomorrow := uktime.CalendarDay(time.Now()).AddDate(0, 0, 1); tomorrow.After(next) {
		next = tomorrow
	}
	return next.Format(time.DateOnly)
}

// ownerEvent is one line of the owner's timeline, worded in their language.
type ownerEvent struct {
	At   time.Time
	Text string
}

// ownerTimeline words the timeline in l's language. What happened is named
// from the catalogue; what a person wrote follows the name. The details the
// system writes itself are English, so only an English page shows them, in
// place of the name. The words the workflow puts around what a person
// wrote (a response's code, "Evidence", the sentence of a reassignment or
// an extension) are put in l's language too.
func ownerTimeline(timeline []domain.TimelineEntry, l *i18n.Localizer) []ownerEvent {
	out := make([]ownerEvent, len(timeline))
	for i, e := range timeline {
		text := l.Label("action_event", e.Kind)
		switch {
		case e.Detail != "" && e.Actor == "system" && l.Lang() == i18n.English:
			text = e.Detail
		case e.Detail != "" && e.Actor != "system":
			if detail := ownerDetail(e, l); detail != "" {
				text += ": " + detail
			}
		}
		out[i] = ownerEvent{At: e.At, Text: text}
	}
	return out
}

// ownerDetail is what a person wrote on an event, with the workflow's own
// words in l's language: a response is recorded as "partially accepted:
// <rationale>", a completion as "<note> Evidence: <evidence>", and a
// reassignment or an extension as a sentence (see eventSentences).
func ownerDetail(e domain.TimelineEntry, l *i18n.Localizer) string {
	if s, ok := eventSentences[e.Kind]; ok {
		return s.say(e, l)
	}
	switch e.Kind {
	case "response":
		words, rationale, ok := strings.Cut(e.Detail, ": ")
		code := strings.ReplaceAll(words, " ", "_")
		if _, known := i18n.Lookup(l.Lang(), "label.action_response."+code); ok && known {
			return l.Label("action_response", code) + ": " + rationale
		}
	case string(domain.ActionCompleted):
		if i := strings.LastIndex(e.Detail, completionEvidence); i >= 0 {
			return e.Detail[:i] + " " + l.T("owner.timeline.evidence") + ": " + e.Detail[i+len(completionEvidence):]
		}
	}
	return e.Detail
}

// completionEvidence is how the action workflow joins a completion's note
// and its evidence in the timeline (actionflow's complete).
const completionEvidence = " Evidence: "

// eventSentence is how an owner's page words an event whose detail the
// action workflow writes as an English sentence: the catalogue message
// that says it, made from the event's data (its date fields parsed, its
// keys capitalised: "to" is .To), and, for an event recorded before the
// workflow stored that data, what in the sentence the person wrote.
type eventSentence struct {
	key   string
	needs []string       // the data the message cannot do without
	dates []string       // which of the data are dates (YYYY-MM-DD)
	words *regexp.Regexp // its first group is the person's words, if any
}

// eventSentences are the events worded from their data (actionflow's
// reassign, requestExtension and decideExtension write them).
var eventSentences = map[string]eventSentence{
	"reassigned": {key: "owner.timeline.reassigned", needs: []string{"from", "to"}},
	"extension_requested": {key: "owner.timeline.extension_requested", needs: []string{"to", "reason"}, dates: []string{"to"},
		words: regexp.MustCompile(`(?s)^Asked to move the due date to [^:]*: (.*)$`)},
	"extension_declined": {key: "owner.timeline.extension_declined", needs: []string{"to", "due"}, dates: []string{"to", "due"},
		words: regexp.MustCompile(`(?s)^Declined moving the due date to [^;]*; it stays [^.]*\.\s*(.*)$`)},
	"extension_approved": {key: "owner.timeline.extension_approved", needs: []string{"from", "to"}, dates: []string{"from", "to"},
		words: regexp.MustCompile(`(?s)^Due date moved from .*? to [^;]*; reminders re-planned\.\s*(.*)$`)},
}

// say words e in l's language. Without the data, an English page keeps
// the stored sentence; another shows only the person's words (the
// caller has named the event), never the English around them.
func (s eventSentence) say(e domain.TimelineEntry, l *i18n.Localizer) string {
	if args, ok := s.args(e.Data); ok {
		return l.T(s.key, args)
	}
	if l.Lang() == i18n.English {
		return e.Detail
	}
	if s.words == nil {
		return ""
	}
	if m := s.words.FindStringSubmatch(e.Detail); m != nil {
		return m[1]
	}
	return ""
}

// args is the message's data made from the event's, and false when the
// event lacks what the message needs.
func (s eventSentence) args(data map[string]string) (map[string]any, bool) {
	for _, k := range s.needs {
		if data[k] == "" {
			return nil, false
		}
	}
	args := make(map[string]any, len(data))
	for k, v := range data {
		if k != "" {
			args[strings.ToUpper(k[:1])+k[1:]] = v
		}
	}
	for _, k := range s.dates {
		d, err := time.Parse(time.DateOnly, data[k])
		if err != nil {
			return nil, false
		}
		args[strings.ToUpper(k[:1])+k[1:]] = d
	}
	return args, true
}
