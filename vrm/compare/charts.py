"""The comparison chart, pure: each supplier's monthly average rating over the same
months, one line per supplier. Lines differ by dash pattern as well as colour (CSS
classes chart-series-N), so the chart reads in greyscale; templates only draw this."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

LEFT, RIGHT, TOP, LEGEND_ROW = 28.0, 8.0, 10.0, 18.0


@dataclass(frozen=True)
class Series:
    index: int  # 0..3: picks the CSS class, hence colour and dash
    label: str
    lines: tuple[str, ...]  # polyline points, split where a month had no reviews
    dots: tuple[tuple[float, float], ...]
    legend_y: float


@dataclass(frozen=True)
class LinesChart:
    width: int
    height: int
    series: tuple[Series, ...]
    rating_ticks: tuple[tuple[int, float], ...]
    month_ticks: tuple[tuple[str, float], ...]
    legend_top: float
    title: str
    desc: str


def comparison_chart(
    months: Sequence[dt.date],
    means: Sequence[tuple[str, Sequence[float | None]]],
    width: int = 640,
    plot_height: int = 200,
) -> LinesChart:
    """MEANS: (label, the average rating per month, None where there were no reviews)."""
    bottom = plot_height - 24.0
    span = bottom - TOP
    slot = (width - LEFT - RIGHT) / max(1, len(months))
    legend_top = float(plot_height)
    series = []
    for index, (label, values) in enumerate(means):
        lines: list[str] = []
        dots: list[tuple[float, float]] = []
        current: list[str] = []
        for position, mean in enumerate(values):
            if mean is None:
                if current:
                    lines.append(" ".join(current))
                current = []
                continue
            point = (round(LEFT + (position + 0.5) * slot, 2), round(_y(mean, span), 2))
            dots.append(point)
            current.append(f"{point[0]},{point[1]}")
        if current:
            lines.append(" ".join(current))
        series.append(
            Series(index, label, tuple(lines), tuple(dots), legend_top + LEGEND_ROW * (index + 1))
        )
    step = max(1, len(months) // 4)
    month_ticks = tuple(
        (months[i].strftime("%b %Y"), round(LEFT + (i + 0.5) * slot, 2))
        for i in range(len(months) - 1, -1, -step)
    )[::-1]
    first = months[0].strftime("%B %Y") if months else ""
    last = months[-1].strftime("%B %Y") if months else ""
    names = ", ".join(label for label, _ in means)
    return LinesChart(
        width=width,
        height=int(legend_top + LEGEND_ROW * (len(means) + 1)),
        series=tuple(series),
        rating_ticks=tuple((r, round(_y(r, span), 2)) for r in range(1, 6)),
        month_ticks=month_ticks,
        legend_top=legend_top,
        title="Average rating by month",
        desc=(
            f"From {first} to {last}, the average rating of each month's reviews for "
            f"{names}, on a scale of 1 to 5; a line breaks where a month had no reviews."
        ),
    )


def _y(rating: float, span: float) -> float:
    """Rating 5 at the top of the plot, 1 at the bottom."""
    return TOP + span * (5.0 - rating) / 4.0
