import threading
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test import Client

from backend.finance.fund import services
from backend.finance.fund.models import Fund, FundEntry, Grant
from tests.conftest import ApiClient, World

from .conftest import make_venture


def fill(fund: Fund, world: World, amount: str = "100.00") -> None:
    services.record_contribution(
        fund=fund,
        amount=amount,
        funder=world.funder_1,
        note="",
        reference="agreement-1",
        actor=world.manager,
    )


def test_manager_grants_and_disburses(world: World, fund: Fund, venture: Any) -> None:
    fill(fund, world)
    api = ApiClient(world.manager)
    resp = api.post(
        f"funds/{world.programme_a.pk}/grants",
        {"venture_id": venture.pk, "amount": "60.00", "purpose": "Horno para la panadería"},
    )
    assert resp.status_code == 201, resp.content
    grant_id = resp.json()["id"]
    assert resp.json()["status"] == "granted"
    assert services.balance(fund) == Decimal("40.00")
    resp = api.post(f"grants/{grant_id}/disburse", {"reference": "transfer 991"})
    assert resp.status_code == 200
    assert resp.json()["status"] == "disbursed"
    assert api.post(f"grants/{grant_id}/disburse", {"reference": "again"}).status_code == 409
    mine = ApiClient(world.participant_a).get("me/grants").json()
    assert [(g["id"], g["amount"], g["currency"]) for g in mine["items"]] == [
        (grant_id, "60.00", "PEN")
    ]
    assert ApiClient(world.participant_b).get("me/grants").json()["count"] == 0


def test_grant_cannot_exceed_the_balance(world: World, fund: Fund, venture: Any) -> None:
    fill(fund, world)
    resp = ApiClient(world.manager).post(
        f"funds/{world.programme_a.pk}/grants",
        {"venture_id": venture.pk, "amount": "100.01", "purpose": "Máquina"},
    )
    assert resp.status_code == 409
    assert resp.json()["error"]["code"] == "insufficient_funds"
    assert not Grant.objects.exists()


def test_grant_to_a_venture_of_another_programme_is_refused(world: World, fund: Fund) -> None:
    fill(fund, world)
    other = make_venture(world.participant_other, world.programme_b, "Otra")
    resp = ApiClient(world.manager).post(
        f"funds/{world.programme_a.pk}/grants",
        {"venture_id": other.pk, "amount": "10", "purpose": "Algo útil"},
    )
    assert resp.status_code == 422
    assert resp.json()["error"]["fields"][0]["loc"] == ["body", "venture_id"]


def test_contribution_reference_cannot_be_entered_twice(world: World, fund: Fund) -> None:
    api = ApiClient(world.manager)
    body = {"amount": "500.00", "funder_code": "f1", "reference": "convenio-7"}
    assert api.post(f"funds/{world.programme_a.pk}/contributions", body).status_code == 201
    assert api.post(f"funds/{world.programme_a.pk}/contributions", body).status_code == 409
    assert FundEntry.objects.filter(kind="contribution").count() == 1


def test_donor_sees_totals_with_small_counts_suppressed(
    world: World, fund: Fund, venture: Any
) -> None:
    fill(fund, world)
    services.grant_to_venture(
        fund=fund, venture=venture, amount="30", purpose="Stock", actor=world.manager
    )
    donor = ApiClient(world.donor).get(f"funds/{world.programme_a.pk}").json()
    assert donor["ventures_funded"] == "<5"
    assert donor["granted"] is None
    assert donor["suppressed"] is True
    assert donor["raised"] == "100.00"
    # Raised minus the balance would be the grant total: nothing derived from it is shown.
    assert donor["balance"] is None
    assert donor["disbursed"] is None
    manager = ApiClient(world.manager).get(f"funds/{world.programme_a.pk}").json()
    assert (manager["ventures_funded"], manager["granted"], manager["balance"]) == (
        "1",
        "30.00",
        "70.00",
    )
    assert ApiClient(world.other_donor).get(f"funds/{world.programme_a.pk}").status_code == 404


@pytest.mark.django_db(transaction=True)
def test_two_managers_granting_at_once_never_overdraw(world: World, fund: Fund) -> None:
    fill(fund, world)
    ventures = [make_venture(world.participant_a, world.programme_a, f"V{i}") for i in range(2)]
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def grant(venture: Any) -> None:
        try:
            barrier.wait()
            services.grant_to_venture(
                fund=fund, venture=venture, amount="60", purpose="Capital", actor=world.manager
            )
            outcomes.append("granted")
        except Exception as exc:  # the loser must get the insufficient-funds answer, nothing else
            outcomes.append(getattr(exc, "code", repr(exc)))
        finally:
            connection.close()

    threads = [threading.Thread(target=grant, args=(v,)) for v in ventures]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["granted", "insufficient_funds"]
    assert services.balance(fund) == Decimal("40.00")
    assert Grant.objects.count() == 1


def test_portal_fund_page_for_manager_and_donor(
    world: World, fund: Fund, venture: Any, client: Any
) -> None:
    fill(fund, world)
    client.force_login(world.manager)
    resp = client.post(
        f"/programmes/{world.programme_a.pk}/fund/",
        {"venture_id": venture.pk, "amount": "25", "purpose": "Vitrina"},
    )
    assert resp.status_code == 302
    assert Grant.objects.get().amount == Decimal("25.00")
    too_much = client.post(
        f"/programmes/{world.programme_a.pk}/fund/",
        {"venture_id": venture.pk, "amount": "1000", "purpose": "Local"},
    )
    assert too_much.status_code == 422
    client.force_login(world.donor)
    page = client.get(f"/programmes/{world.programme_a.pk}/fund/").content.decode()
    assert "&lt;5" in page
    assert "Bodega Ana" not in page
    assert fund.currency == "PEN"
    assert "S/\xa0100.00" in page  # raised, written the Peruvian way
    assert "75.00" not in page  # the balance (100 raised - 25 granted) would give the grant away
    client.force_login(world.other_donor)
    assert client.get(f"/programmes/{world.programme_a.pk}/fund/").status_code == 404


def test_fund_pages_say_what_was_awarded_and_what_was_disbursed(
    world: World, fund: Fund, venture: Any, client: Any
) -> None:
    fill(fund, world)
    grant = services.grant_to_venture(
        actor=world.manager, fund=fund, venture=venture, amount="25", purpose="Vitrina"
    )
    other = make_venture(world.participant_b, world.programme_a, "Taller Luis")
    services.grant_to_venture(
        actor=world.manager, fund=fund, venture=other, amount="10", purpose="Horno"
    )
    services.disburse(grant=grant, actor=world.manager, reference="TR-1")
    client.force_login(world.manager)
    page = client.get(
        f"/programmes/{world.programme_a.pk}/fund/", headers={"Accept-Language": "es"}
    ).content.decode()
    figures = page.split('id="fund-figures"')[1].split("</section>")[0]
    assert "Otorgado en subvenciones" in figures
    assert "S/\xa035.00" in figures
    assert "Desembolsado de lo otorgado" in figures
    assert "S/\xa025.00" in figures
    assert "Negocios con subvención otorgada (desembolsada o no)" in figures
    public = Client().get(f"/fund/{fund.slug}/", headers={"Accept-Language": "es"})
    assert "Negocios con subvención otorgada hasta ahora: &lt;5" in public.content.decode()
