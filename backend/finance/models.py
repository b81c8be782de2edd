"""Financial literacy, learners' progress, savings goals, reference rates and the directory.

Lesson content is data staff edit in the admin, in three languages side by side (``_es``,
``_en``, ``_pt`` columns) so a missing translation is visible on one screen. Progress, quiz
attempts and savings movements are append-only: services only ever insert them.

``changed_seq`` columns are left empty here; the sync engine numbers changed rows in them.
"""

from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from backend.accounts.models import IdDocument
from backend.lib.geography import COUNTRY_CHOICES, CURRENCY_CHOICES
from backend.sync.changes import new_sync_id

LANGUAGE_SUFFIXES = {"es": "es", "en": "en", "pt-br": "pt", "pt": "pt"}


def suffix_for(language: str) -> str:
    """The column suffix holding text in ``language`` ("pt-br" → "pt")."""
    return LANGUAGE_SUFFIXES.get(language.lower(), "es")


class Translated(models.Model):
    """Read ``text_for("title", "pt-br")`` instead of picking columns by hand."""

    class Meta:
        abstract = True

    def text_for(self, field: str, language: str) -> str:
        return str(getattr(self, f"{field}_{suffix_for(language)}"))


def _text(label: Any, lang: str, *, long: bool = False) -> models.Field[str, str]:
    verbose = format_lazy("{} ({})", label, lang)
    if long:
        return models.TextField(verbose)
    return models.CharField(verbose, max_length=300)


class Module(Translated):
    code = models.SlugField(_("code"), max_length=40, unique=True)
    title_es = _text(_("title"), "es")
    title_en = _text(_("title"), "en")
    title_pt = _text(_("title"), "pt")
    version = models.CharField(
        _("content version"),
        max_length=40,
        blank=True,
        default="",
        help_text=_("The version in the manifest of the content pack it was last loaded from."),
    )
    updated_at = models.DateTimeField(auto_now=True, verbose_name=_("updated"))

    class Meta:
        verbose_name = _("literacy module")
        verbose_name_plural = _("literacy modules")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.code


