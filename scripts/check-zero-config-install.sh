#!/usr/bin/env bash
# Proves the zero-configuration promise as a new user meets it: @orch/core, @orch/adapter-sqlite,
# @orch/sql-stores and @orch/unified packed as tarballs, installed with npm into an empty folder,
# and the two-liner `UnifiedDatabaseManager.open()` + `createTaskWithEmbeddings` run with no other
# call (no migrate(), no config), keeping its data under ORCH_DATA_DIR. Run by `pnpm test`.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
for pkg in core sql-stores adapter-sqlite unified; do
  (cd "$root/packages/$pkg" && pnpm pack --pack-destination "$work" >/dev/null)
done
cd "$work"
npm init -y >/dev/null
# better-sqlite3 may compile from source; reuse the headers installed beside Node when present.
node_prefix=$(dirname "$(dirname "$(command -v node)")")
if [ -z "${npm_config_nodedir:-}" ] && [ -f "$node_prefix/include/node/node_api.h" ]; then export npm_config_nodedir="$node_prefix"; fi
npm install --no-audit --no-fund --loglevel=error ./orch-core-*.tgz ./orch-sql-stores-*.tgz ./orch-adapter-sqlite-*.tgz ./orch-unified-*.tgz >/dev/null
mkdir -p data
cat >two-liner.mjs <<'JS'
import { UnifiedDatabaseManager } from '@orch/unified';

const db = await UnifiedDatabaseManager.open();
const { task } = await db.createTaskWithEmbeddings({ task: { title: 'x' } });
await db.close();
// A second process-like open finds the task: it was committed to the file under ORCH_DATA_DIR.
const reopened = await UnifiedDatabaseManager.open();
const rows = await reopened.operational.query('SELECT title FROM tasks WHERE id = ?', [task.id]);
await reopened.close();
if (rows[0]?.title !== 'x') throw new Error(`task ${task.id} was not stored: ${JSON.stringify(rows)}`);
console.log(`created task ${task.id}`);
JS
out=$(ORCH_DATA_DIR="$work/data" node two-liner.mjs)
echo "$out"
ls "$work/data" | grep -q . || { echo "check-zero-config-install: nothing was written under ORCH_DATA_DIR" >&2; exit 1; }
if ls "$work" | grep -E '\.(db|sqlite)$' >/dev/null; then
  echo "check-zero-config-install: a database file was written into the current directory" >&2
  exit 1
fi
echo "check-zero-config-install: the zero-config two-liner runs from packed tarballs"
