"""Two app nodes of `make cluster` (scripts/cluster.sh), talked to over HTTP: what one node
writes the other serves, and rate limits count across both through the shared Redis cache."""

import json
import os
import re
import signal
import socket
import subprocess
import threading
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest
from allauth.mfa.totp.internal.auth import (
    format_hotp_value,
    hotp_value,
)

from tests.cluster.conftest import ROOT
from tests.cluster.pg import pg_bin


def _free_block(size: int = 6) -> int:
    """Six free ports in a row, from 8194 on (the standby test's servers take 8190-8193, and
    the two modules may run at once in two test processes)."""
    for base in range(8194, 8400, size):
        ok = True
        for port in range(base, base + size):
            with socket.socket() as s:
                s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
                try:
                    s.bind(("127.0.0.1", port))
                except OSError:
                    ok = False
                    break
        if ok:
            return base
    raise RuntimeError("no six free ports in a row")


class Cluster:
    def __init__(self, base: int, logins: str) -> None:
        self.a = f"http://127.0.0.1:{base}"
        self.b = f"http://127.0.0.1:{base + 1}"
        self.logins = logins

    def call(self, node: str, method: str, path: str, body: Any = None, token: str = "") -> Any:
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(f"{node}{path}", data=data, method=method)  # noqa: S310
        request.add_header("Content-Type", "application/json")
        if token:
            request.add_header("X-Session-Token", token)
        try:
            with urllib.request.urlopen(request, timeout=60) as resp:  # noqa: S310 (local)
                return resp.status, json.loads(resp.read() or b"null")
        except urllib.error.HTTPError as exc:
            return exc.code, json.loads(exc.read() or b"null")

    def sign_in(self, node: str, email: str, password: str) -> str:
        code, body = self.call(
            node, "POST", "/_allauth/app/v1/auth/login", {"email": email, "password": password}
        )
        assert code == 200, body
        return str(body["meta"]["session_token"])


@pytest.fixture(scope="module")
def cluster() -> Iterator[Cluster]:
    if pg_bin() is None:
        pytest.skip("PostgreSQL's programs are not installed: scripts/install-system-deps.sh")
    if os.environ.get("DATABASE_URL"):
        pytest.skip(
            "starts its own PostgreSQL servers: runs once, in the pass without DATABASE_URL"
        )
    base = _free_block()
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DATABASE_", "IMPULSA_", "DJANGO_"))
    }
    env["IMPULSA_CLUSTER_PORT"] = str(base)
    proc = subprocess.Popen(
        [str(ROOT / "scripts" / "cluster.sh")], cwd=ROOT, env=env, stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT, text=True, start_new_session=True,
    )  # fmt: skip
    lines: list[str] = []
    ready = threading.Event()

    def read() -> None:
        assert proc.stdout is not None
        for line in proc.stdout:
            lines.append(line)
            if "CLUSTER READY" in line:
                ready.set()

    threading.Thread(target=read, daemon=True).start()
    try:
        deadline = time.monotonic() + 900
        while not ready.is_set() and proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.5)
        assert ready.is_set(), "".join(lines)[-4000:]
        yield Cluster(base, "".join(lines))
    finally:
        proc.send_signal(signal.SIGINT)  # what Ctrl-C sends: the script stops everything
        try:
            proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)


def _participant(cluster: Cluster) -> tuple[str, str]:
    """The demo participant's email and password, as `manage.py demo_logins` prints them."""
    password = re.search(r"password for every email account: (\S+)\)", cluster.logins)
    email = re.search(r"participant \(portal and app\)\s+(\S+@\S+)", cluster.logins)
    assert password, cluster.logins[-3000:]
    assert email, cluster.logins[-3000:]
    return email.group(1), password.group(1)


def test_both_nodes_are_healthy_and_read_reports_from_the_standby(cluster: Cluster) -> None:
    for node in (cluster.a, cluster.b):
        code, body = cluster.call(node, "GET", "/api/v1/health")
        assert code == 200, body
        assert body["status"] == "ok", body
        assert body["replica"]["ok"] is True


