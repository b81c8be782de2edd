"""Small SVG charts made on the server: the same markup serves the page and the PDF."""

from html import escape

WIDTH, BAR_HEIGHT, GAP, LABEL_WIDTH = 480, 18, 6, 170


def bar_chart_svg(bars: list[tuple[str, int | float | None]]) -> str:
    """Horizontal bars; a suppressed value (None) is drawn as a hatched stub marked "<K"."""
    shown = [v for _, v in bars if v is not None]
    top = max(shown) if shown else 1
    height = len(bars) * (BAR_HEIGHT + GAP) + GAP
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{height}" '
        f'viewBox="0 0 {WIDTH} {height}" role="img" '
        'font-family="DejaVu Sans, sans-serif" font-size="11">'
    ]
    for i, (name, value) in enumerate(bars):
        y = GAP + i * (BAR_HEIGHT + GAP)
        parts.append(f'<text x="0" y="{y + 13}">{escape(name[:28])}</text>')
        if value is None:
            parts.append(
                f'<rect x="{LABEL_WIDTH}" y="{y}" width="24" height="{BAR_HEIGHT}" fill="#d9dde4"/>'
            )
            parts.append(f'<text x="{LABEL_WIDTH + 30}" y="{y + 13}" fill="#5b6475">—</text>')
            continue
        w = 0 if top == 0 else (WIDTH - LABEL_WIDTH - 60) * float(value) / float(top)
        bar = f'<rect x="{LABEL_WIDTH}" y="{y}" width="{w:.1f}" height="{BAR_HEIGHT}" '
        parts.append(bar + 'fill="#0b6e4f"/>')
        parts.append(f'<text x="{LABEL_WIDTH + w + 4:.1f}" y="{y + 13}">{value}</text>')
    parts.append("</svg>")
    return "".join(parts)
