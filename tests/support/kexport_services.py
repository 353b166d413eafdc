"""The real kexport services for Python tests: a redis-server and the four
service binaries on free loopback ports, each with its own temporary data
directory, started in dependency order and stopped (SIGTERM) on close.

    with KexportServices(build_dir, source_dir) as services:
        services.address("registry")      # "127.0.0.1:41234"
"""

import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time

import grpc

SERVICES = ("registry", "designation", "ledger", "applications")


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class KexportServices:
    def __init__(self, build_dir, source_dir):
        self.build_dir = build_dir
        self.source_dir = source_dir
        self.root = tempfile.mkdtemp(prefix="kexport-services-")
        self.ports = {name: free_port() for name in ("redis",) + SERVICES}
        self.processes = {}

    def address(self, name):
        return f"127.0.0.1:{self.ports[name]}"

    def binary(self, name):
        return os.path.join(self.build_dir, "services", name, f"kexport-{name}")

    def flags(self, name):
        config = os.path.join(self.source_dir, "config")
        common = [f"--port={self.ports[name]}", "--host=127.0.0.1",
                  f"--data_dir={os.path.join(self.root, name)}", "--shutdown_grace=2s"]
        cache = [f"--redis_addr={self.address('redis')}"]
        return common + {
            "registry": cache,
            "designation": cache + [
                f"--registry_addr={self.address('registry')}",
                f"--policy_file={config}/designation-policy.json",
                f"--incentives_file={config}/grade-incentives.json"],
            "ledger": [],
            "applications": [
                f"--registry_addr={self.address('registry')}",
                f"--designation_addr={self.address('designation')}",
                f"--ledger_addr={self.address('ledger')}",
                "--outbox_interval=200ms"],
        }[name]

    def start(self, name):
        if name == "redis":
            command = [shutil.which("redis-server") or "/usr/bin/redis-server",
                       "--port", str(self.ports["redis"]), "--bind", "127.0.0.1",
                       "--save", "", "--appendonly", "no"]
        else:
            os.makedirs(os.path.join(self.root, name), exist_ok=True)
            command = [self.binary(name)] + self.flags(name)
        # The child keeps its own copy of the log's descriptor.
        with open(os.path.join(self.root, f"{name}.log"), "wb") as log:
            self.processes[name] = subprocess.Popen(command, stdout=log, stderr=log)
        self.wait_listening(name)

    def wait_listening(self, name, timeout=15):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.processes[name].poll() is not None:
                raise RuntimeError(f"{name} exited: {self.log(name)[-2000:]}")
            if name == "redis":
                try:
                    socket.create_connection(("127.0.0.1", self.ports[name]), 0.2).close()
                    return
                except OSError:
                    time.sleep(0.05)
                    continue
            with grpc.insecure_channel(self.address(name)) as channel:
                try:
                    grpc.channel_ready_future(channel).result(timeout=0.5)
                    return
                except grpc.FutureTimeoutError:
                    continue
        raise RuntimeError(f"{name} did not start: {self.log(name)[-2000:]}")

    def log(self, name):
        with open(os.path.join(self.root, f"{name}.log"), "rb") as log:
            return log.read().decode(errors="replace")

    def __enter__(self):
        for name in ("redis",) + SERVICES:
            self.start(name)
        return self

    def __exit__(self, *exc):
        for process in reversed(list(self.processes.values())):
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for process in self.processes.values():
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
        shutil.rmtree(self.root, ignore_errors=True)
