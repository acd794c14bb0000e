-- The draw reads its eligible cases from an index alone (issue 13).
--
-- A draw takes the cases of one strand, finalised in a window, of one Area
-- or of all, narrowed by a theme, and clear of everything that bars
-- scrutiny (store.EligibleCases). Those attributes live in cases, the
-- strand in case_strands, so a national draw read the whole cases table
-- (1,000,000 rows: about 300 ms a strand) and a local one fetched a
-- case_strands row for every case of the Area in the window. Each strand
-- row now carries a copy of its case's attributes the draw filters on, and
-- one index holds them, so the eligible set is an index-only scan.
--
-- The copy is derived from cases only, by triggers, so every writer keeps
-- it (the import, the previous release while an upgrade runs, a person at
-- psql): a strand row takes its case's values when it is inserted, and a
-- change to a case's values is copied to its strand rows. The columns are
-- nullable, without defaults: a writer that does not know them leaves
-- them to the trigger. drawable is case_drawable(cases), the same test as
-- store's caseClear.
ALTER TABLE case_strands
    ADD COLUMN area_id          smallint,
    ADD COLUMN finalised_on     date,
    ADD COLUMN outcome          text,
    ADD COLUMN victim_group     text,
    ADD COLUMN youth_victim     boolean,
    ADD COLUMN online_offending boolean,
    ADD COLUMN drawable         boolean;

-- Whether a case is open to scrutiny at all: not withdrawn, and no appeal,
-- right-to-review request or co-defendant outstanding.
CREATE FUNCTION case_drawable(c cases) RETURNS boolean LANGUAGE sql IMMUTABLE
    RETURN c.withdrawn_at IS NULL AND NOT c.appeal_pending AND NOT c.vrr_pending AND NOT c.codefendant_outstanding;

-- The existing rows, in one statement, before the triggers exist. Cases
-- are held against writers (readers carry on) until the migration
-- commits, so none changes between this copy and its trigger; the ALTER
-- above holds case_strands.
LOCK TABLE cases IN SHARE MODE;
UPDATE case_strands cs
SET area_id = c.area_id, finalised_on = c.finalised_on, outcome = c.outcome, victim_group = c.victim_group,
    youth_victim = c.youth_victim, online_offending = c.online_offending, drawable = case_drawable(c)
FROM cases c WHERE c.id = cs.case_id;

CREATE FUNCTION case_strands_copy_case() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    SELECT c.area_id, c.finalised_on, c.outcome, c.victim_group, c.youth_victim, c.online_offending, case_drawable(c)
    INTO NEW.area_id, NEW.finalised_on, NEW.outcome, NEW.victim_group, NEW.youth_victim, NEW.online_offending, NEW.drawable
    FROM cases c WHERE c.id = NEW.case_id;
    RETURN NEW;
END
$$;

-- A new strand row (or one moved to another case) takes its case's
-- values, whatever the writer gave.
CREATE TRIGGER case_strands_copy_case BEFORE INSERT OR UPDATE OF case_id ON case_strands
    FOR EACH ROW EXECUTE FUNCTION case_strands_copy_case();

CREATE FUNCTION cases_copy_to_strands() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE case_strands SET area_id = NEW.area_id, finalised_on = NEW.finalised_on, outcome = NEW.outcome,
        victim_group = NEW.victim_group, youth_victim = NEW.youth_victim, online_offending = NEW.online_offending,
        drawable = case_drawable(NEW)
    WHERE case_id = NEW.id;
    RETURN NULL;
END
$$;

-- Only when a copied value changes: re-importing an unchanged case
-- rewrites no strand row.
CREATE TRIGGER cases_copy_to_strands AFTER UPDATE ON cases
    FOR EACH ROW
    WHEN ((OLD.area_id, OLD.finalised_on, OLD.outcome, OLD.victim_group, OLD.youth_victim, OLD.online_offending, case_drawable(OLD))
        IS DISTINCT FROM (NEW.area_id, NEW.finalised_on, NEW.outcome, NEW.victim_group, NEW.youth_victim, NEW.online_offending, case_drawable(NEW)))
    EXECUTE FUNCTION cases_copy_to_strands();

