"""The national-scale demo dataset: tens of thousands of people and millions of ledger entries.

`seed_demo --scale national` loads, across the demo programmes, 50,000 participants, 20,000
ventures with 5 million ledger entries over 18 months, 2,000 cohorts with 40,000 enrollments
and 600,000 attendance marks, and literacy progress and savings in proportion. `--factor`
scales every count down (tests use a tiny factor).

It tells the same story as the demo scale: a crisis quarter where sales halve and most
ventures recover; women are most of the participants but make smaller sales; some ventures
log too rarely to be compared (M2's "insufficient data").

How it stays fast and bounded:
- rows are generated in chunks and written with one multi-row statement per chunk (COPY on
  PostgreSQL, executemany on SQLite); the ledger is never held whole in memory;
- the rollups are built by the database (INSERT ... SELECT over each chunk of ventures, in the
  same transaction as its entries), as the ventures services would have left them;
- every stage runs in its own transaction and records itself in a SeedRun row, so a second run
  with the same seed adds nothing and an interrupted run resumes at the next stage or chunk.

Ledger rows follow the rules real ones follow: the programme's currency, positive amounts,
customer credit only on sales, voids complete (who and when), a timezone-aware received-at, and
a change number taken from the sync counter, so sync pulls see them like any other entry.
"""

import datetime as dt
import math
import random
import sys
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, TextIO
from zoneinfo import ZoneInfo

from django.contrib.auth.hashers import make_password
from django.db import connection, transaction
from django.utils import timezone

from backend.accounts.models import (
    Consent,
    ConsentChannel,
    Difficulty,
    Education,
    ParticipantProfile,
    PopulationGroup,
    Sex,
    User,
)
from backend.finance.models import Lesson, Module, SavingsGoal
from backend.programmes.models import Membership, Programme, Role
from backend.sync.changes import next_seq
from backend.training.models import Cohort, CohortSession, Course, Enrollment
from backend.training.rules import evaluate, rule_text
from backend.ventures.models import Venture

from . import people
from .finance import GOAL_NAMES, TARGETS
from .models import SeedRun
from .rollups import build_rollups
from .training import TRAINERS, ensure_courses
from .ventures import EXPENSES, IDEAS, METHODS, TICKET, _level, _month_start

FULL = {
    "participants": 50_000,
    "ventures": 20_000,
    "entries": 5_000_000,
    "cohorts": 2_000,
    "enrollments": 40_000,
}
SESSIONS_PER_COHORT = 15  # 2,000 cohorts x 20 people x 15 sessions = 600,000 marks
MONTHS = 18
# Share of the participants (and of everything they do) in each demo programme.
SHARES = {"co-bogota-cucuta": 0.4, "pe-lima": 0.25, "pe-piura-tacna": 0.2, "ec-quito": 0.15}
# Women make smaller sales on average (smaller stock, less capital, more care work).
FEMALE_TICKET = 0.7
# A venture that logs sales only now and then, or started too recently to have a baseline:
# M2 shows it as "insufficient data", never as a decline.
SPARSE_SHARE = 0.08
SPARSE_ACTIVITY = 0.3  # chance that a sparse venture logs anything in a given week
LATE_SHARE = 0.06
LATE_WEEKS = (4, 12)  # a late starter has been logging for this many weeks
RECOVERS = 0.8  # share of ventures whose sales recover after the crisis
REPAID = 0.8  # share of credit sales repaid within the period
LEDGER_CHUNK = 250  # ventures per transaction (about 60,000 entries)


@dataclass(frozen=True)
class Sizes:
    participants: int
    ventures: int
    entries: int
    cohorts: int
    enrollments: int

    @classmethod
    def scaled(cls, factor: float) -> "Sizes":
        return cls(**{k: max(1, round(v * factor)) for k, v in FULL.items()})

    @property
    def per_cohort(self) -> int:
        return max(1, round(self.enrollments / self.cohorts))


