"""`kexportctl demo-data load`: the demo firms, their exports and the demo
ledger (budgets, appropriations) from tools/demo, into a running suite. Every
row carries its own request id, so loading again changes nothing."""

import json
import os

from .. import errors

DEMO = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__)))), "demo")


def register(tree):
    group = tree.group("demo-data", "the demo data of tools/demo")
    parser = group.command("load", load, None,
                           "load the demo firms, exports and ledger (idempotent)")
    parser.add_argument("--dir", default=DEMO, help="where the demo files are "
                        "(default tools/demo)")


def json_lines(path):
    with open(path, encoding="utf-8") as lines:
        return [json.loads(line) for line in lines if line.strip()]


def load(client, args):
    try:
        firms = json_lines(os.path.join(args.dir, "firms.jsonl"))
        exports = json_lines(os.path.join(args.dir, "exports.jsonl"))
        with open(os.path.join(args.dir, "ledger-accounts.json"), encoding="utf-8") as f:
            accounts = json.load(f)
        with open(os.path.join(args.dir, "ledger-transfers.json"), encoding="utf-8") as f:
            transfers = json.load(f)
    except (OSError, ValueError) as error:
        raise errors.UsageError(f"demo data: {error}")
    imported = client.stream("registry", "ImportFirms", firms)
    if imported.imported_count != len(firms):
        raise errors.Failed(f"demo data: {imported.imported_count} of {len(firms)} firms "
                            "imported")
    for request in exports:
        client.call("registry", "RecordExports", request)
    client.call("ledger", "CreateAccounts", accounts)
    client.call("ledger", "CreateTransfers", transfers)
    print(f"demo data: {len(firms)} firms, {len(exports)} export records, "
          f"{len(accounts['accounts'])} ledger accounts, "
          f"{len(transfers['transfers'])} ledger transfers")
    return 0
