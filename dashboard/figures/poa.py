"""Figures as pure functions: plain view data in, a `plotly.graph_objects.Figure` out.

The figures drawn on every page load (gauge, Gantt, semáforo bar) are built as plain dicts by
their `*_spec` function, which the pages hand to `dcc.Graph` as they are: building and
serializing a `go.Figure` (validation, a deep copy of its template) costs far more than the
figure's data. `gauge`, `gantt` and `semaforo_bar` wrap the same dict in a `go.Figure`.

No I/O, no Dash, no module state changed. Text is Spanish, numbers use Mexican separators (decimal
point, comma for thousands: `separators=".,"`), and the semáforo is always carried by a word and an
icon as well as by its colour. The Gantt's month labels are written here ("Ene" … "Dic", from
`loaders.text.month_name`), as in the cabildo PDF; month names in hovers come from the Plotly "es"
locale the app loads. User text (names, labels) goes through
`markup.plain_text` before a figure receives it: Plotly reads its strings as markup.
"""

from __future__ import annotations

import itertools
import math
import textwrap
from collections.abc import Mapping, Sequence
from datetime import date, datetime, timedelta
from functools import cache

import plotly.graph_objects as go
import plotly.io as pio

from dashboard.figures.markup import plain_text
from dashboard.views import SEMAFORO_COLORS, SEMAFORO_ICONS, SEMAFORO_WORDS, ActivityView
from loaders.check.progress import Thresholds, semaforo
from loaders.text import activity_title, month_name
from loaders.text import fmt_pct as text_pct

DEFAULT_THRESHOLDS = Thresholds()
SEMAFORO_KEYS: tuple[str | None, ...] = ("rojo", "amarillo", "verde", None)
TEXT_COLOR = "#1f1f1f"
MARK_COLOR = "#1f1f1f"  # the fecha de corte line and the expected-by-date marks
PLANNED_MONTH_COLOR = "#5f6368"
TRACK_COLOR = "#eceff1"
SEPARATORS = ".,"
BASE_FONT_SIZE = 14
TITLE_FONT_SIZE = 16
NAME_LIMIT = 45
GAUGE_LINE_CHARS = 26
# Far longer than any real activity's name: only such a name is cut in a gauge's title.
GAUGE_NAME_LIMIT = 130
GAUGE_PLOT_PX = 150
GAUGE_TICK_PX = 26  # room above the gauge's arc for the tick labels drawn over its top
TITLE_LINE_PX = 21
# Gantt rows: the activity's name (up to two lines) above its bar, the planned months under it.
GANTT_ROW_PX = 68
GANTT_LABEL_CHARS = 40
GANTT_LABEL_LINES = 2
GANTT_BAR_TOP_PX = 2  # from the row's centre down to the bar's top
GANTT_BAR_PX = 20
GANTT_MONTH_PX = 28  # from the row's centre down to the planned-month squares
GANTT_MARGIN = {"l": 18, "r": 18, "t": 30, "b": 100}
GRID_COLOR = "#d9dcdf"
GANTT_EXTRA_PX = GANTT_MARGIN["t"] + GANTT_MARGIN["b"]
DAY_MS = 86_400_000

# Text drawn on a semáforo colour: dark on amarillo and on the grey of "Sin datos" (white on them
# is hard to read), white elsewhere. Keyed by `key or ""`.
_INK_ON = {"amarillo": TEXT_COLOR, "": TEXT_COLOR}


# --- formatting ----------------------------------------------------------------------------------


def fmt_date(d: date) -> str:
    """dd/mm/aaaa, the way dates are written in Mexico."""
    return d.strftime("%d/%m/%Y")


def fmt_pct(value: float | None) -> str:
    """`30.0 %`, `1,250.0 %`, `11.6 %` (one decimal everywhere); "Sin datos" when there is none."""
    return "Sin datos" if value is None else text_pct(value)


def fmt_count(value: float) -> str:
    return f"{value:,.0f}"


