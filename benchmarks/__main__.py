"""`python -m benchmarks --scale national --write-docs` (make bench) and
`python -m benchmarks --scale tiny --smoke` (make bench-smoke).

Runs every measurement on SQLite and on PostgreSQL (when a server answers), prints a table
of results beside the targets and writes it, with the machine and the commands, to
docs/benchmarks.md (--write-docs) or var/bench/smoke.md (--smoke). Timings never fail a run;
errors (an exception, an HTTP error, figures that disagree) do, after the table is written.
"""

import argparse
import os
import signal
import sys
import time
import traceback
from pathlib import Path
from typing import Any

from . import dataset, floor, load, olap, output, trust
from .common import (
    BENCH_DIR,
    FULL,
    PG_HOST,
    PG_PORT,
    PULL_ENTRIES,
    PUSH_BATCH,
    ROOT,
    SMOKE,
    BenchError,
    Profile,
    Target,
    machine,
    run_worker,
    scale_key,
)

log = dataset.Log()


def _terminate(signum: int, frame: Any) -> None:
    raise SystemExit(128 + signum)  # unwinds through every finally: servers are stopped


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    parser.add_argument("--scale", default="national", help="seed_demo scale (tiny, demo, ...)")
    parser.add_argument(
        "--factor", help="national only: seed_demo --factor, a smaller or larger national copy"
    )
    parser.add_argument("--smoke", action="store_true", help="short runs; var/bench/smoke.md")
    parser.add_argument("--write-docs", action="store_true", help="write docs/benchmarks.md")
    parser.add_argument("--reseed", action="store_true", help="seed again even if seeded")
    parser.add_argument("--no-postgres", action="store_true", help="SQLite only")
    parser.add_argument("--profile", action="store_true", help="pyinstrument the report")
    parser.add_argument("--output", type=Path, help="where to write the results (markdown)")
    parser.add_argument(
        "--instructions",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="count CPU instructions of a push and a report (default: on, except smoke runs)",
    )
    args = parser.parse_args(argv)
    signal.signal(signal.SIGTERM, _terminate)
    profile = SMOKE if args.smoke else FULL
    BENCH_DIR.mkdir(parents=True, exist_ok=True)
    # A busy machine makes a slow server of a fast one: wait for quiet (smoke runs in CI only
    # record the load), and never put figures of a busy machine into the docs.
    quiet = trust.wait_for_quiet(log, max_wait=0 if args.smoke else None)
    if args.instructions is None:
        args.instructions = not args.smoke
    began = time.time()
    load_at_start = "/".join(f"{v:.1f}" for v in os.getloadavg())

    notes: list[str] = []
    scale = args.scale
    factor = args.factor
    seeded = dataset.is_seeded(scale_key(scale, factor))
    offered = [scale] if seeded else dataset.seed_scales()
    if scale not in offered:
        fallback = "demo" if "demo" in offered else (offered[-1] if offered else None)
        if fallback is None:
            print("seed_demo offers no scale: is the project set up?", file=sys.stderr)
            return 2
        note = (
            f"seed_demo has no --scale {scale} in this checkout (it offers: "
            f"{', '.join(offered)}); this run used --scale {fallback} instead."
        )
        log(note)
        notes.append(note)
        scale, factor = fallback, None

    pg_version = None if args.no_postgres else dataset.pg_server_version()
    targets = [Target("sqlite", scale, factor)]
    if pg_version:
        targets.append(Target("postgresql", scale, factor))
    else:
        note = (
            "PostgreSQL skipped: --no-postgres."
            if args.no_postgres
            else f"PostgreSQL skipped: no server answered on {PG_HOST}:{PG_PORT}."
        )
        log(note)
        notes.append(note)

    results: dict[str, Any] = {"targets": {}, "notes": notes, "errors": []}
    for target in targets:
        results["targets"][target.engine] = run_target(target, profile, args, results["errors"])
    results["machine"] = {
        **machine(pg_version),
        "date": time.strftime("%Y-%m-%d", time.gmtime(began)),
        "load average 1/5/15 min, at start": load_at_start,
        "load average 1/5/15 min, at end": "/".join(f"{v:.1f}" for v in os.getloadavg()),
        "quiet at start": (
            f"{'yes' if quiet['quiet'] else 'no'}: one-minute load {quiet['load']:.1f} "
            f"(threshold {quiet['threshold']:.1f}, waited {quiet['waited']:.0f} s)"
        ),
    }
    results["scale"] = scale if not factor else f"{scale} (factor {factor})"
    results["profile"] = profile.name
    results["seconds"] = time.time() - began
    results["command"] = command_line(argv)

    text = output.render(results, profile)
    print("\n" + output.table(results, profile))
    destination = args.output or (
        ROOT / "docs" / "benchmarks.md" if args.write_docs else BENCH_DIR / "smoke.md"
    )
    refused = not quiet["quiet"] and not args.smoke and destination.name == "benchmarks.md"
    if refused:
        destination = BENCH_DIR / "busy.md"
        print(
            f"\nThe machine was busy at the start (one-minute load {quiet['load']:.1f} above "
            f"{quiet['threshold']:.1f} after waiting {quiet['waited']:.0f} s): these figures "
            "are not written to docs/benchmarks.md.",
            file=sys.stderr,
        )
    output.write(destination, text, keep_intro=destination.name == "benchmarks.md")
    shown = destination.relative_to(ROOT) if destination.is_relative_to(ROOT) else destination
    log(f"results written to {shown}")
    if results["errors"]:
        print("\nErrors:", file=sys.stderr)
        for error in results["errors"]:
            print(f"- {error}", file=sys.stderr)
        return 1
    return 3 if refused else 0


