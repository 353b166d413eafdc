"""`kexportctl firms`: import from CSV (ImportFirms, with a per-row report),
get one firm, list firms."""

from .. import enums, errors, firm_csv, names, output, request_ids


def register(tree):
    firms = tree.group("firms", "the registry's firms")
    parser = firms.command(
        "import", import_firms, "registry",
        "import firms from a CSV file, reporting every row (exit 1 when a row is "
        "not imported)", mutating=True, epilog=firm_csv.__doc__)
    parser.add_argument("csv_file", help="the CSV file (format below)")

    parser = firms.command("get", get_firm, "registry", "show one firm")
    parser.add_argument("firm", help="registration number: 1248100998, 124-81-00998 "
                        "or firms/1248100998")

    parser = firms.command("list", list_firms, "registry", "list firms")
    parser.add_argument("--sector", action="append", default=[],
                        help="firms with this sector (repeatable: any of them)")
    parser.add_argument("--ksic-prefix", default="", help="KSIC code prefix, e.g. C26")
    parser.add_argument("--size", action="append", default=[],
                        help="size class: small, medium, mid-size, large (repeatable)")
    parser.add_argument("--state", default="", help="active or closed; default both")
    parser.add_argument("--order-by", default="",
                        help="brn (default), legal_name_ko or create_time, "
                        "optionally followed by ` desc`")
    parser.add_argument("--limit", type=int, default=100,
                        help="most firms shown (default 100; 0: all)")


def import_firms(client, args):
    rows = firm_csv.read(args.csv_file, client.contracts)
    base = request_ids.for_command(args, "import")
    longest = max((len(f"{base}.{row.line}") for row in rows), default=0)
    if longest > 64:
        raise errors.UsageError(f"--request-id: rows are sent as {base}.<line>, which "
                                f"would pass the 64 characters a request id may have")
    sent = [row for row in rows if row.request is not None]
    for row in sent:
        row.request.setdefault("request_id", f"{base}.{row.line}")
    response = client.stream("registry", "ImportFirms", [row.request for row in sent])
    report = import_report(rows, sent, response)
    not_imported = sum(1 for entry in report if entry["result"] != "imported")

    if args.json:
        output.print_json({"received_count": response.received_count,
                           "imported_count": response.imported_count,
                           "not_imported_count": not_imported, "rows": report})
    else:
        output.table(("line", "brn", "result", "detail"), [
            (entry["line"], entry["brn"], entry["result"], detail(entry))
            for entry in report])
        print(f"{response.imported_count} of {len(rows)} rows imported, "
              f"{not_imported} not imported")
    request_ids.announce(args)
    return 1 if not_imported else 0


def detail(entry):
    """`field: reason`, unless the reason already starts with the field."""
    field, reason = entry["field"], entry["reason"]
    return reason if not field or reason.startswith(field + ":") else f"{field}: {reason}"


def import_report(rows, sent, response):
    """One entry per CSV row: `imported`, the server's code for a rejected
    row, INVALID_CSV (not sent), NOT_READ (after a cut stream) or UNKNOWN
    (past the first 1000 rejected rows the server lists)."""
    position = {id(row): index for index, row in enumerate(sent)}
    rejected = {error.row: error for error in response.rejected_rows}
    listed_all = response.rejected_count == len(rejected)
    last_listed = max(rejected, default=-1)
    report = []
    for row in rows:
        entry = {"line": row.line, "brn": row.brn, "result": "imported",
                 "field": "", "reason": ""}
        index = position.get(id(row))
        if index is None:
            entry.update(result="INVALID_CSV", field=row.field, reason=row.problem)
        elif index >= response.received_count:
            entry.update(result="NOT_READ",
                         reason="the stream was cut before this row; import it again")
        elif index in rejected:
            error = rejected[index]
            entry.update(result=error.code, field=error.field, reason=error.reason)
        elif not listed_all and index > last_listed:
            entry.update(result="UNKNOWN",
                         reason="past the first 1000 rejected rows the registry lists")
        report.append(entry)
    return report


def get_firm(client, args):
    firm = client.call("registry", "GetFirm", {"name": names.firm(args.firm)})
    if args.json:
        output.print_json(firm)
        return 0
    history = firm.procurement_history
    output.fields([
        ("name", firm.name),
        ("brn", f"{firm.brn[:3]}-{firm.brn[3:5]}-{firm.brn[5:]}"),
        ("legal name", firm.legal_name_ko),
        ("english name", firm.legal_name_en),
        ("representative", firm.representative),
        ("size class", enums.label(firm, "size_class")),
        ("founded", output.date(firm.founding_date)),
        ("ksic", f"{firm.ksic.code} (revision {firm.ksic.revision})"),
        ("sectors", ", ".join(firm.sectors)),
        ("email", firm.contact.email),
        ("phone", firm.contact.phone),
        ("address", firm.contact.address),
        ("koneps bidder", firm.procurement_bidder.bidder_id
         if firm.procurement_bidder.registered else "no"),
        ("certifications", ", ".join(f"{enums.label(c, 'type')} {c.number}"
                                     for c in firm.certifications)),
        ("public contracts", f"{history.contract_count}, "
                             f"{output.won(history.contract_value_krw)} won"),
        ("growth stage", enums.label(firm, "growth_stage")),
        ("needs", enums.label(firm, "needs")),
        ("state", enums.label(firm, "state")),
        ("state reason", firm.state_reason),
        ("etag", firm.etag),
        ("created", output.when(firm.create_time)),
        ("updated", output.when(firm.update_time)),
    ])
    return 0


def list_firms(client, args):
    def enum(type_name, text, option):
        return enums.option(client, f"kexport.registry.v1.{type_name}", text, option)

    request_filter = {"sectors": args.sector, "ksic_prefix": args.ksic_prefix,
                      "size_classes": [enum("SizeClass", size, "--size")
                                       for size in args.size]}
    if args.state:
        request_filter["state"] = enum("FirmState", args.state, "--state")
    firms, more = client.pages("registry", "ListFirms",
                               {"filter": request_filter, "order_by": args.order_by},
                               "firms", args.limit)
    if args.json:
        output.print_json({"firms": [output.to_dict(firm) for firm in firms]})
    else:
        output.table(("brn", "legal name", "size", "ksic", "sectors", "stage", "state"), [
            (firm.brn, firm.legal_name_ko, enums.label(firm, "size_class"),
             firm.ksic.code, ",".join(firm.sectors), enums.label(firm, "growth_stage"),
             enums.label(firm, "state")) for firm in firms], empty="no firms")
    output.truncated(more, "firms", args.limit)
    return 0
