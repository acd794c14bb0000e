package store

import (
	"context"
	"errors"
	"fmt"
	"strconv"

	"github.com/jackc/pgx/v5"

	"github.com/lsip/scrutiny/domain"
)

// PanelsIn is a page of the panels in the scope, open and closed, by Area
// and name, with the number in scope. A limit of 0 lists them all.
func (q *Queries) PanelsIn(ctx context.Context, sc Scope, limit, offset int) ([]domain.Panel, int, error) {
	var w filter
	sc.limit(&w, "p.id", "p.area_id")
	return q.panels(ctx, w, limit, offset)
}

// OpenPanelsIn is every open panel in the scope, by Area and name: those
// a cycle may be started for.
func (q *Queries) OpenPanelsIn(ctx context.Context, sc Scope) ([]domain.Panel, error) {
	var w filter
	sc.limit(&w, "p.id", "p.area_id")
	w.add("p.active = ?", true)
	list, _, err := q.panels(ctx, w, 0, 0)
	return list, err
}

// PanelByID looks up one panel in the scope as listed: ErrNotFound when
// there is none, ErrOutOfScope when it is not the user's.
func (q *Queries) PanelByID(ctx context.Context, sc Scope, id int64) (domain.Panel, error) {
	w := filter{args: []any{id}}
	sc.limit(&w, "p.id", "p.area_id")
	var p domain.Panel
	var in bool
	err := q.db.QueryRow(ctx, `SELECT `+panelColumns+`, `+w.test()+` FROM panels p JOIN areas a ON a.id = p.area_id WHERE p.id = $1`, w.args...).
		Scan(&p.ID, &p.Name, &p.Area, &p.Covers, &p.Strands, &p.Members, &p.Active, &p.Kind, &p.Bilingual, &in)
	return p, visible(err, in, "look up panel "+strconv.FormatInt(id, 10))
}

// panels is a page of the panels w selects, with the number it selects.
func (q *Queries) panels(ctx context.Context, w filter, limit, offset int) ([]domain.Panel, int, error) {
	var total int
	if err := q.db.QueryRow(ctx, `SELECT count(*) FROM panels p WHERE `+w.sql(), w.args...).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("count panels: %w", err)
	}
	sql := `SELECT ` + panelColumns + ` FROM panels p JOIN areas a ON a.id = p.area_id WHERE ` + w.sql() + ` ORDER BY a.name, p.name` + w.page(limit, offset)
	list, err := queryAll(ctx, q.db, "list panels", scanPanel, sql, w.args...)
	return list, total, err
}

// panelColumns are a listed panel's columns, in scanPanel's order.
const panelColumns = `p.id, p.name, a.name, p.covers, ARRAY(SELECT strand FROM panel_strands WHERE panel_id = p.id ORDER BY strand),
	(SELECT count(*) FROM members WHERE panel_id = p.id AND active), p.active, p.kind, p.bilingual`

func scanPanel(r pgx.CollectableRow) (domain.Panel, error) {
	var p domain.Panel
	return p, r.Scan(&p.ID, &p.Name, &p.Area, &p.Covers, &p.Strands, &p.Members, &p.Active, &p.Kind, &p.Bilingual)
}

// PanelIn looks up a panel in the scope with its strands: ErrNotFound when
// there is none, ErrOutOfScope when it is not the user's.
func (q *Queries) PanelIn(ctx context.Context, sc Scope, id int64) (domain.PanelRef, error) {
	w := filter{args: []any{id}}
	sc.limit(&w, "p.id", "p.area_id")
	var p domain.PanelRef
	var in bool
	err := q.db.QueryRow(ctx, `SELECT p.id, p.area_id, ARRAY(SELECT strand FROM panel_strands WHERE panel_id = p.id), p.active, p.kind, `+w.test()+`
		FROM panels p WHERE p.id = $1`, w.args...).Scan(&p.ID, &p.AreaID, &p.Strands, &p.Active, &p.Kind, &in)
	return p, visible(err, in, "look up panel "+strconv.FormatInt(id, 10))
}

