package store

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
)

// LinkPurpose is why a single-use account link was issued. Each purpose
// ends the same way, with the person choosing a password.
type LinkPurpose string

const (
	// LinkFirstSignIn is the link the command line prints for the first
	// admin of a fresh installation.
	LinkFirstSignIn LinkPurpose = "first_sign_in"
	// LinkInvitation is sent to a new staff member by an admin.
	LinkInvitation LinkPurpose = "invitation"
	// LinkReset is sent to someone who has forgotten their password.
	LinkReset LinkPurpose = "reset"
)

// The ways an account link can fail, worded for the person holding it.
var (
	ErrLinkUnknown = errors.New("this link is not valid; ask for a new one")
	ErrLinkUsed    = errors.New("this link has already been used; ask for a new one if you still need it")
	ErrLinkExpired = errors.New("this link has expired; ask for a new one")
)

// IssueAccountLink makes a single-use link token for the user that stops
// working after ttl, and stores only its hash. Issuing a new link for the
// same purpose retires the user's earlier unused ones, so only the latest
// email works.
func (s *Store) IssueAccountLink(ctx context.Context, userID int64, purpose LinkPurpose, ttl time.Duration, createdBy string) (string, error) {
	var token string
	err := s.InTx(ctx, func(tx *Tx) error {
		var err error
		token, err = tx.issueAccountLink(ctx, userID, purpose, ttl, createdBy)
		return err
	})
	return token, err
}

// issueAccountLink is IssueAccountLink inside the caller's transaction.
func (q *Queries) issueAccountLink(ctx context.Context, userID int64, purpose LinkPurpose, ttl time.Duration, createdBy string) (string, error) {
	token := "acl_" + randomToken()
	sum := sha256.Sum256([]byte(token))
	if _, err := q.db.Exec(ctx, `UPDATE account_links SET used_at = now()
		WHERE user_id = $1 AND purpose = $2 AND used_at IS NULL`, userID, purpose); err != nil {
		return "", fmt.Errorf("issue %s link for user %d: %w", purpose, userID, err)
	}
	if _, err := q.db.Exec(ctx, `INSERT INTO account_links (token_hash, user_id, purpose, created_by, expires_at)
		VALUES ($1, $2, $3, $4, now() + $5::interval)`, sum[:], userID, purpose, createdBy, ttl.String()); err != nil {
		return "", fmt.Errorf("issue %s link for user %d: %w", purpose, userID, err)
	}
	if err := q.Audit(ctx, createdBy, "account_link_issued", "user", fmt.Sprint(userID), map[string]any{"purpose": string(purpose)}); err != nil {
		return "", err
	}
	return token, nil
}

// AccountLink is a live link's holder and purpose.
type AccountLink struct {
	User    User
	Purpose LinkPurpose
}

// PeekAccountLink reports whose a link is without using it up, so the
// page can greet the person before they choose a password.
func (q *Queries) PeekAccountLink(ctx context.Context, token string) (AccountLink, error) {
	return q.accountLink(ctx, token, false)
}

// UseAccountLink sets the password of the link's holder and uses the link
// up, in one transaction: a second use, or a use after expiry, fails
// with ErrLinkUsed or ErrLinkExpired and changes nothing. The password
// must already have passed the policy (package passwords).
func (s *Store) UseAccountLink(ctx context.Context, token, password string) (User, error) {
	var l AccountLink
	err := s.InTx(ctx, func(tx *Tx) error {
		var err error
		if l, err = tx.accountLink(ctx, token, true); err != nil {
			return err
		}
		sum := sha256.Sum256([]byte(token))
		if _, err := tx.db.Exec(ctx, `UPDATE account_links SET used_at = now() WHERE token_hash = $1`, sum[:]); err != nil {
			return err
		}
		if err := tx.SetPassword(ctx, l.User.ID, password); err != nil {
			return err
		}
		return tx.Audit(ctx, l.User.Email, "password_set", "user", fmt.Sprint(l.User.ID), map[string]any{"purpose": string(l.Purpose)})
	})
	return l.User, err
}

// accountLink loads a link's holder, refusing one that is unknown, used,
// expired or whose holder is inactive. lock holds the row until the
// transaction ends, so two tabs cannot both use it.
func (q *Queries) accountLink(ctx context.Context, token string, lock bool) (AccountLink, error) {
	sum := sha256.Sum256([]byte(token))
	sql := `SELECT u.id, u.name, u.email, u.role, u.area_id,
			coalesce((SELECT array_agg(panel_id ORDER BY panel_id) FROM user_panels WHERE user_id = u.id), '{}'),
			l.purpose, l.used_at IS NOT NULL, l.expires_at <= now()
		FROM account_links l JOIN users u ON u.id = l.user_id
		WHERE l.token_hash = $1 AND u.active`
	if lock {
		sql += ` FOR UPDATE OF l`
	}
	var l AccountLink
	var used, expired bool
	err := q.db.QueryRow(ctx, sql, sum[:]).Scan(&l.User.ID, &l.User.Name, &l.User.Email, &l.User.Role, &l.User.AreaID, &l.User.PanelIDs, &l.Purpose, &used, &expired)
	switch {
	case errors.Is(err, pgx.ErrNoRows):
		return l, ErrLinkUnknown
	case err != nil:
		return l, fmt.Errorf("load account link: %w", err)
	case used:
		return l, ErrLinkUsed
	case expired:
		return l, ErrLinkExpired
	}
	return l, nil
}
