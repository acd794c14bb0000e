package server

import (
	"bytes"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/lsip/scrutiny/i18n"
	"github.com/lsip/scrutiny/outbox"
	"github.com/lsip/scrutiny/store"
)

// communityGroupAdd adds a group to the Area's list, or shows the page
// again naming each wrong field. The addition is audited.
func (s *Server) communityGroupAdd(c *gin.Context) {
	v, _, _, _, ok := s.communityContext(c, c.PostForm)
	if !ok {
		return
	}
	g := store.CommunityGroup{Name: strings.TrimSpace(c.PostForm("name")), Email: strings.TrimSpace(c.PostForm("email")), Language: c.PostForm("language")}
	v.Name, v.Email, v.Language = g.Name, g.Email, g.Language
	errs := validGroup(g)
	if len(errs) == 0 {
		u := currentUser(c)
		err := s.deps.Store.InTx(c.Request.Context(), func(tx *store.Tx) error {
			id, err := tx.AddCommunityGroup(c.Request.Context(), v.Area.ID, g, u.Email)
			if err != nil {
				return err
			}
			return tx.Audit(c.Request.Context(), u.Email, "community_group_added", "community_group", strconv.FormatInt(id, 10), map[string]any{"area": v.Area.Code})
		})
		switch {
		case errors.Is(err, store.ErrGroupExists):
			errs = append(errs, FieldError{Field: "email", Message: "Email address is already on the list: each group once"})
		case err != nil:
			s.pageError(c, err)
			return
		default:
			communityDone(c, v, g.Name+" is added.")
			return
		}
	}
	s.renderCommunity(c, v, errs)
}

// communityGroupRemove takes a group off the Area's list, audited.
func (s *Server) communityGroupRemove(c *gin.Context) {
	v, _, _, _, ok := s.communityContext(c, c.PostForm)
	if !ok {
		return
	}
	id, err := strconv.ParseInt(c.Param("group"), 10, 64)
	if err == nil {
		u := currentUser(c)
		err = s.deps.Store.InTx(c.Request.Context(), func(tx *store.Tx) error {
			if err := tx.RemoveCommunityGroup(c.Request.Context(), v.Area.ID, id); err != nil {
				return err
			}
			return tx.Audit(c.Request.Context(), u.Email, "community_group_removed", "community_group", strconv.FormatInt(id, 10), map[string]any{"area": v.Area.Code})
		})
	} else {
		err = store.ErrNotFound
	}
	switch {
	case errors.Is(err, store.ErrNotFound):
		errorPage(c, Problem{Status: http.StatusNotFound, Title: "Not found", Detail: "That group is not on this Area's list."}, "/community/"+v.Area.Code, "Back to community updates")
	case err != nil:
		s.pageError(c, err)
	default:
		communityDone(c, v, "The group is removed.")
	}
}

