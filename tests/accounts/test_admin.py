from typing import Any

from backend.accounts.models import AuditEvent
from tests.conftest import World


def test_admin_viewing_a_profile_is_audited(world: World, client: Any) -> None:
    client.force_login(world.admin)
    profile = world.participant_a.profile
    resp = client.get(f"/admin/accounts/participantprofile/{profile.pk}/change/")
    assert resp.status_code == 200
    event = AuditEvent.objects.get(action="admin.view")
    assert (event.actor_id, event.subject_id) == (world.admin.pk, world.participant_a.pk)


def test_audit_log_is_read_only_in_the_admin(world: World, client: Any) -> None:
    client.force_login(world.admin)
    assert client.get("/admin/accounts/auditevent/").status_code == 200
    assert client.get("/admin/accounts/auditevent/add/").status_code == 403


def test_programmes_are_managed_in_the_admin(world: World, client: Any) -> None:
    client.force_login(world.admin)
    page = client.get("/admin/programmes/programme/")
    assert page.status_code == 200
    assert world.programme_a.name in page.content.decode()
