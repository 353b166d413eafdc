#!/usr/bin/env bash
# The README's client, tools/kexport-call, against the real registry and a
# real Redis: create, read, list through reflection, and an error with its
# details. Arguments: redis-server, kexport-registry, kexport-call, protoset.
set -euo pipefail
redis_server=$1 registry=$2 call=$3 protoset=$4

dir=$(mktemp -d)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill -KILL "$pid" 2>/dev/null || true; done
  rm -rf "$dir"
}
trap cleanup EXIT

free_port() {
  /usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}
fail() { echo "FAIL: $*" >&2; exit 1; }

redis_port=$(free_port)
registry_port=$(free_port)
"$redis_server" --port "$redis_port" --bind 127.0.0.1 --save "" --dir "$dir" \
  >"$dir/redis.log" 2>&1 &
pids+=($!)
"$registry" --host=127.0.0.1 --port="$registry_port" --data_dir="$dir" \
  --redis_addr="127.0.0.1:$redis_port" 2>"$dir/registry.log" &
pids+=($!)

kcall() { "$call" --protoset "$protoset" --addr "127.0.0.1:$registry_port" "$@"; }
for _ in $(seq 100); do
  kcall --timeout 1 grpc.health.v1.Health/Check '{}' >/dev/null 2>&1 && break
  sleep 0.1
done

firm='{"firm": {"brn": "1248100998", "legal_name_ko": "주식회사 예시",
  "representative": "홍길동", "size_class": "SIZE_CLASS_SMALL",
  "founding_date": {"year": 2015, "month": 3, "day": 2},
  "ksic": {"code": "C26110", "revision": 11}}, "request_id": "cli-1"}'
# Outputs are captured before grep reads them: `grep -q` stops reading at
# the first match, which would break the client's pipe.
created=$(kcall --actor cli-test CreateFirm "$firm")
grep -q '"name": "firms/1248100998"' <<<"$created" \
  || fail "CreateFirm did not answer the firm: $created"
read_back=$(kcall GetFirm '{"name": "firms/1248100998"}')
grep -q '"state": "FIRM_STATE_ACTIVE"' <<<"$read_back" \
  || fail "GetFirm did not read the firm back: $read_back"

services=$(kcall --list)
grep -qx 'kexport.registry.v1.FirmRegistry' <<<"$services" \
  || fail "reflection does not list the registry: $services"
methods=$(kcall --list kexport.registry.v1.FirmRegistry)
grep -q '/ImportFirms(stream ' <<<"$methods" \
  || fail "reflection does not describe ImportFirms: $methods"

set +e
errors=$(kcall GetFirm '{"name": "firms/1248100997"}' 2>&1 >/dev/null)
code=$?
set -e
[[ $code -eq 1 ]] || fail "a gRPC error should exit 1, got $code"
grep -q 'INVALID_ARGUMENT' <<<"$errors" || fail "no status code in: $errors"
grep -q '"reason": "INVALID_FIELD"' <<<"$errors" || fail "no ErrorInfo in: $errors"
grep -q '"field": "name"' <<<"$errors" || fail "no field violation in: $errors"
echo "kexport-call works against the registry"