def command_line(argv: list[str] | None) -> str:
    args = sys.argv[1:] if argv is None else argv
    return " ".join([".venv/bin/python -m benchmarks", *args])


def run_target(target: Target, profile: Profile, args: Any, errors: list[str]) -> dict[str, Any]:
    out: dict[str, Any] = {}

    def step(name: str, fn: Any) -> Any:
        log(f"{target.label}: {name}")
        try:
            value = fn()
        except (BenchError, Exception) as exc:  # recorded; the other measurements still run
            detail = str(exc) if isinstance(exc, BenchError) else traceback.format_exc(limit=6)
            errors.append(f"{target.label}, {name}: {detail}")
            last = [line for line in str(exc).splitlines() if line.strip()] or [repr(exc)]
            log(f"{target.label}: {name} FAILED: {last[-1][:300]}")
            return None
        out[name] = value
        return value

    if step("dataset", lambda: dataset.ensure(target, args.reseed, log)) is None:
        return out
    prepared = step("prepare", lambda: run_worker(target, "prepare", {}, timeout=1800))
    if prepared is None:
        return out
    report = step(
        "report",
        lambda: run_worker(
            target, "report", {"repeats": profile.repeats, "profile": args.profile}, timeout=3600
        ),
    )
    if report is not None:
        step("duckdb", lambda: duck(target, report, profile, errors))
    if target.engine == "sqlite":
        step(
            "pdf",
            lambda: run_worker(
                target,
                "pdf",
                {"repeats": profile.pdf_repeats, "breakdown": output.PDF_BREAKDOWN},
                timeout=1800,
            ),
        )
    push = prepared["push"]
    step(
        "push",
        lambda: run_worker(
            target,
            "push",
            {"venture": push["venture"], "batch": PUSH_BATCH, "batches": profile.push_batches},
            timeout=3600,
        ),
    )
    step(
        "floor",
        lambda: floor.floor(
            target, push["venture"], push["user"], PUSH_BATCH, profile.push_batches
        ),
    )
    step("http", lambda: http_loads(target, profile, prepared, errors))
    tool = trust.counter() if args.instructions else None
    if tool:
        step("instructions", lambda: count_instructions(tool, target, push["venture"]))
    elif args.instructions:
        out["instructions"] = {"note": "neither perf's counter nor valgrind is available"}
    return out


def count_instructions(tool: str, target: Target, venture: int) -> dict[str, Any]:
    """Instructions of one 500-entry push and of one full report: counts that a busy machine
    does not change, so a change's effect shows even where timings are noisy."""
    base = {"venture": venture, "batch": PUSH_BATCH}
    push = trust.instructions(
        tool, target, "push", {**base, "batches": 1}, {**base, "batches": 3}, ops=2
    )
    report = trust.instructions(
        tool,
        target,
        "report",
        {"repeats": 1, "part": False, "profile": False},
        {"repeats": 2, "part": False, "profile": False},
        ops=1,
    )
    return {"push": push, "report": report}


