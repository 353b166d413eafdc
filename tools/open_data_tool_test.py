#!/usr/bin/python3
"""Tests of tools/kexport-open-data's conversion of ExportOpenData pages to
360Giving JSON and CSV. No server, no gRPC, no descriptor set needed.

  /usr/bin/python3 tools/open_data_tool_test.py
"""

import csv
import importlib.machinery
import importlib.util
import io
import json
import os
import sys
import unittest

TOOL = os.path.join(os.path.dirname(os.path.abspath(__file__)), "kexport-open-data")


def load_tool():
    loader = importlib.machinery.SourceFileLoader("kexport_open_data", TOOL)
    spec = importlib.util.spec_from_loader(loader.name, loader)
    module = importlib.util.module_from_spec(spec)
    loader.exec_module(module)
    return module


grpc_before = "grpc" in sys.modules
tool = load_tool()


def page_grant(n, **overrides):
    """An OpenDataGrant as json_format.MessageToDict gives it."""
    grant = {
        "id": f"360G-kexport-app{n}",
        "title": "Overseas procurement support voucher: 2026 first recruitment",
        "description": "Vouchers for G-PASS firms. Items awarded: Translation and "
                       "interpretation; Foreign certification (CE, FDA, ...).",
        "currency": "KRW",
        "amountAwarded": "21000000",
        "awardDate": {"year": 2026, "month": 3, "day": 9},
        "recipientOrganization": {"id": "KR-BRN-1248100998",
                                  "name": "주식회사 케이반도체 (K Semiconductor Co., Ltd.)"},
        "fundingOrganization": {"id": "KR-GOV-PPS", "name": "Public Procurement Service"},
    }
    grant.update(overrides)
    return grant


EXPECTED = {
    "id": "360G-kexport-app1",
    "title": "Overseas procurement support voucher: 2026 first recruitment",
    "description": "Vouchers for G-PASS firms. Items awarded: Translation and "
                   "interpretation; Foreign certification (CE, FDA, ...).",
    "currency": "KRW",
    "amountAwarded": 21000000,
    "awardDate": "2026-03-09",
    "recipientOrganization": [{"id": "KR-BRN-1248100998",
                               "name": "주식회사 케이반도체 (K Semiconductor Co., Ltd.)"}],
    "fundingOrganization": [{"id": "KR-GOV-PPS", "name": "Public Procurement Service"}],
}


class FakeService:
    """ExportOpenData over fixed pages, recording the requests."""

    def __init__(self, pages):
        self.pages = pages
        self.requests = []

    def __call__(self, request):
        self.requests.append(dict(request))
        return self.pages[len(self.requests) - 1]


class ImportTest(unittest.TestCase):
    def test_loading_the_tool_needs_no_grpc(self):
        if grpc_before:
            self.skipTest("grpc was imported before the tool")
        self.assertNotIn("grpc", sys.modules)


class GrantTest(unittest.TestCase):
    def test_camel_case_page_grant(self):
        self.assertEqual(tool.grant_360(page_grant(1)), EXPECTED)

    def test_proto_field_names_as_kexport_call_prints_them(self):
        grant = {
            "id": "360G-kexport-app1", "title": EXPECTED["title"],
            "description": EXPECTED["description"], "currency": "KRW",
            "amount_awarded": "21000000",
            "award_date": {"year": 2026, "month": 3, "day": 9},
            "recipient_organization": {"id": "KR-BRN-1248100998",
                                       "name": "주식회사 케이반도체 (K Semiconductor Co., Ltd.)"},
            "funding_organization": {"id": "KR-GOV-PPS",
                                     "name": "Public Procurement Service"},
        }
        self.assertEqual(tool.grant_360(grant), EXPECTED)

    def test_amount_is_an_exact_integer(self):
        big = tool.grant_360(page_grant(1, amountAwarded="900719925474099312"))
        self.assertEqual(big["amountAwarded"], 900719925474099312)
        self.assertIsInstance(big["amountAwarded"], int)
        # MessageToDict leaves zero values out.
        grant = page_grant(1)
        del grant["amountAwarded"]
        del grant["description"]
        converted = tool.grant_360(grant)
        self.assertEqual(converted["amountAwarded"], 0)
        self.assertEqual(converted["description"], "")

    def test_award_date_is_iso(self):
        self.assertEqual(tool.date_text({"year": 2026, "month": 1, "day": 2}), "2026-01-02")
        for incomplete in (None, {}, {"year": 2026, "month": 1}):
            with self.assertRaises(ValueError):
                tool.date_text(incomplete)

    def test_program_name(self):
        self.assertEqual(tool.program_name("voucher"), "programs/voucher")
        self.assertEqual(tool.program_name("programs/voucher"), "programs/voucher")
        self.assertEqual(tool.program_name(""), "")


