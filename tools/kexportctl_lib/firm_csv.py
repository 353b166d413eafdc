"""Firms from a CSV file for ImportFirms (the format `firms import` reads).

CSV format: UTF-8 (a BOM is fine), comma-separated, a header row naming the
columns in any order. Empty cells are unset.
  required  brn, legal_name_ko, representative, size_class, founding_date,
            ksic_code, ksic_revision
  optional  legal_name_en, sectors, email, phone, address, bidder_id,
            bidder_registered_on, growth_stage, needs, contract_count,
            contract_value_krw, request_id
Values:
  brn                   10 digits; dashes allowed (124-81-00998)
  size_class            small | medium | mid-size | large
  founding_date,
  bidder_registered_on  YYYY-MM-DD
  ksic_revision, contract_count, contract_value_krw   whole numbers
  sectors, needs        several values separated by `;`
  growth_stage          preparation | settlement | expansion
  needs                 local-funding | local-certification | logistics-customs |
                        marketing | partner-discovery | legal-advice
  bidder_id             set: a registered KONEPS bidder with this id
  request_id            the row's idempotency key; default {--request-id}.{line},
                        so importing a file again with the same --request-id
                        creates nothing twice
The report has one line per row: `imported`, the registry's code and reason,
or INVALID_CSV for a row whose cells cannot even make a Firm (a date not
YYYY-MM-DD, an unknown size class), which is not sent."""

import csv
import re

from . import enums
from .errors import UsageError

REQUIRED = ("brn", "legal_name_ko", "representative", "size_class", "founding_date",
            "ksic_code", "ksic_revision")
OPTIONAL = ("legal_name_en", "sectors", "email", "phone", "address", "bidder_id",
            "bidder_registered_on", "growth_stage", "needs", "contract_count",
            "contract_value_krw", "request_id")
DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")


class Row:
    """One data row: its first line in the file, the BRN as written, and
    either the ImportFirmsRequest to send or the problem found here."""

    def __init__(self, line, brn):
        self.line = line
        self.brn = brn
        self.request = None
        self.field = ""
        self.problem = ""


class CellError(ValueError):
    def __init__(self, field, problem):
        super().__init__(problem)
        self.field = field


def read(path, contracts):
    """[Row] of the file, in order. UsageError for an unreadable file or a
    header with unknown or missing columns."""
    try:
        with open(path, encoding="utf-8-sig", newline="") as source:
            reader = csv.DictReader(source)
            check_header(reader.fieldnames or [])
            # A row's line is where it ends (rows rarely hold quoted line breaks).
            rows = [row(reader.line_num, cells, contracts) for cells in reader]
    except (OSError, UnicodeDecodeError, csv.Error) as error:
        raise UsageError(f"{path}: {error}")
    if not rows:
        raise UsageError(f"{path}: no rows under the header")
    return rows


def check_header(columns):
    unknown = [c for c in columns if c not in REQUIRED + OPTIONAL]
    missing = [c for c in REQUIRED if c not in columns]
    if unknown or missing:
        raise UsageError(
            "CSV header: " + "; ".join(filter(None, [
                unknown and "unknown columns " + ", ".join(unknown),
                missing and "missing columns " + ", ".join(missing)]))
            + f". Columns: {', '.join(REQUIRED)} (required), {', '.join(OPTIONAL)}")


def row(line, cells, contracts):
    extra = cells.pop(None, None)
    cells = {key: (value or "").strip() for key, value in cells.items()}
    result = Row(line, cells["brn"])
    try:
        if extra:
            raise CellError("", f"{len(extra)} more cells than the header has columns")
        result.request = {"firm": firm(cells, contracts)}
    except CellError as error:
        result.field, result.problem = error.field, str(error)
        return result
    if cells.get("request_id"):
        result.request["request_id"] = cells["request_id"]
    return result


def firm(cells, contracts):
    """The Firm (protobuf JSON as a dict) the cells describe."""
    def enum(column, type_name, text):
        try:
            return enums.parse(contracts.pool.FindEnumTypeByName(
                f"kexport.registry.v1.{type_name}"), text)
        except ValueError as error:
            raise CellError(column, str(error))

    result = {
        "brn": cells["brn"].replace("-", ""),
        "legal_name_ko": cells["legal_name_ko"],
        "representative": cells["representative"],
        "size_class": enum("size_class", "SizeClass", cells["size_class"]),
        "founding_date": date("founding_date", cells["founding_date"]),
        "ksic": {"code": cells["ksic_code"],
                 "revision": integer("ksic_revision", cells["ksic_revision"])},
    }
    if cells.get("legal_name_en"):
        result["legal_name_en"] = cells["legal_name_en"]
    if cells.get("sectors"):
        result["sectors"] = split(cells["sectors"])
    contact = {key: cells[key] for key in ("email", "phone", "address") if cells.get(key)}
    if contact:
        result["contact"] = contact
    if cells.get("bidder_id"):
        result["procurement_bidder"] = {"registered": True, "bidder_id": cells["bidder_id"]}
        if cells.get("bidder_registered_on"):
            result["procurement_bidder"]["registered_on"] = date(
                "bidder_registered_on", cells["bidder_registered_on"])
    if cells.get("growth_stage"):
        result["growth_stage"] = enum("growth_stage", "GrowthStage", cells["growth_stage"])
    if cells.get("needs"):
        result["needs"] = [enum("needs", "Need", need) for need in split(cells["needs"])]
    history = {key: integer(column, cells[column]) for key, column in (
        ("contract_count", "contract_count"),
        ("contract_value_krw", "contract_value_krw")) if cells.get(column)}
    if history:
        result["procurement_history"] = history
    return result


def split(text):
    return [part.strip() for part in text.split(";") if part.strip()]


def date(column, text):
    match = DATE.match(text)
    if not match:
        raise CellError(column, f"{text!r} is not a date YYYY-MM-DD")
    year, month, day = (int(part) for part in match.groups())
    return {"year": year, "month": month, "day": day}


def integer(column, text):
    try:
        return int(text.replace(",", ""))
    except ValueError:
        raise CellError(column, f"{text!r} is not a whole number") from None
