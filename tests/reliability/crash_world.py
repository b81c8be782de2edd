"""Shared pieces of the reliability runs that use a SQLite file of their own.

The ledger is append-only (the database refuses deletes), so these runs never share the test
database that pytest-django flushes: each migrates a file in a temporary directory and works
on it from subprocesses with their own settings, as a deployed server would.

Run as ``python -m tests.reliability.crash_world`` (with IMPULSA_SQLITE_PATH pointing at a
migrated file) it creates two participants with two ventures each and prints, as JSON, their
session tokens and ventures.
"""

import datetime as dt
import json
import os
import random
import sqlite3
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
PYTHON = sys.executable
KINDS_AND_METHODS = [
    ("sale", "cash", ""),
    ("sale", "cash", ""),
    ("sale", "mobile_wallet", "yape"),
    ("sale", "card", ""),
    ("sale", "bank_transfer", ""),
    ("sale", "customer_credit", ""),
    ("expense", "cash", "stock"),
    ("expense", "bank_transfer", "rent"),
]


def server_env(db: Path, **extra: str) -> dict[str, str]:
    """The environment of a local server on ``db``, as `make run` sets it, free of test flags."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DJANGO_", "IMPULSA_", "DATABASE_URL"))
    }
    env.update(
        DJANGO_DEBUG="1",
        IMPULSA_SQLITE_PATH=str(db),
        IMPULSA_VAR_DIR=str(db.parent),
        IMPULSA_SMS_BACKEND="console",
        IMPULSA_LOG_LEVEL="WARNING",
        PYTHONPATH=str(ROOT),
    )
    env.update(extra)
    return env


def run(env: dict[str, str], *args: str, timeout: float = 300) -> str:
    result = subprocess.run(
        [PYTHON, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout
    )
    assert result.returncode == 0, f"{args} failed:\n{result.stdout}\n{result.stderr}"
    return result.stdout


_template: Path | None = None


def migrated_database(dest: Path) -> Path:
    """A freshly migrated database at ``dest`` (migrations run once per test process)."""
    global _template
    if _template is None or not _template.exists():
        template = Path(tempfile.mkdtemp(prefix="impulsa-reliability-")) / "template.sqlite3"
        run(server_env(template), "manage.py", "migrate", "--no-input", "-v0")
        _template = template
    dest.parent.mkdir(parents=True, exist_ok=True)
    with sqlite3.connect(_template) as src, sqlite3.connect(dest) as dst:
        src.backup(dst)
    return dest


@dataclass(frozen=True)
class Entry:
    """One ledger entry as the phone sends it."""

    id: str
    venture_id: int
    venture_sync_id: str
    token: str
    kind: str
    amount: str
    occurred_on: str
    payment_method: str
    wallet: str
    category: str

    def rest_body(self) -> dict[str, Any]:
        body = {
            "id": self.id,
            "kind": self.kind,
            "amount": self.amount,
            "occurred_on": self.occurred_on,
            "payment_method": self.payment_method,
            "note": f"entry {self.id}",
        }
        if self.wallet:
            body["wallet"] = self.wallet
        if self.category:
            body["category"] = self.category
        return body

    def sync_record(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "venture_id": self.venture_sync_id,
            "kind": self.kind,
            "amount": self.amount,
            "occurred_on": self.occurred_on,
            "payment_method": self.payment_method,
            "wallet": self.wallet,
            "category": self.category,
            "note": f"entry {self.id}",
        }


def make_entries(world: dict[str, Any], count: int, rng: random.Random) -> list[Entry]:
    """``count`` valid entries spread over the world's ventures and the last 120 days."""
    today = dt.date.fromisoformat(world["today"])
    ventures = [(p["token"], v) for p in world["participants"] for v in p["ventures"]]
    entries = []
    for n in range(count):
        token, venture = ventures[n % len(ventures)]
        kind, method, extra = rng.choice(KINDS_AND_METHODS)
        cents = rng.randint(50, 50_000)
        entries.append(
            Entry(
                id=f"e{n:05d}{rng.getrandbits(40):010x}",
                venture_id=venture["id"],
                venture_sync_id=venture["sync_id"],
                token=token,
                kind=kind,
                amount=str(Decimal(cents) / 100),
                occurred_on=(today - dt.timedelta(days=rng.randint(1, 120))).isoformat(),
                payment_method=method,
                wallet=extra if method == "mobile_wallet" else "",
                category=extra if kind == "expense" else "",
            )
        )
    return entries


def expected_totals(entries: list[Entry]) -> dict[int, tuple[int, Decimal, Decimal]]:
    """Per venture: how many entries, their sales and their expenses, as the client sent them."""
    totals: dict[int, tuple[int, Decimal, Decimal]] = {}
    for e in entries:
        count, sales, expenses = totals.get(e.venture_id, (0, Decimal(0), Decimal(0)))
        amount = Decimal(e.amount)
        totals[e.venture_id] = (
            count + 1,
            sales + (amount if e.kind == "sale" else 0),
            expenses + (amount if e.kind == "expense" else 0),
        )
    return totals


def _cents(value: Any) -> Decimal:
    # SQLite hands back a decimal column as int, float or text; two places are exact here.
    return Decimal(str(value)).quantize(Decimal("0.01"))


