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
// compared in constant time after the lookup.
func (q *Queries) UserByToken(ctx context.Context, token string) (User, error) {
	sum := sha256.Sum256([]byte(token))
	var u User
	var stored []byte
	err := q.db.QueryRow(ctx, `SELECT u.id, u.name, u.email, u.role, u.area_id, t.token_hash,
			ARRAY(SELECT panel_id FROM user_panels WHERE user_id = u.id ORDER BY panel_id)
		FROM api_tokens t JOIN users u ON u.id = t.user_id
		WHERE t.token_hash = $1 AND t.revoked_at IS NULL AND u.active`, sum[:]).Scan(&u.ID, &u.Name, &u.Email, &u.Role, &u.AreaID, &stored, &u.PanelIDs)
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

// ErrBadLogin means the email or password is wrong; which is not said.
var ErrBadLogin = errors.New("the email address or password is not right")

// Login checks a password and opens a session, returning the cookie value
// and the session's CSRF token.
func (q *Queries) Login(ctx context.Context, email, password string, ttl time.Duration) (cookie, csrf string, err error) {
	var id int64
	var hash *string
	err = q.db.QueryRow(ctx, `SELECT id, password_hash FROM users WHERE lower(email) = lower($1) AND active`, email).Scan(&id, &hash)
	if errors.Is(err, pgx.ErrNoRows) || (err == nil && hash == nil) {
		// Spend the same time as a real check, so timing does not reveal
		// which addresses have accounts.
		bcrypt.CompareHashAndPassword(dummyHash(), []byte(password))
		return "", "", ErrBadLogin
	}
	if err != nil {
		return "", "", fmt.Errorf("log in: %w", err)
	}
	if bcrypt.CompareHashAndPassword([]byte(*hash), []byte(password)) != nil {
		return "", "", ErrBadLogin
	}
	cookie, csrf = randomToken(), randomToken()
	sum := sha256.Sum256([]byte(cookie))
	if _, err := q.db.Exec(ctx, `INSERT INTO sessions (id_hash, user_id, csrf, expires_at) VALUES ($1, $2, $3, now() + $4::interval)`,
		sum[:], id, csrf, fmt.Sprintf("%d seconds", int(ttl.Seconds()))); err != nil {
		return "", "", fmt.Errorf("open session for user %d: %w", id, err)
	}
	return cookie, csrf, nil
}

// UserBySession finds the user of an unexpired session and its CSRF token.
func (q *Queries) UserBySession(ctx context.Context, cookie string) (User, string, error) {
	sum := sha256.Sum256([]byte(cookie))
	var u User
	var csrf string
	err := q.db.QueryRow(ctx, `SELECT u.id, u.name, u.email, u.role, u.area_id, s.csrf,
			ARRAY(SELECT panel_id FROM user_panels WHERE user_id = u.id ORDER BY panel_id)
		FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.id_hash = $1 AND s.expires_at > now() AND u.active`, sum[:]).
		Scan(&u.ID, &u.Name, &u.Email, &u.Role, &u.AreaID, &csrf, &u.PanelIDs)
	if errors.Is(err, pgx.ErrNoRows) {
		return User{}, "", ErrBadToken
	}
	if err != nil {
		return User{}, "", fmt.Errorf("user by session: %w", err)
	}
	return u, csrf, nil
}

// Logout ends a session.
func (q *Queries) Logout(ctx context.Context, cookie string) error {
	sum := sha256.Sum256([]byte(cookie))
	if _, err := q.db.Exec(ctx, `DELETE FROM sessions WHERE id_hash = $1`, sum[:]); err != nil {
		return fmt.Errorf("log out: %w", err)
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
