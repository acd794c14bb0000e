-- Welsh (issue 11, item 7). Members already have a language (0001). An
-- action owner gets one too, so the action's emails reach them in it; and
-- a panel in Wales may write every member email in Welsh then English,
-- as the Welsh Language Standards expect.
ALTER TABLE actions ADD COLUMN owner_language text NOT NULL DEFAULT 'en'
    CHECK (owner_language IN ('en', 'cy'));

ALTER TABLE panels ADD COLUMN bilingual boolean NOT NULL DEFAULT false;
