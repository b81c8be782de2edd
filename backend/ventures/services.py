"""Writes of the ventures app: ventures, ledger entries, voids, receipts and rollups.

Every write that touches the ledger changes the rollups in the same transaction, so a report
read at any moment agrees with the ledger without scanning it.
"""

import datetime as dt
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import IntegrityError, connection, transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from backend.accounts.models import User
from backend.accounts.services import check_consent
from backend.lib import images
from backend.lib.errors import Conflict, DomainError, Forbidden, NotFound
from backend.lib.geography import COUNTRIES, is_region_of
from backend.lib.money import parse_amount
from backend.programmes.access import participant_programmes
from backend.programmes.models import Programme
from backend.sync import creations
from backend.sync.changes import next_seq, record_deletions

from .access import access_own_entry, entries_visible_to
from .models import (
    DIGITAL_METHODS,
    SECTOR_CHOICES,
    Formalisation,
    Kind,
    LedgerEntry,
    Method,
    Venture,
    VentureDay,
    VentureMonth,
)

ENTRY_ID = re.compile(r"^[A-Za-z0-9_-]{1,36}$")
SECTORS = {code for code, _label in SECTOR_CHOICES}
# A business date may be up to a day ahead of the programme's today: phones near midnight and
# slightly wrong clocks are common; further ahead is a typing mistake.
FUTURE_DAYS = 1


# --- ventures ----------------------------------------------------------------------------------


def _check_venture_fields(
    *, programme: Programme, sector: str | None, region: str | None, started_on: dt.date | None
) -> None:
    if sector is not None and sector not in SECTORS:
        raise DomainError(_("Choose an ISIC section letter from A to U."), field="body.sector")
    if region and not is_region_of(region, programme.country):
        raise DomainError(
            _("This region is not in the programme's country."), field="body.region", status=422
        )
    if started_on is not None and started_on > programme.today() + dt.timedelta(days=FUTURE_DAYS):
        raise DomainError(
            _("The start date cannot be in the future."), field="body.started_on", status=422
        )


@transaction.atomic
def create_venture(
    *,
    owner: User,
    programme_id: int,
    name: str,
    sector: str,
    started_on: dt.date,
    region: str = "",
    formalisation: str = Formalisation.INFORMAL,
    currency: str | None = None,
) -> Venture:
    programme = participant_programmes(owner).filter(pk=programme_id).first()
    if programme is None:
        raise DomainError(
            _("You can only register a venture in a programme you take part in."),
            field="body.programme_id",
            status=422,
        )
    check_consent(owner)
    _check_venture_fields(programme=programme, sector=sector, region=region, started_on=started_on)
    country_currency = COUNTRIES[programme.country].currency
    if currency is not None and currency != country_currency:
        raise DomainError(
            _("Ventures in this country keep their books in %(currency)s.")
            % {"currency": country_currency},
            field="body.currency",
            status=422,
        )
    return Venture.objects.create(
        owner=owner,
        programme=programme,
        name=name.strip(),
        sector=sector,
        country=programme.country,
        region=region,
        currency=country_currency,
        formalisation=formalisation,
        started_on=started_on,
        changed_seq=next_seq(),
    )


@transaction.atomic
def update_venture(*, venture: Venture, changes: dict[str, Any]) -> Venture:
    """Changes the venture's own fields; the ledger, currency and country never change here."""
    check_consent(venture.owner)
    allowed = {"name", "sector", "region", "formalisation", "started_on"}
    changes = {k: v for k, v in changes.items() if k in allowed and v is not None}
    _check_venture_fields(
        programme=venture.programme,
        sector=changes.get("sector"),
        region=changes.get("region"),
        started_on=changes.get("started_on"),
    )
    if "started_on" in changes:
        first = venture.entries.order_by("occurred_on").values_list("occurred_on", flat=True)[:1]
        if first and changes["started_on"] > first[0]:
            raise DomainError(
                _("The venture has entries from %(date)s, so it cannot start later.")
                % {"date": first[0].isoformat()},
                field="body.started_on",
                status=422,
            )
    if "name" in changes:
        changes["name"] = changes["name"].strip()
    for key, value in changes.items():
        setattr(venture, key, value)
    venture.changed_seq = next_seq()
    venture.save()
    return venture


