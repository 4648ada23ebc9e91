#!/bin/sh
# The replica's entry point: on first start, copy the primary with pg_basebackup (-R writes
# standby.signal and the connection back to the primary), then run as a hot standby that
# streams from it (docs/operations.md, "A read replica").
set -eu
if [ ! -s "$PGDATA/PG_VERSION" ]; then
  mkdir -p "$PGDATA"
  chown postgres:postgres "$PGDATA"
  chmod 700 "$PGDATA"
  until gosu postgres env PGPASSWORD="$DOLMAPPER_REPLICATION_PASSWORD" \
      pg_basebackup -h db -U replicator -D "$PGDATA" -R -X stream -c fast; do
    echo "waiting for the primary to accept the replica" >&2
    rm -rf "${PGDATA:?}"/*
    sleep 3
  done
fi
exec gosu postgres postgres -c hot_standby=on -c hot_standby_feedback=on
