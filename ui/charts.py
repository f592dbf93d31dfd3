"""Plotly figures shared by the pages: one look (fonts, colours, margins) for every chart.

Figures are built from query frames and return `go.Figure`; pages pass them to st.plotly_chart.
Plotly's JavaScript is bundled with Streamlit, so nothing is fetched from outside.
"""
from __future__ import annotations

from datetime import datetime, timedelta

import plotly.graph_objects as go
import polars as pl

FONT = "Noto Sans CJK SC, Source Han Sans SC, Microsoft YaHei, PingFang SC, sans-serif"
GREEN, AMBER, RED, GREY = "#2e7d32", "#f29d0a", "#c8102e", "#9e9e9e"
# a qualitative palette that stays distinguishable for up to 10 series (Tableau 10)
SERIES = ["#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948", "#b07aa1", "#ff9da7", "#9c755f", "#bab0ac"]


def styled(figure: go.Figure, height: int, legend: bool = True) -> go.Figure:
    figure.update_layout(height=height, margin=dict(l=10, r=10, t=40, b=10), font=dict(family=FONT, size=14),
                         showlegend=legend, legend=dict(orientation="h", y=-0.15), hovermode="x unified",
                         plot_bgcolor="white", colorway=SERIES)
    figure.update_xaxes(gridcolor="#eeeeee")
    figure.update_yaxes(gridcolor="#eeeeee", rangemode="tozero")
    return figure


def band_colour(rate_pct: float | None, green_pct: float, amber_pct: float) -> str:
    if rate_pct is None:
        return GREY
    return GREEN if rate_pct >= green_pct else AMBER if rate_pct >= amber_pct else RED


def band_name(rate_pct: float | None, green_pct: float, amber_pct: float) -> str:
    """The band as a Streamlit Markdown colour (:green[…]), for text beside a bar."""
    if rate_pct is None:
        return "gray"
    return "green" if rate_pct >= green_pct else "orange" if rate_pct >= amber_pct else "red"


def _gauge(rate_pct: float | None, green_pct: float, amber_pct: float, big: bool) -> go.Indicator:
    return go.Indicator(
        mode="gauge+number", value=rate_pct if rate_pct is not None else 0,
        number=dict(suffix="%", valueformat=".1f", font=dict(size=44 if big else 28,
                                                             color=band_colour(rate_pct, green_pct, amber_pct))),
        gauge=dict(
            axis=dict(range=[0, 100], tickvals=[0, amber_pct, green_pct], tickfont=dict(size=11)),
            bar=dict(color=band_colour(rate_pct, green_pct, amber_pct), thickness=0.35),
            steps=[dict(range=[0, amber_pct], color="#fbe3e6"), dict(range=[amber_pct, green_pct], color="#fdf0d5"),
                   dict(range=[green_pct, 100], color="#e3f1e4")],
            threshold=dict(line=dict(color="#333333", width=2), thickness=0.8, value=100),
        ),
    )


