#!/bin/sh
# Runs once, when the primary's volume is first made: a role the replica streams WAL with, and
# pg_hba.conf lines letting it connect for replication (the image's own lines do not cover it).
set -eu
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" \
  -v replication_password="$DOLMAPPER_REPLICATION_PASSWORD" <<'SQL'
CREATE ROLE replicator LOGIN REPLICATION PASSWORD :'replication_password';
SQL
echo "host replication replicator all scram-sha-256" >> "$PGDATA/pg_hba.conf"
