"""Demo data of the finance app: learners' progress, savings, sample reference rates and a
fictional provider directory.

Every rate and provider here is invented and marked as a sample (in its name and its
``is_sample`` flag): the product makes no claims about real banks or published rates.
Idempotent: reference rates and providers are looked up by name, and a participant who
already has a pre-test or a savings goal is left alone.
"""

import datetime as dt
import random
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from backend.finance.models import (
    AcceptedDocument,
    FinancialProvider,
    Lesson,
    LessonProgress,
    Module,
    QuizAnswer,
    QuizAttempt,
    QuizQuestion,
    ReferenceRate,
    SavingsGoal,
    SavingsMovement,
)
from backend.programmes.models import Membership, Programme, Role

SAMPLE_SOURCE = "Cifra inventada para la demostración (muestra); se reemplaza por la tasa oficial."
REFERENCE_RATES = [
    ("CO", "Tasa de usura, microcrédito (muestra)", "56.0000", dt.date(2026, 1, 1)),
    ("CO", "Crédito de consumo, tasa media (muestra)", "24.5000", dt.date(2026, 1, 1)),
    ("PE", "Microempresa, tasa media del sistema (muestra)", "36.0000", dt.date(2026, 1, 1)),
    ("EC", "Microcrédito minorista, tasa máxima (muestra)", "28.5000", dt.date(2026, 1, 1)),
]

# (country, name, kind, products, accepted documents, how to reach them)
PROVIDERS = [
    ("CO", "Banco Ejemplo Colombia (muestra)", "bank", ("account", "credit", "savings"),
     ("co_ppt", "co_ce", "national_id"), "Oficinas en Bogotá y Cúcuta, lunes a viernes 8-16."),
    ("CO", "Cooperativa Ejemplo Frontera (muestra)", "cooperative", ("savings", "credit"),
     ("co_ppt", "co_pep", "co_ce", "national_id"), "Sede en Cúcuta; asesoría los sábados."),
    ("CO", "Billetera Ejemplo (muestra)", "wallet", ("account", "transfers"),
     ("co_ppt", "co_pep", "national_id"), "Se abre desde la aplicación, con el documento."),
    ("CO", "Microcréditos Ejemplo (muestra)", "microfinance", ("credit",),
     ("co_ppt", "co_ce", "passport", "national_id"), "Asesores que visitan el negocio."),
    ("PE", "Caja Ejemplo Lima (muestra)", "microfinance", ("account", "savings", "credit"),
     ("pe_cpp", "pe_ce", "passport", "national_id"), "Agencias en Lima y Callao."),
    ("PE", "Banco Ejemplo Perú (muestra)", "bank", ("account", "credit", "transfers"),
     ("pe_ce", "national_id"), "Banca por teléfono y agencias en todo el país."),
    ("PE", "Cooperativa Ejemplo Piura (muestra)", "cooperative", ("savings", "credit"),
     ("pe_cpp", "pe_ce", "national_id"), "Oficinas en Piura y Tacna."),
    ("PE", "Fintech Ejemplo Envíos (muestra)", "fintech", ("transfers",),
     ("pe_cpp", "pe_ce", "passport", "national_id"), "Solo en línea, atención por chat."),
    ("EC", "Cooperativa Ejemplo Quito (muestra)", "cooperative", ("account", "savings", "credit"),
     ("ec_virte", "national_id", "passport"), "Agencias en el norte y sur de Quito."),
    ("EC", "Banco Ejemplo Ecuador (muestra)", "bank", ("account", "transfers"),
     ("ec_virte", "national_id"), "Agencias en Quito; cita previa por teléfono."),
]  # fmt: skip

GOAL_NAMES = [
    "Fondo de emergencias", "Máquina de coser", "Nevera para el negocio", "Depósito del arriendo",
    "Útiles escolares", "Horno industrial", "Carrito de venta", "Mercancía de diciembre",
]  # fmt: skip
TARGETS = {"COP": (300_000, 2_000_000, 10_000), "PEN": (200, 1500, 10), "USD": (100, 600, 5)}


def seed(*, scale: str, rng: random.Random) -> None:
    ensure_reference_rates()
    ensure_providers()
    module = Module.objects.filter(code="core").first()
    if module is None:  # pragma: no cover - the data migration always loads it
        return
    content = _Content.load(module)
    memberships = (
        Membership.objects.filter(role=Role.PARTICIPANT)
        .select_related("programme", "user")
        .order_by("programme__code", "user_id")
    )
    # Each person's story comes from their own generator, so a second run makes the same
    # choices (someone who skipped the lessons skips them again) and adds nothing.
    base = rng.randrange(2**32)
    for membership in memberships:
        key = f"{base}-{membership.user_id}-{membership.programme_id}"
        with transaction.atomic():
            _learner(membership.user_id, module, content, random.Random(f"{key}-learn"))
            _saver(membership.user_id, membership.programme, random.Random(f"{key}-save"))


def ensure_reference_rates() -> None:
    for country, name, rate, as_of in REFERENCE_RATES:
        ReferenceRate.objects.get_or_create(
            country=country,
            name=name,
            as_of=as_of,
            defaults={"annual_rate": Decimal(rate), "source": SAMPLE_SOURCE, "is_sample": True},
        )


