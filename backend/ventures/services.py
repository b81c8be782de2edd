"""Writes of the ventures app: ventures, ledger entries, voids, receipts and rollups.

Every write that touches the ledger changes the rollups in the same transaction, so a report
read at any moment agrees with the ledger without scanning it.
"""

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from backend.accounts.models import User
from backend.accounts.services import check_consent
from backend.lib import images
from backend.lib.errors import Conflict, DomainError, NotFound
from backend.lib.geography import COUNTRIES, is_region_of
from backend.lib.money import parse_amount
from backend.programmes.access import access_own_entry, participant_programmes
from backend.programmes.models import Programme
from backend.sync.changes import next_seq, record_deletion

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


def _check_entry(venture: Venture, data: EntryInput) -> Decimal:
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
    today = venture.programme.today()
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


@transaction.atomic
def record_entry(*, venture: Venture, actor: User, data: EntryInput) -> tuple[LedgerEntry, bool]:
    """Posts an entry; returns it and whether it is new.

    The same id with the same content is the same entry (a retry from a phone that did not hear
    the answer): it is returned unchanged. The same id with other content is a conflict.
    """
    check_consent(actor)
    amount = _check_entry(venture, data)
    # Locking the venture row serialises writers of one venture, so the rollup arithmetic and
    # the outstanding-credit check below see every earlier entry.
    Venture.objects.select_for_update().filter(pk=venture.pk).first()
    existing = LedgerEntry.objects.filter(pk=data.id).first()
    if existing is not None:
        if _same_content(existing, venture, data, amount):
            return existing, False
        raise Conflict(
            _("An entry with this id already exists with different content."),
            code="id_conflict",
        )
    if data.kind == Kind.REPAYMENT:
        owed = outstanding_credit(venture)
        if amount > owed:
            raise DomainError(
                _("Customers owe %(owed)s %(currency)s; a repayment cannot be larger.")
                % {"owed": owed, "currency": venture.currency},
                field="body.amount",
                status=422,
            )
    try:
        with transaction.atomic():
            entry = LedgerEntry.objects.create(
                id=data.id,
                venture=venture,
                kind=data.kind,
                amount=amount,
                occurred_on=data.occurred_on,
                payment_method=data.payment_method,
                wallet=data.wallet,
                category=data.category,
                note=data.note.strip(),
                recorded_by=actor,
                changed_seq=next_seq(),
            )
    except IntegrityError as exc:
        # The same id posted at the same moment to another venture: the first one won.
        raise Conflict(
            _("An entry with this id already exists with different content."),
            code="id_conflict",
        ) from exc
    apply_to_rollups(entry, sign=1)
    return entry, True


@transaction.atomic
def void_entry(*, actor: User, entry_id: str, reason: str) -> LedgerEntry:
    entry = access_own_entry(actor, entry_id)
    if entry is None:
        raise NotFound(_("Not found."))
    check_consent(actor)
    Venture.objects.select_for_update().filter(pk=entry.venture_id).first()
    entry = LedgerEntry.objects.select_related("venture").get(pk=entry.pk)
    if entry.voided_at is not None:
        raise Conflict(_("This entry was already voided."), code="already_voided")
    is_credit = entry.kind == Kind.SALE and entry.payment_method == Method.CUSTOMER_CREDIT
    if is_credit and outstanding_credit(entry.venture) < entry.amount:
        raise Conflict(
            _("Customers already repaid part of this credit: void those repayments first."),
            code="credit_repaid",
        )
    entry.voided_at = timezone.now()
    entry.voided_by = actor
    entry.void_reason = reason.strip()
    entry.changed_seq = next_seq()
    entry.save(update_fields=["voided_at", "voided_by", "void_reason", "changed_seq"])
    # A voided entry leaves the owner's devices: they hear of it as deleted.
    record_deletion("ledger_entries", entry.pk, seq=entry.changed_seq, user_id=actor.pk)
    apply_to_rollups(entry, sign=-1)
    return entry


@transaction.atomic
def attach_receipt(*, actor: User, entry_id: str, upload: Any) -> LedgerEntry:
    entry = access_own_entry(actor, entry_id)
    if entry is None:
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


def apply_to_rollups(entry: LedgerEntry, *, sign: int) -> None:
    """Adds (sign=1) or removes (sign=-1) one entry from its day and month rollups."""
    effect = {k: v * sign for k, v in entry_effect(entry).items()}
    is_sale = entry.kind == Kind.SALE
    day_row, _created = VentureDay.objects.select_for_update().get_or_create(
        venture_id=entry.venture_id, day=entry.occurred_on
    )
    sale_days_before = day_row.sale_entries
    VentureDay.objects.filter(pk=day_row.pk).update(
        entries=F("entries") + sign,
        sale_entries=F("sale_entries") + (sign if is_sale else 0),
        **{k: F(k) + v for k, v in effect.items()},
    )
    sale_days_after = sale_days_before + (sign if is_sale else 0)
    month_row, _created = VentureMonth.objects.get_or_create(
        venture_id=entry.venture_id, month=month_of(entry.occurred_on)
    )
    changes: dict[str, Any] = {k: F(k) + v for k, v in effect.items() if k in MONTH_MONEY}
    changes["entries"] = F("entries") + sign
    # A day (and its week) becomes active with its first sale and inactive with its last.
    if (sale_days_before == 0) != (sale_days_after == 0):
        step = 1 if sale_days_after else -1
        changes["active_days"] = F("active_days") + step
        start, end = week_in_month(entry.occurred_on)
        other_days = (
            VentureDay.objects.filter(
                venture_id=entry.venture_id, day__range=(start, end), sale_entries__gt=0
            )
            .exclude(day=entry.occurred_on)
            .exists()
        )
        if not other_days:
            changes["active_weeks"] = F("active_weeks") + step
    VentureMonth.objects.filter(pk=month_row.pk).update(**changes)


def outstanding_credit(venture: Venture) -> Decimal:
    """What customers owe the venture now: credit sales less repayments, voids excluded."""
    from django.db.models import Sum

    totals = VentureMonth.objects.filter(venture=venture).aggregate(
        credit=Sum("credit_sales"), repaid=Sum("repayments")
    )
    return (totals["credit"] or Decimal(0)) - (totals["repaid"] or Decimal(0))


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
