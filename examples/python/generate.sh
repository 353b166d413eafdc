#!/bin/sh
# Generates the Python messages and gRPC stubs of the kexport contracts, with
# Debian's protoc and gRPC Python plugin, into one directory to put on
# sys.path (the examples take it as --stubs DIR or KEXPORT_PYTHON_STUBS).
#
#   examples/python/generate.sh                 # into build/python
#   examples/python/generate.sh /tmp/stubs      # anywhere else
#
# Needs: protobuf-compiler, protobuf-compiler-grpc (grpc_python_plugin),
# libprotobuf-dev (google/protobuf/*.proto) and golang-github-gogo-googleapis-dev
# (google/type/date.proto, google/rpc/*.proto): the same files the C++ build
# uses (proto/CMakeLists.txt). At run time: python3-grpcio and
# python3-protobuf.
set -eu

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
OUT=${1:-$ROOT/build/python}
GOOGLEAPIS=/usr/share/gocode/src/github.com/gogo/googleapis
PROTOBUF_INCLUDE=/usr/include
PLUGIN=/usr/bin/grpc_python_plugin

missing() {
  echo "generate.sh: $1 missing; install it: sudo apt-get install $2" >&2
  exit 1
}
command -v protoc >/dev/null || missing protoc protobuf-compiler
[ -x "$PLUGIN" ] || missing "$PLUGIN" protobuf-compiler-grpc
[ -f "$GOOGLEAPIS/google/type/date.proto" ] ||
  missing "$GOOGLEAPIS/google/type/date.proto" golang-github-gogo-googleapis-dev
[ -f "$PROTOBUF_INCLUDE/google/protobuf/timestamp.proto" ] ||
  missing "$PROTOBUF_INCLUDE/google/protobuf/timestamp.proto" libprotobuf-dev

mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)  # protoc runs from other directories below
INCLUDES="-I $ROOT/proto -I $GOOGLEAPIS -I $PROTOBUF_INCLUDE"

# The four services: messages (*_pb2.py) and stubs (*_pb2_grpc.py).
# shellcheck disable=SC2086
(cd "$ROOT/proto" && protoc $INCLUDES \
  --python_out="$OUT" --grpc_out="$OUT" \
  --plugin=protoc-gen-grpc="$PLUGIN" \
  kexport/registry/v1/registry.proto \
  kexport/designation/v1/designation.proto \
  kexport/applications/v1/applications.proto \
  kexport/ledger/v1/ledger.proto)

# What they import or send that python3-protobuf does not ship: the calendar
# date, and the error details in the grpc-status-details-bin trailer.
# (google/protobuf/*_pb2 come with python3-protobuf itself.)
# shellcheck disable=SC2086
(cd "$GOOGLEAPIS" && protoc $INCLUDES --python_out="$OUT" \
  google/type/date.proto \
  google/rpc/status.proto \
  google/rpc/error_details.proto \
  google/rpc/code.proto)

echo "$OUT"
