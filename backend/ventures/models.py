"""Ventures, their append-only ledger and the rollups kept beside it.

Ledger entries are never edited or deleted once posted: the database refuses it (triggers in
migration 0002). A mistake is corrected by a void, which records who, when and why and drops
the entry from every total. Rollups (per venture and day, per venture and month) are changed
by the services in the same transaction as the entry or void they reflect.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from backend.lib.geography import COUNTRY_CHOICES, CURRENCY_CHOICES
from backend.sync.changes import new_sync_id

# ISIC Rev. 4 sections.
SECTOR_CHOICES = [
    ("A", _("Agriculture, forestry and fishing")),
    ("B", _("Mining and quarrying")),
    ("C", _("Manufacturing")),
    ("D", _("Electricity, gas, steam and air conditioning supply")),
    ("E", _("Water supply, sewerage and waste management")),
    ("F", _("Construction")),
    ("G", _("Wholesale and retail trade; repair of vehicles")),
    ("H", _("Transportation and storage")),
    ("I", _("Accommodation and food service")),
    ("J", _("Information and communication")),
    ("K", _("Financial and insurance activities")),
    ("L", _("Real estate activities")),
    ("M", _("Professional, scientific and technical activities")),
    ("N", _("Administrative and support services")),
    ("O", _("Public administration and defence")),
    ("P", _("Education")),
    ("Q", _("Human health and social work")),
    ("R", _("Arts, entertainment and recreation")),
    ("S", _("Other service activities")),
    ("T", _("Activities of households as employers")),
    ("U", _("Activities of extraterritorial organisations")),
]


class Formalisation(models.TextChoices):
    INFORMAL = "informal", _("Informal")
    TAX_REGISTERED = "tax_registered", _("Registered for tax")
    COMPANY = "company", _("Registered company")


class Kind(models.TextChoices):
    SALE = "sale", _("Sale")
    EXPENSE = "expense", _("Expense")
    REPAYMENT = "repayment", _("Repayment of customer credit")


class Method(models.TextChoices):
    CASH = "cash", _("Cash")
    BANK_TRANSFER = "bank_transfer", _("Bank transfer")
    MOBILE_WALLET = "mobile_wallet", _("Mobile wallet")
    CARD = "card", _("Card")
    CUSTOMER_CREDIT = "customer_credit", _("Customer credit")
    OTHER = "other", _("Other")


# Money that reaches the venture through a financial provider: the M4 "digital payments" share.
DIGITAL_METHODS = frozenset({Method.BANK_TRANSFER, Method.MOBILE_WALLET, Method.CARD})


class Wallet(models.TextChoices):
    YAPE = "yape", "Yape"
    PLIN = "plin", "Plin"
    NEQUI = "nequi", "Nequi"
    DAVIPLATA = "daviplata", "Daviplata"
    OTHER = "other", _("Other wallet")


class ExpenseCategory(models.TextChoices):
    STOCK = "stock", _("Stock and raw materials")
    SUPPLIES = "supplies", _("Supplies")
    RENT = "rent", _("Rent")
    UTILITIES = "utilities", _("Utilities and phone")
    TRANSPORT = "transport", _("Transport")
    WAGES = "wages", _("Wages and helpers")
    EQUIPMENT = "equipment", _("Equipment")
    FEES = "fees", _("Fees, taxes and permits")
    LOAN = "loan", _("Loan payments")
    OTHER = "other", _("Other")


class Venture(models.Model):
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="ventures"
    )
    programme = models.ForeignKey(
        "programmes.Programme",
        on_delete=models.PROTECT,
        related_name="ventures",
        verbose_name=_("programme"),
    )
    name = models.CharField(_("name"), max_length=120)
    sector = models.CharField(_("sector (ISIC section)"), max_length=1, choices=SECTOR_CHOICES)
    country = models.CharField(_("country"), max_length=2, choices=COUNTRY_CHOICES)
    region = models.CharField(_("region"), max_length=10, blank=True)
    currency = models.CharField(_("currency"), max_length=3, choices=CURRENCY_CHOICES)
    formalisation = models.CharField(
        _("formalisation"),
        max_length=16,
        choices=Formalisation.choices,
        default=Formalisation.INFORMAL,
    )
    started_on = models.DateField(_("start date"))
    photo = models.FileField(_("photo"), max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # The record's id on the app's wire: chosen by the phone for rows it creates offline
    # (16 random characters, or a UUID), generated here for rows made on the server. Unique
    # per owner only: another person's id is a fresh one, so it tells nobody it exists.
    sync_id = models.CharField(max_length=36, default=new_sync_id, editable=False)
    changed_seq = models.BigIntegerField(null=True, blank=True, db_index=True)

    class Meta:
        verbose_name = _("venture")
        verbose_name_plural = _("ventures")
        ordering = ["name", "id"]
        indexes = [models.Index(fields=["programme", "owner"])]
        constraints = [
            models.UniqueConstraint(fields=["owner", "sync_id"], name="venture_sync_id_per_owner")
        ]

    def __str__(self) -> str:
        return self.name


class LedgerEntry(models.Model):
    # The entry's id in the app, on the sync wire and in the REST URLs: chosen by the phone
    # (WatermelonDB ids are 16 characters; UUIDs fit too), so an entry sent twice over a bad
    # connection is recognised as the same entry. Unique per owner only, as a phone holds all
    # of its owner's entries (of every venture) in one table: another person's id is a fresh
    # one, so it tells nobody it exists and blocks nobody's own.
    sync_id = models.CharField(max_length=36, verbose_name=_("entry id"))
    venture = models.ForeignKey(
        Venture, on_delete=models.PROTECT, related_name="entries", verbose_name=_("venture")
    )
    # The venture's owner, kept on the row so the database itself holds each owner's ids
    # unique (a constraint cannot reach through the venture). Ventures never change hands.
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
        verbose_name=_("owner"),
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    amount = models.DecimalField(_("amount"), max_digits=14, decimal_places=2)
    occurred_on = models.DateField(_("business date"))
    payment_method = models.CharField(_("payment method"), max_length=16, choices=Method.choices)
    wallet = models.CharField(_("wallet"), max_length=10, choices=Wallet.choices, blank=True)
    category = models.CharField(
        _("expense category"), max_length=10, choices=ExpenseCategory.choices, blank=True
    )
    note = models.CharField(_("note"), max_length=140, blank=True)
    receipt = models.FileField(_("receipt"), max_length=200, blank=True)
    receipt_thumbnail = models.FileField(max_length=200, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    received_at = models.DateTimeField(_("received at"), auto_now_add=True, db_index=True)
    voided_at = models.DateTimeField(_("voided at"), null=True, blank=True)
    voided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    void_reason = models.CharField(_("reason for voiding"), max_length=200, blank=True)
    # Reserved for the sync engine: the change sequence number of the last change.
    changed_seq = models.BigIntegerField(null=True, blank=True, db_index=True)

    class Meta:
        verbose_name = _("ledger entry")
        verbose_name_plural = _("ledger entries")
        ordering = ["-occurred_on", "-received_at", "-id"]
        indexes = [models.Index(fields=["venture", "occurred_on"])]
        constraints = [
            # The id first: the index also serves lookups by id alone (a manager's receipt).
            models.UniqueConstraint(fields=["sync_id", "owner"], name="entry_sync_id_per_owner"),
            models.CheckConstraint(condition=models.Q(amount__gt=0), name="entry_amount_positive"),
            models.CheckConstraint(
                condition=models.Q(voided_at__isnull=True, voided_by__isnull=True)
                | models.Q(voided_at__isnull=False),
                name="entry_void_complete",
            ),
            models.CheckConstraint(
                condition=~models.Q(payment_method="customer_credit") | models.Q(kind="sale"),
                name="entry_credit_only_for_sales",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.amount} {self.occurred_on}"

    @property
    def is_voided(self) -> bool:
        return self.voided_at is not None


class VentureDay(models.Model):
    """One venture's non-voided totals on one business date (drives day/week summaries)."""

    venture = models.ForeignKey(Venture, on_delete=models.CASCADE, related_name="days")
    day = models.DateField()
    entries = models.PositiveIntegerField(default=0)
    sale_entries = models.PositiveIntegerField(default=0)
    sales = models.DecimalField(max_digits=18, decimal_places=2, default=0)
    expenses = models.DecimalField(max_digits=18, decimal_places=2, default=0)
    digital_sales = models.DecimalField(max_digits=18, decimal_places=2, default=0)
    credit_sales = models.DecimalField(max_digits=18, decimal_places=2, default=0)
    repayments = models.DecimalField(max_digits=18, decimal_places=2, default=0)
    # Sales by payment method.
    sales_cash = models.DecimalField(max_digits=18, decimal_places=2, default=0)
    sales_bank_transfer = models.DecimalField(max_digits=18, decimal_places=2, default=0)
    sales_mobile_wallet = models.DecimalField(max_digits=18, decimal_places=2, default=0)
    sales_card = models.DecimalField(max_digits=18, decimal_places=2, default=0)
    sales_customer_credit = models.DecimalField(max_digits=18, decimal_places=2, default=0)
    sales_other = models.DecimalField(max_digits=18, decimal_places=2, default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["venture", "day"], name="venture_day_unique")
        ]

    def __str__(self) -> str:
        return f"{self.venture_id} · {self.day}"


