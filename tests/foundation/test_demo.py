import datetime as dt
import io
import random
from decimal import Decimal
from typing import Any

import pytest
import time_machine
from django.apps import apps
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.models import F, Sum
from django.test import Client

from backend.accounts.models import User
from backend.demo import national, people, ventures
from backend.demo.models import SeedRun
from backend.finance.fund.models import Grant
from backend.outcomes.params import M2Params, ReportParams, add_months, default_dates
from backend.outcomes.report import build
from backend.programmes.models import Programme
from backend.sync.changes import current_seq
from backend.ventures.models import LedgerEntry, Venture, VentureDay, VentureMonth
from backend.ventures.services import rebuild_rollups


def table_counts() -> dict[str, int]:
    return {m._meta.label: m._default_manager.count() for m in apps.get_models()}


@pytest.mark.django_db
def test_seed_demo_is_idempotent() -> None:
    call_command("seed_demo", "--scale", "tiny", stdout=io.StringIO())
    first = table_counts()
    call_command("seed_demo", "--scale", "tiny", stdout=io.StringIO())
    assert table_counts() == first
    assert first["accounts.User"] > 20


@pytest.mark.django_db
def test_every_demo_login_reaches_its_home_page() -> None:
    call_command("seed_demo", "--scale", "tiny", stdout=io.StringIO())
    expected = {
        "admin": "Administración",
        "manager": "Programas que gestiona",
        "trainer": "Programas en los que forma",
        "donor": "Programas financiados por",
    }
    emails: list[tuple[str, str]] = [(e, r.split(":")[0]) for e, r, _ in people.STAFF]
    emails.append((people.DEMO_PARTICIPANT_EMAIL, "participant"))
    for email, kind in emails:
        client = Client()
        assert client.login(email=email, password=people.DEMO_PASSWORD), email
        page = client.get("/")
        assert page.status_code == 200, email
        text = page.content.decode()
        assert expected.get(kind, "Tus programas") in text, email
    assert User.objects.filter(
        email=people.DEMO_PARTICIPANT_EMAIL, phone=people.DEMO_PARTICIPANT_PHONE
    ).exists()


def test_demo_logins_are_printed(capsys: Any, db: Any) -> None:
    call_command("demo_logins")
    out = capsys.readouterr().out
    assert people.DEMO_PASSWORD in out
    for email, _role, _secret in people.STAFF:
        assert email in out


# --- the story the demo tells, and the national-scale loader --------------------------------


def _months_back(today: dt.date, n: int) -> dt.date:
    return add_months(today.replace(day=1), -n)


def _month_end(first: dt.date) -> dt.date:
    return add_months(first, 1) - dt.timedelta(days=1)


def _sales_by_month() -> dict[dt.date, Decimal]:
    rows = VentureMonth.objects.values("month").annotate(s=Sum("sales"))
    return {r["month"]: r["s"] for r in rows}


def _mean_sale_by_sex() -> dict[str, dict[str, Decimal]]:
    """Per currency and owner's sex: the average sale (sales over the number of sales)."""
    rows = VentureDay.objects.values("venture__currency", "venture__owner__profile__sex").annotate(
        s=Sum("sales"), n=Sum("sale_entries")
    )
    out: dict[str, dict[str, Decimal]] = {}
    for r in rows:
        if r["n"]:
            sex = r["venture__owner__profile__sex"]
            out.setdefault(r["venture__currency"], {})[sex] = Decimal(r["s"]) / r["n"]
    return out


def _story_report(
    today: dt.date, *, suppress: bool, programme_ids: tuple[int, ...], months: int = 18
) -> dict[str, Any]:
    """The donor's (or a manager's) view: M2 from the quarter before the crisis to the last
    whole quarter."""
    first = _months_back(today, months - 1)
    params = ReportParams(
        programme_ids=programme_ids,
        period_start=add_months(first, 6),
        period_end=_month_end(add_months(first, months - 1)),
        breakdown=("sex",),
        m2=M2Params(
            design="calendar",
            baseline_start=add_months(first, 3),
            baseline_end=_month_end(add_months(first, 5)),
            followup_start=add_months(first, months - 4),
            followup_end=_month_end(add_months(first, months - 2)),
        ),
    )
    return {i["code"]: i for i in build(params, suppress=suppress, k=5)["indicators"]}


