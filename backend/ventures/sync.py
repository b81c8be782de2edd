"""Ventures and their ledger on the app's wire (see mobile_api_spec/sync.md).

Every write goes through ventures.services, exactly like the REST API: the new entries of a
push are posted together with record_entries (the REST create posts a batch of one through
it), the deleted ones are voided together with void_entries. Entries are never edited: an
`updated` entry is rejected with code `immutable` (void it and enter it again).
"""

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from backend.accounts.models import User
from backend.sync import creations
from backend.sync.registry import (
    Column,
    Rejected,
    SyncTable,
    date_value,
    epoch_ms,
    int_value,
    invalid,
    iso_date,
    money,
    register,
    text,
)

from . import access, services
from .models import ExpenseCategory, Formalisation, Kind, LedgerEntry, Method, Venture, Wallet

VENTURE_FIELDS = ("name", "sector", "region", "formalisation", "started_on")
# The choices, listed once (a push checks them for every record).
KINDS, METHODS = list(Kind.values), list(Method.values)
WALLETS, CATEGORIES = list(Wallet.values), list(ExpenseCategory.values)


def _choice(raw: dict[str, Any], name: str, values: list[str], *, blank: bool = False) -> str:
    value = text(raw, name, required=not blank)
    if value not in values and not (blank and value == ""):
        raise invalid(name, _("choose one of: %(values)s.") % {"values": ", ".join(values)})
    return value


def _short(raw: dict[str, Any], name: str, limit: int, *, required: bool = True) -> str:
    value = text(raw, name, required=required)
    if len(value) > limit:
        raise invalid(name, _("at most %(n)s characters.") % {"n": limit})
    return value


def _entry_input(raw: dict[str, Any]) -> services.EntryInput:
    return services.EntryInput(
        id=raw["id"],
        kind=_choice(raw, "kind", KINDS),
        amount=raw.get("amount"),
        occurred_on=date_value(raw, "occurred_on"),  # type: ignore[arg-type]
        payment_method=_choice(raw, "payment_method", METHODS),
        wallet=_choice(raw, "wallet", WALLETS, blank=True),
        category=_choice(raw, "category", CATEGORIES, blank=True),
        note=_short(raw, "note", 140, required=False),
    )


@register
class Ventures(SyncTable):
    name = "ventures"
    model = Venture
    description = "The participant's own ventures. Created and edited in the app."
    can_create = True
    can_update = True
    id_field = "sync_id"
    owner_field = "owner_id"
    client_columns = ("programme_id", *VENTURE_FIELDS)
    columns = (
        Column("programme_id", "number", description="Programme the venture belongs to."),
        Column("name", "string", description="Name of the business."),
        Column("sector", "string", description="ISIC Rev. 4 section letter, A to U."),
        Column("region", "string", description="ISO 3166-2 region code, or empty."),
        Column(
            "formalisation",
            "string",
            description="informal | tax_registered | company.",
        ),
        Column("started_on", "string", description="Start date, YYYY-MM-DD."),
        Column("country", "string", description="ISO country code (set by the server)."),
        Column("currency", "string", description="ISO currency of the books (set by the server)."),
        Column("created_at", "number", description="When the server stored it, epoch ms."),
    )

    def rows(self, user: User) -> QuerySet[Any]:
        return access.own_ventures(user)

    def serialize(self, obj: Venture) -> dict[str, Any]:
        return {
            "id": obj.sync_id,
            "programme_id": obj.programme_id,
            "name": obj.name,
            "sector": obj.sector,
            "region": obj.region,
            "formalisation": obj.formalisation,
            "started_on": iso_date(obj.started_on),
            "country": obj.country,
            "currency": obj.currency,
            "created_at": epoch_ms(obj.created_at),
        }

    def create(self, user: User, raw: dict[str, Any]) -> None:
        venture = services.create_venture(
            owner=user,
            programme_id=int_value(raw, "programme_id"),
            name=_short(raw, "name", 120),
            sector=_short(raw, "sector", 1),
            started_on=date_value(raw, "started_on"),  # type: ignore[arg-type]
            region=_short(raw, "region", 10, required=False),
            formalisation=_choice(raw, "formalisation", Formalisation.values, blank=True)
            or Formalisation.INFORMAL,
        )
        Venture.objects.filter(pk=venture.pk).update(sync_id=raw["id"])
        creations.rename(self.name, venture.sync_id, raw["id"], user_id=self.owner_of(venture))

    def update(self, user: User, obj: Venture, raw: dict[str, Any]) -> None:
        changes: dict[str, Any] = {}
        for name, limit in (("name", 120), ("sector", 1), ("region", 10)):
            if name in raw:
                changes[name] = _short(raw, name, limit, required=name != "region")
        if raw.get("formalisation"):
            changes["formalisation"] = _choice(raw, "formalisation", Formalisation.values)
        if "started_on" in raw:
            changes["started_on"] = date_value(raw, "started_on")
        services.update_venture(venture=obj, changes=changes)

    def delete(self, user: User, obj: Venture) -> None:
        raise Rejected(
            "not_deletable", _("A venture cannot be deleted; its records stay in the books.")
        )


