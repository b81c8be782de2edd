"""Writes on the seed-capital fund. Money is Decimal in the fund's currency, never mixed."""

from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from backend.accounts.audit import audit
from backend.accounts.models import User
from backend.lib.errors import Conflict, DomainError
from backend.lib.formats import format_money
from backend.lib.money import parse_amount, quantize
from backend.programmes.models import Funder

from . import gateway
from .models import Donation, Fund, FundEntry, Grant


class PaymentUnavailable(DomainError):
    status = 503
    code = "payments_unavailable"


def balance(fund: Fund) -> Decimal:
    return quantize(
        fund.entries.aggregate(total=Sum("amount"))["total"] or Decimal(0), fund.currency
    )


def summary(fund: Fund) -> dict[str, Any]:
    """The fund's figures from its ledger, in one query each for entries and grants."""
    totals = fund.entries.aggregate(
        donations=Sum("amount", filter=Q(kind=FundEntry.Kind.DONATION)),
        refunds=Sum("amount", filter=Q(kind=FundEntry.Kind.REFUND)),
        disputes=Sum(
            "amount", filter=Q(kind__in=[FundEntry.Kind.DISPUTE, FundEntry.Kind.DISPUTE_WON])
        ),
        contributions=Sum("amount", filter=Q(kind=FundEntry.Kind.CONTRIBUTION)),
        granted=Sum("amount", filter=Q(kind=FundEntry.Kind.GRANT)),
        balance=Sum("amount"),
    )
    grants = fund.grants.aggregate(
        ventures=Count("venture", distinct=True),
        disbursed=Sum("amount", filter=Q(status=Grant.Status.DISBURSED)),
    )
    zero = Decimal(0)
    donations_net = (
        (totals["donations"] or zero) + (totals["refunds"] or zero) + (totals["disputes"] or zero)
    )
    raised = donations_net + (totals["contributions"] or zero)

    def q(value: Decimal) -> Decimal:  # aggregates come back without the currency's scale
        return quantize(value, fund.currency)

    return {
        "currency": fund.currency,
        "goal": q(fund.goal),
        "donations_net": q(donations_net),
        "contributions": q(totals["contributions"] or zero),
        "raised": q(raised),
        "granted": q(-(totals["granted"] or zero)),
        "disbursed": q(grants["disbursed"] or zero),
        "balance": q(totals["balance"] or zero),
        "ventures_funded": grants["ventures"],
        "progress": float(raised / fund.goal) if fund.goal else 0.0,
    }


def public_summary(fund: Fund) -> dict[str, Any]:
    """The fund's figures as anyone outside the programme team may see them.

    A count of ventures funded from 1 to K-1 is shown as "<K", and grant totals are then
    withheld, since over so few ventures they would reveal what each one received.
    """
    figures = summary(fund)
    k = settings.IMPULSA_DISCLOSURE_K
    funded = figures["ventures_funded"]
    figures["ventures_funded"] = str(funded)
    figures["suppressed"] = 0 < funded < k
    if figures["suppressed"]:
        # The balance is raised minus granted: shown, it would give the grant total away.
        figures.update(ventures_funded=f"<{k}", granted=None, disbursed=None, balance=None)
    return figures


