import datetime as dt
import uuid
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from backend.accounts.models import User
from backend.lib.errors import DomainError, NotFound
from backend.programmes import access as programme_access

from .models import ReportSnapshot
from .params import DIMENSIONS, TERMS, M2Params, ReportParams, months_between
from .tasks import generate_report

MAX_PERIOD_DAYS = 3 * 366


def check_params(
    *,
    programme_ids: list[int],
    period_start: dt.date,
    period_end: dt.date,
    breakdown: list[str],
    m2: M2Params,
    terms: str = "nominal",
) -> ReportParams:
    if not programme_ids:
        raise DomainError(
            _("Choose at least one programme."), field="body.programme_ids", status=422
        )
    if period_end < period_start:
        raise DomainError(
            _("The period ends before it starts."), field="body.period_end", status=422
        )
    if (period_end - period_start).days > MAX_PERIOD_DAYS:
        raise DomainError(
            _("A report covers at most three years."), field="body.period_end", status=422
        )
    if len(breakdown) > 2 or len(set(breakdown)) != len(breakdown):
        raise DomainError(
            _("Break down by at most two different dimensions."), field="body.breakdown", status=422
        )
    unknown = [d for d in breakdown if d not in DIMENSIONS]
    if unknown:
        raise DomainError(
            _("Unknown dimension. Use: %(d)s.") % {"d": ", ".join(DIMENSIONS)},
            field="body.breakdown",
            status=422,
        )
    if m2.design == "calendar":
        windows = (m2.baseline_start, m2.baseline_end, m2.followup_start, m2.followup_end)
        if any(w is None for w in windows):
            raise DomainError(
                _("The calendar design needs a baseline and a follow-up window."),
                field="body.m2",
                status=422,
            )
        b0, b1, f0, f1 = windows
        if b1 < b0 or f1 < f0 or f0 <= b1:  # type: ignore[operator]
            raise DomainError(
                _(
                    "Each window must end after it starts, and the follow-up must come "
                    "after the baseline."
                ),
                field="body.m2",
                status=422,
            )
        if months_between(b0, b1) > 24 or months_between(f0, f1) > 24:  # type: ignore[arg-type]
            raise DomainError(_("A window spans at most 24 months."), field="body.m2", status=422)
    if not (
        1 <= m2.window_months <= 24 and 0 <= m2.offset_months <= 24 and 1 <= m2.min_weeks <= 52
    ):
        raise DomainError(
            _("Window, offset or minimum weeks out of range."), field="body.m2", status=422
        )
    if not m2.tolerance.is_finite() or not (Decimal(0) <= m2.tolerance <= Decimal("0.5")):
        raise DomainError(
            _("The tolerance is a share between 0 and 0.5."), field="body.m2.tolerance", status=422
        )
    if terms not in TERMS:
        raise DomainError(_("Terms are nominal or real."), field="body.terms", status=422)
    if terms == "real" and m2.design != "calendar":
        raise DomainError(
            _(
                "Real terms need the calendar design: sales are deflated to the prices of the "
                "baseline window that every venture shares."
            ),
            field="body.terms",
            status=422,
        )
    return ReportParams(
        programme_ids=tuple(sorted(set(programme_ids))),
        period_start=period_start,
        period_end=period_end,
        breakdown=tuple(breakdown),
        m2=m2,
        terms="real" if terms == "real" else "nominal",
    )


def request_report(*, user: User, params: ReportParams, purpose: str = "") -> ReportSnapshot:
    """Queues a report. Every programme must be one the user may report on, else 404.

    Figures are suppressed unless the user manages (or, as admin, sees) every programme in it.
    """
    with transaction.atomic():
        snapshot = create_snapshot(user=user, params=params, purpose=purpose)
        transaction.on_commit(lambda: generate_report.enqueue(str(snapshot.pk)))
    return snapshot


def create_snapshot(*, user: User, params: ReportParams, purpose: str = "") -> ReportSnapshot:
    """A queued snapshot for the user, after the same access check as a request; the caller
    runs it (a task, or the scheduled delivery that runs it in its own task)."""
    allowed = set(
        programme_access.report_programmes(user)
        .filter(pk__in=params.programme_ids)
        .values_list("pk", flat=True)
    )
    if allowed != set(params.programme_ids):
        raise NotFound(_("Not found."))
    managed = programme_access.managed_programmes(user).filter(pk__in=params.programme_ids).count()
    return ReportSnapshot.objects.create(
        requested_by=user,
        params=params.as_json(),
        suppressed=managed != len(params.programme_ids),
        k=settings.IMPULSA_DISCLOSURE_K,
        purpose=purpose,
    )


def access_snapshot(user: User, snapshot_id: uuid.UUID | str) -> ReportSnapshot:
    """A snapshot is its requester's (and admins'); anyone else gets 404."""
    qs = (
        ReportSnapshot.objects.all()
        if programme_access.is_admin(user)
        else ReportSnapshot.objects.filter(requested_by=user)
    )
    snapshot = qs.filter(pk=snapshot_id).first()
    if snapshot is None:
        raise NotFound(_("Not found."))
    return snapshot
