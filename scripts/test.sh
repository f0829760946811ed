#!/usr/bin/env bash
# The whole test suite: build, lint, typecheck, start the test servers, run every test, check the
# published packages, stop the servers. `pnpm test` runs this; so does .ci/run.
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n== %s\n' "$*"; }

step install
bash scripts/bootstrap.sh
step build
pnpm exec turbo run build --output-logs=errors-only
step lint
pnpm exec biome check .
step typecheck
pnpm exec turbo run typecheck --output-logs=errors-only

step "test servers"
# Each server script prints KEY=VALUE lines (the URLs tests read) and fails loudly when its server
# cannot start: a missing server is a failed run, never a skipped test.
servers=()
for script in scripts/servers/*.sh; do
  [ -e "$script" ] || continue
  name=$(basename "$script" .sh)
  env_lines=$(bash "$script" start) || { echo "test server $name failed to start; see .test-servers/$name/" >&2; exit 1; }
  servers+=("$script")
  while IFS= read -r line; do
    [ -n "$line" ] && export "${line?}" && echo "  $name: ${line%%=*} set"
  done <<<"$env_lines"
done
stop_servers() { for s in "${servers[@]}"; do bash "$s" stop >/dev/null 2>&1 || true; done; }
if [ "${ORCH_KEEP_SERVERS:-}" != 1 ]; then trap stop_servers EXIT; fi

step tests
pnpm exec vitest run
step "package checks (publint, are-the-types-wrong)"
pnpm exec turbo run package:check --output-logs=errors-only
step "core installs without drivers"
bash scripts/check-core-install.sh
step "zero-config two-liner from packed tarballs"
bash scripts/check-zero-config-install.sh
