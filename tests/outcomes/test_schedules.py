"""Scheduled donor reports: a manager schedules one, the clock queues the due period, the task
worker makes a snapshot per donor viewer and mails each a sign-in link, once per period."""

import datetime as dt
import io
from typing import Any

import pytest
import time_machine
from allauth.mfa.totp.internal.auth import TOTP
from django.core import mail
from django.core.management import call_command
from django.test import override_settings

from backend.finance.content.load import install_core
from backend.finance.models import Lesson, Module, QuizChoice, QuizQuestion
from backend.outcomes.models import ReportSchedule, ReportSnapshot, ScheduledReport
from backend.outcomes.schedules import last_period
from backend.programmes.models import DonorViewer
from tests.conftest import TOTP_SECRET, World, make_user

NOW = dt.datetime(2026, 10, 3, 15, 0, tzinfo=dt.UTC)
DB_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@pytest.fixture(autouse=True)
def clock() -> Any:
    with time_machine.travel(NOW, tick=True):
        yield


def schedule(client: Any, world: World, frequency: str) -> Any:
    client.force_login(world.manager)
    return client.post(
        "/reports/schedules/",
        {"target": f"{world.programme_a.pk}:{world.funder_1.pk}", "frequency": frequency},
    )


def test_periods_are_the_last_whole_month_or_quarter() -> None:
    day = dt.date(2026, 10, 3)
    assert last_period("monthly", day) == (dt.date(2026, 9, 1), dt.date(2026, 9, 30))
    assert last_period("quarterly", day) == (dt.date(2026, 7, 1), dt.date(2026, 9, 30))
    assert last_period("quarterly", dt.date(2026, 1, 1)) == (
        dt.date(2025, 10, 1),
        dt.date(2025, 12, 31),
    )


@pytest.mark.django_db(transaction=True)  # the worker commits and closes like in production
@override_settings(TASKS=DB_TASKS)
def test_the_worker_mails_each_donor_viewer_a_link_once(
    world: World, client: Any, django_capture_on_commit_callbacks: Any
) -> None:
    # No ledger entries here: the ledger is append-only and this test's database is emptied.
    # The lessons come from a data migration that an earlier transactional test's flush
    # removes; the loader is idempotent.
    install_core(Module, Lesson, QuizQuestion, QuizChoice)
    second = make_user("donor3@example.org")
    TOTP.activate(second, TOTP_SECRET)
    DonorViewer.objects.create(user=second, funder=world.funder_1)
    assert schedule(client, world, "quarterly").status_code == 302
    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_scheduled_reports", stdout=io.StringIO())
    assert not mail.outbox  # queued only: the worker makes and sends it
    call_command("db_worker", batch=True, startup_delay=False, stdout=io.StringIO())
    run = ScheduledReport.objects.get()
    assert (run.period_start, run.period_end) == (dt.date(2026, 7, 1), dt.date(2026, 9, 30))
    assert run.delivered_at is not None
    assert sorted(m.to[0] for m in mail.outbox) == ["donor3@example.org", "donor@example.org"]
    for message in mail.outbox:
        user = world.donor if message.to == ["donor@example.org"] else second
        snapshot = ReportSnapshot.objects.get(requested_by=user, purpose=f"schedule:{run.pk}")
        assert snapshot.status == "done"
        assert snapshot.suppressed
        link = f"/reports/{snapshot.pk}/"
        assert link in message.body
        assert "Programme prog-a" in message.subject
        # The e-mail names the report, never its figures.
        assert "Mujer" not in message.body
        assert "<5" not in message.body
        client.logout()
        assert client.get(link).status_code == 302  # to the sign-in page
        client.force_login(user)
        assert client.get(link).status_code == 200
    assert world.other_donor.email not in [m.to[0] for m in mail.outbox]
    # The clock runs again in the same period: nothing new is made or sent.
    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_scheduled_reports", stdout=io.StringIO())
    call_command("db_worker", batch=True, startup_delay=False, stdout=io.StringIO())
    assert len(mail.outbox) == 2
    assert ReportSnapshot.objects.filter(purpose__startswith="schedule:").count() == 2


def test_only_a_manager_of_the_programme_schedules_for_its_funders(
    world: World, client: Any
) -> None:
    client.force_login(world.donor)
    assert client.get("/reports/schedules/").status_code == 404
    client.force_login(world.manager)
    resp = client.post(
        "/reports/schedules/",
        {"target": f"{world.programme_a.pk}:{world.funder_2.pk}", "frequency": "monthly"},
    )
    assert resp.status_code == 422
    assert "Elija un financiador de este programa." in resp.content.decode()
    resp = client.post(
        "/reports/schedules/",
        {"target": f"{world.programme_b.pk}:{world.funder_2.pk}", "frequency": "monthly"},
    )
    assert resp.status_code == 422
    for huge in ({"target": f"{2**63}:{2**63}", "frequency": "monthly"}, {"stop": str(2**63)}):
        assert client.post("/reports/schedules/", huge).status_code == 422
    resp = client.post(
        "/reports/schedules/",
        {"target": f"{world.programme_a.pk}:{world.funder_1.pk}", "frequency": "daily"},
    )
    assert "Elija cada mes o cada trimestre." in resp.content.decode()
    assert not ReportSchedule.objects.exists()
    assert schedule(client, world, "monthly").status_code == 302
    stop = ReportSchedule.objects.get()
    assert client.post("/reports/schedules/", {"stop": stop.pk}).status_code == 302
    stop.refresh_from_db()
    assert not stop.active
