"""Many writers on one SQLite file: run as ``python -m tests.reliability.crash_writers OUT``.

Creates the reliability world on the database of IMPULSA_SQLITE_PATH, then starts WRITERS
threads at once, each posting WRITES ledger entries through the service layer on a connection
of its own (as the threads of the app server do). Four threads share each venture, so they
also queue on its row lock. Writes the entries, every error and the timings to OUT as JSON.
"""

import dataclasses
import datetime as dt
import json
import os
import random
import sys
import threading
import time
from pathlib import Path
from typing import Any

WRITERS = 16
WRITES = 200


def main(out: Path, seed: int) -> None:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "backend.settings")
    django.setup()
    from django.db import connection

    from backend.ventures import services
    from backend.ventures.models import Venture
    from tests.reliability.crash_world import create_world, make_entries

    world = create_world()
    entries = make_entries(world, WRITERS * WRITES, random.Random(seed))
    ventures = {v.pk: v for v in Venture.objects.select_related("owner", "programme")}
    connection.close()
    start = threading.Barrier(WRITERS)
    waits: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()

    def writer(mine: list[Any]) -> None:
        own: list[float] = []
        try:
            start.wait()
            for e in mine:
                t0 = time.perf_counter()
                try:
                    services.record_entry(
                        venture=ventures[e.venture_id],
                        actor=ventures[e.venture_id].owner,
                        data=services.EntryInput(
                            id=e.id,
                            kind=e.kind,
                            amount=e.amount,
                            occurred_on=dt.date.fromisoformat(e.occurred_on),
                            payment_method=e.payment_method,
                            wallet=e.wallet,
                            category=e.category,
                            note=f"entry {e.id}",
                        ),
                    )
                except Exception as exc:
                    with lock:
                        errors.append(
                            f"{e.id}: {type(exc).__name__}: {exc} "
                            f"(after {time.perf_counter() - t0:.2f} s)"
                        )
                own.append(time.perf_counter() - t0)
        finally:
            connection.close()
            with lock:
                waits.extend(own)

    threads = [threading.Thread(target=writer, args=(entries[i::WRITERS],)) for i in range(WRITERS)]
    t0 = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - t0
    waits.sort()
    out.write_text(
        json.dumps(
            {
                "entries": [dataclasses.asdict(e) for e in entries],
                "errors": errors,
                "writes": len(waits),
                "seconds": elapsed,
                "median": waits[len(waits) // 2],
                "p99": waits[int(len(waits) * 0.99)],
                "max": waits[-1],
            }
        )
    )


if __name__ == "__main__":
    main(Path(sys.argv[1]), int(sys.argv[2]))
