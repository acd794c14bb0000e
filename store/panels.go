package store

import (
	"context"
	"fmt"
	"strconv"

	"github.com/jackc/pgx/v5"

	"github.com/lsip/scrutiny/domain"
)

// PanelsIn is a page of the panels in the scope, by Area and name, with the
// number in scope. A limit of 0 lists them all.
func (q *Queries) PanelsIn(ctx context.Context, sc Scope, limit, offset int) ([]domain.Panel, int, error) {
	var w filter
	sc.limit(&w, "p.id", "p.area_id")
	var total int
	if err := q.db.QueryRow(ctx, `SELECT count(*) FROM panels p WHERE `+w.sql(), w.args...).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("count panels: %w", err)
	}
	sql := `SELECT p.id, p.name, a.name, p.covers, ARRAY(SELECT strand FROM panel_strands WHERE panel_id = p.id ORDER BY strand),
			(SELECT count(*) FROM members WHERE panel_id = p.id AND active)
		FROM panels p JOIN areas a ON a.id = p.area_id WHERE ` + w.sql() + ` ORDER BY a.name, p.name` + w.page(limit, offset)
	list, err := queryAll(ctx, q.db, "list panels", scanPanel, sql, w.args...)
	return list, total, err
}

func scanPanel(r pgx.CollectableRow) (domain.Panel, error) {
	var p domain.Panel
	return p, r.Scan(&p.ID, &p.Name, &p.Area, &p.Covers, &p.Strands, &p.Members)
}

// PanelIn looks up a panel in the scope with its strands: ErrNotFound when
// there is none, ErrOutOfScope when it is not the user's.
func (q *Queries) PanelIn(ctx context.Context, sc Scope, id int64) (domain.PanelRef, error) {
	w := filter{args: []any{id}}
	sc.limit(&w, "p.id", "p.area_id")
	var p domain.PanelRef
	var in bool
	err := q.db.QueryRow(ctx, `SELECT p.id, p.area_id, ARRAY(SELECT strand FROM panel_strands WHERE panel_id = p.id), `+w.test()+`
		FROM panels p WHERE p.id = $1`, w.args...).Scan(&p.ID, &p.AreaID, &p.Strands, &in)
	return p, visible(err, in, "look up panel "+strconv.FormatInt(id, 10))
}

// CreatePanel adds a panel with its strands and audits it, all at once. A
// name already used in the Area is a unique violation.
func (s *Store) CreatePanel(ctx context.Context, p domain.NewPanel, actor string) (domain.Panel, error) {
	out := domain.Panel{Strands: p.Strands}
	err := s.InTx(ctx, func(tx *Tx) error {
		if err := tx.db.QueryRow(ctx, `INSERT INTO panels (area_id, name, covers) SELECT id, $2, $3 FROM areas WHERE code = $1
				RETURNING id, name, covers, (SELECT name FROM areas WHERE code = $1)`, p.AreaCode, p.Name, p.Covers).
			Scan(&out.ID, &out.Name, &out.Covers, &out.Area); err != nil {
			return err
		}
		if _, err := tx.db.Exec(ctx, `INSERT INTO panel_strands (panel_id, strand) SELECT $1, unnest($2::text[]) ON CONFLICT DO NOTHING`,
			out.ID, p.Strands); err != nil {
			return err
		}
		return tx.Audit(ctx, actor, "panel_created", "panel", strconv.FormatInt(out.ID, 10), nil)
	})
	if err != nil {
		return domain.Panel{}, fmt.Errorf("create panel %q: %w", p.Name, err)
	}
	return out, nil
}