// CreatePanel adds a panel with its strands and audits it, all at once. A
// name already used in the Area is a unique violation.
func (s *Store) CreatePanel(ctx context.Context, p domain.NewPanel, actor string) (domain.Panel, error) {
	out := domain.Panel{Strands: p.Strands, Active: true}
	kind := p.Kind
	if kind == "" {
		kind = domain.PanelLocal
	}
	err := s.InTx(ctx, func(tx *Tx) error {
		if err := tx.db.QueryRow(ctx, `INSERT INTO panels (area_id, name, covers, kind, bilingual) SELECT id, $2, $3, $4, $5 FROM areas WHERE code = $1
				RETURNING id, name, covers, kind, bilingual, (SELECT name FROM areas WHERE code = $1)`, p.AreaCode, p.Name, p.Covers, kind, p.Bilingual).
			Scan(&out.ID, &out.Name, &out.Covers, &out.Kind, &out.Bilingual, &out.Area); err != nil {
			return err
		}
		if _, err := tx.db.Exec(ctx, `INSERT INTO panel_strands (panel_id, strand) SELECT $1, unnest($2::text[]) ON CONFLICT DO NOTHING`,
			out.ID, p.Strands); err != nil {
			return err
		}
		return tx.Audit(ctx, actor, "panel_created", "panel", strconv.FormatInt(out.ID, 10), map[string]any{"kind": kind, "bilingual": p.Bilingual})
	})
	if err != nil {
		return domain.Panel{}, fmt.Errorf("create panel %q: %w", p.Name, err)
	}
	return out, nil
}

// UpdatePanel renames a panel and sets what it covers, its strands and
// whether it writes to members in both languages, and audits the change, all at once: ErrNotFound when there is no such
// panel, and a unique violation when the name is taken in its Area.
// Running cycles keep the quotas they started with.
func (s *Store) UpdatePanel(ctx context.Context, id int64, ch domain.PanelChange, actor string) error {
	err := s.InTx(ctx, func(tx *Tx) error {
		tag, err := tx.db.Exec(ctx, `UPDATE panels SET name = $2, covers = $3, bilingual = $4 WHERE id = $1`, id, ch.Name, ch.Covers, ch.Bilingual)
		if err != nil {
			return err
		}
		if tag.RowsAffected() == 0 {
			return ErrNotFound
		}
		if _, err := tx.db.Exec(ctx, `DELETE FROM panel_strands WHERE panel_id = $1 AND strand <> ALL($2::text[])`, id, ch.Strands); err != nil {
			return err
		}
		if _, err := tx.db.Exec(ctx, `INSERT INTO panel_strands (panel_id, strand) SELECT $1, unnest($2::text[]) ON CONFLICT DO NOTHING`, id, ch.Strands); err != nil {
			return err
		}
		return tx.Audit(ctx, actor, "panel_updated", "panel", strconv.FormatInt(id, 10), map[string]any{"covers": ch.Covers, "strands": len(ch.Strands), "bilingual": ch.Bilingual})
	})
	if err != nil {
		return fmt.Errorf("update panel %d: %w", id, err)
	}
	return nil
}

// ClosePanel closes a panel, so that it starts no new cycles, and audits
// it; closing a closed panel changes nothing. Its cycles, members and
// actions stay on record, and cycles already running carry on.
func (s *Store) ClosePanel(ctx context.Context, id int64, actor string) error {
	err := s.InTx(ctx, func(tx *Tx) error {
		var was bool
		err := tx.db.QueryRow(ctx, `UPDATE panels p SET active = false FROM panels prev WHERE p.id = $1 AND prev.id = p.id RETURNING prev.active`, id).Scan(&was)
		if errors.Is(err, pgx.ErrNoRows) {
			return ErrNotFound
		}
		if err != nil || !was {
			return err
		}
		return tx.Audit(ctx, actor, "panel_closed", "panel", strconv.FormatInt(id, 10), nil)
	})
	if err != nil {
		return fmt.Errorf("close panel %d: %w", id, err)
	}
	return nil
}
