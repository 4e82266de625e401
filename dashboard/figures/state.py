"""State overview figure: semáforo counts per municipio as stacked bars (one bar per group)."""

from __future__ import annotations

from collections.abc import Sequence

import plotly.graph_objects as go

from dashboard.figures.markup import plain_text
from dashboard.figures.poa import _spec
from dashboard.views import SEMAFORO_COLORS, SEMAFORO_ICONS, SEMAFORO_WORDS

LAYERS = ("rojo", "amarillo", "verde", None)


EXAMPLES_NOTE = "Incluye datos de ejemplo"


def semaforo_stack(tallies: Sequence, *, note: str | None = None) -> go.Figure:
    """`semaforo_stack_spec` as a `go.Figure`."""
    return go.Figure(semaforo_stack_spec(tallies, note=note))


def semaforo_stack_spec(tallies: Sequence, *, note: str | None = None) -> dict:
    """One horizontal bar per group (municipio or area), split by semáforo, worst on top.

    Takes any objects with `name`, `rojo`, `amarillo`, `verde` and `sin_datos`: the drawing grows
    with the number of groups, never with the number of activities. A plain dict (the page
    sends it as is); `semaforo_stack` gives the validated `go.Figure`. `note` is a line written
    under the axis, so that the chart says it even when saved alone (e.g. `EXAMPLES_NOTE`).
    """
    names = [plain_text(t.name) for t in tallies]  # municipio or area: typed by a user
    bars = []
    for key in LAYERS:
        values = [t.sin_datos if key is None else getattr(t, key) for t in tallies]
        if key is None and not any(values):
            continue
        word = SEMAFORO_WORDS[key]
        bars.append({
            "type": "bar", "orientation": "h", "y": names, "x": values,
            "name": f"{SEMAFORO_ICONS[key]} {word}",
            "marker": {"color": SEMAFORO_COLORS[key], "line": {"width": 0}},
            "hovertemplate": "%{y}: %{x:,d} actividades " + word.lower() + "<extra></extra>",
        })
    layout = {
        "barmode": "stack", "bargap": 0.25,
        "legend": {"orientation": "h", "y": 1.02, "x": 0, "yanchor": "bottom",
                   "traceorder": "normal"},
        "yaxis": {"autorange": "reversed", "automargin": True, "fixedrange": True},
        "xaxis": {"title": {"text": "Actividades"}, "separatethousands": True,
                  "fixedrange": True},
    }
    if note:  # on the axis's title: clear of the legend (two rows on a phone) and the toolbar
        layout["xaxis"]["title"]["text"] += f"<br><b>{plain_text(note)}</b>"
        layout["xaxis"]["automargin"] = True
    return _spec(bars, layout, height=90 + (24 if note else 0) + 22 * max(len(names), 1),
                 margin={"l": 8, "r": 16, "t": 40, "b": 64 if note else 40})
