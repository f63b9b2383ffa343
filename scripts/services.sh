#!/usr/bin/env bash
# Makes PostgreSQL and Redis available on loopback for n8n's queue mode (test/e2e/queue-mode.test.ts).
# Idempotent: checks, installs what is missing, starts what is not running, and prints what the
# caller needs as KEY=value lines on stdout (log lines go to stderr).
#
# - PostgreSQL: Debian's `postgresql` package (installed when missing). A private cluster of its own
#   (initdb into $SERVICES_DIR/postgres, port $QUEUE_PG_PORT, listening on 127.0.0.1 only, password
#   login for the role $QUEUE_PG_USER); the machine's own clusters are not touched.
# - Redis: Debian's `redis-server` (installed when missing). A private redis-server on
#   127.0.0.1:$QUEUE_REDIS_PORT, no persistence, its own pid/log files.
#
# Needs: Debian/Ubuntu with apt-get for the installs (as root; when not root the script says what to
# install). As root, PostgreSQL runs as the `postgres` system user (created by the package); as any
# other user it runs as that user.
#
#   SERVICES_DIR       where data, sockets, logs live (default /var/tmp/n8n-nodes-filemaker-shopify-services)
#   QUEUE_PG_PORT      default 55432          QUEUE_REDIS_PORT   default 56379
#   QUEUE_PG_USER      default n8n_queue      QUEUE_PG_PASSWORD  default n8n_queue_password
#   services.sh stop   stops both private servers (data kept)
set -euo pipefail

SERVICES_DIR="${SERVICES_DIR:-/var/tmp/n8n-nodes-filemaker-shopify-services}"
PG_PORT="${QUEUE_PG_PORT:-55432}"
REDIS_PORT="${QUEUE_REDIS_PORT:-56379}"
PG_USER="${QUEUE_PG_USER:-n8n_queue}"
PG_PASSWORD="${QUEUE_PG_PASSWORD:-n8n_queue_password}"
PG_DATA="$SERVICES_DIR/postgres"
REDIS_DIR="$SERVICES_DIR/redis"

log() { echo "[services] $*" >&2; }
die() { log "$*"; exit 1; }

mkdir -p "$SERVICES_DIR"
# One caller at a time (parallel test runs would race for initdb). The servers started below must not
# inherit the lock's descriptor (9>&-), or the lock would stay held for as long as they run.
exec 9>"$SERVICES_DIR/.lock"
flock 9

apt_install() {
  if [ "$(id -u)" -ne 0 ]; then
    die "$1 is missing: install it with 'sudo apt-get install -y $1' (this script installs it only when run as root)"
  fi
  command -v apt-get >/dev/null || die "$1 is missing and apt-get is not available: install $1 by hand"
  log "installing $1 (apt-get)"
  # The package lists may be missing in a fresh image; update once, quietly.
  if ! DEBIAN_FRONTEND=noninteractive apt-get install -y -q "$1" >&2; then
    apt-get update -q >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q "$1" >&2
  fi
}

pg_bin_dir() {
  local d
  for d in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
    if [ -x "$d/initdb" ] && [ -x "$d/pg_ctl" ]; then echo "$d"; return 0; fi
  done
  return 1
}

