"""Demo ventures with 18 months of books ending this month.

Each venture's sales dip through a crisis quarter; most recover and a few do not. Women own
most ventures but make smaller sales. A few ventures log sales only now and then: too little
data for M2 to compare them, which the report shows as such (never as a decline). Payment
methods follow each country (cash first; Yape and Plin in Peru, Nequi and Daviplata in
Colombia), and some sales are on customer credit, mostly repaid a few weeks later.

Idempotent: a participant's demo venture is found by owner and name, and a venture that exists
is left as it is. Entries are bulk-inserted and the rollups built by the database from them,
which is what the services would have produced one entry at a time.
"""

import datetime as dt
import random
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from backend.accounts.models import ParticipantProfile, Sex, User
from backend.programmes.models import Programme, Role
from backend.sync.changes import new_sync_id
from backend.ventures.models import LedgerEntry, Venture

from .rollups import build_rollups

VENTURES_PER_PROGRAMME = {"tiny": 1, "demo": 12}
# The last ventures of each programme at the demo scale: three log only now and then (too
# little data), the two before them do not recover from the crisis.
SPARSE_PER_PROGRAMME = {"tiny": 0, "demo": 3}
SPARSE_EVERY = 5  # a sparse venture logs one week in five
STUCK_PER_PROGRAMME = {"tiny": 0, "demo": 2}
# Women's sales are smaller on average (less stock and capital, more unpaid care work).
FEMALE_TICKET = Decimal("0.7")
SALES_PER_WEEK = {"tiny": 1, "demo": 4}
MONTHS = 18
CRISIS = (6, 7, 8)  # months (0 = the oldest) of the crisis quarter

IDEAS = [
    ("Arepas y empanadas {n}", "I", "informal"),
    ("Peluquería {n}", "S", "informal"),
    ("Costura y arreglos {n}", "C", "tax_registered"),
    ("Bodega {n}", "G", "tax_registered"),
    ("Delivery en moto {n}", "H", "informal"),
    ("Repostería {n}", "I", "company"),
]
# Typical sale per currency, in units of the currency.
TICKET = {"PEN": Decimal("28"), "COP": Decimal("32000"), "USD": Decimal("9")}
METHODS: dict[str, list[tuple[str, str, int]]] = {
    "PE": [("cash", "", 58), ("mobile_wallet", "yape", 20), ("mobile_wallet", "plin", 8),
           ("bank_transfer", "", 4), ("card", "", 3), ("customer_credit", "", 7)],
    "CO": [("cash", "", 60), ("mobile_wallet", "nequi", 17), ("mobile_wallet", "daviplata", 9),
           ("bank_transfer", "", 4), ("card", "", 3), ("customer_credit", "", 7)],
    "EC": [("cash", "", 74), ("bank_transfer", "", 12), ("card", "", 5),
           ("customer_credit", "", 9)],
}  # fmt: skip
EXPENSES = ["stock", "stock", "supplies", "transport", "rent", "utilities"]


def seed(*, scale: str, rng: random.Random) -> None:
    created: list[int] = []
    for programme in Programme.objects.filter(code__in=_demo_codes()).order_by("code"):
        owners = (
            User.objects.filter(
                memberships__programme=programme, memberships__role=Role.PARTICIPANT
            )
            .order_by("id")
            .distinct()[: VENTURES_PER_PROGRAMME[scale]]
        )
        for index, owner in enumerate(owners):
            with transaction.atomic():
                venture = _venture(programme, owner, index, rng)
                if venture is not None:
                    last = VENTURES_PER_PROGRAMME[scale] - 1 - index  # 0 for the last one
                    sparse = last < SPARSE_PER_PROGRAMME[scale]
                    recovers = last >= SPARSE_PER_PROGRAMME[scale] + STUCK_PER_PROGRAMME[scale]
                    _books(venture, rng, SALES_PER_WEEK[scale], recovers=recovers, sparse=sparse)
                    created.append(venture.pk)
    # The rollups the services would have kept, built by the database from the entries.
    with transaction.atomic():
        for venture_id in created:
            build_rollups(venture_id, venture_id)


def _demo_codes() -> list[str]:
    return ["co-bogota-cucuta", "pe-lima", "pe-piura-tacna", "ec-quito"]


