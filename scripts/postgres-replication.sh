#!/usr/bin/env bash
# Lets a streaming replica on this machine replicate from the local PostgreSQL, for the read
# replica test (tests/store/test_replica.py): adds `host replication all 127.0.0.1/32 trust`
# to the server's pg_hba.conf if no such line is there, and reloads the configuration.
# Idempotent: a second run changes nothing. Loopback only. Exit 0 when replication is
# allowed, 1 when it cannot be (the server's wal_level or max_wal_senders forbid it, or
# pg_hba.conf cannot be written): the test then skips and says why.
#   usage: scripts/postgres-replication.sh [postgresql://postgres@127.0.0.1:5432/postgres]
set -euo pipefail
URL="${1:-postgresql://postgres@127.0.0.1:5432/postgres}"
LINE="host replication all 127.0.0.1/32 trust"

q() { psql "$URL" -XAtqc "$1"; }

if ! q "SELECT 1" >/dev/null 2>&1; then
  echo "postgres-replication: cannot reach $URL" >&2
  exit 1
fi
wal_level="$(q "SHOW wal_level")"
senders="$(q "SHOW max_wal_senders")"
if [ "$wal_level" = minimal ] || [ "$senders" -lt 2 ]; then
  echo "postgres-replication: wal_level=$wal_level max_wal_senders=$senders; a standby needs" \
       "wal_level replica and max_wal_senders >= 2 (pg_basebackup -X stream takes one)," \
       "which takes a server restart" >&2
  exit 1
fi

hba="$(q "SHOW hba_file")"
# A line for replication from 127.0.0.1 (any user, trust) already there: nothing to do.
if grep -Eq '^[[:space:]]*host[[:space:]]+replication[[:space:]]+all[[:space:]]+127\.0\.0\.1/32[[:space:]]+trust' "$hba" 2>/dev/null; then
  exit 0
fi
if [ ! -w "$hba" ]; then
  echo "postgres-replication: $hba lacks '$LINE' and this user cannot add it" >&2
  exit 1
fi
# pg_hba.conf is read top down, first match wins: put the line first, so no earlier
# `host replication ... reject` or password line shadows it.
tmp="$(mktemp "$hba.XXXXXX")"
{ echo "# added by certpass scripts/postgres-replication.sh (read replica test)"
  echo "$LINE"
  cat "$hba"; } >"$tmp"
chown --reference="$hba" "$tmp" && chmod --reference="$hba" "$tmp"
mv "$tmp" "$hba"
[ "$(q "SELECT pg_reload_conf()")" = t ]
echo "postgres-replication: added '$LINE' to $hba and reloaded"
