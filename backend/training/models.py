"""Courses, cohorts, sessions, enrollment, attendance, scores and certificates.

Invariants the database can hold are constraints here (score ranges, one enrollment per person
and cohort, one current mark per session and person, ordered dates); the ones that span rows
(capacity, session dates inside the cohort, trainers' roles) are checked by services.py.
"""

from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from backend.lib.geography import COUNTRY_CHOICES
from backend.programmes.models import Programme
from backend.sync.changes import new_sync_id


class Stage(models.TextChoices):
    GENERATE = "generate", _("Generate Your Business Idea")
    START = "start", _("Start Your Business")
    IMPROVE = "improve", _("Improve Your Business")
    EXPAND = "expand", _("Expand Your Business")
    OTHER = "other", _("Other course")


class ExcusedRule(models.TextChoices):
    """How an excused absence counts toward the attendance share."""

    PRESENT = "present", _("Counts as attended")
    EXCLUDED = "excluded", _("Left out of the count")
    ABSENT = "absent", _("Counts as missed")


class Course(models.Model):
    code = models.SlugField(_("code"), max_length=40, unique=True)
    title_es = models.CharField(_("title (Spanish)"), max_length=200)
    title_en = models.CharField(_("title (English)"), max_length=200)
    title_pt = models.CharField(_("title (Portuguese)"), max_length=200)
    description_es = models.TextField(_("description (Spanish)"), blank=True, default="")
    description_en = models.TextField(_("description (English)"), blank=True, default="")
    description_pt = models.TextField(_("description (Portuguese)"), blank=True, default="")
    stage = models.CharField(_("stage"), max_length=10, choices=Stage.choices)
    counts_as_business_skills = models.BooleanField(
        _("counts as business-skills training"), default=True
    )
    planned_hours = models.PositiveSmallIntegerField(_("planned hours"))
    modules = models.JSONField(_("modules"), default=list, blank=True)
    min_attendance = models.DecimalField(
        _("minimum attendance share"), max_digits=3, decimal_places=2, default=Decimal("0.80")
    )
    has_tests = models.BooleanField(_("has pre- and post-tests"), default=True)
    # The change sequence number of the last change (offline sync).
    changed_seq = models.BigIntegerField(null=True, blank=True, db_index=True)
    pass_mark = models.PositiveSmallIntegerField(_("pass mark"), default=60)
    excused_counts = models.CharField(
        _("excused absences"),
        max_length=10,
        choices=ExcusedRule.choices,
        default=ExcusedRule.EXCLUDED,
    )

    class Meta:
        verbose_name = _("course")
        verbose_name_plural = _("courses")
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(min_attendance__gt=0, min_attendance__lte=1),
                name="course_min_attendance_share",
            ),
            models.CheckConstraint(condition=Q(pass_mark__lte=100), name="course_pass_mark_range"),
            models.CheckConstraint(condition=Q(planned_hours__gt=0), name="course_hours_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.code} · {self.title_es}"

    def title_for(self, language: str) -> str:
        return _pick(language, self.title_es, self.title_en, self.title_pt)

    def description_for(self, language: str) -> str:
        return _pick(language, self.description_es, self.description_en, self.description_pt)


def _pick(language: str, es: str, en: str, pt: str) -> str:
    if language.startswith("pt"):
        return pt or es
    if language.startswith("en"):
        return en or es
    return es


class Cohort(models.Model):
    """One delivery of a course to a group, by one or more trainers, over dated sessions."""

    course = models.ForeignKey(
        Course, on_delete=models.PROTECT, related_name="cohorts", verbose_name=_("course")
    )
    programme = models.ForeignKey(
        Programme, on_delete=models.PROTECT, related_name="cohorts", verbose_name=_("programme")
    )
    name = models.CharField(_("name"), max_length=120)
    trainers = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="training_cohorts", verbose_name=_("trainers")
    )
    is_virtual = models.BooleanField(_("virtual"), default=False)
    country = models.CharField(
        _("country"), max_length=2, choices=COUNTRY_CHOICES, blank=True, default=""
    )
    region = models.CharField(_("region"), max_length=10, blank=True, default="")
    city = models.CharField(_("city"), max_length=120, blank=True, default="")
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"))
    capacity = models.PositiveSmallIntegerField(_("capacity"))
    created_at = models.DateTimeField(auto_now_add=True)
    # The change sequence number of the last change (offline sync).
    changed_seq = models.BigIntegerField(null=True, blank=True, db_index=True)

    class Meta:
        verbose_name = _("cohort")
        verbose_name_plural = _("cohorts")
        ordering = ["-start_date", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__gte=models.F("start_date")), name="cohort_dates_ordered"
            ),
            models.CheckConstraint(condition=Q(capacity__gt=0), name="cohort_capacity_positive"),
            models.CheckConstraint(
                condition=Q(is_virtual=True) | ~Q(country=""), name="cohort_place_or_virtual"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class CohortSession(models.Model):
    cohort = models.ForeignKey(Cohort, on_delete=models.CASCADE, related_name="sessions")
    date = models.DateField(_("date"))
    module = models.CharField(_("module"), max_length=200, blank=True, default="")
    # The change sequence number of the last change (offline sync).
    changed_seq = models.BigIntegerField(null=True, blank=True, db_index=True)

    class Meta:
        verbose_name = _("session")
        verbose_name_plural = _("sessions")
        ordering = ["date", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["cohort", "date", "module"], name="session_unique_per_day_module"
            )
        ]

    def __str__(self) -> str:
        return f"{self.cohort} · {self.date}"


