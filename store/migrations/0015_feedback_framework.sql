-- The common feedback framework (issue 11): one shared list of learning
-- themes that every Area's learning points are filed under, and the
-- settings of the six-monthly Board report.

-- learning_themes is the shared, documented list (docs/feedback-framework.md).
-- The built-in themes are seeded here; admins add more on /admin/themes.
-- A theme is never deleted: learning points filed under it keep it.
CREATE TABLE learning_themes (
    code       text PRIMARY KEY CHECK (code ~ '^[a-z][a-z0-9_]{1,39}$'),
    label      text NOT NULL CHECK (label <> '' AND length(label) <= 80),
    built_in   boolean NOT NULL DEFAULT false,
    created_by text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX learning_themes_label ON learning_themes (lower(label));

INSERT INTO learning_themes (code, label, built_in, created_by) VALUES
    ('charging', 'Charging decisions', true, 'system'),
    ('hostility_evidence', 'Hostility evidence', true, 'system'),
    ('victim_care', 'Victim and witness care', true, 'system'),
    ('disclosure', 'Disclosure', true, 'system'),
    ('language', 'Language and communication', true, 'system'),
    ('joint_working', 'Joint working with partners', true, 'system'),
    ('timeliness', 'Timeliness', true, 'system');

-- A learning point's theme. The existing tag says who the point is for
-- (prosecution, police, partners), which is not a theme, so points
-- recorded before this change have no theme (NULL) and are counted as
-- "not themed" until one is given.
ALTER TABLE learning_points ADD COLUMN theme text REFERENCES learning_themes (code);
CREATE INDEX learning_points_theme ON learning_points (theme);

-- board_report_settings is the one row of the six-monthly Board report's
-- settings: who receives it and when it runs (first_month and six months
-- later, on day_of_month, at 08:00 UK time).
CREATE TABLE board_report_settings (
    id           boolean PRIMARY KEY DEFAULT true CHECK (id),
    recipients   text[] NOT NULL CHECK (cardinality(recipients) > 0),
    day_of_month smallint NOT NULL CHECK (day_of_month BETWEEN 1 AND 28),
    first_month  smallint NOT NULL CHECK (first_month BETWEEN 1 AND 6),
    updated_by   text NOT NULL,
    updated_at   timestamptz NOT NULL DEFAULT now()
);
