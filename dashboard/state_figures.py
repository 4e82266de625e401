"""State overview figure: semáforo counts per municipio as stacked bars (one bar per group)."""

from __future__ import annotations

from collections.abc import Sequence

import plotly.graph_objects as go

from dashboard.figures import _style
from dashboard.views import SEMAFORO_COLORS, SEMAFORO_ICONS, SEMAFORO_WORDS

LAYERS = ("rojo", "amarillo", "verde", None)


def semaforo_stack(tallies: Sequence) -> go.Figure:
    """One horizontal bar per group (municipio or area), split by semáforo, worst on top.

    Takes any objects with `name`, `rojo`, `amarillo`, `verde`, `sin_datos` and `index_pct`:
    the drawing grows with the number of groups, never with the number of activities.
    """
    names = [t.name for t in tallies]
    fig = go.Figure()
    for key in LAYERS:
        values = [t.sin_datos if key is None else getattr(t, key) for t in tallies]
        if key is None and not any(values):
            continue
        word = SEMAFORO_WORDS[key]
        fig.add_bar(
            orientation="h", y=names, x=values, name=f"{SEMAFORO_ICONS[key]} {word}",
            marker={"color": SEMAFORO_COLORS[key], "line": {"width": 0}},
            hovertemplate="%{y}: %{x:,d} actividades " + word.lower() + "<extra></extra>",
        )
    fig.update_layout(barmode="stack", legend={"orientation": "h", "y": 1.02, "x": 0,
                                               "traceorder": "normal",
                                               "yanchor": "bottom"}, bargap=0.25)
    fig.update_yaxes(autorange="reversed", automargin=True, fixedrange=True)
    fig.update_xaxes(title_text="Actividades", separatethousands=True, fixedrange=True)
    return _style(fig, height=90 + 22 * max(len(names), 1),
                  margin={"l": 8, "r": 16, "t": 40, "b": 40})
