#!/bin/sh
# Creates or upgrades Temporal's two PostgreSQL databases, persistence
# ("temporal") and visibility ("temporal_visibility"), with the schema
# files of the admin-tools image, which docker-compose.yml pins to the same
# release as the server. Every step is idempotent: create-database ignores
# a database that exists, setup-schema leaves a versioned schema alone, and
# update-schema applies only the versions not yet applied. So this runs on
# every `docker compose up`, and moving both images to a newer release
# upgrades the schema before the new server starts.
#
# The connection comes from SQL_PLUGIN, SQL_HOST, SQL_PORT, SQL_USER and
# SQL_PASSWORD, which temporal-sql-tool reads itself.
set -eu

schema=/etc/temporal/schema/postgresql/v12
for pair in temporal:temporal temporal_visibility:visibility; do
	database=${pair%%:*}
	dir=${pair##*:}
	echo "temporal-schema: $database"
	temporal-sql-tool --db "$database" create-database
	temporal-sql-tool --db "$database" setup-schema -v 0.0
	temporal-sql-tool --db "$database" update-schema -d "$schema/$dir/versioned"
done
echo "temporal-schema: up to date"
