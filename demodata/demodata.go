// Package demodata makes a realistic, entirely synthetic dataset — the 14
// CPS Areas' panels, their members and 20,000 closed cases — so that a
// newcomer running `scrutiny dev` sees a working system at once. The same
// seed always gives the same data. Every address is at example.org, which
// can never reach a real person.
package demodata

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/lsip/scrutiny/domain"
	"github.com/lsip/scrutiny/store"
)

// Options shape the dataset.
type Options struct {
	Seed  int64
	Cases int       // default 20,000
	Now   time.Time // finalised dates fall in the two years before it
}

// Summary counts what was loaded.
type Summary struct {
	Areas, Panels, Members, Cases int
}

// Loaded reports whether the database already has panels, in which case
// dev does not load the demo again.
func Loaded(ctx context.Context, st *store.Store) (bool, error) {
	var n int
	err := st.Pool.QueryRow(ctx, `SELECT count(*) FROM panels`).Scan(&n)
	return n > 0, err
}

// ErrNotEmpty is returned when the database already has panels.
var ErrNotEmpty = errors.New("demodata: the database already has panels; the demo loads only into an empty one")

// Load writes the dataset in one transaction.
func Load(ctx context.Context, st *store.Store, opts Options) (Summary, error) {
	if opts.Cases == 0 {
		opts.Cases = 20000
	}
	if opts.Now.IsZero() {
		opts.Now = time.Now()
	}
	if loaded, err := Loaded(ctx, st); err != nil {
		return Summary{}, err
	} else if loaded {
		return Summary{}, ErrNotEmpty
	}
	g := &generator{r: rand.New(rand.NewPCG(uint64(opts.Seed), 0x5c7a71)), now: opts.Now}
	sum := Summary{Areas: len(domain.Areas)}
	err := st.InTx(ctx, func(tx pgx.Tx) error {
		// Every Area's senior lead is a demo mailbox, so escalations have
		// somewhere to go.
		if _, err := tx.Exec(ctx, `UPDATE areas SET senior_lead_name = 'DCCP ' || name, senior_lead_email = 'dccp.' || code || '@example.org'`); err != nil {
			return err
		}
		panels := g.panels()
		for _, p := range panels {
			var id int64
			if err := tx.QueryRow(ctx, `INSERT INTO panels (area_id, name, covers) SELECT id, $2, $3 FROM areas WHERE code = $1 RETURNING id`,
				p.area.Code, p.name, p.covers).Scan(&id); err != nil {
				return fmt.Errorf("panel %s: %w", p.name, err)
			}
			for _, s := range p.strands {
				if _, err := tx.Exec(ctx, `INSERT INTO panel_strands (panel_id, strand) VALUES ($1, $2)`, id, s); err != nil {
					return err
				}
			}
			for _, m := range g.members(p) {
				if _, err := tx.Exec(ctx, `INSERT INTO members (panel_id, name, email, role, active, confidentiality_signed_on, language)
					VALUES ($1, $2, $3, $4, $5, $6, $7)`, id, m.name, m.email, m.role, m.active, m.signed, m.language); err != nil {
					return fmt.Errorf("member %s: %w", m.name, err)
				}
				sum.Members++
			}
			sum.Panels++
		}
		cases := g.cases(opts.Cases)
		inserted, _, err := store.UpsertCases(ctx, tx, cases)
		sum.Cases = inserted
		return err
	})
	return sum, err
}

// generator draws everything from one seeded stream, in a fixed order.
type generator struct {
	r   *rand.Rand
	now time.Time
}

type panel struct {
	area    domain.Area
	name    string
	covers  string
	strands []string
}

// bigAreas have separate hate-crime and VAWG panels; the rest have one
// panel covering both.
var bigAreas = map[string]bool{"london-north": true, "london-south": true, "west-midlands": true, "north-west": true, "yorkshire-humberside": true, "east-of-england": true}

