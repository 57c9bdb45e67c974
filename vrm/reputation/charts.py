"""Chart shaping, pure: numbers in, SVG geometry out. Templates only draw what this returns
(rects, text positions, polyline points); colours come from CSS classes in charts.css."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Bar:
    label: str
    value: int
    x: float
    y: float
    width: float
    height: float
    label_x: float
    label_y: float
    value_x: float


@dataclass(frozen=True)
class BarChart:
    width: int
    height: int
    bars: tuple[Bar, ...]
    title: str
    desc: str


ROW = 28
BAR_HEIGHT = 18
LABEL_WIDTH = 40
VALUE_WIDTH = 56


def distribution_chart(level_counts: Sequence[int], width: int = 360) -> BarChart:
    """Horizontal bars, five stars at the top; bar length ∝ count (longest = full width)."""
    most = max(level_counts, default=0)
    room = width - LABEL_WIDTH - VALUE_WIDTH
    bars = []
    for row, level in enumerate(range(5, 0, -1)):
        count = level_counts[level - 1]
        length = room * count / most if most else 0.0
        y = row * ROW + (ROW - BAR_HEIGHT) / 2
        bars.append(
            Bar(
                label=f"{level} star{'s' if level > 1 else ''}",
                value=count,
                x=LABEL_WIDTH,
                y=y,
                width=round(length, 2),
                height=BAR_HEIGHT,
                label_x=0,
                label_y=y + BAR_HEIGHT * 0.75,
                value_x=round(LABEL_WIDTH + length + 6, 2),
            )
        )
    total = sum(level_counts)
    parts = ", ".join(f"{b.label}: {b.value}" for b in bars)
    return BarChart(
        width=width,
        height=5 * ROW,
        bars=tuple(bars),
        title="How reviewers rated them",
        desc=f"{total} public review{'s' if total != 1 else ''}. {parts}.",
    )


@dataclass(frozen=True)
class Mark:
    """A vertical rule at a month with its words (a detected shift in the ratings)."""

    x: float
    top: float
    bottom: float
    text: str
    text_x: float
    text_y: float
    anchor: str  # SVG text-anchor: the label stays inside the chart


@dataclass(frozen=True)
class TrendChart:
    width: int
    height: int
    plot_top: float
    plot_bottom: float
    bars: tuple[Bar, ...]  # review volume per month
    lines: tuple[str, ...]  # polyline points of the monthly mean rating, split at gaps
    dots: tuple[tuple[float, float], ...]
    rating_ticks: tuple[tuple[int, float], ...]  # (rating, y)
    month_ticks: tuple[tuple[str, float], ...]  # (label, x)
    max_count: int
    title: str
    desc: str
    marks: tuple[Mark, ...] = ()


def trend_chart(
    points: Sequence[tuple[dt.date, int, float | None]],
    width: int = 640,
    height: int = 220,
    marks: Sequence[tuple[dt.date, str]] = (),
) -> TrendChart:
    """Bars: reviews per month (scaled to the busiest month). Line: that month's average
    rating on a 1–5 axis, broken where a month had no reviews. MARKS (a day and words)
    become vertical rules at their month, labelled one line each from the top; a mark
    before the first month shown is left out (the page lists every shift anyway)."""
    left, right, top, bottom = 28.0, 8.0, 10.0, height - 24.0
    span = bottom - top
    slot = (width - left - right) / max(1, len(points))
    most = max((count for _, count, _ in points), default=0)
    bars: list[Bar] = []
    lines: list[str] = []
    dots: list[tuple[float, float]] = []
    current: list[str] = []
    for index, (month, count, mean) in enumerate(points):
        x = left + index * slot
        bar_height = span * 0.45 * count / most if most else 0.0
        bars.append(
            Bar(
                label=month.strftime("%b %Y"),
                value=count,
                x=round(x + slot * 0.15, 2),
                y=round(bottom - bar_height, 2),
                width=round(slot * 0.7, 2),
                height=round(bar_height, 2),
                label_x=round(x + slot / 2, 2),
                label_y=bottom + 16,
                value_x=round(x + slot / 2, 2),
            )
        )
        if mean is None:
            if current:
                lines.append(" ".join(current))
            current = []
            continue
        point = (round(x + slot / 2, 2), round(_rating_y(mean, top, span), 2))
        dots.append(point)
        current.append(f"{point[0]},{point[1]}")
    if current:
        lines.append(" ".join(current))
    ticks = tuple((r, round(_rating_y(r, top, span), 2)) for r in range(1, 6))
    step = max(1, len(points) // 4)
    month_ticks = tuple(
        (bars[i].label, bars[i].label_x) for i in range(len(points) - 1, -1, -step)
    )[::-1]
    slots = {month.replace(day=1): index for index, (month, _, _) in enumerate(points)}
    shown: list[Mark] = []
    for day, text in marks:
        marked = slots.get(day.replace(day=1))
        if marked is None:
            continue
        x = round(left + marked * slot + slot / 2, 2)
        text_y = top + 12 + 14 * len(shown)
        left_half = x < width / 2
        shown.append(Mark(x, top, bottom, text, x + 4 if left_half else x - 4, text_y,
                          "start" if left_half else "end"))  # fmt: skip
    total = sum(count for _, count, _ in points)
    first = points[0][0].strftime("%B %Y") if points else ""
    last = points[-1][0].strftime("%B %Y") if points else ""
    return TrendChart(
        width=width,
        height=height,
        plot_top=top,
        plot_bottom=bottom,
        bars=tuple(bars),
        lines=tuple(lines),
        dots=tuple(dots),
        rating_ticks=ticks,
        month_ticks=month_ticks,
        max_count=most,
        title="Reviews and average rating by month",
        desc=(
            f"From {first} to {last}: {total} reviews, at most {most} in one month. "
            "Bars show how many reviews were posted each month; the line shows their "
            "average rating from 1 to 5." + "".join(f" Marked: {m.text}." for m in shown)
        ),
        marks=tuple(shown),
    )


def _rating_y(rating: float, top: float, span: float) -> float:
    """Rating 5 at the top of the plot, 1 at the bottom."""
    return top + span * (5.0 - rating) / 4.0
