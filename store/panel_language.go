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

// PersonLanguage is the language known for the person at an email address
// (ignoring case), other than as the owner of action exceptAction: theirs
// as a panel member, or else as the owner of another action, the most
// recent first. ok is false when nobody at the address is known.
func (q *Queries) PersonLanguage(ctx context.Context, email string, exceptAction int64) (lang string, ok bool, err error) {
	err = q.db.QueryRow(ctx, `SELECT lang FROM (
			SELECT language AS lang, 0 AS rank, created_at AS at FROM members WHERE lower(email) = lower($1)
			UNION ALL
			SELECT owner_language, 1, updated_at FROM actions WHERE lower(owner_email) = lower($1) AND id <> $2
		) known ORDER BY rank, at DESC LIMIT 1`, email, exceptAction).Scan(&lang)
	if errors.Is(err, pgx.ErrNoRows) {
		return "", false, nil
	}
	if err != nil {
		return "", false, fmt.Errorf("language known for an address: %w", err)
	}
	return lang, true, nil
}

// SetActionOwnerLanguage records the language of an action's owner as a
// reassignment left it, unless a later change is stored already (the
// change numbered seq must be the action's last), so a late retry of an
// older reassignment cannot undo a newer one.
func (q *Queries) SetActionOwnerLanguage(ctx context.Context, actionID int64, seq int, lang string) error {
	if _, err := q.db.Exec(ctx, `UPDATE actions SET owner_language = $3 WHERE id = $1 AND last_event_seq = $2`, actionID, seq, lang); err != nil {
		return fmt.Errorf("owner language of action %d: %w", actionID, err)
	}
	return nil
}
