package store

import (
	"context"
	"fmt"
	"strconv"

	"github.com/jackc/pgx/v5"
)

// A forum's meeting agenda (migration 0017): the items the meeting takes,
// in order, with the notes of each item's discussion.

// AgendaItem is one item of a forum's agenda. Position counts from 1.
type AgendaItem struct {
	Position int
	Title    string
	Lead     string
	Minutes  int
	Notes    string
}

// SetAgenda replaces the cycle's agenda with items, in their order, and
// audits the change as by. Notes already recorded stay with the item at
// the same position whose title is unchanged, so setting the same agenda
// again (a retried activity) loses nothing.
func (s *Store) SetAgenda(ctx context.Context, cycleID int64, items []AgendaItem, by string) error {
	err := s.InTx(ctx, func(tx *Tx) error {
		old, err := tx.Agenda(ctx, cycleID)
		if err != nil {
			return err
		}
		if _, err := tx.db.Exec(ctx, `DELETE FROM cycle_agenda WHERE cycle_id = $1`, cycleID); err != nil {
			return err
		}
		for i, it := range items {
			notes := it.Notes
			if i < len(old) && old[i].Title == it.Title && notes == "" {
				notes = old[i].Notes
			}
			if _, err := tx.db.Exec(ctx, `INSERT INTO cycle_agenda (cycle_id, position, title, lead, minutes, notes) VALUES ($1, $2, $3, $4, $5, $6)`,
				cycleID, i+1, it.Title, it.Lead, it.Minutes, notes); err != nil {
				return err
			}
		}
		return tx.Audit(ctx, by, "agenda_set", "cycle", strconv.FormatInt(cycleID, 10), map[string]any{"items": len(items)})
	})
	if err != nil {
		return fmt.Errorf("set the agenda of cycle %d: %w", cycleID, err)
	}
	return nil
}

// Agenda is the cycle's agenda in order; a cycle without one has none.
func (q *Queries) Agenda(ctx context.Context, cycleID int64) ([]AgendaItem, error) {
	rows, _ := q.db.Query(ctx, `SELECT position, title, lead, minutes, notes FROM cycle_agenda WHERE cycle_id = $1 ORDER BY position`, cycleID)
	items, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (AgendaItem, error) {
		var it AgendaItem
		return it, r.Scan(&it.Position, &it.Title, &it.Lead, &it.Minutes, &it.Notes)
	})
	if err != nil {
		return nil, fmt.Errorf("agenda of cycle %d: %w", cycleID, err)
	}
	return items, nil
}

// SetAgendaNotes records the discussion of the agenda item at position,
// replacing earlier notes, audited as by. ErrNotFound when the cycle has
// no such item.
func (s *Store) SetAgendaNotes(ctx context.Context, cycleID int64, position int, notes, by string) error {
	err := s.InTx(ctx, func(tx *Tx) error {
		tag, err := tx.db.Exec(ctx, `UPDATE cycle_agenda SET notes = $3 WHERE cycle_id = $1 AND position = $2`, cycleID, position, notes)
		if err != nil {
			return err
		}
		if tag.RowsAffected() == 0 {
			return ErrNotFound
		}
		return tx.Audit(ctx, by, "agenda_notes", "cycle", strconv.FormatInt(cycleID, 10), map[string]any{"item": position})
	})
	if err != nil {
		return fmt.Errorf("notes of agenda item %d in cycle %d: %w", position, cycleID, err)
	}
	return nil
}
