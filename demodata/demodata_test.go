package demodata_test

import (
	"context"
	"errors"
	"regexp"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/lsip/scrutiny/caseimport"
	"github.com/lsip/scrutiny/demodata"
	"github.com/lsip/scrutiny/store"
	"github.com/lsip/scrutiny/testenv"
)

// now is "today" for every load in these tests; mid-afternoon, so that a
// date taken from the wrong time zone would show.
var now = time.Date(2026, 11, 23, 15, 4, 5, 0, time.UTC)

func TestLoad(t *testing.T) {
	st := testenv.DB(t)
	ctx := context.Background()
	if loaded, err := demodata.Loaded(ctx, st); err != nil || loaded {
		t.Fatalf("Loaded on an empty database = %v, %v; want false", loaded, err)
	}
	sum, err := demodata.Load(ctx, st, demodata.Options{Seed: 7, Cases: 2000, Now: now})
	if err != nil {
		t.Fatal(err)
	}
	if sum.Areas != 14 || sum.Panels < 18 || sum.Panels > 22 || sum.Members < 130 || sum.Members > 170 || sum.Cases != 2000 {
		t.Errorf("summary %+v, want 14 Areas, 18-22 panels, 130-170 members, 2000 cases", sum)
	}
	stored := demodata.Summary{
		Areas:   count(t, st, `SELECT count(*) FROM areas`),
		Panels:  count(t, st, `SELECT count(*) FROM panels`),
		Members: count(t, st, `SELECT count(*) FROM members`),
		Cases:   count(t, st, `SELECT count(*) FROM cases`),
	}
	if stored != sum {
		t.Errorf("database holds %+v, Load reported %+v", stored, sum)
	}

	// Each query counts rows that break a rule; all must be zero.
	for _, rule := range []struct {
		what, sql string
		args      []any
	}{
		{what: "Areas without a panel", sql: `SELECT count(*) FROM areas a WHERE NOT EXISTS (SELECT 1 FROM panels p WHERE p.area_id = a.id)`},
		{what: "panels without exactly one chair", sql: `SELECT count(*) FROM panels p
			WHERE (SELECT count(*) FROM members m WHERE m.panel_id = p.id AND m.role = 'chair') <> 1`},
		{what: "panels without exactly one staff member", sql: `SELECT count(*) FROM panels p
			WHERE (SELECT count(*) FROM members m WHERE m.panel_id = p.id AND m.role = 'staff') <> 1`},
		{what: "panels without an adviser", sql: `SELECT count(*) FROM panels p
			WHERE NOT EXISTS (SELECT 1 FROM members m WHERE m.panel_id = p.id AND m.role = 'adviser')`},
		{what: "panels with fewer than 6 or more than 9 members", sql: `SELECT count(*) FROM panels p
			WHERE (SELECT count(*) FROM members m WHERE m.panel_id = p.id) NOT BETWEEN 6 AND 9`},
		{what: "panel strands outside what the panel covers", sql: `SELECT count(*) FROM panel_strands ps
			JOIN panels p ON p.id = ps.panel_id JOIN strands s ON s.code = ps.strand WHERE p.covers NOT IN ('both', s.category)`},
		{what: "strands a panel covers but does not list", sql: `SELECT count(*) FROM panels p JOIN strands s ON p.covers IN ('both', s.category)
			WHERE NOT EXISTS (SELECT 1 FROM panel_strands ps WHERE ps.panel_id = p.id AND ps.strand = s.code)`},
		{what: "members with an address outside example.org", sql: `SELECT count(*) FROM members WHERE email NOT LIKE '%_@example.org'`},
		{what: "inactive members without a leaving date, or leavers still active", sql: `SELECT count(*) FROM members WHERE active = (left_at IS NOT NULL)`},
		{what: "members outside Wales preferring Welsh", sql: `SELECT count(*) FROM members m JOIN panels p ON p.id = m.panel_id
			JOIN areas a ON a.id = p.area_id WHERE m.language = 'cy' AND a.code <> 'wales'`},
		{what: "cases with no strand in their category, or more than two strands", sql: `SELECT count(*) FROM cases c
			WHERE NOT EXISTS (SELECT 1 FROM case_strands cs JOIN strands s ON s.code = cs.strand WHERE cs.case_id = c.id AND s.category = c.category)
			OR (SELECT count(*) FROM case_strands cs WHERE cs.case_id = c.id) NOT IN (1, 2)`},
		{what: "rape and sexual offence cases without complainant anonymity", sql: `SELECT count(*) FROM cases c WHERE NOT c.complainant_anonymity
			AND EXISTS (SELECT 1 FROM case_strands cs WHERE cs.case_id = c.id AND cs.strand IN ('rape', 'sexual_offences'))`},
		{what: "cases finalised outside the two years before today", sql: `SELECT count(*) FROM cases
			WHERE finalised_on >= $1::date OR finalised_on < $1::date - interval '2 years'`, args: []any{now.Format(time.DateOnly)}},
		{what: "uplifts without a conviction for a hostility strand", sql: `SELECT count(*) FROM cases c WHERE c.uplift_applied
			AND (c.outcome NOT IN ('conviction_plea', 'conviction_trial') OR NOT EXISTS (SELECT 1 FROM case_strands cs WHERE cs.case_id = c.id
				AND cs.strand IN ('race', 'religion', 'disability', 'sexual_orientation', 'transgender_identity')))`},
		{what: "appeals pending without a conviction", sql: `SELECT count(*) FROM cases WHERE appeal_pending AND outcome NOT IN ('conviction_plea', 'conviction_trial')`},
		{what: "references not shaped like LN-HC-24-00123", sql: `SELECT count(*) FROM cases WHERE reference !~ '^[A-Z]{2}-(HC|VA)-[0-9]{2}-[0-9]{5}$'`},
		{what: "references whose category part disagrees with the case", sql: `SELECT count(*) FROM cases
			WHERE split_part(reference, '-', 2) <> CASE category WHEN 'hate_crime' THEN 'HC' ELSE 'VA' END`},
		{what: "victim groups outside hate crime, bar sex workers in VAWG", sql: `SELECT count(*) FROM cases WHERE victim_group <> ''
			AND NOT ((category = 'hate_crime' AND victim_group <> 'sex_worker') OR (category = 'vawg' AND victim_group = 'sex_worker'))`},
		{what: "national panels not reviewing every hate crime strand", sql: `SELECT count(*) FROM panels p WHERE p.kind = 'national'
			AND (p.covers <> 'hate_crime' OR (SELECT count(*) FROM panel_strands ps WHERE ps.panel_id = p.id) <> (SELECT count(*) FROM strands WHERE category = 'hate_crime'))`},
		{what: "cases without a fictional URN", sql: `SELECT count(*) FROM cases c
			WHERE NOT EXISTS (SELECT 1 FROM case_urns u WHERE u.case_id = c.id AND u.urn LIKE 'DEMO%')`},
	} {
		if n := count(t, st, rule.sql, rule.args...); n != 0 {
			t.Errorf("%d %s", n, rule.what)
		}
	}

	// And these are the shape a newcomer should see.
	for _, want := range []struct {
		what, sql string
		min, max  int
	}{
		{"Areas with separate hate crime and VAWG panels", `SELECT count(*) FROM (SELECT area_id FROM panels WHERE kind = 'local' GROUP BY area_id HAVING count(*) = 2) x`, 3, 8},
		{"national panels", `SELECT count(*) FROM panels WHERE kind = 'national'`, 1, 1},
		{"Areas with hate crime cases against Gypsy, Roma and Traveller victims, for a themed national draw", `SELECT count(DISTINCT area_id) FROM cases
			WHERE victim_group = 'gypsy_roma_traveller'`, 3, 14},
		{"hate crime cases flagged with a victim group (per thousand)", `SELECT 1000 * count(*) FILTER (WHERE victim_group <> '') / count(*) FROM cases
			WHERE category = 'hate_crime'`, 60, 200},
		{"cases with a victim under 18 (per thousand)", `SELECT 1000 * count(*) FILTER (WHERE youth_victim) / count(*) FROM cases`, 30, 120},
		{"cases with online offending (per thousand)", `SELECT 1000 * count(*) FILTER (WHERE online_offending) / count(*) FROM cases`, 50, 160},
		{"members yet to sign the confidentiality agreement", `SELECT count(*) FROM members WHERE confidentiality_signed_on IS NULL`, 2, 15},
		{"inactive members", `SELECT count(*) FROM members WHERE NOT active`, 1, 4},
		{"Welsh-speaking members in Wales", `SELECT count(*) FROM members m JOIN panels p ON p.id = m.panel_id
			JOIN areas a ON a.id = p.area_id WHERE m.language = 'cy' AND a.code = 'wales'`, 1, 9},
		{"two-strand cases (per thousand)", `SELECT 1000 * count(*) / 2000 FROM (SELECT case_id FROM case_strands GROUP BY case_id HAVING count(*) = 2) x`, 50, 110},
		{"appeals pending (per thousand)", `SELECT 1000 * count(*) FILTER (WHERE appeal_pending) / count(*) FROM cases`, 2, 50},
		{"VRRs pending (per thousand)", `SELECT 1000 * count(*) FILTER (WHERE vrr_pending) / count(*) FROM cases`, 2, 50},
		{"co-defendants outstanding (per thousand)", `SELECT 1000 * count(*) FILTER (WHERE codefendant_outstanding) / count(*) FROM cases`, 2, 50},
		{"youth cases (per thousand)", `SELECT 1000 * count(*) FILTER (WHERE youth) / count(*) FROM cases`, 20, 120},
		{"hate crime convictions with an uplift (per thousand)", `SELECT 1000 * count(*) FILTER (WHERE uplift_applied) / count(*) FROM cases
			WHERE category = 'hate_crime' AND outcome IN ('conviction_plea', 'conviction_trial')`, 500, 900},
		{"convictions after a guilty plea (per thousand)", `SELECT 1000 * count(*) FILTER (WHERE outcome = 'conviction_plea') / count(*) FROM cases`, 500, 750},
	} {
		if n := count(t, st, want.sql); n < want.min || n > want.max {
			t.Errorf("%d %s, want %d to %d", n, want.what, want.min, want.max)
		}
	}

	order := texts(t, st, `SELECT outcome FROM cases GROUP BY outcome ORDER BY count(*) DESC, outcome`)
	if len(order) < 3 || order[0] != "conviction_plea" || order[1] != "conviction_trial" {
		t.Errorf("outcomes from most to least common: %v; want pleas, then trials", order)
	}
	top := texts(t, st, `SELECT DISTINCT ON (s.category) cs.strand FROM case_strands cs JOIN strands s ON s.code = cs.strand
		GROUP BY s.category, cs.strand ORDER BY s.category, count(*) DESC`)
	if len(top) != 2 || top[0] != "race" || top[1] != "domestic_abuse" {
		t.Errorf("most common strand per category: %v; want race and domestic_abuse", top)
	}

	summaries := texts(t, st, `SELECT summary FROM cases`)
	personal := regexp.MustCompile(`(?i)[a-z0-9._%+-]+@[a-z0-9.-]+|\b0\d{9,10}\b|\+44|\b[A-Z]{1,2}[0-9][A-Z0-9]? ?[0-9][A-Z]{2}\b`)
	sentenceEnd := regexp.MustCompile(`[.?!](\s|$)`)
	for _, s := range summaries {
		if personal.MatchString(s) {
			t.Errorf("summary has an email, phone number or postcode: %q", s)
		}
		if kind := caseimport.PersonalData(s); kind != "" {
			t.Errorf("case import would refuse this summary as holding %s: %q", kind, s)
		}
		if n := len(sentenceEnd.FindAllString(s, -1)); n < 2 || n > 4 {
			t.Errorf("summary has %d sentences, want 2 to 4: %q", n, s)
		}
	}

	if loaded, err := demodata.Loaded(ctx, st); err != nil || !loaded {
		t.Errorf("Loaded after Load = %v, %v; want true", loaded, err)
	}
	if _, err := demodata.Load(ctx, st, demodata.Options{Seed: 8, Cases: 10, Now: now}); !errors.Is(err, demodata.ErrNotEmpty) {
		t.Errorf("second Load: got %v, want ErrNotEmpty", err)
	}
	if n := count(t, st, `SELECT count(*) FROM cases`); n != 2000 {
		t.Errorf("after the refused second load there are %d cases, want 2000", n)
	}
}

