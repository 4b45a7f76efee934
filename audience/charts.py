"""Bar charts drawn on the server as SVG: role="img" with a <title> and <desc>, so a screen reader announces what
the chart shows; the numbers themselves are always in the table beside it. No script, no library."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

BAR_HEIGHT = 22
GAP = 8
LABEL_WIDTH = 190
BAR_AREA = 360
VALUE_WIDTH = 110
MAX_BARS = 24
COLOUR = "#0b6b5c"
TITLE_HEIGHT = 24


@dataclass(frozen=True)
class Bar:
    label: str
    value: Decimal | int
    text: str  # the value as people read it ("1,234.00", "42")


LABEL_CHARACTERS = 26  # what fits in LABEL_WIDTH at the chart's font size; the table has the full label


def _short(label: str) -> str:
    return label if len(label) <= LABEL_CHARACTERS else label[: LABEL_CHARACTERS - 1].rstrip() + "…"


def bar_chart(*, chart_id: str, title: str, description: str, bars: list[Bar]) -> SafeString:
    """Horizontal bars, one per label (the last MAX_BARS of a long series: the table keeps every row)."""
    bars = bars[-MAX_BARS:]
    # The title is drawn too, for sighted readers (inside role="img" only <title> and <desc> are announced).
    height = TITLE_HEIGHT + max(len(bars), 1) * (BAR_HEIGHT + GAP) + GAP
    width = LABEL_WIDTH + BAR_AREA + VALUE_WIDTH
    largest = max((abs(bar.value) for bar in bars), default=0) or 1
    rows = []
    for index, bar in enumerate(bars):
        y = TITLE_HEIGHT + GAP + index * (BAR_HEIGHT + GAP)
        length = round(BAR_AREA * max(bar.value, 0) / largest, 1)
        rows.append(
            (
                LABEL_WIDTH - 8,
                y + BAR_HEIGHT * 0.7,
                _short(bar.label),
                LABEL_WIDTH,
                y,
                length,
                BAR_HEIGHT,
                COLOUR,
                LABEL_WIDTH + length + 6,
                y + BAR_HEIGHT * 0.7,
                bar.text,
            )
        )
    body = format_html_join(
        "",
        '<text x="{}" y="{}" text-anchor="end">{}</text>'
        '<rect x="{}" y="{}" width="{}" height="{}" fill="{}"/>'
        '<text x="{}" y="{}">{}</text>',
        rows,
    )
    if not bars:
        body = format_html('<text x="{}" y="{}">No data yet</text>', GAP, TITLE_HEIGHT + GAP + BAR_HEIGHT * 0.7)
    return format_html(
        '<svg class="audience-chart" role="img" aria-labelledby="{id}-title {id}-desc" width="{w}" height="{h}" '
        'viewBox="0 0 {w} {h}" xmlns="http://www.w3.org/2000/svg" font-size="13" fill="currentColor">'
        '<title id="{id}-title">{title}</title><desc id="{id}-desc">{desc}</desc>'
        '<text x="0" y="16" font-weight="bold">{title}</text>{body}</svg>',
        id=chart_id,
        w=width,
        h=height,
        title=title,
        desc=description,
        body=body,
    )


def describe(bars: list[Bar], *, unit: str) -> str:
    """A sentence a screen reader can speak in place of the picture."""
    if not bars:
        return "No data yet."
    shown = bars[-MAX_BARS:]
    top = max(shown, key=lambda bar: bar.value)
    parts = "; ".join(f"{bar.label}: {bar.text}" for bar in shown)
    return f"{len(shown)} bars of {unit}. Highest: {top.label}, {top.text}. {parts}."
