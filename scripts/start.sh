#!/usr/bin/env bash
# Set the machine up, then build and start the CLI demo (`pnpm start`).
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

bash scripts/bootstrap.sh
exec pnpm start "$@"
