package cycleflow

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/lsip/scrutiny/calendar"
	"github.com/lsip/scrutiny/cycle"
	"github.com/lsip/scrutiny/outbox"
	"github.com/lsip/scrutiny/store"
)

// SaveMeeting stores the meeting. The invite sequence rises only when
// something a calendar shows has changed.
func (a *Activities) SaveMeeting(ctx context.Context, cycleID int64, m cycle.Meeting) (SavedMeeting, error) {
	id, seq, err := a.Store.SaveMeeting(ctx, cycleID, meetingPlan(m))
	return SavedMeeting{MeetingID: id, Sequence: seq}, err
}

// meetingPlan is the meeting as the store records it.
func meetingPlan(m cycle.Meeting) store.MeetingPlan {
	return store.MeetingPlan{Start: m.Start, End: m.End, Location: m.Location, OnlineLink: m.OnlineLink}
}

// QueueInvites queues the current invite (or, with cancel, the
// cancellation) to every active member.
func (a *Activities) QueueInvites(ctx context.Context, cycleID int64, cancel bool) ([]outbox.Ref, error) {
	return a.queueInvites(ctx, cycleID, cancel, "")
}

// queueInvites queues each active member a calendar invite for the
// meeting: METHOD:REQUEST keyed by sequence, so each version goes exactly
// once, or METHOD:CANCEL with a plain notice giving the reason, once per
// member. A cycle without a meeting has nothing to cancel.
func (a *Activities) queueInvites(ctx context.Context, cycleID int64, cancel bool, reason string) ([]outbox.Ref, error) {
	c, err := a.loadCycle(ctx, cycleID)
	if err != nil {
		return nil, err
	}
	uid, seq, err := a.Store.MeetingInvite(ctx, cycleID)
	if cancel && errors.Is(err, store.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	members, err := a.Store.ActiveMembers(ctx, c.PanelID, false)
	if err != nil {
		return nil, err
	}
	method := "REQUEST"
	if cancel {
		method = "CANCEL"
	}
	// The stored schedule still has the old dates when a changed meeting is
	// announced, but every date keeps its distance from the meeting, so
	// the new review deadline follows from the new start.
	var deadline *time.Time
	if !c.Dates.Meeting.IsZero() {
		d := c.MeetingStart.Add(c.Dates.ReviewsDue.Sub(c.Dates.Meeting))
		deadline = &d
	}
	var refs []outbox.Ref
	for _, m := range members {
		ics := calendar.Event{
			UID: uid, Sequence: seq, Method: method, Start: *c.MeetingStart, End: *c.MeetingEnd,
			Summary: c.PanelName + " meeting", Location: c.MeetingPlace(), URL: c.MeetingOnlineLink,
			Description: "Meeting of the " + c.PanelName + ". Your review pack and personal page are sent separately.",
			Organizer:   calendar.Person{Name: c.CoordinatorName, Email: c.CoordinatorEmail},
			Attendees:   []calendar.Person{{Name: m.Name, Email: m.Email}}, Stamp: time.Now(),
		}.ICS()
		subject, body, err := a.renderFor(ctx, m.ID, "invite", map[string]any{
			"Panel": c.PanelName, "Name": m.Name, "Start": *c.MeetingStart, "End": *c.MeetingEnd,
			"Location": c.MeetingLocation, "OnlineLink": c.MeetingOnlineLink, "Sequence": seq, "Cancelled": cancel, "Reason": reason, "Deadline": deadline,
			"Link": a.memberLink(m, c.ID, c.Dates.AccessRevoked), "Coordinator": c.CoordinatorName,
		})
		if err != nil {
			return nil, err
		}
		key := fmt.Sprintf("invite/%d/%d/%d", c.ID, m.ID, seq)
		if cancel {
			key = fmt.Sprintf("invite-cancel/%d/%d", c.ID, m.ID)
		}
		ref, err := c.queue(ctx, a.Store, key, m, subject, body, nil, string(ics))
		if err != nil {
			return nil, err
		}
		refs = append(refs, ref)
	}
	return refs, nil
}
