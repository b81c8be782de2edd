#!/usr/bin/env bash
# `make cluster`: the scaled-out topology on one machine, for a look and for the cluster tests.
# A PostgreSQL primary and a streaming standby (throwaway data directories), Redis, an
# S3-compatible server (moto; production uses a real S3-compatible store), two app nodes on
# two ports and two task workers sharing the queue. Demo data is loaded once. Ctrl-C stops
# everything it started and removes the data directories.
#
# Ports: IMPULSA_CLUSTER_PORT (8000) for node A, +1 node B, +2 Redis, +3 the S3 server,
# +4 and +5 the PostgreSQL primary and standby. IMPULSA_CACHE_URL set beforehand uses that
# Redis instead of starting one.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
BASE="${IMPULSA_CLUSTER_PORT:-8000}"
NODE_A=$BASE
NODE_B=$((BASE + 1))
REDIS_PORT=$((BASE + 2))
S3_PORT=$((BASE + 3))
PG_PORT=$((BASE + 4))
dir="$(mktemp -d /tmp/impulsa-cluster.XXXXXX)"
pids=()

stop() {
    trap - INT TERM EXIT
    echo
    echo "Stopping the cluster..."
    # Newest first: app nodes and workers before the servers they use.
    for ((i = ${#pids[@]} - 1; i >= 0; i--)); do kill -TERM "${pids[i]}" 2>/dev/null || true; done
    wait 2>/dev/null || true
    rm -rf "$dir"
    echo "Stopped."
}
trap 'stop; exit 0' INT TERM
trap stop EXIT

wait_for() { # wait_for WHAT COMMAND...
    local what=$1
    shift
    for _ in $(seq 1 600); do
        if "$@" >/dev/null 2>&1; then return 0; fi
        sleep 0.2
    done
    echo "$what did not start (logs in $dir)" >&2
    exit 1
}

echo "PostgreSQL primary and standby on ports $PG_PORT and $((PG_PORT + 1))"
$PY -m tests.cluster.pg "$dir/pg.json" "$PG_PORT" >"$dir/pg.log" 2>&1 &
pids+=($!)
wait_for "PostgreSQL" test -s "$dir/pg.json"
PRIMARY_URL="$($PY -c 'import json,sys; print(json.load(open(sys.argv[1]))["primary"])' "$dir/pg.json")"
STANDBY_URL="$($PY -c 'import json,sys; print(json.load(open(sys.argv[1]))["standby"])' "$dir/pg.json")"

if [ -z "${IMPULSA_CACHE_URL:-}" ]; then
    command -v redis-server >/dev/null || { echo "redis-server is missing: scripts/install-system-deps.sh installs it" >&2; exit 1; }
    echo "Redis on port $REDIS_PORT"
    redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save "" --appendonly no >"$dir/redis.log" 2>&1 &
    pids+=($!)
    export IMPULSA_CACHE_URL="redis://127.0.0.1:$REDIS_PORT/0"
    wait_for "Redis" redis-cli -p "$REDIS_PORT" ping
fi

echo "S3-compatible server (moto) on port $S3_PORT"
.venv/bin/moto_server -H 127.0.0.1 -p "$S3_PORT" >"$dir/s3.log" 2>&1 &
pids+=($!)
wait_for "the S3 server" curl -fsS "http://127.0.0.1:$S3_PORT/moto-api/"

export DJANGO_DEBUG="${DJANGO_DEBUG:-1}"
export IMPULSA_SMS_BACKEND="${IMPULSA_SMS_BACKEND:-file}"
export IMPULSA_SMS_FILE="${IMPULSA_SMS_FILE:-$dir/sms.jsonl}"
export IMPULSA_SITE_URL="${IMPULSA_SITE_URL:-http://127.0.0.1:$NODE_A}"
export DATABASE_URL="$PRIMARY_URL"
export DATABASE_REPLICA_URL="$STANDBY_URL"
export IMPULSA_S3_BUCKET=impulsa-media
export IMPULSA_S3_ENDPOINT_URL="http://127.0.0.1:$S3_PORT"
export IMPULSA_S3_REGION=us-east-1
export IMPULSA_S3_ACCESS_KEY_ID=impulsa-local
export IMPULSA_S3_SECRET_ACCESS_KEY=impulsa-local-secret
export IMPULSA_SESSION_CACHE=1
# Each node is its own machine: nothing it writes to var/ is seen by the other.
export IMPULSA_VAR_DIR="$dir/setup"
$PY - <<'PY'
import os

import boto3

boto3.client(
    "s3",
    endpoint_url=os.environ["IMPULSA_S3_ENDPOINT_URL"],
    region_name="us-east-1",
    aws_access_key_id=os.environ["IMPULSA_S3_ACCESS_KEY_ID"],
    aws_secret_access_key=os.environ["IMPULSA_S3_SECRET_ACCESS_KEY"],
).create_bucket(Bucket=os.environ["IMPULSA_S3_BUCKET"])
PY

echo "Migrating and loading demo data (once)"
$PY manage.py migrate --no-input -v0
$PY manage.py seed_demo --scale "${IMPULSA_DEMO_SCALE:-tiny}"

for node in A B; do
    port=$NODE_A
    [ "$node" = B ] && port=$NODE_B
    mkdir -p "$dir/node-$node"
    IMPULSA_VAR_DIR="$dir/node-$node" .venv/bin/gunicorn backend.wsgi:application \
        --bind "127.0.0.1:$port" --workers 2 --threads 4 --graceful-timeout 10 --no-control-socket \
        --access-logfile "$dir/node-$node.access.log" >"$dir/node-$node.log" 2>&1 &
    pids+=($!)
    IMPULSA_VAR_DIR="$dir/node-$node" $PY manage.py db_worker --interval 1 --no-reload \
        >"$dir/worker-$node.log" 2>&1 &
    pids+=($!)
done
wait_for "node A" curl -fsS "http://127.0.0.1:$NODE_A/api/v1/health"
wait_for "node B" curl -fsS "http://127.0.0.1:$NODE_B/api/v1/health"

cat <<MSG

The Impulsa cluster is running.
  Node A          http://127.0.0.1:$NODE_A/
  Node B          http://127.0.0.1:$NODE_B/
  Health          http://127.0.0.1:$NODE_A/api/v1/health
  Primary         $PRIMARY_URL
  Standby         $STANDBY_URL
  Cache           $IMPULSA_CACHE_URL
  Object storage  $IMPULSA_S3_ENDPOINT_URL (bucket $IMPULSA_S3_BUCKET)
  Logs            $dir
MSG
$PY manage.py demo_logins
echo
echo "CLUSTER READY"
echo "Press Ctrl-C to stop everything."
wait -n "${pids[@]}"
