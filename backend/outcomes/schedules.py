"""Scheduled donor reports: a manager asks for a programme's report every month or quarter for
one funder; each period is made once, as a snapshot per donor viewer of that funder (so each
viewer's figures go through disclosure control against what that viewer already holds), and
each viewer is e-mailed a link to it. The link opens only after signing in; the e-mail carries
no figures.

`run_due_schedules` is what the clock calls (`manage.py send_scheduled_reports`, from cron or
any scheduler); it only records the due periods and queues `deliver_scheduled_report`, which
the task worker (`manage.py db_worker`) runs."""

import datetime as dt
from functools import partial

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.tasks import task
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from backend.accounts.models import User
from backend.lib.errors import DomainError
from backend.programmes import access
from backend.programmes.models import DonorViewer, Funder, Funding, Programme

from . import services
from .models import ReportSchedule, ReportSnapshot, ScheduledReport
from .params import M2Params, ReportParams, add_months
from .present import period_text
from .tasks import generate_report

BREAKDOWN = ("sex",)


def last_period(frequency: str, today: dt.date) -> tuple[dt.date, dt.date]:
    """The last whole month, or the last whole calendar quarter, before today."""
    this_month = today.replace(day=1)
    if frequency == ReportSchedule.Frequency.MONTHLY:
        start = add_months(this_month, -1)
        return start, this_month - dt.timedelta(days=1)
    quarter = dt.date(today.year, 3 * ((today.month - 1) // 3) + 1, 1)
    return add_months(quarter, -3), quarter - dt.timedelta(days=1)


def period_params(programme: Programme, start: dt.date, end: dt.date) -> ReportParams:
    """The report of a period: broken down by sex; M2 compares the period's months with the
    same months a year before (the shorter monthly windows need sales in 2 weeks, not 4)."""
    months = (end.year - start.year) * 12 + end.month - start.month + 1
    return ReportParams(
        programme_ids=(programme.pk,),
        period_start=start,
        period_end=end,
        breakdown=BREAKDOWN,
        m2=M2Params(
            design="calendar",
            baseline_start=add_months(start, -12),
            baseline_end=add_months(start, months - 12) - dt.timedelta(days=1),
            followup_start=start,
            followup_end=end,
            min_weeks=2 if months == 1 else 4,
        ),
    )


def create_schedule(
    *, user: User, programme_id: int, funder_id: int, frequency: str
) -> ReportSchedule:
    """A manager schedules a report of a programme they manage for one of its funders."""
    programme = access.access_managed_programme(user, programme_id)
    if programme is None:
        raise DomainError(_("Choose one of your programmes."), field="programme", status=422)
    if not Funding.objects.filter(programme=programme, funder_id=funder_id).exists():
        raise DomainError(_("Choose a funder of this programme."), field="funder", status=422)
    if frequency not in ReportSchedule.Frequency.values:
        raise DomainError(_("Choose every month or every quarter."), field="frequency", status=422)
    schedule, created = ReportSchedule.objects.get_or_create(
        programme=programme,
        funder_id=funder_id,
        frequency=frequency,
        defaults={"created_by": user},
    )
    if not created and not schedule.active:
        schedule.active = True
        schedule.save(update_fields=["active"])
    return schedule


def stop_schedule(*, user: User, schedule_id: int) -> None:
    updated = ReportSchedule.objects.filter(
        pk=schedule_id, programme__in=access.managed_programmes(user)
    ).update(active=False)
    if not updated:
        raise DomainError(_("Not found."), status=404)


def schedules_of(user: User) -> list[ReportSchedule]:
    return list(
        ReportSchedule.objects.filter(programme__in=access.managed_programmes(user))
        .select_related("programme", "funder")
        .order_by("programme__name", "funder__name", "frequency")
    )


def run_due_schedules() -> list[ScheduledReport]:
    """Records the period each active schedule is due for (once: a period already recorded is
    left alone) and queues its delivery. Returns the periods queued now."""
    queued = []
    for schedule in ReportSchedule.objects.filter(active=True).select_related("programme"):
        start, end = last_period(schedule.frequency, schedule.programme.today())
        try:
            with transaction.atomic():
                run, created = ScheduledReport.objects.get_or_create(
                    schedule=schedule, period_start=start, defaults={"period_end": end}
                )
        except IntegrityError:  # another clock got there first
            continue
        if created or run.delivered_at is None:
            transaction.on_commit(partial(deliver_scheduled_report.enqueue, run.pk))
            queued.append(run)
    return queued


@task()
def deliver_scheduled_report(run_id: int) -> None:
    """Makes the period's snapshot for each donor viewer of the funder and mails each, once."""
    run = ScheduledReport.objects.select_related("schedule__programme", "schedule__funder").get(
        pk=run_id
    )
    schedule = run.schedule
    params = period_params(schedule.programme, run.period_start, run.period_end)
    purpose = f"schedule:{run.pk}"
    viewers = DonorViewer.objects.filter(funder=schedule.funder, user__is_active=True)
    for viewer in viewers.select_related("user"):
        user = viewer.user
        snapshot = ReportSnapshot.objects.filter(requested_by=user, purpose=purpose).first()
        if snapshot is None:
            try:
                snapshot = services.create_snapshot(user=user, params=params, purpose=purpose)
            except DomainError:  # the funder no longer funds the programme
                continue
        if snapshot.status != ReportSnapshot.Status.DONE:
            generate_report.call(str(snapshot.pk))
        # Claim the e-mail before sending it, so two workers never send it twice.
        if ReportSnapshot.objects.filter(pk=snapshot.pk, notified_at__isnull=True).update(
            notified_at=timezone.now()
        ):
            _mail(user, schedule.programme, schedule.funder, run, snapshot)
    ScheduledReport.objects.filter(pk=run.pk).update(delivered_at=timezone.now())


def _mail(
    user: User, programme: Programme, funder: Funder, run: ScheduledReport, snapshot: ReportSnapshot
) -> None:
    if not user.email:
        return
    link = settings.SITE_URL + reverse("report_detail", args=[snapshot.pk])
    with translation.override(user.language):
        period = period_text(run.period_start, run.period_end)
        subject = _("Report ready: %(programme)s, %(period)s") % {
            "programme": programme.name,
            "period": period,
        }
        body = _(
            "The %(programme)s report for %(period)s, prepared for %(funder)s, is ready.\n\n"
            "Read it and download the PDF or spreadsheet here (sign in first):\n%(link)s\n\n"
            "You receive this because you read %(funder)s's reports in Impulsa."
        ) % {"programme": programme.name, "period": period, "funder": funder.name, "link": link}
    EmailMessage(subject, body, to=[user.email]).send()
