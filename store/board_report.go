package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
)

// BoardReportSettings are the six-monthly Board report's settings: who
// receives it, and when it runs (in FirstMonth and six months later, on
// DayOfMonth).
type BoardReportSettings struct {
	Recipients             []string
	DayOfMonth, FirstMonth int
	UpdatedBy              string
	UpdatedAt              time.Time
}

// BoardReport returns the Board report's settings, or ErrNotFound before
// an admin has set it up.
func (q *Queries) BoardReport(ctx context.Context) (BoardReportSettings, error) {
	var s BoardReportSettings
	err := q.db.QueryRow(ctx, `SELECT recipients, day_of_month, first_month, updated_by, updated_at FROM board_report_settings`).
		Scan(&s.Recipients, &s.DayOfMonth, &s.FirstMonth, &s.UpdatedBy, &s.UpdatedAt)
	if errors.Is(err, pgx.ErrNoRows) {
		return s, ErrNotFound
	}
	if err != nil {
		return s, fmt.Errorf("board report settings: %w", err)
	}
	return s, nil
}

// SaveBoardReport stores the Board report's settings, replacing any.
func (q *Queries) SaveBoardReport(ctx context.Context, s BoardReportSettings) error {
	_, err := q.db.Exec(ctx, `INSERT INTO board_report_settings (recipients, day_of_month, first_month, updated_by) VALUES ($1, $2, $3, $4)
		ON CONFLICT (id) DO UPDATE SET recipients = EXCLUDED.recipients, day_of_month = EXCLUDED.day_of_month,
			first_month = EXCLUDED.first_month, updated_by = EXCLUDED.updated_by, updated_at = now()`,
		s.Recipients, s.DayOfMonth, s.FirstMonth, s.UpdatedBy)
	if err != nil {
		return fmt.Errorf("save board report settings: %w", err)
	}
	return nil
}
