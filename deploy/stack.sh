#!/usr/bin/env bash
# A production-shaped Kopij on one machine: Varnish in front of gunicorn, a Celery worker and
# beat, on the PostgreSQL and Redis named by DATABASE_URL, CELERY_BROKER_URL and CACHE_URL.
#
#   deploy/stack.sh up            migrate, collect static files, start all four (make stack)
#   deploy/stack.sh down          stop all four (make stack-down)
#   deploy/stack.sh stop|start gunicorn|worker|beat|varnish
#   deploy/stack.sh status
#   deploy/stack.sh manage <command> …   a manage.py command with the stack's settings
#
# Every process runs with a PID file in STACK_DIR and is stopped by it. README: "Production".
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
BIN="${KOPIJ_BIN:-$ROOT/.venv/bin}"
STACK_DIR="$(mkdir -p "${STACK_DIR:-$ROOT/var/stack}" && cd "${STACK_DIR:-$ROOT/var/stack}" && pwd)"
STACK_PORT="${STACK_PORT:-6081}"          # Varnish: what readers connect to
STACK_APP_PORT="${STACK_APP_PORT:-8081}"  # gunicorn, behind Varnish only
ENV_FILE="$STACK_DIR/env"

write_env() {
  # Written once by `up` so that a later `start gunicorn` runs with exactly the same settings.
  local secret="${SECRET_KEY:-}"
  if [ -z "$secret" ]; then
    [ -f "$STACK_DIR/secret-key" ] || "$BIN/python" -c \
      'import secrets; print(secrets.token_urlsafe(50))' >"$STACK_DIR/secret-key"
    secret="$(cat "$STACK_DIR/secret-key")"
  fi
  cat >"$ENV_FILE" <<ENV
export DJANGO_SETTINGS_MODULE=newsroom.settings
export DEBUG=false
export SECRET_KEY='$secret'
export ALLOWED_HOSTS='${ALLOWED_HOSTS:-127.0.0.1,localhost}'
export SITE_URL='${SITE_URL:-http://127.0.0.1:$STACK_PORT}'
export DATABASE_URL='${DATABASE_URL:-sqlite:///$STACK_DIR/kopij.sqlite3}'
export CELERY_BROKER_URL='${CELERY_BROKER_URL:-redis://127.0.0.1:6379/0}'
export CACHE_URL='${CACHE_URL:-redis://127.0.0.1:6379/1}'
export CACHE_PURGE_URLS='${CACHE_PURGE_URLS:-http://127.0.0.1:$STACK_PORT/}'
export STATIC_ROOT='$STACK_DIR/static'
export MEDIA_ROOT='${MEDIA_ROOT:-$STACK_DIR/media}'
export EMAIL_FILE_PATH='${EMAIL_FILE_PATH:-$STACK_DIR/mail}'
export LOG_LEVEL='${LOG_LEVEL:-WARNING}'
# Plain HTTP on this machine; behind a TLS proxy leave these at their strict defaults.
export SECURE_SSL_REDIRECT=false SECURE_HSTS_SECONDS=0
export SESSION_COOKIE_SECURE=false CSRF_COOKIE_SECURE=false
ENV
  for name in DATABASE_POOL_MIN DATABASE_POOL_MAX PAGE_CACHE_SECONDS EDGE_CACHE_SECONDS \
    CACHE_PURGE_RETRY_SECONDS DEMO_PASSWORD; do
    if [ -n "${!name:-}" ]; then echo "export $name='${!name}'" >>"$ENV_FILE"; fi
  done
}

load_env() {
  [ -f "$ENV_FILE" ] || { echo "No stack in $STACK_DIR: run '$0 up' first." >&2; exit 1; }
  # shellcheck disable=SC1090
  source "$ENV_FILE"
}

