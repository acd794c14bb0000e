-- Reviews of cycles started from this release on are saved by the server
-- straight into PostgreSQL, the source of truth, rather than through an
-- update to the member's review workflow: a save costs one transaction, no
-- workflow history. Cycles already running keep the update path, which
-- their review workflows still count saves by.
ALTER TABLE cycles ADD COLUMN reviews_direct boolean NOT NULL DEFAULT false;