class VentureMonth(models.Model):
    """One venture's non-voided totals in one calendar month (``month`` is its first day)."""

    venture = models.ForeignKey(
        Venture, on_delete=models.CASCADE, related_name="months", verbose_name=_("venture")
    )
    month = models.DateField(_("month"))
    entries = models.PositiveIntegerField(default=0, verbose_name=_("entries"))
    sales = models.DecimalField(max_digits=18, decimal_places=2, default=0, verbose_name=_("sales"))
    expenses = models.DecimalField(
        max_digits=18, decimal_places=2, default=0, verbose_name=_("expenses")
    )
    digital_sales = models.DecimalField(max_digits=18, decimal_places=2, default=0)
    credit_sales = models.DecimalField(max_digits=18, decimal_places=2, default=0)
    repayments = models.DecimalField(max_digits=18, decimal_places=2, default=0)
    # Days with at least one sale, and ISO weeks (clipped to the month) with at least one sale.
    active_days = models.PositiveSmallIntegerField(default=0, verbose_name=_("active days"))
    active_weeks = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("venture month")
        verbose_name_plural = _("venture months")
        constraints = [
            models.UniqueConstraint(fields=["venture", "month"], name="venture_month_unique")
        ]
        indexes = [models.Index(fields=["month"])]

    def __str__(self) -> str:
        return f"{self.venture_id} · {self.month:%Y-%m}"


class BusinessRecord(models.Model):
    """A business record PDF issued to the owner, verifiable by its code."""

    venture = models.ForeignKey(
        Venture, on_delete=models.CASCADE, related_name="records", verbose_name=_("venture")
    )
    code = models.CharField(max_length=16, unique=True, verbose_name=_("code"))
    issued_at = models.DateTimeField(auto_now_add=True, verbose_name=_("issued"))
    months = models.PositiveSmallIntegerField(_("months"))
    total_sales = models.DecimalField(max_digits=18, decimal_places=2)

    class Meta:
        verbose_name = _("business record")
        verbose_name_plural = _("business records")

    def __str__(self) -> str:
        return self.code
