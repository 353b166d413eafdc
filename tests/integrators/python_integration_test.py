#!/usr/bin/python3
"""The Python example client (examples/python) against the real services.

Generates the stubs with examples/python/generate.sh into the build
directory, starts Redis and the four service binaries
(tests/support/kexport_services.py), opens a funded budget in the ledger and
defines a programme with two open rounds and an upcoming one, as an operator
would, then runs the example's command line and its functions and checks
what they report against what the services hold.

    tests/integrators/python_integration_test.py --build-dir build --source-dir .
"""

import argparse
import datetime
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import unittest

import grpc

ARGS = None
PROGRAM_ID = "itest"
PROGRAM = f"programs/{PROGRAM_ID}"
ROUND_A = f"{PROGRAM}/rounds/a-open"      # open, earliest window
ROUND_B = f"{PROGRAM}/rounds/b-open"      # open
UNFUNDED_ID = "unfunded"
UNFUNDED = f"programs/{UNFUNDED_ID}"       # one open round, no budget in the ledger
LATER_ID = "later"
LATER = f"programs/{LATER_ID}"             # one upcoming round only
BUDGET_WON = 500_000_000
ACTOR = "firm-portal"
OPERATOR = "operator-itest"
GROWTH_RULE = "growth-settled"
WEIGHTS = (1, 3, 7, 1, 3, 7, 1, 3, 5)


def brn(first_nine):
    """A registration number with its check digit."""
    total = sum(int(d) * w for d, w in zip(first_nine, WEIGHTS)) + int(first_nine[8]) * 5 // 10
    return f"{first_nine}{(10 - total % 10) % 10}"


def firm_json(number, growth_stage="GROWTH_STAGE_SETTLEMENT", **changes):
    firm = {
        "brn": number, "legal_name_ko": f"주식회사 시험{number[-4:]}",
        "representative": "홍길동", "size_class": "SIZE_CLASS_SMALL",
        "founding_date": {"year": 2015, "month": 3, "day": 2},
        "ksic": {"code": "C26110", "revision": 11}, "sectors": ["semiconductors"],
        "growth_stage": growth_stage,
    }
    firm.update(changes)
    return firm


DRAFT = {
    "requested_items": [{"support_item_id": "pilot-purchase", "cost_won": "10000000"}],
    "answers": {"export-plan": "Pilot at a Vietnamese provincial hospital"},
}
# 70% of 10,000,000 won, under the 40,000,000 per-firm cap.
EXPECTED_REQUEST_WON = 7_000_000


def load_example(stubs):
    """Imports the example's modules and the generated ones, from `stubs`."""
    # pylint: disable=import-outside-toplevel,global-variable-undefined,invalid-name
    global kexport_client, flow, KexportError, READ, WRITE, json_format, field_mask_pb2
    global apps, applications_pb2_grpc, ledger_pb2, ledger_pb2_grpc, registry_pb2
    import kexport_stubs
    kexport_stubs.use(stubs)
    import firm_application as flow
    import kexport_client
    from kexport_client import READ, WRITE, KexportError
    from google.protobuf import field_mask_pb2, json_format
    from kexport.applications.v1 import applications_pb2 as apps
    from kexport.applications.v1 import applications_pb2_grpc
    from kexport.ledger.v1 import ledger_pb2, ledger_pb2_grpc
    from kexport.registry.v1 import registry_pb2


def setUpModule():  # noqa: N802  (unittest's name)
    global SERVICES, STUBS  # pylint: disable=global-variable-undefined
    sys.dont_write_bytecode = True  # no __pycache__ in the source tree
    sys.path.insert(0, os.path.join(ARGS.source_dir, "tests", "support"))
    sys.path.insert(0, os.path.join(ARGS.source_dir, "examples", "python"))
    STUBS = os.path.join(ARGS.build_dir, "python")
    subprocess.run([os.path.join(ARGS.source_dir, "examples", "python", "generate.sh"), STUBS],
                   check=True, stdout=subprocess.DEVNULL)
    load_example(STUBS)
    from kexport_services import KexportServices  # pylint: disable=import-outside-toplevel
    SERVICES = KexportServices(ARGS.build_dir, ARGS.source_dir)
    try:
        SERVICES.__enter__()
        Operator(SERVICES).prepare()
    except BaseException:
        SERVICES.__exit__(None, None, None)
        raise