class Lesson(Translated):
    module = models.ForeignKey(
        Module, on_delete=models.PROTECT, related_name="lessons", verbose_name=_("module")
    )
    order = models.PositiveSmallIntegerField(_("order"))
    slug = models.SlugField(_("slug"), max_length=60)
    title_es = _text(_("title"), "es")
    title_en = _text(_("title"), "en")
    title_pt = _text(_("title"), "pt")
    body_es = _text(_("body"), "es", long=True)
    body_en = _text(_("body"), "en", long=True)
    body_pt = _text(_("body"), "pt", long=True)
    updated_at = models.DateTimeField(auto_now=True, verbose_name=_("updated"))
    changed_seq = models.BigIntegerField(null=True, blank=True, editable=False, db_index=True)

    class Meta:
        verbose_name = _("lesson")
        verbose_name_plural = _("lessons")
        ordering = ["module", "order"]
        constraints = [
            models.UniqueConstraint(fields=["module", "order"], name="lesson_order_unique"),
            models.UniqueConstraint(fields=["module", "slug"], name="lesson_slug_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.module_id}.{self.order} {self.title_es}"


class LiveQuestions(models.Manager["QuizQuestion"]):
    """Questions still asked: one taken out of its content pack stays only for past answers."""

    def get_queryset(self) -> models.QuerySet["QuizQuestion"]:
        return super().get_queryset().filter(retired_at__isnull=True)


class QuizQuestion(Translated):
    """A question about one lesson: in its quiz, or in the module's pre- and post-test.

    ``objects`` (and ``lesson.questions``) hold the questions still asked. A question removed
    from its content pack is retired, not deleted, so past answers keep pointing at its text
    (``answer.question`` reads it through the base manager, which filters nothing).
    """

    lesson = models.ForeignKey(
        Lesson, on_delete=models.CASCADE, related_name="questions", verbose_name=_("lesson")
    )
    order = models.PositiveSmallIntegerField(_("order"))
    key = models.SlugField(
        _("key"),
        max_length=40,
        blank=True,
        default="",
        help_text=_("The question's id in its content pack, stable across edits."),
    )
    retired_at = models.DateTimeField(
        _("retired"),
        null=True,
        blank=True,
        help_text=_("Taken out of the content pack: no longer asked, kept for past answers."),
    )
    in_knowledge_test = models.BooleanField(
        _("in the knowledge test"),
        default=False,
        help_text=_(
            "Asked in the module's pre-test and post-test instead of the lesson's quiz. "
            "Changing this after learners took the test makes their scores incomparable."
        ),
    )
    text_es = _text(_("question"), "es")
    text_en = _text(_("question"), "en")
    text_pt = _text(_("question"), "pt")

    objects = LiveQuestions()

    class Meta:
        verbose_name = _("quiz question")
        verbose_name_plural = _("quiz questions")
        ordering = ["lesson", "order"]
        constraints = [
            models.UniqueConstraint(
                fields=["lesson", "order"],
                condition=models.Q(retired_at__isnull=True),
                name="question_order_unique",
            ),
            models.UniqueConstraint(
                fields=["lesson", "key"], condition=~models.Q(key=""), name="question_key_unique"
            ),
        ]

    def __str__(self) -> str:
        return self.text_es


class QuizChoice(Translated):
    question = models.ForeignKey(QuizQuestion, on_delete=models.CASCADE, related_name="choices")
    order = models.PositiveSmallIntegerField(_("order"))
    is_correct = models.BooleanField(_("correct"), default=False)
    text_es = _text(_("answer"), "es")
    text_en = _text(_("answer"), "en")
    text_pt = _text(_("answer"), "pt")
    explanation_es = _text(_("explanation"), "es", long=True)
    explanation_en = _text(_("explanation"), "en", long=True)
    explanation_pt = _text(_("explanation"), "pt", long=True)

    class Meta:
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        ordering = ["question", "order"]
        constraints = [
            models.UniqueConstraint(fields=["question", "order"], name="choice_order_unique")
        ]

    def __str__(self) -> str:
        return self.text_es


class LessonProgress(models.Model):
    """A learner finished reading a lesson. One row per learner and lesson, never changed."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="lesson_progress"
    )
    lesson = models.ForeignKey(
        Lesson, on_delete=models.PROTECT, related_name="progress", verbose_name=_("lesson")
    )
    completed_at = models.DateTimeField(_("completed at"), default=timezone.now)
    # The record's id on the app's wire: chosen by the phone for rows it creates offline
    # (16 random characters, or a UUID), generated here for rows made on the server.
    # Unique per owner only: another person's id is a fresh one (see Venture.sync_id).
    sync_id = models.CharField(max_length=36, default=new_sync_id, editable=False)
    changed_seq = models.BigIntegerField(null=True, blank=True, editable=False, db_index=True)

    class Meta:
        verbose_name = _("lesson completion")
        verbose_name_plural = _("lesson completions")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "sync_id"], name="lesson_progress_sync_id_per_owner"
            ),
            models.UniqueConstraint(fields=["user", "lesson"], name="lesson_progress_once"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} · {self.lesson_id}"


class AttemptKind(models.TextChoices):
    QUIZ = "quiz", _("Lesson quiz")
    PRE = "pre", _("Pre-test")
    POST = "post", _("Post-test")


class QuizAttempt(models.Model):
    """One sitting of a lesson quiz, or of the module's pre-test or post-test.

    ``score`` is the share of right answers in points from 0 to 100; knowledge gain is a
    learner's post-test score minus their pre-test score.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="quiz_attempts"
    )
    kind = models.CharField(_("kind"), max_length=4, choices=AttemptKind.choices)
    module = models.ForeignKey(
        Module, on_delete=models.PROTECT, related_name="attempts", verbose_name=_("module")
    )
    lesson = models.ForeignKey(
        Lesson,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="attempts",
        verbose_name=_("lesson"),
    )
    correct = models.PositiveSmallIntegerField(_("right answers"))
    total = models.PositiveSmallIntegerField(_("questions"))
    score = models.PositiveSmallIntegerField(_("score (0-100)"))
    answered_at = models.DateTimeField(_("answered at"), default=timezone.now)
    # The record's id on the app's wire: chosen by the phone for rows it creates offline
    # (16 random characters, or a UUID), generated here for rows made on the server.
    # Unique per owner only: another person's id is a fresh one (see Venture.sync_id).
    sync_id = models.CharField(max_length=36, default=new_sync_id, editable=False)
    changed_seq = models.BigIntegerField(null=True, blank=True, editable=False, db_index=True)

    class Meta:
        verbose_name = _("quiz attempt")
        verbose_name_plural = _("quiz attempts")
        ordering = ["-answered_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "sync_id"], name="quiz_attempt_sync_id_per_owner"
            ),
            models.CheckConstraint(
                condition=(models.Q(kind="quiz") & models.Q(lesson__isnull=False))
                | (models.Q(kind__in=["pre", "post"]) & models.Q(lesson__isnull=True)),
                name="attempt_lesson_matches_kind",
            ),
            models.CheckConstraint(
                condition=models.Q(total__gt=0)
                & models.Q(correct__lte=models.F("total"))
                & models.Q(score__lte=100),
                name="attempt_score_in_range",
            ),
            # A learner takes the pre-test once and the post-test once per module.
            models.UniqueConstraint(
                fields=["user", "module", "kind"],
                condition=models.Q(kind__in=["pre", "post"]),
                name="attempt_one_test_each",
            ),
        ]
        indexes = [models.Index(fields=["module", "kind", "user"])]

    def __str__(self) -> str:
        return f"{self.user_id} · {self.kind} · {self.score}"


