"""An activity's year at a glance (Metas, the activity's detail): its meta alcanzada in each version
of the POA across the fiscal year, against what its calendar asked for on each date, with its meta
programada and the reprogramaciones marked — the indicator card of MIDE Jalisco, from our own
versions.

Pure: plain data in, a `go.Figure` out (only scatter traces: in the tablero's Plotly bundle).

- Meta alcanzada: one point per version, at the version's fecha de corte (its `as_of`).
- Esperado según su calendario: meta programada × expected % on each date
  (`loaders.check.progress.expected_pct`). Each version's calendar (programada, inicio, fin)
  holds from its fecha de corte until the next version's; the first one from the year's start.
  The expected % is straight between a window's start and end, so the line is drawn exactly
  through its corners.
- Meta programada: the goal each version stated, as steps.
- Reprogramaciones: a diamond on the meta programada at the fecha de corte of the version that
  changed it, its changes and motivos in the hover, the new value written beside it.

Dates in the hovers are written here (dd/mm/aaaa); user text goes through `markup.plain_text`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

import plotly.graph_objects as go

from dashboard.figures.markup import plain_text
from dashboard.figures.poa import GRID_COLOR, TEXT_COLOR, _style, fmt_count, fmt_date, fmt_pct
from loaders.check.progress import expected_pct
from loaders.check.reprogramming import FIELD_ORDER, GoalHistory, shown_value

ACHIEVED_COLOR = "#1f4e79"
EXPECTED_COLOR = "#5f6368"
PROGRAMMED_COLOR = "#6b4c9a"
MARK_COLOR = "#b33c00"  # 5.4:1 on white
HEIGHT = 360
MARGIN = {"l": 8, "r": 16, "t": 16, "b": 8}
MONTH_TICKS = ("Ene", "Feb", "Mar", "Abr", "May", "Jun", "Jul", "Ago", "Sep", "Oct", "Nov", "Dic")
HOVER_CHARS = 60  # a hover's motivo in lines this wide, readable on a phone


@dataclass(frozen=True)
class VersionPoint:
    """The activity as one version of the POA states it (None: the version does not have it)."""

    number: int  # the version's number
    as_of: date  # the version's fecha de corte
    achieved: int | None
    programmed: int | None
    start: date | None
    end: date | None


@dataclass(frozen=True)
class Mark:
    """A version's reprogramaciones of the activity."""

    number: int  # the version's number
    as_of: date
    changes: tuple[str, ...]  # "meta programada 50 → 30: «motivo»" (plain text)
    label: str  # written beside the diamond: "30"


def year_span(year: int) -> tuple[date, date]:
    return date(year, 1, 1), date(year, 12, 31)


def _in_year(d: date, year: int) -> bool:
    first, last = year_span(year)
    return first <= d <= last


def _ordered(points: Sequence[VersionPoint]) -> list[VersionPoint]:
    return sorted(points, key=lambda p: (p.as_of, p.number))


def achieved_series(points: Sequence[VersionPoint], year: int) -> tuple[list[date], list[int]]:
    """(fechas de corte, meta alcanzada) of the versions inside the fiscal year that state it."""
    kept = [p for p in _ordered(points) if p.achieved is not None and _in_year(p.as_of, year)]
    return [p.as_of for p in kept], [p.achieved for p in kept]  # type: ignore[misc]


def _segments(points: Sequence[VersionPoint], year: int) -> list[tuple[date, date, VersionPoint]]:
    """Each version's calendar with the days it holds: from its fecha de corte (the first one
    from the year's start) to the day before the next version's, inside the fiscal year."""
    first, last = year_span(year)
    ordered = [p for p in _ordered(points) if p.as_of <= last]
    segments = []
    for i, p in enumerate(ordered):
        begin = first if i == 0 else max(first, p.as_of)
        end = ordered[i + 1].as_of - timedelta(days=1) if i + 1 < len(ordered) else last
        end = min(end, last)
        if begin <= end:
            segments.append((begin, end, p))
    return segments


