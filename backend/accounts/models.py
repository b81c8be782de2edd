from typing import Any, ClassVar

from allauth.mfa.models import Authenticator
from allauth.usersessions.models import UserSession
from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.db.models.functions import Length
from django.db.models.lookups import GreaterThanOrEqual, LessThanOrEqual
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Language(models.TextChoices):
    SPANISH = "es", _("Spanish")
    ENGLISH = "en", _("English")
    PORTUGUESE = "pt-br", _("Brazilian Portuguese")


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(
        self, email: str | None = None, password: str | None = None, **extra: Any
    ) -> "User":
        user = self.model(email=self.normalize_email(email) or None, **extra)
        if password:
            user.set_password(password)
        else:
            user.set_unusable_password()
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str, **extra: Any) -> "User":
        extra.update(is_staff=True, is_superuser=True)
        return self.create_user(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    """A person who signs in: a participant (usually by phone), a trainer, staff or a donor.

    Email is optional because many participants have none; phone is unique when present.
    """

    email = models.EmailField(_("email"), unique=True, null=True, blank=True)
    phone = models.CharField(_("phone"), max_length=16, unique=True, null=True, blank=True)
    phone_verified = models.BooleanField(_("phone verified"), default=False)
    preferred_language = models.CharField(
        _("preferred language"), max_length=5, choices=Language.choices, default=Language.SPANISH
    )
    is_staff = models.BooleanField(_("staff status"), default=False)
    is_active = models.BooleanField(_("active"), default=True)
    date_joined = models.DateTimeField(_("date joined"), default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = []

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            # E.164 shape without REGEXP, so plain SQLite tools can check the file too; the
            # digits themselves are checked by accounts.phones before anything is stored.
            models.CheckConstraint(
                condition=models.Q(phone__isnull=True)
                | (
                    models.Q(phone__startswith="+")
                    & GreaterThanOrEqual(Length("phone"), 8)
                    & LessThanOrEqual(Length("phone"), 16)
                ),
                name="user_phone_e164",
            ),
            # A person without an email has NULL, never "": unique would let only one blank in.
            models.CheckConstraint(
                condition=models.Q(email__isnull=True) | ~models.Q(email=""),
                name="user_email_null_not_blank",
            ),
        ]

    def __str__(self) -> str:
        return self.email or self.phone or f"user {self.pk}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        # Sign-up forms and allauth hand over "" for a missing email or phone; stored as NULL,
        # so any number of people can sign up with a phone only (the columns are unique).
        if not self.email:
            self.email = None
        if not self.phone:
            self.phone = None
        super().save(*args, **kwargs)

    def get_username(self) -> str:
        return str(self)

    @property
    def language(self) -> str:
        return self.preferred_language or settings.LANGUAGE_CODE


class PreferNotToSay(models.TextChoices):
    """Every sensitive question accepts this answer."""

    PREFER_NOT = "prefer_not_to_say", _("Prefer not to say")


class Sex(models.TextChoices):
    FEMALE = "female", _("Female")
    MALE = "male", _("Male")
    OTHER = "other", _("Other")
    PREFER_NOT = "prefer_not_to_say", _("Prefer not to say")


class PopulationGroup(models.TextChoices):
    REFUGEE_MIGRANT = "refugee_migrant", _("Refugee or migrant from Venezuela")
    RETURNEE = "returnee", _("Returnee")
    HOST = "host_community", _("Host community")
    PREFER_NOT = "prefer_not_to_say", _("Prefer not to say")


class Difficulty(models.TextChoices):
    """The four answers of the Washington Group short set."""

    NONE = "no_difficulty", _("No difficulty")
    SOME = "some_difficulty", _("Some difficulty")
    A_LOT = "a_lot_of_difficulty", _("A lot of difficulty")
    CANNOT = "cannot_do_at_all", _("Cannot do at all")
    PREFER_NOT = "prefer_not_to_say", _("Prefer not to say")


class Education(models.TextChoices):
    NONE = "none", _("No formal education")
    PRIMARY = "primary", _("Primary")
    SECONDARY = "secondary", _("Secondary")
    TECHNICAL = "technical", _("Technical or vocational")
    UNIVERSITY = "university", _("University")
    PREFER_NOT = "prefer_not_to_say", _("Prefer not to say")


class IdDocument(models.TextChoices):
    PPT = "co_ppt", _("PPT (Colombia, temporary protection permit)")
    PEP = "co_pep", _("PEP (Colombia, special stay permit)")
    CO_CE = "co_ce", _("Cédula de extranjería (Colombia)")
    CPP = "pe_cpp", _("CPP (Peru, temporary stay permit)")
    PE_CE = "pe_ce", _("Carné de extranjería (Peru)")
    EC_VISA = "ec_virte", _("VIRTE visa (Ecuador)")
    PASSPORT = "passport", _("Passport")
    NATIONAL_ID = "national_id", _("National ID card")
    ASYLUM = "asylum_claim", _("Asylum-seeker document")
    NONE = "none", _("No document")
    PREFER_NOT = "prefer_not_to_say", _("Prefer not to say")


WASHINGTON_GROUP_FIELDS = (
    "wg_seeing",
    "wg_hearing",
    "wg_walking",
    "wg_cognition",
    "wg_selfcare",
    "wg_communication",
)


def _difficulty_field(label: Any) -> models.CharField:
    return models.CharField(
        label, max_length=20, choices=Difficulty.choices, blank=True, default=""
    )


class ParticipantProfile(models.Model):
    """What a participant tells us about themselves. Every field is optional.

    Only what an indicator breaks down by is asked; "prefer not to say" is always accepted and
    is stored as such (a blank field means "not asked").
    """

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="profile")
    display_name = models.CharField(_("display name"), max_length=120, blank=True, default="")
    sex = models.CharField(_("sex"), max_length=20, choices=Sex.choices, blank=True, default="")
    birth_year = models.PositiveSmallIntegerField(_("birth year"), null=True, blank=True)
    nationality = models.CharField(_("nationality"), max_length=20, blank=True, default="")
    population_group = models.CharField(
        _("population group"),
        max_length=20,
        choices=PopulationGroup.choices,
        blank=True,
        default="",
    )
    country = models.CharField(_("country of residence"), max_length=2, blank=True, default="")
    region = models.CharField(_("region of residence"), max_length=10, blank=True, default="")
    wg_seeing = _difficulty_field(_("difficulty seeing"))
    wg_hearing = _difficulty_field(_("difficulty hearing"))
    wg_walking = _difficulty_field(_("difficulty walking or climbing steps"))
    wg_cognition = _difficulty_field(_("difficulty remembering or concentrating"))
    wg_selfcare = _difficulty_field(_("difficulty with self-care"))
    wg_communication = _difficulty_field(_("difficulty communicating"))
    education_level = models.CharField(
        _("education level"), max_length=20, choices=Education.choices, blank=True, default=""
    )
    id_document_type = models.CharField(
        _("identity document"), max_length=20, choices=IdDocument.choices, blank=True, default=""
    )
    id_document_expiry = models.DateField(_("document expiry (month)"), null=True, blank=True)
    gender_identity = models.CharField(
        _("gender identity (self-described)"), max_length=80, blank=True, default=""
    )
    updated_at = models.DateTimeField(auto_now=True, verbose_name=_("updated"))

    class Meta:
        verbose_name = _("participant profile")
        verbose_name_plural = _("participant profiles")

    def __str__(self) -> str:
        return self.display_name or str(self.user_id)

    @property
    def has_disability(self) -> bool | None:
        """Washington Group short set: a disability when any answer is 'a lot' or 'cannot'.

        None when the questions were not answered at all.
        """
        answers = [getattr(self, f) for f in WASHINGTON_GROUP_FIELDS]
        if any(a in (Difficulty.A_LOT, Difficulty.CANNOT) for a in answers):
            return True
        if all(a in ("", Difficulty.PREFER_NOT) for a in answers):
            return None
        return False


