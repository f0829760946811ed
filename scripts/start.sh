#!/usr/bin/env bash
# `npm start`: install what is missing, build, and run the main example.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/bootstrap.sh
pnpm exec turbo run build --filter=@orch/example-quickstart... --output-logs=errors-only
pnpm --filter @orch/example-quickstart start