def _assert_story(today: dt.date, *, donor: bool) -> None:
    by_month = _sales_by_month()
    first = _months_back(today, 17)
    before = sum(by_month[add_months(first, m)] for m in (3, 4, 5))
    crisis = sum(by_month[add_months(first, m)] for m in ventures.CRISIS)
    after = sum(by_month[add_months(first, m)] for m in (14, 15, 16))
    # Per currency would be exact; every currency dips alike, so the mixed sum shows it too.
    assert crisis < Decimal("0.7") * before, "no crisis dip"
    assert after > Decimal("1.5") * crisis, "no recovery"
    everything = tuple(Programme.objects.values_list("pk", flat=True))
    report = _story_report(today, suppress=donor, programme_ids=everything)
    reach = {c["row"]: c["value"] for c in report["REACH"]["table"]["cells"]}
    assert reach["female"] > reach["male"], "women are not the majority of participants"
    for currency, by_sex in _mean_sale_by_sex().items():
        if "female" in by_sex and "male" in by_sex:
            assert by_sex["female"] < by_sex["male"], f"women do not sell less in {currency}"
    # Ventures logging too rarely are shown to the donor as such, not hidden nor as declines.
    insufficient = report["M2"]["details"]["classes"]["insufficient_data"]
    assert insufficient is not None
    assert insufficient >= 5


# Seeded on the day the suite runs, and on days whose calendar once broke the story: New
# Year's Eve late in Bogotá (already 1 January in UTC), a first of the month just after
# midnight, 29 February late in the evening.
STORY_DAYS = [
    None,
    "2027-12-31T23:30:00-05:00",
    "2027-03-01T00:30:00-05:00",
    "2028-02-29T23:30:00-05:00",
]


@pytest.mark.django_db
@pytest.mark.parametrize("moment", STORY_DAYS, ids=["today", "new-year-eve", "first", "leap"])
def test_demo_ventures_tell_the_story(moment: str | None) -> None:
    when = dt.datetime.fromisoformat(moment) if moment else None
    traveller = time_machine.travel(when, tick=True) if when else None
    if traveller:
        traveller.start()
    try:
        programmes = people.ensure_programmes()
        people.ensure_participants(programmes, 40)
        ventures.seed(scale="demo", rng=random.Random(7))
        _assert_story(Programme.objects.first().today(), donor=True)  # type: ignore[union-attr]
    finally:
        if traveller:
            traveller.stop()


@pytest.mark.django_db
def test_national_loader_is_idempotent_consistent_and_tells_the_story() -> None:
    err = io.StringIO()
    call_command("seed_demo", "--scale", "national", "--factor", "0.004", stdout=io.StringIO(),
                 stderr=err)  # fmt: skip
    first = table_counts()
    call_command("seed_demo", "--scale", "national", "--factor", "0.004", stdout=io.StringIO(),
                 stderr=io.StringIO())  # fmt: skip
    assert table_counts() == first
    assert "ledger" in err.getvalue()  # the progress bar, drawn to the end
    assert "100.0%" in err.getvalue()
    sizes = national.Sizes.scaled(0.004)
    assert first["ventures.Venture"] == sizes.ventures
    assert first["training.Cohort"] == sizes.cohorts
    assert first["training.Attendance"] == (
        sizes.cohorts * sizes.per_cohort * national.SESSIONS_PER_COHORT
    )
    assert abs(first["ventures.LedgerEntry"] - sizes.entries) < sizes.entries * 0.1
    # Rows like real ones: the programme's currency, a change number sync can hand out, and
    # rollups equal to what the ventures services compute from the entries.
    assert not Venture.objects.exclude(currency=F("programme__currency")).exists()
    assert not LedgerEntry.objects.filter(changed_seq__isnull=True).exists()
    assert not LedgerEntry.objects.filter(changed_seq__gt=current_seq()).exists()
    assert rebuild_rollups() == 0
    # A tiny run has cells below K; the story is checked on the unsuppressed figures here.
    _assert_story(Programme.objects.first().today(), donor=False)  # type: ignore[union-attr]
    if connection.vendor == "postgresql":
        # The planner knows the ledger's size right after the bulk load (ANALYZE ran), so the
        # report is not planned for an empty table.
        with connection.cursor() as cursor:
            cursor.execute("SELECT reltuples FROM pg_class WHERE relname = 'ventures_ledgerentry'")
            assert cursor.fetchone()[0] > 0.9 * first["ventures.LedgerEntry"]
    run = SeedRun.objects.get()
    assert run.finished_at is not None
    assert run.progress["written"]["ledger_entries"] == first["ventures.LedgerEntry"]
    # Another size of the same seed would reuse its phone numbers: refused, with the reason.
    with pytest.raises(CommandError, match="another factor"):
        call_command("seed_demo", "--scale", "national", "--factor", "0.002", stderr=io.StringIO())