# --- ledger ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class EntryInput:
    id: str
    kind: str
    amount: Any
    occurred_on: dt.date
    payment_method: str
    wallet: str = ""
    category: str = ""
    note: str = ""
    currency: str | None = None


@dataclass
class EntryOutcome:
    """What became of one item of a batch: the entry (new or a retry's original), or why not."""

    entry: LedgerEntry | None = None
    created: bool = False
    error: DomainError | None = None


def _check_entry(venture: Venture, data: EntryInput, today: dt.date) -> Decimal:
    if not ENTRY_ID.match(data.id):
        raise DomainError(
            _("An entry id has 1 to 36 letters, digits, hyphens or underscores."),
            field="body.id",
            status=422,
        )
    if data.currency is not None and data.currency != venture.currency:
        raise DomainError(
            _("This venture keeps its books in %(currency)s.") % {"currency": venture.currency},
            field="body.currency",
            status=422,
        )
    amount = parse_amount(data.amount, venture.currency)
    if data.occurred_on > today + dt.timedelta(days=FUTURE_DAYS):
        raise DomainError(
            _("The date cannot be more than one day in the future."),
            field="body.occurred_on",
            status=422,
        )
    if data.occurred_on < venture.started_on:
        raise DomainError(
            _("The date is before the venture started (%(date)s).")
            % {"date": venture.started_on.isoformat()},
            field="body.occurred_on",
            status=422,
        )
    if data.payment_method == Method.CUSTOMER_CREDIT and data.kind != Kind.SALE:
        raise DomainError(
            _("Only a sale can be on customer credit."), field="body.payment_method", status=422
        )
    if (data.payment_method == Method.MOBILE_WALLET) != bool(data.wallet):
        raise DomainError(
            _("Name the wallet for mobile wallet payments, and only for those."),
            field="body.wallet",
            status=422,
        )
    if data.category and data.kind != Kind.EXPENSE:
        raise DomainError(_("Only expenses have a category."), field="body.category", status=422)
    return amount


def _same_content(entry: LedgerEntry, venture: Venture, data: EntryInput, amount: Decimal) -> bool:
    return (
        entry.venture_id == venture.pk
        and entry.kind == data.kind
        and entry.amount == amount
        and entry.occurred_on == data.occurred_on
        and entry.payment_method == data.payment_method
        and entry.wallet == data.wallet
        and entry.category == data.category
        and entry.note == data.note.strip()
    )


def _id_conflict() -> Conflict:
    return Conflict(
        _("An entry with this id already exists with different content."), code="id_conflict"
    )


def record_entry(*, venture: Venture, actor: User, data: EntryInput) -> tuple[LedgerEntry, bool]:
    """Posts one entry; returns it and whether it is new (a batch of one: see record_entries).

    The same id with the same content is the same entry (a retry from a phone that did not hear
    the answer): it is returned unchanged. The same id with other content is a conflict.
    """
    [outcome] = record_entries(actor=actor, items=[(venture, data)])
    if outcome.error is not None:
        raise outcome.error
    assert outcome.entry is not None
    return outcome.entry, outcome.created


def record_entries(
    *, actor: User, items: Sequence[tuple[Venture, EntryInput]]
) -> list[EntryOutcome]:
    """Posts many entries of the actor's ventures; one outcome per item, in the same order.

    The only way into the ledger (the REST create posts a batch of one; a sync push posts all
    its entries at once). An item that fails its checks gets its error and takes no part in
    anything; the others are written together. The work is per batch, not per entry: the
    ventures are locked and the ids looked up with one query each, the new rows are inserted
    with one statement under one change number, and each affected (venture, day) and
    (venture, month) rollup row is rewritten once.

    Items are judged in order, as if posted one after another: a repayment may use credit sold
    earlier in the same batch, and an id repeated in the batch is a retry of its first use.
    """
    check_consent(actor)
    for _attempt in range(2):
        try:
            # The batch's own transaction (the REST create), or a savepoint inside the caller's
            # (a sync push): either way a lost race on an id leaves nothing behind. It is the
            # only one: the create path opens no other transaction or savepoint around it.
            with transaction.atomic():
                outcomes = _record_entries(actor, items)
                if not any(o.created for o in outcomes):
                    # Nothing new (refused items, retries): the change number and the locks
                    # are given back, as when a refused create rolled back before.
                    transaction.set_rollback(True)
                return outcomes
        except IntegrityError:
            # An id inserted by a concurrent transaction that has committed since we looked:
            # looking again finds it, and the item becomes a retry or an id conflict.
            continue
    raise _id_conflict()


