#!/usr/bin/env bash
# A local Chroma server for tests that need a real Chroma.
#   bash scripts/servers/chroma.sh start   # idempotent; prints ORCH_TEST_CHROMA_URL=... once healthy
#   bash scripts/servers/chroma.sh stop    # by pid file
#   bash scripts/servers/chroma.sh status
# ORCH_TEST_CHROMA_PORT=N picks the port (default: a free one). The server is the Rust server bundled
# in the PyPI `chromadb` wheel, started through its Python binding from a venv made with
# `pip install --no-deps` (90 MB, ~3 s; the `chroma` entry point does not work in such a venv, it
# imports the whole package first). The config sets allow_reset, so tests may POST /api/v2/reset.
# Venv, data, config, log, pid and port live under .test-servers/chroma/.
# Trap: on a busy port the server prints "Address ... is not available" and exits 0, so only a
# heartbeat counts as started.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
DIR="$ROOT/.test-servers/chroma"
CHROMA_VERSION=1.5.9
VENV="$DIR/venv"
PY="$VENV/bin/python"
CONFIG="$DIR/chroma.yaml"
PID_FILE="$DIR/chroma.pid"
PORT_FILE="$DIR/chroma.port"
LOG="$DIR/chroma.log"

url() { echo "ORCH_TEST_CHROMA_URL=http://127.0.0.1:$(cat "$PORT_FILE")"; }
# The pid must still be our server (its command line names our config), not a recycled pid.
running() {
  [ -f "$PID_FILE" ] || return 1
  local pid
  pid=$(cat "$PID_FILE")
  kill -0 "$pid" 2>/dev/null || return 1
  local cmd
  cmd=$(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null) || return 1
  [[ "$cmd" == *"$CONFIG"* ]]
}
healthy() {
  [ -f "$PORT_FILE" ] || return 1
  node -e 'fetch(process.argv[1],{signal:AbortSignal.timeout(2000)}).then(async r=>{const b=await r.text();process.exit(r.ok&&b.includes("heartbeat")?0:1)},()=>process.exit(1))' \
    "http://127.0.0.1:$(cat "$PORT_FILE")/api/v2/heartbeat"
}
fail() { echo "$1; see $LOG" >&2; [ -f "$LOG" ] && tail -20 "$LOG" >&2; return 1; }

installed() { [ -x "$PY" ] && "$PY" -c 'import sys, importlib.metadata as m, chromadb_rust_bindings; sys.exit(m.version("chromadb") != sys.argv[1])' "$CHROMA_VERSION" 2>/dev/null; }
install() {
  installed && return 0
  local python=${PYTHON:-python3}
  command -v "$python" >/dev/null || { echo "chroma: $python not found (install python3 and python3-venv)" >&2; return 1; }
  echo "chroma: creating $VENV with chromadb==$CHROMA_VERSION (--no-deps)" >&2
  rm -rf "$VENV"
  "$python" -m venv "$VENV" >&2 || { echo "chroma: '$python -m venv' failed (on Debian: apt-get install -y python3-venv)" >&2; rm -rf "$VENV"; return 1; }
  "$VENV/bin/pip" install --quiet --no-deps --disable-pip-version-check "chromadb==$CHROMA_VERSION" >&2 || { rm -rf "$VENV"; return 1; }
  installed || { echo "chroma: chromadb $CHROMA_VERSION did not install into $VENV" >&2; return 1; }
}

free_port() { node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'; }
port_free() { node -e 'const s=require("net").createServer();s.on("error",()=>process.exit(1));s.listen(+process.argv[1],"127.0.0.1",()=>s.close())' "$1"; }

start() {
  if running && healthy; then
    # never restart a server others may be using just because a different port was asked for
    if [ -n "${ORCH_TEST_CHROMA_PORT:-}" ] && [ "$ORCH_TEST_CHROMA_PORT" != "$(cat "$PORT_FILE")" ]; then
      echo "chroma: already running on port $(cat "$PORT_FILE"), not $ORCH_TEST_CHROMA_PORT (ORCH_TEST_CHROMA_PORT); stop it first" >&2
      return 1
    fi
    url; return 0
  fi
  if running; then stop >/dev/null; fi
  install
  local port=${ORCH_TEST_CHROMA_PORT:-}
  if [ -n "$port" ]; then
    port_free "$port" || { echo "chroma: port $port (ORCH_TEST_CHROMA_PORT) is already in use" >&2; return 1; }
  else
    port=$(free_port)
  fi
  echo "$port" >"$PORT_FILE"
  mkdir -p "$DIR/data"
  cat >"$CONFIG" <<EOF
port: $port
listen_address: "127.0.0.1"
persist_path: "$DIR/data"
allow_reset: true
EOF
  echo "--- $(date -Is) starting chroma $CHROMA_VERSION on 127.0.0.1:$port" >>"$LOG"
  RUST_LOG=warn nohup "$PY" -c 'import sys, chromadb_rust_bindings as b; b.cli(["chroma", "run", sys.argv[1]])' "$CONFIG" >>"$LOG" 2>&1 </dev/null 9>&- &
  echo $! >"$PID_FILE"
  for _ in $(seq 1 150); do
    if healthy; then
      running || fail "chroma: something else answers on port $port" || return 1
      url; return 0
    fi
    # exit code 0 on a busy port: a dead process is a failure whatever it returned
    if ! running; then rm -f "$PID_FILE"; fail "chroma exited during start-up"; return 1; fi
    sleep 0.2
  done
  stop >/dev/null || true
  fail "chroma did not answer /api/v2/heartbeat within 30 s"
}

stop() {
  if running; then
    local pid
    pid=$(cat "$PID_FILE")
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$pid" 2>/dev/null || true
  fi
  rm -f "$PID_FILE"
  echo "chroma stopped" >&2
}

mkdir -p "$DIR"
# one start/stop at a time (several vitest processes may call start together)
if command -v flock >/dev/null; then exec 9>"$DIR/.lock"; flock 9; fi
case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status) if running && healthy; then url; else echo "chroma not running" >&2; exit 1; fi ;;
  *) echo "usage: $0 start|stop|status" >&2; exit 2 ;;
esac
