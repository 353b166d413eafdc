"""`kexportctl awards`: list and show awards, and record a delivered service
(a disbursement, posted in the ledger)."""

import argparse
import sys

from .. import enums, names, output, request_ids


def register(tree):
    group = tree.group("awards", "awards of selected applications")
    parser = group.command("list", list_awards, "applications", "list awards")
    parser.add_argument("--round", default="", help="programs/P/rounds/R or P/R")
    parser.add_argument("--firm", default="")
    parser.add_argument("--state", action="append", default=[],
                        help="reserving, reserved, in-progress, completed, released, "
                        "refused (repeatable)")
    parser.add_argument("--limit", type=int, default=100, help="default 100; 0: all")
    parser = group.command("get", get_award, "applications",
                           "show an award and its disbursements")
    parser.add_argument("award", help="awards/ID or ID")
    parser = group.command("disburse", disburse, "applications",
                           "record a delivered service against an award", mutating=True)
    parser.add_argument("award", help="awards/ID or ID")
    parser.add_argument("--amount", required=True, type=amount,
                        help="won paid by the state, e.g. 3000000 or 3,000,000")
    parser.add_argument("--item", required=True, help="the requested support item id")
    parser.add_argument("--evidence", required=True,
                        help="where the completion report and deliverable are kept")
    parser.add_argument("--supplier", required=True,
                        help="who delivered: firms/BRN or a registered supplier id")
    parser.add_argument("--evidence-sha256", default="",
                        help="SHA-256 of the completion report (64 hex)")
    parser.add_argument("--etag", default="", help="fail if the award changed since")


def amount(text):
    digits = text.replace(",", "").replace("_", "")
    if not digits.isdigit():
        raise argparse.ArgumentTypeError(f"{text!r}: whole won, e.g. 3000000")
    return int(digits)


def list_awards(client, args):
    request = {"round": names.round_(args.round) if args.round else "",
               "firm": names.firm(args.firm) if args.firm else "",
               "states": [enums.option(client, "kexport.applications.v1.AwardState", state,
                                       "--state") for state in args.state]}
    awards, more = client.pages("applications", "ListAwards", request, "awards", args.limit)
    if args.json:
        output.print_json({"awards": [output.to_dict(a) for a in awards]})
    else:
        output.table(("name", "firm", "state", "amount", "disbursed", "remaining",
                      "award date"), [
            (a.name, a.firm, enums.label(a, "state"), output.won(a.amount_won),
             output.won(a.disbursed_won), output.won(a.remaining_won),
             output.date(a.award_date)) for a in awards], empty="no awards")
    output.truncated(more, "awards", args.limit)
    return 0


def get_award(client, args):
    award = client.call("applications", "GetAward",
                        {"name": names.prefixed("awards", args.award)})
    if args.json:
        output.print_json(award)
    else:
        show_award(award)
    return 0


def show_award(award):
    output.fields([
        ("name", award.name), ("application", award.application), ("firm", award.firm),
        ("round", award.round), ("state", enums.label(award, "state")),
        ("state reason", award.state_reason),
        ("amount", output.won(award.amount_won) + " won"),
        ("disbursed", output.won(award.disbursed_won) + " won"),
        ("released", output.won(award.released_won) + " won"),
        ("remaining", output.won(award.remaining_won) + " won"),
        ("award date", output.date(award.award_date)),
        ("reservation", ", ".join(award.reservation_transfers)), ("etag", award.etag)])
    if award.disbursements:
        print("\ndisbursements:")
        output.table(("#", "item", "amount", "state", "supplier", "transfer", "ledger"), [
            (d.sequence, d.support_item_id, output.won(d.amount_won), enums.label(d, "state"),
             d.supplier, d.posting_transfer, d.ledger_result) for d in award.disbursements])


def disburse(client, args):
    award = client.call("applications", "RecordDisbursement", {
        "award": names.prefixed("awards", args.award),
        "disbursement": {"amount_won": args.amount, "support_item_id": args.item,
                         "evidence_ref": args.evidence, "supplier": args.supplier,
                         "evidence_sha256": args.evidence_sha256},
        "etag": args.etag, "request_id": request_ids.for_command(args, "disburse")})
    if args.json:
        output.print_json(award)
    else:
        show_award(award)
    posting = [d for d in award.disbursements if enums.label(d, "state") == "POSTING"]
    if posting:
        print("kexportctl: the ledger has not confirmed the posting yet; it stays in the "
              "outbox (see `awards get`)", file=sys.stderr)
    request_ids.announce(args)
    return 0
