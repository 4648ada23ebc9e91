#!/bin/sh
# Runs once, when the database volume is first made (the postgres image's initdb hook): the role
# DolMapper's processes connect as. It owns nothing; the schema owner (POSTGRES_USER) runs the
# migrations and grants it what it needs (docs/security.md, "Database roles").
set -eu
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" \
  -v app_password="$DOLMAPPER_APP_DB_PASSWORD" <<'SQL'
CREATE ROLE dolmapper_app LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS PASSWORD :'app_password';
SQL
