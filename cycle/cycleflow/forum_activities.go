package cycleflow

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"go.temporal.io/sdk/temporal"

	"github.com/lsip/scrutiny/calendar"
	"github.com/lsip/scrutiny/cycle"
	"github.com/lsip/scrutiny/domain"
	"github.com/lsip/scrutiny/outbox"
	"github.com/lsip/scrutiny/store"
	"github.com/lsip/scrutiny/uktime"
	"github.com/lsip/scrutiny/workbook"
)

// A forum's activities: its agenda, its invitations and its minutes.

// AgendaInput sets a forum cycle's agenda.
type AgendaInput struct {
	CycleID int64              `json:"cycle_id"`
	Items   []cycle.AgendaItem `json:"items"`
	By      string             `json:"by"`
}

// AgendaNotesInput records the discussion of one agenda item.
type AgendaNotesInput struct {
	CycleID int64 `json:"cycle_id"`
	cycle.AgendaNotes
}

// SaveAgenda stores the agenda in place of the cycle's last one. Setting
// the same agenda again (a retry) changes nothing.
func (a *Activities) SaveAgenda(ctx context.Context, in AgendaInput) error {
	items := make([]store.AgendaItem, len(in.Items))
	for i, it := range in.Items {
		items[i] = store.AgendaItem{Title: strings.TrimSpace(it.Title), Lead: strings.TrimSpace(it.Lead), Minutes: it.Minutes}
	}
	return a.Store.SetAgenda(ctx, in.CycleID, items, in.By)
}

// SaveAgendaNotes records an item's discussion. An item that is not on the
// agenda is refused for good: no retry can mend it.
func (a *Activities) SaveAgendaNotes(ctx context.Context, in AgendaNotesInput) error {
	err := a.Store.SetAgendaNotes(ctx, in.CycleID, in.Item, strings.TrimSpace(in.Notes), in.By)
	if errors.Is(err, store.ErrNotFound) {
		return temporal.NewNonRetryableApplicationError(fmt.Sprintf("item %d is not on the agenda", in.Item), "NotFound", err)
	}
	return err
}

// QueueForumInvites queues each active member a forum's invitation, with
// the agenda and a calendar invitation (METHOD:REQUEST keyed by sequence,
// so each version goes exactly once). With cancel it queues the
// cancellation, as for a panel.
func (a *Activities) QueueForumInvites(ctx context.Context, cycleID int64, cancel bool) ([]outbox.Ref, error) {
	if cancel {
		return a.queueInvites(ctx, cycleID, true, "")
	}
	c, err := a.loadCycle(ctx, cycleID)
	if err != nil {
		return nil, err
	}
	uid, seq, err := a.Store.MeetingInvite(ctx, cycleID)
	if err != nil {
		return nil, err
	}
	agenda, err := a.Store.Agenda(ctx, cycleID)
	if err != nil {
		return nil, err
	}
	members, err := a.Store.ActiveMembers(ctx, c.PanelID, false)
	if err != nil {
		return nil, err
	}
	description := "Meeting of the " + c.PanelName + "."
	for _, it := range agenda {
		description += fmt.Sprintf("\n%d. %s", it.Position, it.Title)
	}
	var refs []outbox.Ref
	for _, m := range members {
		ics := calendar.Event{
			UID: uid, Sequence: seq, Method: "REQUEST", Start: *c.MeetingStart, End: *c.MeetingEnd,
			Summary: c.PanelName + " meeting", Location: c.MeetingPlace(), URL: c.MeetingOnlineLink, Description: description,
			Organizer: calendar.Person{Name: c.CoordinatorName, Email: c.CoordinatorEmail},
			Attendees: []calendar.Person{{Name: m.Name, Email: m.Email}}, Stamp: time.Now(),
		}.ICS()
		subject, body, err := a.renderFor(ctx, m.ID, "forum_invite", map[string]any{
			"Panel": c.PanelName, "Name": m.Name, "Start": *c.MeetingStart, "End": *c.MeetingEnd,
			"Location": c.MeetingLocation, "OnlineLink": c.MeetingOnlineLink, "Sequence": seq, "Agenda": agenda,
			"Link": a.memberLink(m, c.ID, c.Dates.AccessRevoked), "Coordinator": c.CoordinatorName,
		})
		if err != nil {
			return nil, err
		}
		ref, err := c.queue(ctx, a.Store, fmt.Sprintf("invite/%d/%d/%d", c.ID, m.ID, seq), m, subject, body, nil, string(ics))
		if err != nil {
			return nil, err
		}
		refs = append(refs, ref)
	}
	return refs, nil
}