def short_name(name: str, limit: int = NAME_LIMIT) -> str:
    """The name cut at a word boundary to at most `limit` characters, with "…" when cut."""
    name = " ".join(name.split())
    if len(name) <= limit:
        return name
    cut = name[: limit - 1]
    if " " in cut[limit // 2 :]:
        cut = cut.rsplit(" ", 1)[0]
    return cut.rstrip(" ,;:.-") + "…"


def wrap_name(name: str, width: int = GAUGE_LINE_CHARS, limit: int = GAUGE_NAME_LIMIT) -> list[str]:
    """The whole name in lines of about `width` characters; only a name longer than `limit`
    characters is shortened (`short_name`)."""
    return textwrap.wrap(short_name(name, limit), width) or [""]


def semaforo_label(key: str | None) -> str:
    """Icon and word, e.g. "■ Rojo": what the legend and the titles show."""
    return f"{SEMAFORO_ICONS[key]} {SEMAFORO_WORDS[key]}"


def _color(key: str | None) -> str:
    return SEMAFORO_COLORS.get(key, SEMAFORO_COLORS[None])


def _status_line(key: str | None, status_label: str) -> str:
    icon = f"<span style='color:{_color(key)}'>{SEMAFORO_ICONS[key]}</span>"
    word = SEMAFORO_WORDS[key]
    if not status_label or status_label == word:
        return f"{icon} {word}"
    return f"{icon} {word} — {plain_text(status_label)}"


def _nice_step(span: float, ticks: int = 5) -> int:
    """A whole 1-2-5 step giving about `ticks` intervals over `span`."""
    raw = max(span / ticks, 1)
    magnitude = 10 ** math.floor(math.log10(raw))
    for factor in (1, 2, 2.5, 5, 10):
        step = factor * magnitude
        if step >= raw and float(step).is_integer():
            return int(step)
    return int(10 * magnitude)


TEMPLATE = "plotly_white"


def _style(fig: go.Figure, *, height: int, margin: dict[str, int]) -> go.Figure:
    fig.update_layout(**_style_layout(height=height, margin=margin))
    _set_template(fig)
    return fig


def _set_template(fig: go.Figure) -> None:
    """`fig.update_layout(template=TEMPLATE)` without validating, once more, a template plotly
    ships already validated — as plotly itself sets its default template. The figure is the
    same; validating the template cost ~10 ms per figure. (Should plotly drop the private
    `_validate` switch, the template is simply validated again: slower, never different.)"""
    layout = fig.layout
    validate = getattr(layout, "_validate", True)
    layout._validate = False
    try:
        layout.template = pio.templates[TEMPLATE]
    finally:
        layout._validate = validate


@cache
def _template() -> dict:
    """The template as plain data, once per process (a figure dict must carry it whole: the
    browser's Plotly knows no template by name). Shared by every figure dict: read-only."""
    return pio.templates[TEMPLATE].to_plotly_json()


def _style_layout(*, height: int, margin: dict[str, int]) -> dict:
    return {
        "separators": SEPARATORS,
        "height": height,
        "margin": margin,
        "paper_bgcolor": "rgba(255,255,255,0)",
        "plot_bgcolor": "rgba(255,255,255,0)",
        "font": {"size": BASE_FONT_SIZE, "color": TEXT_COLOR},
        "hoverlabel": {"font": {"size": BASE_FONT_SIZE}},
    }


def _spec(data: list[dict], layout: dict, *, height: int, margin: dict[str, int]) -> dict:
    """A figure as a plain dict, styled as `_style` styles a `go.Figure`."""
    return {
        "data": data,
        "layout": {"template": _template(), **layout,
                   **_style_layout(height=height, margin=margin)},
    }


# --- gauge: meta alcanzada vs programada of one activity -----------------------------------------


def expected_count(a: ActivityView) -> float | None:
    """How much of the goal the calendar asks for on the fecha de corte."""
    if a.expected_pct is None or not a.programmed:
        return None
    return a.programmed * a.expected_pct / 100


def gauge(a: ActivityView) -> go.Figure:
    """`gauge_spec` as a `go.Figure`."""
    return go.Figure(gauge_spec(a))


def gauge_spec(a: ActivityView) -> dict:
    """Meta alcanzada against meta programada, the bar in the semáforo's colour, and a mark at the
    count expected by the fecha de corte. The title — the number and the whole name wrapped, the
    semáforo's icon and word and, when the declared % disagrees with the real one, a warning — is
    an annotation (`name="title"`) above the plot area, and the gauge's domain leaves room under it
    for the tick labels over the arc: Plotly would place an indicator's own title over the arc
    when no tick label stands at its top (a goal of 1). `layout.meta` holds the activity's number
    and full name for callbacks and tooltips."""
    programmed = a.programmed or 0
    achieved = a.achieved or 0
    axis_max = max(programmed, achieved, 1)
    expected = expected_count(a)

    lines = [f"<b>{plain_text(line)}</b>" for line in wrap_name(a.title)]
    lines.append(_status_line(a.semaforo, a.status_label))
    if a.pct_mismatch:
        lines.append(
            f"<span style='font-size:14px'>⚠ declarado {fmt_pct(a.declared_pct)}"
            f" · real {fmt_pct(a.real_pct)}</span>"
        )
    gauge = {
        "shape": "angular",
        "axis": {
            "range": [0, axis_max],
            "tickmode": "linear",
            "tick0": 0,
            "dtick": _nice_step(axis_max),
            "tickformat": ",.0f",
            "tickfont": {"size": 12},
        },
        "bar": {"color": _color(a.semaforo), "thickness": 0.7},
        "bgcolor": TRACK_COLOR,
        "borderwidth": 0,
    }
    if expected is not None:
        gauge["threshold"] = {
            "line": {"color": MARK_COLOR, "width": 4},
            "thickness": 0.9,
            "value": expected,
        }
    plot_px = GAUGE_PLOT_PX + GAUGE_TICK_PX
    indicator = {
        "type": "indicator",
        "mode": "gauge+number",
        "value": achieved,
        "number": {
            "valueformat": ",.0f",
            "suffix": f" de {fmt_count(programmed)}" if programmed else " (sin meta)",
            "font": {"size": 26},
        },
        "gauge": gauge,
        "domain": {"x": [0, 1], "y": [0, round(GAUGE_PLOT_PX / plot_px, 4)]},
    }
    title = {
        "name": "title",
        "text": "<br>".join(lines),
        "font": {"size": TITLE_FONT_SIZE - 1},
        "align": "center",
        "xref": "paper",
        "x": 0.5,
        "xanchor": "center",
        "yref": "paper",
        "y": 1,
        "yanchor": "bottom",
        "showarrow": False,
    }
    top = TITLE_LINE_PX * len(lines) + 8
    layout = {"annotations": [title], "meta": {"activity": a.number, "name": plain_text(a.name)}}
    return _spec([indicator], layout, height=top + plot_px + 8,
                 margin={"l": 28, "r": 28, "t": top, "b": 8})


# --- gantt ---------------------------------------------------------------------------------------


def invalid_dates(rows: Sequence[ActivityView]) -> list[tuple[ActivityView, str]]:
    """The activities the Gantt cannot draw, each with the reason in plain Spanish."""
    out: list[tuple[ActivityView, str]] = []
    for a in rows:
        if a.start is None and a.end is None:
            reason = "Sin fechas de inicio y de fin"
        elif a.start is None:
            reason = "Sin fecha de inicio"
        elif a.end is None:
            reason = "Sin fecha de fin"
        elif a.end < a.start:
            reason = (
                f"La fecha de fin {fmt_date(a.end)} es anterior al inicio {fmt_date(a.start)}"
            )
        elif not a.dates_valid:
            reason = "Las fechas de inicio y de fin no son válidas"
        else:
            continue
        out.append((a, reason))
    return out


def drawable(rows: Sequence[ActivityView]) -> list[ActivityView]:
    return [
        a for a in rows
        if a.dates_valid and a.start is not None and a.end is not None and a.end >= a.start
    ]


def _row_labels(rows: Sequence[ActivityView]) -> list[str]:
    """ "{number}. {short name}" per row, as plain text (`plain_text`); a repeated label (a
    duplicated Nº) gets a suffix so that two activities never share a row."""
    seen: dict[str, int] = {}
    labels = []
    for a in rows:
        label = plain_text(activity_title(a.label, a.number, short_name(a.name, 40)))
        seen[label] = seen.get(label, 0) + 1
        labels.append(label if seen[label] == 1 else f"{label} ({seen[label]})")
    return labels


def _row_name(a: ActivityView) -> str:
    """The activity's whole title in at most `GANTT_LABEL_LINES` lines (`<br>`), as plain text;
    only a name longer than those lines hold is shortened."""
    limit = GANTT_LABEL_CHARS * GANTT_LABEL_LINES - 4
    lines = textwrap.wrap(short_name(a.title, limit), GANTT_LABEL_CHARS) or [""]
    if len(lines) > GANTT_LABEL_LINES:
        head, tail = lines[: GANTT_LABEL_LINES - 1], lines[GANTT_LABEL_LINES - 1 :]
        lines = [*head, short_name(" ".join(tail), GANTT_LABEL_CHARS)]
    return "<br>".join(plain_text(line) for line in lines)


def _fiscal_span(year: int) -> tuple[date, date]:
    """The fiscal year as [1 January, 1 January of the next year): the axis ends at the end of
    the day of 31 December."""
    return date(year, 1, 1), date(year + 1, 1, 1)


def _clipped(a: ActivityView, year: int) -> tuple[date, date]:
    """The bar's [start, end) inside the fiscal year: the part of inicio..fin (to the end of the
    day of fin) that falls in it; empty, at the year's edge, when nothing does."""
    assert a.start is not None and a.end is not None
    first, stop = _fiscal_span(year)
    begin = min(max(a.start, first), stop)
    finish = max(min(a.end + timedelta(days=1), stop), first)
    return begin, max(begin, finish)


def starts_before(a: ActivityView, year: int) -> bool:
    return a.start is not None and a.start < date(year, 1, 1)


def ends_after(a: ActivityView, year: int) -> bool:
    return a.end is not None and a.end > date(year, 12, 31)


def gantt(rows: Sequence[ActivityView], *, today: date, year: int) -> go.Figure:
    """`gantt_spec` as a `go.Figure`."""
    return go.Figure(gantt_spec(rows, today=today, year=year))


def _px(pixels: float) -> float:
    """`pixels` in the units of the (category) y axis, where a row is one unit."""
    return round(pixels / GANTT_ROW_PX, 4)


def _corte_annotation(today: date, year: int) -> dict:
    """"Corte dd/mm/aaaa" over the plot area, beside its line and on the side where it fits; at
    the axis' edge with ◂ / ▸ when the fecha de corte falls outside the fiscal year."""
    first, stop = _fiscal_span(year)
    note = {
        "name": "corte",
        "yref": "paper",
        "y": 1,
        "yanchor": "bottom",
        "showarrow": False,
        "font": {"size": 13, "color": MARK_COLOR},
        "bgcolor": "rgba(255,255,255,0.85)",
    }
    text = f"Corte {fmt_date(today)}"
    if today < first:
        return {**note, "text": f"◂ {text}", "xref": "paper", "x": 0, "xanchor": "left"}
    if today >= stop:
        return {**note, "text": f"{text} ▸", "xref": "paper", "x": 1, "xanchor": "right"}
    late = today >= date(year, 7, 1)
    return {**note, "text": text, "xref": "x", "x": today.isoformat(),
            "xanchor": "right" if late else "left"}


def _month_edges(year: int) -> list[str]:
    """The first day of each month of the year and 1 January of the next: the grid lines."""
    return [date(year + (m > 12), (m - 1) % 12 + 1, 1).isoformat() for m in range(1, 14)]


def _month_ticks(year: int) -> dict:
    """One label in the middle of each month, "Ene" to "Dic", the year under January's."""
    edges = [datetime.fromisoformat(edge) for edge in _month_edges(year)]
    middles = [start + (end - start) / 2 for start, end in itertools.pairwise(edges)]
    names = [month_name(m)[:3].capitalize() for m in range(1, 13)]
    names[0] += f"<br><span style='font-size:11px'>{year}</span>"
    return {
        "tickmode": "array",
        "tickvals": [middle.isoformat(sep=" ") for middle in middles],
        "ticktext": names,
    }


def gantt_spec(rows: Sequence[ActivityView], *, today: date, year: int) -> dict:
    """The fiscal year `year`, month by month, with one row per activity with valid dates: its
    name (whole, up to two lines) over a bar from inicio to the end of the day of fin, coloured by
    semáforo with its real % (inside, or beside a bar too short for it); the months planned in
    the cronograma as small squares under the bar; a line at the fecha de corte. The axis is the
    fiscal year only, as in the cabildo PDF: a bar that starts before 1 January or ends after
    31 December is cut at the year's edge and marked ◂ / ▸ beside it, and its hover keeps the
    real dates. Activities with invalid dates are left out (see `invalid_dates`)."""
    valid = drawable(rows)
    labels = _row_labels(valid)
    first, stop = _fiscal_span(year)
    traces: list[dict] = []

    for key in SEMAFORO_KEYS:
        group = [(a, label) for a, label in zip(valid, labels, strict=True) if a.semaforo == key]
        if not group:
            continue
        spans = [_clipped(a, year) for a, _ in group]
        ink = _INK_ON.get(key or "", "#ffffff")
        traces.append({
            "type": "bar",
            "name": semaforo_label(key),
            "orientation": "h",
            "y": [label for _, label in group],
            "base": [begin.isoformat() for begin, _ in spans],
            "x": [(finish - begin).days * DAY_MS for begin, finish in spans],
            "width": _px(GANTT_BAR_PX),
            "offset": _px(GANTT_BAR_TOP_PX),  # the axis runs downwards: below the row's centre
            "marker": {"color": _color(key), "line": {"width": 0}},
            "text": [fmt_pct(a.real_pct) for a, _ in group],
            "textposition": "auto",  # inside; beside the bar when it does not fit
            "insidetextanchor": "middle",
            "textangle": 0,
            "insidetextfont": {"size": 12, "color": ink},
            "outsidetextfont": {"size": 12, "color": TEXT_COLOR},
            "cliponaxis": True,
            "customdata": [
                [
                    a.number,
                    plain_text(a.name),
                    fmt_date(a.start) if a.start else "",
                    fmt_date(a.end) if a.end else "",
                    fmt_pct(a.real_pct),
                    fmt_pct(a.expected_pct),
                    plain_text(a.status_label),
                ]
                for a, _ in group
            ],
            "hovertemplate": (
                "<b>%{customdata[0]}. %{customdata[1]}</b><br>"
                "Inicio: %{customdata[2]} · Fin: %{customdata[3]}<br>"
                "Avance real: %{customdata[4]} · Esperado al corte: %{customdata[5]}<br>"
                f"{semaforo_label(key)} — %{{customdata[6]}}<extra></extra>"
            ),
            "legendrank": SEMAFORO_KEYS.index(key) + 1,
        })

    months_x: list[str] = []
    months_y: list[str] = []
    months_text: list[str] = []
    for a, label in zip(valid, labels, strict=True):
        for month in a.months_planned:
            if 1 <= month <= 12:
                months_x.append(date(year, month, 15).isoformat())
                months_y.append(label)
                months_text.append(plain_text(a.title))
    if months_x:
        traces.append({
            "type": "scatter",
            "name": "Mes programado",
            "x": months_x,
            "y": months_y,
            "mode": "markers",
            "marker": {
                "symbol": "square",
                "size": 6,
                "color": PLANNED_MONTH_COLOR,
                "standoff": GANTT_MONTH_PX,  # pixels below the row's centre, under the bar
            },
            "text": months_text,
            "hovertemplate": "Mes programado: %{x|%B %Y}<br>%{text}<extra></extra>",
            "legendgroup": "planned",
            "showlegend": False,
        })
        # The legend would draw the squares shifted by `standoff` too: a legend-only entry instead.
        traces.append({
            "type": "scatter",
            "name": "Mes programado",
            "x": [None],
            "y": [None],
            "mode": "markers",
            "marker": {"symbol": "square", "size": 8, "color": PLANNED_MONTH_COLOR},
            "legendgroup": "planned",
            "legendrank": 10,
            "hoverinfo": "skip",
        })

    bar_middle = -(GANTT_BAR_TOP_PX + GANTT_BAR_PX / 2)  # annotation yshift: up is positive
    annotations: list[dict] = [_corte_annotation(today, year)]
    shapes: list[dict] = [
        {"type": "line", "xref": "x", "x0": edge, "x1": edge, "yref": "paper", "y0": 0, "y1": 1,
         "line": {"color": GRID_COLOR, "width": 1}, "layer": "below"}
        for edge in _month_edges(year)
    ]
    for i, (a, label) in enumerate(zip(valid, labels, strict=True)):
        if i % 2:
            shapes.append({
                "type": "rect", "xref": "paper", "x0": 0, "x1": 1, "yref": "y",
                "y0": i - 0.5, "y1": i + 0.5, "fillcolor": "#f4f6f7",
                "line": {"width": 0}, "layer": "below",
            })
        annotations.append({
            "name": "row",
            "text": _row_name(a),
            "xref": "paper", "x": 0, "xanchor": "left",
            "yref": "y", "y": label, "yanchor": "bottom", "yshift": -1,
            "align": "left",
            "showarrow": False,
            "font": {"size": 13, "color": TEXT_COLOR},
        })
        for outside, x, anchor, mark in ((starts_before(a, year), first, "right", "◂"),
                                          (ends_after(a, year), stop, "left", "▸")):
            if outside:
                annotations.append({
                    "name": "outside",
                    "text": f"<b>{mark}</b>",
                    "xref": "x", "x": x.isoformat(), "xanchor": anchor,
                    "yref": "y", "y": label, "yanchor": "middle", "yshift": bar_middle,
                    "showarrow": False,
                    "font": {"size": 16, "color": TEXT_COLOR},
                    "hovertext": (f"Empieza el {fmt_date(a.start)}, antes de {year}" if mark == "◂"
                                  else f"Termina el {fmt_date(a.end)}, después de {year}"),
                })
    if first <= today < stop:
        shapes.append({
            "type": "line",
            "xref": "x",
            "yref": "paper",
            "x0": today.isoformat(),
            "x1": today.isoformat(),
            "y0": 0,
            "y1": 1,
            "line": {"color": MARK_COLOR, "width": 2, "dash": "dash"},
            "layer": "above",
        })
    if not valid:
        annotations.append({
            "text": "Ninguna actividad tiene fechas válidas",
            "xref": "paper",
            "yref": "paper",
            "x": 0.5,
            "y": 0.5,
            "showarrow": False,
            "font": {"size": BASE_FONT_SIZE},
        })
    layout = {
        "shapes": shapes,
        "annotations": annotations,
        "xaxis": {
            "type": "date",
            "range": [first.isoformat(), stop.isoformat()],
            **_month_ticks(year),
            "ticks": "",
            "tickangle": 0,  # never turned on a phone: the labels fit a month's width
            "showgrid": False,
            "showline": True,
            "linecolor": GRID_COLOR,
            "tickfont": {"size": 12},
            "fixedrange": True,
        },
        "yaxis": {
            "type": "category",
            "categoryorder": "array",
            "categoryarray": labels,
            "autorange": "reversed",
            "showticklabels": False,
            "showgrid": False,
            "fixedrange": True,
        },
        "barmode": "overlay",
        "legend": {
            "orientation": "h",
            "yref": "container",
            "y": 0,
            "yanchor": "bottom",
            "x": 0,
            "xanchor": "left",
            "font": {"size": 13},
        },
        "hovermode": "closest",
    }
    return _spec(traces, layout, height=GANTT_EXTRA_PX + GANTT_ROW_PX * max(len(valid), 2),
                 margin=GANTT_MARGIN)


# --- resumen -------------------------------------------------------------------------------------


def semaforo_bar(counts: Mapping[str | None, int]) -> go.Figure:
    """`semaforo_bar_spec` as a `go.Figure`."""
    return go.Figure(semaforo_bar_spec(counts))


def semaforo_bar_spec(counts: Mapping[str | None, int]) -> dict:
    """How many activities in each light: one bar per semáforo, rojo on top, labelled with its icon
    and word ("■ Rojo") and its count. "Sin datos" appears only when some activity has no light."""
    keys = [k for k in SEMAFORO_KEYS if k is not None or counts.get(None, 0)]
    values = [int(counts.get(k, 0)) for k in keys]
    bar = {
        "type": "bar",
        "orientation": "h",
        "y": [semaforo_label(k) for k in keys],
        "x": values,
        "marker": {"color": [_color(k) for k in keys], "line": {"width": 0}},
        "text": [fmt_count(v) for v in values],
        "textposition": "outside",
        "textfont": {"size": TITLE_FONT_SIZE, "color": TEXT_COLOR},
        "cliponaxis": False,
        "customdata": [SEMAFORO_WORDS[k] for k in keys],
        "hovertemplate": "%{customdata}: %{x:,d} actividades<extra></extra>",
        "showlegend": False,
    }
    top = max(values, default=0)
    layout = {
        "xaxis": {"range": [0, max(top, 1) * 1.2], "visible": False, "fixedrange": True},
        "yaxis": {"autorange": "reversed", "automargin": True, "fixedrange": True,
                  "tickfont": {"size": BASE_FONT_SIZE}},
        "bargap": 0.3,
    }
    return _spec([bar], layout, height=24 + 40 * len(keys),
                 margin={"l": 8, "r": 8, "t": 8, "b": 8})


def index_bullet(
    index_pct: float | None,
    expected_pct: float | None,
    *,
    thresholds: Thresholds = DEFAULT_THRESHOLDS,
) -> go.Figure:
    """The Índice de Eficiencia: its number with one decimal (first trace, absent when there is
    no index) beside a bullet (last trace) coloured by the semáforo of (índice − esperado) with a
    mark at the index expected on the fecha de corte; the title says the semáforo's word."""
    key = None
    if index_pct is not None and expected_pct is not None:
        key = semaforo(index_pct - expected_pct, thresholds)
    if index_pct is None:
        subtitle = "Sin metas programadas"
    else:
        subtitle = _status_line(key, "")
        if expected_pct is not None:
            subtitle += f" · esperado al corte {fmt_pct(expected_pct)}"
    value = index_pct if index_pct is not None else 0
    axis_max = max(100.0, value, expected_pct or 0)
    threshold = None
    if expected_pct is not None:
        threshold = {
            "line": {"color": MARK_COLOR, "width": 4},
            "thickness": 0.9,
            "value": expected_pct,
        }
    fig = go.Figure()
    if index_pct is not None:
        fig.add_trace(
            go.Indicator(
                mode="number",
                value=index_pct,
                number={"valueformat": ".1f", "suffix": " %", "font": {"size": 30}},
                domain={"x": [0, 0.3], "y": [0, 1]},
            )
        )
    fig.add_trace(
        go.Indicator(
            mode="gauge",
            value=value,
            gauge={
                "shape": "bullet",
                "axis": {"range": [0, axis_max], "ticksuffix": " %", "tickfont": {"size": 12}},
                "bar": {"color": _color(key), "thickness": 0.6},
                "bgcolor": TRACK_COLOR,
                "borderwidth": 0,
                "threshold": threshold,
            },
            domain={"x": [0.34, 0.97], "y": [0.2, 0.8]},
        )
    )
    _style(fig, height=150, margin={"l": 12, "r": 12, "t": 60, "b": 20})
    # An annotation rather than layout.title: Plotly anchors a two-line title by its first line.
    fig.add_annotation(
        text=f"<b>Índice de Eficiencia</b><br><span style='font-size:14px'>{subtitle}</span>",
        font={"size": TITLE_FONT_SIZE},
        x=0,
        xref="paper",
        xanchor="left",
        y=1,
        yref="paper",
        yanchor="bottom",
        yshift=4,
        align="left",
        showarrow=False,
    )
    return fig