class ConsentNotice(models.Model):
    """A version of the privacy notice, in the three languages, with the purposes it asks for."""

    version = models.CharField(_("version"), max_length=20, unique=True)
    text_es = models.TextField(_("text (Spanish)"))
    text_en = models.TextField(_("text (English)"))
    text_pt = models.TextField(_("text (Portuguese)"))
    purposes = models.JSONField(_("purposes"), default=list)
    published_at = models.DateTimeField(_("published at"), default=timezone.now)

    class Meta:
        verbose_name = _("consent notice")
        verbose_name_plural = _("consent notices")
        ordering = ["-published_at"]

    def __str__(self) -> str:
        return self.version

    def text_for(self, language: str) -> str:
        if language.startswith("pt"):
            return self.text_pt
        return self.text_en if language.startswith("en") else self.text_es


class ConsentChannel(models.TextChoices):
    APP = "app", _("In the app")
    PAPER = "paper", _("On paper")
    VERBAL = "verbal", _("Verbally, with a staff witness")


class Consent(models.Model):
    """A participant's consent to a notice version; append-only (a withdrawal is a new row)."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="consents")
    notice = models.ForeignKey(
        ConsentNotice, on_delete=models.PROTECT, related_name="consents", verbose_name=_("notice")
    )
    channel = models.CharField(_("channel"), max_length=10, choices=ConsentChannel.choices)
    purposes = models.JSONField(_("purposes"), default=list)
    given_at = models.DateTimeField(_("given at"), default=timezone.now)
    witness = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="witnessed_consents"
    )
    withdrawn = models.BooleanField(_("withdrawn"), default=False)

    class Meta:
        verbose_name = _("consent")
        verbose_name_plural = _("consents")
        ordering = ["-given_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(channel="verbal") | models.Q(witness__isnull=False),
                name="consent_verbal_needs_witness",
            )
        ]

    def __str__(self) -> str:
        return f"{self.user_id} · {self.notice_id} · {self.given_at:%Y-%m-%d}"


class ErasureRequest(models.Model):
    """A participant's request to be forgotten; due within 30 days of confirmation."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for confirmation")
        CONFIRMED = "confirmed", _("Confirmed")
        DONE = "done", _("Done")

    # After erasure this still points at the (now anonymous) user row, so managers of the
    # person's programmes can see the request was carried out.
    user = models.ForeignKey(User, on_delete=models.PROTECT, related_name="erasure_requests")
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    requested_at = models.DateTimeField(default=timezone.now, verbose_name=_("requested"))
    confirmed_at = models.DateTimeField(null=True, blank=True)
    due_at = models.DateTimeField(null=True, blank=True, verbose_name=_("due"))
    completed_at = models.DateTimeField(null=True, blank=True, verbose_name=_("completed"))

    class Meta:
        verbose_name = _("erasure request")
        verbose_name_plural = _("erasure requests")
        ordering = ["due_at", "requested_at"]

    def __str__(self) -> str:
        return f"{self.pk} · {self.status}"


class AuditEvent(models.Model):
    """Who did what to whose personal data, and when. Append-only; admins read it."""

    at = models.DateTimeField(default=timezone.now, db_index=True, verbose_name=_("when"))
    actor = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("done by")
    )
    action = models.CharField(_("action"), max_length=40)
    subject = models.ForeignKey(
        User,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("person concerned"),
    )
    object_type = models.CharField(
        max_length=60, blank=True, default="", verbose_name=_("object type")
    )
    object_id = models.CharField(max_length=60, blank=True, default="", verbose_name=_("object id"))
    detail = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_id} {self.action}"


class SecondFactor(Authenticator):
    """allauth's second factors (TOTP, recovery codes), named in the staff's language."""

    class Meta:
        proxy = True
        verbose_name = _("second factor")
        verbose_name_plural = _("second factors")


class SignInSession(UserSession):
    """allauth's record of where an account is signed in, named in the staff's language."""

    class Meta:
        proxy = True
        verbose_name = _("sign-in session")
        verbose_name_plural = _("sign-in sessions")
