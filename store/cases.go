package store

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/lsip/scrutiny/domain"
)

// UpsertCases writes the records in one statement set: a case whose (Area,
// reference) already exists is updated in place, strands and URN included,
// so re-importing an extract never duplicates a case. It streams the rows
// with COPY into a temporary table dropped at commit, which keeps a
// 20,000-case load to seconds and is why it needs a transaction.
func (tx *Tx) UpsertCases(ctx context.Context, recs []domain.CaseRecord) (inserted, updated int, err error) {
	if _, err := tx.db.Exec(ctx, `CREATE TEMP TABLE incoming_cases (
		area_code text, reference text, urn text, category text, strands text[],
		principal_offence text, finalised_on date, outcome text,
		uplift_applied boolean, victim_personal_statement boolean, community_impact_statement boolean,
		special_measures boolean, appeal_pending boolean, vrr_pending boolean,
		codefendant_outstanding boolean, complainant_anonymity boolean, youth boolean, summary text,
		victim_group text, youth_victim boolean, online_offending boolean
	) ON COMMIT DROP`); err != nil {
		return 0, 0, fmt.Errorf("stage cases: %w", err)
	}
	_, err = tx.db.CopyFrom(ctx, pgx.Identifier{"incoming_cases"}, []string{
		"area_code", "reference", "urn", "category", "strands", "principal_offence", "finalised_on", "outcome",
		"uplift_applied", "victim_personal_statement", "community_impact_statement", "special_measures",
		"appeal_pending", "vrr_pending", "codefendant_outstanding", "complainant_anonymity", "youth", "summary",
		"victim_group", "youth_victim", "online_offending",
	}, pgx.CopyFromSlice(len(recs), func(i int) ([]any, error) {
		r := recs[i]
		return []any{r.AreaCode, r.Reference, r.URN, string(r.Category), r.Strands, r.PrincipalOffence, r.FinalisedOn, string(r.Outcome),
			r.UpliftApplied, r.VictimPersonalStatement, r.CommunityImpactStatement, r.SpecialMeasures,
			r.AppealPending, r.VRRPending, r.CodefendantOutstanding, r.ComplainantAnonymity, r.Youth, r.Summary,
			string(r.VictimGroup), r.YouthVictim, r.OnlineOffending}, nil
	}))
	if err != nil {
		return 0, 0, fmt.Errorf("copy cases: %w", err)
	}
	var unknownArea string
	err = tx.db.QueryRow(ctx, `SELECT i.area_code FROM incoming_cases i LEFT JOIN areas a ON a.code = i.area_code WHERE a.id IS NULL LIMIT 1`).Scan(&unknownArea)
	if err == nil {
		return 0, 0, fmt.Errorf("unknown Area %q", unknownArea)
	}
	if !errors.Is(err, pgx.ErrNoRows) {
		return 0, 0, fmt.Errorf("check Areas: %w", err)
	}

	err = tx.db.QueryRow(ctx, `
		WITH upserted AS (
			INSERT INTO cases (area_id, reference, category, principal_offence, finalised_on, outcome,
				uplift_applied, victim_personal_statement, community_impact_statement, special_measures,
				appeal_pending, vrr_pending, codefendant_outstanding, complainant_anonymity, youth, summary,
				victim_group, youth_victim, online_offending)
			SELECT a.id, i.reference, i.category, i.principal_offence, i.finalised_on, i.outcome,
				i.uplift_applied, i.victim_personal_statement, i.community_impact_statement, i.special_measures,
				i.appeal_pending, i.vrr_pending, i.codefendant_outstanding, i.complainant_anonymity, i.youth, i.summary,
				i.victim_group, i.youth_victim, i.online_offending
			FROM incoming_cases i JOIN areas a ON a.code = i.area_code
			ON CONFLICT (area_id, reference) DO UPDATE SET
				category = EXCLUDED.category, principal_offence = EXCLUDED.principal_offence,
				finalised_on = EXCLUDED.finalised_on, outcome = EXCLUDED.outcome,
				uplift_applied = EXCLUDED.uplift_applied, victim_personal_statement = EXCLUDED.victim_personal_statement,
				community_impact_statement = EXCLUDED.community_impact_statement, special_measures = EXCLUDED.special_measures,
				appeal_pending = EXCLUDED.appeal_pending, vrr_pending = EXCLUDED.vrr_pending,
				codefendant_outstanding = EXCLUDED.codefendant_outstanding, complainant_anonymity = EXCLUDED.complainant_anonymity,
				youth = EXCLUDED.youth, summary = EXCLUDED.summary, victim_group = EXCLUDED.victim_group,
				youth_victim = EXCLUDED.youth_victim, online_offending = EXCLUDED.online_offending, updated_at = now()
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
	if _, err := tx.db.Exec(ctx, `
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

// ImportCases writes the checked records of one extract in one
// transaction: the cases, a row in imports recording the file by name and
// SHA-256, and an audit entry with the counts. It returns the import's ID
// and how many cases were new and how many updated. importedBy names the
// person for the audit log and may not be blank.
func (s *Store) ImportCases(ctx context.Context, filename, sha256, importedBy string, recs []domain.CaseRecord) (importID int64, inserted, updated int, err error) {
	if strings.TrimSpace(importedBy) == "" {
		return 0, 0, 0, errors.New("import cases: the importer's name is required for the audit log")
	}
	err = s.InTx(ctx, func(tx *Tx) error {
		var err error
		if inserted, updated, err = tx.UpsertCases(ctx, recs); err != nil {
			return err
		}
		err = tx.db.QueryRow(ctx, `INSERT INTO imports (filename, sha256, rows_total, inserted, updated, imported_by)
			VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
			filename, sha256, len(recs), inserted, updated, importedBy).Scan(&importID)
		if err != nil {
			return fmt.Errorf("record import: %w", err)
		}
		return tx.Audit(ctx, importedBy, "import_cases", "import", strconv.FormatInt(importID, 10),
			map[string]any{"rows": len(recs), "inserted": inserted, "updated": updated})
	})
	if err != nil {
		return 0, 0, 0, fmt.Errorf("import %s: %w", filename, err)
	}
	return importID, inserted, updated, nil
}
