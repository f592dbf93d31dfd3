"""The briefs' charts as PNG images, drawn with matplotlib's Agg backend and a Chinese font found
on this machine (nothing is fetched).

A brief is printed, mailed and pasted into other documents, so its charts are static images, not
Plotly. They are byte-for-byte reproducible: fixed size and resolution, no creation software or
date in the PNG, and `matplotlib.figure.Figure` rather than pyplot, so nothing global is touched
(the Streamlit server draws briefs for several sessions at once).
"""
from __future__ import annotations

import io
from functools import lru_cache

from matplotlib import font_manager
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from ledger.i18n import Refusal

# The first of these that is installed draws the Chinese; Debian's fonts-noto-cjk gives the first.
CJK_FONTS = ("Noto Sans CJK SC", "Source Han Sans SC", "Noto Sans SC", "WenQuanYi Zen Hei", "SimHei",
             "Microsoft YaHei")
WIDTH_IN, DPI = 7.2, 150  # 1080 px wide: sharp on paper at the width of a Word page's text
THIS_COLOUR, PREVIOUS_COLOUR = "#c8102e", "#a7b0ba"
ON_TIME_COLOUR, LATE_COLOUR, OVERDUE_COLOUR = "#2e7d32", "#f0a202", "#c8102e"


class ChartFontMissing(Refusal):
    """No Chinese font is installed: charts would show empty boxes instead of characters."""


def _first_listed() -> str | None:
    available = {entry.name for entry in font_manager.fontManager.ttflist}
    return next((name for name in CJK_FONTS if name in available), None)


def _list_fonts_installed_since() -> None:
    """Add to matplotlib's list the system's font files it did not know of."""
    known = {entry.fname for entry in font_manager.fontManager.ttflist}
    for path in set(font_manager.findSystemFonts()) - known:
        try:
            font_manager.fontManager.addfont(path)
        except (OSError, RuntimeError, ValueError):
            continue  # a file matplotlib cannot read is not a font we need


@lru_cache(maxsize=1)
def cjk_font() -> str:
    """The first of CJK_FONTS installed. matplotlib lists the fonts it found when it first ran
    (cached under ~/.cache/matplotlib), so a font installed since, as the refusal asks, is
    looked for among the system's font files before refusing."""
    found = _first_listed()
    if found is None:
        _list_fonts_installed_since()
        found = _first_listed()
    if found is None:
        raise ChartFontMissing("msg.brief.no_font")
    return found


def _figure(height_in: float) -> Figure:
    figure = Figure(figsize=(WIDTH_IN, height_in), dpi=DPI, layout="constrained")
    FigureCanvasAgg(figure)
    return figure


def _png(figure: Figure) -> bytes:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=DPI, metadata={"Software": None})
    return buffer.getvalue()


def _style(axes, title: str) -> None:
    font = cjk_font()
    axes.set_title(title, fontfamily=font, fontsize=12, loc="left")
    for label in axes.get_xticklabels() + axes.get_yticklabels():
        label.set_fontfamily(font)
    axes.spines[["top", "right"]].set_visible(False)
    axes.tick_params(labelsize=9)


def compare_bars(labels: list[str], this: list[int], previous: list[int], this_label: str, previous_label: str,
                 title: str) -> bytes:
    """Horizontal bars, this period beside the previous one, first label at the top."""
    figure, axes, rows = _bar_rows(len(labels))
    height = 0.38
    this_bars = axes.barh([r + height / 2 for r in rows], this, height, color=THIS_COLOUR, label=this_label)
    axes.barh([r - height / 2 for r in rows], previous, height, color=PREVIOUS_COLOUR, label=previous_label)
    axes.bar_label(this_bars, padding=2, fontsize=8)
    return _finished(figure, axes, rows, labels, title, margin=0.08, legend_columns=2)


def verification_bars(units: list[str], on_time: list[int], late: list[int], overdue: list[int],
                      rates: list[float | None], labels: tuple[str, str, str], title: str) -> bytes:
    """Items due per unit, split into verified on time, verified late and still unverified, with
    the on-time rate at the end of each bar."""
    figure, axes, rows = _bar_rows(len(units))
    left = [0] * len(units)
    for values, colour, label in zip((on_time, late, overdue), (ON_TIME_COLOUR, LATE_COLOUR, OVERDUE_COLOUR), labels):
        axes.barh(rows, values, 0.6, left=left, color=colour, label=label)
        left = [a + b for a, b in zip(left, values)]
    for row, total, rate in zip(rows, left, rates):
        axes.text(total, row, "  —" if rate is None else f"  {rate:.1f}%", va="center", fontsize=8)
    return _finished(figure, axes, rows, units, title, margin=0.12, legend_columns=3)


def _bar_rows(n: int):
    """A figure tall enough for `n` horizontal bars, its axes, and the bars' rows, first at the top."""
    figure = _figure(1.0 + 0.38 * max(n, 1))
    return figure, figure.add_subplot(), list(range(n))[::-1]


def _finished(figure, axes, rows: list[int], labels: list[str], title: str, margin: float, legend_columns: int) -> bytes:
    """A chart of horizontal bars made ready: one labelled row per bar, whole numbers on the axis,
    room at the right for the labels, the legend under it, as PNG."""
    axes.set_yticks(rows, labels)
    axes.xaxis.get_major_locator().set_params(integer=True)
    axes.margins(x=margin)
    figure.legend(prop={"family": cjk_font(), "size": 9}, frameon=False, loc="outside lower center", ncols=legend_columns)
    _style(axes, title)
    return _png(figure)
