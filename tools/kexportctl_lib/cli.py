"""kexportctl's entry point: parses the command line, opens the client, runs
the command and turns failures into exit codes (see errors.py)."""

import argparse
import os
import sys

from . import errors
from .client import Client, addresses_from_environment, open_contracts
from .command_tree import CommandTree, add_global_options
from .commands import (applications, awards, budget, demo, demo_data, designations,
                       firms, health, open_data, programs, selection)

EPILOG = """\
exit codes:
  0  ok
  1  the server answered an error (code, message, ErrorInfo reason and field
     violations on stderr), or the operation did not succeed (rejected import
     rows, a selection that does not verify)
  2  bad usage: arguments, input files
  3  a service unreachable (UNAVAILABLE, DEADLINE_EXCEEDED)
  4  health: a service is not SERVING
"""


def build_parser():
    parser = argparse.ArgumentParser(
        prog="kexportctl", epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
        description="Operate the kexport services over their gRPC API.")
    add_global_options(parser, with_defaults=True)
    common = argparse.ArgumentParser(add_help=False)
    add_global_options(common, with_defaults=False)
    tree = CommandTree(parser.add_subparsers(dest="command", required=True,
                                             metavar="COMMAND"), common)
    for module in (health, firms, designations, programs, applications, selection,
                   awards, budget, open_data, demo, demo_data):
        module.register(tree)
    return parser


def main(argv=None):
    args = build_parser().parse_args(argv)
    args.used_request_id = None
    contracts = None
    try:
        contracts = open_contracts(args.protoset)
        addresses = addresses_from_environment()
        if args.addr and args.service:
            addresses[args.service] = args.addr
        with Client(contracts, addresses, args.actor, args.timeout) as client:
            return args.run(client, args)
    except errors.UsageError as error:
        print(f"kexportctl: {error}", file=sys.stderr)
        return errors.USAGE
    except errors.CallError as error:
        errors.report(contracts, error, args.json, args.used_request_id)
        return error.exit_code()
    except errors.Failed as error:
        print(f"kexportctl: {error}", file=sys.stderr)
        return errors.SERVER_ERROR
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # The reader went away (`| head`): stop quietly, as other tools do.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
