from typing import Any

from backend.outcomes.models import ReportSnapshot


def build(world: Any) -> dict[str, object]:
    snapshot = ReportSnapshot.objects.create(
        requested_by=world.manager,
        params={},
        suppressed=False,
        k=5,
        status="done",
        data={"indicators": []},
    )
    return {"manager_report": snapshot}
