"""Reports read from a real streaming standby, and from the primary when it lags or is gone.

Which server ran the queries is read from that server's own statistics (pg_stat_database),
never from a flag the application sets.
"""

import time

from tests.cluster.conftest import django_env, scenario
from tests.cluster.pg import Pair, standby_counters


def both(pair: Pair, **extra: str) -> dict[str, str]:
    return django_env(
        DATABASE_URL=pair.primary.url(),
        DATABASE_REPLICA_URL=pair.standby.url(),
        IMPULSA_REPLICA_CHECK_SECONDS="0",
        **extra,
    )


def test_a_report_is_computed_on_the_standby(pair: Pair) -> None:
    # Without a replica, the report's queries never reach the standby...
    before = standby_counters(pair)
    alone = scenario("report", django_env(DATABASE_URL=pair.primary.url()))
    assert alone["status"] == "done", alone
    time.sleep(0.6)  # the child has exited: its counters are flushed as its backend ends
    after_alone = standby_counters(pair)
    assert after_alone[0] - before[0] < 5, (before, after_alone)
    assert after_alone[1] - before[1] < 500, (before, after_alone)
    # ...with one, they run there: hundreds of transactions and rows on the standby's counters.
    done = scenario("report", both(pair))
    assert done["status"] == "done", done
    assert done["replica_ok"] is True, done
    assert done["indicators"] == alone["indicators"] > 0
    after = standby_counters(pair)
    transactions, rows = after[0] - after_alone[0], after[1] - after_alone[1]
    assert transactions >= 20, (after_alone, after)
    assert rows > 1000, (after_alone, after)
    health = scenario("health", both(pair))
    assert health["status"] == "ok", health
    assert health["replica"]["ok"] is True
    assert health["replica"]["lag_seconds"] == 0


def test_a_lagging_standby_is_skipped_and_health_says_so(pair: Pair) -> None:
    with pair.standby.connect("postgres") as standby:
        standby.execute("SELECT pg_wal_replay_pause()")
        try:
            # A write on the primary the paused standby never replays.
            with pair.primary.connect() as primary:
                primary.execute("CREATE TABLE IF NOT EXISTS lag_probe (n int)")
                primary.execute("INSERT INTO lag_probe VALUES (1)")
            time.sleep(2.5)
            env = both(pair, IMPULSA_REPLICA_MAX_LAG="1")
            health = scenario("health", env)
            assert health["code"] == 200
            assert health["status"] == "degraded", health
            assert health["replica"]["ok"] is False
            assert "lags" in health["replica"]["reason"], health
            before = standby_counters(pair)
            done = scenario("report", {**env, "IMPULSA_REPLICA_CHECK_SECONDS": "60"})
            assert done["status"] == "done", done
            after = standby_counters(pair)
            # Only the lag check's own small queries ran there, none of the report's.
            assert after[1] - before[1] < 500, (before, after)
        finally:
            standby.execute("SELECT pg_wal_replay_resume()")
    pair.wait_caught_up()
    assert scenario("health", both(pair, IMPULSA_REPLICA_MAX_LAG="1"))["status"] == "ok"


def test_with_the_standby_down_reports_answer_from_the_primary(pair: Pair) -> None:
    pair.stop_standby()
    env = both(pair)
    health = scenario("health", env)
    assert health["code"] == 200
    assert health["status"] == "degraded", health
    assert health["database"]["ok"] is True
    assert health["replica"]["ok"] is False
    assert "unreachable" in health["replica"]["reason"], health
    done = scenario("report", env)
    assert done["status"] == "done", done
    assert done["indicators"] > 0
    assert done["replica_ok"] is False
