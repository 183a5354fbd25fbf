#!/usr/bin/env bash
# Builds the macOS addons on a Linux machine against a macOS SDK, for both Apple architectures:
# every macOS source (C++ and Objective-C++) compiled with warnings as errors, then linked as
# Mach-O bundles with lld against the SDK's .tbd stubs. CI builds and tests them for real on a
# macOS runner; this catches a wrong signature, a missing framework or a misspelled symbol
# before pushing.
#
#   LLMMON_MACOS_SDK=/path/to/sdk scripts/check-darwin-build.sh
#
# The SDK is either an Xcode MacOSX.sdk (usr/include, usr/lib, System/Library/Frameworks) or the
# layout of github.com/mitchellh/zig-build-macos-sdk (include/, lib/, Frameworks/). Needs clang
# and lld (Debian: apt-get install clang lld). Node's own symbols (napi_*) are left to the
# process that loads the addon (-undefined dynamic_lookup, as node-gyp links addons). Where the
# SDK has no libSystem/libc++ stubs (the zig layout has none), their symbols are resolved the
# same way and listed as unchecked; every framework symbol is checked against its stub.
set -euo pipefail
cd "$(dirname "$0")/.."
: "${LLMMON_MACOS_SDK:?set LLMMON_MACOS_SDK to a macOS SDK directory}"
SDK=$LLMMON_MACOS_SDK
if [ -d "$SDK/usr/include" ]; then
  INC=$SDK/usr/include LIB=$SDK/usr/lib FW=$SDK/System/Library/Frameworks
elif [ -d "$SDK/include" ]; then
  INC=$SDK/include LIB=$SDK/lib FW=$SDK/Frameworks
else
  echo "check-darwin-build: $SDK has neither usr/include nor include/" >&2
  exit 2
fi
CLANG=${CLANG:-$(command -v clang++ || command -v clang++-14)}
LLD=${LLD:-$(command -v ld64.lld || command -v ld64.lld-14)}
NM=${NM:-$(command -v llvm-nm || command -v llvm-nm-14 || echo /usr/lib/llvm-14/bin/llvm-nm)}
RESOURCE=$("$CLANG" -print-resource-dir)/include
NAPI_INC=$(node -p "require('node-api-headers').include_dir")
ADDON_INC=$(node -p "require('node-addon-api').include_dir")
OUT=${OUT:-$(mktemp -d)}
# The linker resolves a stub's re-exports (Foundation -> CoreFoundation, ...) by install name
# under -syslibroot: give the zig layout the directories of a real SDK.
SYSROOT=$SDK
if [ ! -d "$SDK/System/Library/Frameworks" ]; then
  SYSROOT=$OUT/sysroot
  mkdir -p "$SYSROOT/System/Library" "$SYSROOT/usr"
  ln -sfn "$FW" "$SYSROOT/System/Library/Frameworks"
  ln -sfn "$LIB" "$SYSROOT/usr/lib"
fi

# The macOS sources of CMakeLists.txt's two targets (keep in step with its APPLE branch).
N=src/native
RULES=($N/apple_gpu_rules.cpp $N/apple_energy_rules.cpp)
BACKENDS=($N/gpu_none.cpp $N/platform_darwin.cpp $N/target.cpp $N/targets.cpp $N/target_darwin.cpp
  $N/process_list_darwin.cpp $N/gpu_select_darwin.cpp $N/gpu_iokit.cpp $N/metal_device.mm
  $N/thermal_pressure_darwin.cpp $N/ioreport_darwin.cpp $N/energy_darwin.cpp "${RULES[@]}")
PRODUCT=($N/addon.cpp $N/sampler.cpp $N/window.cpp $N/window_parts.cpp $N/target_window.cpp $N/gpu_sample.cpp
  $N/capabilities.cpp "${BACKENDS[@]}")
TESTING=($N/testing/testing_addon.cpp $N/testing/apple_rules_testing.cpp $N/testing/ioreg_text.cpp
  $N/testing/backend_testing.cpp $N/testing/metal_workload.mm $N/drm_fdinfo.cpp "${BACKENDS[@]}")
