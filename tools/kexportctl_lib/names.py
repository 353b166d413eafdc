"""Resource names from what operators type: short forms become full names;
the services judge whether they are valid."""

from .errors import UsageError


def firm(text):
    """`1248100998`, `124-81-00998` or `firms/1248100998` -> `firms/1248100998`."""
    brn = text.strip()
    brn = brn[len("firms/"):] if brn.startswith("firms/") else brn
    return "firms/" + brn.replace("-", "")


def prefixed(collection, text):
    """`voucher` or `programs/voucher` -> `programs/voucher` (any collection)."""
    text = text.strip()
    return text if text.startswith(collection + "/") else f"{collection}/{text}"


def program(text):
    return prefixed("programs", text)


def round_(text):
    """`programs/voucher/rounds/2026-1` or `voucher/2026-1`."""
    text = text.strip()
    if text.startswith("programs/"):
        return text
    program_id, slash, round_id = text.partition("/")
    if not slash or not program_id or not round_id or "/" in round_id:
        raise UsageError(f"round {text!r}: give `programs/P/rounds/R` or `P/R`")
    return f"programs/{program_id}/rounds/{round_id}"
