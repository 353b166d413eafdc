"""Calls the kexport services: one channel per address, message types from
the build's descriptor set through tools/kexport-call's Contracts, requests
given as dicts in the protobuf JSON shape, responses as messages."""

import os

import grpc
from google.protobuf import json_format
from google.protobuf.message import DecodeError

from . import sibling_tools
from .errors import CallError, UsageError

# Short name -> (gRPC service, environment variable, default address).
SERVICES = {
    "registry": ("kexport.registry.v1.FirmRegistry", "KEXPORT_REGISTRY_ADDR",
                 "localhost:50051"),
    "designation": ("kexport.designation.v1.Designations", "KEXPORT_DESIGNATION_ADDR",
                    "localhost:50052"),
    "applications": ("kexport.applications.v1.Applications",
                     "KEXPORT_APPLICATIONS_ADDR", "localhost:50053"),
    "ledger": ("kexport.ledger.v1.Ledger", "KEXPORT_LEDGER_ADDR", "localhost:50054"),
}


def kexport_call():
    return sibling_tools.load("kexport-call")


def addresses_from_environment():
    return {name: os.environ.get(variable, default)
            for name, (_, variable, default) in SERVICES.items()}


def open_contracts(protoset):
    if not os.path.exists(protoset):
        raise UsageError(f"{protoset} missing: build first, or set --protoset "
                         "(KEXPORT_PROTOSET)")
    try:
        return kexport_call().Contracts(protoset)
    except DecodeError as error:
        raise UsageError(f"{protoset} is not a descriptor set ({error}): build again, "
                         "or set --protoset (KEXPORT_PROTOSET)")


class Client:
    def __init__(self, contracts, addresses, actor, timeout):
        self.contracts = contracts
        self.addresses = addresses
        self.actor = actor
        self.timeout = timeout
        self._channels = {}

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        for channel in self._channels.values():
            channel.close()

    def call(self, service, method, request=None, actor=None):
        """A unary call of `method` (e.g. `GetFirm`) on a service by short name."""
        return self.invoke(self.addresses[service], f"{SERVICES[service][0]}/{method}",
                           request, actor)

    def invoke(self, address, full_method, request=None, actor=None):
        """A unary call of `package.Service/Method` at `address`."""
        stub, request_class = self._stub(address, full_method, "unary_unary")
        return self._send(stub, self._parse(request or {}, request_class),
                          full_method, address, actor)

    def stream(self, service, method, requests, actor=None):
        """A client-streaming call: `requests` is an iterable of dicts, all
        parsed before the stream starts."""
        address = self.addresses[service]
        full_method = f"{SERVICES[service][0]}/{method}"
        stub, request_class = self._stub(address, full_method, "stream_unary")
        messages = [self._parse(request, request_class) for request in requests]
        return self._send(stub, iter(messages), full_method, address, actor)

    def pages(self, service, method, request, field, limit):
        """Items of a List method's `field` across pages, at most `limit`
        (0: all). Returns (items, more), `more` when some were left."""
        items, token = [], ""
        while True:
            page_request = dict(request)
            if limit:
                page_request["page_size"] = min(limit - len(items), 1000)
            if token:
                page_request["page_token"] = token
            page = self.call(service, method, page_request)
            items += getattr(page, field)
            token = page.next_page_token
            if not token or (limit and len(items) >= limit):
                return items[:limit] if limit else items, bool(token)

    def _channel(self, address):
        if address not in self._channels:
            # A preview of a large round answers with every input.
            self._channels[address] = grpc.insecure_channel(
                address, options=[("grpc.max_receive_message_length", 64 << 20)])
        return self._channels[address]

    def _stub(self, address, full_method, kind):
        method = self.contracts.find_method(full_method)
        request_class = type(self.contracts.message(method.input_type.full_name))
        response_class = type(self.contracts.message(method.output_type.full_name))
        stub = getattr(self._channel(address), kind)(
            f"/{method.containing_service.full_name}/{method.name}",
            request_serializer=request_class.SerializeToString,
            response_deserializer=response_class.FromString)
        return stub, request_class

    @staticmethod
    def _parse(request, request_class):
        try:
            return json_format.ParseDict(request, request_class())
        except json_format.ParseError as error:
            raise UsageError(f"not a {request_class.DESCRIPTOR.full_name}: {error}")

    def _send(self, stub, request, full_method, address, actor):
        try:
            return stub(request, timeout=self.timeout,
                        metadata=[("x-kexport-actor", actor or self.actor)])
        except grpc.RpcError as error:
            raise CallError(error, full_method.rpartition(".")[2], address) from None
