"""The only place that talks to Stripe. Tests give it a fake HTTP client, nothing else."""

import contextlib
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import stripe
from django.conf import settings

# Currencies Stripe counts in whole units; every other one in hundredths.
ZERO_DECIMAL = frozenset(
    {"BIF", "CLP", "DJF", "GNF", "JPY", "KMF", "KRW", "MGA", "PYG", "RWF", "UGX", "VND", "VUV"}
    | {"XAF", "XOF", "XPF"}
)

_http_client: stripe.HTTPClient | None = None


def configured() -> bool:
    return bool(settings.STRIPE_SECRET_KEY and settings.STRIPE_WEBHOOK_SECRET)


@contextlib.contextmanager
def using_http_client(client: stripe.HTTPClient) -> Iterator[None]:
    """Routes Stripe calls through another HTTP client (tests: recorded answers)."""
    global _http_client
    previous, _http_client = _http_client, client
    try:
        yield
    finally:
        _http_client = previous


def client() -> stripe.StripeClient:
    return stripe.StripeClient(
        settings.STRIPE_SECRET_KEY, http_client=_http_client, max_network_retries=2
    )


def to_stripe(amount: Decimal, currency: str) -> int:
    factor = 1 if currency.upper() in ZERO_DECIMAL else 100
    return int((amount * factor).to_integral_value())


def from_stripe(units: int, currency: str) -> Decimal:
    factor = 1 if currency.upper() in ZERO_DECIMAL else 100
    return Decimal(units) / factor


def create_checkout_session(
    *,
    donation_id: str,
    amount: Decimal,
    currency: str,
    title: str,
    language: str,
    email: str,
    success_url: str,
    cancel_url: str,
) -> Any:
    metadata = {"donation_id": donation_id}
    params: dict[str, Any] = {
        "mode": "payment",
        "client_reference_id": donation_id,
        "success_url": success_url,
        "cancel_url": cancel_url,
        "locale": {"pt-br": "pt-BR"}.get(language, language),
        "metadata": metadata,
        "payment_intent_data": {"metadata": metadata},
        "submit_type": "donate",
        "line_items": [
            {
                "quantity": 1,
                "price_data": {
                    "currency": currency.lower(),
                    "unit_amount": to_stripe(amount, currency),
                    "product_data": {"name": title},
                },
            }
        ],
    }
    if email:
        params["customer_email"] = email
    # The key is derived from the donation, so a retried request can never charge twice.
    # The params are built as a plain dict; Stripe's TypedDict cannot follow the nested shape.
    options = {"idempotency_key": f"donation-{donation_id}"}
    return client().v1.checkout.sessions.create(params, options)  # type: ignore[arg-type]