def _expected(p: VersionPoint, d: date) -> float | None:
    pct = expected_pct(p.start, p.end, d)
    if pct is None or not p.programmed or (p.end is not None and p.start is not None
                                           and p.end < p.start):
        return None
    return p.programmed * pct / 100


def expected_series(points: Sequence[VersionPoint],
                    year: int) -> tuple[list[date | None], list[float | None]]:
    """The expected meta alcanzada across the year: exact at every corner of each version's
    calendar (the window's day before its start, its start and its end) and at the edges of the
    days the version holds; a None (a gap in the line) between two versions' calendars and
    where a version has no goal or no valid window."""
    xs: list[date | None] = []
    ys: list[float | None] = []
    for begin, end, p in _segments(points, year):
        corners = {begin, end}
        for d in (p.start - timedelta(days=1) if p.start else None, p.start, p.end):
            if d is not None and begin <= d <= end:
                corners.add(d)
        for d in sorted(corners):
            xs.append(d)
            ys.append(_expected(p, d))
        xs.append(None)  # the next version's calendar starts a line of its own
        ys.append(None)
    while xs and xs[-1] is None:
        xs.pop()
        ys.pop()
    return xs, ys


def programmed_series(points: Sequence[VersionPoint],
                      year: int) -> tuple[list[date], list[int | None]]:
    """The meta programada each version stated, from its fecha de corte on (steps)."""
    xs: list[date] = []
    ys: list[int | None] = []
    segments = _segments(points, year)
    for begin, _, p in segments:
        xs.append(begin)
        ys.append(p.programmed)
    if segments:
        xs.append(segments[-1][1])
        ys.append(segments[-1][2].programmed)
    return xs, ys


def _iso(d: date | None) -> str | None:
    return d.isoformat() if d is not None else None


def _wrap(text: str, width: int = HOVER_CHARS) -> str:
    """Plain text in lines of about `width` characters joined by <br> (Plotly's line break)."""
    lines: list[str] = []
    for word in text.split():
        if lines and len(lines[-1]) + 1 + len(word) <= width:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return "<br>".join(plain_text(line) for line in lines)


