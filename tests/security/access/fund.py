import datetime as dt
from decimal import Decimal
from typing import Any

from backend.finance.fund.models import Fund, FundEntry, Grant
from backend.ventures.models import Venture


def build(world: Any) -> dict[str, object]:
    fund = Fund.objects.create(
        programme=world.programme_a,
        slug="access-fund",
        currency="PEN",
        goal=Decimal(1000),
        title="Fondo",
        story_es="-",
        story_en="-",
        story_pt="-",
        min_donation=Decimal(1),
        max_donation=Decimal(100),
    )
    Fund.objects.create(
        programme=world.programme_b,
        slug="access-fund-b",
        currency="COP",
        goal=Decimal(1000),
        title="Fondo B",
        story_es="-",
        story_en="-",
        story_pt="-",
        min_donation=Decimal(1),
        max_donation=Decimal(100),
    )
    FundEntry.objects.create(
        fund=fund, kind="contribution", amount=Decimal(500), source="access-contribution"
    )
    venture = Venture.objects.create(
        owner=world.participant_a,
        programme=world.programme_a,
        name="Bodega",
        sector="G",
        country="PE",
        currency="PEN",
        started_on=dt.date(2025, 1, 1),
    )
    grant = Grant.objects.create(
        fund=fund, venture=venture, amount=Decimal(10), purpose="x", granted_by=world.manager
    )
    FundEntry.objects.create(
        fund=fund, kind="grant", amount=Decimal(-10), grant=grant, source="access-grant"
    )
    return {"fund_venture_a": venture, "grant_a": grant}
