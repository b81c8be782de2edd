import uuid
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from backend.lib.geography import CURRENCY_CHOICES


class Fund(models.Model):
    """A programme's seed-capital fund, in one currency. Its balance comes from its ledger."""

    programme = models.OneToOneField(
        "programmes.Programme",
        on_delete=models.PROTECT,
        related_name="fund",
        verbose_name=_("programme"),
    )
    slug = models.SlugField(_("public address"), unique=True)
    currency = models.CharField(_("currency"), max_length=3, choices=CURRENCY_CHOICES)
    goal = models.DecimalField(_("goal"), max_digits=14, decimal_places=2)
    title = models.CharField(_("title"), max_length=140)
    title_en = models.CharField(_("title (English)"), max_length=140, blank=True, default="")
    title_pt = models.CharField(_("title (Portuguese)"), max_length=140, blank=True, default="")
    story_es = models.TextField(_("story (Spanish)"))
    story_en = models.TextField(_("story (English)"))
    story_pt = models.TextField(_("story (Portuguese)"))
    suggested_amounts = models.JSONField(_("suggested amounts"), default=list)
    min_donation = models.DecimalField(_("smallest donation"), max_digits=12, decimal_places=2)
    max_donation = models.DecimalField(_("largest donation"), max_digits=12, decimal_places=2)
    is_open = models.BooleanField(_("accepting donations"), default=True)

    class Meta:
        verbose_name = _("seed-capital fund")
        verbose_name_plural = _("seed-capital funds")
        constraints = [
            models.CheckConstraint(condition=Q(goal__gt=0), name="fund_goal_positive"),
            models.CheckConstraint(
                condition=Q(min_donation__gt=0) & Q(max_donation__gte=models.F("min_donation")),
                name="fund_donation_bounds",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def title_for(self, language: str) -> str:
        """The title in the language; the Spanish one where no translation was written."""
        if language.startswith("pt"):
            return self.title_pt or self.title
        return (self.title_en or self.title) if language.startswith("en") else self.title

    @property
    def localized_title(self) -> str:
        """The title in the language of the page or document being made."""
        return self.title_for(translation.get_language() or "es")

    def story_for(self, language: str) -> str:
        if language.startswith("pt"):
            return self.story_pt
        return self.story_en if language.startswith("en") else self.story_es


class Donation(models.Model):
    """One gift through Stripe Checkout. Its money enters the fund ledger only when paid."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for payment")
        PROCESSING = "processing", _("Payment processing")
        PAID = "paid", _("Paid")
        PARTIALLY_REFUNDED = "partially_refunded", _("Partially refunded")
        REFUNDED = "refunded", _("Refunded")
        DISPUTED = "disputed", _("Disputed")
        FAILED = "failed", _("Payment failed")
        EXPIRED = "expired", _("Expired")

    fund = models.ForeignKey(
        Fund, on_delete=models.PROTECT, related_name="donations", verbose_name=_("fund")
    )
    public_id = models.UUIDField(
        default=uuid.uuid4, unique=True, editable=False, verbose_name=_("public id")
    )
    amount = models.DecimalField(_("amount"), max_digits=12, decimal_places=2)
    currency = models.CharField(max_length=3, choices=CURRENCY_CHOICES, verbose_name=_("currency"))
    anonymous = models.BooleanField(_("anonymous"), default=True)
    giver_name = models.CharField(_("name"), max_length=120, blank=True)
    giver_email = models.EmailField(_("email"), blank=True)
    language = models.CharField(max_length=5, default="es")
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.PENDING
    )
    paid = models.BooleanField(default=False)
    amount_refunded = models.DecimalField(max_digits=12, decimal_places=2, default=Decimal(0))
    disputed = models.BooleanField(default=False)
    stripe_session_id = models.CharField(max_length=255, unique=True, null=True, blank=True)
    stripe_payment_intent = models.CharField(max_length=255, blank=True, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created"))
    paid_at = models.DateTimeField(null=True, blank=True)
    receipt_sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("donation")
        verbose_name_plural = _("donations")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="donation_amount_positive"),
            models.CheckConstraint(
                condition=Q(amount_refunded__gte=0) & Q(amount_refunded__lte=models.F("amount")),
                name="donation_refund_within_amount",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.amount} {self.currency} · {self.get_status_display()}"


class Grant(models.Model):
    class Status(models.TextChoices):
        GRANTED = "granted", _("Granted")
        DISBURSED = "disbursed", _("Disbursed")

    fund = models.ForeignKey(
        Fund, on_delete=models.PROTECT, related_name="grants", verbose_name=_("fund")
    )
    venture = models.ForeignKey(
        "ventures.Venture",
        on_delete=models.PROTECT,
        related_name="grants",
        verbose_name=_("venture"),
    )
    amount = models.DecimalField(_("amount"), max_digits=12, decimal_places=2)
    purpose = models.CharField(_("purpose"), max_length=300)
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.GRANTED
    )
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    granted_at = models.DateTimeField(auto_now_add=True, verbose_name=_("awarded on"))
    disbursed_at = models.DateTimeField(null=True, blank=True, verbose_name=_("disbursed on"))
    disbursed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    disbursement_reference = models.CharField(
        _("disbursement reference"), max_length=120, blank=True
    )

    class Meta:
        verbose_name = _("grant")
        verbose_name_plural = _("grants")
        ordering = ["-granted_at"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="grant_amount_positive")
        ]

    def __str__(self) -> str:
        return f"{self.amount} → {self.venture_id}"


class FundEntry(models.Model):
    """The fund's own ledger. Money in is positive, money out negative; the balance is the sum.

    `source` names what caused the entry (a Stripe charge's refund total, a grant...) under a
    unique constraint, so a webhook delivered twice or out of order cannot count money twice.
    """

    class Kind(models.TextChoices):
        DONATION = "donation", _("Donation")
        REFUND = "refund", _("Refund")
        DISPUTE = "dispute", _("Disputed payment")
        DISPUTE_WON = "dispute_won", _("Dispute won")
        CONTRIBUTION = "contribution", _("Institutional contribution")
        GRANT = "grant", _("Grant")

    fund = models.ForeignKey(
        Fund, on_delete=models.PROTECT, related_name="entries", verbose_name=_("fund")
    )
    kind = models.CharField(_("kind"), max_length=14, choices=Kind.choices)
    amount = models.DecimalField(max_digits=14, decimal_places=2, verbose_name=_("amount"))
    source = models.CharField(max_length=255, unique=True, verbose_name=_("source"))
    donation = models.ForeignKey(
        Donation, on_delete=models.PROTECT, null=True, blank=True, related_name="entries"
    )
    grant = models.ForeignKey(
        Grant, on_delete=models.PROTECT, null=True, blank=True, related_name="entries"
    )
    funder = models.ForeignKey(
        "programmes.Funder",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        verbose_name=_("funder"),
    )
    note = models.CharField(max_length=200, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created"))

    class Meta:
        verbose_name = _("fund ledger entry")
        verbose_name_plural = _("fund ledger entries")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(kind__in=["donation", "contribution", "dispute_won"]) & Q(amount__gt=0)
                )
                | (Q(kind__in=["refund", "dispute", "grant"]) & Q(amount__lt=0)),
                name="fund_entry_sign_matches_kind",
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.amount}"


class StripeEvent(models.Model):
    """Every Stripe event id once, stored in the same transaction as its effect."""

    event_id = models.CharField(max_length=255, unique=True, verbose_name=_("event id"))
    type = models.CharField(_("event type"), max_length=100)
    received_at = models.DateTimeField(auto_now_add=True, verbose_name=_("received"))
    payload = models.JSONField()
    # Why a signed event could not be applied (a field missing or of the wrong type): it is
    # kept and acknowledged, so Stripe stops resending it, and someone can look at it.
    problem = models.CharField(max_length=200, blank=True, default="")

    class Meta:
        ordering = ["-received_at"]
        verbose_name = _("Stripe event")
        verbose_name_plural = _("Stripe events")

    def __str__(self) -> str:
        return f"{self.type} {self.event_id}"
