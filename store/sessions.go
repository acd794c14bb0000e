package store

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"golang.org/x/crypto/bcrypt"
)

// ErrBadLogin means the email or password is wrong; which is not said.
var ErrBadLogin = errors.New("the email address or password is not right")

// userColumns selects a User from users u, with its panels.
const userColumns = `u.id, u.name, u.email, u.role, u.area_id,
	ARRAY(SELECT panel_id FROM user_panels WHERE user_id = u.id ORDER BY panel_id)`

func scanUser(row pgx.Row, u *User, more ...any) error {
	return row.Scan(append([]any{&u.ID, &u.Name, &u.Email, &u.Role, &u.AreaID, &u.PanelIDs}, more...)...)
}

// Device is where a session was opened from, as the browser tells it.
type Device struct {
	UserAgent string
	Address   string
}

// CheckPassword finds the active account with the address and checks its
// password. Unknown addresses, accounts without a password and wrong
// passwords all give ErrBadLogin after the same bcrypt work, so neither
// the answer nor its timing reveals which addresses have accounts.
func (q *Queries) CheckPassword(ctx context.Context, email, password string) (User, error) {
	var u User
	var hash *string
	err := scanUser(q.db.QueryRow(ctx, `SELECT `+userColumns+`, u.password_hash FROM users u WHERE lower(u.email) = lower($1) AND u.active`, email), &u, &hash)
	if errors.Is(err, pgx.ErrNoRows) || (err == nil && hash == nil) {
		bcrypt.CompareHashAndPassword(dummyHash(), []byte(password))
		return User{}, ErrBadLogin
	}
	if err != nil {
		return User{}, fmt.Errorf("check password: %w", err)
	}
	if bcrypt.CompareHashAndPassword([]byte(*hash), []byte(password)) != nil {
		return User{}, ErrBadLogin
	}
	return u, nil
}

// OpenSession signs a user in: it stores a new session (only the hash of
// its cookie value), clears the account's failed sign-ins and writes the
// sign-in to the audit log. mustEnrol limits the session to enrolling a
// second factor. It returns the cookie value and the session's CSRF token.
func (s *Store) OpenSession(ctx context.Context, u User, ttl time.Duration, d Device, mustEnrol bool) (cookie, csrf string, err error) {
	cookie, csrf = randomToken(), randomToken()
	sum := sha256.Sum256([]byte(cookie))
	err = s.InTx(ctx, func(tx *Tx) error {
		var id int64
		if err := tx.db.QueryRow(ctx, `INSERT INTO sessions (id_hash, user_id, csrf, expires_at, user_agent, address, must_enrol)
			VALUES ($1, $2, $3, now() + $4::interval, left($5, 300), $6, $7) RETURNING id`,
			sum[:], u.ID, csrf, fmt.Sprintf("%d seconds", int(ttl.Seconds())), d.UserAgent, d.Address, mustEnrol).Scan(&id); err != nil {
			return err
		}
		if err := tx.clearSigninFailures(ctx, u.Email); err != nil {
			return err
		}
		return tx.Audit(ctx, u.Email, "signed_in", "user", fmt.Sprint(u.ID), map[string]any{"session": id, "address": d.Address})
	})
	if err != nil {
		return "", "", fmt.Errorf("open session for user %d: %w", u.ID, err)
	}
	return cookie, csrf, nil
}

// Login checks a password and opens a full session, as the tests and the
// demo data do. The sign-in page instead checks the second factor between
// CheckPassword and OpenSession.
func (s *Store) Login(ctx context.Context, email, password string, ttl time.Duration) (cookie, csrf string, err error) {
	u, err := s.CheckPassword(ctx, email, password)
	if err != nil {
		return "", "", err
	}
	return s.OpenSession(ctx, u, ttl, Device{}, false)
}

// Session is a signed-in browser: its user, its number, its CSRF token,
// and whether it may only enrol a second factor.
type Session struct {
	User      User
	ID        int64
	CSRF      string
	MustEnrol bool
}

// lastUsedEvery is how stale a session's or token's "last used" may grow
// before a use moves it on. Noting every use would make every request of
// a person write (and wait on) the same row; to the minute is all the
// account pages show.
const lastUsedEvery = `interval '1 minute'`