def tearDownModule():  # noqa: N802
    SERVICES.__exit__(None, None, None)


class Operator:
    """What the test sets up with the generated stubs directly, as the
    programme's operator: a funded budget, a programme, three rounds."""

    def __init__(self, services):
        self.ledger_stub = ledger_pb2_grpc.LedgerStub(
            grpc.insecure_channel(services.address("ledger")))
        self.apps_stub = applications_pb2_grpc.ApplicationsStub(
            grpc.insecure_channel(services.address("applications")))
        self.options = {"timeout": 10, "metadata": [("x-kexport-actor", OPERATOR)]}
        self.year = datetime.datetime.now(datetime.timezone.utc).year

    def prepare(self):
        self.open_budget()
        self.create_program(PROGRAM_ID)
        now = datetime.datetime.now(datetime.timezone.utc)
        hour = datetime.timedelta(hours=1)
        second = datetime.timedelta(seconds=1)
        self.create_round(PROGRAM, "a-open", now - 2 * second, now + hour)
        self.create_round(PROGRAM, "b-open", now - second, now + 2 * hour)
        self.create_round(PROGRAM, "c-later", now + hour, now + 2 * hour)  # upcoming
        # A programme whose budget the ledger does not hold yet.
        self.create_program(UNFUNDED_ID)
        self.create_round(UNFUNDED, "open", now - second, now + hour)
        self.create_program(LATER_ID)
        self.create_round(LATER, "next", now + hour, now + 2 * hour)

    def open_account(self, suffix, kind, limit):
        led = ledger_pb2
        account_id = f"{PROGRAM_ID}-{self.year}-{suffix}"
        account = led.Account(id=account_id, kind=kind, title=f"test {account_id}",
                              fiscal_year=self.year, program=PROGRAM, balance_limit=limit)
        self.ledger_stub.CreateAccount(
            led.CreateAccountRequest(account=account, request_id=f"open-{account_id}"),
            **self.options)
        return f"accounts/{account_id}"

    def open_budget(self):
        led = ledger_pb2
        source = self.open_account("source", led.ACCOUNT_KIND_APPROPRIATION_SOURCE,
                                   led.BALANCE_LIMIT_NONE)
        budget = self.open_account("budget", led.ACCOUNT_KIND_PROGRAM_BUDGET,
                                   led.BALANCE_LIMIT_DEBITS_MUST_NOT_EXCEED_CREDITS)
        transfer = led.Transfer(id=f"appropriation-{PROGRAM_ID}", debit_account=source,
                                credit_account=budget, amount=BUDGET_WON,
                                code=led.TRANSFER_CODE_APPROPRIATION,
                                mode=led.TRANSFER_MODE_SINGLE_PHASE, reference=PROGRAM)
        response = self.ledger_stub.CreateTransfers(
            led.CreateTransfersRequest(transfers=[transfer], request_id=f"fund-{PROGRAM_ID}"),
            **self.options)
        assert response.results[0].result == led.TRANSFER_RESULT_CREATED, response

    def create_program(self, program_id):
        program = apps.Program(
            title_ko="시범 프로그램", title_en="Integration test programme",
            lead_agency=apps.AGENCY_MSS, fiscal_year=self.year,
            budget_account=f"accounts/{program_id}-{self.year}-budget",
            support_items=[apps.SupportItem(id="pilot-purchase", title="Pilot purchase")],
            per_firm_cap_won=40_000_000, state_share_bp=7000,
            eligibility_rules=[
                apps.EligibilityRule(id="not-banned", description="Not banned",
                                     not_banned=apps.NotBannedRule()),
                apps.EligibilityRule(
                    id=GROWTH_RULE, description="Already selling abroad",
                    growth_stage=apps.GrowthStageRule(growth_stages=[
                        apps.GROWTH_STAGE_SETTLEMENT, apps.GROWTH_STAGE_EXPANSION])),
            ],
            questions=[apps.ApplicationQuestion(id="export-plan", text="Where?",
                                                required=True)])
        self.apps_stub.CreateProgram(
            apps.CreateProgramRequest(program=program, program_id=program_id,
                                      request_id=f"program-{program_id}"), **self.options)

    def create_round(self, program, round_id, start, end):
        round_ = apps.Round(title=f"Round {round_id}", capacity=10,
                            selection_policy=apps.SelectionPolicy(
                                first_come_first_served=apps.FirstComeFirstServedPolicy(),
                                seed_source="Lotto 6/45 draw after the window"))
        round_.apply_start_time.FromDatetime(start)
        round_.apply_end_time.FromDatetime(end)
        self.apps_stub.CreateRound(
            apps.CreateRoundRequest(parent=program, round=round_, round_id=round_id,
                                    request_id=f"round-{program}-{round_id}".replace("/", ".")),
            **self.options)


