#!/usr/bin/env bash
# The run command: installs what is missing, builds, then runs Redis and
# every kexport service in the foreground with SQLite files under one data
# directory, loads the demo firms once, and stops everything on Ctrl-C.
#
# Settings (environment): KEXPORT_DATA_DIR (default ./data),
# KEXPORT_REDIS_PORT (6380), KEXPORT_REGISTRY_PORT (50051),
# KEXPORT_DESIGNATION_PORT (50052), KEXPORT_APPLICATIONS_PORT (50053),
# KEXPORT_LEDGER_PORT (50054).
#
# Redis gets its own instance without persistence, on 6380 so that it does
# not meet the system Redis Debian starts on 6379.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

bash tools/build.sh

data_dir=${KEXPORT_DATA_DIR:-$root/data}
redis_port=${KEXPORT_REDIS_PORT:-6380}
registry_port=${KEXPORT_REGISTRY_PORT:-50051}
designation_port=${KEXPORT_DESIGNATION_PORT:-50052}
applications_port=${KEXPORT_APPLICATIONS_PORT:-50053}
ledger_port=${KEXPORT_LEDGER_PORT:-50054}
mkdir -p "$data_dir"

pids=()
stop() {
  trap - INT TERM EXIT
  echo "run-suite: stopping" >&2
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  wait || true
}
trap stop INT TERM EXIT

port_taken() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
for port in "$redis_port" "$registry_port" "$designation_port" "$applications_port" \
  "$ledger_port"; do
  if port_taken "$port"; then
    echo "run-suite: port $port is in use; stop what uses it or choose" \
      "another with KEXPORT_REDIS_PORT, KEXPORT_REGISTRY_PORT," \
      "KEXPORT_DESIGNATION_PORT, KEXPORT_APPLICATIONS_PORT or KEXPORT_LEDGER_PORT" >&2
    exit 1
  fi
done

redis-server --port "$redis_port" --bind 127.0.0.1 --save "" \
  --appendonly no --dir "$data_dir" --logfile "$data_dir/redis.log" &
pids+=($!)

build/services/registry/kexport-registry --port="$registry_port" \
  --data_dir="$data_dir" --redis_addr="127.0.0.1:$redis_port" &
pids+=($!)
build/services/designation/kexport-designation --port="$designation_port" \
  --data_dir="$data_dir" --redis_addr="127.0.0.1:$redis_port" \
  --registry_addr="127.0.0.1:$registry_port" \
  --policy_file=config/designation-policy.json \
  --incentives_file=config/grade-incentives.json --seed_demo_history &
pids+=($!)
build/services/ledger/kexport-ledger --port="$ledger_port" --data_dir="$data_dir" &
pids+=($!)
build/services/applications/kexport-applications --port="$applications_port" \
  --data_dir="$data_dir" --registry_addr="127.0.0.1:$registry_port" \
  --designation_addr="127.0.0.1:$designation_port" --ledger_addr="127.0.0.1:$ledger_port" \
  --seed_programs_file=config/programs.jsonl --seed_rounds_file=config/rounds.jsonl &
pids+=($!)

# Ready when each service answers through gRPC health.
for port in "$registry_port" "$designation_port" "$applications_port" "$ledger_port"; do
  for _ in $(seq 100); do
    if tools/kexport-call --addr "localhost:$port" --timeout 1 \
         grpc.health.v1.Health/Check '{}' >/dev/null 2>&1; then
      break
    fi
    sleep 0.1
  done
done

export KEXPORT_REGISTRY_ADDR="localhost:$registry_port" \
  KEXPORT_DESIGNATION_ADDR="localhost:$designation_port" \
  KEXPORT_APPLICATIONS_ADDR="localhost:$applications_port" \
  KEXPORT_LEDGER_ADDR="localhost:$ledger_port"
# Loaded again whenever the demo files change (rows carry request ids, so
# what is there already is not loaded twice).
demo_version=$(cat tools/demo/* | sha256sum | cut -d' ' -f1)
if [[ "$(cat "$data_dir/.demo-loaded" 2>/dev/null)" != "$demo_version" ]]; then
  tools/kexportctl --actor demo-loader demo-data load
  echo "$demo_version" > "$data_dir/.demo-loaded"
fi

echo "run-suite: registry on localhost:$registry_port, designation on" \
  "localhost:$designation_port, applications on localhost:$applications_port," \
  "ledger on localhost:$ledger_port, Redis on" \
  "$redis_port; data in $data_dir. Ctrl-C stops." >&2
cat >&2 <<EOF
run-suite: try, in another terminal:
  export KEXPORT_REGISTRY_ADDR=$KEXPORT_REGISTRY_ADDR KEXPORT_DESIGNATION_ADDR=$KEXPORT_DESIGNATION_ADDR
  export KEXPORT_APPLICATIONS_ADDR=$KEXPORT_APPLICATIONS_ADDR KEXPORT_LEDGER_ADDR=$KEXPORT_LEDGER_ADDR
  tools/kexportctl health                      # every service SERVING
  tools/kexportctl demo                        # a firm's whole journey in a minute
  tools/kexportctl rounds list voucher         # the seeded programmes' rounds
  tools/kexportctl budget report voucher --year 2026
EOF
wait -n "${pids[@]}"