// SessionByCookie finds the unexpired session of an active user and
// notes that it was used now (to the minute, lastUsedEvery).
func (q *Queries) SessionByCookie(ctx context.Context, cookie string) (Session, error) {
	sum := sha256.Sum256([]byte(cookie))
	var ses Session
	err := scanUser(q.db.QueryRow(ctx, `WITH found AS (
			SELECT s.id FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.id_hash = $1 AND s.expires_at > now() AND u.active),
		touched AS (
			UPDATE sessions SET last_used_at = now() WHERE id IN (SELECT id FROM found) AND last_used_at < now() - `+lastUsedEvery+`)
		SELECT `+userColumns+`, s.id, s.csrf, s.must_enrol FROM found JOIN sessions s ON s.id = found.id JOIN users u ON u.id = s.user_id`,
		sum[:]), &ses.User, &ses.ID, &ses.CSRF, &ses.MustEnrol)
	if errors.Is(err, pgx.ErrNoRows) {
		return Session{}, ErrBadToken
	}
	if err != nil {
		return Session{}, fmt.Errorf("session: %w", err)
	}
	return ses, nil
}

// Logout ends the session with this cookie and writes it to the audit log.
func (s *Store) Logout(ctx context.Context, cookie string) error {
	sum := sha256.Sum256([]byte(cookie))
	return s.InTx(ctx, func(tx *Tx) error {
		var id, userID int64
		var email string
		err := tx.db.QueryRow(ctx, `DELETE FROM sessions s USING users u WHERE u.id = s.user_id AND s.id_hash = $1
			RETURNING s.id, u.id, u.email`, sum[:]).Scan(&id, &userID, &email)
		if errors.Is(err, pgx.ErrNoRows) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("log out: %w", err)
		}
		return tx.Audit(ctx, email, "signed_out", "user", fmt.Sprint(userID), map[string]any{"session": id})
	})
}

// SessionInfo is one of a person's live sessions, as their account page
// lists them.
type SessionInfo struct {
	ID                               int64
	CreatedAt, LastUsedAt, ExpiresAt time.Time
	UserAgent, Address               string
}

// SessionsOf lists a user's unexpired sessions, most recently used first.
func (q *Queries) SessionsOf(ctx context.Context, userID int64) ([]SessionInfo, error) {
	return queryAll(ctx, q.db, "list sessions", pgx.RowToStructByPos[SessionInfo],
		`SELECT id, created_at, last_used_at, expires_at, user_agent, address FROM sessions
		WHERE user_id = $1 AND expires_at > now() ORDER BY last_used_at DESC`, userID)
}

// EndSession signs out one of the user's own sessions; ErrNotFound when
// they have no such session.
func (s *Store) EndSession(ctx context.Context, u User, sessionID int64) error {
	return s.InTx(ctx, func(tx *Tx) error {
		tag, err := tx.db.Exec(ctx, `DELETE FROM sessions WHERE id = $1 AND user_id = $2`, sessionID, u.ID)
		if err != nil {
			return fmt.Errorf("end session %d: %w", sessionID, err)
		}
		if tag.RowsAffected() == 0 {
			return ErrNotFound
		}
		return tx.Audit(ctx, u.Email, "signed_out", "user", fmt.Sprint(u.ID), map[string]any{"session": sessionID})
	})
}

// EndAllSessions signs a user out everywhere, this browser included, and
// returns how many sessions ended.
func (s *Store) EndAllSessions(ctx context.Context, u User, actor string) (int64, error) {
	var n int64
	err := s.InTx(ctx, func(tx *Tx) error {
		var err error
		if n, err = tx.endSessionsOf(ctx, u.ID); err != nil {
			return err
		}
		return tx.Audit(ctx, actor, "signed_out_everywhere", "user", fmt.Sprint(u.ID), map[string]any{"sessions": n})
	})
	return n, err
}

// endSessionsOf deletes every session and pending sign-in of the user.
func (q *Queries) endSessionsOf(ctx context.Context, userID int64) (int64, error) {
	tag, err := q.db.Exec(ctx, `DELETE FROM sessions WHERE user_id = $1`, userID)
	if err != nil {
		return 0, fmt.Errorf("end sessions of user %d: %w", userID, err)
	}
	if _, err := q.db.Exec(ctx, `DELETE FROM signin_challenges WHERE user_id = $1`, userID); err != nil {
		return 0, fmt.Errorf("end sign-ins of user %d: %w", userID, err)
	}
	return tag.RowsAffected(), nil
}
