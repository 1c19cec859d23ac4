"""The timeline figure, built by pure functions from an events frame (see ``data``).

Granularity is drawn honestly: a day (or a time) is a point; a week, month, quarter, year ...
is a bar over the whole period, with a tick at its middle that carries the hover, so "this
year" never looks like January 1. Events not on a calendar are not drawn (the page lists them).

Scale: up to ``MAX_POINTS`` events are drawn one by one with WebGL traces; above that, the view
shows counts (per lane and day, week or month, whichever suits the span shown) and the page asks
for a fresh figure when the reader zooms in, so a browser never receives 100,000 markers.
"""

from __future__ import annotations

import html
import math
from collections.abc import Sequence

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from dashboard.data import NO_ACTOR, POINT_GRANULARITIES, dated

MAX_POINTS = 5000
MAX_LANES = 30
# Okabe-Ito, then a few more: distinct for colour-blind readers, readable on white.
PALETTE = (
    "#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#8C6D1F", "#000000",
    "#7F3C8D", "#3969AC", "#11A579", "#E73F74",
)
COUNT_COLOUR = "#4C5B6B"
OTHER_LANE = "Other"
_DAY = pd.Timedelta(days=1)
_HOVER = (
    "%{customdata[1]}<br><b>%{customdata[2]}</b> · written “%{customdata[3]}”"
    "<br><i>%{customdata[4]}</i><extra></extra>"
)


# The columns of a view that ``build_figure`` reads.
FIGURE_COLUMNS = ("key", "doc", "colour", "date", "lo", "hi", "granularity", "event",
                  "timex_text", "actor_list")


def colour(index: int) -> str:
    return PALETTE[int(index) % len(PALETTE)]


def lane_rows(frame: pd.DataFrame, lanes: str) -> pd.DataFrame:
    """``frame`` with a ``lane`` column: the document, or each actor (one row per actor)."""
    if lanes == "actor":
        rows = frame.assign(lane=[a if a else (NO_ACTOR,) for a in frame["actor_list"]])
        return rows.explode("lane")
    return frame.assign(lane=frame["doc"])


def lane_order(rows: pd.DataFrame, max_lanes: int = MAX_LANES) -> list[str]:
    """Lanes top to bottom: the busiest ``max_lanes - 1`` (all when they fit), in order of
    their first date; the rest share an ``Other`` lane at the bottom."""
    if rows.empty:
        return []
    sizes = rows.groupby("lane", sort=False).size().sort_values(ascending=False, kind="stable")
    kept = list(sizes.index) if len(sizes) <= max_lanes else list(sizes.index[: max_lanes - 1])
    first = rows[rows["lane"].isin(kept)].groupby("lane")["lo"].min()
    ordered = sorted(kept, key=lambda lane: (first.get(lane, pd.NaT) is pd.NaT,
                                             first.get(lane), str(lane)))
    if len(sizes) > len(kept):
        ordered.append(OTHER_LANE)
    return ordered


def build_figure(
    view: pd.DataFrame,
    *,
    lanes: str = "document",
    xrange: Sequence | None = None,
    selected: str | None = None,
    max_points: int = MAX_POINTS,
    max_lanes: int = MAX_LANES,
    uirevision: str | None = None,
    empty_message: str = "No events to show",
    order: Sequence[str] | None = None,
) -> go.Figure:
    """The figure for the events in ``view``.

    ``xrange`` (two dates) is the span the reader zoomed to: events outside it are left out
    and the choice between single events and counts is made on what is inside. ``order``
    gives the lanes when they are known already (``view`` holding only the zoomed span of a
    larger one). The figure's ``layout.meta`` says what was drawn: ``{"lanes": [...], "mode":
    "events"|"counts", "shown": n, "bin": "day"|"week"|"month"|None}``.
    """
    rows = lane_rows(dated(view), lanes)
    order = lane_order(rows, max_lanes) if order is None else list(order)
    fig = draw(place(rows, order), order, lanes=lanes, xrange=xrange, max_points=max_points,
               uirevision=uirevision, empty_message=empty_message)
    if selected is not None:
        x, y = highlight_points(view, selected, order, lanes)
        fig.data[0].x, fig.data[0].y = x, y
    return fig


def place(rows: pd.DataFrame, order: Sequence[str]) -> pd.DataFrame:
    """``rows`` (with a ``lane``) on the lanes of ``order``: lanes not in it become ``Other``,
    ``y`` is the lane's position and ``mid`` where the event is drawn."""
    if not len(rows):
        return rows
    rows = rows.assign(lane=rows["lane"].where(rows["lane"].isin(order), OTHER_LANE))
    return rows.assign(y=rows["lane"].map({lane: i for i, lane in enumerate(order)}),
                       mid=_middles(rows))