def _record_entries(actor: User, items: Sequence[tuple[Venture, EntryInput]]) -> list[EntryOutcome]:
    outcomes = [EntryOutcome() for _item in items]
    todays: dict[int, dt.date] = {}
    amounts: dict[int, Decimal] = {}
    for i, (venture, data) in enumerate(items):
        if venture.programme_id not in todays:
            todays[venture.programme_id] = venture.programme.today()
        try:
            amounts[i] = _check_entry(venture, data, todays[venture.programme_id])
        except DomainError as exc:
            outcomes[i].error = exc
    if not amounts:
        return outcomes
    # The change number first, then the ventures: every writer takes the change counter
    # before any venture lock (a sync push takes it at its start), so no two writers can wait
    # for each other. Locking the ventures (in id order) serialises writers of each venture,
    # so the rollup arithmetic and the outstanding-credit check see every earlier entry.
    seq = next_seq()
    venture_ids = sorted({items[i][0].pk for i in amounts})
    _lock_ventures(venture_ids)
    # Ids are the owners' own: each is looked up among its venture owner's entries only, so
    # another person's entry under the same id is never seen here.
    owners = {items[i][0].owner_id for i in amounts}
    stored = {
        (e.owner_id, e.sync_id): e
        for e in LedgerEntry.objects.filter(
            owner_id__in=owners, sync_id__in={items[i][1].id for i in amounts}
        )
    }
    owed: dict[int, Decimal] | None = None
    fresh: dict[tuple[int, str], LedgerEntry] = {}
    for i, amount in amounts.items():
        venture, data = items[i]
        key = (venture.owner_id, data.id)
        earlier = stored.get(key) or fresh.get(key)
        if earlier is not None:
            if _same_content(earlier, venture, data, amount):
                outcomes[i].entry = earlier
            else:
                outcomes[i].error = _id_conflict()
            continue
        if data.kind == Kind.REPAYMENT or data.payment_method == Method.CUSTOMER_CREDIT:
            owed = _outstanding_by_venture(venture_ids) if owed is None else owed
            available = owed.get(venture.pk, Decimal(0))
            if data.kind == Kind.REPAYMENT and amount > available:
                outcomes[i].error = DomainError(
                    _("Customers owe %(owed)s %(currency)s; a repayment cannot be larger.")
                    % {"owed": available, "currency": venture.currency},
                    field="body.amount",
                    status=422,
                )
                continue
            owed[venture.pk] = available + (-amount if data.kind == Kind.REPAYMENT else amount)
        fresh[key] = LedgerEntry(
            sync_id=data.id,
            venture=venture,
            owner_id=venture.owner_id,
            kind=data.kind,
            amount=amount,
            occurred_on=data.occurred_on,
            payment_method=data.payment_method,
            wallet=data.wallet,
            category=data.category,
            note=data.note.strip(),
            recorded_by=actor,
        )
        outcomes[i].entry, outcomes[i].created = fresh[key], True
    if fresh:
        for entry in fresh.values():
            entry.changed_seq = seq
        LedgerEntry.objects.bulk_create(fresh.values())
        # Scoped to the owner: another person's entry under the same id never makes hers
        # look new to her devices.
        for owner_id in {e.owner_id for e in fresh.values()}:
            creations.record(
                "ledger_entries",
                [e.sync_id for e in fresh.values() if e.owner_id == owner_id],
                seq=seq,
                user_id=owner_id,
            )
        apply_many_to_rollups(list(fresh.values()), sign=1)
    return outcomes


def _lock_ventures(venture_ids: list[int]) -> None:
    """Row locks on the ventures, in id order. SQLite has no row locks: a writer there holds
    the whole database from BEGIN IMMEDIATE on, so the statement would lock nothing more."""
    if connection.features.has_select_for_update:
        qs = Venture.objects.select_for_update().filter(pk__in=venture_ids).order_by("pk")
        list(qs.values("pk"))


