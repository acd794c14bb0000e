-- Administration: each Area's escalation ladder, and indexes for the
-- audit log's filters.

-- The days after an action's due date on which its manager, then the
-- Area's senior lead, are told it is overdue. Both NULL means the usual
-- ladder (14 and 30 days); an Area sets both or neither, and the senior
-- lead always comes after the manager.
ALTER TABLE areas
    ADD COLUMN escalate_manager_days smallint CHECK (escalate_manager_days BETWEEN 1 AND 365),
    ADD COLUMN escalate_senior_days  smallint CHECK (escalate_senior_days BETWEEN 1 AND 365),
    ADD CONSTRAINT areas_ladder_whole CHECK ((escalate_manager_days IS NULL) = (escalate_senior_days IS NULL)),
    ADD CONSTRAINT areas_ladder_order CHECK (escalate_senior_days > escalate_manager_days);

-- The audit log page lists the newest first, by date and by what was done.
CREATE INDEX audit_log_at ON audit_log (at DESC, id DESC);
CREATE INDEX audit_log_action ON audit_log (action, at DESC);
