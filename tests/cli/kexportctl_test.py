#!/usr/bin/python3
"""tools/kexportctl as operators run it: a subprocess against the real
registry, designation, applications and ledger binaries and a real Redis
(tests/support/kexport_services.py), checking its output, its JSON and its
exit codes.

  /usr/bin/python3 tests/cli/kexportctl_test.py --build-dir build --source-dir . \
      [HealthTest RegistryTest RoundTest DemoTest ...]

Fixtures the CLI does not create (ledger accounts, applications) are made
through tools/kexport-call's Contracts, in process.
"""

import argparse
import csv
import datetime
import importlib.machinery
import importlib.util
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import unittest


def parse_paths():
    parser = argparse.ArgumentParser(add_help=False)
    parser.add_argument("--build-dir", required=True)
    parser.add_argument("--source-dir", required=True)
    return parser.parse_known_args()


PATHS, UNITTEST_ARGS = parse_paths()
SOURCE = os.path.abspath(PATHS.source_dir)
BUILD = os.path.abspath(PATHS.build_dir)
PROTOSET = os.path.join(BUILD, "proto", "kexport.protoset")
KEXPORTCTL = os.path.join(SOURCE, "tools", "kexportctl")
sys.path.insert(0, os.path.join(SOURCE, "tests", "support"))

import grpc  # noqa: E402
from google.protobuf import json_format  # noqa: E402
from kexport_services import KexportServices, free_port  # noqa: E402

YEAR = 2026  # the seeded programmes' fiscal year
FIRMS = {  # valid registration numbers (check digits per common/brn.cc)
    "1248100998": ("SIZE_CLASS_SMALL", ["semiconductors"]),
    "2148101005": ("SIZE_CLASS_SMALL", ["beauty"]),
    "2208102009": ("SIZE_CLASS_MEDIUM", ["food"]),
}
SERVICES = ("registry", "designation", "applications", "ledger")


def load_kexport_call():
    loader = importlib.machinery.SourceFileLoader(
        "kexport_call", os.path.join(SOURCE, "tools", "kexport-call"))
    spec = importlib.util.spec_from_loader(loader.name, loader)
    module = importlib.util.module_from_spec(spec)
    loader.exec_module(module)
    return module


CONTRACTS = load_kexport_call().Contracts(PROTOSET)


def rpc(address, method, request, actor="cli-test-fixture"):
    """A unary call by full method name with a dict; the response as a dict."""
    found = CONTRACTS.find_method(method)
    request_class = type(CONTRACTS.message(found.input_type.full_name))
    response_class = type(CONTRACTS.message(found.output_type.full_name))
    with grpc.insecure_channel(address) as channel:
        stub = channel.unary_unary(
            f"/{found.containing_service.full_name}/{found.name}",
            request_serializer=request_class.SerializeToString,
            response_deserializer=response_class.FromString)
        response = stub(json_format.ParseDict(request, request_class()), timeout=15,
                        metadata=[("x-kexport-actor", actor)])
    return json_format.MessageToDict(response, preserving_proto_field_name=True)


def firm(brn):
    size, sectors = FIRMS[brn]
    return {"brn": brn, "legal_name_ko": f"주식회사 시험{brn[-3:]}",
            "legal_name_en": f"Test {brn[-3:]} Co.", "representative": "홍길동",
            "size_class": size, "founding_date": {"year": 2015, "month": 3, "day": 2},
            "ksic": {"code": "C26110", "revision": 11}, "sectors": sectors,
            "procurement_bidder": {"registered": True, "bidder_id": f"KONEPS-{brn[-4:]}"}}


def rfc3339(moment):
    return moment.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


class Services(KexportServices):
    """The harness with extra flags per service; stops what it started if
    starting fails half-way."""

    def __init__(self, extra_flags):
        super().__init__(BUILD, SOURCE)
        self.extra_flags = extra_flags

    def flags(self, name):
        return super().flags(name) + self.extra_flags.get(name, [])

    def __enter__(self):
        try:
            return super().__enter__()
        except BaseException:
            self.__exit__(None, None, None)
            raise


