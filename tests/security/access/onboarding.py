"""Objects the import pages name: a checked participant file of programme A."""

from backend.programmes import onboarding
from tests.conftest import World

PEOPLE = "Nombre;Teléfono;Consentimiento\nAna;986000001;papel\n"


def build(world: World) -> dict[str, object]:
    job, _table = onboarding.create_job(
        programme=world.programme_a, actor=world.manager, kind="participants",
        filename="people.csv", data=PEOPLE.encode(),
    )  # fmt: skip
    onboarding.dry_run(job)
    return {"import_job_a": job}