func (g *generator) panels() []panel {
	var out []panel
	for _, a := range domain.Areas {
		if bigAreas[a.Code] {
			out = append(out,
				panel{a, a.Name + " Hate Crime Scrutiny Panel", "hate_crime", domain.StrandCodes(domain.HateCrime)},
				panel{a, a.Name + " VAWG Scrutiny Panel", "vawg", domain.StrandCodes(domain.VAWG)})
			continue
		}
		out = append(out, panel{a, a.Name + " Local Scrutiny and Involvement Panel", "both", domain.StrandCodes("")})
	}
	return out
}

type member struct {
	name, email, role, language string
	active                      bool
	signed                      *time.Time
}

var firstNames = []string{"Amara", "Bethan", "Chidi", "Deepa", "Eilidh", "Farhan", "Gareth", "Hana", "Imran", "Jasmine", "Kwame", "Lowri", "Mei", "Niamh", "Olu", "Priya", "Rhys", "Sana", "Tomasz", "Uzma", "Viktor", "Wen", "Yusuf", "Zainab", "Aled", "Brenda", "Ceri", "Dafydd", "Grace", "Marcus", "Ruth", "Sam"}
var lastNames = []string{"Ahmed", "Begum", "Campbell", "Davies", "Evans", "Fernandes", "Green", "Hughes", "Iqbal", "Jones", "Kowalski", "Lewis", "Morgan", "Nwosu", "Okafor", "Patel", "Quinn", "Rahman", "Singh", "Thomas", "Williams", "Yildiz", "Zhang", "Owusu", "Roberts", "Price"}

func (g *generator) members(p panel) []member {
	n := 6 + g.r.IntN(4)
	used := map[string]bool{}
	var out []member
	for i := range n {
		var name string
		for name == "" || used[name] {
			name = firstNames[g.r.IntN(len(firstNames))] + " " + lastNames[g.r.IntN(len(lastNames))]
		}
		used[name] = true
		role := "member"
		switch {
		case i == 0:
			role = "chair"
		case i == 1:
			role = "staff"
		case i == 2 || (i == 3 && g.r.IntN(2) == 0):
			role = "adviser"
		}
		m := member{
			name:     name,
			email:    strings.ToLower(strings.ReplaceAll(name, " ", ".")) + "@example.org",
			role:     role,
			language: "en",
			active:   i < 3 || g.r.IntN(20) != 0,
		}
		if p.area.Code == "wales" && g.r.IntN(3) == 0 {
			m.language = "cy"
		}
		if i < 3 || g.r.IntN(8) != 0 {
			signed := g.now.AddDate(0, -1-g.r.IntN(30), 0).Truncate(24 * time.Hour)
			m.signed = &signed
		}
		out = append(out, m)
	}
	return out
}

// areaWeights roughly follow caseload: the London and metropolitan Areas
// finalise more cases.
var areaWeights = map[string]int{
	"london-north": 12, "london-south": 11, "west-midlands": 10, "north-west": 10, "yorkshire-humberside": 9,
	"east-of-england": 7, "south-east": 7, "south-west": 5, "wessex": 5, "mersey-cheshire": 6, "north-east": 5,
	"east-midlands": 6, "thames-chiltern": 6, "wales": 6,
}

// strandWeights follow the shape of national figures: race dominates hate
// crime and domestic abuse dominates VAWG.
var strandWeights = []struct {
	code   string
	weight int
}{
	{"race", 30}, {"religion", 5}, {"disability", 5}, {"sexual_orientation", 7}, {"transgender_identity", 2}, {"older_people", 3},
	{"domestic_abuse", 32}, {"rape", 4}, {"sexual_offences", 5}, {"stalking_harassment", 5},
	{"honour_based_abuse", 1}, {"forced_marriage", 1}, {"fgm", 1}, {"trafficking", 1},
}

