"""Human-readable output: aligned tables (Korean text counts double width),
key-value blocks, money and dates; and JSON for --json."""

import datetime
import json
import sys
import unicodedata

from google.protobuf import json_format


def width(text):
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def pad(text, size):
    return text + " " * (size - width(text))


def table(columns, rows, empty="(none)", out=None):
    """Prints rows (sequences of cells) under upper-case column titles."""
    out = out or sys.stdout
    if not rows:
        print(empty, file=out)
        return
    cells = [[str(cell) for cell in row] for row in rows]
    sizes = [max([width(title)] + [width(row[i]) for row in cells])
             for i, title in enumerate(columns)]
    for row in [[title.upper() for title in columns]] + cells:
        print("  ".join(pad(cell, size) for cell, size in zip(row, sizes)).rstrip(),
              file=out)


def fields(pairs, out=None):
    """Prints `label: value` lines, values aligned; empty values skipped."""
    out = out or sys.stdout
    pairs = [(label, str(value)) for label, value in pairs if value not in ("", None)]
    size = max((width(label) for label, _ in pairs), default=0) + 1
    for label, value in pairs:
        print(f"{pad(label + ':', size)} {value}", file=out)


def truncated(more, what, limit):
    """Says on stderr that a list stopped at --limit."""
    if more:
        print(f"kexportctl: more {what} than --limit {limit}; --limit 0 shows all",
              file=sys.stderr)


def won(amount):
    return f"{int(amount):,}"


def percent_bp(basis_points):
    return f"{basis_points // 100}.{basis_points % 100:02d}%"


def date(value):
    """A google.type.Date, or '' when unset."""
    return f"{value.year:04d}-{value.month:02d}-{value.day:02d}" if value.year else ""


def when(timestamp):
    """A google.protobuf.Timestamp in UTC to the second, or '' when unset."""
    if not timestamp.seconds and not timestamp.nanos:
        return ""
    moment = datetime.datetime.fromtimestamp(timestamp.seconds, datetime.timezone.utc)
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def to_dict(message):
    return json_format.MessageToDict(message, preserving_proto_field_name=True)


def print_json(value, out=None):
    """A message or a plain value as indented JSON."""
    if hasattr(value, "DESCRIPTOR"):
        value = to_dict(value)
    json.dump(value, out or sys.stdout, ensure_ascii=False, indent=2)
    (out or sys.stdout).write("\n")