def draw(
    rows: pd.DataFrame,
    order: Sequence[str],
    *,
    lanes: str = "document",
    xrange: Sequence | None = None,
    max_points: int = MAX_POINTS,
    uirevision: str | None = None,
    empty_message: str = "No events to show",
    shown: int | None = None,
) -> go.Figure:
    """The figure of ``rows`` placed on ``order`` (see ``place``), without a chosen event.

    A row is one event on one lane, or, when the rows have a column ``n``, ``n`` events on
    the same lane and period (so a store can hand over the counts of a view too large to
    fetch; such rows are drawn as counts). ``shown`` is how many events the rows hold
    (default: their distinct ``key``s).
    """
    traces = [_highlight_trace()]
    focus = None
    if xrange and len(rows):
        x0, x1 = (pd.Timestamp(x) for x in xrange)
        rows = rows[(rows["hi"] + _DAY > x0) & (rows["lo"] <= x1)]
    elif len(rows):
        focus = focus_range(rows)
    if shown is None:
        shown = int(rows["key"].nunique()) if len(rows) else 0
    mode, unit, overview_top = "events", None, None
    if len(rows):
        overview_top = _add_overview(traces, rows)
    if int(_weights(rows).sum()) > max_points:
        mode = "counts"
        unit = _bin_unit(rows, xrange or focus)
        _add_counts(traces, rows, unit, lanes)
    elif len(rows):
        _add_events(traces, rows, step=min(0.12, 12 / _lane_pixels(len(order))))
    # The traces are built here, as plain data: validated again, value by value, as a figure
    # takes them, they took half the figure's time.
    fig = go.Figure(data=traces, _validate=False)
    _layout(fig, order, uirevision)
    if overview_top is not None:
        fig.update_xaxes(rangeslider={"yaxis": {"rangemode": "fixed", "range": [0, overview_top]}})
    if len(rows):  # the slider spans every event shown, whatever the view
        fig.update_xaxes(rangeslider={"autorange": False, "range": [
            rows["lo"].min().isoformat(), (rows["hi"].max() + _DAY).isoformat()]})
    if focus is not None:
        fig.update_xaxes(range=[x.isoformat() for x in focus])
        outside = int(_weights(rows)[(rows["mid"] < focus[0]) | (rows["mid"] > focus[1])].sum())
        if outside:
            fig.add_annotation(
                text=f"{outside:,} more outside this view: drag the slider below, or "
                     "double-click to see all",
                xref="paper", yref="paper", x=1.0, y=1.0, yanchor="bottom", xanchor="right",
                showarrow=False, font={"size": 12, "color": "#444"},
            )
    fig.update_layout(meta={"lanes": list(order), "mode": mode, "shown": shown, "bin": unit})
    if mode == "counts":
        fig.add_annotation(
            text=f"{shown:,} events shown as counts per {unit}: "
                 "zoom in or filter to see each one",
            xref="paper", yref="paper", x=0, y=1.0, yanchor="bottom", xanchor="left",
            showarrow=False, font={"size": 12, "color": "#444"},
        )
    if not order:
        fig.add_annotation(text=empty_message, xref="paper", yref="paper", x=0.5, y=0.5,
                           showarrow=False, font={"size": 16, "color": "#666"})
        fig.update_xaxes(visible=False, rangeslider={"visible": False})
        fig.update_layout(yaxis2={"visible": False})
    return fig


def _weights(rows: pd.DataFrame) -> pd.Series:
    """How many events each row stands for (one, unless the rows are counts)."""
    return rows["n"] if "n" in rows else pd.Series(1, index=rows.index, dtype="int64")


def _count(rows: pd.DataFrame) -> tuple[str, str]:
    """The aggregation that counts the events of a group of rows."""
    return ("n", "sum") if "n" in rows else ("lane", "size")


def focus_range(rows: pd.DataFrame) -> tuple[pd.Timestamp, pd.Timestamp] | None:
    """Where most events are, when a few far-off dates ("the 11th century") would squeeze
    them into a sliver: the 10th to 90th percentile of their middles (``mid``), padded. None
    when the whole span is already a fair view; the range slider always shows everything."""
    middles = rows["mid"]
    first, last = rows["lo"].min(), rows["hi"].max() + _DAY
    if "n" in rows:
        low, high = (weighted_quantile(middles, rows["n"], q) for q in (0.10, 0.90))
    else:
        low, high = middles.quantile(0.10), middles.quantile(0.90)
    pad = max(pd.Timedelta(days=30), (high - low) * 0.15)
    low, high = max(first, low - pad), min(last, high + pad)
    if (high - low) > (last - first) * 0.5:
        return None
    return low.normalize(), high.normalize() + _DAY