class EnrollmentStatus(models.TextChoices):
    ENROLLED = "enrolled", _("Enrolled")
    COMPLETED = "completed", _("Completed")
    DROPPED_OUT = "dropped_out", _("Dropped out")


def _score_range(field: str) -> models.CheckConstraint:
    return models.CheckConstraint(
        condition=Q(**{f"{field}__isnull": True}) | Q(**{f"{field}__gte": 0, f"{field}__lte": 100}),
        name=f"enrollment_{field}_range",
    )


class Enrollment(models.Model):
    cohort = models.ForeignKey(
        Cohort, on_delete=models.PROTECT, related_name="enrollments", verbose_name=_("cohort")
    )
    participant = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="enrollments"
    )
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=EnrollmentStatus.choices,
        default=EnrollmentStatus.ENROLLED,
    )
    pre_score = models.SmallIntegerField(_("pre-test score"), null=True, blank=True)
    post_score = models.SmallIntegerField(_("post-test score"), null=True, blank=True)
    completed_on = models.DateField(_("completed on"), null=True, blank=True)
    completion_rule = models.CharField(_("rule met"), max_length=200, blank=True, default="")
    enrolled_at = models.DateTimeField(auto_now_add=True)
    changed_seq = models.BigIntegerField(null=True, blank=True, db_index=True)

    class Meta:
        verbose_name = _("enrollment")
        verbose_name_plural = _("enrollments")
        ordering = ["cohort_id", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["cohort", "participant"], name="enrollment_once_per_cohort"
            ),
            _score_range("pre_score"),
            _score_range("post_score"),
            models.CheckConstraint(
                condition=~Q(status="completed") | Q(completed_on__isnull=False),
                name="enrollment_completed_has_date",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.cohort} · {self.participant_id}"


class AttendanceStatus(models.TextChoices):
    PRESENT = "present", _("Present")
    ABSENT = "absent", _("Absent")
    EXCUSED = "excused", _("Excused")


class Attendance(models.Model):
    """The current mark of one person at one session; its history is in AttendanceMark."""

    session = models.ForeignKey(
        CohortSession, on_delete=models.CASCADE, related_name="marks", verbose_name=_("session")
    )
    enrollment = models.ForeignKey(Enrollment, on_delete=models.CASCADE, related_name="marks")
    status = models.CharField(_("status"), max_length=8, choices=AttendanceStatus.choices)
    marked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    marked_at = models.DateTimeField(_("marked at"))
    # The record's id on the app's wire: chosen by the phone for rows it creates offline
    # (16 random characters, or a UUID), generated here for rows made on the server.
    sync_id = models.CharField(max_length=36, unique=True, default=new_sync_id, editable=False)
    changed_seq = models.BigIntegerField(null=True, blank=True, db_index=True)

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")
        constraints = [
            models.UniqueConstraint(
                fields=["session", "enrollment"], name="attendance_once_per_session"
            )
        ]
        indexes = [models.Index(fields=["enrollment", "status"])]

    def __str__(self) -> str:
        return f"{self.session_id} · {self.enrollment_id} · {self.status}"


class AttendanceMark(models.Model):
    """Every mark ever given, first one and corrections alike. Append-only."""

    attendance = models.ForeignKey(Attendance, on_delete=models.CASCADE, related_name="history")
    status = models.CharField(max_length=8, choices=AttendanceStatus.choices)
    marked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    marked_at = models.DateTimeField()

    class Meta:
        verbose_name = _("attendance mark")
        verbose_name_plural = _("attendance marks")
        ordering = ["marked_at", "id"]

    def __str__(self) -> str:
        return f"{self.attendance_id} · {self.status} · {self.marked_at:%Y-%m-%d %H:%M}"


