"""The owner's books in the portal ("Mi negocio"), as plain forms without JavaScript."""

import datetime as dt
import json
import re
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from backend.ventures.models import Kind, LedgerEntry, Venture
from tests.conftest import World

from .conftest import make_venture, record


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    client.cookies["django_language"] = "es"
    return client


@pytest.fixture
def maria(world: World) -> Client:
    return _client(world.participant_a)


def _sell(client: Client, venture: Venture, **fields: str) -> Any:
    data = {"amount": "15", "pay": "cash", "kind": "sale"} | fields
    return client.post(f"/business/{venture.pk}/entries/new/", data)


def test_a_participant_registers_her_business_in_her_programmes_currency(
    world: World, maria: Client
) -> None:
    resp = maria.get("/business/new/")
    assert resp.status_code == 200
    assert "PEN" in resp.content.decode()
    resp = maria.post(
        "/business/new/",
        {"name": "Arepas Doña Ana", "sector": "I", "programme": world.programme_a.pk,
         "started_on": "2025-03-01"},
    )  # fmt: skip
    venture = Venture.objects.get(owner=world.participant_a)
    assert resp.status_code == 302
    assert resp["Location"] == f"/business/{venture.pk}/"
    assert (venture.name, venture.currency, venture.programme) == (
        "Arepas Doña Ana", "PEN", world.programme_a,
    )  # fmt: skip
    # A second business is allowed; the list then shows both.
    maria.post("/business/new/", {"name": "Costura", "sector": "C", "started_on": "2025-03-01"})
    page = maria.get("/business/").content.decode()
    assert "Arepas Doña Ana" in page
    assert "Costura" in page


def test_a_business_without_a_name_is_refused_next_to_the_field(maria: Client) -> None:
    resp = maria.post("/business/new/", {"name": " ", "sector": "I"})
    assert resp.status_code == 422
    assert 'id="name-error"' in resp.content.decode()
    assert not Venture.objects.exists()


def test_amounts_typed_the_local_way_are_understood(world: World) -> None:
    # Colombia groups thousands with dots: "1.500.000" is a million and a half pesos.
    bogota = make_venture(world.participant_other, world.programme_b, name="Tienda")
    resp = _sell(_client(world.participant_other), bogota, amount="1.500.000")
    assert resp.status_code == 302
    assert LedgerEntry.objects.get(venture=bogota).amount == Decimal("1500000")


def test_cash_wallet_expense_and_credit_entries_land_in_the_ledger(
    world: World, maria: Client, venture_a: Venture
) -> None:
    assert _sell(maria, venture_a, amount="1,500.50").status_code == 302
    assert _sell(maria, venture_a, amount="20", pay="yape").status_code == 302
    assert (
        _sell(maria, venture_a, amount="7.5", kind="expense", category="stock").status_code == 302
    )
    assert _sell(maria, venture_a, amount="40", pay="customer_credit", customer="Rosa").status_code
    rows = LedgerEntry.objects.filter(venture=venture_a).order_by("received_at")
    got = [(e.kind, e.amount, e.payment_method, e.wallet, e.category, e.note) for e in rows]
    assert got == [
        ("sale", Decimal("1500.50"), "cash", "", "", ""),
        ("sale", Decimal("20.00"), "mobile_wallet", "yape", "", ""),
        ("expense", Decimal("7.50"), "cash", "", "stock", ""),
        ("sale", Decimal("40.00"), "customer_credit", "", "", "Rosa"),
    ]
    # The date is today where the programme runs.
    assert {e.occurred_on for e in rows} == {world.programme_a.today()}
    home = maria.get(f"/business/{venture_a.pk}/").content.decode()
    today_row = re.search(r'id="totals-today".*?</tr>', home, re.S)
    assert today_row is not None
    # Sales 1,560.50; expenses 7.50; left 1,553.00 (Peru writes soles with a decimal point).
    assert "1,560.50" in today_row.group(0)
    assert "7.50" in today_row.group(0)
    assert "1,553.00" in today_row.group(0)
    assert "<svg" in home
    assert "Clientes que me deben" in home