def _standby_counters(cluster: Cluster) -> tuple[int, int]:
    url = re.search(r"Standby\s+(postgres://\S+)", cluster.logins)
    assert url, cluster.logins[-3000:]
    with psycopg.connect(url.group(1).rsplit("/", 1)[0] + "/postgres", autocommit=True) as conn:
        row = conn.execute(
            "SELECT xact_commit + xact_rollback, tup_returned FROM pg_stat_database "
            "WHERE datname = 'impulsa'"
        ).fetchone()
    assert row is not None
    return int(row[0]), int(row[1])


def _node_time_step() -> int:
    """The TOTP step on the nodes' clock: the machine's own, read by a process of its own, since
    this test process may run on a faked clock (IMPULSA_TEST_NOW) that the nodes do not share.
    Waits for a fresh step when the current one is about to end."""
    now = int(subprocess.check_output(["date", "+%s"], text=True))  # noqa: S607
    if now % 30 > 25:
        time.sleep(31 - now % 30)
        now = int(subprocess.check_output(["date", "+%s"], text=True))  # noqa: S607
    return now // 30


def test_a_report_asked_on_a_is_computed_on_the_standby_and_read_on_b(cluster: Cluster) -> None:
    email = "manager.colombia@impulsa.demo"
    secret = re.search(re.escape(email) + r"\s+TOTP secret (\S+)", cluster.logins)
    _email, password = _participant(cluster)
    assert secret, cluster.logins[-3000:]
    code, body = cluster.call(
        cluster.a, "POST", "/_allauth/app/v1/auth/login", {"email": email, "password": password}
    )
    assert code == 401, body  # the second factor is pending
    token = body["meta"]["session_token"]
    totp = format_hotp_value(hotp_value(secret.group(1), _node_time_step()))
    code, body = cluster.call(
        cluster.a, "POST", "/_allauth/app/v1/auth/2fa/authenticate", {"code": totp}, token=token
    )
    assert code == 200, body
    token = body["meta"].get("session_token", token)
    primary = re.search(r"Primary\s+(postgres://\S+)", cluster.logins)
    assert primary
    with psycopg.connect(primary.group(1)) as conn:
        programmes = [
            r[0]
            for r in conn.execute(
                "SELECT m.programme_id FROM programmes_membership m "
                "JOIN accounts_user u ON u.id = m.user_id WHERE u.email = %s AND m.role = %s",
                [email, "manager"],
            )
        ]
    assert programmes
    before = _standby_counters(cluster)
    report = {
        "programme_ids": programmes, "period_start": "2024-01-01", "period_end": "2026-12-31",
        "breakdown": [], "m2": {"design": "training"},
    }  # fmt: skip
    code, asked = cluster.call(cluster.a, "POST", "/api/v1/reports", report, token=token)
    assert code == 202, asked
    deadline = time.monotonic() + 180
    while True:
        code, snapshot = cluster.call(
            cluster.b, "GET", f"/api/v1/reports/{asked['id']}", token=token
        )
        assert code == 200, snapshot
        if snapshot["status"] in {"done", "failed"} or time.monotonic() > deadline:
            break
        time.sleep(1)
    assert snapshot["status"] == "done", snapshot
    # A backend reports its counters at most once a second, and one that then goes idle (the
    # worker keeps its connection) only after ten seconds: wait for them, up to 20 s.
    wait_until = time.monotonic() + 20
    after = _standby_counters(cluster)
    while after[0] - before[0] < 20 and time.monotonic() < wait_until:
        time.sleep(0.5)
        after = _standby_counters(cluster)
    assert after[0] - before[0] >= 20, (before, after)
    assert after[1] - before[1] > 1000, (before, after)


def test_a_push_on_node_a_is_in_node_b_next_pull(cluster: Cluster) -> None:
    email, password = _participant(cluster)
    on_a = cluster.sign_in(cluster.a, email, password)
    on_b = cluster.sign_in(cluster.b, email, password)  # another device of the same person
    code, first = cluster.call(cluster.b, "GET", "/api/v1/sync/pull?schema_version=1", token=on_b)
    assert code == 200, first
    ventures = first["changes"]["ventures"]["created"] + first["changes"]["ventures"]["updated"]
    assert ventures, "the demo participant has a venture"
    entry_id = str(uuid.uuid4())
    record = {
        "id": entry_id, "venture_id": ventures[0]["id"], "kind": "sale", "amount": "12500",
        "occurred_on": "2026-06-02", "payment_method": "cash", "wallet": "", "category": "",
        "note": "", "received_at": 0,
    }  # fmt: skip
    changes = {"ledger_entries": {"created": [record], "updated": [], "deleted": []}}
    code, pushed = cluster.call(
        cluster.a,
        "POST",
        f"/api/v1/sync/push?last_pulled_at={first['timestamp']}",
        {"changes": changes},
        token=on_a,
    )
    assert code == 200, pushed
    assert not pushed.get("rejected"), pushed
    code, second = cluster.call(
        cluster.b,
        "GET",
        f"/api/v1/sync/pull?schema_version=1&last_pulled_at={first['timestamp']}",
        token=on_b,
    )
    assert code == 200, second
    got = second["changes"]["ledger_entries"]
    assert [r["id"] for r in got["created"] + got["updated"]] == [entry_id]


