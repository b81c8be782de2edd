"""Steps the cluster tests run in a separate Django process, against the servers they start.

`python -m tests.cluster.scenario report` prints one JSON object on its last line.
"""

import datetime as dt
import json
import sys
from typing import Any


def report() -> dict[str, Any]:
    """A manager asks for a report of every programme they manage; the task computes it."""
    from backend.lib import dbrouter
    from backend.outcomes import services
    from backend.outcomes.models import ReportSnapshot
    from backend.outcomes.params import M2Params
    from backend.programmes import access
    from backend.programmes.models import Membership, Role

    membership = Membership.objects.filter(role=Role.MANAGER).select_related("user").first()
    assert membership is not None, "no manager in the demo data"
    user = membership.user
    ids = sorted(access.managed_programmes(user).values_list("pk", flat=True))
    status = dbrouter.replica_status(fresh=True)
    params = services.check_params(
        programme_ids=ids,
        period_start=dt.date(2024, 1, 1),
        period_end=dt.date(2026, 12, 31),
        breakdown=[],
        m2=M2Params(design="training"),
    )
    snapshot = services.request_report(user=user, params=params)
    snapshot = ReportSnapshot.objects.get(pk=snapshot.pk)
    return {
        "status": snapshot.status,
        "error": snapshot.error,
        "indicators": len((snapshot.data or {}).get("indicators", [])),
        "replica_ok": status.ok if status else None,
        "reason": status.reason if status else None,
    }


def health() -> dict[str, Any]:
    from django.test import Client

    resp = Client().get("/api/v1/health")
    return {"code": resp.status_code, **resp.json()}


def main() -> None:
    import django

    django.setup()
    result = {"report": report, "health": health}[sys.argv[1]]()
    print(json.dumps(result, default=str))


if __name__ == "__main__":
    main()
