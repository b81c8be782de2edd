import threading
import time
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection

from backend.finance.fund.models import Donation, Fund, FundEntry, StripeEvent
from backend.finance.fund.services import balance

from .conftest import event, post_event, sign


def make_donation(fund: Fund, amount: str = "50.00", email: str = "") -> Donation:
    return Donation.objects.create(
        fund=fund,
        amount=Decimal(amount),
        currency="PEN",
        giver_email=email,
        stripe_session_id=f"cs_test_{amount}_{email}",
    )


def completed(d: Donation, event_id: str = "evt_completed_1") -> bytes:
    session = {
        "id": d.stripe_session_id,
        "object": "checkout.session",
        "amount_total": int(d.amount * 100),
        "currency": "pen",
        "client_reference_id": str(d.public_id),
        "metadata": {"donation_id": str(d.public_id)},
        "payment_intent": "pi_test_123",
        "payment_status": "paid",
        "status": "complete",
    }
    return event(event_id, "checkout.session.completed", session)


def refunded(d: Donation, total_cents: int, event_id: str) -> bytes:
    charge = {
        "id": "ch_test_1",
        "object": "charge",
        "amount": int(d.amount * 100),
        "amount_refunded": total_cents,
        "currency": "pen",
        "payment_intent": "pi_test_123",
        "metadata": {"donation_id": str(d.public_id)},
        "refunded": total_cents >= int(d.amount * 100),
    }
    return event(event_id, "charge.refunded", charge)


@pytest.mark.usefixtures("stripe_keys")
class TestSignature:
    def test_bad_missing_and_stale_signatures_are_refused(self, fund: Fund) -> None:
        d = make_donation(fund)
        payload = completed(d)
        assert post_event(payload, signature="t=1,v1=deadbeef").status_code == 400
        assert post_event(payload, signature=None).status_code == 400
        stale = sign(payload, timestamp=int(time.time()) - 3600)
        resp = post_event(payload, signature=stale)
        assert resp.status_code == 400
        assert resp.json()["error"]["code"] == "invalid_webhook"
        assert StripeEvent.objects.count() == 0
        assert FundEntry.objects.count() == 0

    def test_not_configured_is_refused(self, fund: Fund, settings: Any) -> None:
        settings.STRIPE_WEBHOOK_SECRET = ""
        assert post_event(completed(make_donation(fund))).status_code == 400


@pytest.mark.usefixtures("stripe_keys")
class TestEffects:
    def test_paid_checkout_credits_the_fund_and_emails_a_pdf_receipt(
        self, fund: Fund, mailoutbox: list[Any], django_capture_on_commit_callbacks: Any
    ) -> None:
        d = make_donation(fund, email="ana@example.org")
        with django_capture_on_commit_callbacks(execute=True):
            assert post_event(completed(d)).status_code == 200
        d.refresh_from_db()
        assert (d.status, d.paid) == ("paid", True)
        assert balance(fund) == Decimal("50.00")
        (mail,) = mailoutbox
        assert mail.to == ["ana@example.org"]
        _name, content, mimetype = mail.attachments[0]
        assert mimetype == "application/pdf"
        assert content.startswith(b"%PDF")
        assert d.receipt_sent_at is not None

    def test_the_same_event_five_times_has_one_effect(self, fund: Fund) -> None:
        d = make_donation(fund)
        payload = completed(d)
        answers = [post_event(payload).json() for _ in range(5)]
        assert answers[0] == {"received": True}
        assert all(a.get("duplicate") for a in answers[1:])
        assert FundEntry.objects.filter(kind="donation").count() == 1
        assert balance(fund) == Decimal("50.00")

    def test_refund_before_payment_still_ends_refunded(self, fund: Fund) -> None:
        d = make_donation(fund)
        assert post_event(refunded(d, 5000, "evt_refund_early")).status_code == 200
        assert post_event(completed(d)).status_code == 200
        d.refresh_from_db()
        assert d.status == "refunded"
        assert balance(fund) == Decimal("0.00")

    def test_partial_refund_then_full_refund(self, fund: Fund) -> None:
        d = make_donation(fund)
        post_event(completed(d))
        post_event(refunded(d, 2000, "evt_refund_partial"))
        d.refresh_from_db()
        assert (d.status, d.amount_refunded) == ("partially_refunded", Decimal("20.00"))
        assert balance(fund) == Decimal("30.00")
        post_event(refunded(d, 1000, "evt_refund_older_total"))  # an older total arriving late
        assert balance(fund) == Decimal("30.00")
        post_event(refunded(d, 5000, "evt_refund_full"))
        d.refresh_from_db()
        assert d.status == "refunded"
        assert balance(fund) == Decimal("0.00")

    def test_dispute_withdraws_and_a_won_dispute_restores(self, fund: Fund) -> None:
        d = make_donation(fund)
        post_event(completed(d))
        dispute = {
            "id": "dp_test_1",
            "object": "dispute",
            "amount": 5000,
            "currency": "pen",
            "payment_intent": "pi_test_123",
            "status": "needs_response",
            "metadata": {},
        }
        post_event(event("evt_dispute_1", "charge.dispute.created", dispute))
        d.refresh_from_db()
        assert d.status == "disputed"
        assert balance(fund) == Decimal("0.00")
        post_event(event("evt_dispute_2", "charge.dispute.closed", {**dispute, "status": "won"}))
        d.refresh_from_db()
        assert d.status == "paid"
        assert balance(fund) == Decimal("50.00")

    def test_async_payment_failure_and_success(self, fund: Fund) -> None:
        d = make_donation(fund)
        session = {
            "id": d.stripe_session_id,
            "object": "checkout.session",
            "payment_status": "unpaid",
            "client_reference_id": str(d.public_id),
            "metadata": {"donation_id": str(d.public_id)},
            "payment_intent": "pi_test_9",
        }
        post_event(event("evt_async_1", "checkout.session.completed", session))
        d.refresh_from_db()
        assert d.status == "processing"
        assert balance(fund) == 0
        post_event(
            event(
                "evt_async_2",
                "checkout.session.async_payment_succeeded",
                {**session, "payment_status": "paid"},
            )
        )
        d.refresh_from_db()
        assert d.status == "paid"
        other = make_donation(fund, amount="20.00")
        failed = {
            **session,
            "id": other.stripe_session_id,
            "client_reference_id": str(other.public_id),
            "metadata": {"donation_id": str(other.public_id)},
        }
        post_event(event("evt_async_3", "checkout.session.async_payment_failed", failed))
        other.refresh_from_db()
        assert other.status == "failed"

    def test_unknown_event_types_are_acknowledged_and_ignored(self, fund: Fund) -> None:
        resp = post_event(
            event("evt_unknown", "customer.created", {"id": "cus_1", "object": "customer"})
        )
        assert resp.status_code == 200
        assert StripeEvent.objects.filter(event_id="evt_unknown").exists()
        assert FundEntry.objects.count() == 0


@pytest.mark.django_db(transaction=True)
def test_the_same_event_five_times_at_once_has_one_effect(
    world: Any, fund: Fund, stripe_keys: None
) -> None:
    d = make_donation(fund)
    payload = completed(d, "evt_concurrent")
    statuses: list[int] = []

    def deliver() -> None:
        try:
            statuses.append(post_event(payload).status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=deliver) for _ in range(5)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert statuses == [200] * 5
    assert StripeEvent.objects.filter(event_id="evt_concurrent").count() == 1
    assert FundEntry.objects.filter(kind="donation").count() == 1
    assert balance(fund) == Decimal("50.00")
