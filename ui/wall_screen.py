"""The wall screen's sizes, derived from the screen it is shown on, so that it fills a 1920×1080,
a 3840×2160 or a 3840×1080 (32:9) wall by itself, with no browser zoom to set; and its timer.

How it works. Everything is sized on one unit, `k = min(width / 1920, height / 1080)`: the 1080p
design times k. The CSS gets it from the viewport itself (the root font size is
`min(100vw / 120, 100vh / 67.5)`, 16 px at 1080p, and every size in wall.css is in rem). Plotly
and pydeck take sizes in px only, and their text sizes are set in the figure, so the server has
to know the screen: a tiny script (REPORT_SCRIPT) puts the viewport's size into the address as
`?screen=3840x2160` once and has this session redraw (a history change, not a reload: a new
session would ask a signed-in user to sign in again); it does so again if the window is resized.
Without it (the first moment, or a test without a browser) the 1080p design is drawn. `make wall SCALE=2` still
works: it zooms the browser, whose viewport is then 1920×1080 CSS px at twice the sharpness.

The heights of the fixed rows (header, metrics, headings, region boxes, alerts, the legend) are
set in wall.css from the variables that `css_variables` writes from ROWS, so the height left for
the map, the gauges and the rotating panel is known exactly and they fill the screen without
overflowing it. A screen more than 2.4 times as wide as it is tall gets three columns (map |
figures and gauges | rotating panel) instead of two.
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass

from ui import charts

DESIGN_WIDTH, DESIGN_HEIGHT = 1920, 1080
REM_PX = 16  # the root font size at 1080p, in CSS px
SMALLEST_TEXT_REM = 1.5  # 24 px at 1080p: readable from across the command room
WIDE_ASPECT = 2.4  # from here on a screen gets three columns
BAR_PITCH = 1.2  # a bar chart's row, in font sizes: no two labels touch

# The fixed rows' heights in rem (wall.css reads them as --wall-<name>); the rest is shared out.
ROWS = {
    "pad": 0.6,  # above and below the page
    "side": 1.2,  # left and right of the page
    "gap": 0.6,  # between two elements of a column
    "col-gap": 1.6,  # between two columns
    "header": 3.2,  # the title, the data's time and the clock on one line
    "alert": 3.4,  # one line of a banner or the stale-data warning
    "metrics": 6.6,  # the four key figures
    "heading": 2.4,  # a section's heading
    "region": 5.0,  # a region's box: its name, then on time/due and the rate
    "legend": 2.2,  # the map's one-line legend
    "line": 2.3,  # one line of a rotating panel's list
}


@dataclass(frozen=True)
class Screen:
    """The viewport the wall is shown in, in CSS px."""
    width: int = DESIGN_WIDTH
    height: int = DESIGN_HEIGHT

    @classmethod
    def parse(cls, value: str) -> "Screen":
        """'3840x2160' → Screen(3840, 2160); ValueError for anything else or an absurd size."""
        match = re.fullmatch(r"(\d{3,5})x(\d{3,5})", value.strip())
        if not match:
            raise ValueError(value)
        width, height = int(match[1]), int(match[2])
        if not (320 <= width <= 16384 and 240 <= height <= 16384):
            raise ValueError(value)
        return cls(width, height)

    @property
    def k(self) -> float:
        """The scale of the 1080p design on this screen (1 at 1920×1080 and at 3840×1080, 2 at 4K)."""
        return min(self.width / DESIGN_WIDTH, self.height / DESIGN_HEIGHT)

    @property
    def wide(self) -> bool:
        return self.width / self.height >= WIDE_ASPECT

    def px(self, rem: float) -> int:
        return round(rem * REM_PX * self.k)

    @property
    def font_px(self) -> int:
        """The smallest text: 24 px at 1080p, 48 px at 4K."""
        return self.px(SMALLEST_TEXT_REM)


@dataclass(frozen=True)
class Layout:
    """Where the wall's drawn parts go on one screen, in CSS px."""
    screen: Screen
    wide: bool
    columns: tuple[float, ...]  # st.columns weights
    map_size: tuple[int, int]
    gauges_size: tuple[int, int]
    panel_size: tuple[int, int]  # the rotating panel's content, under its heading

    @property
    def list_lines(self) -> int:
        """How many lines of a list fit in the rotating panel."""
        return max(3, min(12, int(self.panel_size[1] // self.screen.px(ROWS["line"]))))

    @property
    def bars(self) -> int:
        """How many bars with a readable label fit in the rotating panel."""
        return max(3, int(self.panel_size[1] // (BAR_PITCH * self.screen.font_px)))


def layout(screen: Screen, alerts: int = 0, gauges: int = 10, bars: int = 13) -> Layout:
    """The sizes for `screen` with `alerts` one-line banners or warnings above the columns, room
    for `gauges` gauges and, in the rotating panel, `bars` bars with a readable label each."""
    px = screen.px
    body_h = screen.height - 2 * px(ROWS["pad"]) - px(ROWS["header"]) - px(ROWS["gap"]) \
        - alerts * (px(ROWS["alert"]) + px(ROWS["gap"]))
    body_h -= px(0.4)  # a little slack for rounding, so the page never scrolls
    inner_w = screen.width - 2 * px(ROWS["side"])
    map_h = body_h - px(ROWS["gap"]) - px(ROWS["legend"])
    figures_h = px(ROWS["metrics"]) + px(ROWS["heading"]) + px(ROWS["region"]) + 3 * px(ROWS["gap"])
    if screen.wide:
        columns = (1.25, 1.15, 1.0)
        widths = _widths(inner_w, columns, px(ROWS["col-gap"]))
        gauges = (widths[1], body_h - figures_h)
        panel = (widths[2], body_h - px(ROWS["heading"]) - px(ROWS["gap"]))
    else:
        columns = (1.0, 1.0)
        widths = _widths(inner_w, columns, px(ROWS["col-gap"]))
        shared = body_h - figures_h - px(ROWS["heading"]) - 2 * px(ROWS["gap"])
        # the gauges as large as the column's width allows, unless the panel's bars need the room
        # (but never under 45%: below many banners the bars panel shows the longest bars only)
        ideal = charts.wall_gauges_height(gauges, widths[1], screen.font_px)
        bars_h = math.ceil(bars * BAR_PITCH * screen.font_px)
        gauges_h = max(round(shared * 0.45), min(ideal, shared - bars_h))
        gauges = (widths[1], gauges_h)
        panel = (widths[1], shared - gauges_h)
    return Layout(screen, screen.wide, columns, (widths[0], map_h), gauges, panel)


def _widths(inner_w: int, weights: tuple[float, ...], gap: int) -> list[int]:
    usable = inner_w - gap * (len(weights) - 1)
    return [round(usable * w / sum(weights)) for w in weights]


def css_variables() -> str:
    """The fixed rows' heights for wall.css, as CSS custom properties on :root."""
    return ":root { " + " ".join(f"--wall-{name}: {rem}rem;" for name, rem in ROWS.items()) + " }"


def tick_seconds(refresh: int, rotate: int) -> int:
    """How often the wall redraws: the longest period that divides the rotation interval and is
    at most the refresh interval (20 s for the default 30 and 20), never under 5 s (then the
    shortest divisor above, at most the rotation interval itself). One timer for both the data and
    the rotation: two fragments on two timers queue behind each other, and a panel shown while
    the other redraws stays up a second too long, the next a second too short."""
    divisors = [d for d in range(1, rotate + 1) if rotate % d == 0]
    return max((d for d in divisors if 5 <= d <= refresh), default=min(d for d in divisors if d >= 5))


# Puts the viewport's size into the address (?screen=WxH) and has the page redrawn, once, and again
# after a resize; never twice within five seconds, so a lost parameter cannot make it loop.
REPORT_SCRIPT = """<script>
(() => {
  if (window.__wallScreen) return;
  window.__wallScreen = true;
  const report = () => {
    const url = new URL(window.location.href), size = `${window.innerWidth}x${window.innerHeight}`;
    if (url.searchParams.get("screen") === size) return;
    const last = Number(window.sessionStorage.getItem("wallScreenAt") || 0), wait = last + 5000 - Date.now();
    if (wait > 0) { setTimeout(report, wait); return; }
    window.sessionStorage.setItem("wallScreenAt", String(Date.now()));
    url.searchParams.set("screen", size);
    // Not a reload: that would be a new session, and a signed-in user would meet the sign-in form
    // again. Streamlit reruns this session with the new address on a history change.
    window.history.replaceState(window.history.state, "", url.href);
    window.dispatchEvent(new PopStateEvent("popstate", {state: window.history.state}));
  };
  report();
  let timer;
  window.addEventListener("resize", () => { clearTimeout(timer); timer = setTimeout(report, 1000); });
})();
</script>"""
