package store

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/lsip/scrutiny/domain"
)

// ErrThemeExists is returned when a new learning theme's code or label is
// already on the list.
var ErrThemeExists = errors.New("a theme with this code or label already exists")

// LearningThemes is the shared list of learning themes: the built-in ones
// first, then those admins added, each by label.
func (q *Queries) LearningThemes(ctx context.Context) ([]domain.LearningTheme, error) {
	return queryAll(ctx, q.db, "learning themes", pgx.RowToStructByPos[domain.LearningTheme],
		`SELECT code, label, coalesce(label_cy, ''), built_in, created_by, created_at FROM learning_themes ORDER BY NOT built_in, label`)
}

// AddLearningTheme adds a theme to the shared list, noting the admin who
// added it. A code or label (ignoring case) already used is ErrThemeExists.
// Its Welsh name, if it has one, is set with SetLearningThemeWelsh.
func (q *Queries) AddLearningTheme(ctx context.Context, code, label, by string) error {
	_, err := q.db.Exec(ctx, `INSERT INTO learning_themes (code, label, created_by) VALUES ($1, $2, $3)`, code, label, by)
	if _, ok := IsUniqueViolation(err); ok {
		return ErrThemeExists
	}
	if err != nil {
		return fmt.Errorf("add learning theme %s: %w", code, err)
	}
	return nil
}

// SetLearningThemeWelsh gives an admin-added theme its Welsh name, shown
// to readers who prefer Welsh in place of the English one. A built-in
// theme's Welsh name is in the message catalogue, so a code that is not
// an added theme is ErrNotFound.
func (q *Queries) SetLearningThemeWelsh(ctx context.Context, code, welsh string) error {
	tag, err := q.db.Exec(ctx, `UPDATE learning_themes SET label_cy = $2 WHERE code = $1 AND NOT built_in`, code, welsh)
	if err != nil {
		return fmt.Errorf("set learning theme %s's Welsh name: %w", code, err)
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("learning theme %s: %w", code, ErrNotFound)
	}
	return nil
}
