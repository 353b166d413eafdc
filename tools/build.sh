#!/usr/bin/env bash
# Installs what is missing, then configures and builds kexport in build/.
# Incremental: a second run rebuilds only what changed.
set -euo pipefail
cd "$(dirname "$0")/.."

bash tools/install-deps.sh
if [[ ! -f build/build.ninja ]]; then
  cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE="${KEXPORT_BUILD_TYPE:-RelWithDebInfo}"
fi
cmake --build build --parallel "$(nproc)"
