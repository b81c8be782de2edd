"""The true cost of a loan from what the borrower receives and repays.

A loan paid in ``n`` equal instalments ``A`` after receiving ``P`` has a periodic rate ``r``
(its internal rate of return) that solves the annuity equation

    P = A * (1 - (1 + r) ** -n) / r

The left side is fixed and the right side falls steadily as ``r`` grows, so there is exactly
one root when the instalments add up to more than ``P``. It lies between 0 and ``A / P``
(at ``r = A / P`` the right side is below ``A / r = P``), and bisection on that bracket
finds it to any precision without the divergence Newton's method shows on extreme loans.
Arithmetic is in Decimal with 50 significant digits, so no rounding creeps in.

The effective annual rate compounds the periodic rate over a year: ``(1 + r) ** m - 1``,
with ``m`` payment periods per year:

- ``daily``: a payment every calendar day, 365 periods;
- ``daily_except_sunday``: Monday to Saturday, as many informal "gota a gota" lenders
  collect, 313 periods (365 days minus 52 Sundays). Treating the six collection days as
  evenly spread is a slight understatement of the cost, never an overstatement;
- ``weekly``: 52 periods; ``monthly``: 12 periods.
"""

from dataclasses import dataclass
from decimal import Decimal, localcontext

PERIODS_PER_YEAR = {"daily": 365, "daily_except_sunday": 313, "weekly": 52, "monthly": 12}
MAX_PAYMENTS = 1000
_PRECISION = 50
_ITERATIONS = 200  # halves a bracket of width A/P below 1e-50 of it: more than enough


@dataclass(frozen=True)
class LoanCost:
    periodic_rate: Decimal  # a fraction: 0.0151 is 1.51% per period
    effective_annual_rate: Decimal  # a fraction
    total_repaid: Decimal
    total_cost: Decimal
    cost_share: Decimal  # total cost over the amount received, a fraction
    periods_per_year: int


class NoSolution(ValueError):
    """The inputs describe no loan with a positive cost."""


def periodic_rate(received: Decimal, repayment: Decimal, payments: int) -> Decimal:
    if payments < 1 or received <= 0 or repayment <= 0:
        raise NoSolution("payments and amounts must be positive")
    if repayment * payments <= received:
        raise NoSolution("the instalments must add up to more than the amount received")
    with localcontext() as ctx:
        ctx.prec = _PRECISION
        low, high = Decimal(0), repayment / received
        for _ in range(_ITERATIONS):
            mid = (low + high) / 2
            present_value = repayment * (1 - (1 + mid) ** -payments) / mid
            if present_value > received:
                low = mid  # rate too low: the instalments are worth more than the loan
            else:
                high = mid
        return (low + high) / 2


def loan_cost(*, received: Decimal, repayment: Decimal, payments: int, frequency: str) -> LoanCost:
    periods = PERIODS_PER_YEAR[frequency]
    rate = periodic_rate(received, repayment, payments)
    with localcontext() as ctx:
        ctx.prec = _PRECISION
        annual = (1 + rate) ** periods - 1
    total = repayment * payments
    return LoanCost(
        periodic_rate=rate,
        effective_annual_rate=annual,
        total_repaid=total,
        total_cost=total - received,
        cost_share=(total - received) / received,
        periods_per_year=periods,
    )


def as_percent(fraction: Decimal, places: int = 2) -> str:
    """A fraction as a percentage string; astronomically large ones in scientific notation."""
    percent = fraction * 100
    if percent.adjusted() >= 15:
        return f"{percent:.3E}"
    return f"{percent.quantize(Decimal(1).scaleb(-places)):f}"
