"""`kexportctl programs` and `kexportctl rounds`: define programmes and their
application rounds from files, list and show them with each round's money."""

from .. import enums, names, output, request_ids, resource_files


def register(tree):
    programs = tree.group("programs", "export-support programmes")
    parser = programs.command("create", create_program, "applications",
                              "define a programme from a JSON or YAML file", mutating=True)
    parser.add_argument("--file", required=True,
                        help="a kexport.applications.v1.Program (as `programs get "
                        "--json` prints it)")
    parser.add_argument("--id", default="",
                        help="programme id; default the file's `name` (programs/ID)")
    parser = programs.command("list", list_programs, "applications", "list programmes")
    parser.add_argument("--year", type=int, default=0, help="current fiscal year")
    parser.add_argument("--agency", default="", help="lead or partner agency, e.g. pps")
    parser.add_argument("--limit", type=int, default=100, help="default 100; 0: all")
    parser = programs.command("get", get_program, "applications", "show a programme")
    parser.add_argument("program", help="ID or programs/ID")

    rounds = tree.group("rounds", "application rounds of a programme")
    parser = rounds.command("create", create_round, "applications",
                            "create a round from a JSON or YAML file", mutating=True)
    parser.add_argument("program", help="ID or programs/ID")
    parser.add_argument("--file", required=True,
                        help="a kexport.applications.v1.Round (as `rounds get --json` "
                        "prints it)")
    parser.add_argument("--id", default="",
                        help="round id; default the last segment of the file's `name`")
    parser = rounds.command("list", list_rounds, "applications",
                            "list a programme's rounds with their money")
    parser.add_argument("program", help="ID or programs/ID")
    parser.add_argument("--state", default="", help="upcoming, open, closed, selected, "
                        "finalized")
    parser.add_argument("--limit", type=int, default=100, help="default 100; 0: all")
    parser = rounds.command("get", get_round, "applications", "show a round")
    parser.add_argument("round", help="programs/P/rounds/R or P/R")


def create_program(client, args):
    program = resource_files.load(args.file)
    program_id = resource_files.resource_id(args.id, program, args.file)
    created = client.call("applications", "CreateProgram", {
        "program_id": program_id, "program": program,
        "request_id": request_ids.for_command(args, "create-program")})
    if args.json:
        output.print_json(created)
    else:
        show_program(created)
    request_ids.announce(args)
    return 0


def list_programs(client, args):
    request = {"fiscal_year": args.year}
    if args.agency:
        request["agency"] = enums.option(client, "kexport.applications.v1.Agency",
                                         args.agency, "--agency")
    programs, more = client.pages("applications", "ListPrograms", request, "programs",
                                  args.limit)
    if args.json:
        output.print_json({"programs": [output.to_dict(p) for p in programs]})
    else:
        output.table(("name", "title", "agency", "year", "budget account", "cap per firm"), [
            (p.name, p.title_en, enums.label(p, "lead_agency"), p.fiscal_year,
             p.budget_account, output.won(p.per_firm_cap_won)) for p in programs],
            empty="no programmes")
    output.truncated(more, "programmes", args.limit)
    return 0


def get_program(client, args):
    program = client.call("applications", "GetProgram", {"name": names.program(args.program)})
    if args.json:
        output.print_json(program)
    else:
        show_program(program)
    return 0


def show_program(program):
    output.fields([
        ("name", program.name), ("title", program.title_ko), ("english title", program.title_en),
        ("lead agency", enums.label(program, "lead_agency")),
        ("partners", enums.label(program, "partner_agencies")),
        ("fiscal year", program.fiscal_year), ("budget account", program.budget_account),
        ("cap per firm", output.won(program.per_firm_cap_won) + " won"),
        ("cap per item", output.won(program.per_service_cap_won) + " won"
         if program.per_service_cap_won else "none"),
        ("capacity", program.capacity or "no cap"),
        ("state share", output.percent_bp(program.state_share_bp)),
        ("g-pass incentives", "applied" if program.apply_gpass_incentives else "no"),
        ("etag", program.etag), ("created by", program.created_by)])
    print("\nsupport items:")
    output.table(("id", "title"), [(item.id, item.title) for item in program.support_items])
    print("\neligibility rules:")
    output.table(("id", "rule"), [(rule.id, rule.description)
                                  for rule in program.eligibility_rules])


def create_round(client, args):
    round_spec = resource_files.load(args.file)
    round_id = resource_files.resource_id(args.id, round_spec, args.file)
    created = client.call("applications", "CreateRound", {
        "parent": names.program(args.program), "round_id": round_id, "round": round_spec,
        "request_id": request_ids.for_command(args, "create-round")})
    if args.json:
        output.print_json(created)
    else:
        show_round(created)
    request_ids.announce(args)
    return 0


def list_rounds(client, args):
    request = {"parent": names.program(args.program)}
    if args.state:
        request["state"] = enums.option(client, "kexport.applications.v1.RoundState",
                                        args.state, "--state")
    rounds, more = client.pages("applications", "ListRounds", request, "rounds", args.limit)
    if args.json:
        output.print_json({"rounds": [output.to_dict(r) for r in rounds]})
    else:
        output.table(("name", "state", "opens", "closes", "capacity", "awards",
                      "awarded", "reserved", "disbursed", "released"), [
            (r.name, enums.label(r, "state"), output.when(r.apply_start_time),
             output.when(r.apply_end_time), r.capacity, r.budget_summary.award_count,
             output.won(r.budget_summary.awarded_won), output.won(r.budget_summary.reserved_won),
             output.won(r.budget_summary.disbursed_won),
             output.won(r.budget_summary.released_won)) for r in rounds],
            empty="no rounds")
    output.truncated(more, "rounds", args.limit)
    return 0


def get_round(client, args):
    round_ = client.call("applications", "GetRound", {"name": names.round_(args.round)})
    if args.json:
        output.print_json(round_)
    else:
        show_round(round_)
    return 0


def show_round(round_):
    money = round_.budget_summary
    output.fields([
        ("name", round_.name), ("title", round_.title),
        ("state", enums.label(round_, "state")),
        ("window", f"{output.when(round_.apply_start_time)} to "
                   f"{output.when(round_.apply_end_time)}"),
        ("capacity", round_.capacity),
        ("budget", output.won(round_.budget_won) + " won" if round_.budget_won
         else "the programme's"),
        ("selection", round_.selection_policy.WhichOneof("policy") or ""),
        ("seed source", round_.selection_policy.seed_source),
        ("fiscal year", round_.fiscal_year), ("budget account", round_.budget_account),
        ("awards", money.award_count), ("awarded", output.won(money.awarded_won) + " won"),
        ("reserved", output.won(money.reserved_won) + " won"),
        ("disbursed", output.won(money.disbursed_won) + " won"),
        ("released", output.won(money.released_won) + " won"),
        ("etag", round_.etag)])
