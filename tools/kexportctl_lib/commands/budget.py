"""`kexportctl budget report`: the ledger's budget execution of a programme
in a fiscal year."""

from .. import enums, names, output


def register(tree):
    group = tree.group("budget", "programme budgets in the ledger")
    parser = group.command("report", report, "ledger",
                           "budget execution of a programme in a fiscal year")
    parser.add_argument("program", help="ID or programs/ID")
    parser.add_argument("--year", type=int, required=True, help="fiscal year")


def report(client, args):
    budget = client.call("ledger", "GetBudgetReport", {
        "program": names.program(args.program), "fiscal_year": args.year})
    if args.json:
        output.print_json(budget)
        return 0
    output.fields([
        ("program", budget.program), ("fiscal year", budget.fiscal_year),
        ("budget account", budget.budget_account),
        ("fiscal year state", enums.label(budget, "fiscal_year_state"))])
    output.table(("figure", "won"), [(label, output.won(getattr(budget, field)))
                                     for label, field in FIGURES])
    output.fields([("execution rate", output.percent_bp(budget.execution_rate_bp)),
                   ("rejected attempts", budget.rejected_attempts),
                   ("closed", output.when(budget.close_time)),
                   ("closed by", budget.closed_by), ("close reason", budget.close_reason)])
    return 0


FIGURES = (("appropriated", "appropriated"), ("carried in", "carried_in"),
           ("budget available", "budget_available"), ("reserved", "reserved"),
           ("disbursed", "disbursed"), ("released", "released"),
           ("carried over", "carried_over"), ("lapsed", "lapsed"),
           ("remaining", "remaining"))
