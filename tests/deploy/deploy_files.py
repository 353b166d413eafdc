"""What the deploy tests share: reading docker-compose.yml, deploy/k8s/*.yaml
and deploy/Dockerfile, and asking the service binaries which flags they
accept (`--helpfull`) and whether a configuration parses (`--version`, which
applies the KEXPORT_* environment first and exits 2 on a bad value).

Every test script takes the source and the build directory:

    deploy_compose_test.py <PROJECT_SOURCE_DIR> <PROJECT_BINARY_DIR>
"""

import glob
import os
import re
import shlex
import subprocess
import sys
import unittest

import yaml

SERVICES = ("registry", "designation", "applications", "ledger")
# The CLI's own variables (tools/kexport-call, tools/kexportctl): never flags.
CLI_VARIABLES = {"KEXPORT_ADDR", "KEXPORT_ACTOR", "KEXPORT_PROTOSET"}


def parse_dirs():
    """(source_dir, binary_dir) from argv; leaves unittest the rest."""
    if len(sys.argv) < 3:
        raise SystemExit(f"usage: {sys.argv[0]} SOURCE_DIR BINARY_DIR [unittest args]")
    source_dir, binary_dir = (os.path.abspath(arg) for arg in sys.argv[1:3])
    del sys.argv[1:3]
    return source_dir, binary_dir


def run_tests(module_globals):
    dirs = parse_dirs()
    module_globals["SOURCE_DIR"], module_globals["BINARY_DIR"] = dirs
    unittest.main(module=module_globals["__name__"], verbosity=2)


# --- docker-compose.yml ---------------------------------------------------------

def load_compose(source_dir):
    with open(os.path.join(source_dir, "docker-compose.yml"), encoding="utf-8") as f:
        return yaml.safe_load(f)


def environment(service):
    """A compose service's environment as a dict of strings (map or list form)."""
    env = service.get("environment") or {}
    if isinstance(env, list):
        pairs = (item.split("=", 1) if "=" in item else (item, None) for item in env)
        env = dict(pairs)
    return {key: None if value is None else str(value) for key, value in env.items()}


def argv(command):
    """A compose command or healthcheck test as an argument list."""
    if command is None:
        return []
    if isinstance(command, str):
        return shlex.split(command)
    if command and command[0] == "CMD":
        return list(command[1:])
    if command and command[0] == "CMD-SHELL":
        return shlex.split(command[1])
    return list(command)


def port_mappings(service):
    """[(host_ip, published, target)] of a compose service's `ports`."""
    mappings = []
    for entry in service.get("ports") or []:
        if isinstance(entry, dict):
            mappings.append((entry.get("host_ip", ""), str(entry.get("published", "")),
                             str(entry["target"])))
            continue
        text = str(entry).split("/", 1)[0]
        parts = text.rsplit(":", 2)
        if len(parts) == 1:
            mappings.append(("", "", parts[0]))
        elif len(parts) == 2:
            mappings.append(("", parts[0], parts[1]))
        else:
            mappings.append((parts[0], parts[1], parts[2]))
    return mappings


def volume_mounts(service):
    """[(source, target, read_only)] of a compose service's `volumes`."""
    mounts = []
    for entry in service.get("volumes") or []:
        if isinstance(entry, dict):
            mounts.append((entry.get("source"), entry["target"], bool(entry.get("read_only"))))
            continue
        parts = entry.split(":")
        if len(parts) == 1:
            mounts.append((None, parts[0], False))
        else:
            mode = parts[2] if len(parts) > 2 else ""
            mounts.append((parts[0], parts[1], "ro" in mode.split(",")))
    return mounts


def address(value):
    """("host", port) of "host:port", or None."""
    match = re.fullmatch(r"([A-Za-z0-9.-]+):(\d+)", value or "")
    return (match.group(1), int(match.group(2))) if match else None


# --- deploy/k8s ---------------------------------------------------------------

def load_k8s(source_dir):
    """{file name: [documents]} of every deploy/k8s/*.yaml (multi-document)."""
    documents = {}
    for path in sorted(glob.glob(os.path.join(source_dir, "deploy", "k8s", "*.yaml"))):
        with open(path, encoding="utf-8") as f:
            documents[os.path.basename(path)] = [d for d in yaml.safe_load_all(f) if d is not None]
    return documents


def by_kind(documents, kind):
    """{name: object} of one kind across all files."""
    found = {}
    for docs in documents.values():
        for doc in docs:
            if doc.get("kind") == kind:
                found[doc["metadata"]["name"]] = doc
    return found


_QUANTITY_SUFFIXES = {
    "Ki": 2**10, "Mi": 2**20, "Gi": 2**30, "Ti": 2**40,
    "k": 10**3, "M": 10**6, "G": 10**9, "T": 10**12, "m": 10**-3, "": 1,
}


def quantity(value):
    """A Kubernetes quantity ("500m", "1", "512Mi") as a float."""
    match = re.fullmatch(r"([0-9.]+)(Ki|Mi|Gi|Ti|k|M|G|T|m)?", str(value))
    if not match:
        raise ValueError(f"not a quantity: {value!r}")
    return float(match.group(1)) * _QUANTITY_SUFFIXES[match.group(2) or ""]


# --- durations (absl flags and compose) -------------------------------------------

_DURATION_UNITS = {"h": 3600, "m": 60, "s": 1, "ms": 1e-3, "us": 1e-6, "ns": 1e-9}


def seconds(value):
    """ "1m30s", "10s", "500ms", "0" as seconds."""
    text = str(value).strip()
    if text in ("0", "inf"):
        return 0.0 if text == "0" else float("inf")
    parts = re.findall(r"([0-9.]+)(ms|us|ns|h|m|s)", text)
    if not parts or "".join(n + u for n, u in parts) != text:
        raise ValueError(f"not a duration: {value!r}")
    return sum(float(number) * _DURATION_UNITS[unit] for number, unit in parts)


