import datetime as dt
from decimal import Decimal
from typing import Literal

from ninja import Field, Schema

from backend.accounts.schemas import StrictIn
from backend.lib.money import to_string
from backend.lib.validation import Amount, Date, Id

from .models import ExpenseCategory, Formalisation, Kind, LedgerEntry, Method, Venture, Wallet

Sector = Literal[
    "A", "B", "C", "D", "E", "F", "G", "H", "I", "J", "K", "L", "M", "N", "O", "P", "Q", "R",
    "S", "T", "U",
]  # fmt: skip


class VentureIn(StrictIn):
    programme_id: Id
    name: str = Field(..., min_length=1, max_length=120)
    sector: Sector = Field(..., description="ISIC Rev. 4 section letter")
    region: str = Field("", max_length=10, description="ISO 3166-2 code, e.g. PE-PIU")
    formalisation: Formalisation = Formalisation.INFORMAL
    started_on: Date
    currency: str | None = Field(
        None, max_length=3, description="Optional; when sent it must be the country's currency"
    )


class VentureUpdateIn(StrictIn):
    name: str | None = Field(None, min_length=1, max_length=120)
    sector: Sector | None = None
    region: str | None = Field(None, max_length=10)
    formalisation: Formalisation | None = None
    started_on: Date | None = None


class VentureOut(Schema):
    id: int
    programme_id: int
    owner_id: int
    name: str
    sector: str
    country: str
    region: str
    currency: str
    formalisation: str
    started_on: dt.date
    has_photo: bool
    outstanding_credit: str = Field(..., description="What customers owe, in the currency")

    @staticmethod
    def resolve_has_photo(obj: Venture) -> bool:
        return bool(obj.photo)

    @staticmethod
    def resolve_outstanding_credit(obj: Venture) -> str:
        return to_string(getattr(obj, "outstanding", None) or Decimal(0), obj.currency)


class EntryIn(StrictIn):
    id: str = Field(
        ..., min_length=1, max_length=36, description="Chosen by the client; a retry reuses it"
    )
    kind: Kind
    amount: Amount = Field(..., description='In the venture\'s currency, e.g. "12.50"')
    currency: str | None = Field(None, max_length=3, description="Optional; must match")
    occurred_on: Date = Field(..., description="Business date")
    payment_method: Method
    wallet: Wallet | None = Field(None, description="Only for mobile_wallet")
    category: ExpenseCategory | None = Field(None, description="Only for expenses")
    note: str = Field("", max_length=140)


class EntryOut(Schema):
    id: str = Field(..., description="The client's id of the entry")
    venture_id: int
    kind: str
    amount: str
    currency: str
    occurred_on: dt.date
    payment_method: str
    wallet: str
    category: str
    note: str
    has_receipt: bool
    received_at: dt.datetime
    voided_at: dt.datetime | None
    void_reason: str

    @staticmethod
    def resolve_id(obj: LedgerEntry) -> str:
        return obj.sync_id  # the client's own id; the table's key never leaves the server

    @staticmethod
    def resolve_amount(obj: LedgerEntry) -> str:
        return to_string(obj.amount, obj.venture.currency)

    @staticmethod
    def resolve_currency(obj: LedgerEntry) -> str:
        return obj.venture.currency

    @staticmethod
    def resolve_has_receipt(obj: LedgerEntry) -> bool:
        return bool(obj.receipt)


class EntryFilter(Schema):
    start: Date | None = Field(None, description="Business date from (inclusive)")
    end: Date | None = Field(None, description="Business date to (inclusive)")
    kind: Kind | None = None
    method: Method | None = None
    voided: bool | None = Field(None, description="true: only voided; false: only valid")


class VoidIn(StrictIn):
    reason: str = Field(..., min_length=1, max_length=200)


# A summary also reads the range just before the one asked for, and steps bucket by bucket
# past its end; dates far from today would leave the calendar (and mean nothing here).
SUMMARY_EARLIEST, SUMMARY_LATEST = dt.date(1900, 1, 1), dt.date(2999, 12, 31)


class SummaryQuery(Schema):
    period: Literal["day", "week", "month"] = "month"
    start: dt.date = Field(..., ge=SUMMARY_EARLIEST, le=SUMMARY_LATEST)
    end: dt.date = Field(..., ge=SUMMARY_EARLIEST, le=SUMMARY_LATEST)


class BucketOut(Schema):
    start: dt.date
    sales: str
    expenses: str
    margin: str
    entries: int


class TotalsOut(Schema):
    sales: str
    expenses: str
    margin: str
    entries: int
    digital_sales: str


class MethodOut(Schema):
    method: str
    sales: str


class PreviousOut(Schema):
    start: dt.date
    end: dt.date
    sales: str
    expenses: str
    margin: str


class TrendOut(Schema):
    sales_change_pct: float | None = Field(
        ..., description="Percent change against the previous range; null when it had none"
    )
    margin_change_pct: float | None


class SummaryOut(Schema):
    venture_id: int
    currency: str
    period: str
    start: dt.date
    end: dt.date
    buckets: list[BucketOut]
    totals: TotalsOut
    by_method: list[MethodOut]
    outstanding_credit: str
    previous: PreviousOut
    trend: TrendOut