def ensure_providers() -> None:
    for country, name, kind, products, documents, reach in PROVIDERS:
        provider, created = FinancialProvider.objects.get_or_create(
            country=country,
            name=name,
            defaults={
                "kind": kind,
                "how_to_reach": reach,
                "notes": "Entrada ficticia de demostración.",
                "is_sample": True,
                **{f"offers_{p}": True for p in products},
            },
        )
        if created:
            AcceptedDocument.objects.bulk_create(
                AcceptedDocument(provider=provider, document=d) for d in documents
            )


@dataclass
class _Content:
    lessons: list[Lesson]
    quiz: dict[int, list[QuizQuestion]]  # lesson id → its quiz questions
    test: list[QuizQuestion]

    @classmethod
    def load(cls, module: Module) -> "_Content":
        lessons = list(module.lessons.order_by("order"))
        questions = list(
            QuizQuestion.objects.filter(lesson__module=module)
            .order_by("lesson__order", "order")
            .prefetch_related("choices")
        )
        quiz: dict[int, list[QuizQuestion]] = {}
        for q in questions:
            if not q.in_knowledge_test:
                quiz.setdefault(q.lesson_id, []).append(q)
        return cls(lessons, quiz, [q for q in questions if q.in_knowledge_test])


def _sit(
    user_id: int,
    module: Module,
    questions: list[QuizQuestion],
    ability: float,
    rng: random.Random,
    *,
    kind: str,
    at: dt.datetime,
    lesson: Lesson | None = None,
) -> None:
    """One sitting where each answer is right with probability ``ability``."""
    picks = []
    for question in questions:
        choices = list(question.choices.all())
        right = [c for c in choices if c.is_correct]
        wrong = [c for c in choices if not c.is_correct]
        picks.append((question, right[0] if rng.random() < ability else rng.choice(wrong)))
    correct = sum(1 for _, c in picks if c.is_correct)
    attempt = QuizAttempt.objects.create(
        user_id=user_id, kind=kind, module=module, lesson=lesson, correct=correct,
        total=len(picks), score=round(100 * correct / len(picks)), answered_at=at,
    )  # fmt: skip
    QuizAnswer.objects.bulk_create(
        QuizAnswer(attempt=attempt, question=q, choice=c, is_correct=c.is_correct) for q, c in picks
    )


def _learner(user_id: int, module: Module, content: _Content, rng: random.Random) -> None:
    if rng.random() > 0.85:  # some never open the lessons
        return
    if QuizAttempt.objects.filter(user_id=user_id, module=module).exists():
        return
    now = timezone.now()
    start = now - dt.timedelta(days=rng.randint(30, 120))
    before = rng.uniform(0.25, 0.6)  # what a learner knows before the lessons
    _sit(user_id, module, content.test, before, rng, kind="pre", at=start)
    done = rng.choices(range(9), weights=[8, 6, 5, 5, 5, 5, 6, 8, 52])[0]
    after = min(0.95, before + rng.uniform(0.15, 0.45))
    when = start
    for lesson in content.lessons[:done]:
        when += dt.timedelta(days=rng.randint(1, 4), minutes=rng.randint(0, 600))
        if when >= now:
            break
        LessonProgress.objects.create(user_id=user_id, lesson=lesson, completed_at=when)
        if rng.random() < 0.8:
            ability = (before + after) / 2
            _sit(user_id, module, content.quiz[lesson.pk], ability, rng, kind="quiz", at=when,
                 lesson=lesson)  # fmt: skip
    if done == len(content.lessons) and rng.random() < 0.85 and when < now:
        _sit(user_id, module, content.test, after, rng, kind="post",
             at=min(now, when + dt.timedelta(days=rng.randint(1, 10))))  # fmt: skip


def _saver(user_id: int, programme: Programme, rng: random.Random) -> None:
    if rng.random() > 0.55:
        return
    if SavingsGoal.objects.filter(user_id=user_id, programme=programme).exists():
        return
    low, high, step = TARGETS.get(programme.currency, TARGETS["USD"])
    target = Decimal(rng.randrange(low, high + 1, step))
    today = timezone.localdate()
    created = timezone.now() - dt.timedelta(days=rng.randint(20, 150))
    goal = SavingsGoal.objects.create(
        user_id=user_id, programme=programme, name=rng.choice(GOAL_NAMES),
        target_amount=target, currency=programme.currency, created_at=created,
        target_date=today + dt.timedelta(days=rng.randint(30, 240)) if rng.random() < 0.6 else None,
    )  # fmt: skip
    balance = Decimal(0)
    day = created.date()
    movements = []
    for _ in range(rng.randint(1, 9)):
        day += dt.timedelta(days=rng.randint(3, 15))
        if day > today:
            break
        amount = (target * Decimal(rng.uniform(0.04, 0.2))).quantize(Decimal(step))
        if balance > 0 and rng.random() < 0.15:
            amount = min(amount, balance)  # an emergency: never more than what is saved
            movements.append(SavingsMovement(goal=goal, owner_id=goal.user_id, kind="withdrawal",
                                             amount=amount, occurred_on=day))  # fmt: skip
            balance -= amount
        else:
            movements.append(SavingsMovement(goal=goal, owner_id=goal.user_id, kind="deposit",
                                             amount=amount, occurred_on=day))  # fmt: skip
            balance += amount
    SavingsMovement.objects.bulk_create(movements)
