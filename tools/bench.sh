#!/usr/bin/env bash
# The benchmark suite in one command: builds the services, the echo baseline
# and the load generator in release mode (build-release/), then runs every
# scenario and prints the table (tools/bench/run_suite.py; its options, e.g.
# --seconds 3 --import-rows 100000, pass through). Results: bench-results/.
set -euo pipefail
cd "$(dirname "$0")/.."
KEXPORT_BUILD_DIR=build-release KEXPORT_BUILD_TYPE=Release \
  KEXPORT_BUILD_TARGETS="kexport-registry kexport-designation kexport-ledger kexport-applications kexport-bench-echo kexport-loadgen kexport_protoset" \
  bash tools/build.sh
exec /usr/bin/python3 tools/bench/run_suite.py --build-dir build-release "$@"
