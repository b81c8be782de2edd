"""Stripe webhooks: verify, record the event once, apply its effect, answer 2xx fast.

Each event id is stored under a unique constraint in the same transaction as its effect, so
a delivery repeated (in a row or at the same moment) changes nothing the second time. Effects
are written so that order does not matter either: a refund that arrives before the payment is
kept, and the donation ends refunded once the payment is known.
"""

import json
import logging
import time
import uuid
from collections.abc import Callable
from typing import Any

import stripe
from django.conf import settings
from django.db import IntegrityError, transaction
from django.http import HttpRequest, JsonResponse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from .gateway import from_stripe
from .models import Donation, FundEntry, StripeEvent
from .tasks import send_donation_receipt

log = logging.getLogger(__name__)


class Unusable(Exception):
    """A signed event whose content cannot be applied; it is recorded, not retried."""


def _donation_for(obj: dict[str, Any]) -> Donation | None:
    metadata = obj.get("metadata") or {}
    if not isinstance(metadata, dict):
        raise Unusable("metadata is not an object")
    donation_id = metadata.get("donation_id") or obj.get("client_reference_id")
    qs = Donation.objects.select_for_update()
    if donation_id:
        try:
            public_id = uuid.UUID(str(donation_id))
        except ValueError:
            raise Unusable("donation_id is not one of ours") from None
        return qs.filter(public_id=public_id).first()
    intent = obj.get("payment_intent")
    if intent and not isinstance(intent, str):
        raise Unusable("payment_intent is not text")
    return qs.filter(stripe_payment_intent=intent).first() if intent else None


def _cents(obj: dict[str, Any], name: str) -> int:
    value = obj.get(name) or 0
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise Unusable(f"{name} is not a whole number of cents")
    return value


def _object_id(obj: dict[str, Any]) -> str:
    value = obj.get("id")
    if not isinstance(value, str) or not value:
        raise Unusable("the object has no id")
    return value


def _settle_status(donation: Donation) -> None:
    """The status follows from what is known, whatever order the events came in."""
    if donation.disputed:
        donation.status = Donation.Status.DISPUTED
    elif donation.amount_refunded >= donation.amount:
        donation.status = Donation.Status.REFUNDED
    elif donation.amount_refunded > 0:
        donation.status = Donation.Status.PARTIALLY_REFUNDED
    elif donation.paid:
        donation.status = Donation.Status.PAID
    donation.save()


def _mark_paid(session: dict[str, Any]) -> None:
    donation = _donation_for(session)
    if donation is None:
        return
    if session.get("payment_intent"):
        donation.stripe_payment_intent = session["payment_intent"]
    if not donation.paid:
        donation.paid = True
        donation.paid_at = timezone.now()
        FundEntry.objects.get_or_create(
            source=f"donation:{donation.public_id}",
            defaults={
                "fund_id": donation.fund_id,
                "kind": FundEntry.Kind.DONATION,
                "amount": donation.amount,
                "donation": donation,
            },
        )
        if donation.giver_email:
            transaction.on_commit(lambda: send_donation_receipt.enqueue(donation.pk))
    _settle_status(donation)


def on_session_completed(session: dict[str, Any]) -> None:
    if session.get("payment_status") in ("paid", "no_payment_required"):
        _mark_paid(session)
        return
    donation = _donation_for(session)  # paid later by a slower method (bank debit, voucher)
    if donation and not donation.paid:
        donation.status = Donation.Status.PROCESSING
        donation.stripe_payment_intent = session.get("payment_intent") or ""
        donation.save()


def on_async_failed(session: dict[str, Any]) -> None:
    donation = _donation_for(session)
    if donation and not donation.paid:
        donation.status = Donation.Status.FAILED
        donation.save()


def on_session_expired(session: dict[str, Any]) -> None:
    donation = _donation_for(session)
    if donation and donation.status == Donation.Status.PENDING:
        donation.status = Donation.Status.EXPIRED
        donation.save()


def on_charge_refunded(charge: dict[str, Any]) -> None:
    """`amount_refunded` is the charge's running total: only a larger total adds an entry."""
    donation = _donation_for(charge)
    if donation is None:
        return
    total = min(from_stripe(_cents(charge, "amount_refunded"), donation.currency), donation.amount)
    increase = total - donation.amount_refunded
    if increase <= 0:
        return  # an older or repeated total
    FundEntry.objects.create(
        fund_id=donation.fund_id,
        kind=FundEntry.Kind.REFUND,
        amount=-increase,
        donation=donation,
        source=f"refund:{donation.public_id}:{total}",
    )
    donation.amount_refunded = total
    _settle_status(donation)


