import datetime as dt
from zoneinfo import ZoneInfo, available_timezones

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from backend.lib.geography import COUNTRY_CHOICES, CURRENCY_CHOICES, is_region_of

# IATI's OrganisationType codelist (version 2.03), the codes that fit this field's partners.
IATI_ORGANISATION_TYPES = [
    ("10", _("Government")),
    ("21", _("International NGO")),
    ("22", _("National NGO")),
    ("23", _("Regional NGO")),
    ("40", _("Multilateral")),
    ("60", _("Foundation")),
    ("70", _("Private sector")),
    ("80", _("Academic, training and research")),
]
IATI_REF_HELP = _(
    "The organisation's identifier in the IATI Registry, e.g. GB-CHC-202918 or XM-DAC-41304. "
    "Needed to export IATI results."
)


class Organisation(models.Model):
    """An implementing partner that runs programmes."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    country = models.CharField(_("country"), max_length=2, choices=COUNTRY_CHOICES)
    iati_identifier = models.CharField(
        _("IATI identifier"), max_length=100, blank=True, help_text=IATI_REF_HELP
    )
    iati_type = models.CharField(
        _("IATI organisation type"), max_length=2, choices=IATI_ORGANISATION_TYPES, default="22"
    )

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Funder(models.Model):
    code = models.SlugField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=200)
    iati_identifier = models.CharField(
        _("IATI identifier"), max_length=100, blank=True, help_text=IATI_REF_HELP
    )
    iati_type = models.CharField(
        _("IATI organisation type"), max_length=2, choices=IATI_ORGANISATION_TYPES, default="10"
    )

    class Meta:
        verbose_name = _("funder")
        verbose_name_plural = _("funders")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Programme(models.Model):
    """A funded piece of work in one country; everything participants do belongs to one."""

    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="programmes",
        verbose_name=_("organisation"),
    )
    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=200)
    country = models.CharField(_("country"), max_length=2, choices=COUNTRY_CHOICES)
    regions = models.JSONField(_("regions covered"), default=list, blank=True)
    currency = models.CharField(_("currency"), max_length=3, choices=CURRENCY_CHOICES)
    time_zone = models.CharField(_("time zone"), max_length=64, default="America/Bogota")
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"), null=True, blank=True)

    class Meta:
        verbose_name = _("programme")
        verbose_name_plural = _("programmes")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_date__isnull=True)
                | models.Q(end_date__gte=models.F("start_date")),
                name="programme_dates_ordered",
            )
        ]

    def __str__(self) -> str:
        return self.name

    def today(self) -> dt.date:
        """Today's date where the programme runs: business dates are judged against this."""
        return timezone.localdate(timezone=ZoneInfo(self.time_zone))

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if self.time_zone not in available_timezones():
            errors["time_zone"] = str(_("Unknown time zone."))
        bad = [r for r in self.regions or [] if not is_region_of(r, self.country)]
        if bad:
            message = _("These regions are not in the programme's country: %(r)s")
            errors["regions"] = str(message) % {"r": ", ".join(bad)}
        if errors:
            raise ValidationError(errors)


class Funding(models.Model):
    funder = models.ForeignKey(
        Funder, on_delete=models.PROTECT, related_name="fundings", verbose_name=_("funder")
    )
    programme = models.ForeignKey(
        Programme, on_delete=models.CASCADE, related_name="fundings", verbose_name=_("programme")
    )
    amount = models.DecimalField(_("amount"), max_digits=16, decimal_places=2)
    currency = models.CharField(_("currency"), max_length=3, choices=CURRENCY_CHOICES)
    period_start = models.DateField(_("period start"))
    period_end = models.DateField(_("period end"))

    class Meta:
        verbose_name = _("funding")
        verbose_name_plural = _("fundings")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(amount__gt=0), name="funding_amount_positive"
            ),
            models.CheckConstraint(
                condition=models.Q(period_end__gte=models.F("period_start")),
                name="funding_period_ordered",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.funder} → {self.programme}"


class Role(models.TextChoices):
    PARTICIPANT = "participant", _("Participant")
    TRAINER = "trainer", _("Trainer")
    MANAGER = "manager", _("Programme manager")


