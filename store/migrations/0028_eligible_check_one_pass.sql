-- cycle_eligible's statement-level reference check (migration 0024) read
-- the statement's rows six times: a DISTINCT and a count(DISTINCT) for
-- each of the cycle, the strand and the case. Recording a local draw's
-- ~1,200 eligible rows spent about 5 ms in it on a loaded machine; it
-- now reads them once, gathering the three sets of keys together, and
-- tests each set against its table's key index as before (about 4 ms).
-- The rule is unchanged: every cycle, strand and case a statement names
-- must exist, and its cycles and strands are locked against deletion
-- until the transaction ends. A statement of no rows has nothing to check.
CREATE OR REPLACE FUNCTION cycle_eligible_check_refs() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    cycle_ids bigint[];
    strata    text[];
    case_ids  bigint[];
BEGIN
    SELECT array_agg(DISTINCT cycle_id), array_agg(DISTINCT stratum), array_agg(DISTINCT case_id)
    INTO cycle_ids, strata, case_ids FROM recorded;
    IF case_ids IS NULL THEN
        RETURN NULL;
    END IF;
    IF (SELECT count(*) FROM (SELECT FROM cycles WHERE id = ANY (cycle_ids) FOR KEY SHARE) x) <> cardinality(cycle_ids)
        OR (SELECT count(*) FROM (SELECT FROM strands WHERE code = ANY (strata) FOR KEY SHARE) x) <> cardinality(strata)
        OR (SELECT count(*) FROM cases WHERE id = ANY (case_ids)) <> cardinality(case_ids) THEN
        RAISE foreign_key_violation USING MESSAGE = 'cycle_eligible names a cycle, strand or case that does not exist';
    END IF;
    RETURN NULL;
END
$$;
