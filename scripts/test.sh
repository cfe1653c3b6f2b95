#!/usr/bin/env bash
# The one test command: set the machine up, then build, typecheck, lint and run every test suite
# (Node and Deno). The last line printed is `<N> passed, <M> failed[, <K> skipped]`.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

bash scripts/bootstrap.sh
# --silent keeps pnpm's own "ELIFECYCLE … failed" notice from landing after the summary line.
exec pnpm --silent test