class Membership(models.Model):
    """A user's role in one programme. One user may hold different roles in different programmes."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="memberships",
        verbose_name=_("user"),
    )
    programme = models.ForeignKey(
        Programme, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("programme")
    )
    role = models.CharField(_("role"), max_length=12, choices=Role.choices)
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created"))

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "programme", "role"], name="membership_unique_role"
            ),
        ]
        indexes = [models.Index(fields=["programme", "role"])]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()} · {self.programme}"


class DonorViewer(models.Model):
    """A user who reads the aggregated figures of the programmes their funder funds."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="donor_seats",
        verbose_name=_("user"),
    )
    funder = models.ForeignKey(
        Funder, on_delete=models.CASCADE, related_name="viewers", verbose_name=_("funder")
    )

    class Meta:
        verbose_name = _("donor viewer")
        verbose_name_plural = _("donor viewers")
        constraints = [
            models.UniqueConstraint(fields=["user", "funder"], name="donor_viewer_unique")
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.funder}"


class Invitation(models.Model):
    """A manager's invitation for a person to join a programme, as a participant or a trainer.

    It grants nothing: the person is not a member, and no one at the programme sees them,
    until they accept it with a current consent on file; accepting creates the membership
    with the invitation's role. (Managers are appointed by an administrator, not invited.)
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="invitations"
    )
    programme = models.ForeignKey(
        Programme, on_delete=models.CASCADE, related_name="invitations", verbose_name=_("programme")
    )
    role = models.CharField(
        _("role"),
        max_length=12,
        choices=[(Role.PARTICIPANT, Role.PARTICIPANT.label), (Role.TRAINER, Role.TRAINER.label)],
        default=Role.PARTICIPANT,
    )
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="invitations_sent",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    declined_at = models.DateTimeField(_("declined at"), null=True, blank=True)

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "programme", "role"], name="invitation_unique_role"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} → {self.programme}"

    @property
    def pending(self) -> bool:
        return self.accepted_at is None and self.declined_at is None


class ImportKind(models.TextChoices):
    PARTICIPANTS = "participants", _("Participants")
    ENROLMENTS = "enrolments", _("Cohort enrolments")


class ImportMapping(models.Model):
    """How a programme's spreadsheets' columns map to profile fields, kept for the next file."""

    programme = models.ForeignKey(
        Programme, on_delete=models.CASCADE, related_name="import_mappings"
    )
    kind = models.CharField(max_length=20, choices=ImportKind.choices)
    columns = models.JSONField(default=dict)  # column header -> field key
    purposes = models.JSONField(default=list)  # consent purposes the paper forms cover
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("import mapping")
        verbose_name_plural = _("import mappings")
        constraints = [
            models.UniqueConstraint(fields=["programme", "kind"], name="import_mapping_unique")
        ]

    def __str__(self) -> str:
        return f"{self.programme} · {self.kind}"


class ImportJob(models.Model):
    """One uploaded file, from its dry run to its import. The file is dropped once done."""

    class Status(models.TextChoices):
        UPLOADED = "uploaded", _("Uploaded")
        CHECKED = "checked", _("Checked")
        QUEUED = "queued", _("Waiting to start")
        RUNNING = "running", _("Importing")
        DONE = "done", _("Imported")
        FAILED = "failed", _("Failed")
        DISCARDED = "discarded", _("Discarded")

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="import_jobs")
    kind = models.CharField(max_length=20, choices=ImportKind.choices)
    cohort = models.ForeignKey(
        "training.Cohort", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    filename = models.CharField(max_length=200)
    content = models.BinaryField(default=b"")  # emptied when the job no longer needs it
    columns = models.JSONField(default=dict)
    purposes = models.JSONField(default=list)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.UPLOADED)
    total_rows = models.PositiveIntegerField(default=0)
    valid_rows = models.PositiveIntegerField(default=0)
    processed_rows = models.PositiveIntegerField(default=0)
    added_rows = models.PositiveIntegerField(default=0)
    problems = models.JSONField(default=list)  # [{"line", "field", "code", "params"}]
    error = models.CharField(max_length=300, blank=True, default="")
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("import job")
        verbose_name_plural = _("import jobs")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.filename} · {self.status}"


class ImportedPerson(models.Model):
    """A person's identity document as an import knew them, so a later file finds them again.

    Only a keyed hash of the document type and number is kept, never the number itself.
    """

    programme = models.ForeignKey(
        Programme, on_delete=models.CASCADE, related_name="imported_people"
    )
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    document_key = models.CharField(max_length=64)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "document_key"], name="imported_person_unique_document"
            )
        ]

    def __str__(self) -> str:
        return f"{self.programme_id} · {self.user_id}"