def _venture(programme: Programme, owner: User, index: int, rng: random.Random) -> Venture | None:
    pattern, sector, formalisation = IDEAS[(owner.pk + index) % len(IDEAS)]
    display = ParticipantProfile.objects.filter(user=owner).values_list("display_name", flat=True)
    first_name = (display.first() or "").split(" ")[0] or f"#{owner.pk}"
    name = pattern.format(n=first_name)
    if Venture.objects.filter(owner=owner, programme=programme).exists():
        return None
    today = programme.today()
    return Venture.objects.create(
        owner=owner,
        programme=programme,
        name=name,
        sector=sector,
        country=programme.country,
        region=(programme.regions or [""])[index % max(len(programme.regions), 1)],
        currency=programme.currency,
        formalisation=formalisation,
        started_on=_month_start(today, MONTHS + 2 + rng.randint(0, 6)),
    )


def _month_start(today: dt.date, months_back: int) -> dt.date:
    year, month = divmod(today.year * 12 + today.month - 1 - months_back, 12)
    return dt.date(year, month + 1, 1)


def _level(month: int, recovers: bool) -> float:
    """Sales level relative to before the crisis: a dip, then recovery (or not)."""
    if month < CRISIS[0]:
        return 1.0 + 0.01 * month
    if month in CRISIS:
        return 0.5
    # Recovery climbs well past the ±5% band M2 calls "maintained", so on any day the demo's
    # recovering ventures read as improved, whatever the noise of single weeks.
    return min(1.0 + 0.05 * (month - CRISIS[-1]), 1.4) if recovers else 0.6


def _books(
    venture: Venture, rng: random.Random, per_week: int, *, recovers: bool, sparse: bool = False
) -> None:
    today = venture.programme.today()
    first = _month_start(today, MONTHS - 1)
    methods = METHODS.get(venture.country, METHODS["EC"])
    ticket = TICKET.get(venture.currency, Decimal("10"))
    sex = ParticipantProfile.objects.filter(user=venture.owner_id).values_list("sex", flat=True)
    if sex.first() == Sex.FEMALE:
        ticket *= FEMALE_TICKET
    places = 0 if venture.currency == "COP" else 2
    entries: list[LedgerEntry] = []
    now = timezone.now()

    def add(kind: str, amount: float, day: dt.date, method: str, **extra: str) -> None:
        value = Decimal(str(max(amount, 1))).quantize(Decimal(1).scaleb(-places))
        # A few mistakes, voided; never a credit sale or repayment, so what is owed adds up.
        voided = kind != "repayment" and method != "customer_credit" and rng.random() < 0.01
        entries.append(
            LedgerEntry(
                sync_id=new_sync_id(), venture=venture, owner_id=venture.owner_id, kind=kind,
                amount=value, occurred_on=day, payment_method=method,
                recorded_by=venture.owner, voided_at=now if voided else None,
                voided_by=venture.owner if voided else None,
                void_reason="Monto equivocado" if voided else "", **extra,
            )
        )  # fmt: skip

    day = first
    while day <= today:
        month = (day.year - first.year) * 12 + day.month - first.month
        if sparse and (day - first).days // 7 % SPARSE_EVERY:
            day += dt.timedelta(days=7)
            continue
        level = _level(month, recovers)
        week_sales = 0.0
        for _ in range(max(1, round(per_week * level * rng.uniform(0.7, 1.3)))):
            # A sparse venture writes up its rare week in one sitting: one calendar week, so
            # no quarter ever holds the four weeks of sales M2 needs (insufficient data).
            offset = 0 if sparse else rng.randint(0, 6)
            sale_day = min(day + dt.timedelta(days=offset), today)
            method, wallet, _w = rng.choices(methods, weights=[m[2] for m in methods])[0]
            amount = float(ticket) * level * rng.uniform(0.4, 1.8)
            week_sales += amount
            add("sale", amount, sale_day, method, wallet=wallet)
            repaid_on = sale_day + dt.timedelta(days=rng.randint(7, 25))
            if method == "customer_credit" and rng.random() < 0.8 and repaid_on <= today:
                add("repayment", amount, repaid_on, rng.choice(["cash", "cash", "bank_transfer"]))
        add(
            "expense",
            week_sales * rng.uniform(0.45, 0.65),
            day,
            "cash",
            category=rng.choice(EXPENSES),
        )
        day += dt.timedelta(days=7)
    LedgerEntry.objects.bulk_create(entries)
