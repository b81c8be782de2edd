import uuid
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
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
    # What the snapshot is for, when the product asked for it rather than a person's form:
    # "dashboard:<programme>:<start>:<end>" or "schedule:<scheduled report>".
    purpose = models.CharField(max_length=80, blank=True, db_index=True)
    notified_at = models.DateTimeField(null=True, blank=True)

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


# Indicators a programme may set a target for: those whose headline is a count of people or
# ventures (money figures are per currency and have no single target).
TARGET_INDICATORS = [
    ("REACH", _("Participants reached")),
    ("M1", _("People who strengthened business-management skills")),
    ("M2", _("Ventures that improved or maintained their sales")),
    ("M3", _("Participants who completed the core financial-literacy lessons")),
    ("M4", _("Ventures with digital sales")),
    ("M5", _("Participants saving toward a goal")),
    ("M6", _("Ventures whose seed-capital grant was disbursed")),
]


class IndicatorTarget(models.Model):
    """What a programme means to reach for one indicator over a period (its log frame)."""

    programme = models.ForeignKey(
        "programmes.Programme",
        on_delete=models.CASCADE,
        related_name="indicator_targets",
        verbose_name=_("programme"),
    )
    indicator = models.CharField(_("indicator"), max_length=8, choices=TARGET_INDICATORS)
    target = models.PositiveIntegerField(_("target"))
    period_start = models.DateField(_("period start"))
    period_end = models.DateField(_("period end"))

    class Meta:
        verbose_name = _("indicator target")
        verbose_name_plural = _("indicator targets")
        ordering = ["programme", "indicator", "period_start"]
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "indicator", "period_start"], name="target_unique_start"
            ),
            models.CheckConstraint(
                condition=models.Q(period_end__gte=models.F("period_start")),
                name="target_period_ordered",
            ),
            models.CheckConstraint(condition=models.Q(target__gt=0), name="target_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.programme} · {self.indicator} · {self.target}"


class ReportSchedule(models.Model):
    """A donor report a manager asked to be made every month or quarter and sent, as a link,
    to the donor viewers of one funder of the programme."""

    class Frequency(models.TextChoices):
        MONTHLY = "monthly", _("Every month")
        QUARTERLY = "quarterly", _("Every quarter")

    programme = models.ForeignKey(
        "programmes.Programme",
        on_delete=models.CASCADE,
        related_name="report_schedules",
        verbose_name=_("programme"),
    )
    funder = models.ForeignKey(
        "programmes.Funder",
        on_delete=models.CASCADE,
        related_name="report_schedules",
        verbose_name=_("funder"),
    )
    frequency = models.CharField(_("frequency"), max_length=10, choices=Frequency.choices)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
        verbose_name=_("scheduled by"),
    )  # fmt: skip
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("report schedule")
        verbose_name_plural = _("report schedules")
        ordering = ["programme", "funder"]
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "funder", "frequency"], name="schedule_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.programme} · {self.funder} · {self.get_frequency_display()}"


class ScheduledReport(models.Model):
    """One period of a schedule: made once, whatever how often the schedule runs."""

    schedule = models.ForeignKey(
        ReportSchedule, on_delete=models.CASCADE, related_name="runs",
        verbose_name=_("report schedule"),
    )  # fmt: skip
    period_start = models.DateField(_("period start"))
    period_end = models.DateField(_("period end"))
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    delivered_at = models.DateTimeField(_("sent"), null=True, blank=True)

    class Meta:
        verbose_name = _("scheduled report")
        verbose_name_plural = _("scheduled reports")
        ordering = ["-period_start"]
        constraints = [
            models.UniqueConstraint(
                fields=["schedule", "period_start"], name="scheduled_report_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.schedule} · {self.period_start}"


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
        ]
        # "The first day of the month" is kept by clean() and save(), not by a CHECK: on
        # SQLite a day-of-month check compiles to a function of Django's own, which any other
        # connection to the file (a backup's integrity check, sqlite3 on the command line)
        # cannot run.

    def __str__(self) -> str:
        return f"{self.country} {self.month:%Y-%m} · {self.value}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.month is not None:
            self.month = self.month.replace(day=1)
        super().save(*args, **kwargs)

    def clean(self) -> None:
        if self.month is not None and self.month.day != 1:
            raise ValidationError({"month": _("A month is given by its first day.")})
