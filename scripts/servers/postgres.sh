#!/usr/bin/env bash
# A local PostgreSQL 15 server with pgvector for tests that need a real Postgres.
#   bash scripts/servers/postgres.sh start   # idempotent; prints the two URLs below once ready
#   bash scripts/servers/postgres.sh stop    # by the pid in postmaster.pid (pg_ctl, then kill)
#   bash scripts/servers/postgres.sh status
# Prints ORCH_TEST_POSTGRES_URL (superuser postgres, trust: no password) and
# ORCH_TEST_POSTGRES_PASSWORD_URL (role orch, password orch-test-password, database orch_test; TCP
# connections of orch need scram-sha-256, so a wrong password fails, for bad-credential tests).
# ORCH_TEST_POSTGRES_PORT=N picks the port (default: a free one). The extension `vector` exists in
# postgres, orch_test and template1 (so databases created later have it too); orch has CREATEDB.
# Binaries: Debian's postgresql-15 (/usr/lib/postgresql/15/bin, or ORCH_PG_BIN); installed with
# apt-get when missing. initdb refuses root, so the server runs as the `postgres` user (runuser).
# pgvector is not in Debian 12: the first start builds it from Debian trixie's source package
# (a trixie deb-src line in a private apt sources file, `apt-get source pgvector` under
# .test-servers/postgres/build, make && make install), skipped when vector.control is already in
# the server's extension directory. Data, socket, log and port live under .test-servers/postgres/.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
DIR="$ROOT/.test-servers/postgres"
PG_MAJOR=15
PGBIN=${ORCH_PG_BIN:-/usr/lib/postgresql/$PG_MAJOR/bin}
DATA="$DIR/data"
LOG="$DIR/postgres.log"
PORT_FILE="$DIR/postgres.port"
APP_ROLE=orch
APP_PASSWORD=orch-test-password
APP_DB=orch_test
OS_USER=postgres
# A Unix socket path must stay under 108 bytes; a deep checkout falls back to /tmp.
SOCK="$DIR/run"
if [ "${#SOCK}" -gt 80 ]; then SOCK="/tmp/orch-pg-$(echo "$DIR" | sha256sum | cut -c1-12)"; fi

