"""A pull while another process holds SQLite's write lock: ``python -m tests.sync.pull_probe``.

Creates two participants with ventures on the database of IMPULSA_SQLITE_PATH, then opens a
second connection that takes the write lock and changes the counter and a venture without
committing. Pulls as a participant while that lock is held, commits, pulls again, and prints
what each pull saw and how long it took, as JSON.
"""

import json
import os
import sqlite3
import time


def main() -> None:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "backend.settings")
    django.setup()
    from django.conf import settings

    from backend.accounts.models import User
    from backend.sync import engine
    from tests.reliability.crash_world import create_world

    world = create_world()
    user = User.objects.get(pk=world["participants"][0]["user_id"])
    before = engine.pull(user=user, last_pulled_at=None, schema_version=None)

    writer = sqlite3.connect(settings.DATABASES["default"]["NAME"], isolation_level=None)
    writer.execute("BEGIN IMMEDIATE")
    writer.execute("UPDATE sync_changecounter SET value = value + 1 WHERE id = 1")
    writer.execute(
        "UPDATE ventures_venture SET name = 'Renamed', changed_seq = "
        "(SELECT value FROM sync_changecounter WHERE id = 1) WHERE owner_id = ?",
        (user.pk,),
    )
    t0 = time.perf_counter()
    during = engine.pull(user=user, last_pulled_at=before["timestamp"], schema_version=None)
    seconds = time.perf_counter() - t0
    writer.execute("COMMIT")
    after = engine.pull(user=user, last_pulled_at=before["timestamp"], schema_version=None)

    def names(result: dict) -> list[str]:
        return sorted(r["name"] for r in result["changes"]["ventures"]["updated"])

    print(
        json.dumps(
            {
                "before": before["timestamp"],
                "during": during["timestamp"],
                "during_names": names(during),
                "during_seconds": seconds,
                "after": after["timestamp"],
                "after_names": names(after),
            }
        )
    )


if __name__ == "__main__":
    main()