class Result:
    def __init__(self, completed):
        self.code = completed.returncode
        self.out = completed.stdout
        self.err = completed.stderr

    def __str__(self):
        return f"exit {self.code}\n--- stdout\n{self.out}\n--- stderr\n{self.err}"

    def json(self):
        return json.loads(self.out)


class CliTestCase(unittest.TestCase):
    extra_flags = {}

    @classmethod
    def setUpClass(cls):
        cls.services = Services(cls.extra_flags).__enter__()
        cls.addClassCleanup(cls.services.__exit__, None, None, None)
        cls.tmp = tempfile.mkdtemp(prefix="kexportctl-test-")
        cls.addClassCleanup(shutil.rmtree, cls.tmp, True)

    @classmethod
    def address(cls, name):
        return cls.services.address(name)

    @classmethod
    def ctl(cls, *args, timeout=90):
        env = dict(os.environ, KEXPORT_PROTOSET=PROTOSET, KEXPORT_ACTOR="cli-test")
        for name in SERVICES:
            env[f"KEXPORT_{name.upper()}_ADDR"] = cls.address(name)
        return Result(subprocess.run([KEXPORTCTL, *args], env=env, capture_output=True,
                                     text=True, timeout=timeout))

    def run_ok(self, *args):
        result = self.ctl(*args)
        self.assertEqual(result.code, 0, result)
        return result

    def run_failing(self, code, *args):
        result = self.ctl(*args)
        self.assertEqual(result.code, code, result)
        return result

    def write(self, name, text):
        path = os.path.join(self.tmp, name)
        with open(path, "w", encoding="utf-8") as out:
            out.write(text)
        return path

    @staticmethod
    def lines(text):
        """Table rows as lists of cells (split on runs of 2+ spaces)."""
        return [re.split(r"\s{2,}", line.strip()) for line in text.splitlines() if line.strip()]

    def wait_until(self, what, probe, timeout=30):
        deadline = time.monotonic() + timeout
        while True:
            value = probe()
            if value:
                return value
            if time.monotonic() > deadline:
                self.fail(f"gave up waiting for {what}")
            time.sleep(0.25)


class HealthTest(CliTestCase):
    def test_every_service_serving(self):
        result = self.run_ok("health")
        rows = self.lines(result.out)
        self.assertEqual(rows[0], ["SERVICE", "ADDRESS", "STATUS"])
        self.assertEqual(rows[1:], [[name, self.address(name), "SERVING"] for name in SERVICES])

    def test_json(self):
        services = self.run_ok("health", "--json").json()["services"]
        self.assertEqual([(s["service"], s["address"], s["status"]) for s in services],
                         [(name, self.address(name), "SERVING") for name in SERVICES])

    def test_addr_checks_only_that_address(self):
        for args in (["--addr", self.address("ledger"), "--json", "health"],
                     ["health", "--json", "--addr", self.address("ledger")]):
            services = self.run_ok(*args).json()["services"]
            self.assertEqual([(s["address"], s["status"]) for s in services],
                             [(self.address("ledger"), "SERVING")])

    def test_unknown_health_service_name_is_not_serving(self):
        result = self.run_failing(4, "--addr", self.address("registry"), "health",
                                  "--service-name", "no.such.Service")
        self.assertIn("NOT_FOUND", result.out)

    def test_nothing_listening_is_unreachable(self):
        address = f"127.0.0.1:{free_port()}"
        result = self.run_failing(3, "--addr", address, "health")
        self.assertEqual(self.lines(result.out)[1], [address, address, "UNAVAILABLE"])


