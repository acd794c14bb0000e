package store

import (
	"context"
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
	SentAt    *time.Time
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
			attachment_file_id, calendar_ics, status, attempts, last_error, sent_at, reply_to
		FROM outbox WHERE id = $1`, id).Scan(&e.ID, &e.Key, &e.ToAddress, &e.ToName, &e.MemberID, &e.Subject, &e.BodyText, &e.BodyHTML,
		&e.AttachmentFileID, &ics, &e.Status, &e.Attempts, &lastErr, &e.SentAt, &e.ReplyTo)
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

// RecordAttempt counts a delivery attempt and its error, leaving the row
// pending so the next retry picks it up. Nothing is silently dropped.
func (q *Queries) RecordAttempt(ctx context.Context, id int64, sendErr error) error {
	if _, err := q.db.Exec(ctx, `UPDATE outbox SET attempts = attempts + 1, last_error = $2 WHERE id = $1`, id, sendErr.Error()); err != nil {
		return fmt.Errorf("record attempt on outbox %d: %w", id, err)
	}
	return nil
}

// MarkSent records a successful delivery.
func (q *Queries) MarkSent(ctx context.Context, id int64) error {
	if _, err := q.db.Exec(ctx, `UPDATE outbox SET status = $2, attempts = attempts + 1, sent_at = now(), last_error = NULL
		WHERE id = $1 AND status = $3`, id, domain.MailSent, domain.MailPending); err != nil {
		return fmt.Errorf("mark outbox %d sent: %w", id, err)
	}
	return nil
}

// MarkBounced records a permanent refusal and, for a member's address,
// marks the member unreachable so nothing more is sent until the address is
// corrected. Both happen in one transaction.
func (s *Store) MarkBounced(ctx context.Context, id int64, reason string) error {
	err := s.InTx(ctx, func(tx *Tx) error {
		var memberID *int64
		err := tx.db.QueryRow(ctx, `UPDATE outbox SET status = $3, attempts = attempts + 1, last_error = $2
			WHERE id = $1 RETURNING member_id`, id, reason, domain.MailBounced).Scan(&memberID)
		if errors.Is(err, pgx.ErrNoRows) {
			return ErrNotFound
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

// MarkHeld records that a message was not sent because its recipient is
// unreachable; it stays visible to the coordinator rather than vanishing.
func (q *Queries) MarkHeld(ctx context.Context, id int64, reason string) error {
	if _, err := q.db.Exec(ctx, `UPDATE outbox SET status = $3, last_error = $2 WHERE id = $1 AND status = $4`,
		id, reason, domain.MailHeld, domain.MailPending); err != nil {
		return fmt.Errorf("mark outbox %d held: %w", id, err)
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
