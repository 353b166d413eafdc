"""`kexportctl health`: grpc.health.v1.Health/Check on every service, or on
the one --addr names (the container healthcheck). Exit 0 only when every
service answers SERVING; 3 when one cannot be reached; else 4."""

from .. import enums, errors, output
from ..client import SERVICES

CHECK = "grpc.health.v1.Health/Check"


def register(tree):
    parser = tree.command("health", run, None,
                          "check every service (or --addr) through grpc.health.v1")
    parser.add_argument("--service-name", default="",
                        help="the health service name asked for; default \"\" "
                        "(the whole server)")


def check(client, targets, service_name=""):
    """[(label, address, status)] with status SERVING, NOT_SERVING, ... or
    the error code of a failed check (UNAVAILABLE)."""
    results = []
    for label, address in targets:
        try:
            response = client.invoke(address, CHECK, {"service": service_name})
            status = enums.label(response, "status")
        except errors.CallError as error:
            status = error.code.name
        results.append((label, address, status))
    return results


def exit_code(results):
    statuses = [status for _, _, status in results]
    if any(status in (code.name for code in errors.UNREACHABLE_CODES)
           for status in statuses):
        return errors.UNREACHABLE
    if any(status != "SERVING" for status in statuses):
        return errors.NOT_SERVING
    return errors.OK


def run(client, args):
    if args.addr:
        targets = [(args.addr, args.addr)]
    else:
        targets = [(name, client.addresses[name]) for name in SERVICES]
    results = check(client, targets, args.service_name)
    if args.json:
        output.print_json({"services": [
            {"service": label, "address": address, "status": status}
            for label, address, status in results]})
    else:
        output.table(("service", "address", "status"), results)
    return exit_code(results)
