package store

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/lsip/scrutiny/domain"
)

// UpsertCases writes the records in one statement set inside tx: a case
// whose (Area, reference) already exists is updated in place, strands and
// URN included, so re-importing an extract never duplicates a case. It
// streams the rows with COPY, which keeps a 20,000-case load to seconds.
func UpsertCases(ctx context.Context, tx pgx.Tx, recs []domain.CaseRecord) (inserted, updated int, err error) {
	if _, err := tx.Exec(ctx, `CREATE TEMP TABLE incoming_cases (
		area_code text, reference text, urn text, category text, strands text[],
		principal_offence text, finalised_on date, outcome text,
		uplift_applied boolean, victim_personal_statement boolean, community_impact_statement boolean,
		special_measures boolean, appeal_pending boolean, vrr_pending boolean,
		codefendant_outstanding boolean, complainant_anonymity boolean, youth boolean, summary text
	) ON COMMIT DROP`); err != nil {
		return 0, 0, err
	}
	_, err = tx.CopyFrom(ctx, pgx.Identifier{"incoming_cases"}, []string{
		"area_code", "reference", "urn", "category", "strands", "principal_offence", "finalised_on", "outcome",
		"uplift_applied", "victim_personal_statement", "community_impact_statement", "special_measures",
		"appeal_pending", "vrr_pending", "codefendant_outstanding", "complainant_anonymity", "youth", "summary",
	}, pgx.CopyFromSlice(len(recs), func(i int) ([]any, error) {
		r := recs[i]
		return []any{r.AreaCode, r.Reference, r.URN, string(r.Category), r.Strands, r.PrincipalOffence, r.FinalisedOn, string(r.Outcome),
			r.UpliftApplied, r.VictimPersonalStatement, r.CommunityImpactStatement, r.SpecialMeasures,
			r.AppealPending, r.VRRPending, r.CodefendantOutstanding, r.ComplainantAnonymity, r.Youth, r.Summary}, nil
	}))
	if err != nil {
		return 0, 0, fmt.Errorf("copy cases: %w", err)
	}
	var unknownArea string
	err = tx.QueryRow(ctx, `SELECT i.area_code FROM incoming_cases i LEFT JOIN areas a ON a.code = i.area_code WHERE a.id IS NULL LIMIT 1`).Scan(&unknownArea)
	if err == nil {
		return 0, 0, fmt.Errorf("unknown Area %q", unknownArea)
	}
	if err != pgx.ErrNoRows {
		return 0, 0, err
	}

	err = tx.QueryRow(ctx, `
		WITH upserted AS (
			INSERT INTO cases (area_id, reference, category, principal_offence, finalised_on, outcome,
				uplift_applied, victim_personal_statement, community_impact_statement, special_measures,
				appeal_pending, vrr_pending, codefendant_outstanding, complainant_anonymity, youth, summary)
			SELECT a.id, i.reference, i.category, i.principal_offence, i.finalised_on, i.outcome,
				i.uplift_applied, i.victim_personal_statement, i.community_impact_statement, i.special_measures,
				i.appeal_pending, i.vrr_pending, i.codefendant_outstanding, i.complainant_anonymity, i.youth, i.summary
			FROM incoming_cases i JOIN areas a ON a.code = i.area_code
			ON CONFLICT (area_id, reference) DO UPDATE SET
				category = EXCLUDED.category, principal_offence = EXCLUDED.principal_offence,
				finalised_on = EXCLUDED.finalised_on, outcome = EXCLUDED.outcome,
				uplift_applied = EXCLUDED.uplift_applied, victim_personal_statement = EXCLUDED.victim_personal_statement,
				community_impact_statement = EXCLUDED.community_impact_statement, special_measures = EXCLUDED.special_measures,
				appeal_pending = EXCLUDED.appeal_pending, vrr_pending = EXCLUDED.vrr_pending,
				codefendant_outstanding = EXCLUDED.codefendant_outstanding, complainant_anonymity = EXCLUDED.complainant_anonymity,
				youth = EXCLUDED.youth, summary = EXCLUDED.summary, updated_at = now()
			RETURNING id, area_id, reference, (xmax = 0) AS inserted
		), urns AS (
			INSERT INTO case_urns (case_id, urn)
			SELECT u.id, i.urn FROM upserted u JOIN areas a ON a.id = u.area_id
			JOIN incoming_cases i ON i.area_code = a.code AND i.reference = u.reference
			ON CONFLICT (case_id) DO UPDATE SET urn = EXCLUDED.urn
		), cleared AS (
			DELETE FROM case_strands cs USING upserted u WHERE cs.case_id = u.id
		)
		SELECT count(*) FILTER (WHERE inserted), count(*) FILTER (WHERE NOT inserted) FROM upserted`).Scan(&inserted, &updated)
	if err != nil {
		return 0, 0, fmt.Errorf("upsert cases: %w", err)
	}
	// Strands go in after the DELETE above has run: statements in one WITH
	// see the same snapshot, so the insert must be its own statement.
	if _, err := tx.Exec(ctx, `
		INSERT INTO case_strands (case_id, strand)
		SELECT c.id, s FROM incoming_cases i
		JOIN areas a ON a.code = i.area_code
		JOIN cases c ON c.area_id = a.id AND c.reference = i.reference
		CROSS JOIN LATERAL unnest(i.strands) AS s
		ON CONFLICT DO NOTHING`); err != nil {
		return 0, 0, fmt.Errorf("case strands: %w", err)
	}
	return inserted, updated, nil
}
