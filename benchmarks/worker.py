"""The application side of the benchmarks, run as `python -m benchmarks.worker TASK JSON`.

Each task runs in its own process, set up for one database by the environment (see
common.Target.django_env), and prints one JSON line with its figures. Timings are taken here,
around the application's own code, so process start-up is never part of them.
"""

import datetime as dt
import json
import os
import sys
import time
import uuid
from decimal import Decimal
from typing import Any

BENCH_EMAIL = "bench.{role}.{n}@impulsa.invalid"
CREATE_USERS = 10
WARM_UP = 50


def _setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "backend.settings")
    import django

    django.setup()


def _kib(field_name: str) -> int:
    from .common import rss_kib

    return rss_kib(os.getpid(), field_name) or 0


# --- bench participants -----------------------------------------------------------------------


def _participant(role: str, n: int) -> Any:
    """A bench participant of the first programme, with consent and one venture (idempotent)."""
    from backend.accounts.models import Consent, ConsentChannel, User
    from backend.demo.people import NOTICE_PURPOSES, ensure_notice
    from backend.programmes.models import Membership, Programme, Role
    from backend.ventures import services as ventures
    from backend.ventures.models import Venture

    email = BENCH_EMAIL.format(role=role, n=n)
    user = User.objects.filter(email=email).first() or User.objects.create_user(email)
    programme = Programme.objects.order_by("pk").first()
    if programme is None:
        raise RuntimeError("the dataset has no programme: was it seeded?")
    Membership.objects.get_or_create(user=user, programme=programme, role=Role.PARTICIPANT)
    if not Consent.objects.filter(user=user).exists():
        Consent.objects.create(
            user=user, notice=ensure_notice(), channel=ConsentChannel.APP,
            purposes=list(NOTICE_PURPOSES),
        )  # fmt: skip
    venture = Venture.objects.filter(owner=user).first()
    if venture is None:
        venture = ventures.create_venture(
            owner=user,
            programme_id=programme.pk,
            name=f"Bench {role} {n}",
            sector="G",
            started_on=programme.today() - dt.timedelta(days=400),
        )
    return user, venture


def _token(user: Any) -> str:
    """A fresh app session for the user; its key is the X-Session-Token the app sends."""
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    from backend.lib.sessions import stamp_new_session

    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    stamp_new_session(session)  # as a sign-in does
    session.create()
    return str(session.session_key)


def _entries(venture: Any, count: int, start: int = 0) -> list[dict[str, Any]]:
    """Sales as the app pushes them: spread over the last 60 days, a few payment methods."""
    today = venture.programme.today()
    amount = "25" if venture.currency == "COP" else "12.50"
    methods = ["cash", "cash", "bank_transfer", "card", "customer_credit"]
    return [
        {
            "id": str(uuid.uuid4()),
            "venture_id": venture.sync_id,
            "kind": "sale",
            "amount": amount,
            "occurred_on": (today - dt.timedelta(days=(start + i) % 60)).isoformat(),
            "payment_method": methods[i % len(methods)],
            "wallet": "",
            "category": "",
            "note": "",
            "received_at": 0,
        }
        for i in range(count)
    ]


def _push(client: Any, token: str, records: list[dict[str, Any]]) -> float:
    body = {"changes": {"ledger_entries": {"created": records, "updated": [], "deleted": []}}}
    began = time.perf_counter()
    response = client.post(
        "/api/v1/sync/push?last_pulled_at=0",
        data=json.dumps(body),
        content_type="application/json",
        headers={"X-Session-Token": token},
    )
    took = time.perf_counter() - began
    if response.status_code != 200 or response.json().get("rejected"):
        raise RuntimeError(f"push failed: {response.status_code} {response.content[:500]!r}")
    return took


def prepare(args: dict[str, Any]) -> dict[str, Any]:
    """Bench participants and their sessions: some for REST creates, one for pushes, and one
    whose first pull returns exactly PULL_ENTRIES ledger entries."""
    from django.test import Client

    from backend.ventures.models import LedgerEntry

    from .common import PULL_ENTRIES

    create = []
    for n in range(CREATE_USERS):
        user, venture = _participant("create", n)
        create.append({"venture": venture.pk, "token": _token(user)})
    push_user, push_venture = _participant("push", 0)
    pull_user, pull_venture = _participant("pull", 0)
    pull_token = _token(pull_user)
    have = LedgerEntry.objects.filter(venture=pull_venture).count()
    if have > PULL_ENTRIES:
        raise RuntimeError(f"the pull participant has {have} entries, more than {PULL_ENTRIES}")
    client = Client()
    while have < PULL_ENTRIES:
        step = min(500, PULL_ENTRIES - have)
        _push(client, pull_token, _entries(pull_venture, step, start=have))
        have += step
    return {
        "create": create,
        "push": {"token": _token(push_user), "venture": push_venture.pk, "user": push_user.pk},
        "pull": {"token": pull_token, "entries": have},
    }


def push(args: dict[str, Any]) -> dict[str, Any]:
    """Times sync pushes of `batch` new ledger entries through the whole request stack."""
    from django.test import Client

    from backend.accounts.models import User
    from backend.ventures.models import LedgerEntry, Venture

    venture = Venture.objects.select_related("programme").get(pk=args["venture"])
    user = User.objects.get(pk=venture.owner_id)
    token = _token(user)
    client = Client()
    before = LedgerEntry.objects.count()
    _push(client, token, _entries(venture, WARM_UP))  # warms caches and code paths; not timed
    times = [_push(client, token, _entries(venture, args["batch"])) for _ in range(args["batches"])]
    added = LedgerEntry.objects.count() - before
    expected = args["batch"] * args["batches"] + WARM_UP
    if added != expected:
        raise RuntimeError(f"pushes stored {added} entries, expected {expected}")
    return {"seconds": times, "ledger_rows": before}