def check_database(db: Path, entries: list[Entry]) -> dict[str, Any]:
    """Every sent entry stored once and unchanged, rollups agreeing with it, file intact.

    Returns the figures; raises AssertionError with what differs.
    """
    sent = {e.id: e for e in entries}
    with sqlite3.connect(db) as conn:
        integrity = conn.execute("PRAGMA integrity_check").fetchall()
        foreign = conn.execute("PRAGMA foreign_key_check").fetchall()
        rows = conn.execute(
            "SELECT sync_id, venture_id, kind, amount, occurred_on, payment_method, voided_at "
            "FROM ventures_ledgerentry"
        ).fetchall()
        months = conn.execute(
            "SELECT venture_id, sum(entries), sum(sales), sum(expenses) "
            "FROM ventures_venturemonth GROUP BY venture_id"
        ).fetchall()
        days = conn.execute(
            "SELECT venture_id, sum(entries), sum(sales), sum(expenses) "
            "FROM ventures_ventureday GROUP BY venture_id"
        ).fetchall()
    assert integrity == [("ok",)], f"integrity_check: {integrity}"
    assert foreign == [], f"foreign_key_check: {foreign}"
    stored_ids = [r[0] for r in rows]
    assert len(stored_ids) == len(set(stored_ids))
    missing = sorted(set(sent) - set(stored_ids))
    extra = sorted(set(stored_ids) - set(sent))
    assert not missing, f"{len(missing)} entries lost, e.g. {missing[:5]}"
    assert not extra, f"{len(extra)} entries nobody sent, e.g. {extra[:5]}"
    for entry_id, venture_id, kind, amount, occurred_on, method, voided_at in rows:
        e = sent[entry_id]
        stored = (venture_id, kind, _cents(amount), occurred_on, method, voided_at)
        assert stored == (e.venture_id, e.kind, Decimal(e.amount), e.occurred_on,
                          e.payment_method, None), f"{entry_id} stored as {stored}"  # fmt: skip
    want = expected_totals(entries)
    per_venture: dict[int, tuple[int, Decimal, Decimal]] = {}
    for _id, venture_id, kind, amount, *_rest in rows:
        count, sales, expenses = per_venture.get(venture_id, (0, Decimal(0), Decimal(0)))
        per_venture[venture_id] = (
            count + 1,
            sales + (_cents(amount) if kind == "sale" else 0),
            expenses + (_cents(amount) if kind == "expense" else 0),
        )
    assert per_venture == want, f"ledger per venture {per_venture} != sent {want}"
    for name, rollup in (("month", months), ("day", days)):
        got = {v: (int(n), _cents(s), _cents(x)) for v, n, s, x in rollup}
        assert got == want, f"{name} rollups {got} != sent {want}"
    return {"entries": len(rows), "ventures": len(want)}


def rollups_match_rebuild(db: Path) -> str:
    """Runs rebuild_rollups on ``db``; its report says whether any stored rollup had drifted."""
    out = run(server_env(db), "manage.py", "rebuild_rollups").strip()
    assert out == "Rollups matched the ledger: nothing changed.", out
    return out


def create_world() -> dict[str, Any]:
    """Two consenting participants of one programme with two ventures each (needs Django)."""
    from django.test import Client

    from backend.accounts.models import Consent, ConsentNotice, ParticipantProfile, User
    from backend.programmes.models import Membership, Organisation, Programme
    from backend.ventures import services

    org = Organisation.objects.create(name="Reliability org", country="PE")
    programme = Programme.objects.create(
        organisation=org,
        code="reliability",
        name="Reliability programme",
        country="PE",
        regions=["PE-PIU"],
        currency="PEN",
        time_zone="America/Lima",
        start_date=dt.date(2025, 1, 1),
    )
    today = programme.today()
    notice = ConsentNotice.objects.create(
        version="reliability-1",
        text_es="Aviso",
        text_en="Notice",
        text_pt="Aviso",
        purposes=["programme_delivery"],
    )
    participants = []
    for n in range(2):
        user = User.objects.create_user(
            None, "a-long-reliability-password", phone=f"+5198700{n:04d}", phone_verified=True
        )
        Membership.objects.create(user=user, programme=programme, role="participant")
        Consent.objects.create(
            user=user, notice=notice, channel="app", purposes=["programme_delivery"]
        )
        ParticipantProfile.objects.create(user=user, display_name=f"Participant {n}")
        ventures = [
            services.create_venture(
                owner=user,
                programme_id=programme.pk,
                name=f"Venture {n}-{k}",
                sector="G",
                started_on=today - dt.timedelta(days=365),
            )
            for k in range(2)
        ]
        client = Client()
        client.force_login(user)
        participants.append(
            {
                "user_id": user.pk,
                "token": client.session.session_key,
                "ventures": [{"id": v.pk, "sync_id": v.sync_id} for v in ventures],
            }
        )
    return {"today": today.isoformat(), "participants": participants}


def load_world(env: dict[str, str]) -> dict[str, Any]:
    return dict(json.loads(run(env, "-m", "tests.reliability.crash_world")))


if __name__ == "__main__":
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "backend.settings")
    django.setup()
    print(json.dumps(create_world()))
