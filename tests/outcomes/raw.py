"""What a reader must never see in a report: program internals instead of words and numbers."""

import re

RAW = re.compile(
    r"[{}]"  # a dict printed as it is stored
    r"|\bNone\b|__total__"
    r"|\d{4}-\d{2}-\d{2}"  # an ISO date or timestamp instead of a written date
    r"|\b[a-z]+_[a-z_]+\b"  # a code such as mean_gain, by_currency, refugee_migrant
    r"|\bcalendar\b|\bprimary\b|\bcomplementary\b"
)


def raw_bits(text: str) -> list[str]:
    return sorted({m.group(0) for m in RAW.finditer(text)})