pid_of() { cat "$STACK_DIR/$1.pid" 2>/dev/null || true; }
running() { local pid; pid="$(pid_of "$1")"; [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; }

wait_for() {  # wait_for <what> <command…>: up to 30 s
  local what="$1"; shift
  for _ in $(seq 1 150); do "$@" >/dev/null 2>&1 && return 0; sleep 0.2; done
  echo "$what did not come up; see $STACK_DIR/*.log" >&2
  return 1
}

http_ok() { "$BIN/python" -c 'import sys, urllib.request; urllib.request.urlopen(sys.argv[1], timeout=2)' "$1"; }

start_gunicorn() {
  running gunicorn && return 0
  (cd "$ROOT" && "$BIN/gunicorn" newsroom.wsgi --bind "127.0.0.1:$STACK_APP_PORT" \
    --workers "${STACK_WORKERS:-2}" --timeout 30 --daemon --pid "$STACK_DIR/gunicorn.pid" \
    --no-control-socket \
    --error-logfile "$STACK_DIR/gunicorn.log")
  wait_for gunicorn http_ok "http://127.0.0.1:$STACK_APP_PORT/robots.txt"
}

start_worker() {
  running worker && return 0
  (cd "$ROOT" && "$BIN/celery" -A newsroom worker --concurrency 1 --detach \
    --pidfile "$STACK_DIR/worker.pid" --logfile "$STACK_DIR/worker.log" --loglevel INFO \
    --hostname "kopij-stack@%h")
  wait_for worker running worker
}

start_beat() {
  running beat && return 0
  (cd "$ROOT" && "$BIN/celery" -A newsroom beat --detach --pidfile "$STACK_DIR/beat.pid" \
    --logfile "$STACK_DIR/beat.log" --schedule "$STACK_DIR/beat-schedule")
  wait_for beat running beat
}

start_varnish() {
  running varnish && return 0
  KOPIJ_BACKENDS="127.0.0.1:$STACK_APP_PORT" VARNISH_PURGERS="${VARNISH_PURGERS:-127.0.0.1}" \
    "$BIN/python" "$ROOT/deploy/varnish/site_vcl.py" >"$STACK_DIR/site.vcl"
  # -j none: this user compiles the VCL itself (the stack's folder may be private to it).
  varnishd -j none -a "127.0.0.1:$STACK_PORT" -f "$ROOT/deploy/varnish/kopij.vcl" \
    -p "vcl_path=$STACK_DIR:$ROOT/deploy/varnish" -s "malloc,${VARNISH_MEMORY:-128m}" \
    -n "$STACK_DIR/varnish" -P "$STACK_DIR/varnish.pid" >"$STACK_DIR/varnish.log" 2>&1
  wait_for varnish http_ok "http://127.0.0.1:$STACK_PORT/robots.txt"
}

stop_one() {
  local pid; pid="$(pid_of "$1")"
  if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid"
    for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -0 "$pid" 2>/dev/null && kill -KILL "$pid"
  fi
  rm -f "$STACK_DIR/$1.pid"
}

case "${1:-}" in
  up)
    write_env
    load_env
    (cd "$ROOT" && "$BIN/python" manage.py migrate --noinput >/dev/null \
      && "$BIN/python" manage.py collectstatic --noinput >/dev/null)
    start_gunicorn && start_worker && start_beat && start_varnish
    echo "Kopij stack: http://127.0.0.1:$STACK_PORT/ (Varnish) → gunicorn :$STACK_APP_PORT; files in $STACK_DIR"
    ;;
  down)
    for part in varnish beat worker gunicorn; do stop_one "$part"; done
    ;;
  start)
    load_env
    "start_${2:?start what? gunicorn, worker, beat or varnish}"
    ;;
  stop)
    stop_one "${2:?stop what? gunicorn, worker, beat or varnish}"
    ;;
  status)
    for part in varnish gunicorn worker beat; do
      if running "$part"; then echo "$part: running ($(pid_of "$part"))"; else echo "$part: stopped"; fi
    done
    ;;
  manage)
    load_env
    shift
    cd "$ROOT" && exec "$BIN/python" manage.py "$@"
    ;;
  *)
    sed -n '2,12p' "$0" >&2
    exit 2
    ;;
esac
