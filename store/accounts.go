package store

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"errors"

	"github.com/jackc/pgx/v5"
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
	err := s.InTx(ctx, func(tx pgx.Tx) error {
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
	raw := make([]byte, 32)
	if _, err := rand.Read(raw); err != nil {
		return "", err
	}
	token := "scr_" + base64.RawURLEncoding.EncodeToString(raw)
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
