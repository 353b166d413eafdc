"""`kexportctl designations`: a firm's G-PASS status, designations and
applications, committee decisions, and the yearly annual review."""

from .. import enums, names, output, request_ids

PACKAGE = "kexport.designation.v1."


def register(tree):
    group = tree.group("designations", "G-PASS designations")
    parser = group.command("status", status, "designation",
                           "the designation a firm holds today")
    parser.add_argument("firm", help="registration number or firms/...")

    parser = group.command("list", list_designations, "designation", "list designations")
    parser.add_argument("--firm", default="")
    parser.add_argument("--state", action="append", default=[],
                        help="active, expired, revoked, superseded (repeatable)")
    parser.add_argument("--grade", action="append", default=[], help="a, b, c (repeatable)")
    parser.add_argument("--year", type=int, default=0, help="in force during this year")
    parser.add_argument("--sector", action="append", default=[])
    parser.add_argument("--limit", type=int, default=100, help="default 100; 0: all")

    parser = group.command("list-applications", list_applications, "designation",
                           "list designation applications")
    parser.add_argument("--firm", default="")
    parser.add_argument("--state", action="append", default=[],
                        help="e.g. in-committee, in-first-review, approved (repeatable)")
    parser.add_argument("--year", type=int, default=0, help="submitted in this year")
    parser.add_argument("--limit", type=int, default=100, help="default 100; 0: all")

    parser = group.command("get-application", get_application, "designation",
                           "show an application: pre-screen, reviews, decision")
    parser.add_argument("application", help="designationApplications/ID or ID")

    parser = group.command("decide", decide, "designation",
                           "record the committee's decision on an application",
                           mutating=True)
    parser.add_argument("application", help="designationApplications/ID or ID")
    outcome = parser.add_mutually_exclusive_group(required=True)
    outcome.add_argument("--approve", action="store_true")
    outcome.add_argument("--reject", action="store_true")
    parser.add_argument("--reason", required=True, help="why (at most 2000 characters)")
    parser.add_argument("--committee-ref", default="", help="e.g. minutes 2026-03")
    parser.add_argument("--etag", default="", help="fail if the application changed since")

    review = group.group("annual-review", "the yearly re-grading of active designations")
    parser = review.command("run", run_annual_review, "designation",
                            "re-grade every active designation for a year (once a "
                            "year: later runs return the first)", mutating=True)
    parser.add_argument("--year", type=int, required=True)
    parser = review.command("show", show_annual_review, "designation",
                            "show a year's annual review, or one firm's grade change")
    parser.add_argument("--year", type=int, required=True)
    parser.add_argument("--firm", default="", help="only this firm's grade change")


def enum_list(client, type_name, texts, option):
    return [enums.option(client, PACKAGE + type_name, text, option) for text in texts]


def status(client, args):
    response = client.call("designation", "GetFirmDesignation",
                           {"firm": names.firm(args.firm)})
    if args.json:
        output.print_json(response)
        return 0
    output.fields([("firm", response.firm), ("as of", output.date(response.as_of)),
                   ("designated", "yes" if response.designated else "no")]
                  + (designation_fields(response.designation) if response.designated else []))
    return 0


def designation_fields(designation):
    return [("designation", designation.name),
            ("grade", enums.label(designation, "grade")),
            ("state", enums.label(designation, "state")),
            ("valid", f"{output.date(designation.valid_from)} to "
                      f"{output.date(designation.valid_until)}"),
            ("grade reason", designation.grade_assessment.explanation)]


def list_designations(client, args):
    request_filter = {"firm": names.firm(args.firm) if args.firm else "",
                      "states": enum_list(client, "DesignationState", args.state, "--state"),
                      "grades": enum_list(client, "Grade", args.grade, "--grade"),
                      "year": args.year, "sectors": args.sector}
    designations, more = client.pages("designation", "ListDesignations",
                                      {"filter": request_filter}, "designations", args.limit)
    if args.json:
        output.print_json({"designations": [output.to_dict(d) for d in designations]})
    else:
        output.table(("name", "firm", "grade", "state", "valid from", "valid until"), [
            (d.name, d.firm, enums.label(d, "grade"), enums.label(d, "state"),
             output.date(d.valid_from), output.date(d.valid_until)) for d in designations],
            empty="no designations")
    output.truncated(more, "designations", args.limit)
    return 0