class QuizAnswer(models.Model):
    attempt = models.ForeignKey(QuizAttempt, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(QuizQuestion, on_delete=models.PROTECT, related_name="+")
    choice = models.ForeignKey(QuizChoice, on_delete=models.PROTECT, related_name="+")
    is_correct = models.BooleanField()

    class Meta:
        verbose_name = _("quiz answer")
        verbose_name_plural = _("quiz answers")
        constraints = [
            models.UniqueConstraint(fields=["attempt", "question"], name="answer_once_per_attempt")
        ]

    def __str__(self) -> str:
        return f"{self.attempt_id} · {self.question_id}"


class SavingsGoal(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="savings_goals"
    )
    programme = models.ForeignKey(
        "programmes.Programme",
        on_delete=models.PROTECT,
        related_name="savings_goals",
        verbose_name=_("programme"),
    )
    name = models.CharField(_("name"), max_length=120)
    target_amount = models.DecimalField(_("target"), max_digits=16, decimal_places=2)
    currency = models.CharField(_("currency"), max_length=3, choices=CURRENCY_CHOICES)
    target_date = models.DateField(_("target date"), null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now, verbose_name=_("created"))
    # The record's id on the app's wire: chosen by the phone for rows it creates offline
    # (16 random characters, or a UUID), generated here for rows made on the server.
    # Unique per owner only: another person's id is a fresh one (see Venture.sync_id).
    sync_id = models.CharField(max_length=36, default=new_sync_id, editable=False)
    changed_seq = models.BigIntegerField(null=True, blank=True, editable=False, db_index=True)

    class Meta:
        verbose_name = _("savings goal")
        verbose_name_plural = _("savings goals")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "sync_id"], name="savings_goal_sync_id_per_owner"
            ),
            models.CheckConstraint(
                condition=models.Q(target_amount__gt=0), name="savings_goal_target_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.pk} · {self.currency} {self.target_amount}"


class MovementKind(models.TextChoices):
    DEPOSIT = "deposit", _("Deposit")
    WITHDRAWAL = "withdrawal", _("Withdrawal")


class SavingsMovement(models.Model):
    """Money put into or taken out of a goal, in the goal's currency. Never edited."""

    goal = models.ForeignKey(SavingsGoal, on_delete=models.CASCADE, related_name="movements")
    # The goal's owner, kept on the row so the database itself holds each owner's ids unique:
    # a phone holds all of its owner's movements (of every goal) in one table keyed by id.
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        editable=False,
        verbose_name=_("owner"),
    )
    kind = models.CharField(_("kind"), max_length=10, choices=MovementKind.choices)
    amount = models.DecimalField(_("amount"), max_digits=16, decimal_places=2)
    occurred_on = models.DateField(_("date"))
    note = models.CharField(_("note"), max_length=200, blank=True, default="")
    created_at = models.DateTimeField(default=timezone.now)
    # The record's id on the app's wire: chosen by the phone for rows it creates offline
    # (16 random characters, or a UUID), generated here for rows made on the server.
    # Unique per owner only: another person's id is a fresh one (see Venture.sync_id).
    sync_id = models.CharField(max_length=36, default=new_sync_id, editable=False)
    changed_seq = models.BigIntegerField(null=True, blank=True, editable=False, db_index=True)

    class Meta:
        verbose_name = _("savings movement")
        verbose_name_plural = _("savings movements")
        ordering = ["-occurred_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["owner", "sync_id"], name="savings_movement_sync_id_per_owner"
            ),
            models.CheckConstraint(
                condition=models.Q(amount__gt=0), name="savings_movement_amount_positive"
            ),
        ]
        indexes = [models.Index(fields=["goal", "kind"])]

    def __str__(self) -> str:
        return f"{self.goal_id} · {self.kind} {self.amount}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.owner_id is None:
            self.owner_id = self.goal.user_id  # a goal's movements are its owner's
        super().save(*args, **kwargs)

    @property
    def signed_amount(self) -> Decimal:
        return self.amount if self.kind == MovementKind.DEPOSIT else -self.amount


