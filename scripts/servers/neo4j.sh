#!/usr/bin/env bash
# Local Neo4j servers (Bolt, auth on, no TLS) for tests that need a real Neo4j: two lines.
#   bash scripts/servers/neo4j.sh start [5|2026|all]   # idempotent; prints the KEY=VALUE lines below
#   bash scripts/servers/neo4j.sh stop [5|2026|all]    # by pid file
#   bash scripts/servers/neo4j.sh status [5|2026|all]
#   bash scripts/servers/neo4j.sh check [5|2026|all]   # a real Bolt round trip (neo4j-driver from npm)
# Prints ORCH_TEST_NEO4J_URL (5.26 LTS), ORCH_TEST_NEO4J_2026_URL (CalVer line), ORCH_TEST_NEO4J_USER
# and ORCH_TEST_NEO4J_PASSWORD. ORCH_TEST_NEO4J_PORT / ORCH_TEST_NEO4J_2026_PORT pick the ports
# (default: free ones). ORCH_NEO4J_5_JAVA_HOME / ORCH_NEO4J_2026_JAVA_HOME pick the JDKs (default:
# the `java` on PATH for 5.26, which needs 17+; /usr/lib/jvm/temurin-25-jdk-amd64 or any JDK 21+
# under /usr/lib/jvm for 2026.x, whose jars are Java 21 bytecode).
# Each line is an embedded DBMS started by a small launcher of ours (scripts/servers/neo4j/launcher,
# one source, one Maven profile per line). The first start runs Maven once per line
# (`package dependency:copy-dependencies`, ~10-25 s, ~125-150 MB of jars); later starts use the jars
# and launcher.jar under .test-servers/neo4j/<line>/ and never call Maven. Extra Maven arguments
# (e.g. `-s my-settings.xml`) can be passed in ORCH_MAVEN_ARGS.
# The first clean stop of each line keeps an AppCDS class archive (launcher.jsa, ~110-135 MB) that
# later starts map (ORCH_NEO4J_CDS=0 turns it off; it is off by default when CI is set).
# Trap: Bolt accepts connections before the launcher has set the password, so start waits for the
# launcher's ORCH_NEO4J_READY line (printed after the password is set), then for a Bolt handshake.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
BASE="$ROOT/.test-servers/neo4j"
SRC="$ROOT/scripts/servers/neo4j/launcher"
NEO4J_USER=neo4j
NEO4J_PASSWORD=orch-test-password
MAIN_CLASS=orch.testservers.Neo4jLauncher
LINES="5 2026"

# Per-line globals, set by use_line.
use_line() {
  LINE=$1
  case "$LINE" in
    5) VERSION=5.26.30; PREFIX=ORCH_TEST_NEO4J; MIN_JAVA=17; PORT_ENV=${ORCH_TEST_NEO4J_PORT:-} ;;
    2026) VERSION=2026.08.1; PREFIX=ORCH_TEST_NEO4J_2026; MIN_JAVA=21; PORT_ENV=${ORCH_TEST_NEO4J_2026_PORT:-} ;;
    *) echo "neo4j: unknown line '$LINE' (5, 2026 or all)" >&2; exit 2 ;;
  esac
  DIR="$BASE/$LINE"
  PID_FILE="$DIR/neo4j.pid"
  PORT_FILE="$DIR/neo4j.port"
  OFFSET_FILE="$DIR/neo4j.log-offset"
  LOG="$DIR/neo4j.log"
  JAR="$DIR/target/launcher.jar"
  STAMP="$DIR/lib/.orch-build"
  JSA="$DIR/launcher.jsa"
}

