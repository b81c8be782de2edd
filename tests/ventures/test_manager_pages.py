"""A manager's ventures list and venture page: search, activity, the chart, the ledger, the
audit trail, and a list whose cost does not grow with its rows."""

import datetime as dt
from typing import Any

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from backend.accounts.models import AuditEvent, User
from backend.programmes.models import Membership
from backend.ventures.models import Venture
from tests.conftest import World, consent, make_user

from .conftest import make_venture, record


def client_for(user: User) -> Client:
    client = Client(headers={"accept-language": "es"})
    client.force_login(user)
    return client


def owners(world: World, n: int) -> list[User]:
    out = []
    for i in range(n):
        user = make_user(phone=f"+5198733{i:04d}")
        Membership.objects.create(user=user, programme=world.programme_a, role="participant")
        consent(user, world.notice)
        out.append(user)
    return out


def listed(resp: Any) -> int:
    assert resp.status_code == 200
    return resp.content.decode().count('<li id="v')


def test_the_list_searches_by_name_sector_region_and_activity(world: World) -> None:
    today = world.programme_a.today()
    bakery = make_venture(world.participant_a, world.programme_a, name="Panadería Los Andes")
    Venture.objects.filter(pk=bakery.pk).update(region="PE-PIU")
    shop = make_venture(world.participant_b, world.programme_a, name="Bodega Tacna")
    Venture.objects.filter(pk=shop.pk).update(sector="G")
    record(bakery, "11111111-1111-4111-8111-111111111111", occurred_on=today)
    record(shop, "22222222-2222-4222-8222-222222222222", occurred_on=today - dt.timedelta(days=90))
    make_venture(world.participant_other, world.programme_b, name="Tienda Bogotá")
    client = client_for(world.manager)
    url = f"/programmes/{world.programme_a.pk}/ventures/"
    assert listed(client.get(url)) == 2  # not programme B's venture
    assert listed(client.get(url, {"q": "panad"})) == 1
    assert listed(client.get(url, {"sector": "G"})) == 1
    assert listed(client.get(url, {"region": "PE-PIU"})) == 1
    page = client.get(url, {"activity": "month"}).content.decode()
    assert "Panadería Los Andes" in page
    assert "Bodega Tacna" not in page
    assert "1 registro este mes" in page
    page = client.get(url, {"activity": "quiet"}).content.decode()
    assert "Bodega Tacna" in page
    assert "Panadería Los Andes" not in page
    assert AuditEvent.objects.filter(action="venture.list", actor=world.manager).count() == 6


def test_a_bad_filter_is_an_error_next_to_its_field(world: World) -> None:
    resp = client_for(world.manager).get(
        f"/programmes/{world.programme_a.pk}/ventures/", {"sector": "ZZ"}
    )
    html = resp.content.decode()
    assert 'id="id_sector_error"' in html
    assert "Escoja una opción válida" in html


def test_the_list_costs_the_same_for_two_or_twenty_ventures(world: World) -> None:
    people = owners(world, 20)
    client = client_for(world.manager)
    url = f"/programmes/{world.programme_a.pk}/ventures/"

    def cost() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx.captured_queries)

    for p in people[:2]:
        make_venture(p, world.programme_a, name=f"Negocio {p.pk}")
    small = cost()
    for p in people[2:]:
        v = make_venture(p, world.programme_a, name=f"Negocio {p.pk}")
        record(v, f"33333333-3333-4333-8333-{v.pk:012d}", occurred_on=timezone.localdate())
    assert cost() == small


def test_the_venture_page_shows_the_chart_and_ledger_and_is_audited(world: World) -> None:
    today = world.programme_a.today()
    venture = make_venture(world.participant_a, world.programme_a)
    record(venture, "44444444-4444-4444-8444-444444444444", amount="1500.50", occurred_on=today)
    client = client_for(world.manager)
    page = client.get(f"/programmes/{world.programme_a.pk}/ventures/{venture.pk}/")
    html = page.content.decode()
    assert html.count("<rect") == 12  # a bar for each of the last twelve months
    assert "S/\xa01,500.50" in html  # the ledger, in soles as Peru writes them
    assert AuditEvent.objects.filter(action="venture.view", subject=world.participant_a).exists()
    assert AuditEvent.objects.filter(action="venture.entries", subject=world.participant_a).exists()
    # Another programme's manager, a trainer and a donor see nothing.
    for user in (world.other_manager, world.trainer, world.donor):
        url = f"/programmes/{world.programme_a.pk}/ventures/{venture.pk}/"
        assert client_for(user).get(url).status_code == 404
    # A venture of programme A is not reached through programme B's address.
    url = f"/programmes/{world.programme_b.pk}/ventures/{venture.pk}/"
    assert client_for(world.admin).get(url).status_code == 404
