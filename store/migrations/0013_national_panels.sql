-- National Scrutiny Panels and themed draws.
--
-- A panel's kind: a local panel draws from its own Area's cases; a national
-- panel is hosted by an Area (area_id stays, for its staff and scope) but
-- draws from every Area's, stratified by Area as well as strand; a forum
-- meets without reviewing cases.
ALTER TABLE panels
    ADD COLUMN kind text NOT NULL DEFAULT 'local' CHECK (kind IN ('local', 'national', 'forum'));

-- Coded case attributes a theme filters on. Never free text about a person:
-- victim_group is one code of a short documented list (docs/case-import.md),
-- '' when the case was flagged for none.
ALTER TABLE cases
    ADD COLUMN victim_group     text NOT NULL DEFAULT '' CHECK (victim_group IN ('', 'gypsy_roma_traveller', 'asylum_refugee', 'migrant_worker', 'homeless', 'sex_worker')),
    ADD COLUMN youth_victim     boolean NOT NULL DEFAULT false,
    ADD COLUMN online_offending boolean NOT NULL DEFAULT false;

-- The theme a cycle's draw was filtered by (domain.ThemeFilter as JSON);
-- '{}' is no filter.
ALTER TABLE cycles
    ADD COLUMN theme_filter jsonb NOT NULL DEFAULT '{}';

-- A national draw's share of each strand's quota per Area, so the draw can
-- be published and repeated.
CREATE TABLE cycle_area_quotas (
    cycle_id       bigint NOT NULL REFERENCES cycles(id) ON DELETE CASCADE,
    stratum        text NOT NULL REFERENCES strands(code),
    area_id        smallint NOT NULL REFERENCES areas(id),
    quota          integer NOT NULL CHECK (quota >= 0),
    eligible_count integer NOT NULL CHECK (eligible_count >= 0),
    PRIMARY KEY (cycle_id, stratum, area_id)
);