def duck(target: Target, report: dict[str, Any], profile: Profile, errors: list[str]) -> dict:
    folder, export_s = olap.export(target)
    figures, times = None, []
    for _ in range(profile.repeats):
        figures, took = olap.compute(folder, report["params"])
        times.append(took)
    assert figures is not None
    diffs = olap.differences(report["figures"], figures)
    if diffs:
        errors.append(f"{target.label}: report and DuckDB disagree: " + "; ".join(diffs))
    return {"export_seconds": export_s, "seconds": times, "figures": figures, "differences": diffs}


def http_loads(
    target: Target, profile: Profile, prepared: dict[str, Any], errors: list[str]
) -> dict[str, Any]:
    import gzip
    import json
    import uuid

    create_users = prepared["create"]
    pull_token = prepared["pull"]["token"]
    today = time.strftime("%Y-%m-%d", time.gmtime(time.time() - 86400))

    def create(i: int) -> load.Request:
        user = create_users[i % len(create_users)]
        body = {
            "id": str(uuid.uuid4()),
            "kind": "sale",
            "amount": "25",
            "occurred_on": today,
            "payment_method": "cash",
        }
        headers = {"X-Session-Token": user["token"], "Content-Type": "application/json"}
        path = f"/api/v1/ventures/{user['venture']}/entries"
        return ("POST", path, load.json_body(body), headers)

    pull_headers = {"X-Session-Token": pull_token, "Accept-Encoding": "gzip"}

    def pull(i: int) -> load.Request:
        return ("GET", "/api/v1/sync/pull?schema_version=1", None, pull_headers)

    with load.Server(target) as server:
        # One checked request of each kind first: a wrong answer is an error, not a figure.
        import http.client

        conn = http.client.HTTPConnection(load.HOST, server.port, timeout=60)
        method, path, body, headers = create(0)
        conn.request(method, path, body=body, headers=headers)
        answer = conn.getresponse()
        text = answer.read()
        if answer.status != 201:
            raise BenchError(f"REST create answered {answer.status}: {text[:300]!r}")
        conn.request("GET", "/api/v1/sync/pull?schema_version=1", headers=pull_headers)
        answer = conn.getresponse()
        raw = answer.read()
        if answer.status != 200 or answer.getheader("Content-Encoding") != "gzip":
            raise BenchError(f"pull answered {answer.status} {answer.getheaders()}")
        plain = gzip.decompress(raw)
        entries = len(json.loads(plain)["changes"]["ledger_entries"]["created"])
        if entries != PULL_ENTRIES:
            raise BenchError(f"the pull returned {entries} entries, not {PULL_ENTRIES}")
        conn.close()

        def twice(rate: float, seconds: float, make: Any, expect: set[int], **kw: Any) -> dict:
            """Each load runs twice, and both are reported: two runs that disagree say the
            machine, not the server, moved. The server's CPU time per request is beside each."""
            runs = []
            for _ in range(2):
                cpu = trust.cpu_seconds(server.pid)
                result = load.open_loop(server.port, rate, seconds, make, expect, **kw)
                used = trust.cpu_seconds(server.pid) - cpu
                summary = result.summary()
                summary["server_cpu_ms_per_request"] = used * 1000 / max(result.sent, 1)
                runs.append(summary)
            return {**runs[-1], "runs": runs}

        created = twice(profile.create_rate, profile.create_seconds, create, {201})
        pulled = twice(profile.pull_rate, profile.pull_seconds, pull, {200}, connections=32)
        rss = server.peak_rss_mib()
    out: dict[str, Any] = {
        "create": created,
        "pull": {**pulled, "gzip_bytes": len(raw), "json_bytes": len(plain)},
        "worker_peak_rss_mib": rss,
    }
    for name, res in (("REST create", out["create"]), ("sync pull", out["pull"])):
        if res["errors"]:
            errors.append(f"{target.label}, {name}: {res['errors']} errors {res['error_kinds']}")
    return out


if __name__ == "__main__":
    sys.exit(main())
