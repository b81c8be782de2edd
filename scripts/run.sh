#!/usr/bin/env bash
# `make run`: migrate, load demo data, then serve the app (gunicorn) and the task worker
# together on http://127.0.0.1:8000 until Ctrl-C, which stops both.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
export DJANGO_DEBUG="${DJANGO_DEBUG:-1}"
export IMPULSA_SMS_BACKEND="${IMPULSA_SMS_BACKEND:-console}"
HOST="${IMPULSA_HOST:-127.0.0.1}"
PORT="${IMPULSA_PORT:-8000}"
# Certificate links and QR codes point at the address this run serves on.
export IMPULSA_SITE_URL="${IMPULSA_SITE_URL:-http://$HOST:$PORT}"
mkdir -p var/media

$PY manage.py migrate --no-input -v0
$PY manage.py collectstatic --no-input -v0
$PY manage.py seed_demo --scale "${IMPULSA_DEMO_SCALE:-demo}"

pids=()
stop() {
    trap - INT TERM EXIT
    echo
    echo "Stopping Impulsa..."
    for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
    wait 2>/dev/null || true
    echo "Stopped."
}
# Ctrl-C is how a run ends: a clean stop, exit code 0 (make prints no error); a failure on
# the way up still ends the run with its own exit code.
trap 'stop; exit 0' INT TERM
trap stop EXIT

.venv/bin/gunicorn backend.wsgi:application \
    --bind "$HOST:$PORT" --workers "${IMPULSA_WORKERS:-2}" --threads 4 \
    --access-logfile - --graceful-timeout 10 --no-control-socket &
pids+=($!)
$PY manage.py db_worker --interval 1 --no-reload &
pids+=($!)

for _ in $(seq 1 100); do
    if curl -fsS "http://$HOST:$PORT/api/v1/health" >/dev/null 2>&1; then break; fi
    sleep 0.2
done
cat <<MSG

Impulsa is running.
  Portal          http://$HOST:$PORT/
  Sign in         http://$HOST:$PORT/accounts/login/
  API docs        http://$HOST:$PORT/api/v1/docs
  Health          http://$HOST:$PORT/api/v1/health
  Admin           http://$HOST:$PORT/admin/
MSG
$PY manage.py demo_logins
echo
echo "Press Ctrl-C to stop the server and the task worker."
wait -n "${pids[@]}"
