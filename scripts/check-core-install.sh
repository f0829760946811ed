#!/usr/bin/env bash
# Proves that installing only @orch/core (from the packed tarball, with npm, into an empty folder)
# pulls in no database driver. Run by `pnpm test`.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
(cd "$root/packages/core" && pnpm pack --pack-destination "$work" >/dev/null)
cd "$work"
npm init -y >/dev/null
npm install --no-audit --no-fund --loglevel=error ./orch-core-*.tgz >/dev/null
drivers='better-sqlite3|libsql|@libsql|sql\.js|sqlite-vec|chromadb|@pinecone-database|neo4j-driver|pg|@electric-sql'
found=$(npm ls --all --parseable 2>/dev/null | sed 's#.*/node_modules/##' | grep -E "^(${drivers})(/|$)" || true)
if [ -n "$found" ]; then
  echo "check-core-install: @orch/core pulled in database drivers:" >&2
  echo "$found" >&2
  exit 1
fi
node --input-type=module -e "import('@orch/core').then(m => { if (typeof m.createAdapter !== 'function') process.exit(1); })"
echo "check-core-install: @orch/core installs alone with $(npm ls --all --parseable | tail -n +2 | wc -l) packages and no database driver"
