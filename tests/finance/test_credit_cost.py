"""The credit-cost tool against cases worked out by hand.

Notation: P received, A each repayment, n repayments, r the rate per period, m periods a
year. r solves P = A * (1 - (1 + r)^-n) / r; the effective annual rate is (1 + r)^m - 1.
"""

import datetime as dt
import math
from decimal import Decimal

import pytest
from django.test import Client

from backend.finance.credit import loan_cost, periodic_rate
from backend.finance.models import ReferenceRate
from tests.conftest import ApiClient

TOOL = "finance/credit-cost"


def _post(body: dict[str, object], language: str | None = None) -> dict[str, object]:
    resp = ApiClient(None, language=language).post(TOOL, body)
    assert resp.status_code == 200, resp.content
    return resp.json()


def test_one_repayment_of_110_for_100_is_ten_percent(db: object) -> None:
    # By hand: 1000 = 1100 / (1 + r)  =>  r = 0.10 exactly.
    # Monthly: (1.10)^12 = 3.138428376721  =>  213.84% a year.
    body = _post({"country": "PE", "amount_received": "1000", "repayment": "1100",
                  "frequency": "monthly", "payments": 1})  # fmt: skip
    assert body["periodic_rate_percent"] == "10.0000"
    assert body["effective_annual_rate_percent"] == "213.84"
    assert (body["total_repaid"], body["total_cost"], body["cost_share_percent"]) == (
        "1100.00", "100.00", "10.00",
    )  # fmt: skip


def test_two_monthly_repayments_match_the_quadratic(db: object) -> None:
    # By hand, with v = 1 / (1 + r): 1000 = 600 v + 600 v^2, so 600 v^2 + 600 v - 1000 = 0
    #   v = (-600 + sqrt(600^2 + 4 * 600 * 1000)) / (2 * 600)
    #     = (-600 + sqrt(2,760,000)) / 1200 = (-600 + 1661.3248) / 1200 = 0.8844373
    #   r = 1 / v - 1 = 0.1306624  =>  13.0662% a month
    #   (1.1306624)^12 - 1 = 3.36511  =>  336.51% a year
    v = (-600 + math.sqrt(600**2 + 4 * 600 * 1000)) / 1200
    r = 1 / v - 1
    assert round(r, 6) == 0.130662
    body = _post({"country": "PE", "amount_received": "1000", "repayment": "600",
                  "frequency": "monthly", "payments": 2})  # fmt: skip
    assert body["periodic_rate_percent"] == f"{r * 100:.4f}" == "13.0662"
    assert body["effective_annual_rate_percent"] == f"{((1 + r) ** 12 - 1) * 100:.2f}"
    assert body["effective_annual_rate_percent"] == "336.51"


def test_a_gota_a_gota_loan_of_24_daily_payments_shows_as_extreme(db: object) -> None:
    # Receive 500,000 COP, repay 24 x 25,000 = 600,000 ("20%"), one payment a day.
    # The annuity factor must be P / A = 500,000 / 25,000 = 20.
    # By hand at r = 0.0151308:  ln(1.0151308) = 0.0150175;  x 24 = 0.360420;
    #   (1.0151308)^-24 = e^-0.360420 = 0.697385;  (1 - 0.697385) / 0.0151308 = 20.0000. ✓
    # Every day (m = 365):      (1.0151308)^365 = e^(365 x 0.0150175) = e^5.48139 = 240.18
    #                           => 23,918% a year.
    # Monday to Saturday (313): e^(313 x 0.0150175) = e^4.70048 = 110.00  => 10,900% a year.
    r = Decimal("0.0151308")
    assert abs(25000 * (1 - (1 + r) ** -24) / r - 500000) < 5
    body = _post({"country": "CO", "amount_received": "500000", "repayment": "25000",
                  "frequency": "daily", "payments": 24})  # fmt: skip
    assert body["currency"] == "COP"
    assert body["periodic_rate_percent"] == "1.5131"
    assert body["cost_share_percent"] == "20.00"
    assert body["total_cost"] == "100000"
    assert Decimal(body["effective_annual_rate_percent"]) == pytest.approx(
        Decimal(23918), rel=Decimal("0.001")
    )
    six_days = _post({"country": "CO", "amount_received": "500000", "repayment": "25000",
                      "frequency": "daily_except_sunday", "payments": 24})  # fmt: skip
    assert six_days["periods_per_year"] == 313
    assert Decimal(six_days["effective_annual_rate_percent"]) == pytest.approx(
        Decimal(10900), rel=Decimal("0.001")
    )


@pytest.mark.parametrize(
    ("payments", "repayment", "daily_rate", "annual_percent"),
    [
        # 24 x 25,000: factor 20, worked out above.
        (24, 25000, Decimal("0.0151308"), Decimal(23918)),
        # 26 x 22,000 = 572,000: factor 500,000 / 22,000 = 22.7273. At r = 0.0102331:
        #   ln(1.0102331) = 0.0101811; x 26 = 0.264709; e^-0.264709 = 0.767440;
        #   (1 - 0.767440) / 0.0102331 = 22.7262 ≈ 22.727 ✓.  e^(365 x 0.0101811) = 41.10
        #   => 4,010% a year.
        (26, 22000, Decimal("0.0102331"), Decimal(4010)),
        # 30 x 20,000 = 600,000: factor 25. At r = 0.0121908:
        #   ln(1.0121908) = 0.0121171; x 30 = 0.363514; e^-0.363514 = 0.695201;
        #   (1 - 0.695201) / 0.0121908 = 25.0024 ≈ 25 ✓.  e^(365 x 0.0121171) = 83.32
        #   => 8,232% a year.
        (30, 20000, Decimal("0.0121908"), Decimal(8232)),
    ],
)
def test_daily_repayment_over_24_to_30_days(
    payments: int, repayment: int, daily_rate: Decimal, annual_percent: Decimal
) -> None:
    cost = loan_cost(
        received=Decimal(500000), repayment=Decimal(repayment), payments=payments,
        frequency="daily",
    )  # fmt: skip
    assert cost.periodic_rate == pytest.approx(daily_rate, abs=Decimal("0.0000002"))
    assert cost.effective_annual_rate * 100 == pytest.approx(annual_percent, rel=Decimal("0.002"))
    # and the rate found really solves the annuity equation
    r = cost.periodic_rate
    assert abs(repayment * (1 - (1 + r) ** -payments) / r - 500000) < Decimal("0.000001")