def weighted_quantile(values: pd.Series, weights: pd.Series, q: float):
    """``values.quantile(q)`` as if each value were there ``weights`` times (linear
    interpolation between the two nearest ranks, as pandas does)."""
    order = np.argsort(values.to_numpy(), kind="stable")
    ordered = values.iloc[order]
    ends = np.cumsum(weights.to_numpy()[order])  # the rank after each value's last copy
    rank = (int(ends[-1]) - 1) * q
    below = math.floor(rank)

    def at(n: int):
        return ordered.iloc[int(np.searchsorted(ends, n, side="right"))]

    low, high = at(below), at(min(below + 1, int(ends[-1]) - 1))
    return low + (high - low) * (rank - below)


def highlight_points(view: pd.DataFrame, key: str, order: Sequence[str],
                     lanes: str) -> tuple[list, list]:
    """Where the ring marking the chosen event goes (several places in actor lanes)."""
    hit = view[view["key"] == key]
    if hit.empty or hit["lo"].isna().all():
        return [], []
    rows = lane_rows(hit, lanes)
    index = {lane: i for i, lane in enumerate(order)}
    xs, ys = [], []
    for lane, middle in zip(rows["lane"], _middles(rows), strict=True):
        y = index.get(lane, index.get(OTHER_LANE))
        if y is not None:
            xs.append(middle.isoformat())
            ys.append(y)
    return xs, ys


def _middles(rows: pd.DataFrame) -> pd.Series:
    """Where each event is drawn: a day at its noon, a period at its middle."""
    point = rows["granularity"].isin(POINT_GRANULARITIES)
    noon = rows["lo"] + pd.Timedelta(hours=12)
    middle = rows["lo"] + (rows["hi"] + _DAY - rows["lo"]) / 2
    return noon.where(point, middle)


def _gl(**properties) -> dict:
    """A WebGL trace, as data (see ``draw``); columns as arrays, as validation made them."""
    return {"type": "scattergl", **{name: value.to_numpy() if isinstance(value, pd.Series)
                                    else value for name, value in properties.items()}}


def _highlight_trace() -> dict:
    # WebGL like the events, so the range slider (which draws only SVG traces) leaves it out
    return _gl(
        x=[], y=[], yaxis="y2", mode="markers", name="chosen", showlegend=False, hoverinfo="skip",
        marker={"symbol": "circle-open", "size": 22, "color": "#111", "line": {"width": 3}},
    )


def _spread(rows: pd.DataFrame, by: list[str], step: float, width: int) -> np.ndarray:
    """Small vertical offsets so events on the same lane and date do not hide each other."""
    rank = rows.groupby(by, sort=False).cumcount().to_numpy()
    return (rank % width - (width - 1) / 2) * step


def _height(lanes: int) -> int:
    return min(900, max(300, 150 + 34 * lanes))


def _lane_pixels(lanes: int) -> float:
    return (_height(lanes) - 130) / max(1, lanes)


def _add_events(traces: list, rows: pd.DataFrame, step: float = 0.12) -> None:
    points = rows[rows["granularity"].isin(POINT_GRANULARITIES)]
    spans = rows[~rows["granularity"].isin(POINT_GRANULARITIES)]
    if len(spans):
        spans = spans.assign(y=spans["y"] + _spread(spans, ["y"], step, 5))
        for slot, group in spans.groupby(spans["colour"] % len(PALETTE), sort=True):
            xs, ys = _segments(group["lo"], group["hi"], group["y"])
            traces.append(_gl(
                yaxis="y2", x=xs, y=ys, mode="lines", line={"width": 9, "color": colour(slot)},
                opacity=0.45, hoverinfo="skip", showlegend=False, name="periods",
            ))
        traces.append(_gl(
            yaxis="y2", x=spans["mid"],
            y=spans["y"], mode="markers", name="periods",
            marker={"symbol": "line-ns-open", "size": 14, "line": {"width": 2},
                    "color": [colour(c) for c in spans["colour"].tolist()]},
            customdata=_customdata(spans), hovertemplate=_HOVER, showlegend=False,
        ))
    if len(points):
        points = points.assign(y=points["y"] + _spread(points, ["y", "lo"], step, 5))
        traces.append(_gl(
            yaxis="y2", x=points["mid"],
            y=points["y"], mode="markers", name="days",
            marker={"size": 10, "color": [colour(c) for c in points["colour"].tolist()],
                    "line": {"width": 1, "color": "white"}},
            customdata=_customdata(points), hovertemplate=_HOVER, showlegend=False,
        ))


