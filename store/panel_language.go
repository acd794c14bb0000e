package store

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"
)

// MemberLanguage is the language a panel member's emails and pages are
// written in ("en" or "cy"), and whether their panel writes its emails in
// Welsh then English to everyone.
func (q *Queries) MemberLanguage(ctx context.Context, memberID int64) (lang string, bilingual bool, err error) {
	err = q.db.QueryRow(ctx, `SELECT m.language, p.bilingual FROM members m JOIN panels p ON p.id = m.panel_id WHERE m.id = $1`,
		memberID).Scan(&lang, &bilingual)
	if errors.Is(err, pgx.ErrNoRows) {
		return "", false, ErrNotFound
	}
	if err != nil {
		return "", false, fmt.Errorf("language of member %d: %w", memberID, err)
	}
	return lang, bilingual, nil
}

// ActionOwnerLanguage is the language an action's owner is written to in.
func (q *Queries) ActionOwnerLanguage(ctx context.Context, actionID int64) (string, error) {
	var lang string
	err := q.db.QueryRow(ctx, `SELECT owner_language FROM actions WHERE id = $1`, actionID).Scan(&lang)
	if errors.Is(err, pgx.ErrNoRows) {
		return "", ErrNotFound
	}
	if err != nil {
		return "", fmt.Errorf("owner language of action %d: %w", actionID, err)
	}
	return lang, nil
}

// AreaBilingual reports whether any open panel of the Area writes in Welsh
// then English: then the Area's community updates go out in both languages
// to every group, as its panels' emails do.
func (q *Queries) AreaBilingual(ctx context.Context, areaID int16) (bool, error) {
	var bilingual bool
	err := q.db.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM panels WHERE area_id = $1 AND active AND bilingual)`, areaID).Scan(&bilingual)
	if err != nil {
		return false, fmt.Errorf("whether Area %d is bilingual: %w", areaID, err)
	}
	return bilingual, nil
}
