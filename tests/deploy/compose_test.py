#!/usr/bin/python3
"""docker-compose.yml matches what the binaries accept: each service's
command, port, KEXPORT_* variables (names the binary reads, values it
parses), the addresses they name, its volume, restart policy, healthcheck
(kexportctl health on its own port) and its dependencies (healthy first)."""

import os
import posixpath
import unittest

import deploy_files
from deploy_files import SERVICES, argv, environment, seconds

SOURCE_DIR = BINARY_DIR = None
CONFIG_IN_IMAGE = "/opt/kexport/config/"


class ComposeTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.compose = deploy_files.load_compose(SOURCE_DIR)
        cls.services = cls.compose.get("services") or {}

    def service(self, name):
        self.assertIn(name, self.services, f"docker-compose.yml has no service {name}")
        return self.services[name]

    def env(self, name):
        return environment(self.service(name))

    def port(self, name):
        """The port a compose service listens on inside the network."""
        if name == "redis":
            args = argv(self.service("redis").get("command"))
            return int(args[args.index("--port") + 1]) if "--port" in args else 6379
        return int(self.env(name)["KEXPORT_PORT"])

    def test_the_five_services_exist(self):
        self.assertEqual(set(self.services), {"redis", *SERVICES})

    def test_each_command_names_its_binary_and_nothing_else(self):
        for name in SERVICES:
            with self.subTest(name):
                command = argv(self.service(name).get("command"))
                self.assertTrue(command, f"{name} has no command")
                self.assertEqual(posixpath.basename(command[0]), f"kexport-{name}")
                # Configuration is the environment only: a flag would win over it.
                self.assertEqual(command[1:], [], f"{name}: configure with KEXPORT_* instead")

    def test_one_image_built_from_deploy_dockerfile(self):
        images = {self.service(name).get("image") for name in SERVICES}
        self.assertEqual(len(images), 1, f"the four services use {images}")
        for name in SERVICES:
            with self.subTest(name):
                build = self.service(name).get("build")
                self.assertIsInstance(build, dict, f"{name} has no build section")
                context = os.path.normpath(os.path.join(SOURCE_DIR, build.get("context", ".")))
                self.assertEqual(context, os.path.normpath(SOURCE_DIR))
                self.assertEqual(build.get("dockerfile"), "deploy/Dockerfile")
        self.assertTrue(os.path.isfile(os.path.join(SOURCE_DIR, "deploy", "Dockerfile")))

    def test_port_is_the_services_own_and_published_as_is(self):
        for name in SERVICES:
            with self.subTest(name):
                env = self.env(name)
                self.assertIn("KEXPORT_PORT", env, f"{name} does not set KEXPORT_PORT")
                port = int(env["KEXPORT_PORT"])
                self.assertEqual(port, deploy_files.default_port(BINARY_DIR, name))
                mappings = deploy_files.port_mappings(self.service(name))
                self.assertEqual(len(mappings), 1, f"{name} ports: {mappings}")
                host_ip, published, target = mappings[0]
                self.assertEqual(int(target), port)
                self.assertEqual(int(published), port)
                # Plaintext, unauthenticated gRPC: the host's loopback only.
                self.assertEqual(host_ip, "127.0.0.1")

    def test_every_variable_is_a_flag_the_binary_reads(self):
        for name in SERVICES:
            flags, _ = deploy_files.accepted_flags(BINARY_DIR, name)
            for variable in self.env(name):
                with self.subTest(service=name, variable=variable):
                    self.assertTrue(variable.startswith("KEXPORT_"), variable)
                    flag = variable[len("KEXPORT_"):].lower()
                    self.assertIn(flag, flags, f"kexport-{name} has no --{flag}")
                    self.assertTrue(deploy_files.reads_flag(SOURCE_DIR, name, flag),
                                    f"kexport-{name} accepts --{flag} but ignores it")

    def test_every_value_parses(self):
        for name in SERVICES:
            with self.subTest(name):
                code, output = deploy_files.check_configuration(BINARY_DIR, name, self.env(name))
                self.assertEqual(code, 0, output)

    def test_a_bad_value_is_caught(self):
        # The check above can fail: the binary refuses a value it cannot parse.
        env = dict(self.env("registry"), KEXPORT_CACHE_TTL="ten minutes")
        code, output = deploy_files.check_configuration(BINARY_DIR, "registry", env)
        self.assertEqual(code, 2, output)
        self.assertIn("KEXPORT_CACHE_TTL", output)

    def test_addresses_name_services_and_their_ports(self):
        for name in SERVICES:
            flags, _ = deploy_files.accepted_flags(BINARY_DIR, name)
            env = self.env(name)
            for flag in flags:
                if not flag.endswith("_addr"):
                    continue
                variable = f"KEXPORT_{flag.upper()}"
                with self.subTest(service=name, variable=variable):
                    if not deploy_files.reads_flag(SOURCE_DIR, name, flag):
                        self.assertNotIn(variable, env)
                        continue
                    # Its default (127.0.0.1:...) is wrong in a container.
                    self.assertIn(variable, env, f"{name} must set {variable}")
                    target = deploy_files.address(env[variable])
                    self.assertIsNotNone(target, f"{variable}={env[variable]} is not host:port")
                    host, port = target
                    self.assertIn(host, self.services, f"{variable} names no compose service")
                    self.assertNotEqual(host, name)
                    self.assertEqual(port, self.port(host), f"{host} listens on {self.port(host)}")

    def test_designation_and_applications_reach_what_the_issue_says(self):
        expected = {
            "registry": {"redis"},
            "designation": {"registry", "redis"},
            "applications": {"registry", "designation", "ledger"},
            "ledger": set(),
        }
        for name, wanted in expected.items():
            with self.subTest(name):
                env = self.env(name)
                reached = {deploy_files.address(value)[0] for key, value in env.items()
                           if key.endswith("_ADDR") and deploy_files.address(value)}
                self.assertEqual(reached, wanted)

    def test_depends_on_exactly_what_it_calls_once_healthy(self):
        for name in SERVICES:
            with self.subTest(name):
                env = self.env(name)
                called = {deploy_files.address(value)[0] for key, value in env.items()
                          if key.endswith("_ADDR") and deploy_files.address(value)}
                depends_on = self.service(name).get("depends_on") or {}
                self.assertIsInstance(depends_on, dict,
                                      f"{name}: depends_on needs the long form with conditions")
                self.assertEqual(set(depends_on), called)
                for dependency, condition in depends_on.items():
                    self.assertEqual((condition or {}).get("condition"), "service_healthy",
                                     f"{name} -> {dependency}")
                    self.assertIn("healthcheck", self.service(dependency),
                                  f"{dependency} has no healthcheck to wait for")

    def test_healthcheck_is_kexportctl_health_on_its_port(self):
        for name in SERVICES:
            with self.subTest(name):
                healthcheck = self.service(name).get("healthcheck") or {}
                self.assertFalse(healthcheck.get("disable"), name)
                command = argv(healthcheck.get("test"))
                self.assertTrue(command, f"{name} has no healthcheck test")
                self.assertEqual(posixpath.basename(command[0]), "kexportctl")
                self.assertTrue(posixpath.isabs(command[0]), "the CLI's path in the image")
                self.assertEqual(command[-1], "health")
                self.assertIn("--addr", command)
                host, port = deploy_files.address(command[command.index("--addr") + 1])
                self.assertIn(host, ("127.0.0.1", "localhost"))
                self.assertEqual(port, self.port(name))

    def test_healthcheck_cli_is_where_the_image_puts_it(self):
        stages = deploy_files.load_dockerfile(SOURCE_DIR)
        copied_to = set()
        for keyword, text in stages[-1]["instructions"]:
            if keyword == "COPY":
                _, sources, destination = deploy_files.copy_instruction(text)
                for source in sources:
                    if posixpath.basename(source.rstrip("/")) == "kexportctl":
                        copied_to.add(posixpath.join(destination, "kexportctl")
                                      if destination.endswith("/") else destination)
        self.assertTrue(copied_to, "deploy/Dockerfile does not copy kexportctl")
        for name in SERVICES:
            with self.subTest(name):
                command = argv(self.service(name)["healthcheck"]["test"])
                self.assertIn(command[0], copied_to)

    def test_data_dir_is_the_services_own_named_volume(self):
        declared = set(self.compose.get("volumes") or {})
        seen = {}
        for name in SERVICES:
            with self.subTest(name):
                data_dir = self.env(name).get("KEXPORT_DATA_DIR")
                self.assertTrue(data_dir and posixpath.isabs(data_dir),
                                f"{name}: KEXPORT_DATA_DIR must be an absolute path")
                mounts = [m for m in deploy_files.volume_mounts(self.service(name))
                          if m[1] == data_dir]
                self.assertEqual(len(mounts), 1, f"{name}: nothing mounted at {data_dir}")
                source, _, read_only = mounts[0]
                self.assertIn(source, declared, f"{name}: {source} is not a named volume")
                self.assertFalse(read_only)
                self.assertNotIn(source, seen, f"{name} shares {source} with {seen.get(source)}")
                seen[source] = name

    def test_configuration_files_exist(self):
        for name in SERVICES:
            service = self.service(name)
            for variable, value in self.env(name).items():
                if not variable.endswith("_FILE"):
                    continue
                with self.subTest(service=name, variable=variable):
                    self.assertTrue(value.startswith(CONFIG_IN_IMAGE), value)
                    relative = value[len(CONFIG_IN_IMAGE):]
                    self.assertTrue(os.path.isfile(os.path.join(SOURCE_DIR, "config", relative)),
                                    f"config/{relative} does not exist")
                    for source, target, read_only in deploy_files.volume_mounts(service):
                        if target.rstrip("/") == CONFIG_IN_IMAGE.rstrip("/"):
                            self.assertEqual(os.path.normpath(os.path.join(SOURCE_DIR, source)),
                                             os.path.join(SOURCE_DIR, "config"))
                            self.assertTrue(read_only)

    def test_restart_policy(self):
        for name in ("redis", *SERVICES):
            with self.subTest(name):
                restart = str(self.service(name).get("restart", "no"))
                self.assertTrue(restart in ("always", "unless-stopped")
                                or restart.startswith("on-failure"), restart)

    def test_read_only_root_with_a_writable_tmp(self):
        for name in SERVICES:
            with self.subTest(name):
                service = self.service(name)
                self.assertIs(service.get("read_only"), True)
                tmpfs = service.get("tmpfs") or []
                tmpfs = [tmpfs] if isinstance(tmpfs, str) else tmpfs
                self.assertIn("/tmp", [entry.split(":")[0] for entry in tmpfs])

    def test_docker_waits_for_drain_and_grace_before_sigkill(self):
        for name in SERVICES:
            with self.subTest(name):
                env = self.env(name)
                needed = (seconds(env.get("KEXPORT_DRAIN_DELAY", "0s"))
                          + seconds(env.get("KEXPORT_SHUTDOWN_GRACE", "10s")))
                allowed = seconds(self.service(name).get("stop_grace_period", "10s"))
                self.assertGreater(allowed, needed)

    def test_redis_is_a_cache_only_on_the_inside(self):
        redis = self.service("redis")
        self.assertTrue(str(redis.get("image", "")).startswith("redis:"))
        args = argv(redis.get("command"))
        self.assertEqual(args[args.index("--save") + 1], "", "no RDB snapshots")
        self.assertEqual(args[args.index("--appendonly") + 1], "no", "no AOF")
        self.assertIn(str(self.port("redis")), [str(p) for p in redis.get("expose") or []])
        # Not on the host: Debian's own Redis may hold 6379 there, and this
        # one has no password.
        self.assertFalse(redis.get("ports"))
        self.assertEqual(argv(redis.get("healthcheck", {}).get("test"))[0], "redis-cli")


if __name__ == "__main__":
    deploy_files.run_tests(globals())
