package store

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/lsip/scrutiny/domain"
)

// Mail is one outgoing email as queued in the outbox. Key identifies the
// message across retries: enqueuing the same key twice yields one row.
type Mail struct {
	Key       string
	ToAddress string
	ToName    string
	// ReplyTo is where replies go: the coordinator, since the emails say
	// "reply to this email". Empty for none.
	ReplyTo          string
	MemberID         *int64
	Subject          string
	BodyText         string
	BodyHTML         string
	AttachmentFileID *int64
	CalendarICS      string
}

// OutboxEntry is a queued email with its delivery state.
type OutboxEntry struct {
	ID int64
	Mail
	Status    domain.MailStatus
	Attempts  int
	LastError string
	// Resends counts the attempts that sent again after an earlier attempt
	// died mid-send, its outcome unknown (see ClaimOutbox).
	Resends int
	SentAt  *time.Time
}

// EnqueueMail queues m unless a message with the same key exists, and
// returns the row's ID either way. This is what makes every email
// idempotent: an activity that retries after a crash finds its own row.
func (q *Queries) EnqueueMail(ctx context.Context, m Mail) (int64, error) {
	var id int64
	err := q.db.QueryRow(ctx, `INSERT INTO outbox (message_key, to_address, to_name, member_id, subject, body_text, body_html, attachment_file_id, calendar_ics, reply_to)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, NULLIF($9, ''), $10)
		ON CONFLICT (message_key) DO NOTHING RETURNING id`,
		m.Key, m.ToAddress, m.ToName, m.MemberID, m.Subject, m.BodyText, m.BodyHTML, m.AttachmentFileID, m.CalendarICS, m.ReplyTo).Scan(&id)
	if errors.Is(err, pgx.ErrNoRows) {
		err = q.db.QueryRow(ctx, `SELECT id FROM outbox WHERE message_key = $1`, m.Key).Scan(&id)
	}
	if err != nil {
		return 0, fmt.Errorf("enqueue mail %s: %w", m.Key, err)
	}
	return id, nil
}

// OutboxByID loads one queued email.
func (q *Queries) OutboxByID(ctx context.Context, id int64) (OutboxEntry, error) {
	var e OutboxEntry
	var lastErr, ics *string
	err := q.db.QueryRow(ctx, `SELECT id, message_key, to_address, to_name, member_id, subject, body_text, body_html,
			attachment_file_id, calendar_ics, status, attempts, last_error, sent_at, reply_to, resends
		FROM outbox WHERE id = $1`, id).Scan(&e.ID, &e.Key, &e.ToAddress, &e.ToName, &e.MemberID, &e.Subject, &e.BodyText, &e.BodyHTML,
		&e.AttachmentFileID, &ics, &e.Status, &e.Attempts, &lastErr, &e.SentAt, &e.ReplyTo, &e.Resends)
	if errors.Is(err, pgx.ErrNoRows) {
		return OutboxEntry{}, ErrNotFound
	}
	if err != nil {
		return OutboxEntry{}, fmt.Errorf("outbox %d: %w", id, err)
	}
	if lastErr != nil {
		e.LastError = *lastErr
	}
	if ics != nil {
		e.CalendarICS = *ics
	}
	return e, nil
}

// Errors of claiming a queued email for delivery.
var (
	// ErrClaimed: another attempt holds a live claim on the row and may be
	// sending it now. Try again later rather than send in parallel.
	ErrClaimed = errors.New("another attempt is delivering this message")
	// ErrNotPending: the row is already sent, bounced or held.
	ErrNotPending = errors.New("the message is no longer waiting to be sent")
	// ErrClaimLost: the attempt's claim expired and another attempt took
	// it over, or the row is no longer pending, so this attempt may not
	// record an outcome.
	ErrClaimLost = errors.New("this attempt no longer holds the message's claim")
)

// OutboxClaim is one delivery attempt's hold on a queued email.
type OutboxClaim struct {
	// Token is the attempt's own random token; only its holder may mark
	// the row sent, bounced, held or failed.
	Token string
	// Resend is true when the claim was taken over from an attempt that
	// died after claiming: that attempt may have sent the message, so this
	// one is a re-send after an unknown outcome. The row's resends column
	// counts it for an operator to see.
	Resend bool
}

// ClaimOutbox claims the pending row id for one delivery attempt, in one
// statement, with a fresh random token, and counts the attempt. A live
// claim by another attempt (younger than ttl) is ErrClaimed; an expired one
// is taken over, as a re-send. A row no longer pending is ErrNotPending,
// and one that does not exist ErrNotFound. ttl must exceed the longest an
// attempt can run, so that a live attempt's claim is never taken.
func (q *Queries) ClaimOutbox(ctx context.Context, id int64, ttl time.Duration) (OutboxClaim, error) {
	raw := make([]byte, 16)
	if _, err := rand.Read(raw); err != nil {
		return OutboxClaim{}, fmt.Errorf("claim outbox %d: %w", id, err)
	}
	c := OutboxClaim{Token: hex.EncodeToString(raw)}
	err := q.db.QueryRow(ctx, `WITH prev AS (SELECT id, claimed_at FROM outbox WHERE id = $1 FOR UPDATE)
		UPDATE outbox o SET claim_token = $2, claimed_at = now(), attempts = o.attempts + 1,
			resends = o.resends + (prev.claimed_at IS NOT NULL)::int
		FROM prev WHERE o.id = prev.id AND o.status = $4
			AND (prev.claimed_at IS NULL OR prev.claimed_at < now() - $3::interval)
		RETURNING prev.claimed_at IS NOT NULL`, id, c.Token, ttl, domain.MailPending).Scan(&c.Resend)
	if errors.Is(err, pgx.ErrNoRows) {
		return OutboxClaim{}, q.whyUnclaimed(ctx, id)
	}
	if err != nil {
		return OutboxClaim{}, fmt.Errorf("claim outbox %d: %w", id, err)
	}
	return c, nil
}