-- The draw's index: a strand's cases by finalisation date, then Area (a
-- local draw reads its quarter of the strand and keeps its Area's; a
-- national one reads the window), with what a theme tests, so that no
-- row is read. Barred cases are left out.
CREATE INDEX case_strands_draw ON case_strands (strand, finalised_on, area_id)
    INCLUDE (outcome, victim_group, youth_victim, online_offending, case_id) WHERE drawable;

-- Recording a draw's eligible sets (store.RecordDraw) writes a row per
-- case and strand, and PostgreSQL checked each row's three foreign keys a
-- row at a time, reading and locking every case's row: for a national
-- strand of 2,400 cases, five times the cost of the insert itself. The
-- same rules are now checked once per statement over all its rows: the
-- cycle, strand and case of every row must exist. Deleting a cycle still
-- takes its recorded rows with it, and a case or strand that a draw
-- recorded still cannot be deleted. (No release changes a cycle's, case's
-- or strand's key.)
ALTER TABLE cycle_eligible
    DROP CONSTRAINT cycle_eligible_cycle_id_fkey,
    DROP CONSTRAINT cycle_eligible_stratum_fkey,
    DROP CONSTRAINT cycle_eligible_case_id_fkey;

-- Each test reads the referenced table's key index, with the statement's
-- keys as one array. The statement's cycles and strands are locked against
-- deletion until the transaction ends, as a foreign key locks them; its
-- cases are not, since a lock is a visit to each case's row (most of the
-- cost above) and no release deletes a case: cases_keep_eligible refuses
-- anyone else who tries, once the draw is committed.
CREATE FUNCTION cycle_eligible_check_refs() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF (SELECT count(*) FROM (SELECT FROM cycles WHERE id = ANY (ARRAY(SELECT DISTINCT cycle_id FROM recorded)) FOR KEY SHARE) x)
            <> (SELECT count(DISTINCT cycle_id) FROM recorded)
        OR (SELECT count(*) FROM (SELECT FROM strands WHERE code = ANY (ARRAY(SELECT DISTINCT stratum FROM recorded)) FOR KEY SHARE) x)
            <> (SELECT count(DISTINCT stratum) FROM recorded)
        OR (SELECT count(*) FROM cases WHERE id = ANY (ARRAY(SELECT DISTINCT case_id FROM recorded)))
            <> (SELECT count(DISTINCT case_id) FROM recorded) THEN
        RAISE foreign_key_violation USING MESSAGE = 'cycle_eligible names a cycle, strand or case that does not exist';
    END IF;
    RETURN NULL;
END
$$;
CREATE TRIGGER cycle_eligible_check_insert AFTER INSERT ON cycle_eligible REFERENCING NEW TABLE AS recorded
    FOR EACH STATEMENT EXECUTE FUNCTION cycle_eligible_check_refs();
CREATE TRIGGER cycle_eligible_check_update AFTER UPDATE ON cycle_eligible REFERENCING NEW TABLE AS recorded
    FOR EACH STATEMENT EXECUTE FUNCTION cycle_eligible_check_refs();

CREATE FUNCTION cycles_delete_eligible() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM cycle_eligible WHERE cycle_id = OLD.id;
    RETURN NULL;
END
$$;
CREATE TRIGGER cycles_delete_eligible AFTER DELETE ON cycles FOR EACH ROW EXECUTE FUNCTION cycles_delete_eligible();

CREATE FUNCTION cases_keep_eligible() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF EXISTS (SELECT FROM cycle_eligible WHERE case_id = OLD.id) THEN
        RAISE foreign_key_violation USING MESSAGE = format('case %s is in a recorded draw''s eligible set', OLD.id);
    END IF;
    RETURN OLD;
END
$$;
CREATE TRIGGER cases_keep_eligible BEFORE DELETE ON cases FOR EACH ROW EXECUTE FUNCTION cases_keep_eligible();

CREATE FUNCTION strands_keep_eligible() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF EXISTS (SELECT FROM cycle_eligible WHERE stratum = OLD.code) THEN
        RAISE foreign_key_violation USING MESSAGE = format('strand %s is in a recorded draw', OLD.code);
    END IF;
    RETURN OLD;
END
$$;
CREATE TRIGGER strands_keep_eligible BEFORE DELETE ON strands FOR EACH ROW EXECUTE FUNCTION strands_keep_eligible();
