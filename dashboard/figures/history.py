"""The Historial's figures: the Índice de Eficiencia of each version, and each activity's progress
version by version.

Pure functions, plain data in and a `go.Figure` out (see `dashboard.figures.poa` for the shared
style: Mexican separators, Spanish text, user text through `markup.plain_text`). Both are read at
1366 px and on a 390 px phone: the index chart's axis names each version by its number ("v3"; the
date is in the hover), the heatmap's by its number over its date, and an activity's name stands
on its own line above its cells, never squeezed beside them.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import plotly.colors
import plotly.graph_objects as go

from dashboard.figures.markup import plain_text
from dashboard.figures.poa import TEXT_COLOR, _style, fmt_count, fmt_pct

LINE_COLOR = "#2c3e50"
MAX_VERSION_TICKS = 8  # the index chart names at most this many versions on its axis…
MAX_POINT_LABELS = 3  # …and writes the index over at most this many points (the rest: hover)
TICK_FONT_PX = 12
ROW_PX = 32  # an activity is two rows this tall: its name, then its cells (two lines of text)
CELL_FONT_PX = 12
HEATMAP_MARGIN = {"l": 8, "r": 8, "t": 56, "b": 8}
# ColorBrewer's Blues, white-blue at 0 % of the goal to navy at 100 % (and over).
COLORSCALE = tuple((i / (len(plotly.colors.sequential.Blues) - 1), color)
                   for i, color in enumerate(plotly.colors.sequential.Blues))
ABSENT = "—"

Progress = tuple[int | None, int | None]  # (meta alcanzada, meta programada) in one version


def version_tick(label: str) -> str:
    """ "v3 01/12/2026" as "v3" over "01/12/2026" (plain text, one <br> of the code's own)."""
    return "<br>".join(plain_text(part) for part in label.split(" ", 1))


def goal_pct(achieved: int | None, programmed: int | None) -> float | None:
    """How much of the goal is achieved, in %; None without a goal or without an achieved count."""
    if not programmed or achieved is None:
        return None
    return achieved / programmed * 100


def progress_text(cell: Progress | None) -> str:
    """ "6 de 20 (30.0 %)"; "—" for an activity the version does not have."""
    if cell is None:
        return ABSENT
    achieved, programmed = cell
    done = "sin dato" if achieved is None else fmt_count(achieved)
    if not programmed:
        return f"{done} (sin meta programada)"
    pct = goal_pct(achieved, programmed)
    return f"{done} de {fmt_count(programmed)}" + ("" if pct is None else f" ({fmt_pct(pct)})")


def _cell_text(cell: Progress | None) -> str:
    """The hover's text on two lines, so that it fits a narrow cell: "6 de 20" over "30.0 %"."""
    text = progress_text(cell)
    head, _, tail = text.partition(" (")
    return f"{head}<br>{tail.rstrip(')')}" if tail else head


def spread(count: int, most: int) -> list[int]:
    """At most `most` of the positions 0…count-1, evenly apart: the first, every k-th and the
    last (which never crowds the one before it)."""
    step = max(1, math.ceil(count / most))
    picked = [i for i in range(count) if i % step == 0 or i == count - 1]
    if len(picked) > 1 and picked[-1] - picked[-2] < step:
        picked.pop(-2)
    return picked


def index_history(points: Sequence[tuple[str, float | None]]) -> go.Figure:
    """Índice de Eficiencia of each version, in upload order: (label, index %) pairs. A label
    such as "v3 01/12/2026" is the hover's; the axis shows its first word, "v3"."""
    labels = [plain_text(label) for label, _ in points]
    values = [value for _, value in points]
    written = set(spread(len(values), MAX_POINT_LABELS))
    ticks = spread(len(labels), MAX_VERSION_TICKS)
    fig = go.Figure(
        go.Scatter(
            x=labels, y=values, mode="lines+markers+text",
            text=[fmt_pct(v) if i in written and v is not None else ""
                  for i, v in enumerate(values)],
            # the first and last values lean inwards, clear of the axis's labels and the edge
            textposition=["top center" if len(values) == 1 else "top right" if i == 0
                          else "top left" if i == len(values) - 1 else "top center"
                          for i in range(len(values))],
            cliponaxis=False, textfont={"size": CELL_FONT_PX + 1},
            line={"color": LINE_COLOR, "width": 3}, marker={"size": 10},
            hovertemplate="%{x}<br>Índice de Eficiencia: %{y:.1f} %<extra></extra>",
            name="Índice de Eficiencia",
        )
    )
    top = max([v for v in values if v is not None] or [0])
    fig.update_yaxes(title_text="Índice (%)", range=[0, max(100, top * 1.15)],
                     ticksuffix=" %", nticks=6, automargin=True, fixedrange=True)
    fig.update_xaxes(type="category", tickvals=[labels[i] for i in ticks],
                     ticktext=[plain_text(points[i][0].split(" ", 1)[0]) for i in ticks],
                     tickangle=0, title_text="Versión",
                     range=[-0.5, max(len(labels), 1) - 0.5], automargin=True, fixedrange=True,
                     ticks="outside", ticklen=6, tickcolor="rgba(0,0,0,0)")
    return _style(fig, height=320, margin={"l": 8, "r": 24, "t": 28, "b": 8})


def achieved_history(
    versions: Sequence[str],
    activities: Sequence[str],
    progress: Sequence[Sequence[Progress | None]],
) -> go.Figure:
    """Each activity (rows) in each version (columns): "6 de 20" and "30.0 %" in its cell, the
    cell coloured by the % of the activity's goal achieved (0 to 100 %; over 100 % as 100 %), so
    6 of 20 is darker than 6 of 50. `progress[i][j]` is activity i in version j, None when the
    version does not have it. The activity's name is written above its row, across the figure."""
    xs = [plain_text(v) for v in versions]
    names = [plain_text(a) for a in activities]
    z: list[list[float | None]] = []
    text: list[list[str]] = []
    custom: list[list[list[str]] | None] = []
    rows: list[str] = []
    for i, (name, cells) in enumerate(zip(names, progress, strict=True)):
        rows += [f"nombre {i}", f"avance {i}"]
        z.append([None] * len(xs))  # the name's row: a gap, the name written over it
        text.append([""] * len(xs))
        custom.append(None)
        z.append([None if c is None else goal_pct(*c) for c in cells])
        text.append([_cell_text(c) for c in cells])
        custom.append([[name, progress_text(c)] for c in cells])
    heatmap = go.Heatmap(
        z=z, x=xs, y=rows, text=text, texttemplate="%{text}",
        textfont={"size": CELL_FONT_PX}, customdata=custom,
        colorscale=[list(step) for step in COLORSCALE], zmin=0, zmax=100, showscale=False,
        xgap=2, ygap=0, hoverongaps=False,
        hovertemplate="%{customdata[0]}<br>%{x}: %{customdata[1]}<extra></extra>",
    )
    fig = go.Figure(heatmap)
    for i, name in enumerate(names):
        fig.add_annotation(
            text=name, x=0, xref="paper", xanchor="left", y=f"nombre {i}", yref="y",
            yanchor="middle", showarrow=False, font={"size": 13, "color": TEXT_COLOR},
            name=f"actividad {i}",
        )
    fig.update_yaxes(type="category", autorange="reversed", showticklabels=False,
                     showgrid=False, zeroline=False, fixedrange=True)
    fig.update_xaxes(type="category", side="top", tickvals=xs,
                     ticktext=[version_tick(v) for v in versions], tickfont={"size": TICK_FONT_PX},
                     tickangle=0, showgrid=False, fixedrange=True, automargin=True)
    height = 2 * ROW_PX * max(len(names), 1)
    return _style(fig, height=height + HEATMAP_MARGIN["t"] + HEATMAP_MARGIN["b"],
                  margin=HEATMAP_MARGIN)
