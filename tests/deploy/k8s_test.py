#!/usr/bin/python3
"""deploy/k8s/*.yaml parse and agree with docker-compose.yml and the image:
the same services, ports and KEXPORT_* variables, native gRPC probes on each
service's port, non-root and a read-only root filesystem, resources, one
replica on a PersistentVolumeClaim for each SQLite service, the
configuration through ConfigMaps (envFrom, and config/ mounted byte for
byte)."""

import os
import posixpath
import re
import unittest

import deploy_files
from deploy_files import SERVICES, argv, by_kind, environment, quantity, seconds

SOURCE_DIR = BINARY_DIR = None
# Values that differ on purpose between compose and Kubernetes; the names do not.
DIFFERS_ON_KUBERNETES = {
    # Endpoints leave every node's load balancing only after a moment.
    "KEXPORT_DRAIN_DELAY",
    # Bounded by the PersistentVolumeClaim's size (no such bound in compose).
    "KEXPORT_MAX_DB_MEGABYTES",
}
KNOWN_KINDS = {"Namespace", "ConfigMap", "Secret", "PersistentVolumeClaim", "Deployment",
               "Service", "Kustomization"}
MIB = 2**20


class K8sTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.files = deploy_files.load_k8s(SOURCE_DIR)
        cls.compose = deploy_files.load_compose(SOURCE_DIR)["services"]
        cls.deployments = by_kind(cls.files, "Deployment")
        cls.k8s_services = by_kind(cls.files, "Service")
        cls.config_maps = by_kind(cls.files, "ConfigMap")
        cls.claims = by_kind(cls.files, "PersistentVolumeClaim")

    # --- helpers -------------------------------------------------------------

    def deployment(self, name):
        self.assertIn(name, self.deployments, f"no Deployment {name} in deploy/k8s")
        return self.deployments[name]

    def pod(self, name):
        return self.deployment(name)["spec"]["template"]["spec"]

    def container(self, name):
        containers = self.pod(name)["containers"]
        self.assertEqual(len(containers), 1, f"{name}: one container per pod")
        return containers[0]

    def env(self, name):
        """The container's environment: its envFrom ConfigMaps, then env."""
        container = self.container(name)
        env = {}
        for source in container.get("envFrom") or []:
            self.assertIn("configMapRef", source, f"{name}: envFrom only from ConfigMaps")
            ref = source["configMapRef"]["name"]
            self.assertIn(ref, self.config_maps, f"{name}: no ConfigMap {ref}")
            prefix = source.get("prefix", "")
            env.update({prefix + k: str(v) for k, v in self.config_maps[ref]["data"].items()})
        for entry in container.get("env") or []:
            self.assertIn("value", entry, f"{name}: {entry['name']} must be a plain value "
                          "here (secrets are for production, see deploy/README.md)")
            env[entry["name"]] = str(entry["value"])
        return env

    def container_port(self, name):
        ports = self.container(name).get("ports") or []
        self.assertEqual(len(ports), 1, f"{name}: {ports}")
        return ports[0]

    def service_port(self, name):
        self.assertIn(name, self.k8s_services, f"no Service {name} in deploy/k8s")
        ports = self.k8s_services[name]["spec"]["ports"]
        self.assertEqual(len(ports), 1, f"Service {name}: {ports}")
        return ports[0]

    def compose_port(self, name):
        if name == "redis":
            args = argv(self.compose["redis"].get("command"))
            return int(args[args.index("--port") + 1]) if "--port" in args else 6379
        return int(environment(self.compose[name])["KEXPORT_PORT"])

    def image_user(self):
        for keyword, text in reversed(deploy_files.load_dockerfile(SOURCE_DIR)[-1]["instructions"]):
            if keyword == "USER":
                return int(text.split(":")[0])
        self.fail("deploy/Dockerfile's runtime stage sets no USER")

    def mounts(self, name):
        """{mountPath: (volume, readOnly)} of the container."""
        volumes = {v["name"]: v for v in self.pod(name).get("volumes") or []}
        result = {}
        for mount in self.container(name).get("volumeMounts") or []:
            self.assertIn(mount["name"], volumes, f"{name}: no volume {mount['name']}")
            result[mount["mountPath"]] = (volumes[mount["name"]], bool(mount.get("readOnly")))
        return result

    # --- the files -------------------------------------------------------------

    def test_every_document_is_a_known_named_object(self):
        self.assertTrue(self.files, "no deploy/k8s/*.yaml")
        for file_name, documents in self.files.items():
            self.assertTrue(documents, f"{file_name} is empty")
            for document in documents:
                with self.subTest(file=file_name, kind=document.get("kind")):
                    self.assertIn(document.get("kind"), KNOWN_KINDS)
                    self.assertTrue(document.get("apiVersion"))
                    if document["kind"] != "Kustomization":
                        self.assertTrue(document.get("metadata", {}).get("name"))

    def test_kustomization_lists_every_manifest(self):
        kustomizations = [d for docs in self.files.values() for d in docs
                          if d.get("kind") == "Kustomization"]
        self.assertEqual(len(kustomizations), 1)
        listed = set(kustomizations[0].get("resources") or [])
        others = {f for f, docs in self.files.items()
                  if not any(d.get("kind") == "Kustomization" for d in docs)}
        self.assertEqual(listed, others)

    def test_a_deployment_and_a_service_for_each_compose_service(self):
        self.assertEqual(set(self.deployments), set(self.compose))
        self.assertEqual(set(self.k8s_services), set(self.compose))

    # --- each service -------------------------------------------------------------

    def test_command_and_image_as_in_compose(self):
        compose_image = {self.compose[n]["image"].rsplit(":", 1)[0] for n in SERVICES}
        for name in self.compose:
            with self.subTest(name):
                container = self.container(name)
                self.assertEqual(argv(container.get("command")) + argv(container.get("args")),
                                 argv(self.compose[name].get("command")))
                image = container["image"].rsplit(":", 1)[0]
                if name == "redis":
                    self.assertEqual(container["image"], self.compose["redis"]["image"])
                else:
                    self.assertIn(image, compose_image)

    def test_ports_as_in_compose(self):
        for name in self.compose:
            with self.subTest(name):
                port = self.compose_port(name)
                container_port = self.container_port(name)
                self.assertEqual(container_port["containerPort"], port)
                service_port = self.service_port(name)
                self.assertEqual(service_port["port"], port)
                target = service_port.get("targetPort", service_port["port"])
                self.assertIn(target, (port, container_port.get("name")))

    def test_services_select_their_pods(self):
        for name in self.compose:
            with self.subTest(name):
                deployment = self.deployment(name)
                labels = deployment["spec"]["template"]["metadata"]["labels"]
                match = deployment["spec"]["selector"]["matchLabels"]
                self.assertLessEqual(match.items(), labels.items())
                selector = self.k8s_services[name]["spec"]["selector"]
                self.assertLessEqual(selector.items(), labels.items())
                for other in self.compose:
                    if other != name:  # and no one else's
                        other_labels = self.deployment(other)["spec"]["template"]["metadata"]["labels"]
                        self.assertFalse(selector.items() <= other_labels.items(),
                                         f"Service {name} also selects {other}")

    def test_same_variables_as_compose(self):
        for name in SERVICES:
            with self.subTest(name):
                compose_env = environment(self.compose[name])
                env = self.env(name)
                self.assertEqual(set(env), set(compose_env))
                for variable in set(env) - DIFFERS_ON_KUBERNETES:
                    self.assertEqual(env[variable], compose_env[variable], variable)

    def test_every_value_parses(self):
        for name in SERVICES:
            with self.subTest(name):
                code, output = deploy_files.check_configuration(BINARY_DIR, name, self.env(name))
                self.assertEqual(code, 0, output)

    def test_addresses_name_kubernetes_services_and_ports(self):
        for name in SERVICES:
            for variable, value in self.env(name).items():
                if not variable.endswith("_ADDR"):
                    continue
                with self.subTest(service=name, variable=variable):
                    target = deploy_files.address(value)
                    self.assertIsNotNone(target, f"{variable}={value}")
                    host, port = target
                    self.assertIn(host, self.k8s_services, f"{variable}: no Service {host}")
                    self.assertEqual(self.service_port(host)["port"], port)

    def test_grpc_probes_on_the_services_port(self):
        for name in SERVICES:
            port = self.compose_port(name)
            container = self.container(name)
            for probe in ("readinessProbe", "livenessProbe", "startupProbe"):
                with self.subTest(service=name, probe=probe):
                    if probe == "startupProbe" and probe not in container:
                        continue
                    self.assertIn(probe, container)
                    grpc = container[probe].get("grpc")
                    self.assertIsNotNone(grpc, f"{name}: {probe} must be a native grpc probe")
                    self.assertEqual(grpc.get("port"), port)
                    # The server's overall health ("" service), not a named one.
                    self.assertIn(grpc.get("service", ""), ("",))

    def test_redis_probes_on_its_port(self):
        container = self.container("redis")
        port = self.compose_port("redis")
        for probe in ("readinessProbe", "livenessProbe"):
            with self.subTest(probe):
                self.assertIn(probe, container)
                spec = container[probe]
                if "tcpSocket" in spec:
                    self.assertEqual(spec["tcpSocket"]["port"], port)
                else:
                    command = spec["exec"]["command"]
                    self.assertEqual(command[0], "redis-cli")
                    if "-p" in command:
                        self.assertEqual(int(command[command.index("-p") + 1]), port)

    def test_non_root_read_only_unprivileged(self):
        for name in self.compose:
            with self.subTest(name):
                pod = self.pod(name).get("securityContext") or {}
                container = self.container(name).get("securityContext") or {}
                self.assertIs(container.get("runAsNonRoot", pod.get("runAsNonRoot")), True)
                user = container.get("runAsUser", pod.get("runAsUser"))
                self.assertIsNotNone(user, f"{name}: set runAsUser (non-numeric image users "
                                     "fail runAsNonRoot)")
                self.assertNotEqual(user, 0)
                if name in SERVICES:
                    self.assertEqual(user, self.image_user(), "the Dockerfile's USER")
                    self.assertEqual(pod.get("fsGroup"), user, "the volume writable by it")
                self.assertIs(container.get("readOnlyRootFilesystem"), True)
                self.assertIs(container.get("allowPrivilegeEscalation"), False)
                self.assertIn("ALL", (container.get("capabilities") or {}).get("drop") or [])

    def test_resources_requested_and_limited(self):
        for name in self.compose:
            with self.subTest(name):
                resources = self.container(name).get("resources") or {}
                for resource in ("cpu", "memory"):
                    request = (resources.get("requests") or {}).get(resource)
                    limit = (resources.get("limits") or {}).get(resource)
                    self.assertIsNotNone(request, f"{name}: requests.{resource}")
                    self.assertIsNotNone(limit, f"{name}: limits.{resource}")
                    self.assertLessEqual(quantity(request), quantity(limit))

    def test_redis_maxmemory_fits_its_limit(self):
        args = argv(self.container("redis").get("command")) + argv(self.container("redis").get("args"))
        self.assertIn("--maxmemory", args)
        maxmemory = args[args.index("--maxmemory") + 1]
        number, unit = re.fullmatch(r"(\d+)(mb|gb)", maxmemory.lower()).groups()
        maxmemory_bytes = int(number) * (2**20 if unit == "mb" else 2**30)
        limit = quantity(self.container("redis")["resources"]["limits"]["memory"])
        self.assertLess(maxmemory_bytes, limit)

    def test_sqlite_services_one_replica_on_their_claim(self):
        seen = {}
        for name in SERVICES:
            with self.subTest(name):
                spec = self.deployment(name)["spec"]
                self.assertEqual(spec.get("replicas", 1), 1, "SQLite: one writer")
                self.assertEqual((spec.get("strategy") or {}).get("type"), "Recreate",
                                 "a rolling update would run two pods on one SQLite file")
                data_dir = self.env(name)["KEXPORT_DATA_DIR"]
                mounts = self.mounts(name)
                self.assertIn(data_dir, mounts, f"{name}: nothing mounted at {data_dir}")
                volume, read_only = mounts[data_dir]
                self.assertFalse(read_only)
                self.assertIn("persistentVolumeClaim", volume, f"{name}: data on a PVC")
                claim = volume["persistentVolumeClaim"]["claimName"]
                self.assertIn(claim, self.claims)
                self.assertNotIn(claim, seen, f"{name} shares {claim} with {seen.get(claim)}")
                seen[claim] = name
                claim_spec = self.claims[claim]["spec"]
                self.assertTrue(set(claim_spec["accessModes"])
                                <= {"ReadWriteOnce", "ReadWriteOncePod"})
                size = quantity(claim_spec["resources"]["requests"]["storage"])
                limit = int(self.env(name).get("KEXPORT_MAX_DB_MEGABYTES", "0"))
                if limit:
                    self.assertLess(limit * MIB, size, "refuse writes before the disk is full")

    def test_tmp_is_writable(self):
        for name in SERVICES:
            with self.subTest(name):
                mounts = self.mounts(name)
                self.assertIn("/tmp", mounts, "SQLite's temporary files")
                volume, read_only = mounts["/tmp"]
                self.assertIn("emptyDir", volume)
                self.assertFalse(read_only)

    def test_configuration_files_mounted_from_the_configmap(self):
        for name in SERVICES:
            mounts = self.mounts(name)
            for variable, path in self.env(name).items():
                if not variable.endswith("_FILE"):
                    continue
                with self.subTest(service=name, variable=variable):
                    directory, file_name = posixpath.split(path)
                    self.assertIn(directory, mounts, f"{name}: nothing mounted at {directory}")
                    volume, read_only = mounts[directory]
                    self.assertTrue(read_only)
                    self.assertIn("configMap", volume)
                    config_map = self.config_maps.get(volume["configMap"]["name"])
                    self.assertIsNotNone(config_map, volume["configMap"]["name"])
                    items = volume["configMap"].get("items")
                    keys = ({item["path"] for item in items} if items
                            else set(config_map.get("data") or {}))
                    self.assertIn(file_name, keys)

    def test_configmap_files_equal_config_dir(self):
        mounted = {v["configMap"]["name"] for n in SERVICES
                   for v in self.pod(n).get("volumes") or [] if "configMap" in v}
        self.assertTrue(mounted, "no configuration files mounted")
        config_dir = os.path.join(SOURCE_DIR, "config")
        for config_map in mounted:
            data = self.config_maps[config_map].get("data") or {}
            with self.subTest(config_map):
                self.assertEqual(set(data), set(os.listdir(config_dir)),
                                 "run deploy/render-config-files.py")
                for key, text in data.items():
                    with open(os.path.join(config_dir, key), encoding="utf-8") as f:
                        self.assertEqual(text, f.read(),
                                         f"{key} differs from config/{key}: run "
                                         "deploy/render-config-files.py")
                size = sum(len(text.encode()) for text in data.values())
                self.assertLess(size, 1_000_000, "a ConfigMap holds at most 1 MiB")

    def test_no_service_link_variables(self):
        for name in SERVICES:
            with self.subTest(name):
                # A Service named `kexport` would otherwise inject KEXPORT_PORT=tcp://...
                self.assertIs(self.pod(name).get("enableServiceLinks"), False)

    def test_kubernetes_waits_for_drain_and_grace(self):
        for name in SERVICES:
            with self.subTest(name):
                env = self.env(name)
                needed = (seconds(env.get("KEXPORT_DRAIN_DELAY", "0s"))
                          + seconds(env.get("KEXPORT_SHUTDOWN_GRACE", "10s")))
                self.assertGreater(self.pod(name).get("terminationGracePeriodSeconds", 30),
                                   needed)
                self.assertGreater(seconds(env.get("KEXPORT_DRAIN_DELAY", "0s")), 0,
                                   "drain behind Kubernetes' load balancing")

    def test_production_notes(self):
        with open(os.path.join(SOURCE_DIR, "deploy", "README.md"), encoding="utf-8") as f:
            text = f.read().lower()
        for topic in ("postgresql", "replicas", "secret", "tls"):
            with self.subTest(topic):
                self.assertIn(topic, text)


if __name__ == "__main__":
    deploy_files.run_tests(globals())
