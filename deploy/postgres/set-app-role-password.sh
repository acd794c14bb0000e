#!/bin/sh
# Gives the role scrutiny_app, which store migration 0012 creates without a
# password, the password in SCRUTINY_APP_PASSWORD, so that the server and
# the worker can sign in as it (DATABASE_URL) while only `scrutiny migrate`
# holds the schema owner's password. Runs after migrate on every
# `docker compose up`: changing the password in .env and running up again
# rotates it (restart server and worker to reconnect).
#
# The connection comes from PGHOST, PGUSER, PGPASSWORD and PGDATABASE. The
# password travels as a psql variable, quoted by psql, never pasted into SQL.
set -eu

: "${SCRUTINY_APP_PASSWORD:?SCRUTINY_APP_PASSWORD is not set}"
psql --no-psqlrc --set ON_ERROR_STOP=1 --set pw="$SCRUTINY_APP_PASSWORD" --quiet <<'SQL'
ALTER ROLE scrutiny_app PASSWORD :'pw';
SQL
echo "app-role: scrutiny_app's password set"
