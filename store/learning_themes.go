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
		`SELECT code, label, built_in, created_by, created_at FROM learning_themes ORDER BY NOT built_in, label`)
}

// AddLearningTheme adds a theme to the shared list, noting the admin who
// added it. A code or label (ignoring case) already used is ErrThemeExists.
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
