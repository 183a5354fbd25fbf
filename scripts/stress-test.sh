#!/usr/bin/env bash
# Runs the whole test suite several times in a row while other processes burn CPU beside it, the
# way a busy CI machine or a developer's laptop would. Every timing-sensitive test must pass here:
# a test that only passes on an idle machine blocks landings and teaches people to rerun.
#
#   scripts/stress-test.sh [ROUNDS=3] [BURNERS=2]
#
# Builds once, then runs `pnpm lint` and `vitest run` ROUNDS times with BURNERS busy-looping
# processes (one per core on the 2-core CI machine); stops at the first failing round. The burners
# are killed on exit, whatever happens.
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-3}
burners=${2:-2}

pids=()
cleanup() { for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done; }
trap cleanup EXIT INT TERM

export TURBO_TELEMETRY_DISABLED=1
pnpm build
for _ in $(seq "$burners"); do
  node -e 'for (;;) {}' &
  pids+=("$!")
done
echo "stress: ${burners} CPU burners running (pids ${pids[*]}), load $(cut -d' ' -f1 /proc/loadavg)"

for round in $(seq "$rounds"); do
  start=$(date +%s)
  echo "stress: round ${round}/${rounds}"
  pnpm lint
  npx vitest run
  echo "stress: round ${round}/${rounds} passed in $(($(date +%s) - start)) s, load $(cut -d' ' -f1 /proc/loadavg)"
done
echo "stress: ${rounds} rounds passed with ${burners} CPU burners"
