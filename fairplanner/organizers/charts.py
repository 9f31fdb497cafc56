"""Chart geometry for the numbers pages: pure functions from numbers to coordinates.

The templates draw SVG from what these return (`templates/_macros/charts.html`); nothing runs
in the browser, so the Content-Security-Policy stays strict. Labels come in already formatted
(the caller passes Babel's formatters), which keeps this module free of the request.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

Number = int | float | Decimal


@dataclass(frozen=True)
class Tick:
    at: float  # a coordinate in the chart's own units
    label: str
    minor: bool = False  # hidden when the chart is narrow


def nice_ticks(maximum: Number, *, count: int = 5) -> list[int | float]:
    """Round tick values from 0 to at least `maximum`: no more than `count` steps of 1, 2, 2.5
    or 5 times a power of ten (whole steps only: these charts count applications and m²)."""
    top = float(maximum)
    if top <= 0:
        return [0, 1]
    raw = top / count
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= raw)
    step = max(step, 1.0)
    steps = math.ceil(top / step - 1e-9)
    values = [round(i * step, 6) for i in range(steps + 1)]
    return [int(v) if float(v).is_integer() else v for v in values]


def day_ticks(days: Sequence[date], *, most: int) -> list[int]:
    """Indexes of `days` to label: every day, every week (Mondays) or every month (the 1st),
    whichever gives no more than `most` labels."""
    n = len(days)
    if n <= most:
        return list(range(n))
    mondays = [i for i, d in enumerate(days) if d.weekday() == 0]
    for picked in (list(range(0, n, 2)), mondays, mondays[::2]):
        if 0 < len(picked) <= most:
            return picked
    firsts = [i for i, d in enumerate(days) if d.day == 1] or [0]
    every = max(1, math.ceil(len(firsts) / most))
    return firsts[::every]


@dataclass(frozen=True)
class SeriesIn:
    key: str  # a CSS-safe name: the colour and dash come from it
    label: str
    values: Sequence[Number]


@dataclass
class Line:
    key: str
    label: str
    points: str  # for <polyline points="...">
    x_end: float
    y_end: float
    value: str  # the last value, formatted
    label_y: float = 0.0  # where its direct label goes, moved apart from the others


@dataclass(frozen=True)
class MarkerIn:
    day: date
    label: str
    key: str


@dataclass
class Marker:
    key: str
    x: float
    label: str
    label_y: float
    anchor: str  # text-anchor of its label


@dataclass
class LineChart:
    width: int
    height: int
    x0: float  # the plot area
    x1: float
    y0: float  # top
    y1: float  # bottom (the zero line)
    x_ticks: list[Tick]
    y_ticks: list[Tick]
    lines: list[Line]
    markers: list[Marker]
    reference: tuple[float, str] | None = None  # (y, label): a capacity line
    end_labels: bool = True


def spread(positions: Sequence[float], *, gap: float, low: float, high: float) -> list[float]:
    """Move label positions apart by at least `gap`, keeping them between `low` and `high`
    and in their order."""
    order = sorted(range(len(positions)), key=lambda i: positions[i])
    placed: list[float] = []
    for i in order:
        y = min(max(positions[i], low), high)
        if placed and y < placed[-1] + gap:
            y = placed[-1] + gap
        placed.append(y)
    # Pushed past the bottom: slide the stack up as a whole.
    overflow = (placed[-1] - high) if placed else 0
    if overflow > 0:
        placed = [max(low, y - overflow) for y in placed]
        for k in range(1, len(placed)):
            placed[k] = max(placed[k], placed[k - 1] + gap)
    result = [0.0] * len(positions)
    for i, y in zip(order, placed, strict=True):
        result[i] = round(y, 1)
    return result


def line_chart(
    days: Sequence[date],
    series: Sequence[SeriesIn],
    *,
    upto: int | None = None,
    markers: Sequence[MarkerIn] = (),
    reference: tuple[Number, str] | None = None,
    day_label: Callable[[date], str] = str,
    number: Callable[[Number], str] = str,
    width: int = 960,
    height: int = 320,
    most_ticks: int = 10,
    end_labels: bool = True,
) -> LineChart:
    """Lines over days, on a shared scale from 0; the series stop at index `upto` (today).

    `markers` are vertical lines at given days (opening, deadline, today); `reference` a
    horizontal line at a value (the capacity). Days outside the axis are left out.
    """
    left, right = 44.0, (190.0 if end_labels else 14.0)
    top, bottom = 40.0, 30.0
    x0, x1, y0, y1 = left, width - right, top, height - bottom
    n = len(days)
    upto = n - 1 if upto is None else max(0, min(upto, n - 1))

    def x_at(i: int) -> float:
        return round(x0 + (x1 - x0) * (i / (n - 1) if n > 1 else 0.5), 1)

    peak = max([0, *(v for s in series for v in s.values[: upto + 1])])
    if reference is not None:
        peak = max(peak, float(reference[0]))
    ticks = nice_ticks(peak, count=5)
    scale_top = ticks[-1]

    def y_at(value: Number) -> float:
        return round(y1 - (y1 - y0) * float(value) / scale_top, 1)

    lines = []
    for s in series:
        values = list(s.values[: upto + 1])
        if not values:
            continue
        # A flat stretch needs only its two ends.
        kept = [
            i
            for i, v in enumerate(values)
            if i in (0, len(values) - 1) or not values[i - 1] == v == values[i + 1]
        ]
        points = " ".join(f"{x_at(i)},{y_at(values[i])}" for i in kept)
        lines.append(
            Line(
                s.key, s.label, points, x_at(len(values) - 1), y_at(values[-1]), number(values[-1])
            )
        )
    for line, y in zip(
        lines,
        spread([ln.y_end for ln in lines], gap=15, low=y0 + 4, high=y1),
        strict=True,
    ):
        line.label_y = y + 4  # a 12px label's middle on the line
    placed: list[Marker] = []
    index = {d: i for i, d in enumerate(days)}
    for m in sorted(markers, key=lambda m: m.day):
        if m.day not in index:
            continue
        x = x_at(index[m.day])
        row = 0
        if placed and x - placed[-1].x < 150 and placed[-1].label_y == y0 - 22:
            row = 1
        anchor = "end" if x > x1 - 120 else "start"
        placed.append(Marker(m.key, x, m.label, y0 - 22 + row * 14, anchor))
    picks = day_ticks(days, most=most_ticks)
    return LineChart(
        width=width,
        height=height,
        x0=x0,
        x1=x1,
        y0=y0,
        y1=y1,
        x_ticks=[Tick(x_at(i), day_label(days[i])) for i in picks],
        y_ticks=[Tick(y_at(t), number(t)) for t in ticks],
        lines=lines,
        markers=placed,
        reference=(y_at(reference[0]), reference[1]) if reference is not None else None,
        end_labels=end_labels,
    )


@dataclass(frozen=True)
class Segment:
    key: str
    label: str
    value: Number
    x: float  # percent of the bar's width
    w: float


@dataclass
class Bar:
    segments: list[Segment]
    marker: float | None = None  # percent: the capacity
    over: bool = False  # what is shown goes past the marker


def stacked(
    parts: Sequence[tuple[str, str, Number]],
    *,
    scale: Number | None = None,
    marker: Number | None = None,
) -> Bar:
    """One horizontal bar of `parts` (key, label, value) side by side, in percent of `scale`
    (by default the larger of their sum and `marker`)."""
    total = sum(float(v) for _k, _l, v in parts)
    full = float(scale) if scale else max(total, float(marker or 0))
    segments, x = [], 0.0
    for key, text, value in parts:
        w = 100 * float(value) / full if full else 0.0
        if w > 0:
            segments.append(Segment(key, text, value, round(x, 2), round(w, 2)))
        x += w
    at = round(100 * float(marker) / full, 2) if marker and full else None
    return Bar(segments, at, over=bool(marker) and total > float(marker or 0))


@dataclass
class BarRow:
    name: str
    total: int
    bar: Bar
    children: list[BarRow] = field(default_factory=list)


def bar_list(
    rows: Sequence, *, limit: int = 8, other: str = "", labels: tuple[str, str]
) -> list[BarRow]:
    """Rows with `name`, `exhibitors`, `visitors`, `total` (stats.Row) as bars on one scale;
    past `limit`, the rest is summed into one row named `other`."""
    shown = list(rows[:limit])
    rest = rows[limit:]
    others = (sum(r.exhibitors for r in rest), sum(r.visitors for r in rest))
    top = max([r.total for r in shown] + [sum(others)]) or 1
    out = [
        BarRow(r.name, r.total, stacked(_parts(labels, r.exhibitors, r.visitors), scale=top))
        for r in shown
    ]
    if rest:
        out.append(BarRow(other, sum(others), stacked(_parts(labels, *others), scale=top)))
    return out


def _parts(labels: tuple[str, str], exhibitors: int, visitors: int) -> list[tuple[str, str, int]]:
    return [("exhibitor", labels[0], exhibitors), ("visitor", labels[1], visitors)]