url() { echo "${PREFIX}_URL=bolt://127.0.0.1:$(cat "$PORT_FILE")"; }
credentials() { echo "ORCH_TEST_NEO4J_USER=$NEO4J_USER"; echo "ORCH_TEST_NEO4J_PASSWORD=$NEO4J_PASSWORD"; }
# The pid must still be our launcher on this line's data dir, not a recycled pid.
running() {
  [ -f "$PID_FILE" ] || return 1
  local pid
  pid=$(cat "$PID_FILE")
  kill -0 "$pid" 2>/dev/null || return 1
  local cmd
  cmd=$(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null) || return 1
  [[ "$cmd" == *"$MAIN_CLASS $DIR/data "* ]]
}
# The launcher printed its READY line (after setting the password) since this start. (No grep -q
# after a pipe: with pipefail, grep quitting early makes tail die of SIGPIPE and the test fail.)
since_start() { [ -f "$OFFSET_FILE" ] && tail -c +"$(($(cat "$OFFSET_FILE") + 1))" "$LOG" 2>/dev/null; }
said_ready() { since_start | grep '^ORCH_NEO4J_READY ' >/dev/null; }
said_failed() { since_start | grep '^ORCH_NEO4J_FAILED ' >/dev/null; }
# A Bolt handshake (magic 0x6060B017, offering 5.0-5.8 and 4.4): a non-zero version back means Bolt speaks.
bolt_ok() {
  [ -f "$PORT_FILE" ] || return 1
  node -e '
    const s = require("net").connect(+process.argv[1], "127.0.0.1");
    s.setTimeout(2000, () => process.exit(1));
    s.on("error", () => process.exit(1));
    s.on("connect", () => s.write(Buffer.from([0x60,0x60,0xb0,0x17, 0,8,8,5, 0,0,4,4, 0,0,0,0, 0,0,0,0])));
    let got = Buffer.alloc(0);
    s.on("data", (d) => { got = Buffer.concat([got, d]); if (got.length >= 4) process.exit(got.readUInt32BE(0) !== 0 ? 0 : 1); });
    s.on("end", () => process.exit(1));' "$(cat "$PORT_FILE")"
}
healthy() { running && said_ready && bolt_ok; }
fail() { echo "$1; see $LOG" >&2; [ -f "$LOG" ] && tail -25 "$LOG" >&2; return 1; }

