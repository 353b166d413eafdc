#!/usr/bin/python3
"""The real binaries start with exactly the environment docker-compose.yml
and deploy/k8s give them, in compose's dependency order, and compose's own
healthcheck command (kexportctl health) passes on each; after SIGTERM the
healthcheck fails (draining) and each exits 0 within the grace the
orchestrator allows. Containers are simulated on the loopback: host names
become 127.0.0.1, ports free ones, /var/lib/kexport a temporary directory,
/opt/kexport/ this source tree."""

import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import unittest

import deploy_files
from deploy_files import SERVICES, argv, by_kind, environment, seconds

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "support"))
from kexport_services import free_port  # noqa: E402  (found through the path above)

SOURCE_DIR = BINARY_DIR = None
IMAGE_ROOT = "/opt/kexport/"


class Suite:
    """Redis and the four services on the loopback with translated envs."""

    def __init__(self, compose, envs):
        self.compose = compose
        self.envs = envs
        self.root = tempfile.mkdtemp(prefix="kexport-deploy-env-")
        self.ports = {name: free_port() for name in compose}
        self.closed_port = free_port()  # nothing listens there
        self.processes = {}

    def configured_port(self, name):
        """The port the service listens on in the deployment."""
        if name == "redis":
            args = argv(self.compose["redis"]["command"])
            return int(args[args.index("--port") + 1]) if "--port" in args else 6379
        return int(self.envs[name]["KEXPORT_PORT"])

    def loopback(self, host, port):
        """Where host:port of the deployment is here: the service's port when
        it is the one that service listens on, else a closed port."""
        if host in self.ports and port == self.configured_port(host):
            return f"127.0.0.1:{self.ports[host]}"
        return f"127.0.0.1:{self.closed_port}"

    def translate(self, name, env):
        out = {}
        for variable, value in env.items():
            if variable == "KEXPORT_HOST":
                value = "127.0.0.1"
            elif variable == "KEXPORT_PORT":
                value = str(self.ports[name])
            elif variable == "KEXPORT_DATA_DIR":
                value = os.path.join(self.root, name)
            elif deploy_files.address(value) and variable.endswith("_ADDR"):
                value = self.loopback(*deploy_files.address(value))
            elif value.startswith(IMAGE_ROOT):
                value = os.path.join(SOURCE_DIR, value[len(IMAGE_ROOT):])
            out[variable] = value
        # What the image's ENV gives the CLI.
        out["KEXPORT_PROTOSET"] = os.path.join(BINARY_DIR, "proto", "kexport.protoset")
        out["PYTHONDONTWRITEBYTECODE"] = "1"
        return out

    def healthcheck(self, name):
        """Compose's healthcheck test for the service, on the loopback."""
        command = argv(self.compose[name]["healthcheck"]["test"])
        translated = []
        for word in command:
            if word.startswith(IMAGE_ROOT):
                word = os.path.join(SOURCE_DIR, word[len(IMAGE_ROOT):])
            elif translated and translated[-1] == "-p":  # redis-cli -p PORT
                word = self.loopback(name, int(word)).rsplit(":", 1)[1]
            elif deploy_files.address(word):  # the container itself
                word = self.loopback(name, deploy_files.address(word)[1])
            translated.append(word)
        if name == "redis":
            translated[0] = shutil.which("redis-cli") or "/usr/bin/redis-cli"
        env = self.translate(name, self.envs.get(name, {}))
        return subprocess.run(translated, env=deploy_files.clean_environment(env),
                              capture_output=True, text=True, timeout=30)

    def start(self, name):
        log = open(os.path.join(self.root, f"{name}.log"), "wb")
        if name == "redis":
            args = argv(self.compose["redis"]["command"])
            args[args.index("--port") + 1] = str(self.ports["redis"])
            command = [shutil.which("redis-server") or "/usr/bin/redis-server", *args[1:],
                       "--bind", "127.0.0.1", "--dir", self.root]
            env = {}
        else:
            command = [deploy_files.binary_path(BINARY_DIR, name)]
            env = self.translate(name, self.envs[name])
        with log:
            self.processes[name] = subprocess.Popen(
                command, env=deploy_files.clean_environment(env), stdout=log, stderr=log)

    def wait_healthy(self, name, timeout=30):
        deadline = time.monotonic() + timeout
        result = None
        while time.monotonic() < deadline:
            if self.processes[name].poll() is not None:
                raise AssertionError(f"{name} exited {self.processes[name].returncode}:\n"
                                     f"{self.log(name)[-3000:]}")
            result = self.healthcheck(name)
            if result.returncode == 0:
                return
            time.sleep(0.2)
        raise AssertionError(f"{name} never healthy: {result.stdout}{result.stderr}\n"
                             f"{self.log(name)[-3000:]}")

    def log(self, name):
        with open(os.path.join(self.root, f"{name}.log"), "rb") as f:
            return f.read().decode(errors="replace")

    def order(self):
        """Compose's start order: each service after what it depends on."""
        done = []
        while len(done) < len(self.compose):
            ready = [n for n in sorted(self.compose) if n not in done and
                     set(self.compose[n].get("depends_on") or {}) <= set(done)]
            if not ready:
                raise AssertionError("depends_on has a cycle")
            done += ready
        return done

    def close(self):
        for process in self.processes.values():
            if process.poll() is None:
                process.kill()
                process.wait()
        shutil.rmtree(self.root, ignore_errors=True)


class DeployEnvTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.compose = deploy_files.load_compose(SOURCE_DIR)["services"]
        files = deploy_files.load_k8s(SOURCE_DIR)
        cls.config_maps = by_kind(files, "ConfigMap")
        cls.deployments = by_kind(files, "Deployment")

    def k8s_env(self, name):
        env = {}
        container = self.deployments[name]["spec"]["template"]["spec"]["containers"][0]
        for source in container.get("envFrom") or []:
            env.update({k: str(v) for k, v in
                        self.config_maps[source["configMapRef"]["name"]]["data"].items()})
        env.update({e["name"]: str(e["value"]) for e in container.get("env") or []})
        return env

    def run_suite(self, envs, grace):
        self.drain_checks = 0
        suite = Suite(self.compose, envs)
        try:
            for name in suite.order():
                suite.start(name)
                suite.wait_healthy(name)
            # Everything up: stop the services (not Redis) as the orchestrator would.
            stopping = [n for n in SERVICES]
            started = time.monotonic()
            for name in stopping:
                suite.processes[name].send_signal(signal.SIGTERM)
            for name in stopping:
                drain = seconds(envs[name].get("KEXPORT_DRAIN_DELAY", "0s"))
                if drain >= 2 and time.monotonic() - started < drain - 1:
                    # Draining: the same healthcheck now fails (NOT_SERVING).
                    result = suite.healthcheck(name)
                    self.drain_checks += 1
                    self.assertNotEqual(result.returncode, 0,
                                        f"{name} healthy while draining: {result.stdout}")
            for name in stopping:
                remaining = grace[name] - (time.monotonic() - started)
                try:
                    code = suite.processes[name].wait(timeout=max(remaining, 0.1))
                except subprocess.TimeoutExpired:
                    self.fail(f"{name} still running after {grace[name]}s: would be SIGKILLed")
                self.assertEqual(code, 0, f"{name} exit code:\n{suite.log(name)[-2000:]}")
        finally:
            suite.close()

    def test_compose_environment(self):
        envs = {name: environment(self.compose[name]) for name in SERVICES}
        grace = {name: seconds(self.compose[name].get("stop_grace_period", "10s"))
                 for name in SERVICES}
        self.run_suite(envs, grace)

    def test_kubernetes_environment(self):
        envs = {name: self.k8s_env(name) for name in SERVICES}
        grace = {name: self.deployments[name]["spec"]["template"]["spec"]
                 .get("terminationGracePeriodSeconds", 30) for name in SERVICES}
        self.run_suite(envs, grace)
        # Kubernetes drains (KEXPORT_DRAIN_DELAY): the check ran on each service.
        self.assertEqual(self.drain_checks, len(SERVICES))

    def test_a_broken_environment_fails(self):
        # The checks above can fail: a policy file that is not there stops
        # designation from starting, and the healthcheck never passes.
        envs = {name: environment(self.compose[name]) for name in SERVICES}
        envs["designation"]["KEXPORT_POLICY_FILE"] = IMAGE_ROOT + "config/missing.json"
        grace = {name: 20 for name in SERVICES}
        with self.assertRaisesRegex(AssertionError, "designation exited"):
            self.run_suite(envs, grace)


if __name__ == "__main__":
    deploy_files.run_tests(globals())
