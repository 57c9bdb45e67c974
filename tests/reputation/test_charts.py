"""SVG geometry from numbers."""

from __future__ import annotations

import datetime as dt

import pytest

from vrm.reputation.charts import distribution_chart, trend_chart


def test_distribution_bars_scale_to_the_largest_count() -> None:
    chart = distribution_chart((1, 0, 2, 4, 8), width=360)
    assert [b.label for b in chart.bars] == ["5 stars", "4 stars", "3 stars", "2 stars", "1 star"]
    room = 360 - 40 - 56
    assert chart.bars[0].width == room and chart.bars[1].width == room / 2
    assert chart.bars[3].width == 0 and chart.bars[4].width == room / 8
    assert [b.y for b in chart.bars] == [5.0, 33.0, 61.0, 89.0, 117.0]
    assert chart.height == 140 and "15 public reviews" in chart.desc and "5 stars: 8" in chart.desc


def test_distribution_with_no_reviews_draws_empty_bars() -> None:
    chart = distribution_chart((0, 0, 0, 0, 0))
    assert all(b.width == 0 for b in chart.bars) and "0 public reviews" in chart.desc


def test_trend_line_breaks_at_empty_months_and_maps_ratings() -> None:
    months = [dt.date(2026, m, 1) for m in range(1, 5)]
    chart = trend_chart(
        [(months[0], 2, 5.0), (months[1], 0, None), (months[2], 4, 1.0), (months[3], 1, 3.0)],
        width=428,
        height=224,
    )
    # plot: left 28, right 8 → slot 98; top 10, bottom 200 → rating 5 at y=10, 1 at y=200
    assert chart.dots == ((77.0, 10.0), (273.0, 200.0), (371.0, 105.0))
    assert chart.lines == ("77.0,10.0", "273.0,200.0 371.0,105.0")
    tallest = chart.bars[2]
    assert tallest.height == pytest.approx(190 * 0.45) and tallest.y == pytest.approx(200 - 85.5)
    assert chart.bars[1].height == 0 and chart.max_count == 4
    assert dict(chart.rating_ticks) == {1: 200.0, 2: 152.5, 3: 105.0, 4: 57.5, 5: 10.0}
    assert chart.month_ticks[-1] == ("Apr 2026", 371.0)
    assert "7 reviews" in chart.desc and "January 2026" in chart.desc


def test_trend_with_no_months() -> None:
    chart = trend_chart([])
    assert chart.bars == () and chart.lines == () and chart.max_count == 0


def test_trend_marks_sit_at_their_month_and_stay_inside():
    months = [(dt.date(2026, m, 1), 3, 3.0) for m in range(1, 7)]
    chart = trend_chart(
        months,
        marks=[
            (dt.date(2026, 2, 14), "early"),
            (dt.date(2026, 6, 2), "late"),
            (dt.date(2025, 1, 1), "gone"),
        ],
    )
    early, late = chart.marks
    assert early.x == chart.bars[1].label_x and early.anchor == "start"
    assert late.x == chart.bars[5].label_x and late.anchor == "end"
    assert late.text_y > early.text_y and "Marked: early." in chart.desc
