"""Exit codes, and how a failed call is reported: the status code, the
message, the google.rpc ErrorInfo reason and metadata, and each field or
precondition violation."""

import json
import sys

import grpc

OK = 0
SERVER_ERROR = 1   # the server answered an error, or said the operation failed
USAGE = 2          # bad arguments or input files
UNREACHABLE = 3    # UNAVAILABLE or DEADLINE_EXCEEDED
NOT_SERVING = 4    # health: a service is not SERVING

UNREACHABLE_CODES = (grpc.StatusCode.UNAVAILABLE, grpc.StatusCode.DEADLINE_EXCEEDED)


class UsageError(Exception):
    """Bad arguments or input: exit 2."""


class Failed(Exception):
    """The services answered, but the operation did not succeed: exit 1."""


class CallError(Exception):
    """A gRPC call that failed, with where it went."""

    def __init__(self, rpc_error, method, address):
        super().__init__(f"{method} at {address}: {rpc_error.code().name}")
        self.rpc_error = rpc_error
        self.method = method
        self.address = address

    @property
    def code(self):
        return self.rpc_error.code()

    def exit_code(self):
        return UNREACHABLE if self.code in UNREACHABLE_CODES else SERVER_ERROR


def details(contracts, error):
    """The error as a dict: code, message, reason, metadata, violations."""
    rpc_error = error.rpc_error
    result = {"code": rpc_error.code().name, "message": rpc_error.details() or "",
              "method": error.method, "address": error.address,
              "reason": "", "metadata": {}, "field_violations": [],
              "precondition_violations": []}
    for key, value in rpc_error.trailing_metadata() or ():
        if key != "grpc-status-details-bin":
            continue
        status = contracts.message("google.rpc.Status")
        status.ParseFromString(value)
        for detail in status.details:
            kind = detail.type_url.rpartition("/")[2]
            if kind == "google.rpc.ErrorInfo":
                info = contracts.message(kind)
                detail.Unpack(info)
                result["reason"] = info.reason
                result["metadata"] = dict(info.metadata)
            elif kind == "google.rpc.BadRequest":
                bad = contracts.message(kind)
                detail.Unpack(bad)
                result["field_violations"] += [
                    {"field": v.field, "description": v.description}
                    for v in bad.field_violations]
            elif kind == "google.rpc.PreconditionFailure":
                failure = contracts.message(kind)
                detail.Unpack(failure)
                result["precondition_violations"] += [
                    {"type": v.type, "subject": v.subject, "description": v.description}
                    for v in failure.violations]
    return result


def report(contracts, error, as_json, retry_request_id=None, out=sys.stderr):
    """Prints a failed call on `out`, as text or as {"error": {...}}."""
    found = details(contracts, error)
    if retry_request_id and error.code in UNREACHABLE_CODES:
        found["retry_request_id"] = retry_request_id
    if as_json:
        print(json.dumps({"error": found}, ensure_ascii=False, indent=2), file=out)
        return
    print(f"kexportctl: {found['method']} at {found['address']}: "
          f"{found['code']}: {found['message']}", file=out)
    if found["reason"]:
        print(f"  reason: {found['reason']}", file=out)
    for key, value in sorted(found["metadata"].items()):
        print(f"  {key}: {value}", file=out)
    for violation in found["field_violations"]:
        print(f"  {violation['field']}: {violation['description']}", file=out)
    for violation in found["precondition_violations"]:
        print(f"  {violation['type']} {violation['subject']}: "
              f"{violation['description']}", file=out)
    if error.code in UNREACHABLE_CODES:
        print(f"  is the service running at {found['address']}?"
              " (--addr, KEXPORT_*_ADDR)", file=out)
        if retry_request_id:
            print(f"  the change may or may not have been applied: retry with"
                  f" --request-id {retry_request_id}", file=out)