def report_params() -> Any:
    """All programmes, the last twelve full months; M2 compares the period's first and last
    quarters (calendar design); one crossed breakdown, sex by population group."""
    from django.utils import timezone

    from backend.outcomes.params import M2Params, ReportParams, add_months, month_start
    from backend.programmes.models import Programme

    end = month_start(timezone.localdate()) - dt.timedelta(days=1)
    start = add_months(month_start(end), -11)
    m2 = M2Params(
        design="calendar",
        baseline_start=start,
        baseline_end=add_months(start, 3) - dt.timedelta(days=1),
        followup_start=add_months(month_start(end), -2),
        followup_end=end,
    )
    return ReportParams(
        programme_ids=tuple(Programme.objects.order_by("pk").values_list("pk", flat=True)),
        period_start=start,
        period_end=end,
        breakdown=("sex", "population_group"),
        m2=m2,
    )


def _figures(params: Any) -> dict[str, Any]:
    """M2 (calendar) and M4 as a manager sees them, unsuppressed."""
    from backend.outcomes.indicators import compute

    results = compute(params, ("M2", "M4"))
    m2, m4 = results["M2"], results["M4"]
    return {
        "M2": {**m2.details["classes"], "headline": m2.counts.total},
        "M4": {
            "ventures_with_digital": m4.counts.total,
            "by_currency": {
                cur: {
                    "sales": format(Decimal(x["sales"]), "f"),
                    "digital_sales": format(Decimal(x["digital"]), "f"),
                    "ventures": x["ventures"],
                }
                for cur, x in sorted(m4.details["by_currency"].items())
            },
        },
    }


def report(args: dict[str, Any]) -> dict[str, Any]:
    """Times the full report (JSON), and M2 + M4 alone; records the figures and the memory."""
    from django.conf import settings
    from django.db import connection

    from backend.outcomes.report import build

    params = report_params()
    k = settings.IMPULSA_DISCLOSURE_K
    connection.ensure_connection()
    rss_before = _kib("VmRSS")
    full, part = [], []
    size = 0
    for _ in range(args["repeats"]):
        began = time.perf_counter()
        data = build(params, suppress=False, k=k)
        size = len(json.dumps(data))
        full.append(time.perf_counter() - began)
    for _ in range(args["repeats"] if args.get("part", True) else 0):
        began = time.perf_counter()
        build(params, suppress=False, k=k, codes=("M2", "M4"))
        part.append(time.perf_counter() - began)
    profile = None
    if args.get("profile"):
        from pyinstrument import Profiler

        profiler = Profiler()
        profiler.start()
        build(params, suppress=False, k=k)
        profiler.stop()
        profile = profiler.output_text(unicode=False, color=False, show_all=False)[:6000]
    return {
        "params": params.as_json(),
        "full_seconds": full,
        "m2_m4_seconds": part,
        "json_bytes": size,
        "figures": _figures(params),
        "rss_before_kib": rss_before,
        "peak_rss_kib": _kib("VmHWM"),
        "profile": profile,
    }


def pdf(args: dict[str, Any]) -> dict[str, Any]:
    """Times one certificate PDF and one donor report PDF (crossed breakdown, ~10 pages)."""
    from dataclasses import replace

    from django.conf import settings

    from backend.outcomes.exports import to_pdf
    from backend.outcomes.report import build
    from backend.training.models import Certificate
    from backend.training.services import render_certificate_pdf

    out: dict[str, Any] = {}
    certificate = Certificate.objects.order_by("pk").first() or _issue_one()
    if certificate is None:
        out["note"] = "no certificate and no completed enrollment to issue one for"
    else:
        render_certificate_pdf(certificate)  # first render loads fonts: a worker does it once
        times = []
        for _ in range(args["repeats"]):
            began = time.perf_counter()
            body = render_certificate_pdf(certificate)
            times.append(time.perf_counter() - began)
        out["certificate"] = {"seconds": times, "bytes": len(body), "pages": _pages(body)}
    params = replace(report_params(), breakdown=tuple(args["breakdown"]))
    data = build(params, suppress=True, k=settings.IMPULSA_DISCLOSURE_K)
    to_pdf(data, "es")
    times = []
    for _ in range(args["repeats"]):
        began = time.perf_counter()
        body = to_pdf(data, "es")
        times.append(time.perf_counter() - began)
    out["report"] = {
        "seconds": times,
        "bytes": len(body),
        "pages": _pages(body),
        "breakdown": list(params.breakdown),
    }
    return out


def _issue_one() -> Any:
    """A certificate for the first completed enrollment that can have one (a dataset seeded
    without certificates still gets its certificate PDF measured)."""
    from django.db import transaction

    from backend.lib.errors import DomainError
    from backend.training.models import Enrollment, EnrollmentStatus
    from backend.training.services import issue_certificate

    completed = Enrollment.objects.filter(status=EnrollmentStatus.COMPLETED).order_by("pk")
    for enrollment in completed[:20]:
        try:
            with transaction.atomic():
                return issue_certificate(actor=None, enrollment=enrollment)[0]
        except DomainError:
            continue
    return None


def _pages(body: bytes) -> int:
    import io

    import pypdf

    return len(pypdf.PdfReader(io.BytesIO(body)).pages)


TASKS = {"prepare": prepare, "push": push, "report": report, "pdf": pdf}


def main() -> None:
    task, raw = sys.argv[1], sys.argv[2] if len(sys.argv) > 2 else "{}"
    _setup()
    result = TASKS[task](json.loads(raw))
    print(json.dumps(result, default=str), flush=True)


if __name__ == "__main__":
    main()