def test_a_receipt_sent_to_a_is_served_by_b_from_the_bucket(cluster: Cluster) -> None:
    import boto3
    import requests

    from tests.cluster.test_object_storage import unique_photo

    email, password = _participant(cluster)
    token = cluster.sign_in(cluster.a, email, password)
    code, first = cluster.call(cluster.a, "GET", "/api/v1/sync/pull?schema_version=1", token=token)
    assert code == 200, first
    venture = (first["changes"]["ventures"]["created"] + first["changes"]["ventures"]["updated"])[0]
    entry_id = str(uuid.uuid4())
    record = {
        "id": entry_id, "venture_id": venture["id"], "kind": "sale", "amount": "8000",
        "occurred_on": "2026-06-03", "payment_method": "cash", "wallet": "", "category": "",
        "note": "", "received_at": 0,
    }  # fmt: skip
    changes = {"ledger_entries": {"created": [record], "updated": [], "deleted": []}}
    code, pushed = cluster.call(
        cluster.a, "POST", f"/api/v1/sync/push?last_pulled_at={first['timestamp']}",
        {"changes": changes}, token=token,
    )  # fmt: skip
    assert code == 200, pushed
    photo = unique_photo()
    sent = requests.post(
        f"{cluster.a}/api/v1/entries/{entry_id}/receipt",
        files={"file": ("receipt.jpg", photo, "image/jpeg")},
        headers={"X-Session-Token": token},
        timeout=60,
    )
    assert sent.status_code == 200, sent.text
    served = requests.get(
        f"{cluster.b}/api/v1/entries/{entry_id}/receipt",
        headers={"X-Session-Token": token},
        timeout=60,
    )
    assert served.status_code == 200, served.text
    assert served.headers["Cache-Control"] == "private, no-store"
    body = served.content
    assert b"Ayacucho" not in body
    assert b"Exif" not in body
    found = re.search(r"Object storage\s+(\S+) \(bucket (\S+)\)", cluster.logins)
    assert found, cluster.logins[-3000:]
    s3 = boto3.client(
        "s3", endpoint_url=found.group(1), region_name="us-east-1",
        aws_access_key_id="impulsa-local", aws_secret_access_key="impulsa-local-secret",
    )  # fmt: skip
    stored = [
        s3.get_object(Bucket=found.group(2), Key=o["Key"])["Body"].read()
        for o in s3.list_objects_v2(Bucket=found.group(2)).get("Contents", [])
    ]
    assert body in stored
    # Neither node keeps any of it: each has its own var/ folder, and none holds the bytes.
    logs = re.search(r"Logs\s+(\S+)", cluster.logins)
    assert logs
    for node in ("node-A", "node-B"):
        folder = Path(logs.group(1)) / node
        holding = [p for p in folder.rglob("*") if p.is_file() and body[-2048:] in p.read_bytes()]
        assert holding == [], holding


def test_failed_sign_ins_count_across_both_nodes(cluster: Cluster) -> None:
    """login_failed allows five failures per account in five minutes
    (settings.ACCOUNT_RATE_LIMITS); spread over A and B the sixth is refused, as on one node.
    With a cache per node, or a count per host name and port (allauth's own key), each node
    would allow five."""
    email, _password = _participant(cluster)
    codes = []
    for attempt in range(6):
        node = cluster.a if attempt % 2 == 0 else cluster.b
        code, _body = cluster.call(
            node, "POST", "/_allauth/app/v1/auth/login", {"email": email, "password": "wrong-0"}
        )
        codes.append(code)
    assert codes == [400] * 5 + [429], codes