def start_donation(
    *,
    fund: Fund,
    amount: object,
    anonymous: bool,
    name: str,
    email: str,
    language: str,
    success_url: str,
    cancel_url: str,
) -> tuple[Donation, str]:
    """Records a pending donation, then opens a Stripe Checkout Session for it.

    The donation row is committed before Stripe is called, so the idempotency key can be
    derived from it and a retried call cannot open a second payment.
    """
    if not gateway.configured():
        raise PaymentUnavailable(_("Online giving is not set up for this fund yet."))
    if not fund.is_open:
        raise Conflict(_("This fund is not accepting donations now."), code="fund_closed")
    value = parse_amount(amount, fund.currency, field="amount")
    if not fund.min_donation <= value <= fund.max_donation:
        raise DomainError(
            _("Give between %(min)s and %(max)s.")
            % {
                "min": format_money(fund.min_donation, fund.currency),
                "max": format_money(fund.max_donation, fund.currency),
            },
            field="amount",
            status=422,
        )
    name, email = name.strip()[:120], email.strip()[:254]
    donation = Donation.objects.create(
        fund=fund,
        amount=value,
        currency=fund.currency,
        anonymous=anonymous,
        giver_name="" if anonymous else name,
        giver_email=email,
        language=language,
    )
    try:
        session = gateway.create_checkout_session(
            donation_id=str(donation.public_id),
            amount=value,
            currency=fund.currency,
            title=fund.title,
            language=language,
            email=email,
            success_url=success_url.replace("DONATION", str(donation.public_id)),
            cancel_url=cancel_url.replace("DONATION", str(donation.public_id)),
        )
    except Exception as exc:  # any Stripe or network failure: the giver can simply try again
        raise PaymentUnavailable(
            _("The payment page could not be opened. Please try again.")
        ) from exc
    Donation.objects.filter(pk=donation.pk).update(stripe_session_id=session.id)
    return donation, str(session.url)


@transaction.atomic
def record_contribution(
    *, fund: Fund, amount: object, funder: Funder | None, note: str, reference: str, actor: User
) -> FundEntry:
    """Institutional funding recorded by staff; the reference keeps it from being entered twice."""
    value = parse_amount(amount, fund.currency, field="body.amount")
    source = f"contribution:{fund.pk}:{reference.strip()}"
    if FundEntry.objects.filter(source=source).exists():
        raise Conflict(
            _("A contribution with this reference is already recorded."), code="duplicate_reference"
        )
    return FundEntry.objects.create(
        fund=fund,
        kind=FundEntry.Kind.CONTRIBUTION,
        amount=value,
        source=source,
        funder=funder,
        note=note[:200],
        recorded_by=actor,
    )


@transaction.atomic
def grant_to_venture(
    *, fund: Fund, venture: Any, amount: object, purpose: str, actor: User
) -> Grant:
    """Grants seed capital. The fund row is locked first, so two managers granting at the same
    moment are served one after the other and the second sees the first's grant."""
    locked = Fund.objects.select_for_update().get(pk=fund.pk)
    if venture.programme_id != locked.programme_id:
        raise DomainError(
            _("This venture is not in the fund's programme."), field="body.venture_id", status=422
        )
    if venture.currency != locked.currency:
        raise DomainError(
            _("The venture keeps its books in another currency."),
            field="body.venture_id",
            status=422,
        )
    value = parse_amount(amount, locked.currency, field="body.amount")
    if not purpose.strip():
        raise DomainError(_("Say what the grant is for."), field="body.purpose", status=422)
    available = balance(locked)
    if value > available:
        raise Conflict(
            _("Only %(available)s %(currency)s is available in the fund.")
            % {"available": available, "currency": locked.currency},
            code="insufficient_funds",
        )
    grant = Grant.objects.create(
        fund=locked, venture=venture, amount=value, purpose=purpose.strip(), granted_by=actor
    )
    FundEntry.objects.create(
        fund=locked,
        kind=FundEntry.Kind.GRANT,
        amount=-value,
        source=f"grant:{grant.pk}",
        grant=grant,
        recorded_by=actor,
    )
    audit(actor, "grant.create", subject=venture.owner, obj=grant)
    return grant


@transaction.atomic
def disburse(*, grant: Grant, actor: User, reference: str) -> Grant:
    locked = Grant.objects.select_for_update().get(pk=grant.pk)
    if locked.status == Grant.Status.DISBURSED:
        raise Conflict(_("This grant was already disbursed."), code="already_disbursed")
    locked.status = Grant.Status.DISBURSED
    locked.disbursed_at = timezone.now()
    locked.disbursed_by = actor
    locked.disbursement_reference = reference.strip()[:120]
    locked.save()
    return locked