def on_dispute_created(dispute: dict[str, Any]) -> None:
    donation = _donation_for(dispute)
    if donation is None:
        return
    amount = min(from_stripe(_cents(dispute, "amount"), donation.currency), donation.amount)
    _, created = FundEntry.objects.get_or_create(
        source=f"dispute:{_object_id(dispute)}",
        defaults={
            "fund_id": donation.fund_id,
            "kind": FundEntry.Kind.DISPUTE,
            "amount": -amount,
            "donation": donation,
        },
    )
    if created:
        donation.disputed = True
        _settle_status(donation)


def on_dispute_closed(dispute: dict[str, Any]) -> None:
    donation = _donation_for(dispute)
    if donation is None or dispute.get("status") != "won":
        return
    dispute_id = _object_id(dispute)
    lost = FundEntry.objects.filter(source=f"dispute:{dispute_id}").first()
    if lost is None:
        return
    FundEntry.objects.get_or_create(
        source=f"dispute_won:{dispute_id}",
        defaults={
            "fund_id": donation.fund_id,
            "kind": FundEntry.Kind.DISPUTE_WON,
            "amount": -lost.amount,
            "donation": donation,
        },
    )
    donation.disputed = False
    _settle_status(donation)


HANDLERS: dict[str, Callable[[dict[str, Any]], None]] = {
    "checkout.session.completed": on_session_completed,
    "checkout.session.async_payment_succeeded": _mark_paid,
    "checkout.session.async_payment_failed": on_async_failed,
    "checkout.session.expired": on_session_expired,
    "charge.refunded": on_charge_refunded,
    "charge.dispute.created": on_dispute_created,
    "charge.dispute.closed": on_dispute_closed,
}


def _bad_request(message: str) -> JsonResponse:
    return JsonResponse({"error": {"code": "invalid_webhook", "message": message}}, status=400)


# Stripe signs with the current time and refuses nothing older than the tolerance itself; a
# timestamp further ahead than this is not Stripe's clock, so it is refused as well.
SIGNATURE_TOLERANCE_SECONDS = 300
SIGNATURE_FUTURE_SECONDS = 300


def _signed_at(signature: str) -> int | None:
    for part in signature.split(","):
        key, _sep, value = part.strip().partition("=")
        if key == "t" and value.isascii() and value.isdigit() and len(value) < 12:
            return int(value)
    return None


@csrf_exempt
@require_POST
def stripe_webhook(request: HttpRequest) -> JsonResponse:
    secret = settings.STRIPE_WEBHOOK_SECRET
    if not secret:
        return _bad_request("Stripe webhooks are not configured on this server.")
    signature = request.headers.get("Stripe-Signature")
    if not signature:
        return _bad_request("Missing Stripe-Signature header.")
    try:
        stripe.WebhookSignature.verify_header(
            request.body.decode("utf-8"), signature, secret, tolerance=SIGNATURE_TOLERANCE_SECONDS
        )
        event = json.loads(request.body)
    except (stripe.SignatureVerificationError, ValueError, UnicodeDecodeError, RecursionError):
        return _bad_request("The signature does not match, or the timestamp is too old.")
    signed_at = _signed_at(signature)
    if signed_at is None or signed_at > time.time() + SIGNATURE_FUTURE_SECONDS:
        return _bad_request("The signature's timestamp is in the future.")
    if not isinstance(event, dict):
        log.warning("Signed Stripe webhook body is not an event object; refused")
        return _bad_request("Not a Stripe event.")
    event_id, event_type = event.get("id"), event.get("type")
    obj = (event.get("data") or {}).get("object") if isinstance(event.get("data"), dict) else None
    if (
        not isinstance(event_id, str)
        or not isinstance(event_type, str)
        or not isinstance(obj, dict)
    ):
        log.warning("Signed Stripe webhook event without id, type or object; refused")
        return _bad_request("Not a Stripe event.")
    try:
        with transaction.atomic():
            record = StripeEvent.objects.create(event_id=event_id, type=event_type, payload=event)
            handler = HANDLERS.get(event_type)
            if handler is not None:
                try:
                    with transaction.atomic():
                        handler(obj)
                except Unusable as exc:
                    # Signed, so it is Stripe's, but it cannot be applied: keep it, say why,
                    # and acknowledge it, or Stripe would resend it for days.
                    log.warning("Stripe event %s (%s) not applied: %s", event_id, event_type, exc)
                    record.problem = str(exc)[:200]
                    record.save(update_fields=["problem"])
                    return JsonResponse({"received": True, "applied": False})
    except IntegrityError:
        return JsonResponse({"received": True, "duplicate": True})
    return JsonResponse({"received": True})
