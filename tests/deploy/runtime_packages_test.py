#!/usr/bin/python3
"""deploy/runtime-packages.sh, which the image's build stage runs to choose
the runtime stage's library packages, names packages that provide every
shared library the four binaries load (checked on this Debian 12 machine,
with the binaries of this build)."""

import os
import subprocess
import unittest

import deploy_files
from deploy_files import SERVICES

SOURCE_DIR = BINARY_DIR = None


def script():
    return os.path.join(SOURCE_DIR, "deploy", "runtime-packages.sh")


def resolved_libraries(binaries):
    output = subprocess.run(["ldd", *binaries], capture_output=True, text=True,
                            check=True).stdout
    libraries = set()
    for line in output.splitlines():
        parts = line.split()
        if len(parts) >= 3 and parts[1] == "=>" and parts[2].startswith("/"):
            libraries.add(os.path.realpath(parts[2]))
    return libraries


def package_files(package):
    output = subprocess.run(["dpkg-query", "-L", package], capture_output=True, text=True,
                            check=True).stdout
    return {os.path.realpath(path) for path in output.splitlines() if path.startswith("/")}


class RuntimePackagesTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.binaries = [deploy_files.binary_path(BINARY_DIR, name) for name in SERVICES]
        for binary in cls.binaries:
            if not os.access(binary, os.X_OK):
                raise AssertionError(f"{binary} is not built")
        result = subprocess.run(["bash", script(), *cls.binaries], capture_output=True,
                                text=True, timeout=120)
        cls.result = result
        cls.packages = result.stdout.split()

    def test_script_succeeds(self):
        self.assertEqual(self.result.returncode, 0, self.result.stderr)
        self.assertTrue(self.packages)
        self.assertEqual(self.packages, sorted(set(self.packages)))

    def test_packages_are_debian_packages_installed_here(self):
        for package in self.packages:
            with self.subTest(package):
                status = subprocess.run(["dpkg-query", "-W", "-f=${Status}", package],
                                        capture_output=True, text=True).stdout
                self.assertEqual(status, "install ok installed")
                self.assertNotRegex(package, r"-dev$", "a runtime stage needs no -dev package")

    def test_packages_provide_every_library(self):
        provided = set()
        for package in self.packages:
            provided |= package_files(package)
        missing = resolved_libraries(self.binaries) - provided
        self.assertEqual(missing, set(), "libraries no listed package provides")

    def test_names_the_grpc_and_sqlite_libraries(self):
        self.assertTrue(any(p.startswith("libgrpc++") for p in self.packages), self.packages)
        self.assertTrue(any(p.startswith("libsqlite3") for p in self.packages), self.packages)

    def test_fails_on_a_missing_binary(self):
        result = subprocess.run(["bash", script(), "/nonexistent/kexport-registry"],
                                capture_output=True, text=True)
        self.assertNotEqual(result.returncode, 0)
        self.assertEqual(result.stdout, "")

    def test_fails_on_a_file_without_libraries(self):
        result = subprocess.run(["bash", script(), os.path.join(SOURCE_DIR, "README.md")],
                                capture_output=True, text=True)
        self.assertNotEqual(result.returncode, 0)


if __name__ == "__main__":
    deploy_files.run_tests(globals())
