"""The argparse tree: groups (`firms`) and commands (`firms get`), each
command with the global options (so they may come after it too), the
service --addr overrides, and --request-id when it changes something."""

import argparse
import os

from .client import kexport_call


def add_global_options(parser, with_defaults):
    """--addr, --actor, --timeout, --json, --protoset. On commands (not
    with_defaults) unset options keep the values given before the command."""
    def default(value):
        return value if with_defaults else argparse.SUPPRESS

    parser.add_argument("--addr", default=default(None),
                        help="host:port of the service the command calls, overriding "
                        "KEXPORT_{REGISTRY,DESIGNATION,APPLICATIONS,LEDGER}_ADDR "
                        "(defaults localhost:50051-50054); `health` checks only it")
    parser.add_argument("--actor", default=default(os.environ.get("KEXPORT_ACTOR",
                                                                  "kexportctl")),
                        help="x-kexport-actor recorded in audit histories "
                        "(KEXPORT_ACTOR; default kexportctl)")
    parser.add_argument("--timeout", type=float, default=default(30.0),
                        help="deadline of each call in seconds (default 30)")
    parser.add_argument("--json", action="store_true", default=default(False),
                        help="print JSON (protobuf field names) instead of tables")
    parser.add_argument("--protoset", default=default(os.environ.get(
        "KEXPORT_PROTOSET", kexport_call().DEFAULT_PROTOSET)),
        help="descriptor set the build writes (KEXPORT_PROTOSET)")


class CommandTree:
    def __init__(self, subparsers, common):
        self.subparsers = subparsers
        self.common = common

    def group(self, name, help):
        parser = self.subparsers.add_parser(name, help=help, description=help)
        return CommandTree(parser.add_subparsers(dest=f"{name}_command", required=True,
                                                 metavar="COMMAND"), self.common)

    def command(self, name, run, service, help, mutating=False, epilog=None):
        """A leaf command running `run(client, args)`; `service` is the one
        --addr overrides (None: the command deals with --addr itself)."""
        parser = self.subparsers.add_parser(
            name, help=help, description=help, epilog=epilog, parents=[self.common],
            formatter_class=argparse.RawDescriptionHelpFormatter)
        parser.set_defaults(run=run, service=service, request_id=None)
        if mutating:
            parser.add_argument("--request-id",
                                help="idempotency key (1-64 of [A-Za-z0-9._:-]); "
                                "default a new one. Send the same one to retry safely")
        return parser
