"""Small charts drawn on the server as SVG, so a page shows them with no script and no library.

Only shapes and text with presentation attributes: the site's CSP allows no inline style.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.utils.html import escape


@dataclass(frozen=True)
class Column:
    label: str  # under the column ("ene", "02/26")
    value: Decimal  # the column's height; a negative value hangs below the zero line
    title: str = ""  # read by screen readers and shown on a long press: the formatted value


def column_chart_svg(
    columns: list[Column],
    *,
    title: str,
    width: int = 320,
    height: int = 160,
    fill: str = "#0b6e4f",
    negative_fill: str = "#a01d1d",
) -> str:
    """A column per value, labelled underneath; scales to its box (``width`` is the viewBox).

    Every label is drawn when they fit (12 months on a 320-unit box do); otherwise every
    second one.
    """
    if not columns:
        return ""
    top = max([c.value for c in columns] + [Decimal(0)])
    bottom = min([c.value for c in columns] + [Decimal(0)])
    span = float(top - bottom) or 1.0
    label_h, pad_top = 16, 6
    plot_h = height - label_h - pad_top
    step = width / len(columns)

    def y(value: Decimal) -> float:
        return pad_top + plot_h * (1 - float(value - bottom) / span)

    zero = y(Decimal(0))
    every = 1 if step >= 22 else 2
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'role="img" aria-label="{escape(title)}" preserveAspectRatio="xMidYMid meet">',
        f"<title>{escape(title)}</title>",
    ]
    for i, column in enumerate(columns):
        x = i * step + step * 0.15
        top_y, bottom_y = sorted((y(column.value), zero))
        colour = negative_fill if column.value < 0 else fill
        parts.append(
            f'<rect x="{x:.1f}" y="{top_y:.1f}" width="{step * 0.7:.1f}" '
            f'height="{max(bottom_y - top_y, 0.5 if column.value else 0):.1f}" fill="{colour}">'
            f"<title>{escape(column.label)}: {escape(column.title)}</title></rect>"
        )
        if i % every == 0:
            parts.append(
                f'<text x="{i * step + step / 2:.1f}" y="{height - 4}" font-size="10" '
                f'text-anchor="middle" fill="#5b6475">{escape(column.label)}</text>'
            )
    parts.append(
        f'<line x1="0" x2="{width}" y1="{zero:.1f}" y2="{zero:.1f}" stroke="#5b6475" '
        'stroke-width="1"/>'
    )
    parts.append("</svg>")
    return "".join(parts)
