"""Figures in real terms: M2's classes and M4's sales deflated by a consumer-price index that
staff load, checked against the same figures worked out by hand from the entries below."""

import dataclasses
import datetime as dt
import io
from decimal import ROUND_HALF_UP, Decimal, localcontext
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import translation

from backend.lib.geography import COUNTRIES
from backend.outcomes import report
from backend.outcomes.indicators import compute
from backend.outcomes.management.commands.report_timing import story_params
from backend.outcomes.models import PriceIndex
from backend.outcomes.params import ReportParams, add_months
from backend.outcomes.present import detail_rows
from backend.outcomes.prices import add_real_terms
from backend.programmes.models import Programme
from tests.conftest import ApiClient, World

from .attacker import audit, published
from .conftest import AUG, FEB, JAN, JUL, calendar, person, sales, venture_of
from .test_reports import BODY

# Peru's index, 2026: prices rise 20% between the baseline (Jan-Feb) and July, 26% by August.
INDEX = {1: "100", 2: "102", 3: "105", 4: "108", 5: "111", 6: "115", 7: "120", 8: "126", 9: "130"}

# Each venture: two sales in each baseline month and two in each follow-up month (4 weeks with
# a sale in each window, the minimum), the amounts of one sale; and how it is paid.
VENTURES = {
    "plus5": ("100", "105", "cash"),  # nominal +5%: maintained; real about -14%: declined
    "plus6": ("100", "106", "cash"),  # nominal +6%: improved; real: declined
    "plus25": ("100", "125", "bank_transfer"),  # nominal improved; real about +2.7%: maintained
    "plus30": ("100", "130", "cash"),  # nominal improved; real about +6.8%: improved
    "few_weeks": ("100", "300", "cash"),  # one sale a month in the baseline: no verdict
}


def _load_index(months: dict[int, str] = INDEX) -> None:
    for month, value in months.items():
        PriceIndex.objects.create(
            country="PE", month=dt.date(2026, month, 1), value=Decimal(value), source="INEI"
        )


@pytest.fixture
def dataset(world: World) -> dict[str, list[tuple[dt.date, str]]]:
    """The ventures of VENTURES; returns every sale entered (month, amount) by venture."""
    entered: dict[str, list[tuple[dt.date, str]]] = {}
    for name, (base, follow, method) in VENTURES.items():
        venture = venture_of(person(world, "female"), world)
        base_weeks = 1 if name == "few_weeks" else 2
        entered[name] = []
        for month, amount, n in ((JAN, base, base_weeks), (FEB, base, base_weeks)):
            sales(venture, month, [amount] * n, method)
            entered[name] += [(month, amount)] * n
        for month in (JUL, AUG):
            sales(venture, month, [follow] * 2, method)
            entered[name] += [(month, follow)] * 2
    return entered


def _real(total: Decimal, month: dt.date) -> Decimal:
    """A month's sales at the baseline's prices, by hand: x (mean of Jan and Feb) / month's."""
    base = (Decimal(INDEX[1]) + Decimal(INDEX[2])) / 2
    with localcontext() as ctx:
        ctx.prec = 60
        value = total * base / Decimal(INDEX[month.month])
    return value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def _by_hand(entered: dict[str, list[tuple[dt.date, str]]]) -> dict[str, Any]:
    """The classes and the period's sales in both terms, from the raw entries."""
    nominal = dict.fromkeys(("improved", "maintained", "declined", "insufficient_data"), 0)
    real = dict(nominal)
    sales_nominal = sales_real = digital_real = Decimal(0)
    for name, rows in entered.items():
        per_month: dict[dt.date, Decimal] = {}
        for month, amount in rows:
            per_month[month] = per_month.get(month, Decimal(0)) + Decimal(amount)
        sales_nominal += sum(per_month.values())
        deflated = {m: _real(v, m) for m, v in per_month.items()}
        sales_real += sum(deflated.values())
        if VENTURES[name][2] == "bank_transfer":
            digital_real += sum(deflated.values())
        if name == "few_weeks":
            nominal["insufficient_data"] += 1
            real["insufficient_data"] += 1
            continue
        for counts, values in ((nominal, per_month), (real, deflated)):
            change = (values[JUL] + values[AUG]) / (values[JAN] + values[FEB])
            if change > Decimal("1.05"):
                counts["improved"] += 1
            elif change >= Decimal("0.95"):
                counts["maintained"] += 1
            else:
                counts["declined"] += 1
    return {
        "nominal": nominal,
        "real": real,
        "sales": sales_nominal,
        "real_sales": sales_real,
        "real_digital": digital_real,
    }


def _real_params(world: World) -> ReportParams:
    return dataclasses.replace(calendar(world), terms="real")