java_major() { "$1/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java\.specification\.version = //p' | sed 's/^1\.//'; }
# JAVA_HOME for the current line: an explicit override, else the usual place, else any new enough JDK.
java_home() {
  local override candidates=() jh major
  if [ "$LINE" = 5 ]; then
    override=${ORCH_NEO4J_5_JAVA_HOME:-}
    if command -v java >/dev/null; then candidates+=("$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")"); fi
  else
    override=${ORCH_NEO4J_2026_JAVA_HOME:-}
    candidates+=(/usr/lib/jvm/temurin-25-jdk-amd64)
  fi
  if [ -n "$override" ]; then candidates=("$override"); else candidates+=(/usr/lib/jvm/*); fi
  for jh in "${candidates[@]}"; do
    [ -x "$jh/bin/java" ] || continue
    major=$(java_major "$jh")
    if [ -n "$major" ] && [ "$major" -ge "$MIN_JAVA" ]; then echo "$jh"; return 0; fi
  done
  echo "neo4j: no Java $MIN_JAVA+ found for Neo4j $VERSION (tried: ${candidates[*]}); set ORCH_NEO4J_${LINE}_JAVA_HOME" >&2
  return 1
}

build_id() { echo "$VERSION $(cat "$SRC/pom.xml" "$SRC"/src/main/java/orch/testservers/*.java | sha256sum | cut -c1-16)"; }
built() { [ -f "$JAR" ] && [ -f "$STAMP" ] && [ "$(cat "$STAMP")" = "$(build_id)" ]; }
# Maven runs only when the jars or the launcher are missing or the pom/source changed.
build() {
  local jh=$1
  built && return 0
  command -v mvn >/dev/null || { echo "neo4j: mvn not found (on Debian: apt-get install -y maven)" >&2; return 1; }
  [ -x "$jh/bin/javac" ] || { echo "neo4j: $jh has no javac (a JDK is needed to build the launcher)" >&2; return 1; }
  echo "neo4j: building the launcher and fetching org.neo4j:neo4j:$VERSION into $DIR/lib (Maven, once)" >&2
  rm -rf "${DIR:?}/lib" "${DIR:?}/target" "$JSA" "$JSA.new"
  # shellcheck disable=SC2086 # ORCH_MAVEN_ARGS is a list of words on purpose
  if ! (cd "$SRC" && JAVA_HOME=$jh mvn -B -q -Dstyle.color=never ${ORCH_MAVEN_ARGS:-} -P "neo4j-$LINE" -Dorch.out="$DIR" \
    package dependency:copy-dependencies) >"$DIR/maven.log" 2>&1; then
    echo "neo4j: Maven failed for $VERSION; see $DIR/maven.log" >&2
    tail -30 "$DIR/maven.log" >&2
    return 1
  fi
  [ -f "$JAR" ] || { echo "neo4j: Maven did not produce $JAR" >&2; return 1; }
  build_id >"$STAMP"
}

free_port() { node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'; }
port_free() { node -e 'const s=require("net").createServer();s.on("error",()=>process.exit(1));s.listen(+process.argv[1],"127.0.0.1",()=>s.close())' "$1"; }

# Starts the current line's JVM without waiting; returns 1 if it cannot even be launched.
launch() {
  mkdir -p "$DIR"
  local jh port
  # (called from `if`, so errexit is off here: every step checks its own status)
  jh=$(java_home) || return 1
  build "$jh" || return 1
  port=$PORT_ENV
  if [ -n "$port" ]; then
    port_free "$port" || { echo "neo4j: port $port (${PREFIX}_PORT) is already in use" >&2; return 1; }
  else
    port=$(free_port) || return 1
  fi
  echo "$port" >"$PORT_FILE" && mkdir -p "$DIR/data" && touch "$LOG" && stat -c %s "$LOG" >"$OFFSET_FILE" || return 1
  local flags=(-Xms128m -Xmx512m -XX:+UseSerialGC -XX:TieredStopAtLevel=1
    --add-opens java.base/java.nio=ALL-UNNAMED --add-opens java.base/java.lang=ALL-UNNAMED
    --add-opens java.base/sun.nio.ch=ALL-UNNAMED)
  # JDK 23+ warns on every start about Unsafe and native access by the Neo4j jars
  if [ "$(java_major "$jh")" -ge 23 ]; then flags+=(--enable-native-access=ALL-UNNAMED --sun-misc-unsafe-memory-access=allow); fi
  # AppCDS: the first run dumps the loaded classes at exit (stop_lines keeps the archive only after a
  # clean exit), later runs map them: restarts go from ~6-12 s to ~4-6 s here. A stale or
  # mismatched archive only costs a warning in the log; build() deletes it with the jars.
  # Off with ORCH_NEO4J_CDS=0, and by default under CI=true (a fresh clone: the dump would only make
  # the one stop slower).
  rm -f "$JSA.new"
  local cds=${ORCH_NEO4J_CDS:-}
  if [ -z "$cds" ]; then if [ -n "${CI:-}" ] && [ "${CI:-}" != false ]; then cds=0; else cds=1; fi; fi
  if [ "$cds" = 1 ]; then
    if [ -f "$JSA" ]; then flags+=("-XX:SharedArchiveFile=$JSA"); else flags+=("-XX:ArchiveClassesAtExit=$JSA.new"); fi
  fi
  # an explicit, sorted jar list (not lib/*): the class path must be identical for the archive
  local cp
  cp="$JAR:$(find "$DIR/lib" -maxdepth 1 -name '*.jar' | LC_ALL=C sort | paste -sd:)" || return 1
  echo "--- $(date -Is) starting Neo4j $VERSION on 127.0.0.1:$port with $jh" >>"$LOG"
  ORCH_NEO4J_PASSWORD=$NEO4J_PASSWORD nohup "$jh/bin/java" "${flags[@]}" -cp "$cp" \
    "$MAIN_CLASS" "$DIR/data" "$port" >>"$LOG" 2>&1 </dev/null 9>&- &
  echo $! >"$PID_FILE"
}

# Waits for the current line's READY line and a Bolt handshake (first start 7-14 s, restart 5-7 s).
wait_ready() {
  for _ in $(seq 1 600); do
    if said_ready && bolt_ok; then
      running || { fail "neo4j $VERSION: the launcher is gone"; return 1; }
      return 0
    fi
    if said_failed || ! running; then
      stop_line 2>/dev/null || true
      rm -f "$JSA.new"
      fail "neo4j $VERSION exited during start-up"
      return 1
    fi
    sleep 0.2
  done
  stop_line 2>/dev/null || true
  rm -f "$JSA.new"
  fail "neo4j $VERSION did not become ready within 120 s"
}

# Stops the given lines together: SIGTERM to each (the launcher's shutdown hook closes the DBMS),
# then up to 30 s for all (the run that dumps the class archive at exit takes 5-20 s), then kill -9.
stop_lines() {
  local l pid alive pids=()
  for l in "$@"; do
    use_line "$l"
    if running; then pid=$(cat "$PID_FILE"); kill "$pid" 2>/dev/null || true; pids+=("$pid"); fi
  done
  for _ in $(seq 1 300); do
    alive=0
    for pid in "${pids[@]}"; do if kill -0 "$pid" 2>/dev/null; then alive=1; fi; done
    [ "$alive" = 0 ] && break
    sleep 0.1
  done
  for l in "$@"; do
    use_line "$l"
    if running; then kill -9 "$(cat "$PID_FILE")" 2>/dev/null || true; rm -f "$JSA.new"; fi
    # keep a dumped class archive only from a run that got ready and exited on its own
    if [ -f "$JSA.new" ]; then if said_ready; then mv -f "$JSA.new" "$JSA"; else rm -f "$JSA.new"; fi; fi
    rm -f "$PID_FILE"
    echo "neo4j $l stopped" >&2
  done
}
stop_line() { stop_lines "$LINE"; use_line "$LINE"; }

lines_of() {
  case "${1:-all}" in
    all) echo "$LINES" ;;
    5 | 2026) echo "$1" ;;
    *) echo "neo4j: unknown line '$1' (5, 2026 or all)" >&2; exit 2 ;;
  esac
}

# Both lines start in parallel (launch all, then wait for all); a failure stops what this call launched.
start() {
  local lines launched=() l out=()
  lines=$(lines_of "${1:-all}")
  for l in $lines; do
    use_line "$l"
    if healthy; then
      if [ -n "$PORT_ENV" ] && [ "$PORT_ENV" != "$(cat "$PORT_FILE")" ]; then
        echo "neo4j $l: already running on port $(cat "$PORT_FILE"), not $PORT_ENV (${PREFIX}_PORT); stop it first" >&2
        return 1
      fi
      continue
    fi
    if running; then stop_line 2>/dev/null; fi
    if ! launch; then
      if running; then stop_line 2>/dev/null; fi
      [ "${#launched[@]}" = 0 ] || stop_lines "${launched[@]}" 2>/dev/null
      return 1
    fi
    launched+=("$l")
  done
  local failed=0
  for l in "${launched[@]}"; do use_line "$l"; wait_ready || failed=1; done
  if [ "$failed" = 1 ]; then
    stop_lines "${launched[@]}" 2>/dev/null
    return 1
  fi
  for l in $lines; do use_line "$l"; out+=("$(url)"); done
  printf '%s\n' "${out[@]}"
  credentials
}

stop() {
  local lines
  lines=$(lines_of "${1:-all}")
  # shellcheck disable=SC2086 # a list of line names
  stop_lines $lines
}

status() {
  local l ok=0
  for l in $(lines_of "${1:-all}"); do
    use_line "$l"
    if healthy; then url; else echo "neo4j $l not running" >&2; ok=1; fi
  done
  [ "$ok" = 0 ] && credentials
  return "$ok"
}

# A real round trip with the official driver: RETURN 1 with the password, and a bad password refused.
check() {
  local l cdir="$BASE/check" driver=neo4j-driver@6.3.0
  if [ ! -f "$cdir/node_modules/neo4j-driver/package.json" ]; then
    mkdir -p "$cdir"
    echo "neo4j: installing $driver into $cdir" >&2
    npm install --no-save --no-audit --no-fund --loglevel=error --prefix "$cdir" "$driver" >&2
  fi
  for l in $(lines_of "${1:-all}"); do
    use_line "$l"
    healthy || { echo "neo4j $l not running" >&2; return 1; }
    # shellcheck disable=SC2016 # JavaScript, not shell: ${...} is a template literal
    NODE_PATH="$cdir/node_modules" node -e '
      const neo4j = require("neo4j-driver");
      const [url, user, pw] = process.argv.slice(1);
      (async () => {
        const d = neo4j.driver(url, neo4j.auth.basic(user, pw));
        const r = await d.executeQuery("RETURN 1 AS one, $v AS v", { v: "x" });
        const info = await d.getServerInfo();
        await d.close();
        const one = r.records[0].get("one").toNumber();
        if (one !== 1) throw new Error("RETURN 1 gave " + one);
        const bad = neo4j.driver(url, neo4j.auth.basic(user, "wrong-password"));
        let code = "none";
        try { await bad.executeQuery("RETURN 1"); } catch (e) { code = e.code; }
        await bad.close();
        if (code !== "Neo.ClientError.Security.Unauthorized") throw new Error("bad password gave " + code);
        console.error(`neo4j ok: ${url} ${info.agent} protocol ${info.protocolVersion}: RETURN 1 = ${one}, bad password -> ${code}`);
      })().catch((e) => { console.error("neo4j check failed:", url, e.message); process.exit(1); });
    ' "bolt://127.0.0.1:$(cat "$PORT_FILE")" "$NEO4J_USER" "$NEO4J_PASSWORD" || return 1
  done
}

mkdir -p "$BASE"
# one start/stop at a time (several vitest processes may call start together)
if command -v flock >/dev/null; then exec 9>"$BASE/.lock"; flock 9; fi
case "${1:-}" in
  start) start "${2:-all}" ;;
  stop) stop "${2:-all}" ;;
  status) status "${2:-all}" ;;
  check) check "${2:-all}" ;;
  *) echo "usage: $0 start|stop|status|check [5|2026|all]" >&2; exit 2 ;;
esac
