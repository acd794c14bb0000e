package server

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"slices"

	"github.com/lsip/scrutiny/cycle"
	"github.com/lsip/scrutiny/domain"
	"github.com/lsip/scrutiny/links"
	"github.com/lsip/scrutiny/mailtext"
	"github.com/lsip/scrutiny/store"
)

// The one way each change to a member is made, for the API and the pages
// alike.

// memberChangeResult is what a change to a member did: the member as they
// now are, how many running cycles were told they left, and how many held
// emails were sent again.
type memberChangeResult struct {
	store.MemberChanged
	CyclesTold int
	Resent     int
}

// changeMember stores a change to a member and finishes what it sets off.
// Mail held for a bounced address that the change corrects is sent again;
// a member made inactive is reported to every running cycle of their panel,
// each of which excuses their open reviews and stops their reminders. Each
// step may be repeated, so a change that failed part way is finished by
// making it again.
func (s *Server) changeMember(ctx context.Context, id int64, ch domain.MemberChange, actor string) (memberChangeResult, *Problem) {
	var out memberChangeResult
	changed, err := s.deps.Store.ChangeMember(ctx, id, ch, actor)
	if _, dup := store.IsUniqueViolation(err); dup {
		return out, &Problem{Status: http.StatusConflict, Title: "Already a member", Detail: "Someone on this panel already has that email address.",
			Errors: []FieldError{{"email", "is already used on this panel"}}}
	}
	if errors.Is(err, store.ErrNotFound) {
		return out, &Problem{Status: http.StatusNotFound, Title: "Not found", Detail: "The member was not found"}
	}
	if err != nil {
		slog.Error("change member", "member", id, "error", err)
		p := serverProblem
		return out, &p
	}
	out.MemberChanged = changed
	for _, outboxID := range changed.Released {
		if err := s.startDelivery(ctx, outboxID); err != nil {
			slog.Error("send held mail again", "member", id, "error", err)
			return out, &Problem{Status: http.StatusServiceUnavailable, Title: "The held email is not sent yet",
				Detail: "The address is corrected, but the email held for it could not be sent just now. It is queued; please tell the system administrator."}
		}
		out.Resent++
	}
	if ch.Active != nil && !*ch.Active {
		n, p := s.tellCyclesMemberLeft(ctx, changed.PanelID, id, actor)
		out.CyclesTold = n
		if p != nil {
			return out, p
		}
	}
	return out, nil
}

// tellCyclesMemberLeft tells every running cycle of the panel that the
// member has left (the member-left update): the cycle excuses their open
// reviews and ends their review, so no reminder goes to them. A cycle that
// already knows is not told again. The departure names actor, who the
// audit log records excusing the reviews. It returns how many cycles were
// told.
func (s *Server) tellCyclesMemberLeft(ctx context.Context, panelID, memberID int64, actor string) (int, *Problem) {
	cycles, err := s.deps.Store.RunningCycles(ctx, panelID)
	if err != nil {
		slog.Error("running cycles", "panel", panelID, "error", err)
		p := serverProblem
		return 0, &p
	}
	told := 0
	for _, cr := range cycles {
		st, err := s.statusOf(ctx, cr)
		if err != nil {
			slog.Error("member left: cycle status", "cycle", cr.ID, "error", err)
			return told, &Problem{Status: http.StatusServiceUnavailable, Title: "Not every cycle was told",
				Detail: fmt.Sprintf("The member's access has ended, but cycle %d did not answer. Please make the change again in a moment.", cr.ID)}
		}
		if slices.ContainsFunc(st.Members, func(m cycle.MemberStatus) bool { return m.MemberID == memberID && m.Left }) {
			continue
		}
		if p := s.runUpdate(ctx, cr.WorkflowID, cycle.UpdateMemberLeft, cycle.MemberLeftRequest{MemberID: memberID, By: actor}, nil); p != nil {
			p.Detail = fmt.Sprintf("The member's access has ended, but cycle %d was not told: %s", cr.ID, p.Detail)
			return told, p
		}
		told++
	}
	return told, nil
}

// reissueMemberLink moves the member's link epoch on, so every personal
// link they were sent stops working, and emails them a new one for each
// cycle still open to them. It returns how many links were sent; with no
// cycle open there is nothing to send, and the next cycle's emails carry
// the new links.
func (s *Server) reissueMemberLink(ctx context.Context, memberID int64, actor string) (int, error) {
	m, err := s.deps.Store.PanelMember(ctx, memberID)
	if err != nil {
		return 0, err
	}
	epoch, err := s.deps.Store.ReissueMemberLink(ctx, memberID, actor)
	if err != nil {
		return 0, err
	}
	open, err := s.deps.Store.LinkCycles(ctx, memberID)
	if err != nil {
		return 0, err
	}
	lang, bilingual, err := s.deps.Store.MemberLanguage(ctx, memberID)
	if err != nil {
		return 0, err
	}
	for _, lc := range open {
		link := s.deps.Config.PublicURL + "/m/" + s.links.Token(links.Claims{MemberID: memberID, CycleID: lc.CycleID, Expires: lc.AccessRevoked, Epoch: epoch})
		subject, body, err := mailtext.Render("member-link", map[string]any{"Panel": lc.Panel, "Name": m.Name, "Link": link,
			"Expires": lc.AccessRevoked, "Coordinator": lc.Coordinator, "Lang": lang, "Bilingual": bilingual})
		if err != nil {
			return 0, err
		}
		if err := s.sendMail(ctx, store.Mail{Key: fmt.Sprintf("member-link/%d/%d/%d", memberID, lc.CycleID, epoch), ToAddress: m.Email, ToName: m.Name,
			MemberID: &memberID, Subject: subject, BodyText: body}); err != nil {
			return 0, err
		}
	}
	return len(open), nil
}
