#!/usr/bin/env bash
# Builds and runs the benchmarks, printing their figures. Optional argument:
# seconds per figure (default 3).
set -euo pipefail
cd "$(dirname "$0")/.."
bash tools/build.sh
build/tools/bench/ledger_bench "${1:-3}"
