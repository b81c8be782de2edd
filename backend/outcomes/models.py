import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from backend.lib.geography import COUNTRY_CHOICES


class ReportSnapshot(models.Model):
    """A generated report: its parameters, its figures as the requester was allowed to see
    them (after disclosure control for donors) and when it was made. Never recomputed: the
    PDF, CSV and XLSX of a snapshot are rendered from `data`, so they stay the same forever."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(auto_now_add=True)
    params = models.JSONField()
    suppressed = models.BooleanField()
    k = models.PositiveSmallIntegerField()
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.QUEUED)
    progress = models.PositiveSmallIntegerField(default=0)
    data = models.JSONField(null=True, blank=True)
    error = models.CharField(max_length=300, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("report snapshot")
        verbose_name_plural = _("report snapshots")
        ordering = ["-requested_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(progress__lte=100), name="snapshot_progress_percent"
            )
        ]

    def __str__(self) -> str:
        return f"{self.id} · {self.status}"


class PriceIndex(models.Model):
    """A country's consumer-price index for one calendar month, as staff load it (CSV import
    in the admin). Real-terms figures divide each month's sales by that month's index over the
    baseline window's mean index (backend/outcomes/prices.py)."""

    country = models.CharField(_("country"), max_length=2, choices=COUNTRY_CHOICES)
    month = models.DateField(_("month"), help_text=_("The first day of the month."))
    value = models.DecimalField(_("index value"), max_digits=18, decimal_places=6)
    source = models.CharField(pgettext_lazy("price index", "source"), max_length=200)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("consumer-price index month")
        verbose_name_plural = _("consumer-price index months")
        ordering = ["country", "month"]
        constraints = [
            models.UniqueConstraint(fields=["country", "month"], name="price_index_country_month"),
            models.CheckConstraint(condition=models.Q(value__gt=0), name="price_index_positive"),
            models.CheckConstraint(
                condition=models.Q(month__day=1), name="price_index_first_of_month"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.country} {self.month:%Y-%m} · {self.value}"
