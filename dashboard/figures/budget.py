"""Budget figures: pure functions from EAEPE rows and monthly series to plotly figures.

Partida names, capítulos and conceptos come from a workbook: `plain_text` before Plotly.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import plotly.graph_objects as go

from dashboard.figures.markup import plain_text
from dashboard.figures.poa import _style
from loaders.text import fmt_money

COLORS = {"aprobado": "#95a5a6", "modificado": "#2c3e50", "ejercido": "#18bc9c",
          "calendario": "#e67e22"}


def by_partida(rows: Sequence) -> go.Figure:
    """Approved vs modified vs ejercido per partida (grouped bars, amounts written on hover)."""
    labels = [plain_text(f"{r.partida} {r.name[:28]}") for r in rows]
    fig = go.Figure()
    for key, title in (("aprobado", "Aprobado"), ("modificado", "Modificado"),
                       ("ejercido", "Ejercido")):
        values = [getattr(r, key) for r in rows]
        fig.add_bar(
            x=labels, y=values, name=title, marker_color=COLORS[key],
            text=[fmt_money(v) for v in values], textposition="none",
            hovertemplate="%{x}<br>" + title + ": %{text}<extra></extra>",
        )
    fig.update_layout(barmode="group", legend={"orientation": "h", "y": -0.25})
    fig.update_yaxes(tickprefix="$", separatethousands=True, title_text="Pesos")
    return _style(fig, height=380, margin={"l": 70, "r": 20, "t": 20, "b": 110})


def cumulative(spent: Sequence[float], calendar: Sequence[float], *, year: int,
               as_of: date | None = None) -> go.Figure:
    """Cumulative ejercido by month against the even calendar line of the modified budget."""
    months = [date(year, m, 1).isoformat() for m in range(1, 13)]
    shown = list(spent)
    if as_of is not None and as_of.year == year:
        shown = [v if m <= as_of.month else None for m, v in enumerate(spent, start=1)]
    fig = go.Figure()
    fig.add_scatter(x=months, y=list(calendar), name="Calendario parejo (modificado / 12 por mes)",
                    mode="lines", line={"color": COLORS["calendario"], "dash": "dash"},
                    text=[fmt_money(v) for v in calendar],
                    hovertemplate="%{x|%B}: %{text}<extra>Calendario</extra>")
    fig.add_scatter(x=months, y=shown, name="Ejercido acumulado", mode="lines+markers",
                    line={"color": COLORS["ejercido"], "width": 3},
                    text=[fmt_money(v) if v is not None else "" for v in shown],
                    hovertemplate="%{x|%B}: %{text}<extra>Ejercido</extra>")
    fig.update_xaxes(dtick="M1", tickformat="%b", range=[f"{year}-01-01", f"{year}-12-31"])
    fig.update_yaxes(tickprefix="$", separatethousands=True, rangemode="tozero")
    fig.update_layout(legend={"orientation": "h", "y": -0.2})
    return _style(fig, height=340, margin={"l": 70, "r": 20, "t": 20, "b": 70})


def drilldown(rows: Sequence) -> go.Figure:
    """Capítulo → concepto → partida, sized by modified budget; click to drill down."""
    ids, labels, parents, values, texts = [], [], [], [], []
    totals: dict[str, float] = {}
    spent: dict[str, float] = {}
    shown: dict[str, tuple[str, str]] = {}  # id -> (parent id, label)
    for r in rows:
        capitulo = plain_text(r.capitulo)
        concepto = f"{capitulo}/{plain_text(r.concepto)}"
        shown.setdefault(capitulo, ("", capitulo))
        shown.setdefault(concepto, (capitulo, plain_text(r.concepto)))
        for key in (capitulo, concepto):
            totals[key] = totals.get(key, 0) + r.modificado
            spent[key] = spent.get(key, 0) + r.ejercido
    for key in totals:
        parent, label = shown[key]
        ids.append(key)
        labels.append(label)
        parents.append(parent)
        values.append(max(totals[key], 0))
        texts.append(f"Ejercido {fmt_money(spent[key])} de {fmt_money(totals[key])}")
    for r in rows:
        parent = f"{plain_text(r.capitulo)}/{plain_text(r.concepto)}"
        ids.append(f"{parent}/{plain_text(r.partida)}")
        labels.append(plain_text(f"{r.partida} {r.name}"))
        parents.append(parent)
        values.append(max(r.modificado, 0))
        texts.append(f"Ejercido {fmt_money(r.ejercido)} de {fmt_money(r.modificado)}")
    fig = go.Figure(go.Treemap(
        ids=ids, labels=labels, parents=parents, values=values, text=texts,
        branchvalues="total", textinfo="label+text", maxdepth=2,
        hovertemplate="%{label}<br>%{text}<extra></extra>",
    ))
    return _style(fig, height=380, margin={"l": 4, "r": 4, "t": 24, "b": 4})
