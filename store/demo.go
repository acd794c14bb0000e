package store

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/lsip/scrutiny/domain"
)

// The statements below serve the synthetic demo and the dev stack only:
// loading the demo dataset and finding the panel its staff accounts work
// with.

// DemoPanel is one panel of the demo dataset, with the strands it lists and
// its members, ready to write.
type DemoPanel struct {
	AreaCode string
	Name     string
	Covers   string // hate_crime, vawg or both, as panels.covers holds it
	Strands  []string
	Members  []DemoMember
	// Kind is the panel's kind; "" is a local panel.
	Kind domain.PanelKind
}

// DemoMember is one person on a demo panel.
type DemoMember struct {
	Name, Email, Language string
	Role                  domain.Role
	SignedOn              *time.Time // the confidentiality agreement; nil until signed
	LeftAt                *time.Time // nil while the member still serves
}

// DemoCounts are what LoadDemo wrote: the Areas it found, and the panels,
// members and cases it added.
type DemoCounts struct {
	Areas, Panels, Members, Cases int
}

// ErrHasPanels is returned by LoadDemo when the database already has
// panels: the demo would mix with real or earlier data.
var ErrHasPanels = errors.New("the database already has panels")

// HasPanels reports whether the database has any panel, demo or not.
func (q *Queries) HasPanels(ctx context.Context) (bool, error) {
	var exists bool
	if err := q.db.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM panels)`).Scan(&exists); err != nil {
		return false, fmt.Errorf("any panels: %w", err)
	}
	return exists, nil
}

// LoadDemo writes the demo's panels and cases in one transaction, so a
// failed load leaves nothing behind, and makes every Area's senior lead a
// demo mailbox so escalations have somewhere to go. Panels are written in
// the order given. It returns ErrHasPanels, writing nothing, when the
// database already has panels.
func (s *Store) LoadDemo(ctx context.Context, panels []DemoPanel, cases []domain.CaseRecord) (DemoCounts, error) {
	var n DemoCounts
	err := s.InTx(ctx, func(tx *Tx) error {
		// A second load running at the same moment waits here, then finds
		// the panels this one wrote.
		if _, err := tx.db.Exec(ctx, `LOCK TABLE panels IN EXCLUSIVE MODE`); err != nil {
			return err
		}
		exists, err := tx.HasPanels(ctx)
		if err != nil {
			return err
		}
		if exists {
			return ErrHasPanels
		}
		areaIDs, err := tx.areaIDs(ctx)
		if err != nil {
			return err
		}
		if _, err := tx.db.Exec(ctx, `UPDATE areas SET senior_lead_name = 'DCCP ' || name, senior_lead_email = 'dccp.' || code || '@example.org'`); err != nil {
			return fmt.Errorf("senior leads: %w", err)
		}
		if n.Members, err = tx.insertDemoPanels(ctx, areaIDs, panels); err != nil {
			return err
		}
		if n.Cases, _, err = tx.UpsertCases(ctx, cases); err != nil {
			return err
		}
		n.Areas, n.Panels = len(areaIDs), len(panels)
		return nil
	})
	if err != nil {
		return DemoCounts{}, fmt.Errorf("load demo: %w", err)
	}
	return n, nil
}

// areaIDs maps each Area's code to its row, which Migrate creates. A
// missing Area means the schema is not migrated.
func (q *Queries) areaIDs(ctx context.Context) (map[string]int16, error) {
	rows, err := q.db.Query(ctx, `SELECT code, id FROM areas`)
	if err != nil {
		return nil, fmt.Errorf("areas: %w", err)
	}
	ids := map[string]int16{}
	var code string
	var id int16
	if _, err := pgx.ForEachRow(rows, []any{&code, &id}, func() error {
		ids[code] = id
		return nil
	}); err != nil {
		return nil, fmt.Errorf("areas: %w", err)
	}
	for _, a := range domain.Areas {
		if _, ok := ids[a.Code]; !ok {
			return nil, fmt.Errorf("Area %q is missing from the database; run the migrations first", a.Code)
		}
	}
	return ids, nil
}

// insertDemoPanels writes the panels in one batch, in order, then copies in
// their strands and members. It returns the number of members written.
func (q *Queries) insertDemoPanels(ctx context.Context, areaIDs map[string]int16, panels []DemoPanel) (int, error) {
	batch := &pgx.Batch{}
	ids := make([]int64, len(panels))
	for i, p := range panels {
		batch.Queue(`INSERT INTO panels (area_id, name, covers, kind) VALUES ($1, $2, $3, $4) RETURNING id`,
			areaIDs[p.AreaCode], p.Name, p.Covers, string(cmp.Or(p.Kind, domain.PanelLocal))).QueryRow(func(row pgx.Row) error {
			return row.Scan(&ids[i])
		})
	}
	if err := q.db.SendBatch(ctx, batch).Close(); err != nil {
		return 0, fmt.Errorf("insert panels: %w", err)
	}

	var strands, members [][]any
	for i, p := range panels {
		for _, s := range p.Strands {
			strands = append(strands, []any{ids[i], s})
		}
		for _, m := range p.Members {
			members = append(members, []any{ids[i], m.Name, m.Email, string(m.Role), m.LeftAt == nil, m.SignedOn, m.Language, m.LeftAt})
		}
	}
	if _, err := q.db.CopyFrom(ctx, pgx.Identifier{"panel_strands"}, []string{"panel_id", "strand"}, pgx.CopyFromRows(strands)); err != nil {
		return 0, fmt.Errorf("insert panel strands: %w", err)
	}
	n, err := q.db.CopyFrom(ctx, pgx.Identifier{"members"},
		[]string{"panel_id", "name", "email", "role", "active", "confidentiality_signed_on", "language", "left_at"},
		pgx.CopyFromRows(members))
	if err != nil {
		return 0, fmt.Errorf("insert members: %w", err)
	}
	return int(n), nil
}

// FirstPanelOfArea returns the first panel made for an Area, with the
// Area's ID; ErrNotFound when the Area has none.
func (q *Queries) FirstPanelOfArea(ctx context.Context, areaCode string) (panelID int64, areaID int16, err error) {
	err = q.db.QueryRow(ctx, `SELECT p.id, p.area_id FROM panels p JOIN areas a ON a.id = p.area_id
		WHERE a.code = $1 ORDER BY p.id LIMIT 1`, areaCode).Scan(&panelID, &areaID)
	if errors.Is(err, pgx.ErrNoRows) {
		return 0, 0, ErrNotFound
	}
	if err != nil {
		return 0, 0, fmt.Errorf("first panel of %s: %w", areaCode, err)
	}
	return panelID, areaID, nil
}