// whyUnclaimed says why a row could not be claimed: gone, no longer
// pending, or claimed by a live attempt.
func (q *Queries) whyUnclaimed(ctx context.Context, id int64) error {
	var status domain.MailStatus
	err := q.db.QueryRow(ctx, `SELECT status FROM outbox WHERE id = $1`, id).Scan(&status)
	switch {
	case errors.Is(err, pgx.ErrNoRows):
		err = ErrNotFound
	case err == nil && status != domain.MailPending:
		err = ErrNotPending
	case err == nil:
		err = ErrClaimed
	}
	return fmt.Errorf("claim outbox %d: %w", id, err)
}

// RecordAttempt records a failed delivery attempt's error and gives up its
// claim, leaving the row pending so the next retry claims it at once.
// Nothing is silently dropped. Only the claim's holder may record it: a
// stale token is ErrClaimLost.
func (q *Queries) RecordAttempt(ctx context.Context, id int64, token string, sendErr error) error {
	tag, err := q.db.Exec(ctx, `UPDATE outbox SET last_error = $3, claim_token = NULL, claimed_at = NULL
		WHERE id = $1 AND claim_token = $2 AND status = $4`, id, token, sendErr.Error(), domain.MailPending)
	return claimedWrite(tag.RowsAffected(), err, "record attempt on", id)
}

// personalLink matches the token of a member's (/m/) or action owner's
// (/o/) personal link: a path segment of at least 43 URL-safe base64
// characters (a signature alone is 32 bytes), so ordinary paths are left
// alone.
const personalLink = `/([mo])/[A-Za-z0-9_-]{43,}`

// LinkRemoved stands in a delivered message's body for a personal link's
// token.
const LinkRemoved = "[link removed after delivery]"

// MarkSent records a successful delivery by the claim's holder; a stale
// token is ErrClaimLost. The stored body then has its personal links'
// tokens removed: the message has gone, and a row kept until retention
// purges it must not hold a working link. Re-sends after a crash happen
// before this, so they still carry the link.
func (q *Queries) MarkSent(ctx context.Context, id int64, token string) error {
	tag, err := q.db.Exec(ctx, `UPDATE outbox SET status = $3, sent_at = now(), last_error = NULL, claim_token = NULL, claimed_at = NULL,
			body_text = regexp_replace(body_text, $5, $6, 'g'), body_html = regexp_replace(body_html, $5, $6, 'g')
		WHERE id = $1 AND claim_token = $2 AND status = $4`, id, token, domain.MailSent, domain.MailPending, personalLink, `/\1/`+LinkRemoved)
	return claimedWrite(tag.RowsAffected(), err, "mark sent", id)
}

// MarkBounced records, for the claim's holder, a permanent refusal and, for
// a member's address, marks the member unreachable so nothing more is sent
// until the address is corrected. Both happen in one transaction. A stale
// token is ErrClaimLost and changes nothing.
func (s *Store) MarkBounced(ctx context.Context, id int64, token, reason string) error {
	err := s.InTx(ctx, func(tx *Tx) error {
		var memberID *int64
		err := tx.db.QueryRow(ctx, `UPDATE outbox SET status = $4, last_error = $3, claim_token = NULL, claimed_at = NULL
			WHERE id = $1 AND claim_token = $2 AND status = $5 RETURNING member_id`,
			id, token, reason, domain.MailBounced, domain.MailPending).Scan(&memberID)
		if errors.Is(err, pgx.ErrNoRows) {
			return ErrClaimLost
		}
		if err != nil {
			return err
		}
		if memberID != nil {
			_, err := tx.db.Exec(ctx, `UPDATE members SET unreachable_since = coalesce(unreachable_since, now()) WHERE id = $1`, *memberID)
			return err
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("mark outbox %d bounced: %w", id, err)
	}
	return nil
}

// MarkHeld records, for the claim's holder, that a message was not sent
// because its recipient is unreachable; it stays visible to the coordinator
// rather than vanishing, and the claim is given up so that, once the
// address is corrected and the row released, the next attempt sends at
// once. A stale token is ErrClaimLost.
func (q *Queries) MarkHeld(ctx context.Context, id int64, token, reason string) error {
	tag, err := q.db.Exec(ctx, `UPDATE outbox SET status = $4, last_error = $3, claim_token = NULL, claimed_at = NULL
		WHERE id = $1 AND claim_token = $2 AND status = $5`, id, token, reason, domain.MailHeld, domain.MailPending)
	return claimedWrite(tag.RowsAffected(), err, "mark held", id)
}

// claimedWrite turns the outcome of a write guarded by a claim token into
// an error: ErrClaimLost when no row matched.
func claimedWrite(rows int64, err error, what string, id int64) error {
	if err == nil && rows == 0 {
		err = ErrClaimLost
	}
	if err != nil {
		return fmt.Errorf("%s outbox %d: %w", what, id, err)
	}
	return nil
}

// MemberUnreachable reports whether mail to the member has bounced and the
// address has not been corrected since.
func (q *Queries) MemberUnreachable(ctx context.Context, memberID int64) (bool, error) {
	var unreachable bool
	err := q.db.QueryRow(ctx, `SELECT unreachable_since IS NOT NULL FROM members WHERE id = $1`, memberID).Scan(&unreachable)
	if errors.Is(err, pgx.ErrNoRows) {
		return false, ErrNotFound
	}
	if err != nil {
		return false, fmt.Errorf("member %d reachable: %w", memberID, err)
	}
	return unreachable, nil
}