def run_example(firm, *extra):
    """Runs apply_for_support.py; returns (exit code, JSON output, stderr)."""
    with tempfile.TemporaryDirectory() as directory:
        firm_path = os.path.join(directory, "firm.json")
        draft_path = os.path.join(directory, "application.json")
        with open(firm_path, "w", encoding="utf-8") as file:
            json.dump(firm, file)
        with open(draft_path, "w", encoding="utf-8") as file:
            json.dump(DRAFT, file)
        env = dict(os.environ, KEXPORT_PYTHON_STUBS=STUBS, PYTHONDONTWRITEBYTECODE="1",
                   **{f"KEXPORT_{name.upper()}_ADDR": SERVICES.address(name)
                      for name in ("registry", "designation", "applications", "ledger")})
        completed = subprocess.run(
            ["/usr/bin/python3",
             os.path.join(ARGS.source_dir, "examples", "python", "apply_for_support.py"),
             "--firm", firm_path, "--application", draft_path, "--actor", ACTOR, *extra],
            env=env, capture_output=True, text=True, timeout=120, check=False)
    try:
        output = json.loads(completed.stdout)
    except ValueError:
        output = None
    return completed.returncode, output, completed.stderr


def client(actor=ACTOR, registry=None, **options):
    """The example's Client on the services (the registry's address may be
    replaced)."""
    addresses = kexport_client.Addresses(
        registry=registry or SERVICES.address("registry"),
        designation=SERVICES.address("designation"),
        applications=SERVICES.address("applications"),
        ledger=SERVICES.address("ledger"))
    return kexport_client.Client(addresses, actor=actor, **options)


def firm_changes(name):
    with client() as c:
        return list(c.call(c.registry.ListFirmChanges,
                           registry_pb2.ListFirmChangesRequest(parent=name),
                           READ).changes)


def firm_applications(name):
    with client() as c:
        return list(c.call(c.applications.ListApplications,
                           apps.ListApplicationsRequest(firm=name),
                           READ).applications)