def _outstanding_by_venture(venture_ids: list[int]) -> dict[int, Decimal]:
    """What customers owe each venture (credit sales less repayments), from the month rollups."""
    rows = (
        VentureMonth.objects.filter(venture_id__in=venture_ids)
        .values("venture_id")
        .annotate(credit=Sum("credit_sales"), repaid=Sum("repayments"))
    )
    return {
        r["venture_id"]: (r["credit"] or Decimal(0)) - (r["repaid"] or Decimal(0)) for r in rows
    }


def void_entry(*, actor: User, entry_id: str, reason: str) -> LedgerEntry:
    """Voids one entry of the actor's (a batch of one: see void_entries)."""
    [outcome] = void_entries(actor=actor, entry_ids=[entry_id], reason=reason)
    if outcome.error is not None:
        raise outcome.error
    assert outcome.entry is not None
    return outcome.entry


@transaction.atomic
def void_entries(*, actor: User, entry_ids: Sequence[str], reason: str) -> list[EntryOutcome]:
    """Voids entries of the actor's ventures; one outcome per id, in the same order.

    As for posting, the work is per batch: one lookup, one lock of the ventures, one UPDATE
    under one change number, one tombstone statement, one rollup rewrite. An entry that
    cannot be voided (not found, someone else's, already voided, credit already repaid) gets
    its error; the others are voided. Ids are judged in order, as if voided one by one.
    """
    outcomes = [EntryOutcome() for _id in entry_ids]
    # The ids are the actor's own (ids are unique per owner); an id naming only entries of
    # others that the actor oversees (a manager's programme) is refused as not hers.
    own: dict[str, LedgerEntry] = {}
    others: set[str] = set()
    for entry in (
        entries_visible_to(actor).filter(sync_id__in=set(entry_ids)).select_related("venture")
    ):
        if entry.owner_id == actor.pk:
            own[entry.sync_id] = entry
        else:
            others.add(entry.sync_id)
    found: list[int] = []
    for i, entry_id in enumerate(entry_ids):
        if entry_id in own:
            found.append(i)
        elif entry_id in others:
            outcomes[i].error = Forbidden(
                _("Only the owner of this venture can change it."), code="not_owner"
            )
        else:
            outcomes[i].error = NotFound(_("Not found."))
    if not found:
        return outcomes
    check_consent(actor)
    seq = next_seq()  # before the venture locks, as in record_entries
    venture_ids = sorted({own[entry_ids[i]].venture_id for i in found})
    _lock_ventures(venture_ids)
    # Read again under the locks: a concurrent void of the same entry has committed by now.
    current = LedgerEntry.objects.select_related("venture").in_bulk(
        [own[entry_ids[i]].pk for i in found]
    )
    owed: dict[int, Decimal] | None = None
    voided: dict[int, LedgerEntry] = {}
    for i in found:
        entry = current[own[entry_ids[i]].pk]
        if entry.voided_at is not None or entry.pk in voided:
            outcomes[i].error = Conflict(_("This entry was already voided."), code="already_voided")
            continue
        is_credit = entry.kind == Kind.SALE and entry.payment_method == Method.CUSTOMER_CREDIT
        if is_credit or entry.kind == Kind.REPAYMENT:
            owed = _outstanding_by_venture(venture_ids) if owed is None else owed
            available = owed.get(entry.venture_id, Decimal(0))
            if is_credit and available < entry.amount:
                outcomes[i].error = Conflict(
                    _("Customers already repaid part of this credit: void those repayments first."),
                    code="credit_repaid",
                )
                continue
            owed[entry.venture_id] = available + (-entry.amount if is_credit else entry.amount)
        voided[entry.pk] = entry
        outcomes[i].entry = entry
    if voided:
        now, why = timezone.now(), reason.strip()
        LedgerEntry.objects.filter(pk__in=list(voided)).update(
            voided_at=now, voided_by=actor, void_reason=why, changed_seq=seq
        )
        for entry in voided.values():
            entry.voided_at, entry.voided_by, entry.void_reason = now, actor, why
            entry.changed_seq = seq
        # Voided entries leave the owner's devices: they hear of them as deleted.
        record_deletions(
            [("ledger_entries", e.sync_id, actor.pk) for e in voided.values()], seq=seq
        )
        apply_many_to_rollups(list(voided.values()), sign=-1)
    return outcomes


