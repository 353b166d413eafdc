"""`kexportctl demo`: one journey through the whole suite, step by step: a
fresh firm registered and designated G-PASS, applying to a short round of
the voucher programme, selected by a verifiable draw, its award reserved in
the ledger and partly disbursed, and the round's money beside the ledger's
budget report. Every run uses new ids, so it can run again and again
against the suite tools/run-suite.sh starts (about a minute)."""

import datetime
import sys
import time

from .. import demo_requests, enums, names, output
from ..errors import Failed, UsageError
from . import health

STEPS = 14


def register(tree):
    parser = tree.command(
        "demo", run, None, "walk one fresh firm through the whole suite (about a minute)",
        epilog="Calls every service at KEXPORT_{REGISTRY,DESIGNATION,APPLICATIONS,LEDGER}"
               "_ADDR.\nWith --json the steps go to stderr and a summary to stdout.")
    parser.add_argument("--program", default="programs/voucher",
                        help="programme whose rules a designated small firm meets "
                        "(default programs/voucher, seeded by tools/run-suite.sh)")
    parser.add_argument("--window", type=float, default=10.0,
                        help="seconds the demo round stays open (default 10)")


def run(client, args):
    if args.addr:
        raise UsageError("demo calls every service: set KEXPORT_REGISTRY_ADDR, "
                         "KEXPORT_DESIGNATION_ADDR, KEXPORT_APPLICATIONS_ADDR and "
                         "KEXPORT_LEDGER_ADDR instead of --addr")
    out = sys.stderr if args.json else sys.stdout
    results = health.check(client, list(client.addresses.items()))
    if health.exit_code(results):
        output.table(("service", "address", "status"), results, out=out)
        return health.exit_code(results)
    print("The four services answer SERVING: " + ", ".join(
        f"{label} {address}" for label, address, _ in results), file=out)
    summary = Journey(client, names.program(args.program), args.window, out).run()
    if args.json:
        output.print_json(summary)
    return 0


