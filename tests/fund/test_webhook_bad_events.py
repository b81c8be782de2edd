"""Signed events Stripe could send that cannot be applied: acknowledged and recorded, never a
server error (Stripe would resend a 500 for days), and nothing written from them."""

import json
import time
from typing import Any

import pytest
from django.test import Client

from backend.finance.fund.models import Fund, FundEntry, StripeEvent

from .conftest import event, post_event, sign
from .test_webhook import make_donation


def _post(payload: bytes) -> Any:
    return Client(raise_request_exception=False).post(
        "/webhooks/stripe/",
        data=payload,
        content_type="application/json",
        headers={"Stripe-Signature": sign(payload)},
    )


@pytest.mark.usefixtures("stripe_keys")
@pytest.mark.parametrize(
    ("event_type", "obj"),
    [
        ("checkout.session.completed", {"payment_status": "paid", "metadata": {"donation_id": 1}}),
        ("charge.refunded", {"metadata": {"donation_id": "DONATION"}, "amount_refunded": 100}),
        ("charge.refunded", {"amount_refunded": "abc"}),
        ("charge.dispute.created", {"amount": 500}),
        ("charge.dispute.closed", {"status": "won"}),
        ("checkout.session.completed", {"payment_status": "paid", "metadata": ["a", "list"]}),
    ],
    ids=["non-uuid donation", "non-uuid refund", "text refund total", "dispute without id",
         "closed dispute without id", "metadata a list"],
)  # fmt: skip
def test_an_unusable_signed_event_is_acknowledged_and_recorded(
    fund: Fund, event_type: str, obj: dict[str, Any]
) -> None:
    donation = make_donation(fund)
    obj = {"object": "x", **obj}
    if "metadata" not in obj:
        obj["metadata"] = {"donation_id": str(donation.public_id)}
    resp = _post(event("evt_bad_1", event_type, obj))
    assert resp.status_code == 200, resp.content
    assert resp.json() == {"received": True, "applied": False}
    stored = StripeEvent.objects.get(event_id="evt_bad_1")
    assert stored.problem
    assert not FundEntry.objects.exists()
    # A resend is a duplicate like any other.
    assert _post(event("evt_bad_1", event_type, obj)).json()["duplicate"] is True


@pytest.mark.usefixtures("stripe_keys")
@pytest.mark.parametrize("body", [b"[1, 2, 3]", b'"text"', b"42", b'{"id": "evt_x", "data": []}'])
def test_a_signed_body_that_is_not_an_event_is_400(fund: Fund, body: bytes) -> None:
    resp = _post(body)
    assert resp.status_code == 400
    assert resp.json()["error"]["code"] == "invalid_webhook"
    assert not StripeEvent.objects.exists()


@pytest.mark.usefixtures("stripe_keys")
def test_a_signature_from_the_future_is_refused(fund: Fund) -> None:
    donation = make_donation(fund)
    payload = event(
        "evt_future",
        "checkout.session.completed",
        {"payment_status": "paid", "metadata": {"donation_id": str(donation.public_id)}},
    )
    ahead = sign(payload, timestamp=int(time.time()) + 3600)
    resp = post_event(payload, signature=ahead)
    assert resp.status_code == 400
    assert "future" in json.loads(resp.content)["error"]["message"]
    assert not StripeEvent.objects.exists()
    # A minute of clock difference is fine.
    assert (
        post_event(payload, signature=sign(payload, timestamp=int(time.time()) + 60)).status_code
        == 200
    )
