package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

// Querier is what both a pool and a transaction offer, so the same query
// functions work inside and outside a transaction.
type Querier interface {
	Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error)
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
}

// Mail is one outgoing email as queued in the outbox. Key identifies the
// message across retries: enqueuing the same key twice yields one row.
type Mail struct {
	Key              string
	ToAddress        string
	ToName           string
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
	Status    string // pending, sent, bounced, held
	Attempts  int
	LastError string
	SentAt    *time.Time
}

// EnqueueMail queues m unless a message with the same key exists, and
// returns the row's ID either way. This is what makes every email
// idempotent: an activity that retries after a crash finds its own row.
func EnqueueMail(ctx context.Context, q Querier, m Mail) (int64, error) {
	var id int64
	err := q.QueryRow(ctx, `INSERT INTO outbox (message_key, to_address, to_name, member_id, subject, body_text, body_html, attachment_file_id, calendar_ics)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, NULLIF($9, ''))
		ON CONFLICT (message_key) DO NOTHING RETURNING id`,
		m.Key, m.ToAddress, m.ToName, m.MemberID, m.Subject, m.BodyText, m.BodyHTML, m.AttachmentFileID, m.CalendarICS).Scan(&id)
	if errors.Is(err, pgx.ErrNoRows) {
		err = q.QueryRow(ctx, `SELECT id FROM outbox WHERE message_key = $1`, m.Key).Scan(&id)
	}
	if err != nil {
		return 0, fmt.Errorf("enqueue mail %s: %w", m.Key, err)
	}
	return id, nil
}

// OutboxByID loads one queued email.
func (s *Store) OutboxByID(ctx context.Context, id int64) (OutboxEntry, error) {
	var e OutboxEntry
	var lastErr, ics *string
	err := s.Pool.QueryRow(ctx, `SELECT id, message_key, to_address, to_name, member_id, subject, body_text, body_html,
			attachment_file_id, calendar_ics, status, attempts, last_error, sent_at
		FROM outbox WHERE id = $1`, id).Scan(&e.ID, &e.Key, &e.ToAddress, &e.ToName, &e.MemberID, &e.Subject, &e.BodyText, &e.BodyHTML,
		&e.AttachmentFileID, &ics, &e.Status, &e.Attempts, &lastErr, &e.SentAt)
	if errors.Is(err, pgx.ErrNoRows) {
		return e, ErrNotFound
	}
	if lastErr != nil {
		e.LastError = *lastErr
	}
	if ics != nil {
		e.CalendarICS = *ics
	}
	return e, err
}

// RecordAttempt counts a delivery attempt and its error, leaving the row
// pending so the next retry picks it up. Nothing is silently dropped.
func (s *Store) RecordAttempt(ctx context.Context, id int64, sendErr error) error {
	_, err := s.Pool.Exec(ctx, `UPDATE outbox SET attempts = attempts + 1, last_error = $2 WHERE id = $1`, id, sendErr.Error())
	return err
}

// MarkSent records a successful delivery.
func (s *Store) MarkSent(ctx context.Context, id int64) error {
	_, err := s.Pool.Exec(ctx, `UPDATE outbox SET status = 'sent', attempts = attempts + 1, sent_at = now(), last_error = NULL WHERE id = $1 AND status = 'pending'`, id)
	return err
}

// MarkBounced records a permanent refusal and, for a member's address,
// marks the member unreachable so nothing more is sent until the address is
// corrected.
func (s *Store) MarkBounced(ctx context.Context, id int64, reason string) error {
	return s.RawTx(ctx, func(tx pgx.Tx) error {
		var memberID *int64
		if err := tx.QueryRow(ctx, `UPDATE outbox SET status = 'bounced', attempts = attempts + 1, last_error = $2
			WHERE id = $1 RETURNING member_id`, id, reason).Scan(&memberID); err != nil {
			return err
		}
		if memberID != nil {
			_, err := tx.Exec(ctx, `UPDATE members SET unreachable_since = coalesce(unreachable_since, now()) WHERE id = $1`, *memberID)
			return err
		}
		return nil
	})
}

// MarkHeld records that a message was not sent because its recipient is
// unreachable; it stays visible to the coordinator rather than vanishing.
func (s *Store) MarkHeld(ctx context.Context, id int64, reason string) error {
	_, err := s.Pool.Exec(ctx, `UPDATE outbox SET status = 'held', last_error = $2 WHERE id = $1 AND status = 'pending'`, id, reason)
	return err
}

// MemberUnreachable reports whether mail to the member has bounced and the
// address has not been corrected since.
func (s *Store) MemberUnreachable(ctx context.Context, memberID int64) (bool, error) {
	var unreachable bool
	err := s.Pool.QueryRow(ctx, `SELECT unreachable_since IS NOT NULL FROM members WHERE id = $1`, memberID).Scan(&unreachable)
	return unreachable, err
}