@transaction.atomic
def attach_receipt(
    *,
    actor: User,
    upload: Any,
    entry: LedgerEntry | None = None,
    entry_id: str | None = None,
) -> LedgerEntry:
    """Stores the receipt photo of the actor's own entry: ``entry`` when the caller already
    looked it up with access_own_entry, else the one under ``entry_id``."""
    if entry is None and entry_id is not None:
        entry = access_own_entry(actor, str(entry_id))
    if entry is None or entry.owner_id != actor.pk:
        raise NotFound(_("Not found."))
    check_consent(actor)
    if entry.receipt:
        raise Conflict(_("This entry already has a receipt."), code="receipt_exists")
    image = images.clean_image(upload)
    full, thumb = images.storage_names("receipts", image.extension)
    entry.receipt.name = default_storage.save(full, ContentFile(image.data))
    entry.receipt_thumbnail.name = default_storage.save(thumb, ContentFile(image.thumbnail))
    # Only an entry still without a receipt takes this one (two uploads may race).
    stored = LedgerEntry.objects.filter(pk=entry.pk, receipt="").update(
        receipt=entry.receipt.name, receipt_thumbnail=entry.receipt_thumbnail.name
    )
    if not stored:
        _delete_files([str(entry.receipt.name), str(entry.receipt_thumbnail.name)])
        raise Conflict(_("This entry already has a receipt."), code="receipt_exists")
    return entry


@transaction.atomic
def set_venture_photo(*, venture: Venture, upload: Any) -> Venture:
    check_consent(venture.owner)
    image = images.clean_image(upload)
    full, _thumb = images.storage_names("ventures", image.extension)
    old = venture.photo.name
    venture.photo.name = default_storage.save(full, ContentFile(image.data))
    venture.save(update_fields=["photo", "updated_at"])
    if old:
        transaction.on_commit(lambda: default_storage.delete(old))
    return venture


# --- rollups -----------------------------------------------------------------------------------

DAY_MONEY = [
    "sales", "expenses", "digital_sales", "credit_sales", "repayments", "sales_cash",
    "sales_bank_transfer", "sales_mobile_wallet", "sales_card", "sales_customer_credit",
    "sales_other",
]  # fmt: skip
MONTH_MONEY = ["sales", "expenses", "digital_sales", "credit_sales", "repayments"]


def entry_effect(entry: LedgerEntry) -> dict[str, Decimal]:
    """What one non-voided entry adds to its day's money columns."""
    effect: dict[str, Decimal] = {}
    if entry.kind == Kind.SALE:
        effect["sales"] = entry.amount
        effect[f"sales_{entry.payment_method}"] = entry.amount
        if entry.payment_method in DIGITAL_METHODS:
            effect["digital_sales"] = entry.amount
        if entry.payment_method == Method.CUSTOMER_CREDIT:
            effect["credit_sales"] = entry.amount
    elif entry.kind == Kind.EXPENSE:
        effect["expenses"] = entry.amount
    else:
        effect["repayments"] = entry.amount
    return effect


def month_of(day: dt.date) -> dt.date:
    return day.replace(day=1)


def week_in_month(day: dt.date) -> tuple[dt.date, dt.date]:
    """The ISO week (Monday to Sunday) of ``day``, clipped to the month of ``day``."""
    start = max(day - dt.timedelta(days=day.weekday()), month_of(day))
    end = min(day + dt.timedelta(days=6 - day.weekday()), _month_end(day))
    return start, end


def _month_end(day: dt.date) -> dt.date:
    following = (month_of(day) + dt.timedelta(days=32)).replace(day=1)
    return following - dt.timedelta(days=1)