class Certificate(models.Model):
    """A completion certificate. Its printed facts are frozen in `facts` when it is issued, so
    the PDF rendered from them later is the same document, whatever changes afterwards."""

    enrollment = models.ForeignKey(
        Enrollment, on_delete=models.PROTECT, related_name="certificates"
    )
    serial = models.CharField(_("serial"), max_length=40, unique=True)
    code = models.CharField(_("verification code"), max_length=20, unique=True)
    language = models.CharField(_("language"), max_length=5)
    facts = models.JSONField(_("printed facts"), default=dict)
    issued_at = models.DateTimeField(_("issued at"))
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    revoke_reason = models.CharField(
        _("reason for revoking"), max_length=300, blank=True, default=""
    )

    class Meta:
        verbose_name = _("certificate")
        verbose_name_plural = _("certificates")
        ordering = ["-issued_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["enrollment"],
                condition=Q(revoked_at__isnull=True),
                name="certificate_one_valid_per_enrollment",
            ),
            models.CheckConstraint(
                condition=Q(revoked_at__isnull=True) | ~Q(revoke_reason=""),
                name="certificate_revoked_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return self.serial

    @property
    def is_valid(self) -> bool:
        return self.revoked_at is None

    def holder_short_name(self) -> str:
        """First name and the initial of the last name: all the public page shows."""
        parts = str(self.facts.get("holder_name", "")).split()
        if not parts:
            return "—"
        return parts[0] if len(parts) == 1 else f"{parts[0]} {parts[-1][0]}."

    def fact(self, key: str) -> Any:
        return self.facts.get(key)


# --- verifiable credentials (Open Badges 3.0) -------------------------------------------------
# See credentials.py and docs/credentials.md. Keys and status lists belong to the organisation:
# it is the legal body that vouches for its programmes' certificates.

STATUS_LIST_BITS = 131_072  # 16 KiB: the smallest list the Bitstring Status List advises


class IssuerKey(models.Model):
    """One Ed25519 signing key of an organisation. The newest unretired key signs; retired
    keys stay published so that what they signed still verifies. The private half is stored
    encrypted (PKCS#8, with a secret from the settings) and is never shown by the API or admin."""

    organisation = models.ForeignKey(
        "programmes.Organisation",
        on_delete=models.PROTECT,
        related_name="credential_keys",
        verbose_name=_("organisation"),
    )
    kid = models.CharField(_("key id"), max_length=64, unique=True)
    public_jwk = models.JSONField(_("public key (JWK)"))
    private_key = models.BinaryField(editable=False)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    retired_at = models.DateTimeField(_("retired at"), null=True, blank=True)

    class Meta:
        verbose_name = _("issuer key")
        verbose_name_plural = _("issuer keys")
        ordering = ["organisation_id", "-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation"],
                condition=Q(retired_at__isnull=True),
                name="issuer_key_one_active_per_organisation",
            )
        ]

    def __str__(self) -> str:
        return self.kid


class StatusList(models.Model):
    """A published Bitstring Status List: one bit per credential, set when it is revoked."""

    organisation = models.ForeignKey(
        "programmes.Organisation",
        on_delete=models.PROTECT,
        related_name="credential_status_lists",
        verbose_name=_("organisation"),
    )
    size = models.PositiveIntegerField(default=STATUS_LIST_BITS)
    bits = models.BinaryField(editable=False)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("credential status list")
        verbose_name_plural = _("credential status lists")
        ordering = ["organisation_id", "id"]

    def __str__(self) -> str:
        return f"{self.organisation_id} · {self.pk}"


class Credential(models.Model):
    """The signed Open Badges credential of one certificate (a VC-JWT)."""

    certificate = models.OneToOneField(
        Certificate, on_delete=models.PROTECT, related_name="credential"
    )
    credential_id = models.CharField(max_length=60, unique=True)
    key = models.ForeignKey(IssuerKey, on_delete=models.PROTECT, related_name="credentials")
    status_list = models.ForeignKey(
        StatusList, on_delete=models.PROTECT, related_name="credentials"
    )
    status_index = models.PositiveIntegerField()
    token = models.TextField()
    issued_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("verifiable credential")
        verbose_name_plural = _("verifiable credentials")
        constraints = [
            models.UniqueConstraint(
                fields=["status_list", "status_index"], name="credential_one_bit_each"
            )
        ]

    def __str__(self) -> str:
        return self.credential_id