@register
class LedgerEntries(SyncTable):
    name = "ledger_entries"
    model = LedgerEntry
    description = (
        "Sales, expenses and repayments of the participant's ventures. Append-only: created "
        "in the app, deleted = voided on the server; edits are rejected (code `immutable`)."
    )
    can_create = True
    can_delete = True
    batch_creates = True
    batch_deletes = True
    # The phone's id, unique per owner (the key of the server's table never goes out).
    id_field = "sync_id"
    owner_field = "owner_id"
    client_columns = (
        "venture_id",
        "kind",
        "amount",
        "occurred_on",
        "payment_method",
        "wallet",
        "category",
        "note",
    )
    columns = (
        Column(
            "venture_id",
            "string",
            indexed=True,
            references="ventures",
            description="The venture's id (sync id).",
        ),
        Column("kind", "string", description="sale | expense | repayment."),
        Column("amount", "string", description='Positive decimal string, e.g. "12.50".'),
        Column("occurred_on", "string", description="Business date as entered, YYYY-MM-DD."),
        Column(
            "payment_method",
            "string",
            description="cash | bank_transfer | mobile_wallet | card | customer_credit | other.",
        ),
        Column("wallet", "string", description="Wallet for mobile_wallet payments, else empty."),
        Column("category", "string", description="Expense category, else empty."),
        Column("note", "string", description="Free text, at most 140 characters."),
        Column("received_at", "number", description="When the server received it, epoch ms."),
    )

    # What the wire needs of a row, in the order of _wire's arguments.
    WIRE = ("sync_id", "venture__sync_id", "venture__currency", *client_columns[1:], "received_at")

    def rows(self, user: User) -> QuerySet[Any]:
        return access.own_live_entries(user).select_related("venture")

    def serialize(self, obj: LedgerEntry) -> dict[str, Any]:
        return self._wire(
            obj.sync_id,
            obj.venture.sync_id,
            obj.venture.currency,
            obj.kind,
            obj.amount,
            obj.occurred_on,
            obj.payment_method,
            obj.wallet,
            obj.category,
            obj.note,
            obj.received_at,
        )

    def serialize_rows(self, qs: QuerySet[Any]) -> list[dict[str, Any]]:
        # A pull carries up to thousands of entries: plain tuples, no model objects.
        return [self._wire(*row) for row in qs.values_list(*self.WIRE)]

    @staticmethod
    def _wire(
        sync_id: str,
        venture_sync_id: str,
        currency: str,
        kind: str,
        amount: Decimal,
        occurred_on: dt.date,
        payment_method: str,
        wallet: str,
        category: str,
        note: str,
        received_at: dt.datetime,
    ) -> dict[str, Any]:
        return {
            "id": sync_id,
            "venture_id": venture_sync_id,
            "kind": kind,
            "amount": money(amount, currency),
            "occurred_on": iso_date(occurred_on),
            "payment_method": payment_method,
            "wallet": wallet,
            "category": category,
            "note": note,
            "received_at": epoch_ms(received_at),
        }

    def same_content(self, obj: LedgerEntry, raw: dict[str, Any]) -> bool:
        try:
            amount = Decimal(str(raw.get("amount")))
        except InvalidOperation:
            return False
        stored = self.serialize(obj)
        names = [n for n in self.client_columns or () if n != "amount" and n in raw]
        return amount == obj.amount and all(stored[n] == (raw[n] or "") for n in names)

    def create(self, user: User, raw: dict[str, Any]) -> None:
        rejected = self.create_many(user, [raw])
        if rejected:
            raise rejected[raw["id"]]

    def create_many(self, user: User, raws: list[dict[str, Any]]) -> dict[str, Rejected]:
        """All new entries of a push are posted together with services.record_entries."""
        wanted = {r.get("venture_id") for r in raws if isinstance(r.get("venture_id"), str)}
        ventures = {
            v.sync_id: v
            for v in access.own_ventures(user)
            .filter(sync_id__in=wanted)
            .select_related("programme")
        }
        rejected: dict[str, Rejected] = {}
        ids: list[str] = []
        items: list[tuple[Venture, services.EntryInput]] = []
        for raw in raws:
            try:
                venture = ventures.get(text(raw, "venture_id"))
                if venture is None:
                    raise Rejected("not_found", _("The venture of this entry was not found."))
                items.append((venture, _entry_input(raw)))
                ids.append(raw["id"])
            except Rejected as exc:
                rejected[raw["id"]] = exc
        for record_id, outcome in zip(
            ids, services.record_entries(actor=user, items=items), strict=True
        ):
            if outcome.error is not None:
                rejected[record_id] = Rejected(outcome.error.code, str(outcome.error.message))
        return rejected

    def update(self, user: User, obj: LedgerEntry, raw: dict[str, Any]) -> None:
        raise Rejected(
            "immutable",
            _("A ledger entry cannot be changed. Delete it (it is voided) and enter it again."),
        )

    def delete(self, user: User, obj: LedgerEntry) -> None:
        rejected = self.delete_many(user, [obj])
        if rejected:
            raise rejected[obj.sync_id]

    def delete_many(self, user: User, objs: list[LedgerEntry]) -> dict[str, Rejected]:
        """A deleted entry is voided; all of a push's together, with services.void_entries."""
        ids = [o.sync_id for o in objs]
        outcomes = services.void_entries(actor=user, entry_ids=ids, reason="")
        return {
            record_id: Rejected(o.error.code, str(o.error.message))
            for record_id, o in zip(ids, outcomes, strict=True)
            if o.error is not None
        }