def test_a_sale_on_credit_needs_the_customers_name(maria: Client, venture_a: Venture) -> None:
    resp = _sell(maria, venture_a, pay="customer_credit")
    assert resp.status_code == 422
    assert 'id="customer-error"' in resp.content.decode()
    assert not LedgerEntry.objects.exists()


def test_an_unreadable_amount_is_refused_next_to_its_field(
    maria: Client, venture_a: Venture
) -> None:
    resp = _sell(maria, venture_a, amount="quince")
    assert resp.status_code == 422
    page = resp.content.decode()
    assert 'id="amount-error"' in page
    assert "cifras" in page
    assert 'value="quince"' in page  # what was typed stays there to correct


def test_the_same_form_sent_twice_records_one_sale(maria: Client, venture_a: Venture) -> None:
    _sell(maria, venture_a, entry_id="form-1")
    resp = _sell(maria, venture_a, entry_id="form-1")
    assert resp.status_code == 302
    assert LedgerEntry.objects.filter(venture=venture_a).count() == 1


def test_customers_who_owe_are_listed_by_amount_and_repay(
    world: World, maria: Client, venture_a: Venture
) -> None:
    today = world.programme_a.today()
    record(venture_a, "c1", "30.00", payment_method="customer_credit", note="Rosa",
           occurred_on=today - dt.timedelta(days=10))  # fmt: skip
    record(venture_a, "c2", "80.00", payment_method="customer_credit", note="Luis",
           occurred_on=today - dt.timedelta(days=2))  # fmt: skip
    record(venture_a, "c3", "20.00", payment_method="customer_credit", note="rosa ",
           occurred_on=today - dt.timedelta(days=1))  # fmt: skip
    page = maria.get(f"/business/{venture_a.pk}/credit/").content.decode()
    assert page.index("Luis") < page.index("Rosa")  # 80 before 50
    assert "S/\xa050.00" in page or "S/ 50.00" in page
    by_age = maria.get(f"/business/{venture_a.pk}/credit/?order=age").content.decode()
    assert by_age.index("Rosa") < by_age.index("Luis")  # owed for 10 days, then 2
    too_much = maria.post(
        f"/business/{venture_a.pk}/credit/", {"customer": "Rosa", "amount": "60", "pay": "cash"}
    )
    assert too_much.status_code == 422
    assert not LedgerEntry.objects.filter(kind=Kind.REPAYMENT).exists()
    resp = maria.post(
        f"/business/{venture_a.pk}/credit/",
        {"customer": "Rosa", "amount": "30", "pay": "yape", "entry_id": "r1"},
    )
    assert resp.status_code == 302
    repayment = LedgerEntry.objects.get(kind=Kind.REPAYMENT)
    assert (repayment.amount, repayment.note, repayment.wallet) == (
        Decimal("30.00"),
        "Rosa",
        "yape",
    )
    page = maria.get(f"/business/{venture_a.pk}/credit/").content.decode()
    # Rosa's oldest credit (30) is settled: she owes the later 20 since yesterday.
    assert "20.00" in page
    assert "(1 día)" in page


def test_voiding_keeps_the_entry_struck_through_and_offers_it_again(
    maria: Client, venture_a: Venture
) -> None:
    _sell(maria, venture_a, amount="99", pay="plin", entry_id="wrong")
    form = maria.get(f"/business/{venture_a.pk}/entries/wrong/void/")
    assert form.status_code == 200
    assert maria.post(f"/business/{venture_a.pk}/entries/wrong/void/", {}).status_code == 422
    resp = maria.post(f"/business/{venture_a.pk}/entries/wrong/void/", {"reason": "Era 9"})
    assert resp.status_code == 302
    assert "amount=99.00" in resp["Location"]
    assert "pay=plin" in resp["Location"]
    again = maria.get(resp["Location"]).content.decode()
    assert 'value="99.00"' in again
    entry = LedgerEntry.objects.get(sync_id="wrong")
    assert entry.voided_at is not None
    assert entry.void_reason == "Era 9"
    ledger = maria.get(f"/business/{venture_a.pk}/entries/").content.decode()
    assert re.search(r'class="entry sale voided".*?<s>', ledger, re.S)
    assert "Anulada: Era 9" in ledger or "Anulado: Era 9" in ledger
    home = maria.get(f"/business/{venture_a.pk}/").content.decode()
    today_row = re.search(r'id="totals-today".*?</tr>', home, re.S)
    assert today_row is not None
    assert "99" not in today_row.group(0)


