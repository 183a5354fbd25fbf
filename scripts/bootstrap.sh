#!/usr/bin/env bash
# Sets up a fresh machine (Debian, Node >= 20.19) for llmmon: the pinned pnpm, the Debian
# packages the tests drive (Chromium for browser tests, cmake/g++ for the native sampler), and
# the workspace from the lockfile. Safe to run again: it only installs what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

PNPM_VERSION=12.4.2
if [ "$(pnpm --version 2>/dev/null || true)" != "$PNPM_VERSION" ]; then
  echo "bootstrap: installing pnpm@$PNPM_VERSION"
  npm install --global --no-fund --no-audit "pnpm@$PNPM_VERSION" >/dev/null
fi

# Debian packages: command that proves it is there -> package that brings it.
declare -A need=([cmake]=cmake [g++]=g++ [chromium]=chromium [promtool]=prometheus)
missing=()
for cmd in "${!need[@]}"; do command -v "$cmd" >/dev/null 2>&1 || missing+=("${need[$cmd]}"); done
# psutil, the original monitor's library, is a comparator in the comparison suite and its tests.
/usr/bin/python3 -c 'import psutil' >/dev/null 2>&1 || missing+=(python3-psutil)
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null; then
    echo "bootstrap: apt-get install ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >/dev/null
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  else
    echo "bootstrap: missing ${missing[*]}; install them with your package manager (needs root)" >&2
    exit 1
  fi
fi

export TURBO_TELEMETRY_DISABLED=1
pnpm install --frozen-lockfile
