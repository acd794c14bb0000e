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
)

// User is a staff account with its scope: the panels a coordinator or chair
// works with, or the Area a manager oversees. Admins see everything.
type User struct {
	ID       int64
	Name     string
	Email    string
	Role     string // admin, coordinator, manager, chair
	AreaID   *int16
	PanelIDs []int64
}

// CreateUser stores a staff account with its panels.
func (s *Store) CreateUser(ctx context.Context, u User) (int64, error) {
	var id int64
	err := s.RawTx(ctx, func(tx pgx.Tx) error {
		if err := tx.QueryRow(ctx, `INSERT INTO users (name, email, role, area_id) VALUES ($1, $2, $3, $4) RETURNING id`,
			u.Name, u.Email, u.Role, u.AreaID).Scan(&id); err != nil {
			return err
		}
		for _, p := range u.PanelIDs {
			if _, err := tx.Exec(ctx, `INSERT INTO user_panels (user_id, panel_id) VALUES ($1, $2)`, id, p); err != nil {
				return err
			}
		}
		return nil
	})
	return id, err
}

// IssueToken makes a new API token for a user and stores only its hash.
// The token is returned once and cannot be recovered.
func (s *Store) IssueToken(ctx context.Context, userID int64, label string) (string, error) {
	token := "scr_" + randomToken()
	sum := sha256.Sum256([]byte(token))
	_, err := s.Pool.Exec(ctx, `INSERT INTO api_tokens (user_id, token_hash, label) VALUES ($1, $2, $3)`, userID, sum[:], label)
	return token, err
}

// ErrBadToken means the token is unknown, revoked or its user inactive.
var ErrBadToken = errors.New("the token is not valid")

// UserByToken finds the active user a token belongs to. The stored hash is
// compared in constant time after the lookup.
func (s *Store) UserByToken(ctx context.Context, token string) (User, error) {
	sum := sha256.Sum256([]byte(token))
	var u User
	var stored []byte
	err := s.Pool.QueryRow(ctx, `SELECT u.id, u.name, u.email, u.role, u.area_id, t.token_hash,
			ARRAY(SELECT panel_id FROM user_panels WHERE user_id = u.id ORDER BY panel_id)
		FROM api_tokens t JOIN users u ON u.id = t.user_id
		WHERE t.token_hash = $1 AND t.revoked_at IS NULL AND u.active`, sum[:]).Scan(&u.ID, &u.Name, &u.Email, &u.Role, &u.AreaID, &stored, &u.PanelIDs)
	if errors.Is(err, pgx.ErrNoRows) || (err == nil && subtle.ConstantTimeCompare(stored, sum[:]) != 1) {
		return User{}, ErrBadToken
	}
	return u, err
}

// SetPassword stores a bcrypt hash of the user's password.
func (s *Store) SetPassword(ctx context.Context, userID int64, password string) error {
	hash, err := bcrypt.GenerateFromPassword([]byte(password), bcrypt.DefaultCost)
	if err != nil {
		return err
	}
	_, err = s.Pool.Exec(ctx, `UPDATE users SET password_hash = $2 WHERE id = $1`, userID, string(hash))
	return err
}

// ErrBadLogin means the email or password is wrong; which is not said.
var ErrBadLogin = errors.New("the email address or password is not right")

// Login checks a password and opens a session, returning the cookie value
// and the session's CSRF token.
func (s *Store) Login(ctx context.Context, email, password string, ttl time.Duration) (cookie, csrf string, err error) {
	var id int64
	var hash *string
	err = s.Pool.QueryRow(ctx, `SELECT id, password_hash FROM users WHERE lower(email) = lower($1) AND active`, email).Scan(&id, &hash)
	if errors.Is(err, pgx.ErrNoRows) || (err == nil && hash == nil) {
		// Spend the same time as a real check, so timing does not reveal
		// which addresses have accounts.
		bcrypt.CompareHashAndPassword(dummyHash(), []byte(password))
		return "", "", ErrBadLogin
	}
	if err != nil {
		return "", "", err
	}
	if bcrypt.CompareHashAndPassword([]byte(*hash), []byte(password)) != nil {
		return "", "", ErrBadLogin
	}
	cookie, csrf = randomToken(), randomToken()
	sum := sha256.Sum256([]byte(cookie))
	_, err = s.Pool.Exec(ctx, `INSERT INTO sessions (id_hash, user_id, csrf, expires_at) VALUES ($1, $2, $3, now() + $4::interval)`,
		sum[:], id, csrf, fmt.Sprintf("%d seconds", int(ttl.Seconds())))
	return cookie, csrf, err
}

// UserBySession finds the user of an unexpired session and its CSRF token.
func (s *Store) UserBySession(ctx context.Context, cookie string) (User, string, error) {
	sum := sha256.Sum256([]byte(cookie))
	var u User
	var csrf string
	err := s.Pool.QueryRow(ctx, `SELECT u.id, u.name, u.email, u.role, u.area_id, s.csrf,
			ARRAY(SELECT panel_id FROM user_panels WHERE user_id = u.id ORDER BY panel_id)
		FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.id_hash = $1 AND s.expires_at > now() AND u.active`, sum[:]).
		Scan(&u.ID, &u.Name, &u.Email, &u.Role, &u.AreaID, &csrf, &u.PanelIDs)
	if errors.Is(err, pgx.ErrNoRows) {
		return u, "", ErrBadToken
	}
	return u, csrf, err
}

// Logout ends a session.
func (s *Store) Logout(ctx context.Context, cookie string) error {
	sum := sha256.Sum256([]byte(cookie))
	_, err := s.Pool.Exec(ctx, `DELETE FROM sessions WHERE id_hash = $1`, sum[:])
	return err
}

// dummyHash is compared against when there is no account, made once.
var dummyHash = sync.OnceValue(func() []byte {
	h, _ := bcrypt.GenerateFromPassword([]byte("no account"), bcrypt.DefaultCost)
	return h
})

func randomToken() string {
	raw := make([]byte, 32)
	rand.Read(raw)
	return base64.RawURLEncoding.EncodeToString(raw)
}
