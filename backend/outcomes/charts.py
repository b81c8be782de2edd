"""Small SVG charts made on the server: the same markup serves the page, the dashboard and the
PDF. Each scales to the width of its box (a viewBox and width 100%), so it fits a phone."""

from html import escape

WIDTH, BAR_HEIGHT, GAP, LABEL_WIDTH = 360, 20, 6, 140
GREEN, GREY, INK, MUTED = "#0b6e4f", "#d9dde4", "#1d2430", "#5b6475"


def _svg(width: int, height: int, label: str, body: list[str]) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'width="100%" role="img" '
        f'aria-label="{escape(label)}" font-family="DejaVu Sans, sans-serif" font-size="12">'
        + "".join(body)
        + "</svg>"
    )


def bar_chart_svg(bars: list[tuple[str, int | float | None, str]], label: str = "") -> str:
    """Horizontal bars of (name, value, text); a withheld value (None) is a grey stub with its
    mark ("<5" or "x") beside it."""
    shown = [v for _, v, _ in bars if v is not None]
    top = max(shown) if shown else 1
    height = len(bars) * (BAR_HEIGHT + GAP) + GAP
    parts = []
    for i, (name, value, text) in enumerate(bars):
        y = GAP + i * (BAR_HEIGHT + GAP)
        parts.append(f'<text x="0" y="{y + 14}" fill="{INK}">{escape(name[:22])}</text>')
        if value is None:
            parts.append(
                f'<rect x="{LABEL_WIDTH}" y="{y}" width="24" height="{BAR_HEIGHT}" fill="{GREY}"/>'
            )
            parts.append(
                f'<text x="{LABEL_WIDTH + 30}" y="{y + 14}" fill="{MUTED}">{escape(text)}</text>'
            )
            continue
        w = 0 if top == 0 else (WIDTH - LABEL_WIDTH - 60) * float(value) / float(top)
        parts.append(
            f'<rect x="{LABEL_WIDTH}" y="{y}" width="{w:.1f}" height="{BAR_HEIGHT}" '
            f'fill="{GREEN}"/>'
        )
        parts.append(f'<text x="{LABEL_WIDTH + w + 4:.1f}" y="{y + 14}">{escape(text)}</text>')
    return _svg(WIDTH, height, label, parts)


def column_chart_svg(
    columns: list[tuple[tuple[str, str], int | None, str]], label: str = ""
) -> str:
    """Vertical columns over time, ((period, year), value, text); withheld periods show a stub
    and their mark, periods not made yet a dash."""
    width, chart_h, top_pad, bottom = 320, 70, 16, 34
    n = max(len(columns), 1)
    slot = width / n
    shown = [v for _, v, _ in columns if v is not None]
    top = max(shown) if shown else 1
    parts = [
        f'<line x1="0" y1="{top_pad + chart_h}" x2="{width}" y2="{top_pad + chart_h}" '
        f'stroke="{GREY}"/>'
    ]
    for i, ((period, year), value, text) in enumerate(columns):
        x = i * slot + slot * 0.2
        w = slot * 0.6
        mid = i * slot + slot / 2
        if value is None:
            h, fill = 4.0, GREY
        else:
            h, fill = (0 if top == 0 else chart_h * float(value) / float(top)), GREEN
        y = top_pad + chart_h - h
        parts.append(
            f'<rect x="{x:.1f}" y="{y:.1f}" width="{w:.1f}" height="{h:.1f}" fill="{fill}"/>'
        )
        parts.append(
            f'<text x="{mid:.1f}" y="{y - 4:.1f}" text-anchor="middle" fill="{INK}">'
            f"{escape(text)}</text>"
        )
        base = top_pad + chart_h
        parts.append(
            f'<text x="{mid:.1f}" y="{base + 14}" text-anchor="middle" fill="{MUTED}" '
            f'font-size="11">{escape(period)}</text>'
        )
        parts.append(
            f'<text x="{mid:.1f}" y="{base + 28}" text-anchor="middle" fill="{MUTED}" '
            f'font-size="10">{escape(year)}</text>'
        )
    return _svg(width, top_pad + chart_h + bottom, label, parts)


def progress_svg(value: int, target: int, label: str = "") -> str:
    """An actual against its target: a bar filled to the share reached (capped at the end)."""
    width, height = 320, 14
    share = 0.0 if target <= 0 else min(1.0, value / target)
    return _svg(
        width,
        height,
        label,
        [
            f'<rect x="0" y="0" width="{width}" height="{height}" rx="3" fill="{GREY}"/>',
            f'<rect x="0" y="0" width="{width * share:.1f}" height="{height}" rx="3" '
            f'fill="{GREEN}"/>',
        ],
    )
