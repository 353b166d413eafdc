#!/usr/bin/env bash
# Installs what is missing, then configures and builds kexport in build/.
# Incremental: a second run rebuilds only what changed. KEXPORT_BUILD_TARGETS
# (space-separated) builds only those targets, e.g. the binaries for an image;
# KEXPORT_BUILD_DIR builds elsewhere (the benchmarks' release build).
set -euo pipefail
cd "$(dirname "$0")/.."

bash tools/install-deps.sh
build_dir=${KEXPORT_BUILD_DIR:-build}
if [[ ! -f ${build_dir}/build.ninja ]]; then
  cmake -S . -B "${build_dir}" -G Ninja -DCMAKE_BUILD_TYPE="${KEXPORT_BUILD_TYPE:-RelWithDebInfo}"
fi
# shellcheck disable=SC2086 # the targets are words
cmake --build "${build_dir}" --parallel "$(nproc)" ${KEXPORT_BUILD_TARGETS:+--target ${KEXPORT_BUILD_TARGETS}}