var outcomeWeights = []struct {
	outcome domain.Outcome
	weight  int
}{
	{domain.ConvictionPlea, 62}, {domain.ConvictionTrial, 14}, {domain.Discontinued, 12}, {domain.Acquittal, 7}, {domain.Dismissed, 3}, {domain.OtherOutcome, 2},
}

func (g *generator) cases(n int) []store.CaseRecord {
	out := make([]store.CaseRecord, 0, n)
	serial := map[string]int{}
	for range n {
		area := g.area()
		strand := g.strand()
		st, _ := domain.StrandByCode(strand)
		strands := []string{strand}
		if g.r.IntN(100) < 8 {
			if second := g.strand(); second != strand {
				strands = append(strands, second)
			}
		}
		outcome := g.outcome()
		finalised := g.now.AddDate(0, 0, -1-g.r.IntN(730)).Truncate(24 * time.Hour)
		serial[area.Code]++
		convicted := outcome == domain.ConvictionPlea || outcome == domain.ConvictionTrial
		sexual := strand == "rape" || strand == "sexual_offences"
		rec := store.CaseRecord{
			AreaCode:                 area.Code,
			Reference:                fmt.Sprintf("%s-%s-%s-%05d", areaPrefix(area.Code), categoryPrefix(st.Category), finalised.Format("06"), serial[area.Code]),
			URN:                      fmt.Sprintf("DEMO%02d%07d", g.r.IntN(99), g.r.IntN(9999999)),
			Category:                 st.Category,
			Strands:                  strands,
			PrincipalOffence:         pick(g.r, offences[strand]),
			FinalisedOn:              finalised,
			Outcome:                  outcome,
			UpliftApplied:            st.Category == domain.HateCrime && convicted && g.r.IntN(100) < 70,
			VictimPersonalStatement:  g.r.IntN(100) < 60,
			CommunityImpactStatement: st.Category == domain.HateCrime && g.r.IntN(100) < 20,
			SpecialMeasures:          (sexual || strand == "domestic_abuse") && g.r.IntN(100) < 55,
			AppealPending:            convicted && g.r.IntN(100) < 3,
			VRRPending:               !convicted && g.r.IntN(100) < 6,
			CodefendantOutstanding:   g.r.IntN(100) < 2,
			ComplainantAnonymity:     sexual || containsAny(strands, "rape", "sexual_offences"),
			Youth:                    g.r.IntN(100) < 7,
		}
		rec.Summary = g.summary(strand, rec)
		out = append(out, rec)
	}
	return out
}

func (g *generator) area() domain.Area {
	total := 0
	for _, a := range domain.Areas {
		total += areaWeights[a.Code]
	}
	n := g.r.IntN(total)
	for _, a := range domain.Areas {
		if n -= areaWeights[a.Code]; n < 0 {
			return a
		}
	}
	return domain.Areas[0]
}

func (g *generator) strand() string {
	total := 0
	for _, s := range strandWeights {
		total += s.weight
	}
	n := g.r.IntN(total)
	for _, s := range strandWeights {
		if n -= s.weight; n < 0 {
			return s.code
		}
	}
	return "race"
}

func (g *generator) outcome() domain.Outcome {
	n := g.r.IntN(100)
	for _, o := range outcomeWeights {
		if n -= o.weight; n < 0 {
			return o.outcome
		}
	}
	return domain.ConvictionPlea
}

func areaPrefix(code string) string {
	parts := strings.Split(code, "-")
	if len(parts) == 1 {
		return strings.ToUpper(code[:3])
	}
	var b strings.Builder
	for _, p := range parts {
		b.WriteByte(p[0] - 'a' + 'A')
	}
	return b.String()
}

func categoryPrefix(c domain.Category) string {
	if c == domain.HateCrime {
		return "HC"
	}
	return "VA"
}

func pick(r *rand.Rand, options []string) string { return options[r.IntN(len(options))] }

func containsAny(list []string, want ...string) bool {
	for _, s := range list {
		for _, w := range want {
			if s == w {
				return true
			}
		}
	}
	return false
}