as_pg() {
  # PostgreSQL refuses to run as root: run its programs as the postgres system user then.
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

if [ "${1:-}" = "stop" ]; then
  if BIN="$(pg_bin_dir)" && [ -f "$PG_DATA/postmaster.pid" ]; then as_pg "$BIN/pg_ctl" -D "$PG_DATA" -m fast stop >&2 || true; fi
  if [ -f "$REDIS_DIR/redis.pid" ]; then kill "$(cat "$REDIS_DIR/redis.pid")" 2>/dev/null || true; fi
  log "stopped"
  exit 0
fi

# --- PostgreSQL -------------------------------------------------------------------------------------
BIN="$(pg_bin_dir || true)"
if [ -z "$BIN" ]; then
  apt_install postgresql
  BIN="$(pg_bin_dir)" || die "PostgreSQL installed but no initdb found under /usr/lib/postgresql"
fi
PG_VERSION="$(basename "$(dirname "$BIN")")"

if [ ! -f "$PG_DATA/PG_VERSION" ]; then
  log "creating a private PostgreSQL $PG_VERSION cluster in $PG_DATA (port $PG_PORT)"
  rm -rf "$PG_DATA"
  mkdir -p "$PG_DATA"
  [ "$(id -u)" -eq 0 ] && chown postgres:postgres "$PG_DATA"
  chmod 700 "$PG_DATA"
  pwfile="$(mktemp)"
  printf '%s\n' "$PG_PASSWORD" > "$pwfile"
  [ "$(id -u)" -eq 0 ] && chown postgres "$pwfile"
  as_pg "$BIN/initdb" -D "$PG_DATA" -U "$PG_USER" --pwfile="$pwfile" --auth-local=trust --auth-host=scram-sha-256 \
    -E UTF8 --locale=C.UTF-8 >&2 || as_pg "$BIN/initdb" -D "$PG_DATA" -U "$PG_USER" --pwfile="$pwfile" \
    --auth-local=trust --auth-host=scram-sha-256 -E UTF8 --locale=C >&2
  rm -f "$pwfile"
  cat >> "$PG_DATA/postgresql.conf" <<EOF
# written by scripts/services.sh
listen_addresses = '127.0.0.1'
port = $PG_PORT
unix_socket_directories = '$PG_DATA'
max_connections = 200
fsync = off
synchronous_commit = off
full_page_writes = off
EOF
fi

if as_pg "$BIN/pg_isready" -q -h 127.0.0.1 -p "$PG_PORT"; then
  log "PostgreSQL already running on 127.0.0.1:$PG_PORT"
else
  log "starting PostgreSQL $PG_VERSION on 127.0.0.1:$PG_PORT"
  as_pg "$BIN/pg_ctl" -D "$PG_DATA" -l "$PG_DATA/server.log" -w -t 60 start >&2 9>&- \
    || { tail -n 30 "$PG_DATA/server.log" >&2 || true; die "PostgreSQL did not start"; }
fi

# --- Redis ------------------------------------------------------------------------------------------
command -v redis-server >/dev/null || apt_install redis-server
command -v redis-cli >/dev/null || apt_install redis-tools
mkdir -p "$REDIS_DIR"
if redis-cli -h 127.0.0.1 -p "$REDIS_PORT" ping 2>/dev/null | grep -q PONG; then
  log "Redis already running on 127.0.0.1:$REDIS_PORT"
else
  log "starting redis-server on 127.0.0.1:$REDIS_PORT"
  redis-server --bind 127.0.0.1 --port "$REDIS_PORT" --daemonize yes --dir "$REDIS_DIR" \
    --pidfile "$REDIS_DIR/redis.pid" --logfile "$REDIS_DIR/redis.log" --save '' --appendonly no >&2 9>&-
  for _ in $(seq 1 50); do
    redis-cli -h 127.0.0.1 -p "$REDIS_PORT" ping 2>/dev/null | grep -q PONG && break
    sleep 0.1
  done
  redis-cli -h 127.0.0.1 -p "$REDIS_PORT" ping 2>/dev/null | grep -q PONG \
    || { tail -n 20 "$REDIS_DIR/redis.log" >&2 || true; die "redis-server did not start"; }
fi

echo "PG_HOST=127.0.0.1"
echo "PG_PORT=$PG_PORT"
echo "PG_USER=$PG_USER"
echo "PG_PASSWORD=$PG_PASSWORD"
echo "PG_VERSION=$PG_VERSION"
echo "PG_BIN=$BIN"
echo "REDIS_HOST=127.0.0.1"
echo "REDIS_PORT=$REDIS_PORT"
echo "REDIS_VERSION=$(redis-server --version | sed -n 's/.*v=\([0-9.]*\).*/\1/p')"
