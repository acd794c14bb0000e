// Package demodata makes a realistic, entirely synthetic dataset — panels for
// the 14 CPS Areas, their members and 20,000 closed cases — so that a
// newcomer running `scrutiny dev` sees a working system at once. `scrutiny
// demo` loads the same data on request.
//
// The same seed always gives the same data. Every address is at example.org
// (reserved by RFC 2606), so no mail can ever reach a real person, and every
// case summary is free of the personal data that case import refuses.
package demodata

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/lsip/scrutiny/domain"
	"github.com/lsip/scrutiny/store"
)

// Options shape the dataset.
type Options struct {
	// Seed picks the dataset: the same seed gives the same panels, members
	// and cases.
	Seed int64
	// Cases is the number of closed cases; zero means 20,000.
	Cases int
	// Now is "today": cases were finalised in the two years before its date.
	// Zero means the current time.
	Now time.Time
}

// Summary counts the demo: the Areas it found and the panels, members and
// cases it wrote.
type Summary struct {
	Areas, Panels, Members, Cases int
}

// ErrNotEmpty is returned by Load when the database already has panels: the
// demo would mix with real or earlier data, so it loads only into an empty
// one.
var ErrNotEmpty = errors.New("demodata: the database already has panels; the demo loads only into an empty one")

// Loaded reports whether the database already has panels, demo or not, so
// that dev loads the demo on its first start only.
func Loaded(ctx context.Context, st *store.Store) (bool, error) {
	var exists bool
	err := st.Pool.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM panels)`).Scan(&exists)
	return exists, err
}

// Load generates the dataset for opts and writes it in one transaction, so
// a failed load leaves nothing behind. It returns ErrNotEmpty, writing
// nothing, when the database already has panels.
func Load(ctx context.Context, st *store.Store, opts Options) (Summary, error) {
	if opts.Cases < 0 {
		return Summary{}, fmt.Errorf("demodata: %d cases requested", opts.Cases)
	}
	if opts.Cases == 0 {
		opts.Cases = 20000
	}
	if opts.Now.IsZero() {
		opts.Now = time.Now()
	}
	g := newGenerator(opts)
	panels := g.panels()
	cases := g.cases(opts.Cases)

	var sum Summary
	err := st.RawTx(ctx, func(tx pgx.Tx) error {
		// A second load running at the same moment waits here, then finds
		// the panels this one wrote.
		if _, err := tx.Exec(ctx, `LOCK TABLE panels IN EXCLUSIVE MODE`); err != nil {
			return err
		}
		var exists bool
		if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM panels)`).Scan(&exists); err != nil {
			return err
		}
		if exists {
			return ErrNotEmpty
		}
		areaIDs, err := areaIDs(ctx, tx)
		if err != nil {
			return err
		}
		// Every Area's senior lead is a demo mailbox, so escalations have
		// somewhere to go.
		if _, err := tx.Exec(ctx, `UPDATE areas SET senior_lead_name = 'DCCP ' || name, senior_lead_email = 'dccp.' || code || '@example.org'`); err != nil {
			return err
		}
		if sum.Members, err = insertPanels(ctx, tx, areaIDs, panels); err != nil {
			return err
		}
		if sum.Cases, _, err = store.UpsertCases(ctx, tx, cases); err != nil {
			return err
		}
		sum.Areas, sum.Panels = len(areaIDs), len(panels)
		return nil
	})
	if err != nil {
		return Summary{}, err
	}
	return sum, nil
}

// areaIDs maps each Area's code to its row, which the migrations create. A
// missing Area means the schema is not migrated, which no demo can fix.
func areaIDs(ctx context.Context, tx pgx.Tx) (map[string]int16, error) {
	rows, err := tx.Query(ctx, `SELECT code, id FROM areas`)
	if err != nil {
		return nil, err
	}
	ids := map[string]int16{}
	var code string
	var id int16
	if _, err := pgx.ForEachRow(rows, []any{&code, &id}, func() error {
		ids[code] = id
		return nil
	}); err != nil {
		return nil, err
	}
	for _, a := range domain.Areas {
		if _, ok := ids[a.Code]; !ok {
			return nil, fmt.Errorf("demodata: Area %q is missing from the database; run the migrations first", a.Code)
		}
	}
	return ids, nil
}

// insertPanels writes the panels in one batch, in order (so the demo's Wales
// panel is always the last, as the README's examples assume), then copies
// in their strands and members. It returns the number of members written.
func insertPanels(ctx context.Context, tx pgx.Tx, areaIDs map[string]int16, panels []panel) (int, error) {
	batch := &pgx.Batch{}
	ids := make([]int64, len(panels))
	for i, p := range panels {
		batch.Queue(`INSERT INTO panels (area_id, name, covers) VALUES ($1, $2, $3) RETURNING id`,
			areaIDs[p.area.Code], p.name, string(p.covers)).QueryRow(func(row pgx.Row) error {
			return row.Scan(&ids[i])
		})
	}
	if err := tx.SendBatch(ctx, batch).Close(); err != nil {
		return 0, fmt.Errorf("insert panels: %w", err)
	}

	var strands, members [][]any
	for i, p := range panels {
		for _, s := range domain.StrandCodes(p.covers.category()) {
			strands = append(strands, []any{ids[i], s})
		}
		for _, m := range p.members {
			members = append(members, []any{ids[i], m.name, m.email, string(m.role), m.leftAt == nil, m.signedOn, m.language, m.leftAt})
		}
	}
	if _, err := tx.CopyFrom(ctx, pgx.Identifier{"panel_strands"}, []string{"panel_id", "strand"}, pgx.CopyFromRows(strands)); err != nil {
		return 0, fmt.Errorf("insert panel strands: %w", err)
	}
	n, err := tx.CopyFrom(ctx, pgx.Identifier{"members"},
		[]string{"panel_id", "name", "email", "role", "active", "confidentiality_signed_on", "language", "left_at"},
		pgx.CopyFromRows(members))
	if err != nil {
		return 0, fmt.Errorf("insert members: %w", err)
	}
	return int(n), nil
}

// generator draws the whole dataset from one seeded stream, always in the
// same order, which is what makes a seed reproduce its data.
type generator struct {
	r *rand.Rand
	// today is Now's calendar date, at midnight UTC so that dates are
	// written as they read.
	today time.Time
	// usedNames keeps every member's name unique across the demo, so no
	// two panels seem to share a person.
	usedNames map[string]bool
}

func newGenerator(opts Options) *generator {
	y, m, d := opts.Now.Date()
	return &generator{
		r:         rand.New(rand.NewPCG(uint64(opts.Seed), 0x15c1a5ca5e5)),
		today:     time.Date(y, m, d, 0, 0, 0, 0, time.UTC),
		usedNames: map[string]bool{},
	}
}

// weighted is a choice and its relative frequency.
type weighted[T any] struct {
	value  T
	weight int
}

// choose draws one value with probability proportional to its weight.
func choose[T any](r *rand.Rand, choices []weighted[T]) T {
	total := 0
	for _, c := range choices {
		total += c.weight
	}
	n := r.IntN(total)
	for _, c := range choices[:len(choices)-1] {
		if n -= c.weight; n < 0 {
			return c.value
		}
	}
	return choices[len(choices)-1].value
}

// pick draws one of options uniformly.
func pick[T any](r *rand.Rand, options []T) T { return options[r.IntN(len(options))] }

// chance reports true with probability percent/100.
func chance(r *rand.Rand, percent int) bool { return r.IntN(100) < percent }