def _m2_m4(data: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    by_code = {ind["code"]: ind for ind in data["indicators"]}
    return by_code["M2"], by_code["M4"]


def test_real_terms_match_the_figures_worked_out_by_hand(world: World, dataset: Any) -> None:
    _load_index()
    hand = _by_hand(dataset)
    # The case the feature is for: a nominal +5% (and +6%) is a real fall.
    assert hand["nominal"] == {
        "improved": 3,
        "maintained": 1,
        "declined": 0,
        "insufficient_data": 1,
    }
    assert hand["real"] == {"improved": 1, "maintained": 1, "declined": 2, "insufficient_data": 1}

    m2, m4 = _m2_m4(report.build(_real_params(world), suppress=False, k=5))
    assert m2["details"]["classes"] == hand["nominal"]
    assert m2["details"]["real"]["classes"] == hand["real"]
    assert m2["details"]["real"]["total"] == 2
    assert m2["details"]["real"]["eligible"] == 4
    assert m2["table"]["total"] == 4  # the table stays nominal: improved + maintained
    pen = m4["details"]["by_currency"]["PEN"]
    assert Decimal(pen["sales"]) == hand["sales"]
    assert Decimal(pen["real_sales"]) == hand["real_sales"]
    assert Decimal(pen["real_digital_sales"]) == hand["real_digital"]
    assert m2["details"]["terms"]["sources"] == {"PE": ["INEI"]}
    assert m2["details"]["terms"]["missing"] == {}
    with translation.override("es"):
        rows = dict(detail_rows("M2", m2["details"], 5))
    assert "enero de 2026" in rows["Términos"], rows
    assert rows["Fuente del índice de precios, PE"] == "INEI"


def test_a_nominal_report_says_so_and_has_no_real_figures(world: World, dataset: Any) -> None:
    _load_index()
    m2, m4 = _m2_m4(report.build(calendar(world), suppress=False, k=5))
    assert "real" not in m2["details"]
    assert "real_sales" not in m4["details"]["by_currency"]["PEN"]
    with translation.override("pt-br"):
        rows = dict(detail_rows("M4", m4["details"], 5))
    assert rows["Termos"].startswith("Nominais")


def test_a_missing_index_month_is_named_and_nothing_is_deflated(world: World, dataset: Any) -> None:
    _load_index({m: v for m, v in INDEX.items() if m != 5})
    hand = _by_hand(dataset)
    m2, m4 = _m2_m4(report.build(_real_params(world), suppress=False, k=5))
    assert m2["details"]["terms"]["missing"] == {"PE": ["2026-05"]}
    # No venture of the country is classified in real terms; nominal figures are unchanged.
    assert m2["details"]["real"]["classes"] == dict.fromkeys(hand["real"], 0)
    assert m2["details"]["classes"] == hand["nominal"]
    pen = m4["details"]["by_currency"]["PEN"]
    assert pen["real_sales"] is None
    assert pen["real_digital_sales"] is None
    assert Decimal(pen["sales"]) == hand["sales"]
    with translation.override("es"):
        rows = dict(detail_rows("M4", m4["details"], 5))
    assert "mayo de 2026" in rows["Sin términos reales, PE"], rows


def test_real_terms_go_through_disclosure_control(world: World, dataset: Any) -> None:
    """Real-term counts of 1 to 4 are withheld like the nominal ones, and the attacker, who
    also knows that real and nominal eligible counts are equal, narrows none of them."""
    _load_index()
    data = report.build(_real_params(world), suppress=True, k=5)
    m2, m4 = _m2_m4(data)
    real = m2["details"]["real"]
    for value in [*real["classes"].values(), real["eligible"], real["total"]]:
        assert value is None or not 0 < value < 5
    assert m2["details"]["marks"]["real.classes.declined"] == "primary"
    # Four sellers in PEN: fewer than five, so no money total of either terms is shown.
    assert m4["details"]["by_currency"]["PEN"]["real_sales"] is None
    assert audit(*published(data), k=5) == []


def test_the_api_takes_terms_and_refuses_real_terms_without_calendar_windows(
    world: World, dataset: Any, django_capture_on_commit_callbacks: Any
) -> None:
    _load_index()
    api = ApiClient(world.manager)
    with django_capture_on_commit_callbacks(execute=True):
        resp = api.post(
            "reports", {**BODY, "programme_ids": [world.programme_a.pk], "terms": "real"}
        )
    assert resp.status_code == 202, resp.content
    snapshot = api.get(f"reports/{resp.json()['id']}").json()
    assert snapshot["params"]["terms"] == "real"
    m2, _m4 = _m2_m4(snapshot["data"])
    assert m2["details"]["real"]["classes"]["declined"] == 2
    assert m2["details"]["classes"]["declined"] == 0
    training = {**BODY["m2"], "design": "training"}
    resp = ApiClient(world.manager, language="es").post(
        "reports",
        {**BODY, "programme_ids": [world.programme_a.pk], "terms": "real", "m2": training},
    )
    assert resp.status_code == 422
    error = resp.json()["error"]
    assert "terms" in str(error["fields"][0]["loc"])
    assert "diseño de calendario" in str(error)
    resp = api.post("reports", {**BODY, "programme_ids": [world.programme_a.pk], "terms": "x"})
    assert resp.status_code == 422


def _admin(world: World, language: str) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    client.force_login(world.admin)
    return client


def _upload(client: Client, text: str) -> Any:
    upload = io.BytesIO(text.encode())
    upload.name = "ipc.csv"
    return client.post("/admin/outcomes/priceindex/import/", {"file": upload})


def test_staff_import_an_index_and_see_each_row_error_in_their_language(world: World) -> None:
    client = _admin(world, "es")
    assert client.get("/admin/outcomes/priceindex/import/").status_code == 200
    bad = (
        "country,month,value,source\n"
        "PE,2026-01,100,INEI\n"
        "XX,2026-13,abc,\n"
        "PE,2026-01,101,INEI\n"
        "PE,2026-02,-3,INEI\n"
    )
    resp = _upload(client, bad)
    assert resp.status_code == 422
    text = resp.content.decode()
    assert "Fila 3: el país" in text
    assert "el mes «2026-13»" in text
    assert "la fuente" in text
    assert "Fila 4: PE 2026-01 ya está en la fila 2" in text
    assert "Fila 5:" in text
    assert not PriceIndex.objects.exists()  # nothing is saved from a file with errors

    good = "country;month;value;source\nPE;2026-01;100;INEI\npe;2026-02;102,5;INEI\n"
    resp = _upload(client, good)
    assert resp.status_code == 302
    listing = client.get("/admin/outcomes/priceindex/").content.decode()
    assert "febrero de 2026" in listing
    assert dict(PriceIndex.objects.values_list("month", "value")) == {
        dt.date(2026, 1, 1): Decimal("100"),
        dt.date(2026, 2, 1): Decimal("102.5"),
    }
    # A month loaded again is replaced, not doubled.
    resp = _upload(_admin(world, "pt-br"), "country,month,value,source\nPE,2026-02,103,BCRP\n")
    assert resp.status_code == 302
    assert PriceIndex.objects.get(month=dt.date(2026, 2, 1)).source == "BCRP"
    assert PriceIndex.objects.count() == 2
    world.admin.preferred_language = "pt-br"
    world.admin.save()
    resp = _upload(_admin(world, "pt-br"), "pais,mes\nPE,2026-02\n")
    assert "A primeira linha" in resp.content.decode()


def test_only_staff_who_may_add_index_months_reach_the_import(world: World) -> None:
    client = Client()
    client.force_login(world.manager)
    resp = client.get("/admin/outcomes/priceindex/import/")
    assert resp.status_code in (302, 403)
    assert not PriceIndex.objects.exists()


def test_the_demo_donor_reports_in_real_terms_withstand_the_attack(db: Any) -> None:
    """The demo dataset with a steep index in every country (6% a month, so prices outrun the
    demo's recovery on any day the suite runs): its donor reports in
    real terms, for a one-way and a crossed breakdown, give no withheld figure away, real-term
    figures included."""
    call_command("seed_demo", "--scale", "demo", stdout=io.StringIO(), stderr=io.StringIO())
    programme = Programme.objects.order_by("pk").first()
    assert programme is not None
    base = story_params(programme.today(), ())
    first = base.m2.baseline_start
    assert first is not None
    for country in COUNTRIES:
        for i in range(24):
            PriceIndex.objects.create(
                country=country,
                month=add_months(first, i),
                value=(Decimal(100) * Decimal("1.06") ** i).quantize(Decimal("0.000001")),
                source="test",
            )
    for breakdown in [("sex",), ("sex", "age_band")]:
        params = dataclasses.replace(story_params(programme.today(), breakdown), terms="real")
        data = report.build(params, suppress=True, k=5)
        m2, _m4 = _m2_m4(data)
        assert m2["details"]["terms"]["missing"] == {}
        assert audit(*published(data), k=5) == [], breakdown
    unsuppressed = report.build(params, suppress=False, k=5)
    m2, _m4 = _m2_m4(unsuppressed)
    # Deflating moves ventures down a class: the real figures are not the nominal ones.
    assert m2["details"]["real"]["classes"] != m2["details"]["classes"]
    assert m2["details"]["real"]["eligible"] == m2["details"]["eligible"]


def test_real_terms_cost_four_queries_whatever_the_number_of_ventures(
    world: World, dataset: Any, django_assert_num_queries: Any
) -> None:
    """The ventures' countries, the index, M2's window months and M4's period months."""
    _load_index()
    params = _real_params(world)
    results = compute(params, ("M2", "M4"))
    with django_assert_num_queries(4):
        add_real_terms(params, results)
    assert results["M2"].details["real"]["classes"]["declined"] == 2
