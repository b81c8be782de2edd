import json
from decimal import Decimal

from django.test import Client

from backend.finance.fund import gateway
from backend.finance.fund.models import Donation, Fund

from .conftest import RecordedStripeHTTP, recorded


def test_without_stripe_keys_the_page_says_giving_is_not_set_up(fund: Fund) -> None:
    page = Client().get("/fund/fondo-a/")
    assert page.status_code == 200
    html = page.content.decode()
    assert 'id="giving-off"' in html
    assert 'id="donate"' not in html
    assert Client().post("/fund/fondo-a/", {"amount": "50"}).status_code == 404
    assert not Donation.objects.exists()


def test_donating_opens_a_checkout_session_with_an_idempotency_key(
    fund: Fund, stripe_keys: None
) -> None:
    http = RecordedStripeHTTP(
        {"POST /v1/checkout/sessions": recorded("checkout_session_created.json")}
    )
    with gateway.using_http_client(http):
        resp = Client().post("/fund/fondo-a/", {"amount": "50", "email": "ana@example.org"})
    assert resp.status_code == 302
    assert resp["Location"].startswith("https://checkout.stripe.com/c/pay/cs_test_")
    donation = Donation.objects.get()
    assert (donation.amount, donation.status, donation.anonymous) == (
        Decimal("50.00"),
        "pending",
        False,
    )
    assert donation.stripe_session_id == "cs_test_a1B2c3D4e5F6g7H8i9J0kLmNoPqRsTuVwXyZ"
    (call,) = http.calls
    assert call["headers"]["Idempotency-Key"] == f"donation-{donation.public_id}"
    body = call["body"].decode() if isinstance(call["body"], bytes) else call["body"]
    assert "line_items[0][price_data][unit_amount]=5000" in body.replace("%5B", "[").replace(
        "%5D", "]"
    )
    assert f"metadata[donation_id]={donation.public_id}" in body.replace("%5B", "[").replace(
        "%5D", "]"
    )


def test_amount_out_of_bounds_is_refused_before_stripe(fund: Fund, stripe_keys: None) -> None:
    http = RecordedStripeHTTP({})
    with gateway.using_http_client(http):
        resp = Client().post(
            "/fund/fondo-a/", {"custom_amount": "9999999"}, headers={"Accept-Language": "en"}
        )
        too_precise = Client().post("/fund/fondo-a/", {"custom_amount": "10.555"})
    assert resp.status_code == 422
    assert "Give between PEN5.00 and PEN5,000.00." in resp.content.decode()
    assert too_precise.status_code == 422
    assert http.calls == []
    assert not Donation.objects.exists()


def test_stripe_failure_leaves_a_clear_message(fund: Fund, stripe_keys: None) -> None:
    with gateway.using_http_client(RecordedStripeHTTP({})):  # nothing recorded: Stripe answers 404
        resp = Client().post("/fund/fondo-a/", {"amount": "20"}, headers={"Accept-Language": "en"})
    assert resp.status_code == 503
    assert "could not be opened" in resp.content.decode()


def test_public_page_shows_progress_and_no_personal_data(fund: Fund, stripe_keys: None) -> None:
    Donation.objects.create(
        fund=fund,
        amount=Decimal(10),
        currency="PEN",
        giver_name="Secreta Persona",
        anonymous=False,
        giver_email="s@example.org",
    )
    html = Client().get("/fund/fondo-a/").content.decode()
    assert "Fondo semilla A" in html
    assert "Secreta" not in html
    assert "s@example.org" not in html
    assert json.dumps("x")  # the page renders without any login


def test_fund_title_is_in_the_visitors_language(fund: Fund) -> None:
    fund.title_en, fund.title_pt = "Seed fund A", "Fundo semente A"
    fund.save()
    for language, title in (
        ("es", "Fondo semilla A"),
        ("en", "Seed fund A"),
        ("pt-br", "Fundo semente A"),
    ):
        html = Client().get("/fund/fondo-a/", HTTP_ACCEPT_LANGUAGE=language).content.decode()
        assert f"<h1>{title}</h1>" in html, language
        assert f"<title>{title}" in html, language