func TestLoadIsDeterministic(t *testing.T) {
	checksum := func(seed int64) string {
		st := testenv.DB(t)
		if _, err := demodata.Load(context.Background(), st, demodata.Options{Seed: seed, Cases: 2000, Now: now}); err != nil {
			t.Fatal(err)
		}
		var sum string
		err := testenv.SQL(t, st).QueryRow(context.Background(), `SELECT
			(SELECT md5(string_agg(concat_ws('|', a.code, c.reference, u.urn, c.category, c.principal_offence, c.finalised_on, c.outcome,
				c.uplift_applied, c.victim_personal_statement, c.community_impact_statement, c.special_measures, c.appeal_pending,
				c.vrr_pending, c.codefendant_outstanding, c.complainant_anonymity, c.youth, c.summary,
				(SELECT string_agg(cs.strand, ',' ORDER BY cs.strand) FROM case_strands cs WHERE cs.case_id = c.id)), E'\n' ORDER BY a.code, c.reference))
			FROM cases c JOIN areas a ON a.id = c.area_id JOIN case_urns u ON u.case_id = c.id)
			|| (SELECT md5(string_agg(concat_ws('|', p.name, p.covers, m.name, m.email, m.role, m.active, m.confidentiality_signed_on,
				m.language, m.left_at), E'\n' ORDER BY p.name, m.email))
			FROM members m JOIN panels p ON p.id = m.panel_id)`).Scan(&sum)
		if err != nil {
			t.Fatal(err)
		}
		return sum
	}
	first := checksum(7)
	if again := checksum(7); again != first {
		t.Error("the same seed gave different data")
	}
	if other := checksum(8); other == first {
		t.Error("a different seed gave the same data")
	}
}

// BenchmarkLoad20000 loads the full demo, as dev does on its first start,
// into a fresh database each time; making the database is not timed.
func BenchmarkLoad20000(b *testing.B) {
	for range b.N {
		b.StopTimer()
		st := testenv.DB(b)
		b.StartTimer()
		if _, err := demodata.Load(context.Background(), st, demodata.Options{Seed: 1, Cases: 20000, Now: now}); err != nil {
			b.Fatal(err)
		}
	}
}

// count runs a query returning one number.
func count(t *testing.T, st *store.Store, sql string, args ...any) int {
	t.Helper()
	var n int
	if err := testenv.SQL(t, st).QueryRow(context.Background(), sql, args...).Scan(&n); err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
	return n
}

// texts runs a query returning one text column.
func texts(t *testing.T, st *store.Store, sql string) []string {
	t.Helper()
	rows, err := testenv.SQL(t, st).Query(context.Background(), sql)
	if err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
	out, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
	return out
}