class CommandLineTest(unittest.TestCase):
    """apply_for_support.py end to end, as an integrator would run it."""

    def test_eligible_firm_is_registered_and_under_review(self):
        number = brn("101860001")
        code, out, err = run_example(firm_json(number), "--program", PROGRAM)
        self.assertEqual(code, 0, err)
        self.assertEqual(out["firm"]["name"], f"firms/{number}")
        self.assertTrue(out["firm"]["created"])
        self.assertFalse(out["designation"]["designated"])
        self.assertEqual(out["designation"]["grade"], "")
        # The first open round by window, not the upcoming one.
        self.assertEqual(out["round"]["name"], ROUND_A)
        self.assertEqual(out["round"]["state"], "ROUND_STATE_OPEN")
        self.assertEqual(out["budget_remaining_won"], BUDGET_WON)
        application = out["application"]
        self.assertEqual(application["state"], "APPLICATION_STATE_UNDER_REVIEW", err)
        self.assertTrue(application["eligible"])
        self.assertEqual(application["failing_rules"], [])
        self.assertEqual(application["why_ineligible"], [])
        self.assertEqual(application["state_share_bp"], 7000)
        self.assertEqual(application["requested_amount_won"], EXPECTED_REQUEST_WON)
        # Who did it, and under which request ids, is on the record.
        submitted = application["history"][-1]
        self.assertEqual(submitted["actor"], ACTOR)
        self.assertEqual(submitted["method"], "SubmitApplication")
        self.assertEqual(submitted["request_id"],
                         "submit-" + application["name"].rpartition("/")[2])

        # The same run again is a retry: same answers, nothing done twice.
        code, again, err = run_example(firm_json(number), "--program", PROGRAM)
        self.assertEqual(code, 0, err)
        self.assertEqual(again, out)
        changes = firm_changes(f"firms/{number}")
        self.assertEqual([(c.method, c.actor, c.request_id) for c in changes],
                         [("CreateFirm", ACTOR, f"register-{number}")])
        self.assertEqual([a.name for a in firm_applications(f"firms/{number}")],
                         [application["name"]])

    def test_ineligible_firm_is_told_which_rule_failed_and_why(self):
        number = brn("101860002")
        code, out, err = run_example(firm_json(number, "GROWTH_STAGE_PREPARATION"),
                                     "--round", ROUND_B)
        self.assertEqual(code, 0, err)
        application = out["application"]
        self.assertEqual(out["round"]["name"], ROUND_B)
        self.assertEqual(application["state"], "APPLICATION_STATE_INELIGIBLE")
        self.assertFalse(application["eligible"])
        self.assertEqual(application["failing_rules"], [GROWTH_RULE])
        (why,) = application["why_ineligible"]
        self.assertTrue(why.startswith(f"{GROWTH_RULE}: Already selling abroad: "), why)
        self.assertIn("growth_stage=GROWTH_STAGE_PREPARATION", why)
        self.assertIn(f"firms/{number}", why)
        self.assertIn(f"not eligible: {why}", err)

    def test_bad_firm_gets_every_field_violation_and_nothing_is_stored(self):
        good = brn("101860003")
        bad = good[:9] + str((int(good[9]) + 1) % 10)
        code, out, err = run_example(firm_json(bad, representative=""),
                                     "--program", PROGRAM)
        self.assertEqual(code, 1, err)
        error = out["error"]
        self.assertEqual(error["code"], "INVALID_ARGUMENT")
        self.assertEqual(error["domain"], "kexport")
        self.assertEqual(error["reason"], "INVALID_FIELD")
        fields = [violation["field"] for violation in error["field_violations"]]
        self.assertIn("firm.brn", fields)
        self.assertIn("firm.representative", fields)
        self.assertIn("  firm.brn: ", err)
        self.assertEqual(firm_applications(f"firms/{good}"), [])

    def test_programme_without_a_budget_yet_takes_applications(self):
        number = brn("101860010")
        code, out, err = run_example(firm_json(number), "--program", UNFUNDED)
        self.assertEqual(code, 0, err)
        self.assertEqual(out["round"]["name"], f"{UNFUNDED}/rounds/open")
        self.assertIsNone(out["budget_remaining_won"])
        self.assertEqual(out["application"]["state"], "APPLICATION_STATE_UNDER_REVIEW")

    def test_programme_without_an_open_round_is_reported(self):
        code, out, err = run_example(firm_json(brn("101860011")), "--program", LATER)
        self.assertEqual(code, 1, err)
        self.assertEqual(out["error"]["code"], "FAILED_PRECONDITION")
        self.assertEqual(out["error"]["reason"], "NO_OPEN_ROUND")
        self.assertEqual(out["error"]["domain"], "")  # the example's own, not the services'

    def test_unknown_programme_is_reported(self):
        code, out, err = run_example(firm_json(brn("101860004")),
                                     "--program", "programs/nothing-here")
        self.assertEqual(code, 1, err)
        self.assertEqual(out["error"]["code"], "NOT_FOUND")
        self.assertEqual(out["error"]["reason"], "PROGRAM_NOT_FOUND")


