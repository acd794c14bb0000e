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
	return st.HasPanels(ctx)
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
	// Drawn after the rest, so a seed's local panels and cases stay as
	// they were before national panels and themes existed.
	panels = append(panels, g.nationalPanel())
	g.flagThemes(cases)

	n, err := st.LoadDemo(ctx, storePanels(panels), cases)
	if errors.Is(err, store.ErrHasPanels) {
		return Summary{}, ErrNotEmpty
	}
	if err != nil {
		return Summary{}, err
	}
	return Summary{Areas: n.Areas, Panels: n.Panels, Members: n.Members, Cases: n.Cases}, nil
}

// storePanels turns the generated panels into what the store writes, in
// the same order, so the demo's Wales panel is always the last local one
// (panel 20, as the README's examples assume) and the national panel
// follows it. Each panel lists every strand of what it
// covers.
func storePanels(panels []panel) []store.DemoPanel {
	out := make([]store.DemoPanel, len(panels))
	for i, p := range panels {
		sp := store.DemoPanel{AreaCode: p.area.Code, Name: p.name, Covers: string(p.covers), Strands: domain.StrandCodes(p.covers.category()), Kind: p.kind}
		for _, m := range p.members {
			sp.Members = append(sp.Members, store.DemoMember{
				Name: m.name, Email: m.email, Language: m.language, Role: m.role, SignedOn: m.signedOn, LeftAt: m.leftAt,
			})
		}
		out[i] = sp
	}
	return out
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
