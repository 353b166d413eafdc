"""A firm's way into an export-support programme, as an integrating system
(a firm portal, an agency's case system) walks it, one small function per
step:

    firm, created = register_firm(client, firm, make_request_id("register", brn))
    designation   = firm_designation(client, firm.name)
    round_        = next(open_rounds(client, "programs/voucher"))
    remaining     = budget_remaining(client, round_)
    draft         = start_application(client, firm.name, round_.name, draft, ...)
    application   = submit_application(client, draft, ...)
    why_not       = explain_ineligibility(application)

Request ids are derived from what the step is about (the firm, the round,
the application), so running the whole flow again, after a crash or a lost
answer, is a retry: nothing is registered, created or submitted twice.
"""

import hashlib
import re

import grpc

import kexport_stubs

kexport_stubs.use()

# pylint: disable=wrong-import-position
from kexport_client import READ, SUBMIT, WRITE, KexportError  # noqa: E402
from kexport.applications.v1 import applications_pb2 as apps  # noqa: E402
from kexport.designation.v1 import designation_pb2  # noqa: E402
from kexport.ledger.v1 import ledger_pb2  # noqa: E402
from kexport.registry.v1 import registry_pb2  # noqa: E402

MAX_REQUEST_ID = 64


def make_request_id(*parts):
    """A request id naming one intended change, e.g. `register-1248100998`.

    Ids are 1-64 characters of [A-Za-z0-9._:-]: other characters become `.`,
    and a longer id keeps its start and ends with a digest of the whole, so
    it stays unique and the same every time.
    """
    joined = re.sub(r"[^A-Za-z0-9._:-]", ".", "-".join(str(part) for part in parts))
    if len(joined) <= MAX_REQUEST_ID:
        return joined
    digest = hashlib.sha256(joined.encode()).hexdigest()[:16]
    return f"{joined[:MAX_REQUEST_ID - 17]}.{digest}"


# ---- Registry: the firm.

def register_firm(client, firm, request_id):
    """Registers `firm` (a registry_pb2.Firm); returns (firm, created).

    A firm already registered (by this system under another request id, or
    by someone else) is read instead: ALREADY_EXISTS, reason
    FIRM_ALREADY_EXISTS, is an answer, not a failure.
    """
    request = registry_pb2.CreateFirmRequest(firm=firm, request_id=request_id)
    try:
        return client.call(client.registry.CreateFirm, request, timeout=WRITE), True
    except KexportError as error:
        if error.reason != "FIRM_ALREADY_EXISTS":
            raise
    return read_firm(client, f"firms/{firm.brn}"), False


def read_firm(client, name):
    return client.call(client.registry.GetFirm,
                       registry_pb2.GetFirmRequest(name=name), timeout=READ)


# ---- Designation: does the firm hold G-PASS?

def firm_designation(client, firm_name):
    """The designation in force today. Not designated is an answer
    (`designated` false), not NOT_FOUND."""
    request = designation_pb2.GetFirmDesignationRequest(firm=firm_name)
    return client.call(client.designation.GetFirmDesignation, request, timeout=READ)


# ---- Applications and ledger: where to apply, and is there money left?

def open_rounds(client, program, page_size=50):
    """Every round of `program` open now, earliest window first, page by page.

    The page token belongs to the query that made it: the next page is asked
    with the same parent and state, only the token changes.
    """
    request = apps.ListRoundsRequest(parent=program, state=apps.ROUND_STATE_OPEN,
                                     page_size=page_size)
    while True:
        response = client.call(client.applications.ListRounds, request, timeout=READ)
        yield from response.rounds
        if not response.next_page_token:  # only an empty token means the end
            return
        request.page_token = response.next_page_token


def program_of(round_name):
    """`programs/voucher/rounds/2026-1` -> `programs/voucher`."""
    return "/".join(round_name.split("/")[:2])


def budget_remaining(client, round_):
    """What the round's programme can still reserve this fiscal year, won,
    from the ledger, which holds the money; None while the year's budget is
    not opened (NOT_FOUND, reason PROGRAM_BUDGET_NOT_FOUND): a programme may
    take applications before its budget exists."""
    request = ledger_pb2.GetBudgetReportRequest(program=program_of(round_.name),
                                                fiscal_year=round_.fiscal_year)
    try:
        return client.call(client.ledger.GetBudgetReport, request, timeout=READ).remaining
    except KexportError as error:
        if error.reason != "PROGRAM_BUDGET_NOT_FOUND":
            raise
    return None


# ---- Applications: the firm's application.

