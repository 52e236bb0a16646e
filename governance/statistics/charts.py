"""Server-rendered SVG charts of the statistics (the page and the bilan's PDF share them).

No JavaScript and no network: each function returns an ``<svg>`` string (marked safe) with a
``<title>`` and a ``<desc>`` referenced by ``aria-labelledby``; the page always puts the table of
the same figures beside the chart. A masked value ("< 5", "≥ 5") is drawn as an empty bar
labelled with its text, never as a guessed height.
"""

import itertools
from html import escape

from django.utils.safestring import mark_safe

# DSFR palette: blue France, then illustrative colours with enough contrast on white.
COLOURS = ("#000091", "#c9191e", "#18753c", "#b34000", "#695240", "#6e445a")
_ids = itertools.count(1)

WIDTH = 640
HEIGHT = 260
MARGIN_LEFT = 44
MARGIN_BOTTOM = 54
MARGIN_TOP = 16


def _number(value):
    return value if isinstance(value, int | float) and not isinstance(value, bool) else None


def _short(text, length):
    """Shorten a label before escaping it (never cut an entity in two)."""
    text = str(text)
    return text if len(text) <= length else text[: length - 1] + "…"


def _scale_max(values):
    top = max([v for v in values if v is not None] or [0])
    if top <= 5:
        return 5
    magnitude = 10 ** (len(str(int(top))) - 1)
    return ((int(top) // magnitude) + 1) * magnitude


def _frame(title, desc, body, width, height, legend=""):
    uid = next(_ids)
    # Safe: every text inserted above is escaped (ruff S308, bandit B308/B703).
    return mark_safe(  # noqa: S308  # nosec B308 B703
        f'<svg xmlns="http://www.w3.org/2000/svg" class="passerelle-chart" role="img" '
        f'viewBox="0 0 {width} {height}" width="100%" '
        f'aria-labelledby="chart-{uid}-title chart-{uid}-desc" '
        f'font-family="Marianne, Arial, sans-serif" font-size="11">'
        f'<title id="chart-{uid}-title">{escape(str(title))}</title>'
        f'<desc id="chart-{uid}-desc">{escape(str(desc))}</desc>'
        f"{body}{legend}</svg>"
    )


def _axes(top, width, height):
    plot_height = height - MARGIN_TOP - MARGIN_BOTTOM
    parts = []
    for step in range(0, 6):
        value = top * step / 5
        y = height - MARGIN_BOTTOM - plot_height * step / 5
        label = f"{value:g}"
        parts.append(
            f'<line x1="{MARGIN_LEFT}" x2="{width - 8}" y1="{y:.1f}" y2="{y:.1f}" '
            f'stroke="#ddd" stroke-width="1"/>'
            f'<text x="{MARGIN_LEFT - 6}" y="{y + 4:.1f}" text-anchor="end" fill="#3a3a3a">'
            f"{label}</text>"
        )
    return "".join(parts), plot_height


def _legend(series_names, width, height):
    if len(series_names) < 2:
        return ""
    parts = []
    x = MARGIN_LEFT
    for index, name in enumerate(series_names):
        colour = COLOURS[index % len(COLOURS)]
        parts.append(
            f'<rect x="{x}" y="{height - 14}" width="10" height="10" fill="{colour}"/>'
            f'<text x="{x + 14}" y="{height - 5}" fill="#161616">{escape(str(name))}</text>'
        )
        x += 24 + 7 * len(str(name))
    return "".join(parts)


def bar_chart(title, labels, series, *, desc="", width=WIDTH, height=HEIGHT):
    """Vertical bars. ``series``: {name: [value per label]} (one or several, grouped)."""
    names = list(series)
    values = [v for name in names for v in series[name]]
    top = _scale_max([_number(v) for v in values])
    grid, plot_height = _axes(top, width, height)
    plot_width = width - MARGIN_LEFT - 8
    group = plot_width / max(len(labels), 1)
    bar = max(min(group * 0.8 / max(len(names), 1), 48), 2)
    bottom = height - MARGIN_BOTTOM
    parts = [grid]
    for i, label in enumerate(labels):
        x0 = MARGIN_LEFT + i * group + (group - bar * len(names)) / 2
        for s, name in enumerate(names):
            value = series[name][i]
            x = x0 + s * bar
            number = _number(value)
            colour = COLOURS[s % len(COLOURS)]
            if number is None:
                parts.append(
                    f'<rect x="{x:.1f}" y="{bottom - 12}" width="{bar - 1:.1f}" height="12" '
                    f'fill="none" stroke="{colour}" stroke-dasharray="2 2"/>'
                    f'<text x="{x + bar / 2:.1f}" y="{bottom - 16}" text-anchor="middle" '
                    f'fill="#3a3a3a">{escape(str(value))}</text>'
                )
                continue
            h = plot_height * number / top if top else 0
            parts.append(
                f'<rect x="{x:.1f}" y="{bottom - h:.1f}" width="{bar - 1:.1f}" height="{h:.1f}" '
                f'fill="{colour}"><title>{escape(str(label))} — {escape(str(name))} : '
                f"{number:g}</title></rect>"
            )
        parts.append(
            f'<text x="{MARGIN_LEFT + i * group + group / 2:.1f}" y="{bottom + 14}" '
            f'text-anchor="middle" fill="#161616">{escape(_short(label, 14))}</text>'
        )
    parts.append(
        f'<line x1="{MARGIN_LEFT}" x2="{width - 8}" y1="{bottom}" y2="{bottom}" stroke="#161616"/>'
    )
    return _frame(
        title, desc or title, "".join(parts), width, height, _legend(names, width, height)
    )


def line_chart(title, labels, series, *, desc="", width=WIDTH, height=HEIGHT):
    """Lines with points (e.g. by month). Masked values break the line."""
    names = list(series)
    top = _scale_max([_number(v) for name in names for v in series[name]])
    grid, plot_height = _axes(top, width, height)
    plot_width = width - MARGIN_LEFT - 24
    step = plot_width / max(len(labels) - 1, 1)
    bottom = height - MARGIN_BOTTOM
    parts = [grid]
    for s, name in enumerate(names):
        colour = COLOURS[s % len(COLOURS)]
        segment = []
        segments = [segment]
        for i, value in enumerate(series[name]):
            number = _number(value)
            x = MARGIN_LEFT + 8 + i * step
            if number is None:
                segment = []
                segments.append(segment)
                parts.append(
                    f'<text x="{x:.1f}" y="{bottom - 4}" text-anchor="middle" fill="{colour}">'
                    f"{escape(str(value))}</text>"
                )
                continue
            y = bottom - (plot_height * number / top if top else 0)
            segment.append(f"{x:.1f},{y:.1f}")
            parts.append(
                f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3" fill="{colour}">'
                f"<title>{escape(str(labels[i]))} — {escape(str(name))} : {number:g}</title>"
                "</circle>"
            )
        for points in segments:
            if len(points) > 1:
                parts.append(
                    f'<polyline points="{" ".join(points)}" fill="none" stroke="{colour}" '
                    f'stroke-width="2"/>'
                )
    for i, label in enumerate(labels):
        parts.append(
            f'<text x="{MARGIN_LEFT + 8 + i * step:.1f}" y="{bottom + 14}" text-anchor="middle" '
            f'fill="#161616">{escape(_short(label, 10))}</text>'
        )
    parts.append(
        f'<line x1="{MARGIN_LEFT}" x2="{width - 8}" y1="{bottom}" y2="{bottom}" stroke="#161616"/>'
    )
    return _frame(
        title, desc or title, "".join(parts), width, height, _legend(names, width, height)
    )
