"""Pages write money, counts and percentages the reader's way, and read amounts typed that way."""

from decimal import Decimal

import pytest
from django.test import Client

from backend.finance.fund.models import Fund
from backend.finance.models import SavingsGoal
from backend.outcomes.present import cell_text, detail_rows
from tests.conftest import World

NBSP = "\xa0"
LANGUAGES = {"es": "es", "pt_BR": "pt-br", "en": "en"}


def _client(user: object, language: str) -> Client:
    client = Client()
    client.cookies["django_language"] = LANGUAGES[language]  # as the language switcher sets it
    client.force_login(user)  # type: ignore[arg-type]
    return client


def test_the_savings_form_reads_spanish_thousands_and_the_page_writes_them_back(
    world: World,
) -> None:
    person = world.participant_other  # programme B, in Colombian pesos
    client = _client(person, "es")
    made = client.post("/finance/savings/", {"name": "Nevera", "target_amount": "1.500.000"})
    assert made.status_code == 302
    goal = SavingsGoal.objects.get(user=person)
    assert goal.target_amount == Decimal("1500000")
    paid = client.post(
        "/finance/savings/", {"goal": goal.pk, "kind": "deposit", "amount": "250.000"}
    )
    assert paid.status_code == 302
    assert goal.movements.get().amount == Decimal("250000")

    pages = {
        lang: _client(person, lang).get("/finance/savings/").content.decode() for lang in LANGUAGES
    }
    assert "$250.000" in pages["es"]
    assert "$1.500.000" in pages["es"]
    assert "16,7%" in pages["es"]
    assert f"COP{NBSP}250.000" in pages["pt_BR"]
    assert "16,7%" in pages["pt_BR"]
    assert "COP250,000" in pages["en"]
    assert "COP1,500,000" in pages["en"]
    assert "16.7%" in pages["en"]
    for page in pages.values():
        assert "1500000" not in page
        assert "250000.00" not in page


def test_a_refused_amount_keeps_what_was_typed_next_to_its_box(world: World) -> None:
    person = world.participant_other
    client = _client(person, "es")
    client.post("/finance/savings/", {"name": "Nevera", "target_amount": "100.000"})
    goal = SavingsGoal.objects.get(user=person)
    refused = client.post(
        "/finance/savings/", {"goal": goal.pk, "kind": "deposit", "amount": "1e5"}
    )
    assert refused.status_code == 422
    page = refused.content.decode()
    assert f'id="amount-{goal.pk}" name="amount" inputmode="decimal" value="1e5"' in page
    assert f'id="amount-{goal.pk}-error"' in page


@pytest.mark.parametrize(
    ("language", "rate", "received"),
    [
        ("es", "23.918,", "$500.000"),
        ("pt_BR", "23.918,", f"COP{NBSP}500.000"),
        ("en", "23,918.", "COP500,000"),
    ],
)
def test_the_loan_tool_writes_the_rate_and_amounts_for_the_language(
    db: object, language: str, rate: str, received: str
) -> None:
    page = Client(headers={"Accept-Language": LANGUAGES[language]}).get(
        "/tools/credit-cost/",
        {"country": "CO", "amount_received": "500.000", "repayment": "25.000",
         "frequency": "daily", "payments": "24"},
    )  # fmt: skip
    text = page.content.decode()
    assert page.status_code == 200
    assert f"<strong>{rate}" in text
    assert received in text
    assert "500000.00" not in text
    assert "23918" not in text


@pytest.mark.parametrize(
    ("language", "goal"),
    [("es", f"S/{NBSP}10,000.00"), ("pt_BR", f"PEN{NBSP}10.000,00"), ("en", "PEN10,000.00")],
)
def test_the_public_fund_page_writes_its_goal_for_the_language(
    world: World, language: str, goal: str
) -> None:
    Fund.objects.create(
        programme=world.programme_a,
        slug="fondo-a",
        currency="PEN",
        goal=Decimal("10000.00"),
        title="Fondo semilla A",
        story_es="Historia",
        suggested_amounts=["20", "50"],
        min_donation=Decimal("5.00"),
        max_donation=Decimal("5000.00"),
    )
    page = Client(headers={"Accept-Language": LANGUAGES[language]}).get("/fund/fondo-a/")
    text = page.content.decode()
    assert page.status_code == 200
    assert goal in text
    assert "10000.00" not in text


def test_report_cells_and_details_are_written_for_the_language() -> None:
    from django.utils import translation

    details = {
        "by_currency": {"COP": {"sales": Decimal("30390000"), "ventures": 1204}},
        "eligible": 1500,
    }
    with translation.override("es"):
        assert cell_text({"value": 12345, "display": "12345"}) == "12.345"
        assert cell_text({"value": None, "display": "<5"}) == "<5"
        rows = dict(detail_rows("M4", details, 5) + detail_rows("M2", details, 5))
        assert "$30.390.000" in rows.values()
        assert "1.204" in rows.values()
        assert "1.500" in rows.values()
    with translation.override("en"):
        rows = dict(detail_rows("M4", details, 5))
        assert "COP30,390,000" in rows.values()
