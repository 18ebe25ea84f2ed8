"""Layout arithmetic of the exports: column widths from the longest word, and the map view that shows an extent
whole in a frame of any shape."""

from __future__ import annotations

import math

import pytest

from dashboard.exports import mapview, textfit

EMU_IN = 914400


def test_words_break_at_spaces_and_optionally_after_a_slash():
    assert textfit.words("Mitrovicë e Jugut/Južna Mitrovica") == ["Mitrovicë", "e", "Jugut/Južna", "Mitrovica"]
    assert textfit.words("Jugut/Južna", break_after_slash=True) == ["Jugut/", "Južna"]


def test_bold_and_larger_text_is_wider():
    assert textfit.text_width_pt("Committed", 12, bold=True) > textfit.text_width_pt("Committed", 12)
    assert textfit.text_width_pt("Committed", 24) == pytest.approx(2 * textfit.text_width_pt("Committed", 12), rel=0.02)


def test_column_widths_keep_every_word_whole_and_follow_the_weights():
    columns = ("Project", "Committed", "Disbursed")
    rows = (("A long project title about water", "USD 2.03m", "USD 1.49m"),)
    total = int(8 * EMU_IN)
    widths, size = textfit.column_widths(columns, rows, total, 12, weights=(10, 1, 1))
    assert sum(widths) == total and size == 12
    for name, width in zip(columns, widths, strict=True):
        assert width >= textfit.text_width_pt(name, 12, bold=True) * textfit.EMU_PER_PT
    assert widths[1] < widths[0]  # the weights still share what is left


def test_column_widths_step_the_font_down_when_words_cannot_fit():
    columns = ("Municipality", "Committed", "Disbursed", "Implementing")
    widths, size = textfit.column_widths(columns, (), int(3.2 * EMU_IN), 14)
    assert size < 14
    for name, width in zip(columns, widths, strict=True):
        assert width >= textfit.text_width_pt(name, size, bold=True) * textfit.EMU_PER_PT


def test_extent_covers_the_points_with_a_minimum_span():
    west, south, east, north = mapview.extent([20.86, 20.87], [42.88, 42.89])
    assert west < 20.86 and east > 20.87 and south < 42.88 and north > 42.89
    assert east - west >= mapview.MIN_SPAN_DEG
    assert mapview.extent([], []) == mapview.KOSOVO
    assert mapview.extent([float("nan")], [float("nan")]) == mapview.KOSOVO


def _pixel(lon: float, lat: float, center: dict, zoom: float, width: float, height: float) -> tuple[float, float]:
    """Where MapLibre draws (lon, lat) in a width x height map at center/zoom (Web Mercator, 512 px tiles)."""
    world = 512 * 2**zoom

    def xy(lo, la):
        s = math.sin(math.radians(la))
        return (lo + 180) / 360 * world, (0.5 - math.log((1 + s) / (1 - s)) / (4 * math.pi)) * world

    cx, cy = xy(center["lon"], center["lat"])
    x, y = xy(lon, lat)
    return width / 2 + x - cx, height / 2 + y - cy


@pytest.mark.parametrize(("width", "height"), [(1280, 576), (1190, 538), (1786, 829), (600, 900)])
def test_fit_shows_the_extent_whole_inside_the_padding_and_fills_one_side(width, height):
    box = mapview.KOSOVO
    padding = (16, 110, 16, 300)
    center, zoom = mapview.fit(box, width, height, padding)
    corners = [_pixel(lon, lat, center, zoom, width, height) for lon in box[::2] for lat in box[1::2]]
    xs, ys = [c[0] for c in corners], [c[1] for c in corners]
    assert min(xs) >= padding[3] - 0.5 and max(xs) <= width - padding[1] + 0.5
    assert min(ys) >= padding[0] - 0.5 and max(ys) <= height - padding[2] + 0.5
    # tight on at least one axis: no larger zoom would still fit
    assert max(xs) - min(xs) == pytest.approx(width - 110 - 300, abs=1) or max(ys) - min(ys) == pytest.approx(
        height - 32, abs=1
    )
