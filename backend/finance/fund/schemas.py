import datetime as dt
from decimal import Decimal

from ninja import Field, Schema

from backend.accounts.schemas import StrictIn
from backend.lib.validation import Amount, Id


class FundSummaryOut(Schema):
    programme_id: int
    title: str
    currency: str
    goal: Decimal
    raised: Decimal | None
    donations_net: Decimal | None
    contributions: Decimal | None
    granted: Decimal | None
    disbursed: Decimal | None
    balance: Decimal | None
    ventures_funded: str = Field(..., description='A count, or "<K" when suppressed for donors')
    suppressed: bool = Field(
        ..., description="True when figures were withheld by disclosure control"
    )


class FundEntryOut(Schema):
    id: int
    kind: str
    amount: Decimal
    note: str
    created_at: dt.datetime


class ContributionIn(StrictIn):
    amount: Amount = Field(..., gt=0, max_digits=14)
    funder_code: str | None = Field(None, max_length=20)
    reference: str = Field(
        ..., min_length=1, max_length=80, description="Agreement or transfer reference"
    )
    note: str = Field("", max_length=200)


class GrantIn(StrictIn):
    venture_id: Id
    amount: Amount = Field(..., gt=0, max_digits=12)
    purpose: str = Field(..., min_length=3, max_length=300)


class DisburseIn(StrictIn):
    reference: str = Field("", max_length=120)


class GrantOut(Schema):
    id: int
    programme_id: int
    venture_id: int
    venture: str
    amount: Decimal
    currency: str
    purpose: str
    status: str
    granted_at: dt.datetime
    disbursed_at: dt.datetime | None

    @staticmethod
    def resolve_programme_id(g: object) -> int:
        return g.fund.programme_id  # type: ignore[attr-defined]

    @staticmethod
    def resolve_venture(g: object) -> str:
        return g.venture.name  # type: ignore[attr-defined]

    @staticmethod
    def resolve_currency(g: object) -> str:
        return g.fund.currency  # type: ignore[attr-defined]