# --- deploy/Dockerfile ---------------------------------------------------------

def load_dockerfile(source_dir):
    """[{"from": str, "name": str|None, "instructions": [(KEYWORD, text)]}]."""
    with open(os.path.join(source_dir, "deploy", "Dockerfile"), encoding="utf-8") as f:
        lines = f.read().split("\n")
    logical, current = [], ""
    for line in lines:
        stripped = line.strip()
        if not current and (not stripped or stripped.startswith("#")):
            continue
        if current and stripped.startswith("#"):
            continue  # a comment inside a continued instruction
        if stripped.endswith("\\"):
            current += stripped[:-1] + " "
            continue
        logical.append(current + stripped)
        current = ""
    if current:
        logical.append(current)
    stages = []
    for instruction in logical:
        keyword, _, rest = instruction.partition(" ")
        keyword = keyword.upper()
        if keyword == "FROM":
            words = rest.split()
            flags = [w for w in words if w.startswith("--")]
            words = [w for w in words if not w.startswith("--")]
            name = words[2] if len(words) >= 3 and words[1].upper() == "AS" else None
            stages.append({"from": words[0], "name": name, "flags": flags, "instructions": []})
        elif stages:
            stages[-1]["instructions"].append((keyword, rest.strip()))
    return stages


def copy_instruction(text):
    """(from_stage or None, [sources], destination) of a COPY's arguments."""
    words = shlex.split(text)
    from_stage = None
    args = []
    for word in words:
        if word.startswith("--from="):
            from_stage = word.split("=", 1)[1]
        elif word.startswith("--"):
            continue
        else:
            args.append(word)
    return from_stage, args[:-1], args[-1]


def env_instruction(text):
    """{name: value} of an ENV instruction (key=value form)."""
    return dict(pair.split("=", 1) for pair in shlex.split(text))


# --- the binaries ----------------------------------------------------------------

def binary_path(binary_dir, name):
    return os.path.join(binary_dir, "services", name, f"kexport-{name}")


def clean_environment(extra=None):
    """No KEXPORT_* of the caller's environment reaches the binary."""
    env = {"PATH": "/usr/bin:/bin", "LANG": "C.UTF-8"}
    env.update(extra or {})
    return env


_flag_cache = {}


def accepted_flags(binary_dir, name):
    """({flag: section}, usage line) from `kexport-<name> --helpfull`, without
    absl's own parsing flags (--flagfile, --fromenv, ...)."""
    if name in _flag_cache:
        return _flag_cache[name]
    binary = binary_path(binary_dir, name)
    if not os.access(binary, os.X_OK):
        raise AssertionError(f"{binary} is not built; build first (tools/build.sh)")
    result = subprocess.run([binary, "--helpfull"], env=clean_environment(),
                            capture_output=True, text=True, timeout=30)
    text = result.stdout + result.stderr
    flags, section = {}, None
    for line in text.splitlines():
        header = re.match(r"^  Flags from (\S+):$", line)
        if header:
            section = header.group(1)
            continue
        flag = re.match(r"^    --([A-Za-z0-9_]+) \(", line)
        if flag and section and "absl/" not in section:
            flags[flag.group(1)] = section
    usage = text.splitlines()[0] if text else ""
    if not {"host", "port", "data_dir"} <= set(flags):
        raise AssertionError(f"could not read the flags of {binary} from --helpfull:\n{text}")
    _flag_cache[name] = (flags, usage)
    return flags, usage


def default_port(binary_dir, name):
    """The service's own port, from its usage line "(gRPC, port 50051)"."""
    _, usage = accepted_flags(binary_dir, name)
    match = re.search(r"port (\d+)\)", usage)
    if not match:
        raise AssertionError(f"no default port in the usage line {usage!r} of {name}")
    return int(match.group(1))


def check_configuration(binary_dir, name, env):
    """(exit code, output) of `kexport-<name> --version` under `env`: 0 when
    every KEXPORT_* value parses as its flag, 2 (and why) when one does not."""
    result = subprocess.run([binary_path(binary_dir, name), "--version"],
                            env=clean_environment(env), capture_output=True, text=True,
                            timeout=30)
    return result.returncode, result.stdout + result.stderr


def _service_flags_functions(source_dir):
    """{function: body} of common/service_flags.cc's top-level functions."""
    with open(os.path.join(source_dir, "common", "service_flags.cc"), encoding="utf-8") as f:
        text = f.read()
    functions, current = {}, None
    for line in text.splitlines():
        definition = re.match(r"^[A-Za-z_][\w:<>,\s*&]*?\b(\w+)\(", line)
        if definition and not line.startswith(("ABSL_FLAG", "namespace", "#")):
            current = definition.group(1)
            functions[current] = ""
        elif current:
            functions[current] += line + "\n"
    return functions


def reads_flag(source_dir, name, flag):
    """Whether kexport-<name> uses the flag: its main.cc reads it, or calls a
    function of common/service_flags.cc that does. (Every service accepts the
    common flags, --redis_addr too, but the ledger and applications never
    configure a cache: a KEXPORT_REDIS_ADDR there would be silently ignored.)"""
    with open(os.path.join(source_dir, "services", name, "main.cc"), encoding="utf-8") as f:
        main = f.read()
    reads = re.compile(rf"\bFLAGS_{re.escape(flag)}\b")
    if reads.search(main):
        return True
    return any(re.search(rf"\b{function}\(", main) and reads.search(body)
               for function, body in _service_flags_functions(source_dir).items())
