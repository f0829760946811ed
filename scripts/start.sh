#!/usr/bin/env bash
# `npm start`: install what is missing, build the orchestrator app (and the packages it uses), and
# run `orch demo`: plan a task, work through its subtasks in dependency order, find similar tasks,
# print the status and the dependency graph. Extra arguments go to `orch demo` (e.g. --data-dir DIR).
# With no configuration the data lives in ORCH_DATA_DIR, else $XDG_DATA_HOME/orch (~/.local/share/orch).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/bootstrap.sh
pnpm exec turbo run build --filter=@orch/orchestrator... --output-logs=errors-only
node apps/orchestrator/dist/cli.js demo "$@"