url() {
  local port
  port=$(cat "$PORT_FILE")
  echo "ORCH_TEST_POSTGRES_URL=postgres://postgres@127.0.0.1:$port/postgres"
  echo "ORCH_TEST_POSTGRES_PASSWORD_URL=postgres://$APP_ROLE:$APP_PASSWORD@127.0.0.1:$port/$APP_DB"
}
as_pg() { runuser -u "$OS_USER" -- "$@"; }
# The pid is the first line of postmaster.pid; it must still be a postgres on our data dir.
pid_of() { [ -f "$DATA/postmaster.pid" ] && head -1 "$DATA/postmaster.pid"; }
running() {
  local pid cmd
  pid=$(pid_of 2>/dev/null) || return 1
  [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || return 1
  cmd=$(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null) || return 1
  [[ "$cmd" == *"$DATA"* ]]
}
# psql as the superuser over the socket; no ~/.psqlrc, stop at the first error.
psql_admin() { as_pg "$PGBIN/psql" -X -q -v ON_ERROR_STOP=1 -h "$SOCK" -p "$(cat "$PORT_FILE")" -U postgres "$@"; }
# Ready means: the password role gets in over TCP with scram and pgvector answers in its database.
healthy() {
  [ -f "$PORT_FILE" ] || return 1
  local out
  out=$(PGPASSWORD=$APP_PASSWORD PGCONNECT_TIMEOUT=3 "$PGBIN/psql" -X -qtA -v ON_ERROR_STOP=1 \
    "postgres://$APP_ROLE@127.0.0.1:$(cat "$PORT_FILE")/$APP_DB" -c "SELECT '[1,2,3]'::vector <-> '[1,2,4]'" 2>/dev/null) || return 1
  [ "$out" = 1 ]
}
fail() { echo "$1; see $LOG" >&2; [ -f "$LOG" ] && tail -20 "$LOG" >&2; return 1; }

# Installs only the packages that are missing (never upgrades installed ones); one apt-get update
# and a retry if the package lists are stale or absent (a fresh machine).
apt_install() {
  local p missing=()
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep 'install ok installed' >/dev/null || missing+=("$p")
  done
  [ "${#missing[@]}" = 0 ] && return 0
  [ "$(id -u)" = 0 ] || { echo "postgres: need root to apt-get install ${missing[*]}" >&2; return 1; }
  echo "postgres: apt-get install -y ${missing[*]}" >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q -o DPkg::Lock::Timeout=300 "${missing[@]}" >&2 ||
    { apt-get update -q -o DPkg::Lock::Timeout=300 >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y -q -o DPkg::Lock::Timeout=300 "${missing[@]}" >&2; }
}

install_server() {
  if [ ! -x "$PGBIN/postgres" ]; then
    apt_install "postgresql-$PG_MAJOR" || return 1
    [ -x "$PGBIN/postgres" ] || { echo "postgres: no $PGBIN/postgres after installing postgresql-$PG_MAJOR" >&2; return 1; }
  fi
  if ! id -u "$OS_USER" >/dev/null 2>&1; then
    echo "postgres: creating the system user $OS_USER" >&2
    useradd --system --user-group --home-dir /var/lib/postgresql --shell /bin/bash "$OS_USER" >&2
  fi
}

# Builds pgvector once from Debian trixie's source package; skipped when the extension is installed.
# apt runs with a private sources file and lists directory under .test-servers/postgres/build, so
# /etc/apt and the machine's package lists stay as they were (no trixie line left behind).
install_pgvector() {
  local ext_dir apt_dir="$DIR/build/apt" uri src
  ext_dir="$("$PGBIN/pg_config" --sharedir)/extension"
  [ -f "$ext_dir/vector.control" ] && return 0
  [ "$(id -u)" = 0 ] || { echo "postgres: pgvector is missing from $ext_dir and building it needs root" >&2; return 1; }
  echo "postgres: building pgvector from Debian trixie's source package (once)" >&2
  apt_install "postgresql-server-dev-$PG_MAJOR" build-essential dpkg-dev || return 1
  # the Debian mirror the machine already uses for bookworm
  uri=$(sed -n '/^URIs:/{s/^URIs: *//;p;q}' /etc/apt/sources.list.d/debian.sources 2>/dev/null) || true
  [ -n "$uri" ] || uri=$(sed -n '/^deb .* bookworm /{s/^deb \(\[[^]]*\] \)\{0,1\}\([^ ]*\) .*/\2/;p;q}' /etc/apt/sources.list 2>/dev/null) || true
  [ -n "$uri" ] || { echo "postgres: cannot find the Debian mirror in /etc/apt/sources.list{,.d}" >&2; return 1; }
  rm -rf "$DIR/build" && mkdir -p "$apt_dir/sources" "$apt_dir/lists/partial" || return 1
  printf 'Types: deb-src\nURIs: %s\nSuites: trixie\nComponents: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n' \
    "$uri" >"$apt_dir/sources/trixie-src.sources"
  local apt_opts=(-o "Dir::Etc::SourceList=/dev/null" -o "Dir::Etc::SourceParts=$apt_dir/sources"
    -o "Dir::State::Lists=$apt_dir/lists" -o APT::Sandbox::User=root)
  apt-get "${apt_opts[@]}" update -q >&2 || { echo "postgres: apt-get update of the trixie deb-src line failed" >&2; return 1; }
  (cd "$DIR/build" && apt-get "${apt_opts[@]}" source -q pgvector >&2) || { echo "postgres: apt-get source pgvector failed" >&2; return 1; }
  src=$(find "$DIR/build" -mindepth 1 -maxdepth 1 -type d -name 'pgvector-*' -print -quit)
  [ -n "$src" ] || { echo "postgres: no pgvector source tree under $DIR/build" >&2; return 1; }
  (cd "$src" && make -s PG_CONFIG="$PGBIN/pg_config" >&2 && make -s install PG_CONFIG="$PGBIN/pg_config" >&2) ||
    { echo "postgres: building pgvector in $src failed" >&2; return 1; }
  [ -f "$ext_dir/vector.control" ] || { echo "postgres: vector.control is not in $ext_dir after make install" >&2; return 1; }
}

free_port() { node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'; }
port_free() { node -e 'const s=require("net").createServer();s.on("error",()=>process.exit(1));s.listen(+process.argv[1],"127.0.0.1",()=>s.close())' "$1"; }

# After a kill -9 the old postmaster can linger as a zombie (a container init that reaps late), and
# postgres refuses to start while that pid exists. A pid that is gone, a zombie, or another program
# is stale; postgres itself still refuses if old backends hold its shared memory.
clear_stale_pidfile() {
  local pid state
  pid=$(pid_of 2>/dev/null) || return 0
  running && return 0
  for _ in $(seq 1 25); do
    if [ -z "$pid" ] || [ ! -e "/proc/$pid" ]; then break; fi
    state=$(sed 's/.*) //' "/proc/$pid/stat" 2>/dev/null | cut -c1) || break
    [ "$state" = Z ] || break
    sleep 0.2
  done
  echo "postgres: removing stale $DATA/postmaster.pid (pid $pid)" >&2
  rm -f "$DATA/postmaster.pid"
}

init_cluster() {
  [ -f "$DATA/PG_VERSION" ] && return 0
  echo "postgres: initdb $DATA" >&2
  rm -rf "$DATA" && mkdir -p "$DATA" && chown "$OS_USER" "$DATA" && chmod 700 "$DATA" || return 1
  as_pg "$PGBIN/initdb" -D "$DATA" -U postgres --auth=trust --encoding=UTF8 --locale=C.UTF-8 >>"$LOG" 2>&1 ||
    { fail "postgres: initdb failed"; return 1; }
  # orch needs its password over TCP (checked before the trust lines); everything else is trust
  cat >"$DATA/pg_hba.conf" <<EOF
# written by scripts/servers/postgres.sh
# TYPE  DATABASE  USER       ADDRESS        METHOD
local   all       all                       trust
host    all       $APP_ROLE  127.0.0.1/32   scram-sha-256
host    all       $APP_ROLE  ::1/128        scram-sha-256
host    all       all        127.0.0.1/32   trust
host    all       all        ::1/128        trust
EOF
  chown "$OS_USER" "$DATA/pg_hba.conf"
}

# Role, database and extension; every statement is idempotent, so it runs on every start.
setup_db() {
  psql_admin -d postgres <<SQL || return 1
SET client_min_messages = warning;
DO \$\$ BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '$APP_ROLE') THEN CREATE ROLE $APP_ROLE; END IF;
END \$\$;
SET password_encryption = 'scram-sha-256';
ALTER ROLE $APP_ROLE LOGIN CREATEDB PASSWORD '$APP_PASSWORD';
CREATE EXTENSION IF NOT EXISTS vector;
SELECT 'CREATE DATABASE $APP_DB OWNER $APP_ROLE' WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = '$APP_DB')
\gexec
SQL
  local db
  for db in template1 "$APP_DB"; do
    psql_admin -d "$db" -c 'SET client_min_messages = warning' -c 'CREATE EXTENSION IF NOT EXISTS vector' || return 1
  done
}

