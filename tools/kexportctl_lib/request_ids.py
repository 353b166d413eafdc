"""Request ids: every mutating call sends one. Generated unless the operator
gives --request-id; sending the same id again (after a timeout, say) returns
the first answer and changes nothing twice."""

import sys
import uuid


def generated(label):
    """`kexportctl-{label}-{16 hex}`: unique, within the 64-character limit."""
    return f"kexportctl-{label}-{uuid.uuid4().hex[:16]}"


def for_command(args, label):
    """The request id of a mutating command: --request-id or a new one. It is
    remembered on `args` so that an unreachable-service error can show it."""
    args.used_request_id = args.request_id or generated(label)
    return args.used_request_id


def announce(args, out=sys.stderr):
    """Tells the operator the id a change went under, when it was generated."""
    if not args.request_id:
        print(f"kexportctl: request_id {args.used_request_id}", file=out)