def test_weekly_repayments_compound_52_times(db: object) -> None:
    # 4 weekly payments of 300 for 1,000 received: factor 1000 / 300 = 3.33333.
    # By hand at r = 0.0771385: (1.0771385)^2 = 1.160227; ^2 = 1.346127; 1 / 1.346127 = 0.742872;
    #   (1 - 0.742872) / 0.0771385 = 3.33334 ✓.  (1.0771385)^52 - 1 = 46.656  => 4,665.6% a year.
    cost = loan_cost(received=Decimal(1000), repayment=Decimal(300), payments=4, frequency="weekly")
    r = cost.periodic_rate
    assert abs(300 * (1 - (1 + r) ** -4) / r - 1000) < Decimal("1e-20")
    assert round(float(r), 7) == 0.0771385
    assert cost.effective_annual_rate * 100 == pytest.approx(Decimal("4665.6"), abs=Decimal("0.1"))


def test_the_solver_refuses_a_loan_that_costs_nothing() -> None:
    with pytest.raises(ValueError, match="more than"):
        periodic_rate(Decimal(100), Decimal(50), 2)


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"repayment": "20000", "payments": 24}, "repayment"),  # repays 480,000 < 500,000
        ({"repayment": "25000", "payments": 20}, "repayment"),  # repays exactly 500,000
        ({"repayment": "25000", "payments": 0}, "payments"),
        ({"repayment": "25000", "payments": -3}, "payments"),
        ({"repayment": "0", "payments": 24}, "repayment"),
        ({"repayment": "25000.5", "payments": 24}, "repayment"),  # COP has no cents
    ],
)
def test_inputs_with_no_solution_are_a_clear_422(
    db: object, body: dict[str, object], field: str
) -> None:
    full = {"country": "CO", "amount_received": "500000", "frequency": "daily", **body}
    resp = ApiClient(None).post(TOOL, full)
    assert resp.status_code == 422
    error = resp.json()["error"]
    assert error["fields"][0]["loc"] == ["body", field]
    assert error["message"]


def test_the_no_solution_message_is_translated(db: object) -> None:
    body = {"country": "CO", "amount_received": "500000", "frequency": "daily",
            "repayment": "20000", "payments": 24}  # fmt: skip
    spanish = ApiClient(None, language="es").post(TOOL, body).json()["error"]["message"]
    english = ApiClient(None, language="en").post(TOOL, body).json()["error"]["message"]
    assert "480000" in english
    assert "500000" in english
    assert spanish != english
    assert "pagarías" in spanish


def test_the_result_is_compared_with_the_countrys_reference_rates(db: object) -> None:
    ReferenceRate.objects.create(
        country="CO", name="Usury ceiling (sample)", annual_rate=Decimal("40.00"),
        source="Sample source", as_of=dt.date(2025, 1, 1), is_sample=True,
    )  # fmt: skip
    ReferenceRate.objects.create(
        country="CO", name="Usury ceiling (sample)", annual_rate=Decimal("50.00"),
        source="Sample source", as_of=dt.date(2026, 1, 1), is_sample=True,
    )  # fmt: skip
    ReferenceRate.objects.create(
        country="CO", name="Usury ceiling (sample)", annual_rate=Decimal("99.00"),
        source="Not in force yet", as_of=dt.date(2999, 1, 1), is_sample=True,
    )  # fmt: skip
    ReferenceRate.objects.create(
        country="PE", name="Other country", annual_rate=Decimal("30"), source="x",
        as_of=dt.date(2026, 1, 1),
    )  # fmt: skip
    body = _post({"country": "CO", "amount_received": "500000", "repayment": "25000",
                  "frequency": "daily", "payments": 24})  # fmt: skip
    [ref] = body["references"]  # type: ignore[misc]
    assert ref["annual_rate_percent"] == "50"  # the newest value only
    assert ref["is_sample"] is True
    assert Decimal(ref["times_reference"]) == pytest.approx(Decimal("478.4"), abs=Decimal("0.5"))


def test_the_web_page_works_without_signing_in(db: object) -> None:
    page = Client().get("/tools/credit-cost/")
    assert page.status_code == 200
    assert "amount_received" in page.content.decode()
    result = Client().get(
        "/tools/credit-cost/",
        {"country": "CO", "amount_received": "500.000", "repayment": "25.000",
         "frequency": "daily", "payments": "24"},
    )  # fmt: skip
    text = result.content.decode()
    assert result.status_code == 200
    assert "23.918" in text  # the rate, written the Spanish way
    assert "$100.000" in text


def test_the_web_page_explains_bad_input_next_to_the_field(db: object) -> None:
    result = Client().get(
        "/tools/credit-cost/",
        {"country": "CO", "amount_received": "500000", "repayment": "25000",
         "frequency": "daily", "payments": "0"},
        headers={"Accept-Language": "en"},
    )  # fmt: skip
    assert result.status_code == 200
    assert "at least one" in result.content.decode()
