import pytest
from django.test import Client

from backend.ventures.models import Venture
from tests.conftest import World
from tests.ventures.conftest import record

pytestmark = pytest.mark.django_db


def test_admin_lists_ventures_entries_and_rollups(world: World, venture_a: Venture) -> None:
    record(venture_a, "e1")
    client = Client()
    client.force_login(world.admin)
    for model in ("venture", "ledgerentry", "venturemonth", "businessrecord"):
        assert client.get(f"/admin/ventures/{model}/").status_code == 200, model
    assert client.get("/admin/ventures/ledgerentry/add/").status_code == 403