// forumMinutes builds a forum's minutes workbook from the record.
func (a *Activities) forumMinutes(ctx context.Context, c cycleInfo, status string) (workbook.ForumMinutes, []byte, error) {
	m := workbook.ForumMinutes{PanelName: c.PanelName, AreaName: c.AreaName, CycleRef: c.WorkflowID, Meeting: c.Meeting(), Status: status}
	attendance, err := a.Store.MinutesAttendance(ctx, c.ID, c.PanelID)
	if err != nil {
		return m, nil, err
	}
	m.Attendance = convert(attendance, func(x store.Attendee) workbook.Attendee { return workbook.Attendee(x) })
	agenda, err := a.Store.Agenda(ctx, c.ID)
	if err != nil {
		return m, nil, err
	}
	m.Agenda = convert(agenda, func(x store.AgendaItem) workbook.AgendaItem {
		return workbook.AgendaItem{Title: x.Title, Lead: x.Lead, Minutes: x.Minutes, Notes: x.Notes}
	})
	points, err := a.Store.LearningPoints(ctx, c.ID)
	if err != nil {
		return m, nil, err
	}
	m.KeyMessages = convert(points, func(x store.MinutesLearningPoint) workbook.LearningPoint { return workbook.LearningPoint(x) })
	actions, err := a.Store.AgreedActions(ctx, c.ID)
	if err != nil {
		return m, nil, err
	}
	m.Actions = convert(actions, func(x store.MinutesAction) workbook.ActionRow { return workbook.ActionRow(x) })
	matters, err := a.Store.MattersArising(ctx, c.PanelID, c.ID)
	if err != nil {
		return m, nil, err
	}
	m.MattersArising = convert(matters, func(x domain.MatterArising) workbook.ActionItem { return workbook.ActionItem(x) })
	data, err := workbook.BuildForumMinutes(m)
	return m, data, err
}

// draftForumMinutes is DraftMinutes for a forum.
func (a *Activities) draftForumMinutes(ctx context.Context, c cycleInfo) (int64, error) {
	_, data, err := a.forumMinutes(ctx, c, "DRAFT: for the chair's approval")
	if err != nil {
		return 0, err
	}
	return a.Store.SaveFile(ctx, store.File{Kind: domain.FileMinutes, CycleID: &c.ID, Filename: fmt.Sprintf("minutes-%d-draft.xlsx", c.ID), ContentType: workbook.ContentType, Content: data})
}

// storeIssuedForumMinutes is storeIssuedMinutes for a forum: the minutes,
// and the public key messages made from its key messages.
func (a *Activities) storeIssuedForumMinutes(ctx context.Context, tx *store.Tx, c cycleInfo, filename, approvedBy string) (int64, error) {
	m, data, err := a.forumMinutes(ctx, c, "Issued "+uktime.Date(time.Now())+", approved by the chair")
	if err != nil {
		return 0, err
	}
	fileID, err := tx.SaveFile(ctx, store.File{Kind: domain.FileMinutes, CycleID: &c.ID, Filename: filename, ContentType: workbook.ContentType, Content: data})
	if err != nil {
		return 0, err
	}
	km, err := workbook.BuildForumKeyMessages(workbook.KeyMessages{PanelName: c.PanelName, AreaName: c.AreaName, Meeting: c.Meeting(), LearningPoints: m.KeyMessages})
	if err != nil {
		return 0, err
	}
	if _, err := tx.SaveFile(ctx, store.File{Kind: domain.FileKeyMessages, CycleID: &c.ID, Filename: fmt.Sprintf("key-messages-%d.xlsx", c.ID), ContentType: workbook.ContentType, Content: km}); err != nil {
		return 0, err
	}
	return fileID, tx.Audit(ctx, approvedBy, "minutes_issued", "cycle", strconv.FormatInt(c.ID, 10), map[string]any{"file_id": fileID, "approved_by": approvedBy})
}