def apply_many_to_rollups(entries: Sequence[LedgerEntry], *, sign: int) -> None:
    """Adds (sign=1) or removes (sign=-1) entries from their day and month rollups.

    The caller holds the lock of every venture concerned, so the rows read here cannot change
    before they are written back. Each affected (venture, day) and (venture, month) row is
    written once, all of them in one upsert per table, however many entries there are.
    """
    if not entries:
        return
    day_fields = ["entries", "sale_entries", *DAY_MONEY]
    day_delta: dict[tuple[int, dt.date], dict[str, Any]] = {}
    for entry in entries:
        row = day_delta.setdefault(
            (entry.venture_id, entry.occurred_on), dict.fromkeys(day_fields, 0)
        )
        row["entries"] += sign
        row["sale_entries"] += sign if entry.kind == Kind.SALE else 0
        for name, value in entry_effect(entry).items():
            row[name] += value * sign
    venture_ids = sorted({venture_id for venture_id, _day in day_delta})
    days = VentureDay.objects.select_for_update().filter(
        venture_id__in=venture_ids, day__in={day for _venture, day in day_delta}
    )
    stored_days = {(d.venture_id, d.day): d for d in days}
    day_rows = []
    for (venture_id, day), delta in day_delta.items():
        before = stored_days.get((venture_id, day))
        day_rows.append(
            VentureDay(
                venture_id=venture_id,
                day=day,
                **{f: (getattr(before, f) if before else 0) + delta[f] for f in day_fields},
            )
        )
    VentureDay.objects.bulk_create(
        day_rows, update_conflicts=True, unique_fields=["venture", "day"], update_fields=day_fields
    )

    month_delta: dict[tuple[int, dt.date], dict[str, Any]] = {}
    for (venture_id, day), delta in day_delta.items():
        row = month_delta.setdefault(
            (venture_id, month_of(day)), dict.fromkeys(["entries", *MONTH_MONEY], 0)
        )
        for name in row:
            row[name] += delta[name]
    # Active days and weeks are counted again from the day rows of the affected months (a day
    # is active while it has a sale; a week, clipped to its month, while one of its days is).
    first, last = min(m for _v, m in month_delta), _month_end(max(m for _v, m in month_delta))
    active: dict[tuple[int, dt.date], set[dt.date]] = {}
    for venture_id, day in VentureDay.objects.filter(
        venture_id__in=venture_ids, day__range=(first, last), sale_entries__gt=0
    ).values_list("venture_id", "day"):
        if (venture_id, month_of(day)) in month_delta:
            active.setdefault((venture_id, month_of(day)), set()).add(day)
    months = VentureMonth.objects.select_for_update().filter(
        venture_id__in=venture_ids, month__in={month for _venture, month in month_delta}
    )
    stored_months = {(m.venture_id, m.month): m for m in months}
    month_fields = ["entries", *MONTH_MONEY]
    month_rows = []
    for key, delta in month_delta.items():
        was = stored_months.get(key)
        sale_days = active.get(key, set())
        month_rows.append(
            VentureMonth(
                venture_id=key[0],
                month=key[1],
                active_days=len(sale_days),
                active_weeks=len({week_in_month(day)[0] for day in sale_days}),
                **{f: (getattr(was, f) if was else 0) + delta[f] for f in month_fields},
            )
        )
    VentureMonth.objects.bulk_create(
        month_rows,
        update_conflicts=True,
        unique_fields=["venture", "month"],
        update_fields=[*month_fields, "active_days", "active_weeks"],
    )


def outstanding_credit(venture: Venture) -> Decimal:
    """What customers owe the venture now: credit sales less repayments, voids excluded."""
    return _outstanding_by_venture([venture.pk]).get(venture.pk, Decimal(0))


def compute_rollups(
    entries: Iterable[LedgerEntry],
) -> tuple[dict[tuple[int, dt.date], dict[str, Any]], dict[tuple[int, dt.date], dict[str, Any]]]:
    """Day and month rollups recomputed from raw entries (for rebuilds and checks)."""
    days: dict[tuple[int, dt.date], dict[str, Any]] = {}
    for entry in entries:
        if entry.voided_at is not None:
            continue
        row = days.setdefault(
            (entry.venture_id, entry.occurred_on),
            {"entries": 0, "sale_entries": 0, **{k: Decimal(0) for k in DAY_MONEY}},
        )
        row["entries"] += 1
        row["sale_entries"] += 1 if entry.kind == Kind.SALE else 0
        for field, value in entry_effect(entry).items():
            row[field] += value
    months: dict[tuple[int, dt.date], dict[str, Any]] = {}
    weeks: dict[tuple[int, dt.date], set[dt.date]] = {}
    for (venture_id, day), row in days.items():
        key = (venture_id, month_of(day))
        month = months.setdefault(
            key,
            {"entries": 0, "active_days": 0, "active_weeks": 0}
            | {k: Decimal(0) for k in MONTH_MONEY},
        )
        month["entries"] += row["entries"]
        for name in MONTH_MONEY:
            month[name] += row[name]
        if row["sale_entries"]:
            month["active_days"] += 1
            weeks.setdefault(key, set()).add(week_in_month(day)[0])
    for key, starts in weeks.items():
        months[key]["active_weeks"] = len(starts)
    return days, months


