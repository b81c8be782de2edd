"""Demo seed-capital funds: donations (one refunded), funder contributions and grants."""

import datetime as dt
import random
import uuid
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.db import transaction

from backend.accounts.models import User
from backend.finance.fund.models import Donation, Fund, FundEntry, Grant
from backend.programmes.models import Programme
from backend.ventures.models import Venture

# Per currency: (goal, suggested amounts, min, max, typical grant).
TERMS = {
    "COP": (
        Decimal(60_000_000),
        ["20000", "50000", "100000"],
        Decimal(5000),
        Decimal(20_000_000),
        Decimal(1_500_000),
    ),
    "PEN": (Decimal(60_000), ["20", "50", "100"], Decimal(5), Decimal(20_000), Decimal(1_500)),
    "USD": (Decimal(15_000), ["10", "25", "50"], Decimal(2), Decimal(5_000), Decimal(400)),
}
STORY = {
    "es": "Cada aporte se convierte en capital semilla para negocios de personas refugiadas, "
    "migrantes y de la comunidad de acogida que terminaron su formación empresarial.",
    "en": "Every gift becomes seed capital for businesses of refugees, migrants and host-community "
    "members who finished their business training.",
    "pt": "Cada doação vira capital semente para negócios de pessoas refugiadas, migrantes e da "
    "comunidade de acolhida que concluíram a formação empresarial.",
}


def _last_month(programme: Programme, day: int, hour: int = 11) -> dt.datetime:
    """A moment in the month before this one where the programme runs: inside the period the
    report form starts with (the twelve whole months before this one) whatever today is."""
    first = programme.today().replace(day=1)
    previous = (first - dt.timedelta(days=1)).replace(day=day)
    return dt.datetime.combine(previous, dt.time(hour), tzinfo=ZoneInfo(programme.time_zone))


def seed(*, scale: str, rng: random.Random) -> None:
    manager = User.objects.filter(is_superuser=True).order_by("pk").first()
    for programme in Programme.objects.order_by("code"):
        if programme.currency in TERMS and manager is not None:
            _seed_fund(programme, rng, manager)


@transaction.atomic
def _seed_fund(programme: Programme, rng: random.Random, manager: User) -> None:
    goal, suggested, low, high, grant_size = TERMS[programme.currency]
    fund, created = Fund.objects.get_or_create(
        programme=programme,
        defaults={
            "slug": programme.code,
            "currency": programme.currency,
            "goal": goal,
            "title": f"Fondo semilla · {programme.name}",
            "title_en": f"Seed fund · {programme.name}",
            "title_pt": f"Fundo semente · {programme.name}",
            "story_es": STORY["es"],
            "story_en": STORY["en"],
            "story_pt": STORY["pt"],
            "suggested_amounts": suggested,
            "min_donation": low,
            "max_donation": high,
        },
    )
    if not created:
        return  # seeded before: leave it exactly as it is
    for funder_index, funding in enumerate(programme.fundings.select_related("funder")):
        entry = FundEntry.objects.create(
            fund=fund,
            kind=FundEntry.Kind.CONTRIBUTION,
            amount=goal / 4,
            funder=funding.funder,
            source=f"contribution:{fund.pk}:demo-{funder_index}",
            note=f"Aporte {funding.funder.name}",
        )
        _date(entry, _last_month(programme, 2))
    for n in range(12):
        amount = Decimal(rng.choice(suggested))
        paid_at = _last_month(programme, 3 + 2 * n)
        donation = Donation.objects.create(
            fund=fund,
            amount=amount,
            currency=fund.currency,
            paid=True,
            status=Donation.Status.PAID,
            paid_at=paid_at,
            stripe_session_id=f"cs_demo_{programme.code}_{n}",
            anonymous=n % 3 != 0,
            giver_name="" if n % 3 else f"Donante de ejemplo {n}",
            public_id=uuid.UUID(int=rng.getrandbits(128)),
        )
        Donation.objects.filter(pk=donation.pk).update(created_at=paid_at)
        entry = FundEntry.objects.create(
            fund=fund,
            kind=FundEntry.Kind.DONATION,
            amount=amount,
            donation=donation,
            source=f"donation:{donation.public_id}",
        )
        _date(entry, paid_at)
        if n == 5:  # one giver asked for their money back
            refund = FundEntry.objects.create(
                fund=fund,
                kind=FundEntry.Kind.REFUND,
                amount=-amount,
                donation=donation,
                source=f"refund:{donation.public_id}:{amount}",
            )
            _date(refund, _last_month(programme, 26))
            Donation.objects.filter(pk=donation.pk).update(
                amount_refunded=amount, status=Donation.Status.REFUNDED
            )
    ventures = list(Venture.objects.filter(programme=programme).order_by("pk")[:6])
    for i, venture in enumerate(ventures):
        grant = Grant.objects.create(
            fund=fund,
            venture=venture,
            amount=grant_size,
            purpose="Equipos e inventario",
            granted_by=manager,
            status=Grant.Status.DISBURSED if i % 3 else Grant.Status.GRANTED,
            disbursed_at=_last_month(programme, 20) if i % 3 else None,
            disbursed_by=manager if i % 3 else None,
        )
        awarded = _last_month(programme, 8)
        Grant.objects.filter(pk=grant.pk).update(granted_at=awarded)
        entry = FundEntry.objects.create(
            fund=fund,
            kind=FundEntry.Kind.GRANT,
            amount=-grant_size,
            grant=grant,
            source=f"grant:{grant.pk}",
        )
        _date(entry, awarded)


def _date(entry: FundEntry, moment: dt.datetime) -> None:
    FundEntry.objects.filter(pk=entry.pk).update(created_at=moment)
