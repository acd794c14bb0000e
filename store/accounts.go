package store

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
	"golang.org/x/crypto/bcrypt"

	"github.com/lsip/scrutiny/domain"
)

// User is a staff account with its scope: the panels a coordinator or chair
// works with, or the Area a manager oversees. Admins see everything.
type User struct {
	ID       int64
	Name     string
	Email    string
	Role     domain.StaffRole
	AreaID   *int16
	PanelIDs []int64
}

// CreateUser stores a staff account with its panels.
func (s *Store) CreateUser(ctx context.Context, u User) (int64, error) {
	var id int64
	err := s.InTx(ctx, func(tx *Tx) error {
		if err := tx.db.QueryRow(ctx, `INSERT INTO users (name, email, role, area_id) VALUES ($1, $2, $3, $4) RETURNING id`,
			u.Name, u.Email, u.Role, u.AreaID).Scan(&id); err != nil {
			return err
		}
		_, err := tx.db.Exec(ctx, `INSERT INTO user_panels (user_id, panel_id) SELECT $1, unnest($2::bigint[])`, id, u.PanelIDs)
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("create user %s: %w", u.Email, err)
	}
	return id, nil
}

// IssueToken makes a new API token for a user and stores only its hash.
// The token is returned once and cannot be recovered.
func (q *Queries) IssueToken(ctx context.Context, userID int64, label string) (string, error) {
	token := "scr_" + randomToken()
	sum := sha256.Sum256([]byte(token))
	if _, err := q.db.Exec(ctx, `INSERT INTO api_tokens (user_id, token_hash, label) VALUES ($1, $2, $3)`, userID, sum[:], label); err != nil {
		return "", fmt.Errorf("issue token for user %d: %w", userID, err)
	}
	return token, nil
}

// UserIDByEmail finds a staff account by its address; ErrNotFound when
// there is none.
func (q *Queries) UserIDByEmail(ctx context.Context, email string) (int64, error) {
	var id int64
	err := q.db.QueryRow(ctx, `SELECT id FROM users WHERE email = $1`, email).Scan(&id)
	if errors.Is(err, pgx.ErrNoRows) {
		return 0, ErrNotFound
	}
	if err != nil {
		return 0, fmt.Errorf("user %s: %w", email, err)
	}
	return id, nil
}

// ActiveUserByEmail finds an active staff account by its address, in any
// case; ErrNotFound when there is none.
func (q *Queries) ActiveUserByEmail(ctx context.Context, email string) (User, error) {
	var u User
	err := scanUser(q.db.QueryRow(ctx, `SELECT `+userColumns+` FROM users u WHERE lower(u.email) = lower($1) AND u.active`, email), &u)
	if errors.Is(err, pgx.ErrNoRows) {
		return User{}, ErrNotFound
	}
	if err != nil {
		return User{}, fmt.Errorf("user %s: %w", email, err)
	}
	return u, nil
}

// RevokeTokens revokes every live API token with the label, as the dev
// stack does with its own tokens each time it starts.
func (q *Queries) RevokeTokens(ctx context.Context, label string) error {
	if _, err := q.db.Exec(ctx, `UPDATE api_tokens SET revoked_at = now() WHERE label = $1 AND revoked_at IS NULL`, label); err != nil {
		return fmt.Errorf("revoke %s tokens: %w", label, err)
	}
	return nil
}

// ErrBadToken means the token is unknown, revoked or its user inactive.
var ErrBadToken = errors.New("the token is not valid")

// UserByToken finds the active user a token belongs to. The stored hash is
// compared in constant time after the lookup. Each use is noted on the
// token (to the minute, lastUsedEvery) and written to the audit log by the
// lookup's own statement: every API request runs it, so it is one round
// trip to PostgreSQL rather than three.
//
// The statement's commit does not wait for the WAL to reach the disk
// (synchronous_commit off, for this transaction alone): the wait was most
// of the statement's time, and a disk flush for every API request. The
// audit row is still written, atomically with the lookup. What is risked
// is narrow: only a crash of PostgreSQL itself (not of scrutiny or the
// client) can lose such a row, only one committed in the last moments
// before it (at most three wal_writer_delay, 600 ms by default), and only
// for a request that wrote nothing after it: any later synchronous commit,
// such as the request's own change, flushes the WAL up to itself, this
// row included. It is a method of Store, not of Queries, so that it always
// commits on its own and never relaxes a caller's transaction.
func (s *Store) UserByToken(ctx context.Context, token string) (User, error) {
	sum := sha256.Sum256([]byte(token))
	var u User
	var stored []byte
	err := scanUser(s.pool.QueryRow(ctx, `WITH found AS (
			SELECT t.id, t.token_hash, t.user_id FROM api_tokens t JOIN users u ON u.id = t.user_id
			WHERE t.token_hash = $1 AND t.revoked_at IS NULL AND u.active),
		touched AS (
			UPDATE api_tokens SET last_used_at = now()
			WHERE id IN (SELECT id FROM found) AND (last_used_at IS NULL OR last_used_at < now() - `+lastUsedEvery+`)),
		used AS (
			INSERT INTO audit_log (actor, action, subject_type, subject_id)
			SELECT u.email, 'token_used', 'api_token', found.id::text FROM found JOIN users u ON u.id = found.user_id),
		unflushed AS (SELECT set_config('synchronous_commit', 'off', true))
		SELECT `+userColumns+`, found.token_hash FROM found JOIN users u ON u.id = found.user_id, unflushed`, sum[:]), &u, &stored)
	if errors.Is(err, pgx.ErrNoRows) || (err == nil && subtle.ConstantTimeCompare(stored, sum[:]) != 1) {
		return User{}, ErrBadToken
	}
	if err != nil {
		return User{}, fmt.Errorf("user by token: %w", err)
	}
	return u, nil
}

// SetPassword stores a bcrypt hash of the user's password.
func (q *Queries) SetPassword(ctx context.Context, userID int64, password string) error {
	hash, err := bcrypt.GenerateFromPassword([]byte(password), bcrypt.DefaultCost)
	if err != nil {
		return fmt.Errorf("set password of user %d: %w", userID, err)
	}
	if _, err := q.db.Exec(ctx, `UPDATE users SET password_hash = $2 WHERE id = $1`, userID, string(hash)); err != nil {
		return fmt.Errorf("set password of user %d: %w", userID, err)
	}
	return nil
}

// dummyHash is compared against when there is no account, made once.
var dummyHash = sync.OnceValue(func() []byte {
	h, _ := bcrypt.GenerateFromPassword([]byte("no account"), bcrypt.DefaultCost)
	return h
})

// randomToken is 32 random bytes, URL-safe: an API token, session cookie
// or CSRF token no one can guess.
func randomToken() string {
	raw := make([]byte, 32)
	rand.Read(raw)
	return base64.RawURLEncoding.EncodeToString(raw)
}

// TokenInfo is one of a person's API tokens as their tokens page lists
// it; the token itself is never shown again.
type TokenInfo struct {
	ID                    int64
	Label                 string
	CreatedAt             time.Time
	LastUsedAt, RevokedAt *time.Time
}

// CreateToken issues a token for the user and writes it to the audit log.
func (s *Store) CreateToken(ctx context.Context, u User, label string) (string, error) {
	var token string
	err := s.InTx(ctx, func(tx *Tx) error {
		var err error
		if token, err = tx.IssueToken(ctx, u.ID, label); err != nil {
			return err
		}
		return tx.Audit(ctx, u.Email, "token_issued", "user", fmt.Sprint(u.ID), nil)
	})
	return token, err
}

// TokensOf lists a user's tokens, newest first.
func (q *Queries) TokensOf(ctx context.Context, userID int64) ([]TokenInfo, error) {
	return queryAll(ctx, q.db, "list tokens", pgx.RowToStructByPos[TokenInfo],
		`SELECT id, label, created_at, last_used_at, revoked_at FROM api_tokens WHERE user_id = $1 ORDER BY created_at DESC, id DESC`, userID)
}

// RevokeToken revokes one of the user's own live tokens; ErrNotFound when
// they have no such live token.
func (s *Store) RevokeToken(ctx context.Context, u User, tokenID int64) error {
	return s.InTx(ctx, func(tx *Tx) error {
		tag, err := tx.db.Exec(ctx, `UPDATE api_tokens SET revoked_at = now() WHERE id = $1 AND user_id = $2 AND revoked_at IS NULL`, tokenID, u.ID)
		if err != nil {
			return fmt.Errorf("revoke token %d: %w", tokenID, err)
		}
		if tag.RowsAffected() == 0 {
			return ErrNotFound
		}
		return tx.Audit(ctx, u.Email, "token_revoked", "api_token", fmt.Sprint(tokenID), nil)
	})
}

// StaffAccount is a staff account as the admins' pages show it.
type StaffAccount struct {
	User
	Active, PasswordSet, SecondFactor bool
	CreatedAt                         time.Time
}

const staffColumns = userColumns + `, u.active, u.password_hash IS NOT NULL,
	EXISTS (SELECT 1 FROM user_totp t WHERE t.user_id = u.id AND t.confirmed_at IS NOT NULL), u.created_at`

func scanStaff(r pgx.Row) (StaffAccount, error) {
	var a StaffAccount
	err := scanUser(r, &a.User, &a.Active, &a.PasswordSet, &a.SecondFactor, &a.CreatedAt)
	return a, err
}

// StaffAccounts lists every staff account, active first, by name.
func (q *Queries) StaffAccounts(ctx context.Context) ([]StaffAccount, error) {
	return queryAll(ctx, q.db, "list staff", func(r pgx.CollectableRow) (StaffAccount, error) { return scanStaff(r) }, `SELECT `+staffColumns+` FROM users u ORDER BY u.active DESC, lower(u.name), u.id`)
}

// StaffAccountByID loads one staff account; ErrNotFound when there is none.
func (q *Queries) StaffAccountByID(ctx context.Context, id int64) (StaffAccount, error) {
	a, err := scanStaff(q.db.QueryRow(ctx, `SELECT `+staffColumns+` FROM users u WHERE u.id = $1`, id))
	if errors.Is(err, pgx.ErrNoRows) {
		return a, ErrNotFound
	}
	if err != nil {
		return a, fmt.Errorf("staff account %d: %w", id, err)
	}
	return a, nil
}

// InviteUser creates a staff account without a password and issues its
// invitation link, in one transaction: either both exist or neither. A
// clash with an existing address is a unique violation (IsUniqueViolation).
func (s *Store) InviteUser(ctx context.Context, u User, ttl time.Duration, actor string) (int64, string, error) {
	var id int64
	var token string
	err := s.InTx(ctx, func(tx *Tx) error {
		if err := tx.db.QueryRow(ctx, `INSERT INTO users (name, email, role, area_id) VALUES ($1, $2, $3, $4) RETURNING id`,
			u.Name, u.Email, u.Role, u.AreaID).Scan(&id); err != nil {
			return err
		}
		if err := tx.setPanels(ctx, id, u.PanelIDs); err != nil {
			return err
		}
		if err := tx.Audit(ctx, actor, "user_invited", "user", fmt.Sprint(id), map[string]any{"role": string(u.Role), "panels": len(u.PanelIDs)}); err != nil {
			return err
		}
		var err error
		token, err = tx.issueAccountLink(ctx, id, LinkInvitation, ttl, actor)
		return err
	})
	if err != nil {
		return 0, "", fmt.Errorf("invite %s: %w", u.Email, err)
	}
	return id, token, nil
}

// ChangeUser sets a person's role and scope: the Area of a manager, the
// panels of a coordinator or chair. Their open sessions see the change on
// their next request.
func (s *Store) ChangeUser(ctx context.Context, u User, actor string) error {
	return s.InTx(ctx, func(tx *Tx) error {
		tag, err := tx.db.Exec(ctx, `UPDATE users SET role = $2, area_id = $3 WHERE id = $1`, u.ID, u.Role, u.AreaID)
		if err != nil {
			return fmt.Errorf("change user %d: %w", u.ID, err)
		}
		if tag.RowsAffected() == 0 {
			return ErrNotFound
		}
		if err := tx.setPanels(ctx, u.ID, u.PanelIDs); err != nil {
			return err
		}
		return tx.Audit(ctx, actor, "user_changed", "user", fmt.Sprint(u.ID), map[string]any{"role": string(u.Role), "panels": len(u.PanelIDs), "area": u.AreaID})
	})
}

func (q *Queries) setPanels(ctx context.Context, userID int64, panels []int64) error {
	if _, err := q.db.Exec(ctx, `DELETE FROM user_panels WHERE user_id = $1`, userID); err != nil {
		return fmt.Errorf("set panels of user %d: %w", userID, err)
	}
	if _, err := q.db.Exec(ctx, `INSERT INTO user_panels (user_id, panel_id) SELECT $1, unnest($2::bigint[])`, userID, panels); err != nil {
		return fmt.Errorf("set panels of user %d: %w", userID, err)
	}
	return nil
}

// DeactivateUser closes an account at once: it can no longer sign in, its
// sessions end, its API tokens are revoked and its unused account links
// stop working. It returns how many sessions and tokens ended.
func (s *Store) DeactivateUser(ctx context.Context, id int64, actor string) (sessions, tokens int64, err error) {
	err = s.InTx(ctx, func(tx *Tx) error {
		tag, err := tx.db.Exec(ctx, `UPDATE users SET active = false WHERE id = $1 AND active`, id)
		if err != nil {
			return fmt.Errorf("deactivate user %d: %w", id, err)
		}
		if tag.RowsAffected() == 0 {
			return ErrNotFound
		}
		if sessions, err = tx.endSessionsOf(ctx, id); err != nil {
			return err
		}
		if tag, err = tx.db.Exec(ctx, `UPDATE api_tokens SET revoked_at = now() WHERE user_id = $1 AND revoked_at IS NULL`, id); err != nil {
			return fmt.Errorf("revoke tokens of user %d: %w", id, err)
		}
		tokens = tag.RowsAffected()
		if _, err := tx.db.Exec(ctx, `UPDATE account_links SET used_at = now() WHERE user_id = $1 AND used_at IS NULL`, id); err != nil {
			return fmt.Errorf("retire links of user %d: %w", id, err)
		}
		return tx.Audit(ctx, actor, "user_deactivated", "user", fmt.Sprint(id), map[string]any{"sessions": sessions, "tokens": tokens})
	})
	return sessions, tokens, err
}
