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


def test_second_factors_are_named_in_spanish_audited_and_never_show_the_secret(
    world: World, client: Any
) -> None:
    from allauth.mfa.models import Authenticator

    secret = "JBSWY3DPEHPK3PXPSECRETXYZ"
    factor = Authenticator.objects.create(
        user=world.trainer, type=Authenticator.Type.TOTP, data={"secret": secret}
    )
    client.force_login(world.admin)
    listing = client.get("/admin/accounts/secondfactor/", HTTP_ACCEPT_LANGUAGE="es")
    assert listing.status_code == 200
    text = listing.content.decode()
    assert "Segundos factores" in text
    assert "Último uso" in text
    page = client.get(
        f"/admin/accounts/secondfactor/{factor.pk}/change/", HTTP_ACCEPT_LANGUAGE="es"
    )
    assert page.status_code == 200
    assert secret not in page.content.decode()
    event = AuditEvent.objects.get(action="admin.view")
    assert event.subject_id == world.trainer.pk
    # A person who lost her phone: staff remove the factor so that she can set it up again.
    gone = client.post(f"/admin/accounts/secondfactor/{factor.pk}/delete/", {"post": "yes"})
    assert gone.status_code == 302
    assert not Authenticator.objects.filter(pk=factor.pk).exists()
