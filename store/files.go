package store

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/lsip/scrutiny/domain"
)

// File is a generated workbook or an upload. Files live in PostgreSQL so
// that workflows pass only their IDs.
type File struct {
	ID          int64
	Kind        domain.FileKind
	CycleID     *int64
	MemberID    *int64
	Filename    string
	ContentType string
	Content     []byte
	SHA256      string
	CreatedAt   time.Time
}

// SaveFile stores f and returns its ID.
func (q *Queries) SaveFile(ctx context.Context, f File) (int64, error) {
	sum := sha256.Sum256(f.Content)
	var id int64
	err := q.db.QueryRow(ctx, `INSERT INTO files (kind, cycle_id, member_id, filename, content_type, content, sha256)
		VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`,
		f.Kind, f.CycleID, f.MemberID, f.Filename, f.ContentType, f.Content, hex.EncodeToString(sum[:])).Scan(&id)
	if err != nil {
		return 0, fmt.Errorf("save file %s: %w", f.Filename, err)
	}
	return id, nil
}

// FileByID loads a file with its content. A purged file is reported as not
// found: retention has removed it.
func (q *Queries) FileByID(ctx context.Context, id int64) (File, error) {
	var f File
	err := q.db.QueryRow(ctx, `SELECT id, kind, cycle_id, member_id, filename, content_type, content, sha256, created_at
		FROM files WHERE id = $1 AND purged_at IS NULL`, id).
		Scan(&f.ID, &f.Kind, &f.CycleID, &f.MemberID, &f.Filename, &f.ContentType, &f.Content, &f.SHA256, &f.CreatedAt)
	if errors.Is(err, pgx.ErrNoRows) {
		return File{}, ErrNotFound
	}
	if err != nil {
		return File{}, fmt.Errorf("file %d: %w", id, err)
	}
	return f, nil
}