class FunctionsTest(unittest.TestCase):
    """The example's functions, on the paths a plain run does not take."""

    @staticmethod
    def firm(number, **changes):
        return json_format.ParseDict(firm_json(number, **changes), registry_pb2.Firm())

    @staticmethod
    def draft():
        return json_format.ParseDict(DRAFT, apps.Application())

    def test_request_ids_fit_the_rules_and_are_repeatable(self):
        short = flow.make_request_id("apply", "1248100998", "programs/voucher/rounds/2026-1")
        self.assertEqual(short, "apply-1248100998-programs.voucher.rounds.2026-1")
        long_parts = ("submit", "x" * 80)
        long_id = flow.make_request_id(*long_parts)
        self.assertEqual(len(long_id), 64)
        self.assertEqual(flow.make_request_id(*long_parts), long_id)
        self.assertNotEqual(flow.make_request_id("submit", "x" * 81), long_id)
        self.assertRegex(long_id, r"^[A-Za-z0-9._:-]{1,64}$")

    def test_lost_answer_is_retried_with_the_same_request_id(self):
        number = brn("101860005")
        with client(backoff_seconds=0.01) as c:
            lossy = LosesFirstAnswer(c.registry.CreateFirm, grpc.StatusCode.DEADLINE_EXCEEDED)
            c.registry.CreateFirm = lossy
            firm, created = flow.register_firm(c, self.firm(number), "lost-answer-1")
        self.assertTrue(created)
        self.assertEqual(firm.name, f"firms/{number}")
        self.assertEqual(len(lossy.requests), 2)
        self.assertEqual(lossy.requests[0], lossy.requests[1])
        self.assertEqual([c.request_id for c in firm_changes(firm.name)], ["lost-answer-1"])

    def test_firm_registered_earlier_is_read_not_created(self):
        number = brn("101860006")
        with client() as c:
            first, created_first = flow.register_firm(c, self.firm(number), "first-try")
            second, created_second = flow.register_firm(c, self.firm(number), "other-try")
        self.assertTrue(created_first)
        self.assertFalse(created_second)
        self.assertEqual(second.name, first.name)
        self.assertEqual(second.etag, first.etag)
        self.assertEqual(len(firm_changes(first.name)), 1)

    def test_stale_etag_is_read_again_and_submitted_under_a_new_request_id(self):
        number = brn("101860007")
        draft = self.draft()
        with client() as c:
            firm, _ = flow.register_firm(c, self.firm(number), f"register-{number}")
            stale = flow.start_application(c, firm.name, ROUND_B, draft, f"apply-{number}")
            # Someone edits the draft after we read it.
            edit = apps.UpdateApplicationRequest(
                application=apps.Application(name=stale.name, etag=stale.etag,
                                             answers={"export-plan": "Pilot in Hanoi instead"}),
                update_mask=field_mask_pb2.FieldMask(paths=["answers"]),
                request_id=f"edit-{number}")
            edited = c.call(c.applications.UpdateApplication, edit, WRITE)
            probe = apps.SubmitApplicationRequest(name=stale.name, etag=stale.etag,
                                                  request_id=f"probe-{number}")
            with self.assertRaises(KexportError) as raised:
                c.call(c.applications.SubmitApplication, probe, WRITE)
            submitted = flow.submit_application(c, stale, f"submit-{number}")
        self.assertEqual(raised.exception.code, grpc.StatusCode.ABORTED)
        self.assertEqual(raised.exception.reason, "ETAG_MISMATCH")
        self.assertEqual(raised.exception.domain, "kexport")
        self.assertEqual(submitted.state, apps.APPLICATION_STATE_UNDER_REVIEW)
        self.assertEqual(submitted.answers["export-plan"], "Pilot in Hanoi instead")
        submit_steps = [s for s in submitted.history if s.method == "SubmitApplication"]
        self.assertTrue(submit_steps)
        self.assertEqual({s.request_id for s in submit_steps},
                         {f"submit-{number}-{edited.etag}"})

    def test_application_made_elsewhere_is_found_and_not_submitted_twice(self):
        number = brn("101860009")
        draft = self.draft()
        with client(actor="agency-desk") as c:
            firm, _ = flow.register_firm(c, self.firm(number), f"desk-register-{number}")
            made = flow.start_application(c, firm.name, ROUND_A, draft, f"desk-{number}")
            submitted = flow.submit_application(c, made, f"desk-submit-{number}")
            found = flow.start_application(c, firm.name, ROUND_A, draft, f"other-{number}")
        self.assertEqual(submitted.state, apps.APPLICATION_STATE_UNDER_REVIEW)
        self.assertEqual(found.name, made.name)
        self.assertEqual(found.state, apps.APPLICATION_STATE_UNDER_REVIEW)

        # The command line, for the same firm and round, reports that one.
        code, out, err = run_example(firm_json(number), "--round", ROUND_A)
        self.assertEqual(code, 0, err)
        self.assertFalse(out["firm"]["created"])
        self.assertEqual(out["application"]["name"], made.name)
        self.assertEqual(out["application"]["state"], "APPLICATION_STATE_UNDER_REVIEW")
        self.assertEqual({step["actor"] for step in out["application"]["history"]},
                         {"agency-desk"})

    def test_open_rounds_pages_with_tokens_bound_to_the_query(self):
        with client() as c:
            names = [r.name for r in flow.open_rounds(c, PROGRAM, page_size=1)]
            open_now = apps.ListRoundsRequest(parent=PROGRAM, page_size=1,
                                              state=apps.ROUND_STATE_OPEN)
            first = c.call(c.applications.ListRounds, open_now, READ)
            # The token of one query, used with another.
            upcoming = apps.ListRoundsRequest(parent=PROGRAM, page_size=1,
                                              state=apps.ROUND_STATE_UPCOMING,
                                              page_token=first.next_page_token)
            with self.assertRaises(KexportError) as raised:
                c.call(c.applications.ListRounds, upcoming, READ)
        self.assertEqual(names, [ROUND_A, ROUND_B])
        self.assertTrue(first.next_page_token)
        self.assertEqual(raised.exception.code, grpc.StatusCode.INVALID_ARGUMENT)
        self.assertEqual(raised.exception.fields(), ["page_token"])

    def test_malformed_actor_is_refused_on_a_change(self):
        number = brn("101860008")
        with client(actor="not a valid actor!") as c:
            with self.assertRaises(KexportError) as refused:
                flow.register_firm(c, self.firm(number), f"register-{number}")
        with client() as c:
            with self.assertRaises(KexportError) as missing:
                flow.read_firm(c, f"firms/{number}")
        self.assertEqual(refused.exception.code, grpc.StatusCode.INVALID_ARGUMENT)
        self.assertEqual(refused.exception.fields(), ["x-kexport-actor"])
        self.assertEqual(missing.exception.code, grpc.StatusCode.NOT_FOUND)
        self.assertEqual(missing.exception.reason, "FIRM_NOT_FOUND")

    def test_deadline_ends_a_call_to_a_server_that_does_not_answer(self):
        with socket.socket() as silent:  # accepts connections, never answers
            silent.bind(("127.0.0.1", 0))
            silent.listen()
            address = f"127.0.0.1:{silent.getsockname()[1]}"
            with client(attempts=2, backoff_seconds=0.01, registry=address) as c:
                started = time.monotonic()
                with self.assertRaises(KexportError) as raised:
                    c.call(c.registry.GetFirm,
                           registry_pb2.GetFirmRequest(name=f"firms/{brn('101860001')}"),
                           timeout=0.3)
                elapsed = time.monotonic() - started
        self.assertEqual(raised.exception.code, grpc.StatusCode.DEADLINE_EXCEEDED)
        self.assertEqual(raised.exception.reason, "")  # made by gRPC: no details
        self.assertEqual(raised.exception.field_violations, [])
        # Two attempts, each ended by its own deadline, not by a longer one.
        self.assertGreaterEqual(elapsed, 2 * 0.3)
        self.assertLess(elapsed, 5)


class LosesFirstAnswer:
    """Wraps a stub method: the first call reaches the server, then its answer
    is lost (the caller sees `code`); later calls pass through."""

    def __init__(self, method, code):
        self.method, self.code, self.requests = method, code, []

    def __call__(self, request, **kwargs):
        self.requests.append(request.SerializeToString())
        response = self.method(request, **kwargs)
        if len(self.requests) == 1:
            raise LostAnswer(self.code)
        return response


class LostAnswer(grpc.RpcError):
    """What grpc raises when no answer came in time: a code, no details."""

    def __init__(self, code):
        super().__init__()
        self._code = code

    def code(self):
        return self._code

    def details(self):
        return "answer lost on the way back"

    def trailing_metadata(self):
        return ()


def main():
    global ARGS  # pylint: disable=global-statement
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--build-dir", required=True)
    parser.add_argument("--source-dir", required=True)
    ARGS, rest = parser.parse_known_args()
    ARGS.build_dir = os.path.abspath(ARGS.build_dir)
    ARGS.source_dir = os.path.abspath(ARGS.source_dir)
    unittest.main(argv=[sys.argv[0]] + rest, verbosity=2)


if __name__ == "__main__":
    main()