class ReferenceRate(models.Model):
    """A published annual rate staff compare loans with (a usury cap, a market average...)."""

    country = models.CharField(_("country"), max_length=2, choices=COUNTRY_CHOICES)
    name = models.CharField(
        _("name"),
        max_length=160,
        help_text=_('What the rate is, e.g. "usury ceiling for microcredit".'),
    )
    annual_rate = models.DecimalField(
        _("effective annual rate (%)"),
        max_digits=9,
        decimal_places=4,
        help_text=_("In percent per year, effective (compounded): 26.5 means 26.5%."),
    )
    source = models.CharField(
        _("source"), max_length=300, help_text=_("Who publishes it, with a link if there is one.")
    )
    as_of = models.DateField(_("valid from"))
    is_sample = models.BooleanField(
        _("sample value"),
        default=False,
        help_text=_("Demo data: an invented figure that must not be shown as real."),
    )

    class Meta:
        verbose_name = _("reference rate")
        verbose_name_plural = _("reference rates")
        ordering = ["country", "name", "-as_of"]
        constraints = [
            models.UniqueConstraint(
                fields=["country", "name", "as_of"], name="reference_rate_unique"
            ),
            models.CheckConstraint(
                condition=models.Q(annual_rate__gt=0), name="reference_rate_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.country} · {self.name} · {self.as_of}"


class ProviderKind(models.TextChoices):
    BANK = "bank", _("Bank")
    COOPERATIVE = "cooperative", _("Savings and credit cooperative")
    MICROFINANCE = "microfinance", _("Microfinance institution")
    FINTECH = "fintech", _("Fintech")
    WALLET = "wallet", _("Mobile wallet")


class Product(models.TextChoices):
    ACCOUNT = "account", _("Account")
    CREDIT = "credit", _("Credit")
    SAVINGS = "savings", _("Savings")
    TRANSFERS = "transfers", _("Transfers and remittances")


class FinancialProvider(models.Model):
    """An entry of the directory. Products are flags so the database can filter on them."""

    country = models.CharField(_("country"), max_length=2, choices=COUNTRY_CHOICES)
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=12, choices=ProviderKind.choices)
    offers_account = models.BooleanField(_("accounts"), default=False)
    offers_credit = models.BooleanField(_("credit"), default=False)
    offers_savings = models.BooleanField(_("savings"), default=False)
    offers_transfers = models.BooleanField(_("transfers"), default=False)
    how_to_reach = models.TextField(
        _("how to reach them"), blank=True, default="", help_text=_("Offices, hours, channels.")
    )
    phone = models.CharField(_("phone"), max_length=40, blank=True, default="")
    website = models.URLField(_("website"), blank=True, default="")
    notes = models.TextField(_("notes for participants"), blank=True, default="")
    is_sample = models.BooleanField(
        _("sample entry"), default=False, help_text=_("Fictional demo entry.")
    )
    is_active = models.BooleanField(_("listed"), default=True)
    updated_at = models.DateTimeField(auto_now=True, verbose_name=_("updated"))

    class Meta:
        verbose_name = _("financial provider")
        verbose_name_plural = _("financial providers")
        ordering = ["country", "name"]
        constraints = [
            models.UniqueConstraint(fields=["country", "name"], name="provider_name_unique")
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def products(self) -> list[str]:
        return [p for p in Product.values if getattr(self, f"offers_{p}")]


class AcceptedDocument(models.Model):
    provider = models.ForeignKey(
        FinancialProvider, on_delete=models.CASCADE, related_name="accepted_documents"
    )
    document = models.CharField(_("document"), max_length=20, choices=IdDocument.choices)

    class Meta:
        verbose_name = _("accepted document")
        verbose_name_plural = _("accepted documents")
        constraints = [
            models.UniqueConstraint(fields=["provider", "document"], name="provider_document_once")
        ]
        indexes = [models.Index(fields=["document", "provider"])]

    def __str__(self) -> str:
        return self.document
