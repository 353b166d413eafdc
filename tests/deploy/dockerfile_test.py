#!/usr/bin/python3
"""deploy/Dockerfile, read (no engine here to build it): a Debian 12 build
stage with the README's commands, a slim Debian 12 runtime stage with the
four binaries, their libraries installed by package, the health CLI and what
it needs, a numeric non-root user, and no build tools."""

import ast
import os
import posixpath
import re
import sys
import unittest

import deploy_files
from deploy_files import SERVICES

SOURCE_DIR = BINARY_DIR = None
BUILD_TOOLS = re.compile(r"\b(build-essential|cmake|ninja-build|g\+\+|gcc|clang|ccache|"
                         r"protobuf-compiler\S*|[a-z0-9+.-]+-dev)\b")


# The CLI's third-party imports and the Debian packages that provide them.
DEBIAN_PYTHON_PACKAGES = {"grpc": "python3-grpcio", "google": "python3-protobuf",
                          "yaml": "python3-yaml"}


def cli_imports():
    """({module: Debian package}, [local packages]) that tools/kexportctl,
    its modules and its sibling tools import."""
    tools = os.path.join(SOURCE_DIR, "tools")
    files = [os.path.join(tools, name) for name in ("kexportctl", "kexport-call",
                                                    "kexport-open-data")]
    for directory, _, names in os.walk(os.path.join(tools, "kexportctl_lib")):
        files += [os.path.join(directory, n) for n in names if n.endswith(".py")]
    third_party, local = {}, set()
    for path in files:
        with open(path, encoding="utf-8") as f:
            tree = ast.parse(f.read(), path)
        modules = set()
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                modules |= {alias.name.split(".")[0] for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.level == 0:
                modules.add(node.module.split(".")[0])
        for module in sorted(modules):
            if module in sys.stdlib_module_names or module == "__future__":
                continue
            if os.path.isdir(os.path.join(tools, module)):
                local.add(module)
                continue
            if module not in DEBIAN_PYTHON_PACKAGES:
                raise AssertionError(f"{path} imports {module}: which Debian package has it?")
            third_party[module] = DEBIAN_PYTHON_PACKAGES[module]
    return third_party, sorted(local)


class DockerfileTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.stages = deploy_files.load_dockerfile(SOURCE_DIR)

    def instructions(self, stage, keyword):
        return [text for kw, text in stage["instructions"] if kw == keyword]

    def final(self):
        return self.stages[-1]

    def build_stage(self):
        names = {stage["name"]: stage for stage in self.stages}
        sources = {deploy_files.copy_instruction(text)[0]
                   for text in self.instructions(self.final(), "COPY")} - {None}
        self.assertEqual(len(sources), 1, f"the runtime stage copies from {sources}")
        source = sources.pop()
        self.assertIn(source, names)
        return names[source]

    def final_copies(self):
        """{destination path of each copied file: (from_stage, source)}."""
        copies = {}
        for text in self.instructions(self.final(), "COPY"):
            from_stage, sources, destination = deploy_files.copy_instruction(text)
            for source in sources:
                if destination.endswith("/") and not source.endswith("/"):
                    target = posixpath.join(destination, posixpath.basename(source))
                else:
                    target = destination.rstrip("/")
                copies[target] = (from_stage, source)
        return copies

    def final_env(self):
        env = {}
        for text in self.instructions(self.final(), "ENV"):
            env.update(deploy_files.env_instruction(text))
        return env

    def test_multi_stage_on_debian_12(self):
        self.assertGreaterEqual(len(self.stages), 2)
        for stage in self.stages:
            with self.subTest(stage["name"]):
                self.assertRegex(stage["from"], r"^debian:(bookworm|12)(-slim)?(@sha256:.*)?$")
        self.assertRegex(self.final()["from"], r"-slim\b", "a slim runtime stage")

    def test_build_stage_uses_the_readme_commands(self):
        runs = " ; ".join(self.instructions(self.build_stage(), "RUN"))
        self.assertRegex(runs, r"\btools/install-deps\.sh\b")
        self.assertRegex(runs, r"\btools/build\.sh\b")
        for name in SERVICES:
            self.assertIn(name, runs, f"the build stage does not collect kexport-{name}")

    def test_build_stage_copies_every_directory_cmake_adds(self):
        with open(os.path.join(SOURCE_DIR, "CMakeLists.txt"), encoding="utf-8") as f:
            cmake = f.read()
        needed = {path.split("/")[0] for path in
                  re.findall(r"^\s*add_subdirectory\(\s*([^\s)]+)", cmake, re.M)}
        self.assertIn("services", needed)
        copied = set()
        for text in self.instructions(self.build_stage(), "COPY"):
            from_stage, sources, _ = deploy_files.copy_instruction(text)
            if from_stage is None:
                copied |= {source.strip("/").split("/")[0] for source in sources}
        self.assertIn("CMakeLists.txt", copied)
        self.assertEqual(needed - copied, set(), "the image build would not configure")

    def test_runtime_stage_has_no_build_tools(self):
        for text in self.instructions(self.final(), "RUN"):
            with self.subTest(text[:60]):
                self.assertNotRegex(text, r"install-deps\.sh|build\.sh|cmake\b|ninja\b|make\b")
                for install in re.findall(r"apt-get install[^;&|]*", text):
                    self.assertIsNone(BUILD_TOOLS.search(install), install)

    def test_runtime_stage_installs_the_libraries_by_package_and_the_cli_needs(self):
        runs = " ; ".join(self.instructions(self.final(), "RUN"))
        for package in ("python3", *sorted(set(cli_imports()[0].values()))):
            with self.subTest(package):
                self.assertRegex(runs, rf"apt-get install[^;]*\s{re.escape(package)}(\s|;|$)")
        # The package list the build stage derives from ldd.
        build_runs = " ; ".join(self.instructions(self.build_stage(), "RUN"))
        match = re.search(r"runtime-packages\.sh\s+\S+\s*>\s*([^\s;&|]+)", build_runs)
        self.assertIsNotNone(match, "the build stage writes no package list")
        package_list = match.group(1)
        copies = self.final_copies()
        copied = [target for target, (_, source) in copies.items() if source == package_list]
        self.assertTrue(copied, f"{package_list} is not copied into the runtime stage")
        self.assertRegex(runs, rf"(--arg-file=|-a\s+|\$\(cat\s+){re.escape(copied[0])}")

    def test_runtime_stage_copies_binaries_cli_protoset_and_config(self):
        copies = self.final_copies()
        env = self.final_env()
        path = env.get("PATH", "").split(":")
        # The binaries, into a directory on PATH (the compose command is a bare name).
        bin_copies = [(t, s) for t, (f, s) in copies.items() if f and s.rstrip("/").endswith("/bin")]
        self.assertTrue(bin_copies, "no binaries copied")
        self.assertTrue(any(target in path for target, _ in bin_copies), f"{bin_copies} not on PATH")
        # kexportctl and kexport-call side by side, the protoset at ../build/proto.
        ctl = [t for t in copies if posixpath.basename(t) == "kexportctl"]
        call = [t for t in copies if posixpath.basename(t) == "kexport-call"]
        self.assertEqual(len(ctl), 1)
        self.assertEqual(len(call), 1)
        tools = posixpath.dirname(ctl[0])
        self.assertEqual(posixpath.dirname(call[0]), tools)
        protoset = posixpath.normpath(posixpath.join(tools, "..", "build", "proto",
                                                     "kexport.protoset"))
        self.assertIn(protoset, copies)
        self.assertEqual(env.get("KEXPORT_PROTOSET"), protoset)
        # Its own Python packages (tools/kexportctl_lib) next to it too.
        for package in cli_imports()[1]:
            with self.subTest(package):
                self.assertIn(posixpath.join(tools, package), copies)
        # config/ where compose and Kubernetes point the *_FILE variables.
        config = [t for t, (_, s) in copies.items() if s.rstrip("/").endswith("config")]
        self.assertEqual(config, ["/opt/kexport/config"])

    def test_every_copied_source_exists(self):
        for stage in self.stages:
            workdir = "/"
            for keyword, text in stage["instructions"]:
                if keyword == "WORKDIR":
                    workdir = posixpath.join(workdir, text)
                if keyword != "COPY":
                    continue
                from_stage, sources, _ = deploy_files.copy_instruction(text)
                for source in sources:
                    with self.subTest(source):
                        if from_stage is None:  # the build context: the repository
                            self.assertTrue(os.path.exists(os.path.join(SOURCE_DIR, source)),
                                            f"{source} is not in the repository")
                        elif source.startswith("/src/build/"):  # what the build writes
                            relative = source[len("/src/build/"):]
                            self.assertTrue(os.path.exists(os.path.join(BINARY_DIR, relative)),
                                            f"the build writes no {relative}")
                        elif source.startswith("/src/"):  # copied from the context
                            self.assertTrue(os.path.exists(os.path.join(SOURCE_DIR, source[5:])),
                                            f"{source[5:]} is not in the repository")

    def test_build_context_never_takes_local_build_or_data(self):
        for keyword, text in self.stages[0]["instructions"] + self.final()["instructions"]:
            if keyword in ("COPY", "ADD"):
                from_stage, sources, _ = deploy_files.copy_instruction(text)
                if from_stage is None:
                    for source in sources:
                        self.assertNotIn(source.strip("/"), ("", ".", "build", "data"),
                                         f"COPY {source} would take build/ or data/")

    def test_numeric_non_root_user(self):
        users = self.instructions(self.final(), "USER")
        self.assertTrue(users, "the runtime stage runs as root")
        user, _, group = users[-1].partition(":")
        self.assertRegex(user, r"^\d+$", "numeric, so runAsNonRoot can check it")
        self.assertNotEqual(int(user), 0)
        if group:
            self.assertNotEqual(int(group), 0)
        runs = " ; ".join(self.instructions(self.final(), "RUN"))
        self.assertRegex(runs, rf"useradd\b[^;]*--uid {user}\b")
        # The data directory is the user's, so a new volume mounted there is.
        data_dir = self.final_env().get("KEXPORT_DATA_DIR")
        self.assertTrue(data_dir)
        self.assertRegex(runs, rf"install -d -o {user}\b[^;]*{re.escape(data_dir)}")

    def test_image_variables_are_flags_or_the_clis(self):
        every_binary = set.intersection(*(set(deploy_files.accepted_flags(BINARY_DIR, n)[0])
                                          for n in SERVICES))
        every_flag = set.union(*(set(deploy_files.accepted_flags(BINARY_DIR, n)[0])
                                 for n in SERVICES))
        for variable in self.final_env():
            if not variable.startswith("KEXPORT_"):
                continue
            with self.subTest(variable):
                flag = variable[len("KEXPORT_"):].lower()
                if variable in deploy_files.CLI_VARIABLES:
                    self.assertNotIn(flag, every_flag, "a binary would read the CLI's variable")
                else:
                    self.assertIn(flag, every_binary)


if __name__ == "__main__":
    deploy_files.run_tests(globals())
