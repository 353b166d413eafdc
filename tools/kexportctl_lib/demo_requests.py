"""What the demo sends: a fresh firm with a valid registration number, its
G-PASS evidence and reviews, a short round and an application. Pure
functions of the run's clock and what the services publish."""

import datetime
import math
import random

KST = datetime.timezone(datetime.timedelta(hours=9))
BRN_WEIGHTS = (1, 3, 7, 1, 3, 7, 1, 3, 5)


def brn_check_digit(first_nine):
    """The registration number's tenth digit (common/brn.cc)."""
    total = sum(int(digit) * weight for digit, weight in zip(first_nine, BRN_WEIGHTS))
    total += int(first_nine[8]) * 5 // 10  # the ninth digit's tens carry
    return (10 - total % 10) % 10


def fresh_brn(now):
    """A corporation's number (digits 4-5 `81`) from the clock's milliseconds:
    a new firm on every run."""
    n = int(now.timestamp() * 1000) % 10_000_000
    nine = f"{n // 10_000:03d}81{n % 10_000:04d}"
    return nine + str(brn_check_digit(nine))


def firm(brn):
    return {
        "brn": brn, "legal_name_ko": f"주식회사 데모수출 {brn[-4:]}",
        "legal_name_en": f"Demo Exporter {brn[-4:]} Co., Ltd.", "representative": "홍길동",
        "size_class": "SIZE_CLASS_SMALL", "founding_date": {"year": 2015, "month": 3, "day": 2},
        "ksic": {"code": "C26110", "revision": 11}, "sectors": ["semiconductors"],
        "contact": {"email": "export@example.kr", "phone": "+82 2-123-4567"},
        "procurement_bidder": {"registered": True, "bidder_id": f"KONEPS-{brn[-6:]}"},
        "growth_stage": "GROWTH_STAGE_SETTLEMENT", "needs": ["NEED_MARKETING"],
    }


def designation_application(firm_name, now):
    """A NEW application with one overseas bid a month ago (the pre-screen's
    overseas activity)."""
    bid_day = now.astimezone(KST).date() - datetime.timedelta(days=30)
    return {"firm": firm_name, "kind": "DESIGNATION_KIND_NEW", "evidence": {
        "overseas_bids": [{
            "buyer_kind": "BUYER_KIND_UN_AGENCY", "buyer": "UNICEF Supply Division",
            "country_code": "DK", "reference": "LRFP-DEMO-7",
            "date": {"year": bid_day.year, "month": bid_day.month, "day": bid_day.day},
            "evidence_ref": "bid receipt (demo)"}]}}


def review(policy):
    """Scores of 85% of every criterion of the designation policy: a pass."""
    return {"scores": [{"criterion_id": criterion.id,
                        "points": math.ceil(criterion.max_points * 0.85)}
                       for criterion in policy.review_criteria],
            "comment": "Clear plan for UN procurement (demo review)"}


def timestamp(moment):
    return moment.astimezone(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def short_round(stamp, opens, closes):
    return {"title": f"Demo round {stamp}",
            "description": "A short round created by `kexportctl demo`.",
            "apply_start_time": timestamp(opens), "apply_end_time": timestamp(closes),
            "capacity": 5,
            "selection_policy": {"weighted_lottery": {"base_weight": 1},
                                 "seed_source": "kexportctl demo: six numbers of 1-45 drawn "
                                                "after the window, ascending"}}


COST_WON = 10_000_000
PRIOR_YEAR_SALES_WON = 800_000_000


def application(firm_name, round_name, program):
    """Asks for the programme's first support item and answers its required
    questions."""
    item = program.support_items[0]
    return {"firm": firm_name, "round": round_name,
            "requested_items": [{"support_item_id": item.id, "cost_won": COST_WON,
                                 "description": f"{item.title} (demo)"}],
            "answers": {question.id: "UNICEF Supply Division, Copenhagen (demo answer)"
                        for question in program.questions if question.required},
            "prior_year_sales_won": PRIOR_YEAR_SALES_WON,
            "sales_evidence_ref": "financial statements 2025 (demo)"}


def seed():
    return ",".join(str(n) for n in sorted(random.sample(range(1, 46), 6)))


def partial(amount_won):
    """About 40% of an award, in whole thousands of won."""
    return amount_won * 2 // 5 // 1000 * 1000
