"""What makes a figure trustworthy on a shared machine: a quiet start, the server's own CPU
time beside its latency, and a count of CPU instructions that does not move with the load.

- `wait_for_quiet` holds the run until the one-minute load average falls under a threshold
  (by default half a core per core); a run that never saw a quiet machine says so, and
  `--write-docs` then refuses to write docs/benchmarks.md.
- `cpu_seconds` reads a process tree's user + system time from /proc, so a load's CPU cost
  per request is measured at the server, not guessed from the latency.
- `instructions` counts the CPU instructions of a worker task with `perf stat` where the
  machine exposes the counter, else with valgrind's callgrind (about 50 times slower). The
  count of one operation is the difference between a run doing it `more` times and one doing
  it `fewer` times, so the process's start-up and the dataset's loading cancel out.
"""

import json
import os
import re
import shutil
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Any

from .common import PYTHON, ROOT, BenchError, Target

TICKS = os.sysconf("SC_CLK_TCK")


def load_threshold() -> float:
    default = 0.5 * (os.cpu_count() or 1)
    return float(os.environ.get("IMPULSA_BENCH_MAX_LOAD", default))


def wait_for_quiet(log: Any, max_wait: float | None = None) -> dict[str, Any]:
    """Waits (up to IMPULSA_BENCH_WAIT seconds, 600 by default) for the machine to be quiet."""
    threshold = load_threshold()
    limit = float(os.environ.get("IMPULSA_BENCH_WAIT", 600)) if max_wait is None else max_wait
    began = time.monotonic()
    announced = False
    while True:
        one_minute = os.getloadavg()[0]
        waited = time.monotonic() - began
        if one_minute <= threshold:
            return {"quiet": True, "load": one_minute, "threshold": threshold, "waited": waited}
        if waited >= limit:
            return {"quiet": False, "load": one_minute, "threshold": threshold, "waited": waited}
        if not announced:
            log(
                f"load average {one_minute:.1f} is above {threshold:.1f}: waiting up to "
                f"{limit:.0f} s for a quiet machine"
            )
            announced = True
        time.sleep(min(10.0, max(limit - waited, 0.1)))


def _tree(pid: int) -> list[int]:
    out = [pid]
    try:
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except OSError:
        return out
    for child in children:
        out += _tree(int(child))
    return out


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process and its descendants, in seconds: the living ones
    read one by one, the ones that ended (a gunicorn worker recycled) through their parent's
    count of its reaped children."""
    total = 0
    for p in _tree(pid):
        try:
            fields = Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        # utime, stime, cutime, cstime: fields 14 to 17 of proc(5)
        total += sum(int(v) for v in fields[11:15])
    return total / TICKS


def perf_works() -> bool:
    if not shutil.which("perf"):
        return False
    done = subprocess.run(
        ["perf", "stat", "-x,", "-e", "instructions:u", "true"],  # noqa: S607
        capture_output=True,
        text=True,
    )
    first = (done.stderr.strip().splitlines() or [""])[0]
    return done.returncode == 0 and first.split(",")[0].isdigit()


def counter() -> str | None:
    """'perf', 'callgrind' or None: what this machine can count instructions with."""
    if perf_works():
        return "perf"
    if shutil.which("valgrind"):
        return "callgrind"
    return None


def _count_once(tool: str, target: Target, task: str, args: dict[str, Any]) -> int:
    command = [PYTHON, "-m", "benchmarks.worker", task, json.dumps(args)]
    env = target.django_env(debug=False)
    env["PYTHONHASHSEED"] = "0"  # the same dictionaries, the same work, run after run
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "count"
        if tool == "perf":
            wrapped = ["perf", "stat", "-x,", "-e", "instructions:u", "-o", str(out), *command]
        else:
            wrapped = [
                "valgrind", "--tool=callgrind", f"--callgrind-out-file={out}",
                "--dump-instr=no", "--compress-strings=no", *command,
            ]  # fmt: skip
        done = subprocess.run(  # noqa: S603 - our own interpreter and arguments
            wrapped, cwd=ROOT, env=env, capture_output=True, text=True, timeout=7200
        )
        if done.returncode != 0:
            raise BenchError(f"{tool} {task} failed:\n{done.stderr[-2000:]}")
        text = out.read_text(errors="replace")
    if tool == "perf":
        for line in text.splitlines():
            if "instructions" in line and line.split(",")[0].isdigit():
                return int(line.split(",")[0])
    else:
        found = re.search(r"^(?:totals|summary):\s*(\d+)", text, re.MULTILINE)
        if found:
            return int(found.group(1))
    raise BenchError(f"{tool} printed no instruction count for {task}")


def instructions(
    tool: str, target: Target, task: str, fewer: dict[str, Any], more: dict[str, Any], ops: int
) -> dict[str, Any]:
    """Instructions of one operation: (count(more) - count(fewer)) / ops."""
    low = _count_once(tool, target, task, fewer)
    high = _count_once(tool, target, task, more)
    return {"tool": tool, "per_operation": (high - low) / ops, "fewer": low, "more": high}