# The first of a month (the current month has one day), the last, 29 February and New Year's
# Eve late in the evening in Bogotá, when it is already the next year in UTC.
ANY_DAY = [
    "2026-12-01T09:00:00-05:00",
    "2027-01-31T12:00:00-05:00",
    "2028-02-29T12:00:00-05:00",
    "2027-12-31T23:30:00-05:00",
]


@pytest.mark.django_db
@pytest.mark.parametrize("moment", ANY_DAY)
def test_national_loader_writes_its_target_number_of_entries_on_any_day(moment: str) -> None:
    with time_machine.travel(dt.datetime.fromisoformat(moment), tick=False):
        call_command("seed_demo", "--scale", "national", "--factor", "0.004",
                     stdout=io.StringIO(), stderr=io.StringIO())  # fmt: skip
        counts = table_counts()
        today = Programme.objects.get(code="co-bogota-cucuta").today()
        latest = LedgerEntry.objects.order_by("-occurred_on").values_list("occurred_on", flat=True)
        assert latest[0] <= today  # nothing is dated after today where the programme runs
    target = national.Sizes.scaled(0.004).entries
    assert abs(counts["ventures.LedgerEntry"] - target) < target * 0.05


def _default_report() -> dict[str, dict[str, Any]]:
    """What a manager sees on asking for the report with the form's dates left as they are."""
    d = default_dates()
    params = ReportParams(
        programme_ids=tuple(Programme.objects.values_list("pk", flat=True)),
        period_start=d["period_start"], period_end=d["period_end"], breakdown=(),
        m2=M2Params(design="calendar", baseline_start=d["baseline_start"],
                    baseline_end=d["baseline_end"], followup_start=d["followup_start"],
                    followup_end=d["followup_end"]),
    )  # fmt: skip
    return {i["code"]: i for i in build(params, suppress=False, k=5)["indicators"]}


@pytest.mark.django_db
@pytest.mark.parametrize("moment", ANY_DAY)
def test_the_default_report_on_the_demo_shows_every_indicator_on_any_day(moment: str) -> None:
    with time_machine.travel(dt.datetime.fromisoformat(moment), tick=False):
        call_command("seed_demo", "--scale", "demo", stdout=io.StringIO())
        report = _default_report()
        disbursed = Grant.objects.filter(status=Grant.Status.DISBURSED)
        funded_on_fund_pages = disbursed.values("venture").distinct().count()
    empty = [code for code, ind in report.items() if not ind["table"]["total"]]
    assert empty == [], f"indicators at zero in the default report: {empty}"
    # The report and the fund pages tell the same story: every disbursed grant is in it.
    assert report["M6"]["table"]["total"] == funded_on_fund_pages > 0
    for currency, money in report["M6"]["details"]["by_currency"].items():
        assert money["disbursed"], currency
        assert money["donations_net"], currency