def activity_year(points: Sequence[VersionPoint], marks: Sequence[Mark], *, year: int,
                  unit: str = "") -> go.Figure:
    """The activity's year: meta alcanzada per version against the expected line of its calendar,
    its meta programada and its reprogramaciones marked. `unit` names the y axis ("asesorías")."""
    fig = go.Figure()
    ex_x, ex_y = expected_series(points, year)
    fig.add_trace(go.Scatter(
        x=[_iso(d) for d in ex_x], y=ex_y, mode="lines", name="Esperado según su calendario",
        line={"color": EXPECTED_COLOR, "width": 2, "dash": "dash"}, connectgaps=False,
        customdata=[fmt_date(d) if d else "" for d in ex_x],
        hovertemplate="%{customdata}: se esperaban %{y:,.1f}<extra></extra>",
    ))
    pr_x, pr_y = programmed_series(points, year)
    fig.add_trace(go.Scatter(
        x=[_iso(d) for d in pr_x], y=pr_y, mode="lines", name="Meta programada",
        line={"color": PROGRAMMED_COLOR, "width": 2, "shape": "hv", "dash": "dot"},
        hoverinfo="skip",
    ))
    by_number = {p.number: p for p in points}
    ac_x, ac_y = achieved_series(points, year)
    ordered = [p for p in _ordered(points) if p.achieved is not None and _in_year(p.as_of, year)]
    fig.add_trace(go.Scatter(
        x=[_iso(d) for d in ac_x], y=ac_y, mode="lines+markers", name="Meta alcanzada",
        line={"color": ACHIEVED_COLOR, "width": 3}, marker={"size": 9},
        customdata=[[f"v{p.number}", fmt_date(p.as_of), _of_goal(p)] for p in ordered],
        hovertemplate="%{customdata[0]} · corte %{customdata[1]}<br>"
                      "Meta alcanzada: %{customdata[2]}<extra></extra>",
    ))
    shown = [m for m in marks if _in_year(m.as_of, year)]
    mark_y = [_mark_y(by_number.get(m.number)) for m in shown]
    fig.add_trace(go.Scatter(
        x=[_iso(m.as_of) for m in shown], y=mark_y, mode="markers+text", name="Reprogramación",
        marker={"symbol": "diamond", "size": 14, "color": MARK_COLOR,
                "line": {"color": "#ffffff", "width": 1.5}},
        text=[plain_text(m.label) for m in shown], textposition="middle right",
        textfont={"color": MARK_COLOR, "size": 13}, cliponaxis=False,
        customdata=[f"v{m.number} · {fmt_date(m.as_of)}<br>"
                    + "<br>".join(_wrap(c) for c in m.changes) for m in shown],
        hovertemplate="<b>Reprogramación</b> %{customdata}<extra></extra>",
        visible=True if shown else "legendonly",
        showlegend=bool(shown),
    ))
    first, last = year_span(year)
    top = max([v for v in (*ex_y, *pr_y, *ac_y, *mark_y) if v is not None] or [1])
    fig.update_xaxes(
        type="date", range=[first.isoformat(), last.isoformat()], fixedrange=True,
        tickvals=[date(year, m, 1).isoformat() for m in range(1, 13, 2)],
        ticktext=[f"{MONTH_TICKS[m - 1]}" for m in range(1, 13, 2)],
        title_text=f"Fecha de corte, {year}", showgrid=True,
        gridcolor=GRID_COLOR, automargin=True,
    )
    fig.update_yaxes(
        rangemode="tozero", range=[0, top * 1.15], fixedrange=True, automargin=True,
        title_text="Cantidad" + (f" ({plain_text(unit)})" if unit.strip() else ""),
        gridcolor=GRID_COLOR, tickformat=",d",
    )
    fig.update_layout(
        legend={"orientation": "h", "yanchor": "top", "y": -0.28, "x": 0, "xanchor": "left",
                "font": {"size": 13, "color": TEXT_COLOR}},
        hovermode="closest",
    )
    return _style(fig, height=HEIGHT, margin=MARGIN)


def _of_goal(p: VersionPoint) -> str:
    """ "12 de 30 (40.0 %)"; "12" without a goal."""
    if p.achieved is None:
        return "sin dato"
    if not p.programmed:
        return fmt_count(p.achieved)
    return (f"{fmt_count(p.achieved)} de {fmt_count(p.programmed)} "
            f"({fmt_pct(p.achieved / p.programmed * 100)})")


def _mark_y(p: VersionPoint | None) -> float | None:
    """A reprogramación sits on the version's meta programada (its meta alcanzada without one)."""
    if p is None:
        return None
    if p.programmed is not None:
        return p.programmed
    return p.achieved


def points_of(rows: Sequence) -> list[VersionPoint]:
    """`loaders.store.reprogramming.ActivityInVersion` rows as the figure's points."""
    return [VersionPoint(r.version_number, r.as_of, r.achieved, r.programmed, r.start, r.end)
            for r in rows]


def marks_of(histories: Sequence[GoalHistory], activity: int) -> list[Mark]:
    """The activity's reprogramaciones grouped by the version that made them: each change with
    its motivo for the hover, and the new values to write beside the diamond ("30",
    "fin 31/10")."""
    steps: dict[int, list] = {}
    for h in histories:
        if h.activity == activity:
            for s in h.steps:
                steps.setdefault(s.version_number, []).append(s)
    marks = []
    for number, group in sorted(steps.items()):
        group.sort(key=lambda s: FIELD_ORDER.get(s.field, 9))
        labels = dict.fromkeys(_short_value(s.field, s.after) for s in group)
        marks.append(Mark(
            number=number, as_of=group[0].as_of,
            changes=tuple(f"{s.change_text}: «{s.justification}»" for s in group),
            label=", ".join(labels),
        ))
    return marks


def _short_value(field: str, value) -> str:
    if isinstance(value, date):
        return f"{'inicio' if field == 'start' else 'fin'} {value:%d/%m}"
    return shown_value(value)