class Journey:
    def __init__(self, client, program, window, out):
        self.client = client
        self.program_name = program
        self.window = window
        self.out = out
        self.started = time.monotonic()
        now = datetime.datetime.now(datetime.timezone.utc)
        self.stamp = now.strftime("%Y%m%d-%H%M%S-") + f"{now.microsecond // 1000:03d}"
        self.step_number = 0
        self.summary = {}

    def run(self):
        program = self.show_program()
        firm = self.register_firm()
        application = self.apply_for_gpass(firm)
        self.review(application)
        self.decide(application, firm)
        round_ = self.create_round()
        applied = self.apply(firm, round_, program)
        self.wait_for_close(round_)
        commitment = self.preview(round_)
        self.draw(round_, commitment, applied)
        self.verify(round_)
        award = self.await_reservation(applied)
        self.disburse(award, applied)
        self.budget(round_)
        seconds = time.monotonic() - self.started
        self.summary["seconds"] = round(seconds, 1)
        print(f"\ndone in {seconds:.0f} s: {firm} designated G-PASS, selected in "
              f"{round_.name}; {self.summary['award']} has "
              f"{output.won(self.summary['disbursed_won'])} of "
              f"{output.won(self.summary['amount_won'])} won disbursed.", file=self.out)
        return self.summary

    # --- narration and calls

    def step(self, title):
        self.step_number += 1
        print(f"\n[{self.step_number}/{STEPS}] {title}", file=self.out)

    def say(self, label, value):
        print(f"    {label + ':':<20} {value}", file=self.out)

    def call(self, service, method, request, actor="demo-operator"):
        return self.client.call(service, method, request, actor=actor)

    def request_id(self, what):
        return f"demo.{self.stamp}.{what}"

    def wait_for(self, what, fetch, done, timeout):
        deadline = time.monotonic() + timeout
        while True:
            value = fetch()
            if done(value):
                return value
            if time.monotonic() > deadline:
                raise Failed(f"gave up waiting {timeout:.0f} s for {what}")
            time.sleep(0.25)

    # --- the journey

    def show_program(self):
        self.step("The programme")
        program = self.call("applications", "GetProgram", {"name": self.program_name})
        self.say("programme", f"{program.name}: {program.title_en}")
        self.say("budget account", program.budget_account)
        for rule in program.eligibility_rules:
            self.say("rule " + rule.id, rule.description)
        return program

    def register_firm(self):
        self.step("A fresh firm is registered")
        brn = demo_requests.fresh_brn(datetime.datetime.now(datetime.timezone.utc))
        firm = self.call("registry", "CreateFirm", {
            "firm": demo_requests.firm(brn), "request_id": self.request_id("firm")},
            actor="demo-registrar")
        self.say("firm", f"{firm.name} {firm.legal_name_ko} ({firm.legal_name_en})")
        self.say("size, bidder", f"{enums.label(firm, 'size_class')}, KONEPS "
                                 f"{firm.procurement_bidder.bidder_id}")
        self.summary["firm"] = firm.name
        return firm.name

    def apply_for_gpass(self, firm):
        self.step("It applies for G-PASS designation; the pre-screen runs")
        application = self.call("designation", "SubmitDesignationApplication", {
            "application": demo_requests.designation_application(
                firm, datetime.datetime.now(datetime.timezone.utc)),
            "request_id": self.request_id("gpass")}, actor=f"firm-{firm[6:]}")
        self.say("application", application.name)
        for check in application.prescreen.checks:
            self.say("check " + check.rule_id, ("passed: " if check.passed else "FAILED: ")
                     + check.explanation)
        self.say("state", enums.label(application, "state"))
        return application

    def review(self, application):
        self.step("Reviewers score it (first review)")
        if enums.label(application, "state") != "IN_FIRST_REVIEW":
            self.say("skipped", f"the application is {enums.label(application, 'state')}")
            return
        policy = self.call("designation", "GetDesignationPolicy",
                           {"name": "designationPolicy"})
        for n in range(1, max(policy.min_reviews, 1) + 1):
            application = self.call("designation", "SubmitReview", {
                "name": application.name, "review": demo_requests.review(policy),
                "request_id": self.request_id(f"review-{n}")}, actor=f"demo-reviewer-{n}")
            self.say(f"demo-reviewer-{n}", " ".join(
                f"{s.criterion_id}={s.points}" for s in application.reviews[-1].scores))
        result = application.first_review
        self.say("first review", result.explanation or enums.label(application, "state"))

    def decide(self, application, firm):
        self.step("The committee approves: the firm is designated")
        decided = self.call("designation", "DecideDesignationApplication", {
            "name": application.name, "outcome": "DECISION_OUTCOME_APPROVE",
            "reason": "Promising UN supplier (demo committee)", "committee_ref": "demo",
            "request_id": self.request_id("decide")}, actor="demo-committee")
        if not decided.designation:
            raise Failed(f"{application.name} is {enums.label(decided, 'state')}, "
                         "not approved")
        held = self.call("designation", "GetFirmDesignation", {"firm": firm})
        designation = held.designation
        self.say("designation", designation.name)
        self.say("grade", f"{enums.label(designation, 'grade')}: "
                          f"{designation.grade_assessment.explanation}")
        self.say("valid", f"{output.date(designation.valid_from)} to "
                          f"{output.date(designation.valid_until)}")
        self.summary.update(designation=designation.name,
                            grade=enums.label(designation, "grade"))

    def create_round(self):
        self.step(f"An operator opens a {self.window:.0f}-second round")
        opens = datetime.datetime.now(datetime.timezone.utc)
        round_ = self.call("applications", "CreateRound", {
            "parent": self.program_name, "round_id": f"demo-{self.stamp}",
            "round": demo_requests.short_round(
                self.stamp, opens, opens + datetime.timedelta(seconds=self.window)),
            "request_id": self.request_id("round")})
        self.say("round", round_.name)
        self.say("window", f"{output.when(round_.apply_start_time)} to "
                           f"{output.when(round_.apply_end_time)}")
        self.say("selection", f"weighted lottery, capacity {round_.capacity}; seed: "
                              f"{round_.selection_policy.seed_source}")
        self.summary["round"] = round_.name
        return round_

    def apply(self, firm, round_, program):
        self.step("The firm applies; eligibility is judged rule by rule")
        actor = f"firm-{firm[6:]}"
        draft = self.call("applications", "CreateApplication", {
            "application": demo_requests.application(firm, round_.name, program),
            "request_id": self.request_id("apply")}, actor=actor)
        submitted = self.call("applications", "SubmitApplication", {
            "name": draft.name, "request_id": self.request_id("submit")}, actor=actor)
        self.say("application", submitted.name)
        for rule in submitted.eligibility.rule_results:
            self.say("rule " + rule.rule_id, ("passed: " if rule.passed else "FAILED: ")
                     + rule.explanation)
        self.say("asks", f"{output.won(submitted.requested_amount_won)} won "
                         f"({output.percent_bp(submitted.state_share_bp)} of "
                         f"{output.won(demo_requests.COST_WON)})")
        state = enums.label(submitted, "state")
        self.say("state", state)
        if state != "UNDER_REVIEW":
            raise Failed(f"{submitted.name} is {state}")
        self.summary["application"] = submitted.name
        return submitted

    def wait_for_close(self, round_):
        self.step("The window closes")
        closes = round_.apply_end_time.ToDatetime(tzinfo=datetime.timezone.utc)
        left = (closes - datetime.datetime.now(datetime.timezone.utc)).total_seconds()
        self.say("waiting", f"{max(left, 0):.0f} s")
        time.sleep(max(left, 0))
        closed = self.wait_for(
            "the round to close",
            lambda: self.call("applications", "GetRound", {"name": round_.name}),
            lambda r: enums.label(r, "state") == "CLOSED", timeout=30)
        self.say("state", enums.label(closed, "state"))

    def preview(self, round_):
        self.step("The draw's inputs are fixed and their hash published")
        commitment = self.call("applications", "PreviewSelectionCommitment",
                               {"round": round_.name})
        self.say("inputs", f"{len(commitment.inputs)} eligible application(s)")
        self.say("inputs sha256", commitment.inputs_sha256)
        self.say("budget available", output.won(commitment.budget_available_won) + " won")
        self.summary["inputs_sha256"] = commitment.inputs_sha256
        return commitment

    def draw(self, round_, commitment, application):
        self.step("The seed is drawn in public; the selection runs on it")
        seed = demo_requests.seed()
        selection = self.call("applications", "RunSelection", {
            "round": round_.name, "seed_value": seed,
            "expected_inputs_sha256": commitment.inputs_sha256,
            "request_id": self.request_id("draw")})
        (entry,) = [e for e in selection.entries if e.application == application.name]
        self.say("seed", seed)
        self.say("commitment sha256", selection.commitment.commitment_sha256)
        self.say("our firm", f"rank {entry.rank}, {enums.label(entry, 'outcome')}: "
                             f"{entry.outcome_reason}")
        if enums.label(entry, "outcome") != "SELECTED":
            raise Failed(f"{application.name} was not selected")
        self.summary.update(seed=seed,
                            commitment_sha256=selection.commitment.commitment_sha256)

    def verify(self, round_):
        self.step("Anyone can verify the draw")
        verified = self.call("applications", "VerifySelection", {
            "name": round_.name + "/selection",
            "expected_commitment_sha256": self.summary["commitment_sha256"]})
        self.say("verified", f"{verified.verified} (inputs {verified.inputs_match}, "
                             f"commitment {verified.commitment_matches}, "
                             f"result {verified.result_matches})")
        if not verified.verified:
            raise Failed("the selection does not verify: " + "; ".join(verified.mismatches))
        self.summary["verified"] = True

    def await_reservation(self, application):
        self.step("The award is reserved in the ledger")
        name = "awards/" + application.name.rpartition("/")[2]
        award = self.wait_for(
            "the ledger to reserve the award",
            lambda: self.call("applications", "GetAward", {"name": name}),
            lambda a: enums.label(a, "state") != "RESERVING", timeout=30)
        if enums.label(award, "state") != "RESERVED":
            raise Failed(f"{award.name} is {enums.label(award, 'state')}: "
                         f"{award.state_reason}")
        self.say("award", f"{award.name}: {output.won(award.amount_won)} won, "
                          f"{enums.label(award, 'state')}")
        self.say("reservation", ", ".join(award.reservation_transfers))
        self.summary.update(award=award.name, amount_won=award.amount_won)
        return award

    def disburse(self, award, application):
        self.step("A delivered service is paid: part of the award is disbursed")
        amount = demo_requests.partial(award.amount_won)
        paid = self.call("applications", "RecordDisbursement", {
            "award": award.name, "request_id": self.request_id("disburse"),
            "disbursement": {"amount_won": amount,
                             "support_item_id": application.requested_items[0].support_item_id,
                             "evidence_ref": "completion report DEMO-1",
                             "supplier": "demo-supplier-001"}})
        last = paid.disbursements[-1]
        self.say("disbursement", f"{output.won(last.amount_won)} won, "
                                 f"{enums.label(last, 'state')} as {last.posting_transfer}")
        self.say("award", f"{enums.label(paid, 'state')}: "
                          f"{output.won(paid.disbursed_won)} disbursed, "
                          f"{output.won(paid.remaining_won)} remaining")
        self.summary.update(award_state=enums.label(paid, "state"),
                            disbursed_won=paid.disbursed_won)

    def budget(self, round_):
        self.step("The round's money beside the ledger's budget report")
        summary = self.call("applications", "GetRound", {"name": round_.name}).budget_summary
        report = self.call("ledger", "GetBudgetReport", {
            "program": self.program_name, "fiscal_year": round_.fiscal_year})
        won = output.won
        self.say("round", f"{round_.name} (GetRound budget_summary)")
        self.say("ledger", f"{self.program_name} FY{round_.fiscal_year} (GetBudgetReport)")
        output.table(("won", "round", "ledger"), [
            ("budget available", "", won(report.budget_available)),
            ("awarded", won(summary.awarded_won), ""),
            ("reserved", won(summary.reserved_won), won(report.reserved)),
            ("disbursed", won(summary.disbursed_won), won(report.disbursed)),
            ("released", won(summary.released_won), won(report.released)),
            ("remaining", "", won(report.remaining))], out=self.out)
        print("    The ledger counts every round of the programme-year; its `released`\n"
              "    also counts the rest of a partial posting, reserved again at once.",
              file=self.out)
        self.summary.update(round_budget=output.to_dict(summary),
                            ledger_report=output.to_dict(report))