start() {
  mkdir -p "$DIR"
  if running && [ -f "$PORT_FILE" ]; then
    if [ -n "${ORCH_TEST_POSTGRES_PORT:-}" ] && [ "$ORCH_TEST_POSTGRES_PORT" != "$(cat "$PORT_FILE")" ]; then
      echo "postgres: already running on port $(cat "$PORT_FILE"), not $ORCH_TEST_POSTGRES_PORT (ORCH_TEST_POSTGRES_PORT); stop it first" >&2
      return 1
    fi
    if healthy || { setup_db >>"$LOG" 2>&1 && healthy; }; then url; return 0; fi
  fi
  if running; then stop; fi
  install_server
  install_pgvector
  local port=${ORCH_TEST_POSTGRES_PORT:-}
  if [ -n "$port" ]; then
    port_free "$port" || { echo "postgres: port $port (ORCH_TEST_POSTGRES_PORT) is already in use" >&2; return 1; }
  else
    port=$(free_port)
  fi
  echo "$port" >"$PORT_FILE"
  touch "$LOG" && chown "$OS_USER" "$LOG"
  init_cluster
  clear_stale_pidfile
  mkdir -p "$SOCK" && chown "$OS_USER" "$SOCK"
  echo "--- $(date -Is) starting postgres $PG_MAJOR on 127.0.0.1:$port" >>"$LOG"
  # fsync off: test data need not survive a power cut, and tests run faster
  # shellcheck disable=SC2094 # the server (-l) and pg_ctl's own messages both append to the log
  if ! as_pg "$PGBIN/pg_ctl" -D "$DATA" -l "$LOG" -w -t 60 \
    -o "-p $port -k $SOCK -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
    start >/dev/null 2>>"$LOG" 9>&-; then
    stop 2>/dev/null || true
    fail "postgres did not start"
    return 1
  fi
  if ! setup_db >>"$LOG" 2>&1; then stop 2>/dev/null || true; fail "postgres: creating $APP_ROLE/$APP_DB/vector failed"; return 1; fi
  for _ in $(seq 1 50); do
    if healthy; then url; return 0; fi
    sleep 0.2
  done
  stop 2>/dev/null || true
  fail "postgres: $APP_ROLE could not run a vector query over TCP within 10 s"
}

stop() {
  if running; then
    local pid
    pid=$(pid_of)
    # fast shutdown; if pg_ctl cannot, SIGINT is the same request, then SIGKILL
    as_pg "$PGBIN/pg_ctl" -D "$DATA" -m fast -w -t 20 stop >/dev/null 2>&1 9>&- || kill -INT "$pid" 2>/dev/null || true
    for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$pid" 2>/dev/null || true
  fi
  echo "postgres stopped" >&2
}

mkdir -p "$DIR"
# one start/stop at a time (several vitest processes may call start together)
if command -v flock >/dev/null; then exec 9>"$DIR/.lock"; flock 9; fi
case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status) if running && healthy; then url; else echo "postgres not running" >&2; exit 1; fi ;;
  *) echo "usage: $0 start|stop|status" >&2; exit 2 ;;
esac
