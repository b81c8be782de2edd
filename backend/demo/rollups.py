"""Day and month rollups of freshly loaded ventures, built by the database."""

from django.db import connection


def build_rollups(first_venture: int, last_venture: int) -> None:
    """Day and month rollups of a range of ventures that have none yet, computed by the
    database from their non-voided entries, exactly as the ventures services keep them."""
    sqlite = connection.vendor == "sqlite"
    money = {
        "sales": "kind = 'sale'",
        "expenses": "kind = 'expense'",
        "digital_sales": (
            "kind = 'sale' AND payment_method IN ('bank_transfer', 'mobile_wallet', 'card')"
        ),
        "credit_sales": "kind = 'sale' AND payment_method = 'customer_credit'",
        "repayments": "kind = 'repayment'",
        **{
            f"sales_{m}": f"kind = 'sale' AND payment_method = '{m}'"
            for m in ("cash", "bank_transfer", "mobile_wallet", "card", "customer_credit", "other")
        },
    }
    sums = ", ".join(
        f"ROUND(COALESCE(SUM(CASE WHEN {cond} THEN amount END), 0), 2)" for cond in money.values()
    )
    with connection.cursor() as cursor:
        cursor.execute(
            f"""INSERT INTO ventures_ventureday
                (venture_id, day, entries, sale_entries, {", ".join(money)})
            SELECT venture_id, occurred_on, COUNT(*),
                SUM(CASE WHEN kind = 'sale' THEN 1 ELSE 0 END), {sums}
            FROM ventures_ledgerentry
            WHERE venture_id BETWEEN %s AND %s AND voided_at IS NULL
            GROUP BY venture_id, occurred_on""",  # noqa: S608 - fixed column names
            [first_venture, last_venture],
        )
        month = "date(day, 'start of month')" if sqlite else "date_trunc('month', day)::date"
        # The Monday-based week within the month: ISO weeks clipped to the month.
        week = "strftime('%%W', day)" if sqlite else "date_trunc('week', day)"
        columns = ("sales", "expenses", "digital_sales", "credit_sales", "repayments")
        cursor.execute(
            f"""INSERT INTO ventures_venturemonth
                (venture_id, month, entries, active_days, active_weeks, {", ".join(columns)})
            SELECT venture_id, {month}, SUM(entries),
                SUM(CASE WHEN sale_entries > 0 THEN 1 ELSE 0 END),
                COUNT(DISTINCT CASE WHEN sale_entries > 0 THEN {week} END),
                {", ".join(f"ROUND(SUM({c}), 2)" for c in columns)}
            FROM ventures_ventureday
            WHERE venture_id BETWEEN %s AND %s
            GROUP BY venture_id, {month}""",  # noqa: S608 - fixed column names
            [first_venture, last_venture],
        )
