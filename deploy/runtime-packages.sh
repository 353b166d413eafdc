#!/usr/bin/env bash
# Prints, one per line, the Debian packages that provide the shared libraries
# the given ELF binaries load (as ldd resolves them on this machine). The
# image's build stage runs it on the four service binaries; the runtime stage
# installs exactly these packages with apt.
#
#   deploy/runtime-packages.sh build/services/*/kexport-{registry,designation,applications,ledger}
#
# Fails when a library is not found or belongs to no package (e.g. one built
# into /usr/local), since apt could not install it in the runtime stage.
set -euo pipefail

if [[ $# -eq 0 ]]; then
  echo "usage: $0 BINARY..." >&2
  exit 2
fi

ldd_output=$(ldd "$@")
if grep -q "not found" <<<"$ldd_output"; then
  echo "runtime-packages: unresolved libraries:" >&2
  grep "not found" <<<"$ldd_output" >&2
  exit 1
fi

# "libfoo.so.1 => /lib/x86_64-linux-gnu/libfoo.so.1 (0x...)": the path.
# The dynamic loader (/lib64/ld-linux-x86-64.so.2) is libc6's, always present.
mapfile -t libraries < <(awk '$2 == "=>" && $3 ~ /^\// {print $3}' <<<"$ldd_output" | sort -u)
if [[ ${#libraries[@]} -eq 0 ]]; then
  echo "runtime-packages: ldd found no shared libraries in $*" >&2
  exit 1
fi

# Debian 12 is merged-/usr: ldd may name /lib/... for a file the package
# lists as /usr/lib/..., or the symlink of the soname rather than the file.
owner() {
  local path=$1 candidate
  for candidate in "$path" "/usr$path" "${path#/usr}" "$(readlink -f "$path")"; do
    if dpkg-query -S "$candidate" 2>/dev/null; then
      return 0
    fi
  done
  return 1
}

for library in "${libraries[@]}"; do
  if ! line=$(owner "$library"); then
    echo "runtime-packages: no Debian package owns $library" >&2
    exit 1
  fi
  # "libgrpc29:amd64: /usr/lib/x86_64-linux-gnu/libgrpc.so.29": the package.
  echo "${line%%:*}"
done | sort -u
