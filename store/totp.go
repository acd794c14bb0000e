package store

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/lsip/scrutiny/totp"
)

// ErrBadCode means a second-factor code is wrong, already used or from
// an earlier time step than one already used.
var ErrBadCode = errors.New("the code is not right; type the code your app shows now, or one of your recovery codes")

// recoveryCodeCount is how many recovery codes a person gets at a time.
const recoveryCodeCount = 10

// SecondFactorOn reports whether the user has a confirmed second factor.
func (q *Queries) SecondFactorOn(ctx context.Context, userID int64) (bool, error) {
	var on bool
	if err := q.db.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM user_totp WHERE user_id = $1 AND confirmed_at IS NOT NULL)`, userID).Scan(&on); err != nil {
		return false, fmt.Errorf("second factor of user %d: %w", userID, err)
	}
	return on, nil
}

// EnrolmentSecret returns the secret the user is enrolling with, making
// one when there is none: the same secret until it is confirmed, so a
// reload of the page does not invalidate what the app has scanned.
func (q *Queries) EnrolmentSecret(ctx context.Context, userID int64) (string, error) {
	var secret string
	err := q.db.QueryRow(ctx, `INSERT INTO user_totp (user_id, secret) VALUES ($1, $2)
		ON CONFLICT (user_id) DO UPDATE SET secret = user_totp.secret RETURNING secret`, userID, totp.NewSecret()).Scan(&secret)
	if err != nil {
		return "", fmt.Errorf("enrolment secret of user %d: %w", userID, err)
	}
	return secret, nil
}

// ConfirmTOTP turns on the second factor once the user has typed a
// current code from their app, ends the session's enrolment limit and
// returns fresh recovery codes, shown once; only their hashes are kept.
func (s *Store) ConfirmTOTP(ctx context.Context, u User, code string, now time.Time) ([]string, error) {
	var codes []string
	err := s.InTx(ctx, func(tx *Tx) error {
		var secret string
		err := tx.db.QueryRow(ctx, `SELECT secret FROM user_totp WHERE user_id = $1 AND confirmed_at IS NULL FOR UPDATE`, u.ID).Scan(&secret)
		if errors.Is(err, pgx.ErrNoRows) {
			return ErrNotFound
		}
		if err != nil {
			return fmt.Errorf("confirm second factor: %w", err)
		}
		step, ok := totp.Verify(secret, code, now)
		if !ok {
			return ErrBadCode
		}
		if _, err := tx.db.Exec(ctx, `UPDATE user_totp SET confirmed_at = now(), last_step = $2 WHERE user_id = $1`, u.ID, step); err != nil {
			return fmt.Errorf("confirm second factor: %w", err)
		}
		if _, err := tx.db.Exec(ctx, `UPDATE sessions SET must_enrol = false WHERE user_id = $1`, u.ID); err != nil {
			return fmt.Errorf("confirm second factor: %w", err)
		}
		if codes, err = tx.replaceRecoveryCodes(ctx, u.ID); err != nil {
			return err
		}
		return tx.Audit(ctx, u.Email, "second_factor_on", "user", fmt.Sprint(u.ID), nil)
	})
	return codes, err
}

// NewRecoveryCodes replaces the user's recovery codes with fresh ones.
func (s *Store) NewRecoveryCodes(ctx context.Context, u User) ([]string, error) {
	var codes []string
	err := s.InTx(ctx, func(tx *Tx) error {
		var err error
		if codes, err = tx.replaceRecoveryCodes(ctx, u.ID); err != nil {
			return err
		}
		return tx.Audit(ctx, u.Email, "recovery_codes_replaced", "user", fmt.Sprint(u.ID), nil)
	})
	return codes, err
}

func (q *Queries) replaceRecoveryCodes(ctx context.Context, userID int64) ([]string, error) {
	codes := totp.RecoveryCodes(recoveryCodeCount)
	hashes := make([][]byte, len(codes))
	for i, c := range codes {
		hashes[i] = recoveryHash(c)
	}
	if _, err := q.db.Exec(ctx, `DELETE FROM recovery_codes WHERE user_id = $1`, userID); err != nil {
		return nil, fmt.Errorf("replace recovery codes: %w", err)
	}
	if _, err := q.db.Exec(ctx, `INSERT INTO recovery_codes (user_id, code_hash) SELECT $1, unnest($2::bytea[])`, userID, hashes); err != nil {
		return nil, fmt.Errorf("replace recovery codes: %w", err)
	}
	return codes, nil
}

// RecoveryCodesLeft counts the user's unused recovery codes.
func (q *Queries) RecoveryCodesLeft(ctx context.Context, userID int64) (int, error) {
	var n int
	if err := q.db.QueryRow(ctx, `SELECT count(*) FROM recovery_codes WHERE user_id = $1 AND used_at IS NULL`, userID).Scan(&n); err != nil {
		return 0, fmt.Errorf("count recovery codes: %w", err)
	}
	return n, nil
}

// TurnOffTOTP removes the user's second factor and recovery codes.
func (s *Store) TurnOffTOTP(ctx context.Context, u User, actor string) error {
	return s.InTx(ctx, func(tx *Tx) error {
		if _, err := tx.db.Exec(ctx, `DELETE FROM user_totp WHERE user_id = $1`, u.ID); err != nil {
			return fmt.Errorf("turn off second factor: %w", err)
		}
		if _, err := tx.db.Exec(ctx, `DELETE FROM recovery_codes WHERE user_id = $1`, u.ID); err != nil {
			return fmt.Errorf("turn off second factor: %w", err)
		}
		return tx.Audit(ctx, actor, "second_factor_off", "user", fmt.Sprint(u.ID), nil)
	})
}

// CheckSecondFactor accepts a current TOTP code whose time step is later
// than the last one used, or an unused recovery code, which is then used
// up. Anything else is ErrBadCode.
func (s *Store) CheckSecondFactor(ctx context.Context, userID int64, code string, now time.Time) (recovery bool, err error) {
	err = s.InTx(ctx, func(tx *Tx) error {
		var secret string
		err := tx.db.QueryRow(ctx, `SELECT secret FROM user_totp WHERE user_id = $1 AND confirmed_at IS NOT NULL FOR UPDATE`, userID).Scan(&secret)
		if errors.Is(err, pgx.ErrNoRows) {
			return ErrBadCode
		}
		if err != nil {
			return fmt.Errorf("check second factor: %w", err)
		}
		if step, ok := totp.Verify(secret, code, now); ok {
			tag, err := tx.db.Exec(ctx, `UPDATE user_totp SET last_step = $2 WHERE user_id = $1 AND last_step < $2`, userID, step)
			if err != nil {
				return fmt.Errorf("check second factor: %w", err)
			}
			if tag.RowsAffected() == 0 {
				return ErrBadCode
			}
			return nil
		}
		tag, err := tx.db.Exec(ctx, `UPDATE recovery_codes SET used_at = now() WHERE user_id = $1 AND code_hash = $2 AND used_at IS NULL`,
			userID, recoveryHash(code))
		if err != nil {
			return fmt.Errorf("check recovery code: %w", err)
		}
		if tag.RowsAffected() == 0 {
			return ErrBadCode
		}
		recovery = true
		return nil
	})
	return recovery, err
}

// recoveryHash is the SHA-256 of a recovery code as typed, ignoring case
// and spaces.
func recoveryHash(code string) []byte {
	sum := sha256.Sum256([]byte(strings.ToLower(strings.Join(strings.Fields(code), ""))))
	return sum[:]
}

// challengeTTL is how long a person has to type their code after their
// password.
const challengeTTL = 5 * time.Minute

// IssueChallenge records that the user's password was right and their
// second factor is awaited, returning the token the code form carries.
func (q *Queries) IssueChallenge(ctx context.Context, userID int64) (string, error) {
	token := randomToken()
	sum := sha256.Sum256([]byte(token))
	if _, err := q.db.Exec(ctx, `DELETE FROM signin_challenges WHERE expires_at <= now()`); err != nil {
		return "", fmt.Errorf("issue sign-in challenge: %w", err)
	}
	if _, err := q.db.Exec(ctx, `INSERT INTO signin_challenges (token_hash, user_id, expires_at) VALUES ($1, $2, now() + $3::interval)`,
		sum[:], userID, challengeTTL.String()); err != nil {
		return "", fmt.Errorf("issue sign-in challenge: %w", err)
	}
	return token, nil
}

// ChallengeUser finds the active user of an unexpired challenge;
// ErrNotFound when it is unknown, ended or expired.
func (q *Queries) ChallengeUser(ctx context.Context, token string) (User, error) {
	sum := sha256.Sum256([]byte(token))
	var u User
	err := scanUser(q.db.QueryRow(ctx, `SELECT `+userColumns+` FROM signin_challenges c JOIN users u ON u.id = c.user_id
		WHERE c.token_hash = $1 AND c.expires_at > now() AND u.active`, sum[:]), &u)
	if errors.Is(err, pgx.ErrNoRows) {
		return User{}, ErrNotFound
	}
	if err != nil {
		return User{}, fmt.Errorf("sign-in challenge: %w", err)
	}
	return u, nil
}

// EndChallenge retires a challenge once it has been answered.
func (q *Queries) EndChallenge(ctx context.Context, token string) error {
	sum := sha256.Sum256([]byte(token))
	if _, err := q.db.Exec(ctx, `DELETE FROM signin_challenges WHERE token_hash = $1`, sum[:]); err != nil {
		return fmt.Errorf("end sign-in challenge: %w", err)
	}
	return nil
}
