-- A forum's meeting agenda (issue 11, forums without case review). A forum
-- cycle reviews no cases: its meeting follows this agenda, and the minutes
-- record each item's discussion in its notes. Position counts from 1.
CREATE TABLE cycle_agenda (
    cycle_id bigint  NOT NULL REFERENCES cycles(id) ON DELETE CASCADE,
    position integer NOT NULL CHECK (position > 0),
    title    text    NOT NULL CHECK (title <> '' AND length(title) <= 200),
    lead     text    NOT NULL DEFAULT '' CHECK (length(lead) <= 120),
    minutes  integer NOT NULL DEFAULT 0 CHECK (minutes BETWEEN 0 AND 480),
    notes    text    NOT NULL DEFAULT '',
    PRIMARY KEY (cycle_id, position)
);
