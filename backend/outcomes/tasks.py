import logging

from django.tasks import task
from django.utils import timezone

from backend.lib.dbrouter import on_replica_or_primary

from .indicators import INDICATORS
from .models import ReportSnapshot
from .params import ReportParams
from .report import build

log = logging.getLogger(__name__)


@task()
def generate_report(snapshot_id: str) -> None:
    """Computes a snapshot's figures, indicator by indicator, recording progress as it goes."""
    snapshot = ReportSnapshot.objects.get(pk=snapshot_id)
    if snapshot.status == ReportSnapshot.Status.DONE:
        return
    ReportSnapshot.objects.filter(pk=snapshot_id).update(status=ReportSnapshot.Status.RUNNING)
    params = ReportParams.from_json(snapshot.params)
    codes = list(INDICATORS)
    # What the same reader already holds: a donor's earlier reports, to keep differences
    # between periods from giving a small count away.
    earlier: list[dict] = (
        [
            data
            for data in ReportSnapshot.objects.filter(
                requested_by=snapshot.requested_by,
                suppressed=True,
                status=ReportSnapshot.Status.DONE,
            )
            .exclude(pk=snapshot.pk)
            .values_list("data", flat=True)
            if data
        ]
        if snapshot.suppressed
        else []
    )
    parts: list[dict] = []
    try:
        for i, code in enumerate(codes, start=1):
            # The figures are read from the replica when there is a healthy one.
            part = on_replica_or_primary(
                build,
                params,
                suppress=snapshot.suppressed,
                k=snapshot.k,
                codes=(code,),
                earlier=earlier,
            )
            parts.extend(part["indicators"])
            ReportSnapshot.objects.filter(pk=snapshot_id).update(
                progress=round(100 * i / len(codes))
            )
        data = {**part, "indicators": parts, "generated_at": timezone.now().isoformat()}
        ReportSnapshot.objects.filter(pk=snapshot_id).update(
            status=ReportSnapshot.Status.DONE, data=data, progress=100, finished_at=timezone.now()
        )
    except Exception as exc:
        log.exception("report %s failed", snapshot_id)
        ReportSnapshot.objects.filter(pk=snapshot_id).update(
            status=ReportSnapshot.Status.FAILED, error=str(exc)[:300], finished_at=timezone.now()
        )
        raise