class PagingTest(unittest.TestCase):
    def test_follows_every_page_with_the_same_filters(self):
        service = FakeService([
            {"grants": [page_grant(1), page_grant(2)], "nextPageToken": "t1"},
            {"grants": [page_grant(3)], "nextPageToken": "t2"},
            {"grants": [page_grant(4)]},
        ])
        grants = tool.collect(service, 2026, "voucher", 2)
        self.assertEqual([grant["id"] for grant in grants],
                         [f"360G-kexport-app{n}" for n in (1, 2, 3, 4)])
        self.assertEqual(service.requests, [
            {"fiscal_year": 2026, "program": "programs/voucher", "page_size": 2},
            {"fiscal_year": 2026, "program": "programs/voucher", "page_size": 2,
             "page_token": "t1"},
            {"fiscal_year": 2026, "program": "programs/voucher", "page_size": 2,
             "page_token": "t2"},
        ])

    def test_every_programme_and_server_page_size_by_default(self):
        service = FakeService([{}])
        self.assertEqual(tool.collect(service, 2026), [])
        self.assertEqual(service.requests, [{"fiscal_year": 2026}])

    def test_repeated_token_stops(self):
        service = FakeService([{"grants": [page_grant(1)], "nextPageToken": "t"}] * 3)
        with self.assertRaises(RuntimeError):
            tool.collect(service, 2026)


class JsonTest(unittest.TestCase):
    def test_document_is_utf8_360giving(self):
        out = io.StringIO()
        tool.write([tool.grant_360(page_grant(1))], "json", out)
        text = out.getvalue()
        self.assertIn("주식회사 케이반도체", text)  # not \\u escapes
        self.assertEqual(json.loads(text), {"grants": [EXPECTED]})

    def test_empty_year(self):
        out = io.StringIO()
        tool.write([], "json", out)
        self.assertEqual(json.loads(out.getvalue()), {"grants": []})


class CsvTest(unittest.TestCase):
    def write(self, grants):
        out = io.StringIO(newline="")
        tool.write(grants, "csv", out)
        return out.getvalue()

    def test_standard_column_titles(self):
        text = self.write([])
        self.assertEqual(text, "Identifier,Title,Description,Currency,Amount Awarded,"
                               "Award Date,Recipient Org:Identifier,Recipient Org:Name,"
                               "Funding Org:Identifier,Funding Org:Name\r\n")

    def test_row_values(self):
        rows = list(csv.reader(io.StringIO(self.write([tool.grant_360(page_grant(1))]),
                                           newline="")))
        self.assertEqual(rows[1], [
            "360G-kexport-app1", EXPECTED["title"], EXPECTED["description"], "KRW",
            "21000000", "2026-03-09", "KR-BRN-1248100998",
            "주식회사 케이반도체 (K Semiconductor Co., Ltd.)",
            "KR-GOV-PPS", "Public Procurement Service"])

    def test_quoting_round_trips(self):
        awkward = 'Says "hello", then\nsomething; and, more'
        grant = tool.grant_360(page_grant(
            1, description=awkward,
            recipientOrganization={"id": "360G-kexport-org-app1", "name": "한빛, \"상회\""}))
        text = self.write([grant])
        self.assertIn('"Says ""hello"", then\nsomething; and, more"', text)
        rows = list(csv.reader(io.StringIO(text, newline="")))
        self.assertEqual(len(rows), 2)
        self.assertEqual(rows[1][2], awkward)
        self.assertEqual(rows[1][7], '한빛, "상회"')

    def test_utf8_file(self):
        import tempfile
        with tempfile.TemporaryDirectory() as directory:
            path = os.path.join(directory, "grants.csv")
            with open(path, "w", encoding="utf-8", newline="") as out:
                tool.write([tool.grant_360(page_grant(1))], "csv", out)
            with open(path, "rb") as raw:
                data = raw.read()
        self.assertIn("주식회사 케이반도체".encode("utf-8"), data)
        self.assertTrue(data.startswith(b"Identifier,"))  # no byte-order mark


if __name__ == "__main__":
    unittest.main()
