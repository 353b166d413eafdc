#!/usr/bin/python3
"""Applies for an export-support programme on behalf of a firm, end to end:
registers the firm (or finds it), checks its G-PASS designation, finds the
programme's open round and its remaining budget, creates and submits the
application, and prints the result as JSON, with the reasons when the firm
is not eligible.

    examples/python/generate.sh                      # stubs into build/python
    examples/python/apply_for_support.py --program programs/voucher \\
        --firm examples/python/sample-firm.json \\
        --application examples/python/sample-application.json

Addresses come from --registry etc. or KEXPORT_REGISTRY_ADDR,
KEXPORT_DESIGNATION_ADDR, KEXPORT_APPLICATIONS_ADDR, KEXPORT_LEDGER_ADDR
(default localhost:50051-50054). Running it again with the same input is
safe: every step reuses its request id.

Exit status: 0 with the summary on stdout (eligible or not: both are
answers); 1 when a call failed, with {"error": ...} on stdout and a line for
people on stderr; 2 for bad usage or input.
"""

import argparse
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import kexport_stubs  # noqa: E402  pylint: disable=wrong-import-position


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    where = parser.add_mutually_exclusive_group(required=True)
    where.add_argument("--program", help="apply to its first open round, "
                       "e.g. programs/voucher")
    where.add_argument("--round", help="apply to this round, "
                       "e.g. programs/voucher/rounds/2026-1")
    parser.add_argument("--firm", required=True,
                        help="JSON file of a kexport.registry.v1.Firm")
    parser.add_argument("--application", required=True,
                        help="JSON file of a kexport.applications.v1.Application "
                        "(items, answers, sales; firm and round are filled in)")
    parser.add_argument("--actor", default=os.environ.get("KEXPORT_ACTOR", "firm-portal"),
                        help="x-kexport-actor: who is calling, for the audit records")
    for service, port in (("registry", 50051), ("designation", 50052),
                          ("applications", 50053), ("ledger", 50054)):
        variable = f"KEXPORT_{service.upper()}_ADDR"
        parser.add_argument(f"--{service}", default=os.environ.get(variable, f"localhost:{port}"),
                            help=f"host:port (or {variable})")
    parser.add_argument("--stubs", help="directory of generate.sh's output "
                        "(or KEXPORT_PYTHON_STUBS; default build/python)")
    return parser.parse_args()


def read_message(path, message):
    from google.protobuf import json_format  # pylint: disable=import-outside-toplevel
    try:
        with open(path, encoding="utf-8") as file:
            return json_format.Parse(file.read(), message)
    except (OSError, json_format.ParseError) as error:
        print(f"apply_for_support: {path}: {error}", file=sys.stderr)
        sys.exit(2)


def main():
    args = parse_args()
    kexport_stubs.use(args.stubs)
    # Generated code is importable from here on.
    # pylint: disable=import-outside-toplevel
    import firm_application
    from kexport_client import Addresses, Client, KexportError
    from kexport.applications.v1 import applications_pb2
    from kexport.registry.v1 import registry_pb2

    firm = read_message(args.firm, registry_pb2.Firm())
    draft = read_message(args.application, applications_pb2.Application())
    addresses = Addresses(registry=args.registry, designation=args.designation,
                          applications=args.applications, ledger=args.ledger)
    with Client(addresses, actor=args.actor) as client:
        try:
            summary = firm_application.apply_for_support(
                client, firm, draft, program=args.program or "", round_name=args.round or "")
        except KexportError as error:
            print(f"apply_for_support: {error}", file=sys.stderr)
            for field, description in error.field_violations:
                print(f"  {field}: {description}", file=sys.stderr)
            print(json.dumps({"error": error.to_json()}, indent=2, ensure_ascii=False))
            return 1
    for line in summary["application"]["why_ineligible"]:
        print(f"not eligible: {line}", file=sys.stderr)
    print(json.dumps(summary, indent=2, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
