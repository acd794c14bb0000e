package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/lsip/scrutiny/domain"
)

// ErrNotOnPanel means a member named for a cycle is not on its panel.
var ErrNotOnPanel = errors.New("not on this panel")

// MeetingPlan is when and where a cycle's meeting is.
type MeetingPlan struct {
	Start, End           time.Time
	Location, OnlineLink string
}

// SaveMeeting stores the cycle's meeting and returns its ID and invite
// sequence number. The sequence rises only when something a calendar shows
// has changed.
func (q *Queries) SaveMeeting(ctx context.Context, cycleID int64, m MeetingPlan) (id int64, sequence int, err error) {
	err = q.db.QueryRow(ctx, `INSERT INTO meetings (cycle_id, starts_at, ends_at, location, online_link, ics_uid)
		VALUES ($1::bigint, $2, $3, $4, $5, 'cycle-' || $1::bigint || '@scrutiny')
		ON CONFLICT (cycle_id) DO UPDATE SET starts_at = EXCLUDED.starts_at, ends_at = EXCLUDED.ends_at,
			location = EXCLUDED.location, online_link = EXCLUDED.online_link,
			ics_sequence = meetings.ics_sequence + CASE WHEN (meetings.starts_at, meetings.ends_at, meetings.location, meetings.online_link)
				IS DISTINCT FROM (EXCLUDED.starts_at, EXCLUDED.ends_at, EXCLUDED.location, EXCLUDED.online_link) THEN 1 ELSE 0 END
		RETURNING id, ics_sequence`, cycleID, m.Start, m.End, m.Location, m.OnlineLink).Scan(&id, &sequence)
	if err != nil {
		return 0, 0, fmt.Errorf("save meeting of cycle %d: %w", cycleID, err)
	}
	return id, sequence, nil
}

// MeetingInvite is the calendar UID and current sequence number of the
// cycle's meeting, or ErrNotFound when it has none.
func (q *Queries) MeetingInvite(ctx context.Context, cycleID int64) (uid string, sequence int, err error) {
	err = q.db.QueryRow(ctx, `SELECT ics_uid, ics_sequence FROM meetings WHERE cycle_id = $1`, cycleID).Scan(&uid, &sequence)
	if errors.Is(err, pgx.ErrNoRows) {
		err = ErrNotFound
	}
	if err != nil {
		return "", 0, fmt.Errorf("meeting of cycle %d: %w", cycleID, err)
	}
	return uid, sequence, nil
}

// CancelMeeting marks the cycle's meeting cancelled and raises its invite
// sequence, so calendars take the cancellation.
func (q *Queries) CancelMeeting(ctx context.Context, cycleID int64) error {
	if _, err := q.db.Exec(ctx, `UPDATE meetings SET status = $2, ics_sequence = ics_sequence + 1 WHERE cycle_id = $1`, cycleID, domain.MeetingCancelled); err != nil {
		return fmt.Errorf("cancel meeting of cycle %d: %w", cycleID, err)
	}
	return nil
}

// RecordAttendance records whether a member was present, sent apologies or
// was absent, replacing any earlier entry. It returns ErrNotFound when the
// cycle has no meeting.
func (q *Queries) RecordAttendance(ctx context.Context, cycleID, memberID int64, status string) error {
	var meetingID, panelID int64
	err := q.db.QueryRow(ctx, `SELECT m.id, cy.panel_id FROM meetings m JOIN cycles cy ON cy.id = m.cycle_id WHERE m.cycle_id = $1`, cycleID).Scan(&meetingID, &panelID)
	if errors.Is(err, pgx.ErrNoRows) {
		err = ErrNotFound
	}
	if err != nil {
		return fmt.Errorf("attendance of member %d in cycle %d: %w", memberID, cycleID, err)
	}
	tag, err := q.db.Exec(ctx, `INSERT INTO attendance (meeting_id, member_id, status) SELECT $1, id, $3 FROM members WHERE id = $2 AND panel_id = $4
		ON CONFLICT (meeting_id, member_id) DO UPDATE SET status = EXCLUDED.status`, meetingID, memberID, status, panelID)
	if err == nil && tag.RowsAffected() == 0 {
		err = ErrNotOnPanel
	}
	if err != nil {
		return fmt.Errorf("attendance of member %d in cycle %d: %w", memberID, cycleID, err)
	}
	return nil
}