def _days(values: pd.Series) -> np.ndarray:
    """Timestamps as ISO days ("2023-09-13"): what Plotly reads, in a third of the bytes of
    the default "2023-09-13T00:00:00.000000"."""
    return np.datetime_as_string(values.to_numpy().astype("datetime64[D]"), unit="D")


def _segments(lo: pd.Series, hi: pd.Series, y: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """One line per period, from its first day to the end of its last, broken by gaps."""
    xs = np.full(3 * len(lo), None, dtype=object)
    ys = np.full(3 * len(lo), None, dtype=object)
    xs[0::3], xs[1::3] = _days(lo), _days(hi + _DAY)
    ys[0::3] = ys[1::3] = y.to_numpy()
    return xs, ys


def _customdata(rows: pd.DataFrame) -> np.ndarray:
    """Per event: key, description, resolved date, expression, document (HTML-escaped:
    Plotly reads a few tags in hover text, and an article must never inject any)."""
    def clean(values, limit):
        return [html.escape(_cut(str(v), limit)) for v in values]

    # as lists first: iterating pandas' Arrow strings one by one is several times slower
    when = [_when(d, g) for d, g in zip(rows["date"].tolist(), rows["granularity"].tolist(),
                                        strict=True)]
    # fixed-width strings, not Python objects: the figure copies its arrays, and an array of
    # objects is copied one string at a time
    return np.column_stack([
        rows["key"].tolist(), clean(rows["event"].tolist(), 140), clean(when, 60),
        clean(rows["timex_text"].tolist(), 60), clean(rows["doc"].tolist(), 80),
    ]).astype(str)


def _when(value: str, granularity) -> str:
    return f"{value} ({granularity})" if granularity and granularity != "day" else value


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _bin_unit(rows: pd.DataFrame, xrange) -> str:
    if xrange:
        span = (pd.Timestamp(xrange[1]) - pd.Timestamp(xrange[0])).days
    else:
        span = (rows["hi"].max() - rows["lo"].min()).days
    if span > 3 * 365:
        return "month"
    if span > 120:
        return "week"
    return "day"


def _bin_start(days: pd.Series, unit: str) -> pd.Series:
    if unit == "year":
        return days.dt.to_period("Y").dt.start_time
    if unit == "month":
        return days.dt.to_period("M").dt.start_time
    if unit == "week":
        return days - pd.to_timedelta(days.dt.day_of_week, unit="D")
    return days


def _add_counts(traces: list, rows: pd.DataFrame, unit: str, lanes: str) -> None:
    points = rows[rows["granularity"].isin(POINT_GRANULARITIES)]
    spans = rows[~rows["granularity"].isin(POINT_GRANULARITIES)]
    by_doc = lanes != "actor"
    if len(spans):
        groups = spans.groupby(["y", "lo", "hi"], sort=False).agg(
            n=_count(spans), colour=("colour", "first"), lane=("lane", "first"),
            granularity=("granularity", "first")).reset_index()
        xs, ys = _segments(groups["lo"], groups["hi"], groups["y"])
        traces.append(_gl(
            yaxis="y2", x=xs, y=ys, mode="lines", line={"width": 9, "color": COUNT_COLOUR},
            opacity=0.35, hoverinfo="skip", showlegend=False, name="periods",
        ))
        traces.append(_gl(
            yaxis="y2", x=groups["lo"] + (groups["hi"] + _DAY - groups["lo"]) / 2, y=groups["y"],
            mode="markers", name="periods",
            marker={"symbol": "line-ns-open", "size": 14, "line": {"width": 2},
                    "color": [colour(c) if by_doc else COUNT_COLOUR for c in groups["colour"]]},
            customdata=np.column_stack([
                groups["n"].map("{:,}".format),
                [f"{lo:%Y-%m-%d} – {hi:%Y-%m-%d}" for lo, hi in zip(groups["lo"],
                                                                   groups["hi"], strict=True)],
                [html.escape(_cut(str(lane), 80)) for lane in groups["lane"]],
            ]),
            hovertemplate="<b>%{customdata[0]} events</b> over %{customdata[1]}"
                          "<br><i>%{customdata[2]}</i><extra></extra>",
            showlegend=False,
        ))
    if len(points):
        binned = points.assign(bin=_bin_start(points["lo"], unit))
        groups = binned.groupby(["y", "bin"], sort=False).agg(
            n=_count(binned), colour=("colour", "first"), lane=("lane", "first"),
        ).reset_index()
        half = {"month": pd.Timedelta(days=15), "week": pd.Timedelta(days=3.5)}.get(
            unit, pd.Timedelta(hours=12))
        traces.append(_gl(
            yaxis="y2", x=groups["bin"] + half, y=groups["y"], mode="markers", name="counts",
            marker={"size": [min(28.0, 6 + 3 * math.sqrt(n)) for n in groups["n"]],
                    "color": [colour(c) if by_doc else COUNT_COLOUR for c in groups["colour"]],
                    "opacity": 0.75, "line": {"width": 0}},
            customdata=np.column_stack([
                groups["n"].map("{:,}".format), [_bin_label(b, unit) for b in groups["bin"]],
                [html.escape(_cut(str(lane), 80)) for lane in groups["lane"]],
            ]),
            hovertemplate="<b>%{customdata[0]} events</b> in %{customdata[1]}"
                          "<br><i>%{customdata[2]}</i><extra></extra>",
            showlegend=False,
        ))


def _add_overview(traces: list, rows: pd.DataFrame) -> float:
    """A small count-over-time line for the range slider (which draws only SVG traces). It
    lives on the hidden primary y axis, whose range keeps it out of the main plot; the lanes
    are on ``y2``. Returns the top of the slider's y range."""
    middles = rows["mid"]
    span = (middles.max() - middles.min()).days
    # The slider is about a thousand pixels wide: more bins than that only add bytes.
    unit = ("day" if span <= 1000 else "week" if span <= 7000 else "month" if span <= 30000
            else "year")
    bins = _bin_start(middles.dt.normalize(), unit)
    counts = _weights(rows).groupby(bins).sum()
    # zeros in between, so quiet periods read as quiet
    every = {"year": "YS", "month": "MS", "week": "W-MON", "day": "D"}[unit]
    counts = counts.reindex(pd.date_range(bins.min(), bins.max(), freq=every), fill_value=0)
    traces.append({
        "type": "scatter", "x": _days(counts.index.to_series()), "y": counts.to_numpy(),
        "yaxis": "y", "mode": "lines", "name": "overview",
        "line": {"width": 1, "color": COUNT_COLOUR, "shape": "hvh"}, "fill": "tozeroy",
        "hoverinfo": "skip", "showlegend": False,
    })
    return float(counts.max()) * 1.15 if len(counts) else 1.0


def _bin_label(start: pd.Timestamp, unit: str) -> str:
    if unit == "month":
        return f"{start:%B %Y}"
    if unit == "week":
        return f"the week of {start:%Y-%m-%d}"
    return f"{start:%Y-%m-%d}"


def _layout(fig: go.Figure, order: Sequence[str], uirevision: str | None) -> None:
    height = _height(len(order))
    fig.update_layout(
        height=height, margin={"l": 10, "r": 20, "t": 36, "b": 10},
        plot_bgcolor="white", paper_bgcolor="white", hovermode="closest",
        dragmode="zoom", uirevision=uirevision or "timeline", showlegend=False,
        font={"family": "system-ui, -apple-system, Segoe UI, sans-serif", "size": 12},
        hoverlabel={"align": "left", "namelength": -1},
    )
    fig.update_xaxes(
        type="date", showgrid=True, gridcolor="#eee",
        rangeslider={"visible": True, "thickness": 0.07, "bgcolor": "#f7f8fa",
                     "bordercolor": "#d5dbe1", "borderwidth": 1},
        showline=True, linecolor="#bbb",
    )
    fig.update_layout(
        yaxis={"visible": False, "range": [-2, -1], "fixedrange": True},  # the overview's
        yaxis2={
            "overlaying": "y", "side": "left", "anchor": "x",
            "tickmode": "array", "tickvals": list(range(len(order))),
            "ticktext": [html.escape(_cut(str(lane), 36)) for lane in order],
            "range": [len(order) - 0.5, -0.5], "fixedrange": True, "showgrid": True,
            "gridcolor": "#f2f2f2", "zeroline": False, "automargin": True,
        },
    )


def figure_html(fig: go.Figure, title: str = "timeline") -> str:
    """The figure as one standalone interactive HTML page (Plotly's JavaScript inlined, so it
    opens without a network)."""
    fig = go.Figure(fig)
    fig.update_layout(title={"text": html.escape(title), "x": 0.01})
    fig.update_layout(margin={"t": 60})
    return fig.to_html(include_plotlyjs=True, full_html=True,
                       config={"displaylogo": False, "scrollZoom": True})
