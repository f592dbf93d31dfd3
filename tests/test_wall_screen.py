"""ui/wall_screen.py: the wall's sizes add up to the screen it is shown on, its type grows with the
screen, and its one timer divides the rotation interval. (The browser checks of the same things
are in tests/browser/test_wall_screen.py.)"""
from __future__ import annotations

import pytest

from ui import wall_screen
from ui.wall_screen import ROWS, Screen, layout, tick_seconds


@pytest.mark.parametrize("value,expected", [("1920x1080", (1920, 1080)), ("3840x2160", (3840, 2160)),
                                            (" 3840x1080 ", (3840, 1080))])
def test_screen_parses_the_size_the_page_reports(value, expected):
    assert Screen.parse(value) == Screen(*expected)


@pytest.mark.parametrize("value", ["", "1920", "1920x", "x1080", "-1920x1080", "1920×1080", "10x10", "99999x1080",
                                   "1920x1080&lang=en", "![x](http://127.0.0.1/x.png)"])
def test_screen_refuses_anything_else(value):
    with pytest.raises(ValueError):
        Screen.parse(value)


@pytest.mark.parametrize("screen,k,font_px,wide", [(Screen(1920, 1080), 1, 24, False), (Screen(3840, 2160), 2, 48, False),
                                                   (Screen(3840, 1080), 1, 24, True), (Screen(2560, 1440), 4 / 3, 32, False)])
def test_type_grows_with_the_screen(screen, k, font_px, wide):
    assert screen.k == pytest.approx(k) and screen.font_px == font_px and screen.wide is wide


@pytest.mark.parametrize("screen", [Screen(1920, 1080), Screen(3840, 2160), Screen(3840, 1080)])
@pytest.mark.parametrize("alerts", [0, 1, 4])
def test_the_columns_add_up_to_the_screen(screen, alerts):
    """What the page draws in each column (fixed rows from ROWS, charts from the layout) fills the
    screen's height to within 1% and never more."""
    plan = layout(screen, alerts)
    px = screen.px
    above = 2 * px(ROWS["pad"]) + px(ROWS["header"]) + px(ROWS["gap"]) + alerts * (px(ROWS["alert"]) + px(ROWS["gap"]))
    map_column = plan.map_size[1] + px(ROWS["gap"]) + px(ROWS["legend"])
    figures = px(ROWS["metrics"]) + px(ROWS["heading"]) + plan.gauges_size[1] + px(ROWS["region"]) + 3 * px(ROWS["gap"])
    panel = px(ROWS["heading"]) + px(ROWS["gap"]) + plan.panel_size[1]
    columns = [map_column, figures, panel] if plan.wide else [map_column, figures + px(ROWS["gap"]) + panel]
    for height in columns:
        assert 0.99 * screen.height <= above + height <= screen.height
    assert sum(w for w in (plan.map_size[0], plan.gauges_size[0])) < screen.width
    assert plan.wide == (len(plan.columns) == 3)


def test_the_rotating_panel_has_room_for_every_bar_on_a_plain_screen():
    for screen in (Screen(1920, 1080), Screen(3840, 2160)):
        assert layout(screen).bars >= 13  # the delta's ten units and the three other regions


def test_css_variables_carry_every_row():
    css = wall_screen.css_variables()
    assert all(f"--wall-{name}: {rem}rem;" in css for name, rem in ROWS.items())


@pytest.mark.parametrize("refresh,rotate,tick", [(30, 20, 20), (5, 20, 5), (10, 20, 10), (5, 6, 6), (30, 7, 7),
                                                 (30, 5, 5), (15, 60, 15), (25, 60, 20)])
def test_one_timer_divides_the_rotation(refresh, rotate, tick):
    assert tick_seconds(refresh, rotate) == tick
    assert rotate % tick == 0 and tick >= 5
