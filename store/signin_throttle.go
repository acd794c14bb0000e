package store

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
)

// Failed sign-ins are slowed down per address typed and per network
// address: after accountFailures failures for one email address, or
// networkFailures from one network address, within throttleWindow, no
// password is checked until the oldest of them leaves the window. The
// address typed is counted whether or not it has an account, so the
// slowdown reveals nothing about which accounts exist.
const (
	accountFailures = 5
	networkFailures = 20
	throttleWindow  = 15 * time.Minute
)

// Why a sign-in failed, as the audit log records it.
const (
	FailPassword  = "password"
	FailCode      = "second_factor"
	FailThrottled = "throttled"
)

// SigninWait reports how long the email address and network address must
// wait before another sign-in is tried; 0 means now.
func (q *Queries) SigninWait(ctx context.Context, email, address string) (time.Duration, error) {
	var wait time.Duration
	for _, k := range []struct {
		column, value string
		limit         int
	}{{"email", normalEmail(email), accountFailures}, {"address", address, networkFailures}} {
		var seconds float64
		err := q.db.QueryRow(ctx, `SELECT coalesce(extract(epoch FROM min(at) + $3::interval - now()), 0) FROM (
				SELECT at FROM signin_failures WHERE `+k.column+` = $1 AND at > now() - $3::interval ORDER BY at DESC LIMIT $2) f
			HAVING count(*) >= $2`, k.value, k.limit, throttleWindow.String()).Scan(&seconds)
		if err != nil && !errors.Is(err, pgx.ErrNoRows) {
			return 0, fmt.Errorf("sign-in wait: %w", err)
		}
		wait = max(wait, time.Duration(seconds*float64(time.Second)))
	}
	return wait, nil
}

// RecordSigninFailure writes a failed sign-in to the audit log and, unless
// it was refused for being too soon, counts it towards the slowdown.
// userID is 0 when the address has no account.
func (s *Store) RecordSigninFailure(ctx context.Context, email, address, reason string, userID int64) error {
	return s.InTx(ctx, func(tx *Tx) error {
		if reason != FailThrottled {
			if _, err := tx.db.Exec(ctx, `INSERT INTO signin_failures (email, address) VALUES ($1, $2)`, normalEmail(email), address); err != nil {
				return fmt.Errorf("record failed sign-in: %w", err)
			}
			// Failures older than a day no longer count for anything.
			if _, err := tx.db.Exec(ctx, `DELETE FROM signin_failures WHERE at < now() - interval '1 day'`); err != nil {
				return fmt.Errorf("prune failed sign-ins: %w", err)
			}
		}
		subject := ""
		if userID != 0 {
			subject = fmt.Sprint(userID)
		}
		return tx.Audit(ctx, truncate(normalEmail(email), 254), "sign_in_failed", "user", subject, map[string]any{"reason": reason, "address": address})
	})
}

// clearSigninFailures forgets an account's failures once it signs in.
func (q *Queries) clearSigninFailures(ctx context.Context, email string) error {
	if _, err := q.db.Exec(ctx, `DELETE FROM signin_failures WHERE email = $1`, normalEmail(email)); err != nil {
		return fmt.Errorf("clear failed sign-ins: %w", err)
	}
	return nil
}

// normalEmail is an address as the slowdown counts it.
func normalEmail(email string) string { return strings.ToLower(strings.TrimSpace(email)) }

// truncate cuts s to at most n bytes without splitting a character.
func truncate(s string, n int) string {
	if len(s) > n {
		return strings.ToValidUTF8(s[:n], "")
	}
	return s
}
