"""Figures as pure functions: plain view data in, a `plotly.graph_objects.Figure` out.

The figures drawn on every page load (gauge, Gantt, semáforo bar) are built as plain dicts by
their `*_spec` function, which the pages hand to `dcc.Graph` as they are: building and
serializing a `go.Figure` (validation, a deep copy of its template) costs far more than the
figure's data. `gauge`, `gantt` and `semaforo_bar` wrap the same dict in a `go.Figure`.

No I/O, no Dash, no module state changed. Text is Spanish, numbers use Mexican separators (decimal
point, comma for thousands: `separators=".,"`), and the semáforo is always carried by a word and an
icon as well as by its colour. Month names on date axes come from the Plotly "es" locale the app
loads, so no month name is written here. User text (names, labels) goes through
`markup.plain_text` before a figure receives it: Plotly reads its strings as markup.
"""

from __future__ import annotations

import math
import textwrap
from collections.abc import Mapping, Sequence
from datetime import date, timedelta
from functools import cache

import plotly.graph_objects as go
import plotly.io as pio

from dashboard.figures.markup import plain_text
from dashboard.views import SEMAFORO_COLORS, SEMAFORO_ICONS, SEMAFORO_WORDS, ActivityView
from loaders.check.progress import Thresholds, semaforo
from loaders.text import activity_title

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
GAUGE_PLOT_PX = 150
TITLE_LINE_PX = 21
GANTT_ROW_PX = 40
GANTT_EXTRA_PX = 120
DAY_MS = 86_400_000

# Text drawn on a semáforo colour: dark on amarillo (white on it is hard to read), white elsewhere.
_INK_ON = {"amarillo": TEXT_COLOR}


# --- formatting ----------------------------------------------------------------------------------


def fmt_date(d: date) -> str:
    """dd/mm/aaaa, the way dates are written in Mexico."""
    return d.strftime("%d/%m/%Y")


def fmt_pct(value: float | None, decimals: int = 0) -> str:
    """`30 %`, `1,250 %`, `11.6 %`; "Sin datos" when there is no value."""
    if value is None:
        return "Sin datos"
    return f"{value:,.{decimals}f} %"


def fmt_pct_auto(value: float | None) -> str:
    """Like `fmt_pct`, with one decimal only when the value is not whole: `50 %`, `33.3 %`."""
    if value is None:
        return fmt_pct(None)
    return fmt_pct(value, 0 if float(round(value, 1)).is_integer() else 1)


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


