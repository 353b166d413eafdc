"""`kexportctl applications`: list a round's (or a firm's) applications and
show one with its eligibility, rule by rule."""

from .. import enums, names, output


def register(tree):
    group = tree.group("applications", "firms' applications to programme rounds")
    parser = group.command("list", list_applications, "applications", "list applications")
    parser.add_argument("--round", default="", help="programs/P/rounds/R or P/R")
    parser.add_argument("--firm", default="")
    parser.add_argument("--state", action="append", default=[],
                        help="e.g. under-review, selected, waitlisted (repeatable)")
    parser.add_argument("--limit", type=int, default=100, help="default 100; 0: all")
    parser = group.command("get", get_application, "applications",
                           "show an application and its eligibility")
    parser.add_argument("application", help="applications/ID or ID")


def list_applications(client, args):
    request = {"round": names.round_(args.round) if args.round else "",
               "firm": names.firm(args.firm) if args.firm else "",
               "states": [enums.option(client, "kexport.applications.v1.ApplicationState",
                                       state, "--state") for state in args.state]}
    applications, more = client.pages("applications", "ListApplications", request,
                                      "applications", args.limit)
    if args.json:
        output.print_json({"applications": [output.to_dict(a) for a in applications]})
    else:
        output.table(("name", "firm", "round", "state", "requested", "submitted", "award"), [
            (a.name, a.firm, a.round, enums.label(a, "state"),
             output.won(a.requested_amount_won), output.when(a.submit_time), a.award)
            for a in applications], empty="no applications")
    output.truncated(more, "applications", args.limit)
    return 0


def get_application(client, args):
    application = client.call("applications", "GetApplication",
                              {"name": names.prefixed("applications", args.application)})
    if args.json:
        output.print_json(application)
        return 0
    output.fields([
        ("name", application.name), ("firm", application.firm), ("round", application.round),
        ("state", enums.label(application, "state")),
        ("requested", output.won(application.requested_amount_won) + " won"),
        ("state share", output.percent_bp(application.state_share_bp)),
        ("cap per firm", output.won(application.per_firm_cap_won) + " won"),
        ("submitted", output.when(application.submit_time)),
        ("award", application.award), ("etag", application.etag)])
    print("\nrequested items:")
    output.table(("item", "cost", "subsidy"), [
        (item.support_item_id, output.won(item.cost_won), output.won(item.subsidy_won))
        for item in application.requested_items])
    eligibility = application.eligibility
    print("\neligibility:")
    output.table(("rule", "passed", "explanation"), [
        (rule.rule_id, "yes" if rule.passed else "NO", rule.explanation)
        for rule in list(eligibility.rule_results) + list(eligibility.priority_results)],
        empty="(not evaluated yet)")
    return 0