class HealthWhileStoppingTest(CliTestCase):
    # The ledger keeps taking calls for a while after SIGTERM, saying
    # NOT_SERVING; then it exits.
    extra_flags = {"ledger": ["--drain_delay=4s"]}

    def statuses(self, *args):
        result = self.ctl(*args, "--json", "health")
        return result.code, {s["address"]: s["status"] for s in result.json()["services"]}

    def test_draining_then_stopped(self):
        self.assertEqual(self.statuses()[0], 0)
        ledger = self.address("ledger")
        self.services.processes["ledger"].send_signal(signal.SIGTERM)

        def draining():
            code, statuses = self.statuses()
            return (code, statuses) if statuses[ledger] == "NOT_SERVING" else None

        code, statuses = self.wait_until("the ledger to drain", draining, timeout=5)
        self.assertEqual(code, 4)
        self.assertEqual(statuses[self.address("registry")], "SERVING")
        self.assertEqual(self.statuses("--addr", ledger), (4, {ledger: "NOT_SERVING"}))
        self.assertEqual(self.statuses("--addr", self.address("registry"))[0], 0)

        self.services.processes["ledger"].wait(timeout=20)
        code, statuses = self.statuses()
        self.assertEqual(code, 3)
        self.assertEqual(statuses[ledger], "UNAVAILABLE")
        self.assertEqual(statuses[self.address("applications")], "SERVING")
        result = self.run_failing(3, "budget", "report", "voucher", "--year", str(YEAR))
        self.assertIn("UNAVAILABLE", result.err)
        self.assertIn(f"is the service running at {ledger}?", result.err)


CSV_HEADER = ("brn,legal_name_ko,legal_name_en,representative,size_class,founding_date,"
              "ksic_code,ksic_revision,sectors,email,bidder_id,growth_stage,needs\n")


