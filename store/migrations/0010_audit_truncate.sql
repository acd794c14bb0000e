-- The audit log refuses UPDATE and DELETE row by row (0001); TRUNCATE
-- skips row triggers, so it is refused by a statement trigger of its own.
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only();