class Progress:
    """A progress bar on a terminal stream (one line, redrawn in place)."""

    def __init__(self, stream: TextIO, label: str, total: int, width: int = 30) -> None:
        self.stream, self.label, self.total, self.width = stream, label, max(total, 1), width
        self.done = 0
        self.started = timezone.now()
        self._last = -1

    def advance(self, n: int) -> None:
        self.done = min(self.total, self.done + n)
        tenth = self.done * 1000 // self.total
        if tenth != self._last:
            self._last = tenth
            self._draw()

    def _draw(self) -> None:
        filled = self.width * self.done // self.total
        seconds = (timezone.now() - self.started).total_seconds()
        self.stream.write(
            f"\r{self.label:<12} [{'#' * filled}{'.' * (self.width - filled)}] "
            f"{100 * self.done / self.total:5.1f}% {self.done:>10,}/{self.total:,} {seconds:6.0f}s"
        )
        self.stream.flush()

    def finish(self) -> None:
        self.done = self.total
        self._draw()
        self.stream.write("\n")
        self.stream.flush()


# --- writing rows -------------------------------------------------------------------------------


def insert_rows(table: str, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> int:
    """Writes rows in one statement per call: COPY on PostgreSQL, executemany elsewhere."""
    names = ", ".join(columns)
    written = 0
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
                    written += 1
        else:
            batch = list(rows)
            marks = ", ".join(["%s"] * len(columns))
            sql = f"INSERT INTO {table} ({names}) VALUES ({marks})"  # noqa: S608 - our own names
            cursor.executemany(sql, batch)
            written = len(batch)
    return written


def _stamp(value: dt.datetime) -> str:
    """An aware datetime as the database column expects it written (UTC)."""
    utc = value.astimezone(dt.UTC).replace(tzinfo=None)
    text = utc.isoformat(" ", timespec="seconds")
    return text + "+00:00" if connection.vendor == "postgresql" else text


def _sync_id(rng: random.Random) -> str:
    return f"{rng.getrandbits(64):016x}"


# --- the run --------------------------------------------------------------------------------


def seed(*, seed: int, factor: float, stream: TextIO | None = None) -> dict[str, int]:
    """Loads the national dataset for a seed; returns the rows written per kind (all zero when
    that seed was loaded before)."""
    out = stream or sys.stderr
    sizes = Sizes.scaled(factor)
    key = f"national:seed={seed}:factor={factor:g}"
    other = SeedRun.objects.filter(key__startswith=f"national:seed={seed}:").exclude(key=key)
    if other.exists():
        # The seed is part of the phone numbers: two sizes of one seed would collide.
        raise ValueError(f"seed {seed} was loaded here with another factor ({other.first()}).")
    with transaction.atomic():
        people.ensure_notice()
        programmes = people.ensure_programmes()
        people.ensure_staff(programmes)
        ensure_courses()
        run, _ = SeedRun.objects.get_or_create(key=key)
    if run.finished_at is not None:
        out.write(f"{key}: loaded before, nothing to add.\n")
        return {}
    written: dict[str, int] = dict(run.progress.get("written", {}))
    stages: list[tuple[str, Callable[..., dict[str, int]]]] = [
        ("people", _people),
        ("ventures", _ventures),
        ("ledger", _ledger),
        ("training", _training),
        ("finance", _finance),
    ]
    ordered = [programmes[code] for code in SHARES if code in programmes]
    for name, stage in stages:
        run.refresh_from_db()
        if name in run.progress.get("done", []):
            continue
        counts = stage(run=run, key=key, seed=seed, sizes=sizes, programmes=ordered, out=out)
        with transaction.atomic():
            run.refresh_from_db()
            for kind, n in counts.items():
                written[kind] = written.get(kind, 0) + n
            run.progress = {
                **run.progress,
                "done": [*run.progress.get("done", []), name],
                "written": written,
            }
            run.save(update_fields=["progress"])
    refresh_statistics(out)
    SeedRun.objects.filter(pk=run.pk).update(finished_at=timezone.now())
    return written


def refresh_statistics(out: TextIO) -> None:
    """Gathers PostgreSQL's planner statistics after millions of rows arrived in bulk.

    Without them PostgreSQL plans the report's queries for the near-empty tables it last
    sampled (one cohort where there are 1,607, sixty ventures where there are 20,000) and
    picks nested loops over hundreds of thousands of rows: the full report took 1.64 s
    before ANALYZE and 1.19 s after. Autovacuum would get there eventually; the figures right
    after a seed should be those of a database in service. SQLite is left without statistics:
    there ANALYZE made the same report slower (1.29 s to 2.05 s), its default plans suit
    these queries better.
    """
    if connection.vendor != "postgresql":
        return
    started = time.monotonic()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    out.write(f"Planner statistics gathered in {time.monotonic() - started:.0f} s.\n")


def _split(total: int, programmes: Sequence[Programme]) -> list[int]:
    """`total` shared among the programmes by SHARES, adding up exactly."""
    parts = [math.floor(total * SHARES[p.code]) for p in programmes]
    parts[0] += total - sum(parts)
    return parts


def _phone(programme: Programme, seed: int, n: int) -> str:
    """A phone number of the programme's country, unique per seed, never one of the demo's."""
    prefix = {"CO": "+57", "PE": "+51", "EC": "+593"}.get(programme.country, "+1")
    index = list(SHARES).index(programme.code)
    return f"{prefix}9{index}{seed % 100:02d}{n:06d}"


def _national_users(programme: Programme, seed: int) -> Any:
    index = list(SHARES).index(programme.code)
    prefix = {"CO": "+57", "PE": "+51", "EC": "+593"}.get(programme.country, "+1")
    return User.objects.filter(phone__startswith=f"{prefix}9{index}{seed % 100:02d}")


# --- people --------------------------------------------------------------------------------------


def _people(*, seed: int, sizes: Sizes, programmes: list[Programme], out: TextIO,
            **_: Any) -> dict[str, int]:  # fmt: skip
    notice = people.ensure_notice()
    password = make_password(None)
    bar = Progress(out, "people", sizes.participants)
    made = 0
    for programme, count in zip(programmes, _split(sizes.participants, programmes), strict=True):
        rng = random.Random(f"{seed}-people-{programme.code}")
        for start in range(0, count, 5000):
            with transaction.atomic():
                users = User.objects.bulk_create(
                    User(phone=_phone(programme, seed, n), phone_verified=True, password=password)
                    for n in range(start, min(count, start + 5000))
                )
                Membership.objects.bulk_create(
                    Membership(user=u, programme=programme, role=Role.PARTICIPANT) for u in users
                )
                Consent.objects.bulk_create(
                    Consent(user=u, notice=notice, channel=ConsentChannel.APP,
                            purposes=list(people.NOTICE_PURPOSES))
                    for u in users
                )  # fmt: skip
                ParticipantProfile.objects.bulk_create(_profile(u, programme, rng) for u in users)
            made += len(users)
            bar.advance(len(users))
    bar.finish()
    return {"participants": made}


def _profile(user: User, programme: Programme, rng: random.Random) -> ParticipantProfile:
    sex = rng.choices([Sex.FEMALE, Sex.MALE, Sex.OTHER, Sex.PREFER_NOT], [62, 33, 1, 4])[0]
    first = rng.choice(people.FIRST_NAMES_F if sex == Sex.FEMALE else people.FIRST_NAMES_M)
    group = rng.choices(
        [PopulationGroup.REFUGEE_MIGRANT, PopulationGroup.HOST, PopulationGroup.RETURNEE,
         PopulationGroup.PREFER_NOT],
        [70, 22, 5, 3],
    )[0]  # fmt: skip
    difficulty = rng.choices([Difficulty.NONE, Difficulty.SOME, Difficulty.A_LOT], [88, 8, 4])[0]
    return ParticipantProfile(
        user=user,
        display_name=f"{first} {rng.choice(people.LAST_NAMES)}",
        sex=sex,
        birth_year=rng.randint(1958, 2007) if rng.random() < 0.96 else None,
        nationality="VE" if group == PopulationGroup.REFUGEE_MIGRANT else programme.country,
        population_group=group,
        country=programme.country,
        region=rng.choice(programme.regions),
        **people.washington_group(walking=difficulty),
        education_level=rng.choice(list(Education)),
    )


# --- ventures and their books -----------------------------------------------------------------


def _ventures(*, seed: int, sizes: Sizes, programmes: list[Programme], out: TextIO,
              **_: Any) -> dict[str, int]:  # fmt: skip
    bar = Progress(out, "ventures", sizes.ventures)
    made = 0
    for programme, count in zip(programmes, _split(sizes.ventures, programmes), strict=True):
        rng = random.Random(f"{seed}-ventures-{programme.code}")
        owners = list(
            _national_users(programme, seed).order_by("phone").values_list("pk", flat=True)
        )
        # Owners spread over the whole list, so venture owners are a cross-section of people.
        step = max(1, len(owners) // max(count, 1))
        chosen = owners[::step][:count]
        today = programme.today()
        with transaction.atomic():
            seq = next_seq()
            rows = []
            for n, owner in enumerate(chosen):
                pattern, sector, formalisation = IDEAS[(owner + n) % len(IDEAS)]
                rows.append(
                    Venture(
                        owner_id=owner, programme=programme, name=pattern.format(n=f"#{owner}"),
                        sector=sector, country=programme.country,
                        region=programme.regions[n % len(programme.regions)],
                        currency=programme.currency, formalisation=formalisation,
                        started_on=_month_start(today, MONTHS + rng.randint(0, 24)),
                        sync_id=_sync_id(rng), changed_seq=seq,
                    )
                )  # fmt: skip
            Venture.objects.bulk_create(rows, batch_size=2000)
        made += len(rows)
        bar.advance(len(rows))
    bar.finish()
    return {"ventures": made}


@dataclass(frozen=True)
class _Book:
    """What drives one venture's generated ledger."""

    venture_id: int
    owner_id: int
    currency: str
    methods: list[tuple[str, str, int]]
    ticket: float
    per_week: float
    recovers: bool
    first_week: int  # weeks before this one have no entries (a late start)
    active_share: float  # chance that the venture logs anything in a given week


def _sales_per_week(sizes: Sizes, cal: "_Calendar", methods: list[tuple[str, str, int]]) -> float:
    """Mean sales a regular venture logs per week, so that all the books add up to the target.

    A week with sales has one expense row, credit sales are mostly repaid (one more row each),
    sales follow the crisis-and-recovery level, and sparse or late ventures log less. The
    calendar's length in weeks depends on today's date (17 whole months and the days of this
    one), so the rate is worked out from it and the total is on target on any day.
    """
    rows_per_week = sizes.entries / max(sizes.ventures, 1) / cal.weeks
    months = [max(cal.month[week * 7], 0) for week in range(cal.weeks)]
    level = sum(
        RECOVERS * _level(m, True) + (1 - RECOVERS) * _level(m, False) for m in months
    ) / len(months)
    credit = sum(w for m, _wallet, w in methods if m == "customer_credit") / sum(
        w for _m, _wallet, w in methods
    )
    late_weeks = (LATE_WEEKS[0] + LATE_WEEKS[1]) / 2
    activity = 1 - SPARSE_SHARE * (1 - SPARSE_ACTIVITY) - LATE_SHARE * (1 - late_weeks / cal.weeks)
    return max(rows_per_week / activity - 1.0, 0.3) / (level * (1 + REPAID * credit))


def _even(n: int, step: float) -> float:
    """A share in [0, 1) for the n-th venture, spread evenly over any run of ventures.

    Independent random draws for 80 ventures stray by several per cent from their mean, and the
    small demo is checked against its targets; a Weyl sequence (n times an irrational, modulo 1)
    covers [0, 1) evenly for any run of consecutive ids, whatever the chunk being written.
    """
    return (n * step) % 1.0


def _books(seed: int, programme: Programme, ventures: list[tuple[int, int, str]],
           female: set[int], sizes: Sizes, cal: "_Calendar") -> list[_Book]:  # fmt: skip
    # Entries per venture per week: sales, about one expense, and credit repaid later.
    methods = METHODS.get(programme.country, METHODS["EC"])
    mean_sales = _sales_per_week(sizes, cal, methods)
    books = []
    for venture_id, owner_id, currency in ventures:
        rng = random.Random(f"{seed}-book-{venture_id}")
        kind = _even(venture_id, 0.6180339887498949)  # the golden ratio's fraction
        sparse, late = kind < SPARSE_SHARE, SPARSE_SHARE <= kind < SPARSE_SHARE + LATE_SHARE
        ticket = float(TICKET.get(currency, Decimal(10))) * rng.uniform(0.6, 1.5)
        if owner_id in female:
            ticket *= FEMALE_TICKET
        books.append(
            _Book(
                venture_id=venture_id, owner_id=owner_id, currency=currency, methods=methods,
                ticket=ticket,
                per_week=max(0.3, mean_sales * (0.5 + _even(venture_id, 0.4142135623730951))),
                recovers=_even(venture_id, 0.7320508075688772) < RECOVERS,
                first_week=max(cal.weeks - rng.randint(*LATE_WEEKS), 0) if late else 0,
                active_share=SPARSE_ACTIVITY if sparse else 1.0,
            )
        )  # fmt: skip
    return books


LEDGER_COLUMNS = (
    "sync_id", "venture_id", "kind", "amount", "occurred_on", "payment_method", "wallet",
    "category", "note", "receipt", "receipt_thumbnail", "recorded_by_id", "received_at",
    "voided_at", "voided_by_id", "void_reason", "changed_seq", "owner_id",
)  # fmt: skip


class _Calendar:
    """Dates of one programme's 18 months as the columns want them, computed once."""

    def __init__(self, programme: Programme) -> None:
        self.today = programme.today()
        self.first = _month_start(self.today, MONTHS - 1)
        self.first_monday = self.first - dt.timedelta(days=self.first.weekday())
        zone = ZoneInfo(programme.time_zone)
        days = (self.today - self.first_monday).days + 1
        self.iso: list[str] = []
        self.month: list[int] = []
        self.midnight: list[dt.datetime] = []  # local midnight, as naive UTC
        for i in range(days):
            day = self.first_monday + dt.timedelta(days=i)
            self.iso.append(day.isoformat())
            self.month.append((day.year - self.first.year) * 12 + day.month - self.first.month)
            local = dt.datetime.combine(day, dt.time.min, tzinfo=zone)
            self.midnight.append(local.astimezone(dt.UTC).replace(tzinfo=None))
        self.last = days - 1
        # Weeks that start on or before today: the 18 months span 74 to 79 of them.
        self.weeks = self.last // 7 + 1
        self.suffix = "+00:00" if connection.vendor == "postgresql" else ""

    def stamp(self, day: int, minutes: int) -> str:
        moment = self.midnight[day] + dt.timedelta(minutes=minutes)
        return moment.isoformat(" ", timespec="seconds") + self.suffix


def _entries(book: _Book, cal: _Calendar, seed: int, seq: int) -> Iterator[tuple[Any, ...]]:
    rng = random.Random(f"{seed}-entries-{book.venture_id}")
    cents = book.currency != "COP"
    weights = [m[2] for m in book.methods]
    prefix = f"n{seed % 100:02d}-{book.venture_id}-"
    n = 0
    owner = book.owner_id

    def amount(value: float) -> str:
        if cents:
            return f"{max(value, 1.0):.2f}"
        return f"{max(100, round(value / 100) * 100)}.00"

    for week in range(book.first_week, cal.weeks):
        start = week * 7
        if book.active_share < 1.0 and rng.random() > book.active_share:
            continue
        level = _level(cal.month[start], book.recovers) if cal.month[start] >= 0 else 1.0
        sales = book.per_week * level * rng.uniform(0.6, 1.4)
        count = int(sales) + (1 if rng.random() < sales - int(sales) else 0)
        week_total = 0.0
        for method, wallet, _w in rng.choices(book.methods, weights=weights, k=count):
            day = min(start + rng.randint(0, 6), cal.last)
            if cal.month[day] < 0:
                continue
            value = book.ticket * level * rng.uniform(0.4, 1.8)
            week_total += value
            received = cal.stamp(day, rng.randint(8 * 60, 21 * 60))
            voided = method != "customer_credit" and rng.random() < 0.01
            yield (
                f"{prefix}{n}", book.venture_id, "sale", amount(value), cal.iso[day], method,
                wallet, "", "", "", "", owner, received,
                cal.stamp(day, 22 * 60) if voided else None, owner if voided else None,
                "Monto equivocado" if voided else "", seq, owner,
            )  # fmt: skip
            n += 1
            repaid = day + rng.randint(7, 25)
            if method == "customer_credit" and rng.random() < REPAID and repaid <= cal.last:
                yield (
                    f"{prefix}{n}", book.venture_id, "repayment", amount(value), cal.iso[repaid],
                    rng.choice(("cash", "cash", "bank_transfer")), "", "", "", "", "", owner,
                    cal.stamp(repaid, rng.randint(8 * 60, 21 * 60)), None, None, "", seq, owner,
                )  # fmt: skip
                n += 1
        if week_total and cal.month[start] >= 0:
            yield (
                f"{prefix}{n}", book.venture_id, "expense",
                amount(week_total * rng.uniform(0.45, 0.65)), cal.iso[start], "cash", "",
                rng.choice(EXPENSES), "", "", "", owner, cal.stamp(start, 20 * 60), None, None,
                "", seq, owner,
            )  # fmt: skip
            n += 1


def _ledger(*, run: Any, seed: int, sizes: Sizes, programmes: list[Programme], out: TextIO,
            **_: Any) -> dict[str, int]:  # fmt: skip
    bar = Progress(out, "ledger", sizes.entries)
    written = run.progress.get("ledger_entries", 0)
    bar.advance(written)
    for programme in programmes:
        owners = _national_users(programme, seed)
        rows = list(
            Venture.objects.filter(programme=programme, owner__in=owners)
            .order_by("pk")
            .values_list("pk", "owner_id", "currency")
        )
        female = set(
            owners.filter(profile__sex=Sex.FEMALE, ventures__isnull=False).values_list(
                "pk", flat=True
            )
        )
        cal = _Calendar(programme)
        done_key = f"ledger_last_venture:{programme.code}"
        last_done = run.progress.get(done_key, 0)
        todo = [r for r in rows if r[0] > last_done]
        for i in range(0, len(todo), LEDGER_CHUNK):
            part = todo[i : i + LEDGER_CHUNK]
            books = _books(seed, programme, part, female, sizes, cal)
            with transaction.atomic():
                seq = next_seq()
                n = 0
                for j in range(0, len(books), 50):
                    batch = [row for b in books[j : j + 50] for row in _entries(b, cal, seed, seq)]
                    n += insert_rows("ventures_ledgerentry", LEDGER_COLUMNS, batch)
                build_rollups(part[0][0], part[-1][0])
                written += n
                run.progress = {
                    **run.progress,
                    done_key: part[-1][0],
                    "ledger_entries": written,
                }
                run.save(update_fields=["progress"])
            bar.advance(n)
    bar.finish()
    return {"ledger_entries": written}


# --- training ----------------------------------------------------------------------------------


def _training(*, seed: int, sizes: Sizes, programmes: list[Programme], out: TextIO,
              **_: Any) -> dict[str, int]:  # fmt: skip
    courses = ensure_courses()
    plan = [(courses["siyb-start"], 5), (courses["siyb-improve"], 3), (courses["siyb-generate"], 2)]
    total_marks = sizes.cohorts * sizes.per_cohort * SESSIONS_PER_COHORT
    bar = Progress(out, "training", total_marks)
    counts = {"cohorts": 0, "enrollments": 0, "attendance": 0}
    for programme, count in zip(programmes, _split(sizes.cohorts, programmes), strict=True):
        rng = random.Random(f"{seed}-training-{programme.code}")
        trainer = User.objects.filter(email=TRAINERS[programme.code][0]).first()
        places = TRAINERS[programme.code][1]
        pool = list(_national_users(programme, seed).order_by("pk").values_list("pk", flat=True))
        if trainer is None or not pool:
            continue
        today = programme.today()
        first = _month_start(today, MONTHS - 1)
        span = (today - first).days - 7 * SESSIONS_PER_COHORT
        for start in range(0, count, 100):
            with transaction.atomic():
                seq = next_seq()
                made = _cohorts(
                    seed, programme, min(100, count - start), start, plan, places, trainer,
                    pool, first, max(span, 1), sizes.per_cohort, seq, rng,
                )  # fmt: skip
            for kind, n in made.items():
                counts[kind] += n
            bar.advance(made["attendance"])
    bar.finish()
    return counts


def _cohorts(seed: int, programme: Programme, count: int, offset: int,
             plan: list[tuple[Course, int]], places: list[tuple[str, str]], trainer: User,
             pool: list[int], first: dt.date, span: int, per_cohort: int, seq: int,
             rng: random.Random) -> dict[str, int]:  # fmt: skip
    zone = ZoneInfo(programme.time_zone)
    cohorts = []
    for n in range(offset, offset + count):
        course = rng.choices([c for c, _ in plan], weights=[w for _, w in plan])[0]
        region, city = places[n % len(places)]
        start = first + dt.timedelta(days=rng.randrange(span))
        cohorts.append(
            Cohort(
                course=course, programme=programme,
                name=f"{course.title_es} · {city} N{seed % 100:02d}-{n + 1}",
                country=programme.country, region=region, city=city, start_date=start,
                end_date=start + dt.timedelta(days=7 * (SESSIONS_PER_COHORT - 1)),
                capacity=max(25, per_cohort), changed_seq=seq,
            )
        )  # fmt: skip
    cohorts = Cohort.objects.bulk_create(cohorts)
    Cohort.trainers.through.objects.bulk_create(
        Cohort.trainers.through(cohort_id=c.pk, user_id=trainer.pk) for c in cohorts
    )
    sessions = CohortSession.objects.bulk_create(
        CohortSession(cohort=c, date=c.start_date + dt.timedelta(days=7 * i),
                      module=(c.course.modules or [""])[i % max(len(c.course.modules), 1)],
                      changed_seq=seq)
        for c in cohorts
        for i in range(SESSIONS_PER_COHORT)
    )  # fmt: skip
    by_cohort: dict[int, list[CohortSession]] = {}
    for s in sessions:
        by_cohort.setdefault(s.cohort_id, []).append(s)
    enrollments: list[Enrollment] = []
    marks: list[tuple[Any, ...]] = []
    statuses: dict[int, list[str]] = {}
    for c in cohorts:
        members = rng.sample(pool, min(per_cohort, len(pool)))
        for user_id in members:
            habit = rng.choice([1.0, 1.0, 0.97, 0.95, 0.92, 0.9, 0.5])
            seen = [
                "present" if rng.random() < habit else rng.choice(["absent", "excused"])
                for _ in range(SESSIONS_PER_COHORT)
            ]
            pre = rng.randint(25, 60) if c.course.has_tests else None
            post = min(100, pre + rng.randint(5, 50)) if pre is not None else None
            progress = evaluate(
                c.course, sessions=SESSIONS_PER_COHORT, present=seen.count("present"),
                excused=seen.count("excused"), absent=seen.count("absent"), post_score=post,
            )  # fmt: skip
            e = Enrollment(
                cohort=c, participant_id=user_id, pre_score=pre, post_score=post,
                status="completed" if progress.met else "enrolled",
                completed_on=c.end_date if progress.met else None,
                completion_rule=rule_text(c.course, progress) if progress.met else "",
                changed_seq=seq,
            )  # fmt: skip
            enrollments.append(e)
            statuses[id(e)] = seen
    Enrollment.objects.bulk_create(enrollments, batch_size=2000)
    for e in enrollments:
        for session, status in zip(by_cohort[e.cohort_id], statuses[id(e)], strict=True):
            local = dt.datetime.combine(session.date, dt.time(18, rng.randint(0, 59)), zone)
            marks.append((session.pk, e.pk, status, trainer.pk, _stamp(local), _sync_id(rng), seq))
    before = _max_id("training_attendance")
    insert_rows(
        "training_attendance",
        ("session_id", "enrollment_id", "status", "marked_by_id", "marked_at", "sync_id",
         "changed_seq"),
        marks,
    )  # fmt: skip
    with connection.cursor() as cursor:
        cursor.execute(
            """INSERT INTO training_attendancemark (attendance_id, status, marked_by_id, marked_at)
            SELECT id, status, marked_by_id, marked_at FROM training_attendance WHERE id > %s""",
            [before],
        )
    return {"cohorts": len(cohorts), "enrollments": len(enrollments), "attendance": len(marks)}


def _max_id(table: str) -> int:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {table}")  # noqa: S608 - a fixed name
        return int(cursor.fetchone()[0])


# --- finance -------------------------------------------------------------------------------------


def _finance(*, seed: int, sizes: Sizes, programmes: list[Programme], out: TextIO,
             **_: Any) -> dict[str, int]:  # fmt: skip
    module = Module.objects.filter(code="core").first()
    lessons = list(Lesson.objects.filter(module=module).order_by("order")) if module else []
    bar = Progress(out, "finance", sizes.participants)
    counts = {"lessons": 0, "tests": 0, "savings_goals": 0, "savings_movements": 0}
    now = timezone.now()
    for programme in programmes:
        rng = random.Random(f"{seed}-finance-{programme.code}")
        pool = list(_national_users(programme, seed).order_by("pk").values_list("pk", flat=True))
        for start in range(0, len(pool), 2000):
            part = pool[start : start + 2000]
            with transaction.atomic():
                seq = next_seq()
                made = _learners_and_savers(part, programme, module, lessons, now, seq, rng)
            for kind, n in made.items():
                counts[kind] += n
            bar.advance(len(part))
    bar.finish()
    return counts


def _learners_and_savers(users: list[int], programme: Programme, module: Module | None,
                         lessons: list[Lesson], now: dt.datetime, seq: int,
                         rng: random.Random) -> dict[str, int]:  # fmt: skip
    progress: list[tuple[Any, ...]] = []
    tests: list[tuple[Any, ...]] = []
    goals: list[SavingsGoal] = []
    plans: list[list[tuple[str, str, str]]] = []
    low, high, step = TARGETS.get(programme.currency, TARGETS["USD"])
    today = programme.today()
    questions = 10
    for user_id in users:
        if module is not None and lessons and rng.random() < 0.85:
            start = now - dt.timedelta(days=rng.randint(20, 500))
            before = rng.uniform(0.25, 0.6)
            right = sum(rng.random() < before for _ in range(questions))
            score = round(100 * right / questions)
            tests.append((user_id, "pre", module.pk, None, right, questions, score,
                          _stamp(start), _sync_id(rng), seq))  # fmt: skip
            done = rng.choices(
                range(len(lessons) + 1), weights=[8] + [6] * (len(lessons) - 1) + [52]
            )[0]
            when = start
            for lesson in lessons[:done]:
                when += dt.timedelta(days=rng.randint(1, 4), minutes=rng.randint(0, 600))
                if when >= now:
                    break
                progress.append((user_id, lesson.pk, _stamp(when), _sync_id(rng), seq))
            else:
                if done == len(lessons) and rng.random() < 0.85:
                    after = min(0.95, before + rng.uniform(0.15, 0.45))
                    right = sum(rng.random() < after for _ in range(questions))
                    at = min(now, when + dt.timedelta(days=rng.randint(1, 10)))
                    score = round(100 * right / questions)
                    tests.append((user_id, "post", module.pk, None, right, questions, score,
                                  _stamp(at), _sync_id(rng), seq))  # fmt: skip
        if rng.random() < 0.55:
            target = Decimal(rng.randrange(low, high + 1, step))
            created = now - dt.timedelta(days=rng.randint(20, 500))
            goals.append(
                SavingsGoal(
                    user_id=user_id, programme=programme, name=rng.choice(GOAL_NAMES),
                    target_amount=target, currency=programme.currency, created_at=created,
                    sync_id=_sync_id(rng), changed_seq=seq,
                )
            )  # fmt: skip
            moves = []
            balance, day = Decimal(0), timezone.localtime(created).date()
            for _ in range(rng.randint(1, 9)):
                day += dt.timedelta(days=rng.randint(3, 30))
                if day > today:
                    break
                amount = (target * Decimal(rng.uniform(0.04, 0.2))).quantize(Decimal(step))
                amount = max(amount, Decimal(step))
                if balance > 0 and rng.random() < 0.15:
                    amount = min(amount, balance)
                    moves.append(("withdrawal", format(amount, "f"), day.isoformat()))
                    balance -= amount
                else:
                    moves.append(("deposit", format(amount, "f"), day.isoformat()))
                    balance += amount
            plans.append(moves)
    insert_rows(
        "finance_lessonprogress",
        ("user_id", "lesson_id", "completed_at", "sync_id", "changed_seq"),
        progress,
    )
    insert_rows(
        "finance_quizattempt",
        ("user_id", "kind", "module_id", "lesson_id", "correct", "total", "score", "answered_at",
         "sync_id", "changed_seq"),
        tests,
    )  # fmt: skip
    goals = SavingsGoal.objects.bulk_create(goals, batch_size=2000)
    stamp = _stamp(now)
    movements = [
        (g.pk, g.user_id, kind, amount, day, "", stamp, _sync_id(rng), seq)
        for g, moves in zip(goals, plans, strict=True)
        for kind, amount, day in moves
    ]
    insert_rows(
        "finance_savingsmovement",
        ("goal_id", "owner_id", "kind", "amount", "occurred_on", "note", "created_at", "sync_id",
         "changed_seq"),
        movements,
    )  # fmt: skip
    return {
        "lessons": len(progress),
        "tests": len(tests),
        "savings_goals": len(goals),
        "savings_movements": len(movements),
    }