def list_applications(client, args):
    request_filter = {"firm": names.firm(args.firm) if args.firm else "",
                      "states": enum_list(client, "DesignationApplicationState",
                                          args.state, "--state"),
                      "submit_year": args.year}
    applications, more = client.pages("designation", "ListDesignationApplications",
                                      {"filter": request_filter}, "applications",
                                      args.limit)
    if args.json:
        output.print_json({"applications": [output.to_dict(a) for a in applications]})
    else:
        output.table(("name", "firm", "kind", "state", "score", "submitted"), [
            (a.name, a.firm, enums.label(a, "kind"), enums.label(a, "state"),
             score(a), output.when(a.submit_time)) for a in applications],
            empty="no applications")
    output.truncated(more, "applications", args.limit)
    return 0


def score(application):
    """`84.00` once the first review closed, `fast track`, or ''."""
    if application.fast_track:
        return "fast track"
    if not application.HasField("first_review"):
        return ""
    total = application.first_review.total_score_x100
    return f"{total // 100}.{total % 100:02d}"


def get_application(client, args):
    application = client.call("designation", "GetDesignationApplication", {
        "name": names.prefixed("designationApplications", args.application)})
    if args.json:
        output.print_json(application)
        return 0
    show_application(application)
    return 0


def show_application(application):
    output.fields([("name", application.name), ("firm", application.firm),
                   ("kind", enums.label(application, "kind")),
                   ("state", enums.label(application, "state")),
                   ("first review", score(application)),
                   ("review result", application.first_review.explanation),
                   ("decision", f"{enums.label(application.decision, 'outcome')}: "
                                f"{application.decision.reason}"
                    if application.HasField("decision") else ""),
                   ("designation", application.designation),
                   ("etag", application.etag)])
    checks = list(application.prescreen.checks)
    if checks:
        print("\npre-screen:")
        output.table(("check", "passed", "explanation"), [
            (check.rule_id, "yes" if check.passed else "no", check.explanation)
            for check in checks])
    if application.reviews:
        print("\nreviews:")
        output.table(("reviewer", "scores", "when"), [
            (review.reviewer, " ".join(f"{s.criterion_id}={s.points}" for s in review.scores),
             output.when(review.review_time)) for review in application.reviews])


def decide(client, args):
    request = {"name": names.prefixed("designationApplications", args.application),
               "outcome": "DECISION_OUTCOME_APPROVE" if args.approve
               else "DECISION_OUTCOME_REJECT",
               "reason": args.reason, "committee_ref": args.committee_ref,
               "etag": args.etag, "request_id": request_ids.for_command(args, "decide")}
    application = client.call("designation", "DecideDesignationApplication", request)
    if args.json:
        output.print_json(application)
    else:
        show_application(application)
    request_ids.announce(args)
    return 0


def run_annual_review(client, args):
    review = client.call("designation", "RunAnnualReview", {
        "year": args.year, "request_id": request_ids.for_command(args, "annual-review")})
    print_review(review, "", args.json)
    request_ids.announce(args)
    return 0


def show_annual_review(client, args):
    review = client.call("designation", "GetAnnualReview",
                         {"name": f"annualReviews/{args.year}"})
    print_review(review, names.firm(args.firm) if args.firm else "", args.json)
    return 0


def print_review(review, firm, as_json):
    changes = [c for c in review.grade_changes if not firm or c.firm == firm]
    if as_json:
        shown = output.to_dict(review)
        shown["grade_changes"] = [output.to_dict(change) for change in changes]
        output.print_json(shown)
        return
    output.fields([("review", review.name), ("policy", review.policy_revision),
                   ("reviewed", review.reviewed_count),
                   ("upgraded", review.upgraded_count),
                   ("downgraded", review.downgraded_count),
                   ("grades after", ", ".join(f"{enums.label(g, 'grade')}={g.count}"
                                              for g in review.grade_counts)),
                   ("run by", review.run_by), ("completed", output.when(review.complete_time))])
    print()
    output.table(("firm", "designation", "from", "to", "why"), [
        (c.firm, c.designation, enums.label(c, "from_grade"), enums.label(c, "to_grade"),
         c.assessment.explanation) for c in changes],
        empty=f"no grade change{' for ' + firm if firm else ''}")
