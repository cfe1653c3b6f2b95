#!/usr/bin/env bash
# Idempotent setup for a fresh Debian machine that has Node 20 and npm: pnpm, etcd (for the etcd
# backend's tests) and the workspace's dependencies. Safe to run again; never prompts.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

readonly PNPM_VERSION="10.34.9"

log() { printf 'bootstrap: %s\n' "$*"; }
warn() { printf 'bootstrap: warning: %s\n' "$*" >&2; }

is_root() { [ "$(id -u)" -eq 0 ]; }

ensure_pnpm() {
  # Any pnpm 10 will do: it honours the packageManager field's lockfile format.
  if command -v pnpm >/dev/null 2>&1 && [[ "$(pnpm --version 2>/dev/null)" == 10.* ]]; then
    return
  fi
  log "installing pnpm@$PNPM_VERSION with npm"
  npm install --global --no-fund --no-audit "pnpm@$PNPM_VERSION"
}

ensure_etcd() {
  if command -v etcd >/dev/null 2>&1; then
    return
  fi
  if ! is_root; then
    warn "etcd is not on PATH and this is not root: skipping apt-get; the etcd backend's tests need it"
    return
  fi
  if ! command -v apt-get >/dev/null 2>&1; then
    warn "etcd is not on PATH and apt-get is unavailable: install etcd yourself"
    return
  fi
  log "installing etcd-server and etcd-client with apt-get"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update
  apt-get install -y --no-install-recommends etcd-server etcd-client
}

ensure_pnpm
ensure_etcd
log "installing workspace dependencies"
pnpm install --frozen-lockfile