def test_nobody_else_sees_or_writes_in_her_books(world: World, venture_a: Venture) -> None:
    record(venture_a, "mine")
    for user in (world.participant_b, world.manager, world.trainer, world.donor):
        client = _client(user)
        for path in ("", "entries/", "credit/", "entries/new/", "edit/", "record.pdf",
                     "entries/mine/void/"):  # fmt: skip
            assert client.get(f"/business/{venture_a.pk}/{path}").status_code == 404, (user, path)
        assert _sell(client, venture_a).status_code == 404
    assert LedgerEntry.objects.count() == 1


def test_the_business_record_downloads_as_a_pdf(maria: Client, venture_a: Venture) -> None:
    record(venture_a, "s1", "25.00")
    resp = maria.get(f"/business/{venture_a.pk}/record.pdf")
    assert resp.status_code == 200
    assert resp["Content-Type"] == "application/pdf"
    assert resp.content.startswith(b"%PDF")


def _queries(client: Client, path: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        resp = client.get(path)
    assert resp.status_code == 200
    return len(ctx.captured_queries)


def test_home_and_ledger_cost_the_same_for_few_or_many_entries(
    maria: Client, venture_a: Venture
) -> None:
    for i in range(3):
        record(venture_a, f"a{i}", occurred_on=dt.date(2025, 1 + i, 5))
    few = (_queries(maria, f"/business/{venture_a.pk}/"),
           _queries(maria, f"/business/{venture_a.pk}/entries/"))  # fmt: skip
    for i in range(40):
        record(venture_a, f"b{i}", payment_method="card", occurred_on=dt.date(2025, 1 + i % 12, 9))
    many = (_queries(maria, f"/business/{venture_a.pk}/"),
            _queries(maria, f"/business/{venture_a.pk}/entries/"))  # fmt: skip
    assert few == many
    assert many[0] <= 12
    assert many[1] <= 10


def test_the_api_create_takes_the_portal_session_with_its_csrf_token(
    world: World, venture_a: Venture
) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.participant_a)
    page = client.get(f"/business/{venture_a.pk}/").content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    assert token is not None
    body = json.dumps({"id": "off-1", "kind": "sale", "amount": "12.50",
                       "occurred_on": world.programme_a.today().isoformat(),
                       "payment_method": "cash"})  # fmt: skip
    url = f"/api/v1/ventures/{venture_a.pk}/entries"
    refused = client.post(url, body, content_type="application/json")
    assert refused.status_code == 403  # a cookie alone could be another site's doing
    headers = {"X-CSRFToken": token.group(1)}
    first = client.post(url, body, content_type="application/json", headers=headers)
    again = client.post(url, body, content_type="application/json", headers=headers)
    assert (first.status_code, again.status_code) == (201, 200)
    assert LedgerEntry.objects.filter(venture=venture_a).count() == 1
    # Without a session at all, the API still answers as before.
    anonymous = Client().post(url, body, content_type="application/json")
    assert anonymous.status_code == 401


def test_the_installable_app_files_are_served_under_business(client: Client) -> None:
    worker = client.get("/business/sw.js")
    assert worker.status_code == 200
    assert worker["Content-Type"].startswith("text/javascript")
    assert "ventures/books.js" in worker.content.decode()
    manifest = json.loads(client.get("/business/manifest.webmanifest").content)
    assert manifest["scope"] == "/business/"
    assert manifest["display"] == "standalone"


def test_home_links_my_business(maria: Client) -> None:
    assert 'href="/business/"' in maria.get("/").content.decode()


def test_the_books_speak_portuguese_and_english(world: World, venture_a: Venture) -> None:
    client = _client(world.participant_a)
    for language, words in (("pt-br", ("Meu negócio", "Venda", "Despesa", "Hoje")),
                            ("en", ("My business", "Sale", "Expense", "Today"))):  # fmt: skip
        client.cookies["django_language"] = language
        page = client.get(f"/business/{venture_a.pk}/").content.decode()
        for word in words:
            assert word in page, (language, word)
