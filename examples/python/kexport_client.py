"""The plumbing every kexport integration needs, on Debian's python3-grpcio
and the stubs that generate.sh writes:

- one channel per service, and a deadline on every call;
- who is calling in the `x-kexport-actor` metadata (recorded in the audit
  histories), and an `x-request-id` to find the call in the services' logs;
- retries that are safe because every mutation carries a request_id;
- errors as KexportError, with the google.rpc details read from the
  `grpc-status-details-bin` trailer: the ErrorInfo reason (domain `kexport`)
  to branch on, the BadRequest field violations to show.

    with Client(Addresses.from_env(), actor="firm-portal") as client:
        firm = client.call(client.registry.GetFirm,
                           registry_pb2.GetFirmRequest(name="firms/1248100998"),
                           timeout=READ)
"""

import dataclasses
import os
import time
import uuid

import grpc

import kexport_stubs

kexport_stubs.use()

# pylint: disable=wrong-import-position
from google.rpc import error_details_pb2, status_pb2  # noqa: E402
from kexport.applications.v1 import applications_pb2_grpc  # noqa: E402
from kexport.designation.v1 import designation_pb2_grpc  # noqa: E402
from kexport.ledger.v1 import ledger_pb2_grpc  # noqa: E402
from kexport.registry.v1 import registry_pb2_grpc  # noqa: E402

# Deadlines, in seconds, per attempt. Always set one: without it a call to a
# stuck server waits forever. A read is one SQLite or Redis look-up; a write
# is one transaction; a submission also asks the registry and the
# designation service (2 s each, the applications service's own deadline).
READ = 5.0
WRITE = 10.0
SUBMIT = 15.0

DETAILS_TRAILER = "grpc-status-details-bin"


@dataclasses.dataclass
class Addresses:
    """host:port of each service."""
    registry: str = "localhost:50051"
    designation: str = "localhost:50052"
    applications: str = "localhost:50053"
    ledger: str = "localhost:50054"

    @classmethod
    def from_env(cls):
        """KEXPORT_REGISTRY_ADDR, KEXPORT_DESIGNATION_ADDR, ... or the defaults."""
        defaults = cls()
        return cls(**{
            field.name: os.environ.get(f"KEXPORT_{field.name.upper()}_ADDR",
                                       getattr(defaults, field.name))
            for field in dataclasses.fields(cls)})


class KexportError(Exception):
    """A failed call: the canonical code and what the server said about it."""

    def __init__(self, code, message, reason="", domain="", metadata=None,
                 field_violations=()):
        super().__init__(f"{code.name}: {message}")
        self.code = code                      # grpc.StatusCode
        self.message = message                # for people; may change
        self.reason = reason                  # e.g. FIRM_NOT_FOUND; stable
        self.domain = domain                  # `kexport` for the services' own
        self.metadata = dict(metadata or {})  # e.g. {"state": "ROUND_STATE_UPCOMING"}
        self.field_violations = list(field_violations)  # [(field, description)]

    @classmethod
    def from_rpc_error(cls, error):
        status = status_details(error)
        info = error_details_pb2.ErrorInfo()
        bad_request = error_details_pb2.BadRequest()
        for detail in status.details if status else ():
            # Unknown detail types are skipped: servers may add new ones.
            if detail.Is(error_details_pb2.ErrorInfo.DESCRIPTOR):
                detail.Unpack(info)
            elif detail.Is(error_details_pb2.BadRequest.DESCRIPTOR):
                detail.Unpack(bad_request)
        return cls(error.code(), error.details() or "", info.reason, info.domain, info.metadata,
                   [(v.field, v.description) for v in bad_request.field_violations])

    def fields(self):
        """The request fields the server found wrong, e.g. ['firm.brn']."""
        return [field for field, _ in self.field_violations]

    def to_json(self):
        return {"code": self.code.name, "message": self.message,
                "reason": self.reason, "domain": self.domain,
                "metadata": self.metadata,
                "field_violations": [{"field": f, "description": d}
                                     for f, d in self.field_violations]}


def status_details(error):
    """The google.rpc.Status of a grpc.RpcError, or None.

    Errors made by gRPC itself (the deadline passed, the server is down) carry
    no details: only the code and a message.
    """
    for key, value in error.trailing_metadata() or ():
        if key == DETAILS_TRAILER:
            return status_pb2.Status.FromString(value)
    return None


def safe_to_repeat(request):
    """Reads, and mutations that carry a request_id, can be sent again."""
    has_request_id = "request_id" in request.DESCRIPTOR.fields_by_name
    return not has_request_id or bool(request.request_id)


class Client:
    """Stubs of the four services, and `call` to use them."""

    def __init__(self, addresses, actor, attempts=4, backoff_seconds=0.2):
        self.actor = actor
        self.attempts = attempts
        self.backoff_seconds = backoff_seconds
        self._channels = []
        self.registry = registry_pb2_grpc.FirmRegistryStub(self._channel(addresses.registry))
        self.designation = designation_pb2_grpc.DesignationsStub(
            self._channel(addresses.designation))
        self.applications = applications_pb2_grpc.ApplicationsStub(
            self._channel(addresses.applications))
        self.ledger = ledger_pb2_grpc.LedgerStub(self._channel(addresses.ledger))

    def _channel(self, address):
        channel = grpc.insecure_channel(address)
        self._channels.append(channel)
        return channel

    def close(self):
        for channel in self._channels:
            channel.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def call(self, method, request, timeout):
        """Calls `method` (e.g. client.registry.GetFirm) with a deadline of
        `timeout` seconds per attempt, and returns its response.

        UNAVAILABLE and DEADLINE_EXCEEDED are tried again with the very same
        request: a mutation that did happen before its answer was lost is not
        applied twice, because its request_id makes the server answer with
        the first result. So is ABORTED `REQUEST_ID_CONCURRENT` (a copy of
        this request was being applied). Anything else raises KexportError:
        a stale etag (ABORTED `ETAG_MISMATCH`) needs a fresh read and a new
        request_id, which only the caller can decide on.
        """
        metadata = (("x-kexport-actor", self.actor),
                    ("x-request-id", f"{self.actor}-{uuid.uuid4().hex[:16]}"))
        for attempt in range(1, self.attempts + 1):
            try:
                return method(request, timeout=timeout, metadata=metadata)
            except grpc.RpcError as rpc_error:
                error = KexportError.from_rpc_error(rpc_error)
                if attempt == self.attempts or not self._worth_repeating(error, request):
                    raise error from None
            time.sleep(self.backoff_seconds * 2 ** (attempt - 1))
        raise AssertionError("unreachable")

    @staticmethod
    def _worth_repeating(error, request):
        if not safe_to_repeat(request):
            return False
        if error.code in (grpc.StatusCode.UNAVAILABLE, grpc.StatusCode.DEADLINE_EXCEEDED):
            return True
        return error.code == grpc.StatusCode.ABORTED and error.reason == "REQUEST_ID_CONCURRENT"
