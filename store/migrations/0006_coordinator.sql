-- A member's personal links carry the epoch they were made in. Re-issuing
-- a member's link moves the epoch on, and a link from an earlier epoch no
-- longer opens anything. Links made before this column existed are epoch 0.
ALTER TABLE members ADD COLUMN link_epoch integer NOT NULL DEFAULT 0 CHECK (link_epoch >= 0);
