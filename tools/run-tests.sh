#!/usr/bin/env bash
# The test command: installs what is missing, builds, and runs every test
# (unit tests and the real services against real Redis and SQLite) through
# ctest. Extra arguments go to ctest, e.g. `-R Registry`.
set -euo pipefail
cd "$(dirname "$0")/.."

bash tools/build.sh
cd build
ctest --output-on-failure --parallel "$(nproc)" --timeout 600 "$@"
