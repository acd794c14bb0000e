package store

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"
)

// CycleSchedule is a panel's recurring review cycle: the calendar its
// Temporal Schedule runs on (the first Weekday of every EveryMonths-th
// month from FirstMonth, at RunAt, UK time) and what each run starts a
// cycle with. Times of day are minutes after midnight, UK time.
type CycleSchedule struct {
	PanelID     int64
	EveryMonths int
	FirstMonth  time.Month
	Weekday     time.Weekday
	RunAt       int
	// WindowMonths is how many whole months of finalised cases, up to the
	// month of the run, each cycle reviews.
	WindowMonths int
	// The meeting is MeetingWeeks after the run, at MeetingAt, for
	// MeetingLength minutes.
	MeetingWeeks, MeetingAt, MeetingLength int
	Location, OnlineLink, Theme            string
	Quotas                                 map[string]int
	// Owner is the coordinator who set the schedule up, as whom each run
	// starts its cycle; OwnerActive says whether their account still is.
	Owner       User
	OwnerActive bool
	CreatedAt   time.Time
}

// SaveCycleSchedule stores the panel's recurring cycle, replacing any
// earlier one, with cs.Owner.ID as its owner, and audits it.
func (s *Store) SaveCycleSchedule(ctx context.Context, cs CycleSchedule, actor string) error {
	return s.InTx(ctx, func(tx *Tx) error {
		if _, err := tx.db.Exec(ctx, `INSERT INTO cycle_schedules (panel_id, created_by, every_months, first_month, weekday, run_minute,
				window_months, meeting_weeks, meeting_minute, meeting_length, location, online_link, theme, quotas)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)
			ON CONFLICT (panel_id) DO UPDATE SET created_by = $2, every_months = $3, first_month = $4, weekday = $5, run_minute = $6,
				window_months = $7, meeting_weeks = $8, meeting_minute = $9, meeting_length = $10, location = $11, online_link = $12,
				theme = $13, quotas = $14, created_at = now()`,
			cs.PanelID, cs.Owner.ID, cs.EveryMonths, int(cs.FirstMonth), int(cs.Weekday), cs.RunAt, cs.WindowMonths, cs.MeetingWeeks,
			cs.MeetingAt, cs.MeetingLength, cs.Location, cs.OnlineLink, cs.Theme, cs.Quotas); err != nil {
			return fmt.Errorf("save cycle schedule of panel %d: %w", cs.PanelID, err)
		}
		return tx.Audit(ctx, actor, "cycle_schedule_created", "panel", strconv.FormatInt(cs.PanelID, 10),
			map[string]any{"every_months": cs.EveryMonths, "window_months": cs.WindowMonths, "meeting_weeks": cs.MeetingWeeks})
	})
}

// CycleScheduleOf is the panel's recurring cycle, with its owner;
// ErrNotFound when it has none.
func (q *Queries) CycleScheduleOf(ctx context.Context, panelID int64) (CycleSchedule, error) {
	var cs CycleSchedule
	var month, weekday int
	err := scanUser(q.db.QueryRow(ctx, `SELECT `+userColumns+`, u.active, s.panel_id, s.every_months, s.first_month, s.weekday, s.run_minute,
			s.window_months, s.meeting_weeks, s.meeting_minute, s.meeting_length, s.location, s.online_link, s.theme, s.quotas, s.created_at
		FROM cycle_schedules s JOIN users u ON u.id = s.created_by WHERE s.panel_id = $1`, panelID),
		&cs.Owner, &cs.OwnerActive, &cs.PanelID, &cs.EveryMonths, &month, &weekday, &cs.RunAt, &cs.WindowMonths, &cs.MeetingWeeks,
		&cs.MeetingAt, &cs.MeetingLength, &cs.Location, &cs.OnlineLink, &cs.Theme, &cs.Quotas, &cs.CreatedAt)
	if errors.Is(err, pgx.ErrNoRows) {
		return cs, fmt.Errorf("cycle schedule of panel %d: %w", panelID, ErrNotFound)
	}
	if err != nil {
		return cs, fmt.Errorf("cycle schedule of panel %d: %w", panelID, err)
	}
	cs.FirstMonth, cs.Weekday = time.Month(month), time.Weekday(weekday)
	return cs, nil
}

// DeleteCycleSchedule removes the panel's recurring cycle and audits it;
// removing one that is already gone is not an error, so a retried delete
// succeeds.
func (s *Store) DeleteCycleSchedule(ctx context.Context, panelID int64, actor string) error {
	return s.InTx(ctx, func(tx *Tx) error {
		tag, err := tx.db.Exec(ctx, `DELETE FROM cycle_schedules WHERE panel_id = $1`, panelID)
		if err != nil {
			return fmt.Errorf("delete cycle schedule of panel %d: %w", panelID, err)
		}
		return tx.Audit(ctx, actor, "cycle_schedule_deleted", "panel", strconv.FormatInt(panelID, 10), map[string]any{"rows": tag.RowsAffected()})
	})
}
