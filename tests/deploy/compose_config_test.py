#!/usr/bin/python3
"""docker-compose.yml is valid for Debian's docker-compose (1.29): what CI
runs, `docker-compose -f docker-compose.yml config -q`, needs no engine."""

import os
import shutil
import subprocess
import tempfile
import unittest

import deploy_files

SOURCE_DIR = BINARY_DIR = None


def docker_compose():
    binary = shutil.which("docker-compose")
    if binary is None:
        raise AssertionError("docker-compose is not installed (tools/install-deps.sh "
                             "installs Debian's docker-compose)")
    return binary


def compose_config(compose_file, *extra):
    # Outside the caller's environment: no COMPOSE_* or .env can change the result.
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": tempfile.gettempdir()}
    return subprocess.run([docker_compose(), "-f", compose_file, "config", *extra],
                          cwd=os.path.dirname(compose_file), env=env,
                          capture_output=True, text=True, timeout=120)


class ComposeConfigTest(unittest.TestCase):
    def test_config_is_valid(self):
        result = compose_config(os.path.join(SOURCE_DIR, "docker-compose.yml"), "-q")
        self.assertEqual(result.returncode, 0,
                         f"docker-compose config -q failed:\n{result.stdout}{result.stderr}")

    def test_config_lists_the_five_services(self):
        result = compose_config(os.path.join(SOURCE_DIR, "docker-compose.yml"), "--services")
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertEqual(set(result.stdout.split()), {"redis", *deploy_files.SERVICES})

    def test_an_invalid_file_is_refused(self):
        # The check above can fail: the same command refuses a broken file.
        with tempfile.TemporaryDirectory() as directory:
            broken = os.path.join(directory, "docker-compose.yml")
            with open(broken, "w", encoding="utf-8") as f:
                f.write("services:\n  registry:\n    image: kexport:latest\n"
                        "    depends_on:\n      ledger:\n        condition: when_it_feels_like_it\n")
            result = compose_config(broken, "-q")
            self.assertNotEqual(result.returncode, 0)


if __name__ == "__main__":
    deploy_files.run_tests(globals())
