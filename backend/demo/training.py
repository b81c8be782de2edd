"""Demo training: SIYB-style courses, cohorts in every demo programme, attendance and scores
such that most participants complete and some do not, and certificates for the older cohorts.

Idempotent: courses are found by code and cohorts by programme and name; a cohort that
already exists is left as it is. Dates are set relative to the day the demo is first loaded.
"""

import datetime as dt
import random
from dataclasses import dataclass

from django.db import transaction

from backend.accounts.models import User
from backend.programmes.models import Membership, Programme, Role
from backend.training import services
from backend.training.models import Cohort, Course, Enrollment, EnrollmentStatus

COURSES = [
    {
        "code": "siyb-generate",
        "stage": "generate",
        "title_es": "Genera tu Idea de Negocio",
        "title_en": "Generate Your Business Idea",
        "title_pt": "Gere a sua Ideia de Negócio",
        "description_es": "De una idea a un plan: qué vender, a quién y por qué te elegirían.",
        "description_en": "From an idea to a plan: what to sell, to whom and why they would buy.",
        "description_pt": "De uma ideia a um plano: o que vender, para quem e por que comprariam.",
        "planned_hours": 16,
        "modules": ["Tu perfil emprendedor", "Ideas de negocio", "Evalúa tu idea", "Tu plan"],
        "has_tests": False,
    },
    {
        "code": "siyb-start",
        "stage": "start",
        "title_es": "Inicia tu Negocio",
        "title_en": "Start Your Business",
        "title_pt": "Inicie o seu Negócio",
        "description_es": "Mercado, costos, precios, registros y el plan para abrir tu negocio.",
        "description_en": "Market, costs, prices, records and the plan to open your business.",
        "description_pt": "Mercado, custos, preços, registros e o plano para abrir o seu negócio.",
        "planned_hours": 30,
        "modules": [
            "Tu idea de negocio",
            "Mercado",
            "Personal",
            "Forma legal",
            "Costos y precios",
            "Plan de ventas",
            "Flujo de caja",
            "Plan de negocio",
        ],
        "has_tests": True,
    },
    {
        "code": "siyb-improve",
        "stage": "improve",
        "title_es": "Mejora tu Negocio",
        "title_en": "Improve Your Business",
        "title_pt": "Melhore o seu Negócio",
        "description_es": "Marketing, compras, costos, registros y planificación para crecer.",
        "description_en": "Marketing, buying, costing, record keeping and planning to grow.",
        "description_pt": "Marketing, compras, custos, registros e planejamento para crescer.",
        "planned_hours": 24,
        "modules": ["Marketing", "Compras", "Control de inventario", "Costos", "Registros"],
        "has_tests": True,
        "excused_counts": "present",
    },
]

# Demo trainer of each programme (see backend/demo/people.py STAFF) and the cities taught in.
TRAINERS = {
    "co-bogota-cucuta": (
        "trainer.bogota@impulsa.demo",
        [("CO-DC", "Bogotá"), ("CO-NSA", "Cúcuta")],
    ),
    "pe-lima": ("trainer.lima@impulsa.demo", [("PE-LMA", "Lima"), ("PE-CAL", "Callao")]),
    "pe-piura-tacna": ("trainer.piura@impulsa.demo", [("PE-PIU", "Piura"), ("PE-TAC", "Tacna")]),
    "ec-quito": ("trainer.quito@impulsa.demo", [("EC-P", "Quito"), ("EC-P", "Quito")]),
}


@dataclass(frozen=True)
class CohortPlan:
    course: str
    ended_days_ago: int
    sessions: int
    certify: bool


PLANS = {
    "tiny": [CohortPlan("siyb-start", 20, 6, True)],
    "demo": [
        CohortPlan("siyb-start", 120, 8, True),
        CohortPlan("siyb-improve", 15, 6, False),
    ],
}


def ensure_courses() -> dict[str, Course]:
    out = {}
    for spec in COURSES:
        fields = {k: v for k, v in spec.items() if k != "code"}
        out[str(spec["code"])], _ = Course.objects.get_or_create(code=spec["code"], defaults=fields)
    return out


def seed(*, scale: str, rng: random.Random) -> None:
    courses = ensure_courses()
    for programme in Programme.objects.filter(code__in=TRAINERS).order_by("code"):
        email, places = TRAINERS[programme.code]
        trainer = User.objects.filter(email=email).first()
        manager = User.objects.filter(
            memberships__programme=programme, memberships__role=Role.MANAGER
        ).first()
        if trainer is None or manager is None:
            continue
        people = list(
            Membership.objects.filter(programme=programme, role=Role.PARTICIPANT)
            .order_by("user_id")
            .values_list("user_id", flat=True)
        )
        plans = PLANS.get(scale, PLANS["demo"])
        share = max(1, len(people) // len(plans))
        for n, plan in enumerate(plans):
            region, city = places[n % len(places)]
            group = people[n * share : (n + 1) * share] if len(plans) > 1 else people
            name = f"{courses[plan.course].title_es} · {city} {n + 1}"
            _cohort(programme, courses[plan.course], name, region, city, plan, trainer, manager,
                    group, rng)  # fmt: skip


@transaction.atomic
def _cohort(
    programme: Programme, course: Course, name: str, region: str, city: str, plan: CohortPlan,
    trainer: User, manager: User, people: list[int], rng: random.Random,
) -> None:  # fmt: skip
    if Cohort.objects.filter(programme=programme, name=name).exists():
        return
    today = programme.today()
    end = today - dt.timedelta(days=plan.ended_days_ago)
    start = end - dt.timedelta(days=7 * (plan.sessions - 1))
    cohort = services.create_cohort(
        actor=manager, programme=programme, course=course, name=name, trainer_ids=[trainer.pk],
        start_date=start, end_date=end, capacity=max(25, len(people)), region=region, city=city,
    )  # fmt: skip
    modules = list(course.modules) or [""]
    sessions = [
        services.add_session(
            actor=trainer,
            cohort=cohort,
            date=start + dt.timedelta(days=7 * i),
            module=modules[i % len(modules)],
        )
        for i in range(plan.sessions)
    ]
    enrollments = [
        services.enroll(actor=manager, cohort=cohort, participant_id=user_id) for user_id in people
    ]
    # Most people come nearly every week; about one in five comes too rarely to complete.
    habits = {e.pk: (1.0 if i == 0 else rng.choice([1.0, 1.0, 0.97, 0.95, 0.92, 0.9, 0.5]))
              for i, e in enumerate(enrollments)}  # fmt: skip
    if course.has_tests:
        for i, e in enumerate(enrollments):
            pre = rng.randint(25, 60)
            post = 85 if i == 0 else min(100, pre + rng.randint(10, 50))
            services.record_scores(actor=trainer, enrollment=e, pre_score=pre, post_score=post,
                                   today=start)  # fmt: skip
    for session in sessions:
        marks = []
        for e in enrollments:
            roll = rng.random()
            status = "present" if roll < habits[e.pk] else rng.choice(["absent", "excused"])
            marks.append((e.pk, status))
        services.mark_attendance(actor=trainer, session=session, marks=marks, today=session.date)
    if plan.certify:
        completed = Enrollment.objects.filter(cohort=cohort, status=EnrollmentStatus.COMPLETED)
        for e in completed.order_by("pk"):
            services.issue_certificate(actor=trainer, enrollment=e)