// communitySend sends the period's update to each of the Area's groups,
// once: in one transaction it refuses a period already sent, queues one
// email per group in the outbox under a key naming the Area, period and
// group, and records each send; then it starts each email's delivery. The
// email carries the update itself as its HTML part (the stylesheet
// inlined) with a short text part: no personal data, no attachment. Each
// group reads it in its preferred language.
func (s *Server) communitySend(c *gin.Context) {
	v, from, to, errs, ok := s.communityContext(c, c.PostForm)
	if !ok {
		return
	}
	if len(errs) > 0 {
		s.renderCommunity(c, v, errs)
		return
	}
	ctx := c.Request.Context()
	u, err := s.deps.Store.CommunityUpdate(ctx, v.Area, from, to)
	if err != nil {
		s.pageError(c, err)
		return
	}
	bilingual, err := s.deps.Store.AreaBilingual(ctx, v.Area.ID)
	if err != nil {
		s.pageError(c, err)
		return
	}
	mails := map[string]communityMail{} // by the languages written in
	by := currentUser(c).Email
	var queued []int64
	err = s.deps.Store.InTx(ctx, func(tx *store.Tx) error {
		queued = nil // a retried transaction starts again
		if err := tx.StartCommunitySend(ctx, v.Area.ID, from, to); err != nil {
			return err
		}
		groups, err := tx.CommunityGroups(ctx, v.Area.ID)
		if err != nil {
			return err
		}
		if len(groups) == 0 {
			return errNoGroups
		}
		for _, g := range groups {
			m, err := communityMailIn(mails, u, i18n.MailLangs(g.Language, bilingual))
			if err != nil {
				return err
			}
			ref, err := outbox.Queue(ctx, tx, store.Mail{Key: fmt.Sprintf("community/%d/%s/%s/%d", v.Area.ID, v.From, v.To, g.ID),
				ToAddress: g.Email, ToName: g.Name, Subject: m.Subject, BodyText: m.Text, BodyHTML: m.HTML})
			if err != nil {
				return err
			}
			if err := tx.RecordCommunitySend(ctx, v.Area.ID, from, to, g.ID, ref.OutboxID, by); err != nil {
				return err
			}
			queued = append(queued, ref.OutboxID)
		}
		return tx.Audit(ctx, by, "community_update_sent", "area", v.Area.Code, map[string]any{"from": v.From, "to": v.To, "groups": len(groups)})
	})
	switch {
	case errors.Is(err, store.ErrUpdateAlreadySent):
		s.renderCommunity(c, v, []FieldError{{Field: "from", Message: "The update for " + i18n.For(i18n.English).T("community.period", "From", from, "To", to) + " has already been sent to the groups: it goes once per period"}})
		return
	case errors.Is(err, errNoGroups):
		s.renderCommunity(c, v, []FieldError{{Field: "name", Message: "Add a community group before sending the update"}})
		return
	case err != nil:
		s.pageError(c, err)
		return
	}
	for _, id := range queued {
		if err := s.startDelivery(ctx, id); err != nil {
			// Queued and recorded: the email stays in the outbox.
			s.pageError(c, err)
			return
		}
	}
	communityDone(c, v, fmt.Sprintf("The update is on its way to %d groups.", len(queued)))
}

// communityDone redirects to the Area's community page for the same
// period, with a confirmation to show there.
func communityDone(c *gin.Context, v communityView, done string) {
	q := url.Values{"from": {v.From}, "to": {v.To}, "done": {done}}
	c.Redirect(http.StatusSeeOther, "/community/"+v.Area.Code+"?"+q.Encode())
}

// communityMail is the update's email in one language or, for a bilingual
// group, two.
type communityMail struct{ Subject, Text, HTML string }

// communityMailIn is the update's email in langs, written once per set of
// languages (cached in mails): the subjects joined by " / ", the text
// parts one above the other with the divider, and the HTML part the
// update's page with a section per language.
func communityMailIn(mails map[string]communityMail, u store.CommunityUpdate, langs []i18n.Lang) (communityMail, error) {
	key := fmt.Sprint(langs)
	if m, ok := mails[key]; ok {
		return m, nil
	}
	d := communityDoc{Parts: communityParts(u, langs), Inline: communityCSS()}
	var html bytes.Buffer
	if err := pageTemplates.ExecuteTemplate(&html, "community_update.html", communityDocPage(d)); err != nil {
		return communityMail{}, err
	}
	var subjects, bodies []string
	for _, p := range d.Parts {
		text, err := p.L.Text("community.mail", map[string]any{"Area": p.U.AreaName, "Period": p.Period()})
		if err != nil {
			return communityMail{}, err
		}
		subject, body, _ := strings.Cut(strings.TrimLeft(text, "\n"), "\n\n")
		subjects, bodies = append(subjects, strings.TrimSpace(subject)), append(bodies, strings.TrimSpace(body))
	}
	divider := "\n\n" + d.Parts[0].T("mail.bilingual_divider") + "\n\n"
	m := communityMail{Subject: strings.Join(subjects, " / "), Text: strings.Join(bodies, divider) + "\n", HTML: html.String()}
	if i18n.Missing(m.Subject + m.Text + m.HTML) {
		return communityMail{}, fmt.Errorf("community update email in %v shows a missing message", langs)
	}
	mails[key] = m
	return m, nil
}

// errNoGroups: the Area has no community group to send to.
var errNoGroups = errors.New("no community groups")
