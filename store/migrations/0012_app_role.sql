-- The server and the worker connect as scrutiny_app, a role that owns
-- nothing: it may read and write rows, but only the owner who runs the
-- migrations may alter or drop a table or a trigger. So the audit log's
-- append-only triggers (0001, 0010) hold against the application itself,
-- and it may not even try to change, delete or truncate audit rows.
--
-- Roles belong to the whole cluster, and several databases on it may be
-- migrated at once, so creating the role tolerates losing that race. An
-- operator may create it beforehand (the migration then needs no CREATEROLE)
-- and gives it a password where the server asks for one:
-- ALTER ROLE scrutiny_app PASSWORD '...'. No password is set here.
DO $$
BEGIN
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'scrutiny_app') THEN
        BEGIN
            CREATE ROLE scrutiny_app LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS;
        EXCEPTION WHEN duplicate_object OR unique_violation THEN
            NULL; -- another database's migration created it first
        END;
    END IF;
    IF EXISTS (SELECT FROM pg_roles WHERE rolname = 'scrutiny_app' AND (rolsuper OR rolbypassrls)) THEN
        RAISE EXCEPTION 'role scrutiny_app must not be a superuser nor bypass row security';
    END IF;
    IF EXISTS (SELECT FROM pg_class c JOIN pg_roles r ON r.oid = c.relowner
               WHERE r.rolname = 'scrutiny_app' AND c.relnamespace = 'public'::regnamespace) THEN
        RAISE EXCEPTION 'role scrutiny_app must not own tables: run the migrations as the schema owner (MIGRATE_DATABASE_URL)';
    END IF;
    EXECUTE format('GRANT CONNECT, TEMPORARY ON DATABASE %I TO scrutiny_app', current_database());
END
$$;

GRANT USAGE ON SCHEMA public TO scrutiny_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO scrutiny_app;
GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO scrutiny_app;
-- The audit log is appended to and read, never changed; the migration
-- history is read (to see that nothing is pending), never written.
REVOKE UPDATE, DELETE ON audit_log FROM scrutiny_app;
REVOKE INSERT, UPDATE, DELETE ON schema_migrations FROM scrutiny_app;

-- Tables and sequences that later migrations create (as the same owner)
-- get the same rights.
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO scrutiny_app;
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO scrutiny_app;
