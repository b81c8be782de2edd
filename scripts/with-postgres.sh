#!/usr/bin/env bash
# Runs a command with DATABASE_URL pointing at PostgreSQL: the server on 127.0.0.1:5432 when
# one answers, otherwise a throwaway cluster made with initdb/pg_ctl and removed afterwards.
set -euo pipefail
if [ -n "${DATABASE_URL:-}" ]; then exec "$@"; fi

PGBIN="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n1)"
PATH="$PGBIN:$PATH"

if [ -z "${IMPULSA_PG_THROWAWAY:-}" ] && pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null && psql -h 127.0.0.1 -U postgres -c 'select 1' -tA >/dev/null 2>&1; then
    echo "Using the PostgreSQL server on 127.0.0.1:5432"
    export DATABASE_URL="postgres://postgres@127.0.0.1:5432/impulsa"
    exec "$@"
fi

echo "No PostgreSQL answering on 127.0.0.1:5432: starting a throwaway cluster"
command -v initdb >/dev/null || { echo "initdb not found: install the postgresql package" >&2; exit 1; }
dir="$(mktemp -d /tmp/impulsa-pg.XXXXXX)"
port="${IMPULSA_PG_PORT:-55432}"
runas=()
if [ "$(id -u)" -eq 0 ]; then
    id postgres >/dev/null 2>&1 || useradd --system --no-create-home postgres
    chown postgres "$dir"
    runas=(runuser -u postgres --)
fi
cleanup() {
    "${runas[@]}" pg_ctl -D "$dir/data" -m immediate stop >/dev/null 2>&1 || true
    rm -rf "$dir"
}
trap cleanup EXIT
"${runas[@]}" initdb -D "$dir/data" -U postgres --auth=trust -E UTF8 >/dev/null
"${runas[@]}" pg_ctl -D "$dir/data" -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c fsync=off" -l "$dir/log" -w start >/dev/null
export DATABASE_URL="postgres://postgres@127.0.0.1:$port/impulsa"
"$@"
