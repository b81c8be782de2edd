"""Objects the invitation rows name: participant A's pending invitation into programme B."""

from backend.programmes.models import Invitation
from tests.conftest import World


def build(world: World) -> dict[str, object]:
    invitation = Invitation.objects.create(
        user=world.participant_a, programme=world.programme_b, invited_by=world.other_manager
    )
    return {"invitation_a": invitation}
