"""A fund on programme A, a venture to grant to, Stripe keys, and recorded Stripe traffic."""

import datetime as dt
import hashlib
import hmac
import json
import time
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import stripe
from django.test import Client

from backend.finance.fund.models import Fund
from backend.ventures.models import Venture
from tests.conftest import World

RECORDED = Path(__file__).parent / "recorded"
WEBHOOK_SECRET = "whsec_test_secret_for_signing_recorded_events"


class RecordedStripeHTTP(stripe.HTTPClient):
    """Stands in for the network: answers Stripe API calls with recorded responses."""

    name = "recorded"

    def __init__(self, responses: dict[str, dict[str, Any]]) -> None:
        super().__init__()
        self.responses = responses
        self.calls: list[dict[str, Any]] = []

    def request(
        self, method: str, url: str, headers: Any, post_data: Any = None, **kwargs: Any
    ) -> Any:
        self.calls.append(
            {"method": method, "url": url, "headers": dict(headers or {}), "body": post_data}
        )
        path = url.split("api.stripe.com", 1)[-1].split("?", 1)[0]
        body = self.responses.get(f"{method.upper()} {path}")
        if body is None:
            return json.dumps({"error": {"message": "not recorded"}}), 404, {}
        return json.dumps(body), 200, {"request-id": "req_recorded"}

    def close(self) -> None:
        pass


def recorded(name: str) -> dict[str, Any]:
    return json.loads((RECORDED / name).read_text())


@pytest.fixture
def stripe_keys(settings: Any) -> None:
    settings.STRIPE_SECRET_KEY = "sk_test_recorded"
    settings.STRIPE_WEBHOOK_SECRET = WEBHOOK_SECRET


@pytest.fixture
def fund(world: World) -> Fund:
    return Fund.objects.create(
        programme=world.programme_a,
        slug="fondo-a",
        currency="PEN",
        goal=Decimal("10000.00"),
        title="Fondo semilla A",
        story_es="Historia",
        story_en="Story",
        story_pt="História",
        suggested_amounts=["20", "50", "100"],
        min_donation=Decimal("5.00"),
        max_donation=Decimal("5000.00"),
    )


def make_venture(owner: Any, programme: Any, name: str = "Bodega Ana") -> Venture:
    return Venture.objects.create(
        owner=owner,
        programme=programme,
        name=name,
        sector="G",
        country=programme.country,
        currency=programme.currency,
        started_on=dt.date(2025, 3, 1),
    )


@pytest.fixture
def venture(world: World) -> Venture:
    return make_venture(world.participant_a, world.programme_a)


def sign(payload: bytes, secret: str = WEBHOOK_SECRET, timestamp: int | None = None) -> str:
    ts = int(time.time()) if timestamp is None else timestamp
    mac = hmac.new(secret.encode(), f"{ts}.".encode() + payload, hashlib.sha256).hexdigest()
    return f"t={ts},v1={mac}"


def event(event_id: str, event_type: str, obj: dict[str, Any]) -> bytes:
    body = {
        "id": event_id,
        "object": "event",
        "api_version": "2025-09-30.clover",
        "created": 1795000100,
        "livemode": False,
        "pending_webhooks": 1,
        "type": event_type,
        "data": {"object": obj},
        "request": {"id": None, "idempotency_key": None},
    }
    return json.dumps(body).encode()


def post_event(payload: bytes, signature: str | None = "sign") -> Any:
    headers = {}
    if signature == "sign":
        headers["Stripe-Signature"] = sign(payload)
    elif signature is not None:
        headers["Stripe-Signature"] = signature
    return Client().post(
        "/webhooks/stripe/", data=payload, content_type="application/json", headers=headers
    )
