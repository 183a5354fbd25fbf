#!/usr/bin/env bash
# On a machine with an NVIDIA GPU: prints the native sampler's capabilities(), reads the GPU
# counters for a few seconds, and checks that the devices' energy counter agrees with power x
# time within 10 %. Needs only node and the built package (pnpm --filter
# @llmmon/sampler-native build, or a copy of packages/sampler-native with dist/ and build/).
#
#   scripts/gpu-check.sh [seconds]          default 10
#   GPU_CHECK_LOAD='command' scripts/gpu-check.sh   runs a GPU workload while measuring
#   LLMMON_NVML_PATH=/path/libnvidia-ml.so.1        a library outside the loader's path
#
# Exit code: 0 pass, 1 energy and power x time differ by more than 10 %, 2 nothing to check
# (no NVML, no energy or power counter, or the package is not built).
set -euo pipefail
cd "$(dirname "$0")/../packages/sampler-native"
for built in dist/index.js build/Release/llmmon_sampler.node; do
  if [ ! -f "$built" ]; then
    echo "gpu-check: packages/sampler-native/$built is missing: build it with pnpm --filter @llmmon/sampler-native build" >&2
    exit 2
  fi
done
exec node scripts/gpu-check.mjs "$@"