def wrap_name(name: str, width: int = GAUGE_LINE_CHARS, limit: int = NAME_LIMIT) -> list[str]:
    """The (shortened) name in at most two lines of about `width` characters."""
    lines = textwrap.wrap(short_name(name, limit), width) or [""]
    if len(lines) > 2:
        lines = [lines[0], short_name(" ".join(lines[1:]), width)]
    return lines


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
    count expected by the fecha de corte. The title carries the number, the (shortened) name, the
    semáforo's icon and word and, when the declared % disagrees with the real one, a warning.
    `layout.meta` holds the activity's number and full name for callbacks and tooltips."""
    programmed = a.programmed or 0
    achieved = a.achieved or 0
    axis_max = max(programmed, achieved, 1)
    expected = expected_count(a)

    name_lines = wrap_name(a.title)
    lines = [f"<b>{plain_text(line)}</b>" for line in name_lines]
    lines.append(_status_line(a.semaforo, a.status_label))
    if a.pct_mismatch:
        lines.append(
            f"<span style='font-size:14px'>⚠ declarado {fmt_pct_auto(a.declared_pct)}"
            f" · real {fmt_pct_auto(a.real_pct)}</span>"
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
    indicator = {
        "type": "indicator",
        "mode": "gauge+number",
        "value": achieved,
        "number": {
            "valueformat": ",.0f",
            "suffix": f" de {fmt_count(programmed)}" if programmed else " (sin meta)",
            "font": {"size": 26},
        },
        "title": {"text": "<br>".join(lines), "font": {"size": TITLE_FONT_SIZE - 1}},
        "gauge": gauge,
        "domain": {"x": [0, 1], "y": [0, 1]},
    }
    top = TITLE_LINE_PX * len(lines) + 12
    return _spec([indicator], {"meta": {"activity": a.number, "name": plain_text(a.name)}},
                 height=GAUGE_PLOT_PX + top + 8, margin={"l": 28, "r": 28, "t": top, "b": 8})


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


def _drawable(rows: Sequence[ActivityView]) -> list[ActivityView]:
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


def _iso_start(a: ActivityView) -> str:
    assert a.start is not None
    return a.start.isoformat()


def _duration_ms(a: ActivityView) -> int:
    assert a.start is not None and a.end is not None
    return ((a.end - a.start).days + 1) * DAY_MS


def gantt(rows: Sequence[ActivityView], *, today: date, year: int) -> go.Figure:
    """`gantt_spec` as a `go.Figure`."""
    return go.Figure(gantt_spec(rows, today=today, year=year))


def gantt_spec(rows: Sequence[ActivityView], *, today: date, year: int) -> dict:
    """One bar per activity with valid dates, from inicio to the end of the day of fin, coloured
    by semáforo with its real % inside; the months planned in the cronograma as small squares under
    each bar; a line at the fecha de corte. Activities with invalid dates are left out (see
    `invalid_dates`)."""
    valid = _drawable(rows)
    labels = _row_labels(valid)
    traces: list[dict] = []

    for key in SEMAFORO_KEYS:
        group = [(a, label) for a, label in zip(valid, labels, strict=True) if a.semaforo == key]
        if not group:
            continue
        traces.append({
            "type": "bar",
            "name": semaforo_label(key),
            "orientation": "h",
            "y": [label for _, label in group],
            "base": [_iso_start(a) for a, _ in group],
            "x": [_duration_ms(a) for a, _ in group],
            "width": 0.5,
            "offset": -0.38,  # the upper part of the row; the planned months go under the bar
            "marker": {"color": _color(key), "line": {"width": 0}},
            "text": [fmt_pct(a.real_pct) for a, _ in group],
            "textposition": "inside",
            "insidetextanchor": "middle",
            "textangle": 0,
            "textfont": {"size": 13, "color": _INK_ON.get(key or "", "#ffffff")},
            "customdata": [
                [
                    a.number,
                    plain_text(a.name),
                    fmt_date(a.start) if a.start else "",
                    fmt_date(a.end) if a.end else "",
                    fmt_pct(a.real_pct, 1),
                    fmt_pct(a.expected_pct, 1),
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
                "size": 7,
                "color": PLANNED_MONTH_COLOR,
                "standoff": 10,  # pixels below the row's centre, under the bar
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

    start = date(year, 1, 1)
    stop = date(year + 1, 1, 1)
    for a in valid:
        assert a.start is not None and a.end is not None
        start = min(start, a.start)
        stop = max(stop, a.end + timedelta(days=1))

    annotations = [{
        "x": today.isoformat(),
        "xref": "x",
        "y": 1,
        "yref": "paper",
        "yanchor": "bottom",
        "text": f"Corte {fmt_date(today)}",
        "showarrow": False,
        "font": {"size": 13, "color": MARK_COLOR},
        "bgcolor": "rgba(255,255,255,0.85)",
    }]
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
        "shapes": [{
            "type": "line",
            "xref": "x",
            "yref": "paper",
            "x0": today.isoformat(),
            "x1": today.isoformat(),
            "y0": 0,
            "y1": 1,
            "line": {"color": MARK_COLOR, "width": 2, "dash": "dash"},
            "layer": "above",
        }],
        "annotations": annotations,
        "xaxis": {
            "type": "date",
            "range": [start.isoformat(), stop.isoformat()],
            "dtick": "M1",
            "tick0": date(year, 1, 1).isoformat(),
            "tickformat": "%b",
            "ticklabelmode": "period",
            "showgrid": True,
            "gridcolor": "#e0e0e0",
            "tickfont": {"size": 13},
            "fixedrange": False,
        },
        "yaxis": {
            "type": "category",
            "categoryorder": "array",
            "categoryarray": labels,
            "autorange": "reversed",
            "automargin": True,
            "showgrid": False,
            "tickfont": {"size": 13},
        },
        "barmode": "overlay",
        "bargap": 0.2,
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
                 margin={"l": 8, "r": 16, "t": 36, "b": 72})


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
            subtitle += f" · esperado al corte {fmt_pct(expected_pct, 1)}"
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


def index_history(points: Sequence[tuple[str, float | None]]) -> go.Figure:
    """Índice de Eficiencia of each version, in upload order: (label, index %) pairs."""
    labels = [plain_text(label) for label, _ in points]
    values = [value for _, value in points]
    fig = go.Figure(
        go.Scatter(
            x=labels, y=values, mode="lines+markers+text",
            text=[fmt_pct_auto(v) for v in values], textposition="top center",
            line={"color": "#2c3e50", "width": 3}, marker={"size": 10},
            hovertemplate="%{x}<br>Índice de Eficiencia: %{y:.1f} %<extra></extra>",
            name="Índice de Eficiencia",
        )
    )
    top = max([v for v in values if v is not None] or [0])
    fig.update_yaxes(title_text="Índice de Eficiencia (%)", range=[0, max(100, top * 1.15)],
                     ticksuffix=" %")
    fig.update_xaxes(type="category", title_text="Versión")
    return _style(fig, height=320, margin={"l": 60, "r": 20, "t": 20, "b": 50})


def achieved_history(
    versions: Sequence[str], activities: Sequence[str], achieved: Sequence[Sequence[int | None]]
) -> go.Figure:
    """Meta alcanzada per activity (rows) across versions (columns), with the counts written."""
    text = [["" if v is None else fmt_count(v) for v in row] for row in achieved]
    fig = go.Figure(
        go.Heatmap(
            z=[[None if v is None else v for v in row] for row in achieved],
            x=[plain_text(v) for v in versions], y=[plain_text(a) for a in activities],
            text=text, texttemplate="%{text}",
            colorscale="Blues", showscale=False,
            hovertemplate="%{y}<br>%{x}: %{text}<extra></extra>",
        )
    )
    fig.update_yaxes(autorange="reversed", type="category")
    fig.update_xaxes(type="category", side="top")
    return _style(fig, height=120 + 28 * max(len(activities), 2),
                  margin={"l": 260, "r": 20, "t": 40, "b": 20})