FRAMEWORKS=(-framework IOKit -framework CoreFoundation -framework Metal -framework Foundation)

compile() {  # target source object
  local lang=c++
  [[ $2 == *.mm ]] && lang=objective-c++
  "$CLANG" -target "$1" -x "$lang" -std=c++17 -c -O0 -fPIC -fvisibility=hidden \
    -Wall -Wextra -Wpedantic -Wshadow -Werror \
    -nostdinc -nostdinc++ -isystem "$INC/c++/v1" -isystem "$RESOURCE" -isystem "$INC" -iframework "$FW" \
    -isystem "$NAPI_INC" -isystem "$ADDON_INC" -I$N \
    -DNAPI_VERSION=8 -DBUILDING_NODE_EXTENSION -o "$3" "$2"
}

link() {  # arch min_version output objects...
  local arch=$1 version=$2 output=$3
  shift 3
  local libs=()
  for l in System c++ objc; do
    if [ -e "$LIB/lib$l.tbd" ] || [ -e "$LIB/lib$l.B.tbd" ] || [ -e "$LIB/lib$l.1.tbd" ]; then libs+=(-l$l); fi
  done
  "$LLD" -arch "$arch" -platform_version macos "$version" "$version" -bundle -undefined dynamic_lookup \
    -syslibroot "$SYSROOT" -L"$LIB" -F"$FW" "${libs[@]}" "${FRAMEWORKS[@]}" -o "$output" "$@"
}

# Every C symbol the SDK's framework and library stubs export, to tell a missing framework from
# the C/C++ runtime (C++ names are left out: several stubs list libc++'s).
EXPORTED=$OUT/exported.txt
find -L "$FW" "$LIB" -maxdepth 2 -name '*.tbd' -print0 | xargs -0 grep -ohE '_[A-Za-z0-9_$.]+' |
  grep -v '^__Z' | sort -u >"$EXPORTED"
if [ -e "$LIB/libSystem.tbd" ] || [ -e "$LIB/libSystem.B.tbd" ]; then
  RUNTIME="checked against the SDK's libSystem/libc++ stubs"
else
  RUNTIME="not checked: this SDK has no libSystem/libc++ stubs"
fi

status=0
for spec in arm64:11.0 x86_64:10.15; do
  arch=${spec%%:*} version=${spec#*:}
  target=$arch-apple-macos$version
  for addon in product testing; do
    if [ $addon = product ]; then sources=("${PRODUCT[@]}"); else sources=("${TESTING[@]}"); fi
    objects=() pids=()
    for source in "${sources[@]}"; do  # in parallel: one clang per source
      object=$OUT/$arch-$addon-$(basename "$source").o
      compile "$target" "$source" "$object" &
      pids+=($!)
      objects+=("$object")
    done
    for pid in "${pids[@]}"; do wait "$pid" || status=1; done
    bundle=$OUT/$arch-llmmon_sampler.node
    if [ $addon = testing ]; then bundle=$OUT/$arch-llmmon_sampler_testing.node; fi
    if [ $status -eq 0 ] && link "$arch" "$version" "$bundle" "${objects[@]}"; then
      # Bound symbols name their library ("(from IOKit)"); the rest is left to dynamic lookup:
      # Node's napi_*, and the C/C++ runtime's where the SDK has no libSystem/libc++ stubs. One
      # that an SDK stub exports means a library missing from the link line.
      lookup=$("$NM" -m "$bundle" | sed -n 's/.*(undefined) external \([^ ]*\) (dynamically looked up).*/\1/p' |
        grep -v -E '^_(napi|node_api)_' || true)
      misplaced=$(comm -12 <(echo "$lookup" | sort -u) "$EXPORTED")
      if [ -n "$misplaced" ]; then
        echo "$target $addon: symbols an SDK stub exports but the link did not bind (missing -framework?):"
        echo "$misplaced"
        status=1
      else
        echo "$target $addon: compiled and linked; $(echo "$lookup" | grep -c . || true) C/C++ runtime symbols left to dynamic lookup ($RUNTIME)"
      fi
    else
      echo "$target $addon: FAILED"
      status=1
    fi
  done
done
exit $status