def _stored(model: Any, venture_ids: list[int], date_field: str, fields: list[str]) -> Any:
    rows = model.objects.filter(venture_id__in=venture_ids).values(
        "venture_id", date_field, *fields
    )
    return {
        (r["venture_id"], r[date_field]): {f: r[f] for f in fields}
        for r in rows
        # Rows emptied by voids are equivalent to missing rows.
        if any(r[f] for f in fields)
    }


@transaction.atomic
def rebuild_rollups(*, venture_ids: list[int] | None = None, chunk: int = 200) -> int:
    """Recomputes the rollups from the ledger; returns how many ventures had differed."""
    ids = (
        venture_ids
        if venture_ids is not None
        else list(Venture.objects.order_by("pk").values_list("pk", flat=True))
    )
    differed = 0
    day_fields = ["entries", "sale_entries", *DAY_MONEY]
    month_fields = ["entries", "active_days", "active_weeks", *MONTH_MONEY]
    for i in range(0, len(ids), chunk):
        part = ids[i : i + chunk]
        entries = LedgerEntry.objects.filter(venture_id__in=part, voided_at__isnull=True).only(
            "venture_id", "kind", "amount", "occurred_on", "payment_method", "voided_at"
        )
        days, months = map(_by_venture, compute_rollups(entries.iterator(chunk_size=5000)))
        stored_days = _by_venture(_stored(VentureDay, part, "day", day_fields))
        stored_months = _by_venture(_stored(VentureMonth, part, "month", month_fields))
        for venture_id in part:
            want = (days.get(venture_id, {}), months.get(venture_id, {}))
            if want != (stored_days.get(venture_id, {}), stored_months.get(venture_id, {})):
                differed += 1
                _replace(venture_id, *want)
    return differed


def _by_venture(rows: dict[tuple[int, dt.date], Any]) -> dict[int, dict[dt.date, Any]]:
    out: dict[int, dict[dt.date, Any]] = {}
    for (venture_id, day), row in rows.items():
        out.setdefault(venture_id, {})[day] = row
    return out


def _replace(venture_id: int, days: dict[dt.date, Any], months: dict[dt.date, Any]) -> None:
    VentureDay.objects.filter(venture_id=venture_id).delete()
    VentureMonth.objects.filter(venture_id=venture_id).delete()
    VentureDay.objects.bulk_create(
        VentureDay(venture_id=venture_id, day=day, **row) for day, row in days.items()
    )
    VentureMonth.objects.bulk_create(
        VentureMonth(venture_id=venture_id, month=month, **row) for month, row in months.items()
    )


# --- data rights -------------------------------------------------------------------------------


@transaction.atomic
def erase_ventures_of(user: User) -> None:
    """Wipes the person's free text and photos; amounts and dates stay for the aggregates."""
    entries = LedgerEntry.objects.filter(venture__owner=user)
    files = [
        name
        for pair in entries.exclude(receipt="").values_list("receipt", "receipt_thumbnail")
        for name in pair
        if name
    ]
    files += [n for n in Venture.objects.filter(owner=user).values_list("photo", flat=True) if n]
    seq = next_seq()
    entries.exclude(note="", receipt="", void_reason="").update(
        note="", receipt="", receipt_thumbnail="", void_reason="", changed_seq=seq
    )
    Venture.objects.filter(owner=user).update(name=_("Erased venture"), photo="", changed_seq=seq)
    transaction.on_commit(lambda: _delete_files(files))


def _delete_files(names: list[str]) -> None:
    for name in names:
        default_storage.delete(name)