def gauge_grid(rows: list[dict], green_pct: float, amber_pct: float, columns: int = 5,
               height_per_row: int = 210) -> go.Figure:
    """One gauge per row of `rows` (dicts with `title` and `rate_pct`) in a grid, each titled
    above. The cells are make_subplots' (horizontal spacing 0.2 / columns, vertical 0.22), placed
    here in one figure: make_subplots builds a grid object and validates every trace added to it,
    which took 140 ms of the verification page's run for the 22 units."""
    n_rows = max(1, -(-len(rows) // columns))
    across, down = 0.2 / columns, 0.22
    width, height = (1 - across * (columns - 1)) / columns, (1 - down * (n_rows - 1)) / n_rows
    gauges, titles = [], []
    for i, row in enumerate(rows):
        r, c = divmod(i, columns)
        left, top = c * (width + across), 1 - r * (height + down)
        gauge = _gauge(row["rate_pct"], green_pct, amber_pct, big=False)
        gauge.domain = dict(x=[left, min(1.0, left + width)], y=[max(0.0, top - height), top])  # no float overshoot
        gauges.append(gauge)
        titles.append(dict(text=row["title"], x=left + width / 2, y=top, xref="paper", yref="paper",
                           xanchor="center", yanchor="bottom", showarrow=False, font=dict(size=15)))
    figure = go.Figure(data=gauges, layout=dict(annotations=titles))
    figure = styled(figure, height=n_rows * height_per_row + 30, legend=False)
    return figure.update_layout(margin=dict(l=28, r=28))  # room for the outer gauges' 0 and 95 ticks


def single_gauge(title: str, rate_pct: float | None, green_pct: float, amber_pct: float) -> go.Figure:
    figure = go.Figure(_gauge(rate_pct, green_pct, amber_pct, big=True))
    figure.update_layout(title=dict(text=title, x=0.5, xanchor="center", font=dict(size=18)))
    return styled(figure, height=260, legend=False).update_layout(margin=dict(l=28, r=28))  # the 0 and 95 ticks


def lines(frame: pl.DataFrame, x: str, y: str, series: str, y_title: str, height: int = 360,
          emphasised: str | None = None, dash: dict[str, str] | None = None, x_format: str | None = None) -> go.Figure:
    """One line per value of `series`; `emphasised` drawn thick and dark, `dash` gives dash styles."""
    figure = go.Figure()
    for name in frame[series].unique(maintain_order=True).to_list():
        part = frame.filter(pl.col(series) == name)
        is_main = name == emphasised
        figure.add_trace(go.Scatter(
            x=part[x].to_list(), y=part[y].to_list(), name=str(name), mode="lines+markers",
            line=dict(width=4 if is_main else 1.8, color="#222222" if is_main else None,
                      dash=(dash or {}).get(name, "solid")),
            marker=dict(size=5 if is_main else 3)))
    figure.update_yaxes(title_text=y_title)
    if x_format:
        figure.update_xaxes(tickformat=x_format, hoverformat=x_format)
    return styled(figure, height)


def stacked_bars(frame: pl.DataFrame, x: str, y: str, series: str, y_title: str, height: int = 380) -> go.Figure:
    figure = go.Figure()
    for name in frame[series].unique(maintain_order=True).to_list():
        part = frame.filter(pl.col(series) == name)
        figure.add_trace(go.Bar(x=part[x].to_list(), y=part[y].to_list(), name=str(name)))
    figure.update_layout(barmode="stack")
    figure.update_yaxes(title_text=y_title)
    return styled(figure, height)


def horizontal_bars(labels: list[str], values: dict[str, list[float]], x_title: str, height: int = 380) -> go.Figure:
    """Grouped horizontal bars: one group per label, one bar per entry of `values`."""
    figure = go.Figure()
    for name, numbers in values.items():
        figure.add_trace(go.Bar(y=labels, x=numbers, name=name, orientation="h"))
    figure.update_yaxes(autorange="reversed", rangemode="normal")
    figure.update_xaxes(title_text=x_title)
    # The legend above the bars: below, it sat on the axis title.
    return styled(figure, height).update_layout(barmode="group", hovermode="y unified",
                                                legend=dict(orientation="h", y=1.0, yanchor="bottom", x=0))


_GAUGE_TITLE, _GAUGE_GAP = 2.7, 0.5  # a wall gauge's two-line title and the air around it, in font sizes


def wall_gauges_height(n: int, width: int, font_px: int, columns: int = 5) -> int:
    """The height at which `n` wall gauges, `columns` across `width` px, are as large as the
    width allows (taller only adds air)."""
    row = (width / columns - _GAUGE_GAP * font_px) / 2 + (_GAUGE_TITLE + _GAUGE_GAP) * font_px
    return round(-(-n // columns) * row)


def wall_gauges(rows: list[dict], green_pct: float, amber_pct: float, width: int, height: int,
                font_px: int) -> go.Figure:
    """The wall screen's gauges, laid out for a chart of `width`×`height` px whose smallest text is
    `font_px`. Rows are dicts with `name`, `count` and `rate_pct`. Each cell is a two-line title
    (the place, then on time/due: long English names get a line of their own) over its gauge.
    The band edges are marked on the arc but not labelled: at a readable size the two labels
    collide with each other and with the next gauge; the heading says where the bands lie.

    The number of columns is the one that draws the largest gauges in this box (five across a
    16:9 wall's column, four in the taller column of a 32:9 wall). Domains are placed by hand,
    not by make_subplots, whose spacing is a fraction of the figure and so cannot keep a title
    clear of the gauge above it."""
    title_h, gap = _GAUGE_TITLE * font_px, _GAUGE_GAP * font_px

    def radius(columns: int) -> float:
        n_rows = -(-len(rows) // columns)
        return min((width / columns - gap) / 2, height / n_rows - title_h - gap)

    columns = max(range(2, 7), key=radius)
    n_rows = -(-len(rows) // columns)
    cell_w, cell_h = width / columns, height / n_rows
    figure = go.Figure()
    for i, row in enumerate(rows):
        r, c = divmod(i, columns)
        in_row = min(columns, len(rows) - r * columns)
        left = (c + (columns - in_row) / 2) * cell_w  # a short last row is centred
        top = height - r * cell_h
        colour = band_colour(row["rate_pct"], green_pct, amber_pct)
        figure.add_trace(go.Indicator(
            mode="gauge+number", value=row["rate_pct"] if row["rate_pct"] is not None else 0,
            domain=dict(x=[(left + gap / 2) / width, (left + cell_w - gap / 2) / width],
                        y=[max(0.0, (top - cell_h + gap) / height), (top - title_h) / height]),
            number=dict(suffix="%", valueformat=".1f", font=dict(size=max(font_px, round(0.33 * radius(columns))),
                                                                 color=colour)),
            gauge=dict(
                axis=dict(range=[0, 100], tickvals=[amber_pct, green_pct], showticklabels=False, ticks="outside",
                          ticklen=round(font_px / 3), tickwidth=3, tickcolor="#e8eef7"),
                bar=dict(color=colour, thickness=0.35),
                steps=[dict(range=[0, amber_pct], color="#fbe3e6"), dict(range=[amber_pct, green_pct], color="#fdf0d5"),
                       dict(range=[green_pct, 100], color="#e3f1e4")]),
        ))
        figure.add_annotation(text=f"{row['name']}<br>{row['count']}", x=(left + cell_w / 2) / width, y=top / height,
                              xref="paper", yref="paper", xanchor="center", yanchor="top", showarrow=False,
                              font=dict(size=font_px))
    figure.update_layout(height=height, margin=dict(l=0, r=0, t=0, b=0), font=dict(family=FONT, size=font_px),
                         showlegend=False)
    return figure


def for_wall(figure: go.Figure, font_px: int = 24) -> go.Figure:
    """The same figure for the dark wall screen: light text on a transparent ground, no text
    smaller than `font_px` (the wall derives it from the screen's size)."""
    figure.update_layout(template="plotly_dark", paper_bgcolor="rgba(0,0,0,0)", plot_bgcolor="rgba(0,0,0,0)",
                         font=dict(family=FONT, size=font_px, color="#e8eef7"))
    figure.update_annotations(font=dict(color="#e8eef7"))
    figure.update_xaxes(gridcolor="#26344d", tickfont=dict(size=font_px))
    figure.update_yaxes(gridcolor="#26344d", tickfont=dict(size=font_px))
    return figure


def mark_under_way(figure: go.Figure, under_way, label: str) -> go.Figure:
    """Shade the period still under way (ledger.periods.under_way: the period and its days so far)
    and say so above it, so that its smaller bar or lower rate is not read as a fall. Bars and
    points of a period are drawn at its first day: the shading spans half a period either side."""
    if under_way is None:
        return figure
    period, _ = under_way
    half = (period.last - period.first + timedelta(days=1)) / 2
    first = datetime.combine(period.first, datetime.min.time())
    return figure.add_vrect(x0=first - half, x1=first + half, fillcolor="#9e9e9e", opacity=0.15, line_width=0,
                            layer="below", annotation_text=label, annotation_position="top",
                            annotation_font=dict(size=13, color="#555555"))
