#!/usr/bin/env bash
# Packs every public workspace package into one folder, as `pnpm publish` would: `workspace:*`
# becomes the real version, and prepack scripts run (sampler-native's builds this machine's
# prebuilt binary; binaries for other platforms must already be in
# packages/sampler-native/prebuilds/, as CI puts them there). Run `pnpm build` first.
#
#   scripts/pack.sh [DEST]     default DEST: packed/ ; prints each tarball and its size
set -euo pipefail
cd "$(dirname "$0")/.."
dest=$(mkdir -p "${1:-packed}" && cd "${1:-packed}" && pwd)

# The public packages, from pnpm's own list (private ones — tests, benchmarks — stay out).
pnpm ls -r --depth -1 --json |
  node -e 'for (const p of JSON.parse(require("fs").readFileSync(0, "utf8"))) if (!p.private) console.log(p.path)' |
  while read -r dir; do
    (cd "$dir" && pnpm pack --pack-destination "$dest" >/dev/null)
  done
ls -l "$dest"/*.tgz | awk '{ printf "%8.1f KiB  %s\n", $5 / 1024, $NF }'
