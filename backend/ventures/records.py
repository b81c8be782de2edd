"""The business record: a PDF the owner shows a lender or a programme, verifiable by its code."""

from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from backend.lib.codes import verification_code
from backend.lib.money import to_string
from backend.lib.pdf import render_pdf
from backend.lib.qr import qr_svg_data_uri

from .models import SECTOR_CHOICES, BusinessRecord, Method, Venture, VentureDay, VentureMonth

CHART_W, CHART_H, PAD = 520, 170, 28


def monthly_rows(venture: Venture) -> list[dict[str, Any]]:
    months = VentureMonth.objects.filter(venture=venture, entries__gt=0).order_by("month")
    return [
        {
            "month": m.month,
            "sales": m.sales,
            "expenses": m.expenses,
            "margin": m.sales - m.expenses,
            "active_days": m.active_days,
        }
        for m in months
    ]


def chart_svg(rows: list[dict[str, Any]]) -> str:
    """Monthly sales as bars and margin as a line, drawn here so the PDF needs no script."""
    if not rows:
        return ""
    top = max([r["sales"] for r in rows] + [abs(r["margin"]) for r in rows] + [Decimal(1)])
    bottom = min([r["margin"] for r in rows] + [Decimal(0)])
    span = float(top - bottom) or 1.0
    step = (CHART_W - PAD) / len(rows)

    def y(value: Decimal) -> float:
        return PAD / 2 + (CHART_H - PAD) * (1 - float(value - bottom) / span)

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{CHART_W}" height="{CHART_H}" '
        f'viewBox="0 0 {CHART_W} {CHART_H}">',
        f'<line x1="{PAD}" x2="{CHART_W}" y1="{y(Decimal(0)):.1f}" y2="{y(Decimal(0)):.1f}" '
        'stroke="#5b6475" stroke-width="0.6"/>',
    ]
    points = []
    for i, row in enumerate(rows):
        x = PAD + i * step
        parts.append(
            f'<rect x="{x + step * 0.15:.1f}" y="{y(row["sales"]):.1f}" width="{step * 0.7:.1f}" '
            f'height="{max(y(Decimal(0)) - y(row["sales"]), 0):.1f}" fill="#9fd3c1"/>'
        )
        points.append(f"{x + step / 2:.1f},{y(row['margin']):.1f}")
        if i % max(len(rows) // 9, 1) == 0:
            parts.append(
                f'<text x="{x + step / 2:.1f}" y="{CHART_H - 2}" font-size="8" '
                f'text-anchor="middle">{escape(row["month"].strftime("%m/%y"))}</text>'
            )
    parts.append(
        f'<polyline points="{" ".join(points)}" fill="none" stroke="#0b6e4f" stroke-width="2"/>'
    )
    parts.append("</svg>")
    return "".join(parts)


def payment_mix(venture: Venture) -> list[dict[str, Any]]:
    totals = VentureDay.objects.filter(venture=venture).aggregate(
        **{m.value: Sum(f"sales_{m.value}") for m in Method}
    )
    whole = sum((v or Decimal(0)) for v in totals.values()) or Decimal(1)
    return [
        {
            "label": m.label,
            "amount": to_string(totals[m.value] or Decimal(0), venture.currency),
            "share": round(float((totals[m.value] or 0) / whole * 100)),
        }
        for m in Method
        if totals[m.value]
    ]


def normalise_code(raw: str) -> str:
    """What a person typed from paper ("7kq4 m2xd 9b") in the stored form ("7KQ4-M2XD-9B")."""
    chars = "".join(ch for ch in raw.upper() if ch.isalnum())[:20]
    return "-".join(chars[i : i + 4] for i in range(0, len(chars), 4))


@transaction.atomic
def issue_record(*, venture: Venture) -> bytes:
    rows = monthly_rows(venture)
    total = to_string(sum((r["sales"] for r in rows), Decimal(0)), venture.currency)
    record = BusinessRecord.objects.create(
        venture=venture, code=verification_code(), months=len(rows), total_sales=Decimal(total)
    )
    verify_url = settings.SITE_URL + reverse("ventures_verify", args=[record.code])
    context = {
        "venture": venture,
        "sector": dict(SECTOR_CHOICES).get(venture.sector, venture.sector),
        "record": record,
        "issued_on": timezone.localdate(),
        "rows": [
            r | {k: to_string(r[k], venture.currency) for k in ("sales", "expenses", "margin")}
            for r in rows
        ],
        "total_sales": total,
        "chart": chart_svg(rows),
        "mix": payment_mix(venture),
        "verify_url": verify_url,
        "qr": qr_svg_data_uri(verify_url, scale=3),
    }
    return render_pdf(
        "ventures/business_record_pdf.html", context, language=venture.owner.preferred_language
    )