class RegistryTest(CliTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        for brn in ("1248100998", "2208102009"):
            rpc(cls.address("registry"), "kexport.registry.v1.FirmRegistry/CreateFirm",
                {"firm": firm(brn), "request_id": f"fixture-{brn}"})

    def test_import_reports_every_row(self):
        path = self.write("firms.csv", CSV_HEADER + "\n".join([
            "214-81-01005,주식회사 한빛,Hanbit Co.,김대표,small,2016-04-11,C20423,11,"
            "beauty;bio,export@example.kr,KONEPS-1005,settlement,marketing;local-funding",
            "1248100997,주식회사 틀림,,김대표,small,2016-04-11,C20423,11,beauty,,,,",
            "1058603005,주식회사 날짜,,김대표,small,2016/04/11,C20423,11,ai,,,,",
            "2208102009,주식회사 누리,,김대표,medium,2009-09-01,C10799,11,food,,,,",
            "3128104005,주식회사 반도,,김대표,huge,2009-09-01,C26110,11,,,,,",
            "6078105009,주식회사 자동,,김대표,medium,2010-01-05,C29,11,automotive,,,expansion,",
        ]) + "\n")
        result = self.run_failing(1, "firms", "import", path, "--request-id", "import-a")
        rows = self.lines(result.out)
        self.assertEqual(rows[0], ["LINE", "BRN", "RESULT", "DETAIL"])
        self.assertEqual(rows[1], ["2", "214-81-01005", "imported"])
        self.assertEqual(rows[2], ["3", "1248100997", "INVALID_ARGUMENT",
                                   "firm.brn: check digit does not match"])
        self.assertEqual(rows[3], ["4", "1058603005", "INVALID_CSV",
                                   "founding_date: '2016/04/11' is not a date YYYY-MM-DD"])
        self.assertEqual(rows[4][:3], ["5", "2208102009", "ALREADY_EXISTS"])
        self.assertEqual(rows[5][:3], ["6", "3128104005", "INVALID_CSV"])
        self.assertIn("size_class: 'huge' is not one of small, medium", rows[5][3])
        self.assertEqual(rows[6], ["7", "6078105009", "imported"])
        self.assertEqual(rows[7], ["2 of 6 rows imported, 4 not imported"])

        imported = self.run_ok("--json", "firms", "get", "2148101005").json()
        self.assertEqual(imported["sectors"], ["beauty", "bio"])
        self.assertEqual(imported["needs"], ["NEED_MARKETING", "NEED_LOCAL_FUNDING"])
        self.assertEqual(imported["procurement_bidder"],
                         {"registered": True, "bidder_id": "KONEPS-1005"})
        self.assertEqual(imported["founding_date"], {"year": 2016, "month": 4, "day": 11})

        # The same file under the same request id: the rows already imported
        # answer as before (not ALREADY_EXISTS), nothing is created twice.
        again = self.run_failing(1, "--json", "firms", "import", path,
                                 "--request-id", "import-a").json()
        self.assertEqual([(row["line"], row["result"]) for row in again["rows"]],
                         [(2, "imported"), (3, "INVALID_ARGUMENT"), (4, "INVALID_CSV"),
                          (5, "ALREADY_EXISTS"), (6, "INVALID_CSV"), (7, "imported")])
        self.assertEqual((again["received_count"], again["imported_count"],
                          again["not_imported_count"]), (4, 2, 4))
        # Under new request ids the registry refuses the firms it has.
        fresh = self.run_failing(1, "--json", "firms", "import", path).json()
        self.assertEqual(fresh["rows"][0]["result"], "ALREADY_EXISTS")
        self.assertIn("kexportctl: request_id kexportctl-import-", self.ctl(
            "firms", "import", path).err)

    def test_import_all_good_exits_0(self):
        path = self.write("good.csv", CSV_HEADER + "3128104005,주식회사 반도,,김대표,mid-size,"
                          "2009-09-01,C26110,11,semiconductors,,,,\n")
        result = self.run_ok("firms", "import", path)
        self.assertIn("1 of 1 rows imported, 0 not imported", result.out)

    def test_import_refuses_bad_files(self):
        bad_header = self.write("bad-header.csv", "brn,legal_name,representative\n1,x,y\n")
        result = self.run_failing(2, "firms", "import", bad_header)
        self.assertIn("unknown columns legal_name", result.err)
        self.assertIn("missing columns legal_name_ko, size_class", result.err)
        result = self.run_failing(2, "firms", "import", os.path.join(self.tmp, "none.csv"))
        self.assertIn("No such file", result.err)
        result = self.run_failing(2, "firms", "import", self.write("empty.csv", CSV_HEADER))
        self.assertIn("no rows", result.err)
        good = self.write("one.csv", CSV_HEADER + "3128104005,주식회사 반도,,김대표,mid-size,"
                          "2009-09-01,C26110,11,semiconductors,,,,\n")
        result = self.run_failing(2, "firms", "import", good, "--request-id", "x" * 63)
        self.assertIn("64 characters", result.err)

    def test_get_firm_table_and_json(self):
        table = self.run_ok("firms", "get", "124-81-00998").out
        self.assertIn("name:             firms/1248100998\n", table)
        self.assertIn("legal name:       주식회사 시험998\n", table)
        self.assertIn("size class:       SMALL\n", table)
        self.assertIn("koneps bidder:    KONEPS-0998\n", table)
        shown = self.run_ok("--json", "firms", "get", "firms/1248100998").json()
        self.assertEqual((shown["brn"], shown["size_class"], shown["state"]),
                         ("1248100998", "SIZE_CLASS_SMALL", "FIRM_STATE_ACTIVE"))

    def test_list_firms_filters(self):
        rows = self.lines(self.run_ok("firms", "list", "--sector", "food").out)
        self.assertEqual(rows[0][:3], ["BRN", "LEGAL NAME", "SIZE"])
        self.assertEqual([row[0] for row in rows[1:]], ["2208102009"])
        self.assertEqual(rows[1][2], "MEDIUM")
        listed = self.run_ok("--json", "firms", "list", "--size", "small",
                             "--sector", "semiconductors").json()["firms"]
        self.assertEqual([f["brn"] for f in listed], ["1248100998"])
        limited = self.run_ok("firms", "list", "--limit", "1")
        self.assertEqual(len(self.lines(limited.out)), 2)
        self.assertIn("more firms than --limit 1", limited.err)
        self.assertEqual(self.run_ok("firms", "list", "--sector", "none").out.strip(),
                         "no firms")

    def test_bad_request_shows_field_violations(self):
        result = self.run_failing(1, "firms", "get", "1248100997")
        self.assertEqual(result.out, "")
        self.assertIn(": INVALID_ARGUMENT: ", result.err.splitlines()[0])
        self.assertIn("FirmRegistry/GetFirm", result.err.splitlines()[0])
        self.assertIn("\n  reason: INVALID_FIELD\n", result.err)
        self.assertIn("\n  name: registration number check digit does not match\n",
                      result.err)
        error = json.loads(self.run_failing(1, "--json", "firms", "get",
                                            "1248100997").err)["error"]
        self.assertEqual((error["code"], error["reason"]), ("INVALID_ARGUMENT", "INVALID_FIELD"))
        self.assertEqual(error["field_violations"],
                         [{"field": "name",
                           "description": "registration number check digit does not match"}])

    def test_not_found_and_unreachable(self):
        result = self.run_failing(1, "firms", "get", "1058603005")
        self.assertIn("NOT_FOUND", result.err)
        self.assertIn("reason: FIRM_NOT_FOUND", result.err)
        result = self.run_failing(3, "--addr", f"127.0.0.1:{free_port()}", "firms", "get",
                                  "1248100998")
        self.assertIn("UNAVAILABLE", result.err)

    def test_bad_usage(self):
        self.assertIn("--size: 'huge' is not one of",
                      self.run_failing(2, "firms", "list", "--size", "huge").err)
        self.run_failing(2, "firms")
        self.run_failing(2, "firms", "get")
        self.run_failing(2, "no-such-command")


class RoundTest(CliTestCase):
    """A programme and a round from files, applications, the draw, an award's
    disbursement, the budget report and open data, in the order they happen."""

    CAPACITY = 2
    WINDOW = 6  # seconds

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        for brn in FIRMS:
            rpc(cls.address("registry"), "kexport.registry.v1.FirmRegistry/CreateFirm",
                {"firm": firm(brn), "request_id": f"fixture-{brn}"})
        ledger = cls.address("ledger")
        rpc(ledger, "kexport.ledger.v1.Ledger/CreateAccounts", {
            "request_id": "fixture-accounts", "accounts": [
                {"id": "treasury", "kind": "ACCOUNT_KIND_APPROPRIATION_SOURCE",
                 "fiscal_year": YEAR, "balance_limit": "BALANCE_LIMIT_NONE"},
                {"id": f"cli-voucher-{YEAR}-budget", "kind": "ACCOUNT_KIND_PROGRAM_BUDGET",
                 "fiscal_year": YEAR, "program": "programs/cli-voucher",
                 "balance_limit": "BALANCE_LIMIT_DEBITS_MUST_NOT_EXCEED_CREDITS"}]})
        rpc(ledger, "kexport.ledger.v1.Ledger/CreateTransfers", {
            "request_id": "fixture-funding", "transfers": [{
                "id": "fixture-funding", "debit_account": "accounts/treasury",
                "credit_account": f"accounts/cli-voucher-{YEAR}-budget",
                "amount": 100_000_000, "code": "TRANSFER_CODE_APPROPRIATION",
                "mode": "TRANSFER_MODE_SINGLE_PHASE"}]})

    def program_file(self, **changes):
        program = {"name": "programs/cli-voucher", "title_ko": "CLI 시험 바우처",
                   "title_en": "CLI test voucher", "description": "For the CLI test.",
                   "lead_agency": "AGENCY_PPS", "fiscal_year": YEAR,
                   "budget_account": f"accounts/cli-voucher-{YEAR}-budget",
                   "support_items": [{"id": "translation", "title": "Translation"}],
                   "per_firm_cap_won": "40000000", "state_share_bp": 7000,
                   "eligibility_rules": [{"id": "not-banned", "description": "Not banned",
                                          "not_banned": {}}]}
        program.update(changes)
        return self.write("program.json", json.dumps(program))

    def apply(self, brn):
        apps = self.address("applications")
        draft = rpc(apps, "kexport.applications.v1.Applications/CreateApplication", {
            "request_id": f"apply-{brn}", "application": {
                "firm": f"firms/{brn}", "round": "programs/cli-voucher/rounds/r1",
                "requested_items": [{"support_item_id": "translation",
                                     "cost_won": 10_000_000}]}})
        rpc(apps, "kexport.applications.v1.Applications/SubmitApplication",
            {"name": draft["name"], "request_id": f"submit-{brn}"})

    def test_a_bad_programme_file(self):
        result = self.run_failing(1, "programs", "create", "--id", "cli-bad", "--file",
                                  self.program_file(title_ko="", per_firm_cap_won="-1"))
        self.assertIn("INVALID_ARGUMENT", result.err)
        self.assertRegex(result.err, r"\n  program\.title_ko: [^\n]+\n")
        self.assertRegex(result.err, r"\n  program\.per_firm_cap_won: [^\n]+\n")
        result = self.run_failing(2, "programs", "create", "--file",
                                  self.write("broken.json", "{not json"))
        self.assertIn("broken.json", result.err)
        result = self.run_failing(2, "programs", "create", "--file",
                                  self.write("nameless.json", "{}"))
        self.assertIn("give --id", result.err)

    def test_b_round_from_files_to_open_data(self):
        # The programme, from a file; the same request id replays it.
        created = self.run_ok("programs", "create", "--file", self.program_file(),
                              "--request-id", "create-cli-voucher")
        self.assertIn("name:              programs/cli-voucher\n", created.out)
        self.run_ok("programs", "create", "--file", self.program_file(),
                    "--request-id", "create-cli-voucher")
        exists = self.run_failing(1, "programs", "create", "--file", self.program_file())
        self.assertIn("ALREADY_EXISTS", exists.err)
        listed = self.run_ok("--json", "programs", "list").json()["programs"]
        self.assertIn("programs/cli-voucher", [p["name"] for p in listed])

        # A round open for a few seconds, from a YAML file.
        opens = datetime.datetime.now(datetime.timezone.utc)
        closes = opens + datetime.timedelta(seconds=self.WINDOW)
        round_file = self.write("round.yaml", "\n".join([
            "name: programs/cli-voucher/rounds/r1", "title: CLI round",
            f"apply_start_time: '{rfc3339(opens)}'", f"apply_end_time: '{rfc3339(closes)}'",
            f"capacity: {self.CAPACITY}", "selection_policy:",
            "  weighted_lottery: {}", "  seed_source: the test's six numbers"]) + "\n")
        round_ = self.run_ok("--json", "rounds", "create", "cli-voucher", "--file",
                             round_file).json()
        self.assertEqual((round_["name"], round_["state"]),
                         ("programs/cli-voucher/rounds/r1", "ROUND_STATE_OPEN"))
        for brn in FIRMS:
            self.apply(brn)
        rows = self.lines(self.run_ok("rounds", "list", "programs/cli-voucher").out)
        self.assertEqual(rows[1][:2], ["programs/cli-voucher/rounds/r1", "OPEN"])

        # Applications.
        rows = self.lines(self.run_ok("applications", "list", "--round", "cli-voucher/r1").out)
        self.assertEqual(rows[0][:4], ["NAME", "FIRM", "ROUND", "STATE"])
        self.assertEqual(sorted(row[1] for row in rows[1:]),
                         sorted(f"firms/{brn}" for brn in FIRMS))
        self.assertEqual({row[3] for row in rows[1:]}, {"UNDER_REVIEW"})
        self.assertEqual({row[4] for row in rows[1:]}, {"7,000,000"})
        self.assertEqual(self.run_ok("--json", "applications", "list", "--round",
                                     "cli-voucher/r1", "--state", "selected").json(),
                         {"applications": []})

        # No draw while the window is open.
        early = self.run_failing(1, "selection", "preview", "cli-voucher/r1")
        self.assertIn("FAILED_PRECONDITION", early.err)
        self.assertIn("state: ROUND_STATE_OPEN", early.err)
        time.sleep(max(0.0, (closes - datetime.datetime.now(datetime.timezone.utc))
                       .total_seconds()))
        self.wait_until("the round to close", lambda: self.run_ok(
            "--json", "rounds", "get", "cli-voucher/r1").json()["state"] == "ROUND_STATE_CLOSED")

        # Preview, publish the inputs hash, draw with it, verify.
        preview = self.run_ok("--json", "selection", "preview",
                              "programs/cli-voucher/rounds/r1").json()
        self.assertEqual(sorted(i["brn"] for i in preview["inputs"]), sorted(FIRMS))
        inputs_sha256 = preview["inputs_sha256"]
        self.assertRegex(inputs_sha256, r"^[0-9a-f]{64}$")
        self.assertIn(f"inputs sha256:    {inputs_sha256}\n",
                      self.run_ok("selection", "preview", "cli-voucher/r1").out)
        changed = self.run_failing(1, "selection", "run", "cli-voucher/r1", "--seed",
                                   "1,2,3,4,5,6", "--expect-inputs", "0" * 64)
        self.assertIn("reason: INPUTS_CHANGED", changed.err)
        selection = self.run_ok("--json", "selection", "run", "cli-voucher/r1", "--seed",
                                "3,11,19,24,38,42", "--expect-inputs", inputs_sha256).json()
        outcomes = [entry["outcome"] for entry in selection["entries"]]
        self.assertEqual(outcomes, ["SELECTION_OUTCOME_SELECTED"] * self.CAPACITY
                         + ["SELECTION_OUTCOME_WAITLISTED"])
        commitment = selection["commitment"]["commitment_sha256"]
        verified = self.run_ok("selection", "verify", "cli-voucher/r1",
                               "--expect-commitment", commitment)
        self.assertIn("verified:              yes\n", verified.out)
        self.assertIn(f"recomputed commitment: {commitment}\n", verified.out)
        wrong = self.run_failing(1, "selection", "verify", "cli-voucher/r1",
                                 "--expect-commitment", "1" * 64)
        self.assertIn("verified:              NO\n", wrong.out)
        self.assertIn("does not verify", wrong.err)

        # The awards, reserved by the ledger; a disbursement.
        def reserved():
            listed = self.run_ok("--json", "awards", "list", "--round",
                                 "cli-voucher/r1").json()["awards"]
            states = [award["state"] for award in listed]
            return listed if states == ["AWARD_STATE_RESERVED"] * self.CAPACITY else None

        awards = self.wait_until("the reservations", reserved)
        award = awards[0]["name"]
        paid = self.run_ok("--json", "awards", "disburse", award.split("/")[1], "--amount",
                           "3,000,000", "--item", "translation", "--evidence", "report-1",
                           "--supplier", "supplier-1").json()
        self.assertEqual((paid["state"], paid["disbursed_won"], paid["remaining_won"]),
                         ("AWARD_STATE_IN_PROGRESS", "3000000", "4000000"))
        self.assertEqual(paid["disbursements"][0]["state"], "DISBURSEMENT_STATE_POSTED")
        too_much = self.run_failing(1, "awards", "disburse", award, "--amount", "9000000",
                                    "--item", "translation", "--evidence", "report-2",
                                    "--supplier", "supplier-1")
        self.assertIn("\n  disbursement.amount_won: ", too_much.err)
        self.run_failing(2, "awards", "disburse", award, "--amount", "3.5", "--item", "t",
                         "--evidence", "e", "--supplier", "s")

        # The ledger's budget report matches.
        report = self.run_ok("--json", "budget", "report", "cli-voucher", "--year",
                             str(YEAR)).json()
        self.assertEqual((report["appropriated"], report["disbursed"], report["reserved"],
                          report["remaining"]),
                         ("100000000", "3000000", "11000000", "86000000"))
        table = self.run_ok("budget", "report", "programs/cli-voucher", "--year", str(YEAR))
        self.assertIn(["disbursed", "3,000,000"], self.lines(table.out))
        self.assertIn("execution rate:    3.00%\n", table.out)

        # Open data: the two confirmed awards as 360Giving CSV and JSON.
        path = os.path.join(self.tmp, "grants.csv")
        self.run_ok("open-data", "export", "--year", str(YEAR), "--program", "cli-voucher",
                    "--format", "csv", "-o", path)
        with open(path, encoding="utf-8", newline="") as grants:
            rows = list(csv.reader(grants))
        self.assertEqual(rows[0][:5], ["Identifier", "Title", "Description", "Currency",
                                       "Amount Awarded"])
        self.assertEqual(sorted(row[6] for row in rows[1:]),
                         sorted(f"KR-BRN-{a['firm'][6:]}" for a in awards))
        self.assertEqual({row[4] for row in rows[1:]}, {"7000000"})
        grants = json.loads(self.run_ok("open-data", "export", "--year", str(YEAR)).out)
        self.assertEqual(len(grants["grants"]), self.CAPACITY)
        self.assertEqual(grants["grants"][0]["title"], "CLI test voucher: CLI round")


class DemoTest(CliTestCase):
    # What tools/run-suite.sh gives the demo: the seeded programmes and
    # rounds, and the demo ledger (budgets, and accounts an operator opened
    # ahead under titles of their own).
    extra_flags = {"applications": [
        f"--seed_programs_file={SOURCE}/config/programs.jsonl",
        f"--seed_rounds_file={SOURCE}/config/rounds.jsonl"]}

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # As run-suite loads it, twice: the second load changes nothing.
        for _ in range(2):
            loaded = cls.ctl("demo-data", "load")
            if loaded.code != 0:
                raise AssertionError(f"demo-data load: {loaded}")
        cls.demo_data_report = loaded.out

    def test_demo_data_loads(self):
        self.assertRegex(self.demo_data_report,
                         r"demo data: \d{2,} firms, \d+ export records, \d+ ledger accounts")
        listed = {firm["brn"] for firm in
                  self.run_ok("--json", "firms", "list", "--limit", "0").json()["firms"]}
        with open(f"{SOURCE}/tools/demo/firms.jsonl", encoding="utf-8") as lines:
            demo = {json.loads(line)["firm"]["brn"] for line in lines if line.strip()}
        self.assertEqual(len(demo), 60)
        self.assertLessEqual(demo, listed)
        budget = self.run_ok("--json", "budget", "report", "voucher", "--year", str(YEAR)).json()
        self.assertEqual(budget["appropriated"], "18000000000")

    def test_demo_twice(self):
        first = self.run_ok("demo", "--window", "4")
        for step in range(1, 15):
            self.assertIn(f"\n[{step}/14] ", first.out)
        self.assertIn("passed: designated, GRADE_B", first.out)
        self.assertRegex(first.out, r"our firm: +rank 1, SELECTED")
        self.assertRegex(first.out, r"verified: +True \(inputs True, commitment True, "
                                    r"result True\)")
        self.assertRegex(first.out, r"award: +awards/\w+: 7,000,000 won, RESERVED")
        self.assertRegex(first.out, r"disbursement: +2,800,000 won, POSTED")
        self.assertIn(["disbursed", "2,800,000", "2,800,000"], self.lines(first.out))
        self.assertRegex(first.out, r"\ndone in \d+ s: firms/\d{10} designated")
        first_firm = re.search(r"\n    firm: +(firms/\d{10}) ", first.out).group(1)

        # Again, as a script would: new ids, so it runs again; JSON summary.
        second = self.run_ok("--json", "demo", "--window", "4")
        self.assertIn("[14/14] ", second.err)
        summary = second.json()
        self.assertNotEqual(summary["firm"], first_firm)
        self.assertTrue(summary["verified"])
        self.assertEqual((summary["grade"], summary["award_state"], summary["amount_won"],
                          summary["disbursed_won"]),
                         ("B", "IN_PROGRESS", 7000000, 2800000))
        self.assertEqual(summary["round_budget"]["disbursed_won"], "2800000")
        self.assertEqual(summary["round_budget"]["reserved_won"], "4200000")
        # The ledger holds both runs' money.
        self.assertEqual((summary["ledger_report"]["disbursed"],
                          summary["ledger_report"]["reserved"]), ("5600000", "8400000"))

        # What the demo did is there for the other commands to read.
        status = self.run_ok("designations", "status", summary["firm"])
        self.assertRegex(status.out, r"designated: +yes\n")
        applications = self.run_ok("--json", "applications", "list", "--round",
                                   summary["round"]).json()["applications"]
        self.assertEqual([(a["name"], a["state"]) for a in applications],
                         [(summary["application"], "APPLICATION_STATE_IN_PROGRESS")])
        report = self.run_ok("--json", "budget", "report", "voucher", "--year",
                             str(YEAR)).json()
        self.assertEqual(report["disbursed"], "5600000")

    def test_demo_refuses_addr(self):
        result = self.run_failing(2, "--addr", self.address("registry"), "demo")
        self.assertIn("KEXPORT_REGISTRY_ADDR", result.err)

    def test_demo_needs_the_programme(self):
        result = self.run_failing(1, "demo", "--program", "no-such-programme")
        self.assertIn("NOT_FOUND", result.err)
        self.assertIn("[1/14] The programme", result.out)


if __name__ == "__main__":
    unittest.main(argv=[sys.argv[0]] + UNITTEST_ARGS, verbosity=2)
