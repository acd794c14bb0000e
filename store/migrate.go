package store

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"sort"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/lsip/scrutiny/domain"
)

//go:embed migrations/*.sql
var migrationFiles embed.FS

// migrationLockKey is the advisory-lock key that serialises migrations, so
// that a server and a worker starting together do not both apply them.
const migrationLockKey int64 = 0x736372757469 // "scruti" in ASCII

// AppRole is the role the server and the worker connect as (migration
// 0012 creates it): it reads and writes rows but owns nothing, so it can
// neither alter nor drop a table or trigger, and it may only append to the
// audit log. The migrations run as the schema's owner.
const AppRole = "scrutiny_app"

// AppRoleURL is the connection URL url with its user replaced by AppRole
// and no password, for a server that trusts local connections (the dev
// stack's and the tests'). In production the operator writes DATABASE_URL
// with the role's password.
func AppRoleURL(raw string) (string, error) {
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql") {
		return "", errors.New("the database URL must be a postgres:// URL")
	}
	u.User = url.User(AppRole)
	return u.String(), nil
}

// Migration is one versioned schema change.
type Migration struct {
	Version int
	Name    string
	SQL     string
}

// Migrations returns the embedded migrations in version order. File names
// are NNNN_name.sql.
func Migrations() ([]Migration, error) {
	entries, err := fs.ReadDir(migrationFiles, "migrations")
	if err != nil {
		return nil, err
	}
	var out []Migration
	for _, e := range entries {
		prefix, name, ok := strings.Cut(strings.TrimSuffix(e.Name(), ".sql"), "_")
		if !ok {
			return nil, fmt.Errorf("migration %s: name must be NNNN_name.sql", e.Name())
		}
		v, err := strconv.Atoi(prefix)
		if err != nil {
			return nil, fmt.Errorf("migration %s: %w", e.Name(), err)
		}
		body, err := migrationFiles.ReadFile("migrations/" + e.Name())
		if err != nil {
			return nil, err
		}
		out = append(out, Migration{Version: v, Name: name, SQL: string(body)})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Version < out[j].Version })
	return out, nil
}

// Migrate applies every migration not yet applied, each in its own
// transaction, then brings the reference data (Areas, strands) in line with
// package domain. A session advisory lock makes concurrent callers wait for
// each other instead of racing. It returns the versions it applied.
//
// The app role may call it too: with nothing pending it only brings the
// reference data in line; a pending migration then fails for want of
// privileges, saying to run it as the owner.
func (s *Store) Migrate(ctx context.Context) ([]int, error) {
	conn, err := s.pool.Acquire(ctx)
	if err != nil {
		return nil, fmt.Errorf("migrate: %w", err)
	}
	defer conn.Release()
	if _, err := conn.Exec(ctx, `SELECT pg_advisory_lock($1)`, migrationLockKey); err != nil {
		return nil, fmt.Errorf("take migration lock: %w", err)
	}
	defer conn.Exec(context.WithoutCancel(ctx), `SELECT pg_advisory_unlock($1)`, migrationLockKey)

	// CREATE TABLE IF NOT EXISTS would need the right to create tables
	// even when the table is there, which the app role lacks.
	var exists bool
	if err := conn.QueryRow(ctx, `SELECT to_regclass('schema_migrations') IS NOT NULL`).Scan(&exists); err != nil {
		return nil, fmt.Errorf("look for schema_migrations: %w", err)
	}
	if !exists {
		if _, err := conn.Exec(ctx, `CREATE TABLE schema_migrations (
			version integer PRIMARY KEY,
			name text NOT NULL,
			applied_at timestamptz NOT NULL DEFAULT now())`); err != nil {
			return nil, fmt.Errorf("create schema_migrations%s: %w", ownerHint(err), err)
		}
	}
	applied := map[int]bool{}
	rows, err := conn.Query(ctx, `SELECT version FROM schema_migrations`)
	if err != nil {
		return nil, fmt.Errorf("read schema_migrations: %w", err)
	}
	versions, err := pgx.CollectRows(rows, pgx.RowTo[int])
	if err != nil {
		return nil, fmt.Errorf("read schema_migrations: %w", err)
	}
	for _, v := range versions {
		applied[v] = true
	}

	migrations, err := Migrations()
	if err != nil {
		return nil, err
	}
	var done []int
	for _, m := range migrations {
		if applied[m.Version] {
			continue
		}
		err := pgx.BeginFunc(ctx, conn, func(tx pgx.Tx) error {
			if _, err := tx.Exec(ctx, m.SQL); err != nil {
				return err
			}
			_, err := tx.Exec(ctx, `INSERT INTO schema_migrations (version, name) VALUES ($1, $2)`, m.Version, m.Name)
			return err
		})
		if err != nil {
			return done, fmt.Errorf("migration %04d_%s%s: %w", m.Version, m.Name, ownerHint(err), err)
		}
		done = append(done, m.Version)
	}
	if err := syncReferenceData(ctx, conn.Conn()); err != nil {
		return done, err
	}
	return done, nil
}

// ownerHint explains a refusal for want of privileges: the migrations
// were run as a role that does not own the schema, such as the app role.
func ownerHint(err error) string {
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) && pgErr.Code == "42501" {
		return " (run migrations as the schema owner: set MIGRATE_DATABASE_URL)"
	}
	return ""
}

// syncReferenceData upserts the Areas and strands from package domain, the
// single place they are defined.
func syncReferenceData(ctx context.Context, conn *pgx.Conn) error {
	return pgx.BeginFunc(ctx, conn, func(tx pgx.Tx) error {
		for _, a := range domain.Areas {
			if _, err := tx.Exec(ctx, `INSERT INTO areas (code, name) VALUES ($1, $2)
				ON CONFLICT (code) DO UPDATE SET name = EXCLUDED.name`, a.Code, a.Name); err != nil {
				return fmt.Errorf("reference data, area %s: %w", a.Code, err)
			}
		}
		for _, st := range domain.Strands {
			if _, err := tx.Exec(ctx, `INSERT INTO strands (code, label, category) VALUES ($1, $2, $3)
				ON CONFLICT (code) DO UPDATE SET label = EXCLUDED.label, category = EXCLUDED.category`,
				st.Code, st.Label, string(st.Category)); err != nil {
				return fmt.Errorf("reference data, strand %s: %w", st.Code, err)
			}
		}
		return nil
	})
}

// EnsureDatabase creates the database name on the server at adminURL if it
// is missing, and returns the URL that reaches it as the same user. The dev
// stack uses it to make its own database on a server it did not start.
func EnsureDatabase(ctx context.Context, adminURL, name string) (string, error) {
	conn, err := pgx.Connect(ctx, adminURL)
	if err != nil {
		return "", err
	}
	defer conn.Close(context.WithoutCancel(ctx))
	var exists bool
	if err := conn.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)`, name).Scan(&exists); err != nil {
		return "", fmt.Errorf("look for database %s: %w", name, err)
	}
	if !exists {
		if _, err := conn.Exec(ctx, `CREATE DATABASE `+pgx.Identifier{name}.Sanitize()); err != nil {
			return "", fmt.Errorf("create database %s: %w", name, err)
		}
	}
	c := conn.Config()
	return fmt.Sprintf("postgres://%s@%s:%d/%s?sslmode=disable", c.User, c.Host, c.Port, name), nil
}
