from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from backend.ventures.models import Venture
from tests.conftest import ApiClient, World
from tests.ventures.conftest import make_venture, record

pytestmark = pytest.mark.django_db


def body(world: World, **over: Any) -> dict[str, Any]:
    data = {
        "programme_id": world.programme_a.pk,
        "name": "Costura Yolimar",
        "sector": "C",
        "region": "PE-PIU",
        "formalisation": "tax_registered",
        "started_on": "2025-03-01",
    }
    data.update(over)
    return data


def test_a_participant_registers_a_venture(world: World) -> None:
    resp = ApiClient(world.participant_a).post("ventures", body(world))
    assert resp.status_code == 201, resp.content
    out = resp.json()
    assert (out["currency"], out["country"], out["outstanding_credit"]) == ("PEN", "PE", "0.00")
    assert Venture.objects.get().owner == world.participant_a


@pytest.mark.parametrize(
    ("over", "loc"),
    [
        ({"sector": "Z"}, "sector"),
        ({"region": "CO-DC"}, "region"),
        ({"currency": "USD"}, "currency"),
        ({"started_on": "2099-01-01"}, "started_on"),
        ({"name": ""}, "name"),
        ({"owner_id": 1}, "owner_id"),
    ],
)
def test_bad_ventures_are_refused(world: World, over: dict[str, Any], loc: str) -> None:
    resp = ApiClient(world.participant_a).post("ventures", body(world, **over))
    assert resp.status_code == 422, resp.content
    assert resp.json()["error"]["fields"][0]["loc"][-1] == loc
    assert not Venture.objects.exists()


def test_only_in_ones_own_programme(world: World) -> None:
    resp = ApiClient(world.participant_a).post(
        "ventures", body(world, programme_id=world.programme_b.pk, region="")
    )
    assert resp.status_code == 422
    assert ApiClient(world.trainer).post("ventures", body(world)).status_code == 422
    assert not Venture.objects.exists()


def test_the_owner_updates_details_but_not_the_books(world: World, venture_a: Venture) -> None:
    api = ApiClient(world.participant_a)
    resp = api.patch(f"ventures/{venture_a.pk}", {"name": "Arepas Ana", "formalisation": "company"})
    assert resp.status_code == 200
    assert resp.json()["name"] == "Arepas Ana"
    assert api.patch(f"ventures/{venture_a.pk}", {"currency": "USD"}).status_code == 422
    record(venture_a, "e1")  # dated 2025-06-02
    late = api.patch(f"ventures/{venture_a.pk}", {"started_on": "2025-07-01"})
    assert late.status_code == 422
    assert (
        ApiClient(world.manager).patch(f"ventures/{venture_a.pk}", {"name": "x"}).status_code == 403
    )
    assert (
        ApiClient(world.participant_b).patch(f"ventures/{venture_a.pk}", {"name": "x"}).status_code
        == 404
    )
    venture_a.refresh_from_db()
    assert venture_a.name == "Arepas Ana"


def test_lists_show_only_what_each_role_may_see(
    world: World, venture_a: Venture, venture_other: Venture
) -> None:
    def ids(user: Any) -> set[int]:
        return {v["id"] for v in ApiClient(user).get("ventures").json()["items"]}

    assert ids(world.participant_a) == {venture_a.pk}
    assert ids(world.participant_b) == set()
    assert ids(world.manager) == {venture_a.pk}
    assert ids(world.other_manager) == {venture_other.pk}
    assert ids(world.admin) == {venture_a.pk, venture_other.pk}
    for user in (world.trainer, world.donor, world.other_donor):
        assert ids(user) == set()


def test_the_list_runs_the_same_queries_for_any_page_size(world: World) -> None:
    for i in range(12):
        venture = make_venture(world.participant_a, world.programme_a, name=f"V{i:02d}")
        record(venture, f"c{i}", payment_method="customer_credit")
    api = ApiClient(world.manager)
    counts = []
    for limit in (1, 12):
        with CaptureQueriesContext(connection) as ctx:
            items = api.get("ventures", limit=limit).json()["items"]
        assert len(items) == limit
        assert items[0]["outstanding_credit"] == "10.00"
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1]


def test_the_list_filters_by_programme(
    world: World, venture_a: Venture, venture_other: Venture
) -> None:
    api = ApiClient(world.admin)
    items = api.get("ventures", programme_id=world.programme_b.pk).json()["items"]
    assert [v["id"] for v in items] == [venture_other.pk]
