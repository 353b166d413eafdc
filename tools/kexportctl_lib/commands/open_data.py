"""`kexportctl open-data export`: a fiscal year's awards as 360Giving JSON or
CSV, through tools/kexport-open-data's paging and conversion."""

import io
import sys

from .. import sibling_tools
from ..errors import Failed, UsageError
from ..output import to_dict


def register(tree):
    group = tree.group("open-data", "published open data")
    parser = group.command("export", export, "applications",
                           "a fiscal year's awards as 360Giving JSON or CSV")
    parser.add_argument("--year", type=int, required=True, help="fiscal year of the rounds")
    parser.add_argument("--program", default="", help="one programme; default all")
    parser.add_argument("--format", choices=("json", "csv"), default="json")
    parser.add_argument("-o", "--output", default="-", help="file; default standard output")
    parser.add_argument("--page-size", type=int, default=0,
                        help="grants per call; default the server's")


def export(client, args):
    open_data = sibling_tools.load("kexport-open-data")
    try:
        grants = open_data.collect(
            lambda request: to_dict(client.call("applications", "ExportOpenData", request)),
            args.year, args.program, args.page_size)
    except (ValueError, RuntimeError) as error:
        # What the service sent cannot be published as it is.
        raise Failed(f"open data: {error}")
    if args.output in ("", "-"):
        out = io.TextIOWrapper(sys.stdout.buffer, encoding="utf-8", newline="")
        open_data.write(grants, args.format, out)
        out.flush()
        out.detach()  # leave sys.stdout open
    else:
        try:
            with open(args.output, "w", encoding="utf-8", newline="") as out:
                open_data.write(grants, args.format, out)
        except OSError as error:
            raise UsageError(f"{args.output}: {error}")
    print(f"kexportctl: {len(grants)} grants", file=sys.stderr)
    return 0
