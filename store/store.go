// Package store is scrutiny's PostgreSQL layer: the connection pool, the
// versioned schema and the queries the rest of the system runs. PostgreSQL is
// the source of truth; workflows keep only IDs and small state.
package store

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
)

// Store is scrutiny's database. Every SQL statement the system runs is a
// method of Queries, which a Store runs on its pool and a Tx inside one
// transaction; no pgx handle leaves this package. Its methods are safe for
// concurrent use.
type Store struct {
	Queries
	// pool is what Queries runs on outside a transaction, and what InTx
	// and Migrate take connections from.
	pool *pgxpool.Pool
}

// Queries holds every statement. Its methods are promoted to Store, which
// runs them on the pool, and to Tx, which runs them in a transaction.
type Queries struct {
	db db
}

// Tx is one transaction, given to the function passed to Store.InTx.
type Tx struct {
	Queries
}

// db is what both the pool and a transaction offer.
type db interface {
	Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error)
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
	CopyFrom(ctx context.Context, table pgx.Identifier, columns []string, rows pgx.CopyFromSource) (int64, error)
	SendBatch(ctx context.Context, b *pgx.Batch) pgx.BatchResults
}

// Open connects to PostgreSQL and checks the connection answers.
func Open(ctx context.Context, url string) (*Store, error) {
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		return nil, fmt.Errorf("parse DATABASE_URL: %w", err)
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("connect to PostgreSQL: %w", err)
	}
	if err := pool.Ping(ctx); err != nil {
		pool.Close()
		return nil, fmt.Errorf("connect to PostgreSQL at %s: %w", cfg.ConnConfig.Host, err)
	}
	return &Store{Queries: Queries{db: pool}, pool: pool}, nil
}

// Close releases every connection.
func (s *Store) Close() { s.pool.Close() }

// Ping reports whether PostgreSQL answers; /readyz uses it.
func (s *Store) Ping(ctx context.Context) error { return s.pool.Ping(ctx) }

// ErrNotFound is returned when a looked-up row does not exist.
var ErrNotFound = errors.New("not found")

// InTx runs fn in a transaction, committing when it returns nil and
// rolling back otherwise.
func (s *Store) InTx(ctx context.Context, fn func(*Tx) error) error {
	return pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error { return fn(&Tx{Queries{db: tx}}) })
}

// IsConstraintViolation reports whether PostgreSQL refused a write
// because it breaks one of the schema's rules (SQLSTATE class 23: a check,
// a foreign key, uniqueness, not-null), naming the rule. Retrying such a
// write can never succeed.
func IsConstraintViolation(err error) (constraint string, ok bool) {
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) && strings.HasPrefix(pgErr.Code, "23") {
		return pgErr.ConstraintName, true
	}
	return "", false
}

// IsUniqueViolation reports whether err is PostgreSQL's unique_violation,
// naming the constraint so callers can say which value clashed.
func IsUniqueViolation(err error) (constraint string, ok bool) {
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) && pgErr.Code == "23505" {
		return pgErr.ConstraintName, true
	}
	return "", false
}