def start_application(client, firm_name, round_name, draft, request_id):
    """Creates the DRAFT application of `draft` (an apps.Application with the
    items, answers and sales filled in) for the firm in the round.

    One firm has one application per round: when it already has one
    (ALREADY_EXISTS, reason APPLICATION_EXISTS), that one is returned.
    """
    application = apps.Application()
    application.CopyFrom(draft)
    application.firm = firm_name
    application.round = round_name
    request = apps.CreateApplicationRequest(application=application, request_id=request_id)
    try:
        return client.call(client.applications.CreateApplication, request, timeout=WRITE)
    except KexportError as error:
        if error.reason != "APPLICATION_EXISTS":
            raise
    return find_application(client, firm_name, round_name)


def find_application(client, firm_name, round_name):
    """The firm's application in the round that is not WITHDRAWN."""
    request = apps.ListApplicationsRequest(round=round_name, firm=firm_name)
    for application in client.call(client.applications.ListApplications, request,
                                   timeout=READ).applications:
        if application.state != apps.APPLICATION_STATE_WITHDRAWN:
            return application
    raise KexportError(grpc.StatusCode.NOT_FOUND,
                       f"{firm_name} has no application in {round_name}")


def submit_application(client, application, request_id):
    """Submits the DRAFT `application` as it was read (its etag); the service
    judges eligibility at once: UNDER_REVIEW, or INELIGIBLE with the reasons.

    When the draft changed since it was read (ABORTED, reason ETAG_MISMATCH,
    nothing submitted), read it again: still a draft, submit what it holds now
    under a new request id (a request id names one intended change); already
    submitted by someone else, return it as it is.
    """
    request = apps.SubmitApplicationRequest(name=application.name, etag=application.etag,
                                            request_id=request_id)
    try:
        return client.call(client.applications.SubmitApplication, request, timeout=SUBMIT)
    except KexportError as error:
        if error.reason != "ETAG_MISMATCH":
            raise
    current = read_application(client, application.name)
    if current.state != apps.APPLICATION_STATE_DRAFT:
        return current
    again = apps.SubmitApplicationRequest(name=current.name, etag=current.etag,
                                          request_id=make_request_id(request_id, current.etag))
    return client.call(client.applications.SubmitApplication, again, timeout=SUBMIT)


def read_application(client, name):
    return client.call(client.applications.GetApplication,
                       apps.GetApplicationRequest(name=name), timeout=READ)


def explain_ineligibility(application):
    """One line per failing rule: what the rule asks, what the service saw
    and where (`source`, at `source_etag`), and why it failed."""
    return [f"{rule.rule_id}: {rule.description}: {rule.explanation} "
            f"(observed {rule.observed} in {rule.source})"
            for rule in application.eligibility.rule_results if not rule.passed]


# ---- The whole flow.

def apply_for_support(client, firm, draft, program="", round_name=""):
    """Registers the firm, checks its designation, finds the round (the given
    one, or the programme's first open one) and its budget, applies, submits
    and reads the result back. Returns a summary (see summarize)."""
    registered, created = register_firm(client, firm, make_request_id("register", firm.brn))
    designation = firm_designation(client, registered.name)
    round_ = find_round(client, program, round_name)
    remaining = budget_remaining(client, round_)
    application = start_application(
        client, registered.name, round_.name, draft,
        make_request_id("apply", firm.brn, round_.name))
    if application.state == apps.APPLICATION_STATE_DRAFT:
        application = submit_application(
            client, application, make_request_id("submit", application.name.split("/")[-1]))
    application = read_application(client, application.name)
    return summarize(registered, created, designation, round_, remaining, application)


def find_round(client, program, round_name):
    if round_name:
        return client.call(client.applications.GetRound,
                           apps.GetRoundRequest(name=round_name), timeout=READ)
    for round_ in open_rounds(client, program):
        return round_
    raise KexportError(grpc.StatusCode.FAILED_PRECONDITION,
                       f"{program} has no round open now", reason="NO_OPEN_ROUND")


def summarize(firm, created, designation, round_, remaining, application):
    eligibility = application.eligibility
    return {
        "firm": {"name": firm.name, "etag": firm.etag, "created": created},
        "designation": {
            "designated": designation.designated,
            "grade": (designation_pb2.Grade.Name(designation.designation.grade)
                      if designation.designated else ""),
        },
        "round": {"name": round_.name, "title": round_.title,
                  "state": apps.RoundState.Name(round_.state),
                  "apply_end_time": round_.apply_end_time.ToJsonString()},
        "budget_remaining_won": remaining,
        "application": {
            "name": application.name,
            "state": apps.ApplicationState.Name(application.state),
            "etag": application.etag,
            "eligible": eligibility.eligible,
            "state_share_bp": application.state_share_bp,
            "requested_amount_won": application.requested_amount_won,
            "failing_rules": [rule.rule_id for rule in eligibility.rule_results
                              if not rule.passed],
            "why_ineligible": explain_ineligibility(application),
            "history": [{"to": apps.ApplicationState.Name(step.to_state),
                         "actor": step.actor, "method": step.method,
                         "request_id": step.request_id}
                        for step in application.history],
        },
    }
