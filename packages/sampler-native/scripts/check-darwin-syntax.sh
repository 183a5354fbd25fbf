#!/usr/bin/env bash
# Compiles the macOS sources (syntax and types only, warnings as errors) on a Linux machine,
# against a macOS SDK's headers, for both Apple architectures. CI builds and tests them for real
# on a macOS runner; this catches a wrong Mach signature before pushing.
#
#   MACOS_SDK_INCLUDE=/path/to/MacOSX.sdk/usr/include scripts/check-darwin-syntax.sh
#
# Needs clang (Debian: apt-get install clang-14). Any macOS SDK's usr/include works, e.g. the
# one vendored by github.com/mitchellh/zig-build-macos-sdk (include/).
set -euo pipefail
cd "$(dirname "$0")/.."
: "${MACOS_SDK_INCLUDE:?set MACOS_SDK_INCLUDE to a macOS SDK usr/include directory}"
CLANG=${CLANG:-$(command -v clang++ || command -v clang++-14)}
RESOURCE=$("$CLANG" -print-resource-dir)/include
NAPI_INC=$(node -p "require('node-api-headers').include_dir")
ADDON_INC=$(node -p "require('node-addon-api').include_dir")
status=0
for target in arm64-apple-macos11 x86_64-apple-macos10.15; do
  for source in src/native/platform_darwin.cpp src/native/sampler.cpp src/native/window.cpp \
    src/native/window_parts.cpp src/native/target.cpp src/native/targets.cpp src/native/target_window.cpp \
    src/native/target_darwin.cpp src/native/process_list_darwin.cpp \
    src/native/gpu_none.cpp src/native/gpu_sample.cpp src/native/gpu_select_darwin.cpp \
    src/native/energy_none.cpp src/native/capabilities.cpp src/native/drm_fdinfo.cpp src/native/addon.cpp \
    src/native/testing/testing_addon.cpp; do
    "$CLANG" -target "$target" -std=c++17 -fsyntax-only -Wall -Wextra -Wpedantic -Wshadow -Werror \
      -nostdinc -nostdinc++ -isystem "$MACOS_SDK_INCLUDE/c++/v1" -isystem "$RESOURCE" \
      -isystem "$MACOS_SDK_INCLUDE" -isystem "$NAPI_INC" -isystem "$ADDON_INC" -Isrc/native \
      -DNAPI_VERSION=8 -DBUILDING_NODE_EXTENSION "$source" || status=1
  done
  echo "$target: $([ $status -eq 0 ] && echo ok || echo FAILED)"
done
exit $status
