#!/usr/bin/env bash
# Makes a machine that has only Node 20 and npm ready: pnpm at the pinned version, then the
# workspace's dependencies. Idempotent and quick when everything is in place.
set -euo pipefail
cd "$(dirname "$0")/.."

pinned=$(node -p "require('./package.json').packageManager.split('@')[1]")
if ! command -v pnpm >/dev/null 2>&1 || [ "$(pnpm --version)" != "$pinned" ]; then
  echo "bootstrap: installing pnpm $pinned" >&2
  npm install --global --no-audit --no-fund "pnpm@$pinned" >&2
fi

# better-sqlite3 (and node-gyp) need a C++ toolchain and python3 when they build from source: on a
# fresh Debian machine without them, install them (only what is missing; needs root and apt).
missing=()
for tool in make g++ python3; do command -v "$tool" >/dev/null 2>&1 || missing+=("$tool"); done
if [ "${#missing[@]}" -gt 0 ]; then
  if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
    echo "bootstrap: installing build tools (missing: ${missing[*]})" >&2
    apt-get update -qq >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq build-essential python3 >&2
  else
    echo "bootstrap: ${missing[*]} not found; better-sqlite3 may fail to build (install build-essential and python3)" >&2
  fi
fi

# better-sqlite3 compiles from source when no prebuilt binary can be downloaded, and node-gyp then
# needs Node's headers: use the ones installed beside Node instead of downloading them.
if [ -z "${npm_config_nodedir:-}" ]; then
  node_prefix=$(dirname "$(dirname "$(command -v node)")")
  if [ -f "$node_prefix/include/node/node_api.h" ]; then export npm_config_nodedir="$node_prefix"; fi
fi

if [ "${CI:-}" = "true" ]; then pnpm install --frozen-lockfile >&2; else pnpm install >&2; fi
