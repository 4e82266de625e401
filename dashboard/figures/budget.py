"""Budget figures: pure functions from EAEPE rows and monthly series to plotly figures.

Partida names, capítulos and conceptos come from a workbook: `plain_text` before Plotly.
An overspent partida («Sobregirada»: ejercido above its modified budget, `EaepeRow.overspent`)
is red in every figure, and says so in words beside the colour.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import plotly.graph_objects as go

from dashboard.figures.markup import plain_text
from dashboard.figures.poa import TEXT_COLOR, _style
from loaders.text import fmt_money, fmt_pct

# Bars and lines on white: each at least 3:1 against the page (WCAG 1.4.11).
COLORS = {"aprobado": "#7f8c8d", "modificado": "#2c3e50", "ejercido": "#0f7b65",
          "calendario": "#b35900"}
# The semáforo's rojo: white text on it 5.6:1.
OVERSPENT_COLOR = "#c62828"
OVERSPENT_WORD = "Sobregirada"
OVERSPENT_TRACE = "Ejercido sobregirado"
# The word on a white page: #a4161a, 7.7:1.
OVERSPENT_TEXT = "#a4161a"
ON_DARK, ON_LIGHT = "#ffffff", TEXT_COLOR
# The treemap's palette, one hue per capítulo of the Clasificador por Objeto del Gasto (by its
# first digit). A partida's tile is the full colour with white text (6.2:1 or more); its concepto
# and capítulo are tints of it with near-black text.
CAPITULO_COLORS = {"1": "#4f5d5e", "2": "#1f5f8b", "3": "#0f6e5b", "4": "#6b4c9a",
                   "5": "#8a5300", "6": "#7b3f61"}
OTHER_CAPITULO = "#5d6d6e"
TINTS = {"capitulo": 0.86, "concepto": 0.68}  # how much white is mixed into the colour
LABEL_CHARS = 20  # a partida's name on the bars' axis, cut with «…»
HEADER_CHARS = 30  # a capítulo or concepto on the treemap
TREEMAP_FONT = 13  # px; never below 12 (uniformtext hides a label rather than shrink it)
MIN_FONT = 12
TILE_CHARS = 18  # a partida's name on its tile
# Legends below the plot, at the foot of the figure (`yref: container`), so that they never
# meet the axis labels (which push the plot up with automargin) nor the toolbar at the top.
LEGEND = {"orientation": "h", "x": 0, "xanchor": "left", "yref": "container", "y": 0,
          "yanchor": "bottom", "traceorder": "normal"}


def short(text: str, limit: int = LABEL_CHARS) -> str:
    """`text` cut to `limit` characters with «…» (before `plain_text`: entities stay whole)."""
    text = " ".join(str(text or "").split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def tint(color: str, white: float) -> str:
    """`color` mixed with `white` parts of white (0 = the colour, 1 = white)."""
    value = color.lstrip("#")
    rgb = [int(value[i:i + 2], 16) for i in (0, 2, 4)]
    return "#" + "".join(f"{round(c + (255 - c) * white):02x}" for c in rgb)


def heading(text: str) -> str:
    """A capítulo or concepto of the catalogue (written in capitals) as «2100 Materiales de
    administración…»: the code, then the name in sentence case, cut to `HEADER_CHARS`."""
    code, _, name = " ".join(str(text or "").split()).partition(" ")
    if name.isupper():
        name = name.capitalize()
    return short(f"{code} {name}".strip(), HEADER_CHARS)


def capitulo_color(capitulo: str) -> str:
    key = (capitulo or "").strip()[:1]
    return CAPITULO_COLORS.get(key, OTHER_CAPITULO)


def partida_label(r) -> str:
    """The bars' axis label: the code in bold, the short name below it, and for an overspent
    partida a third line in red, «⚠ Sobregirada» (the word beside the colour, on every
    screen width)."""
    name = short(r.name)
    lines = [f"<b>{plain_text(r.partida)}</b>"] + ([plain_text(name)] if name else [])
    if r.overspent:
        lines.append(f"<span style='color:{OVERSPENT_TEXT}'><b>⚠ {OVERSPENT_WORD}</b></span>")
    return "<br>".join(lines)


def by_partida(rows: Sequence) -> go.Figure:
    """Approved vs modified vs ejercido per partida: horizontal grouped bars, partidas top to
    bottom in the POA's order, their code and short name on the axis (never rotated), the legend
    at the foot. An overspent partida's ejercido bar is red, its % ejercido is written at the
    end of the bar and its axis label says «⚠ Sobregirada» in red."""
    labels = [partida_label(r) for r in rows]
    fig = go.Figure()
    for key, title in (("aprobado", "Aprobado"), ("modificado", "Modificado")):
        values = [getattr(r, key) for r in rows]
        fig.add_bar(
            y=labels, x=values, name=title, orientation="h", marker_color=COLORS[key],
            offsetgroup=key, text=[fmt_money(v) for v in values], textposition="none",
            hovertemplate="%{y}<br>" + title + ": %{text}<extra></extra>",
        )
    normal = [None if r.overspent else r.ejercido for r in rows]
    fig.add_bar(
        y=labels, x=normal, name="Ejercido", orientation="h", marker_color=COLORS["ejercido"],
        offsetgroup="ejercido", text=[fmt_money(v) if v is not None else "" for v in normal],
        textposition="none", hovertemplate="%{y}<br>Ejercido: %{text}<extra></extra>",
    )
    over = [r.ejercido if r.overspent else None for r in rows]
    if any(v is not None for v in over):
        fig.add_bar(
            y=labels, x=over, name=OVERSPENT_TRACE, orientation="h",
            marker_color=OVERSPENT_COLOR, offsetgroup="ejercido",
            text=[pct(r.pct_ejercido) if r.overspent else "" for r in rows],
            textposition="outside", cliponaxis=False,
            textfont={"color": OVERSPENT_TEXT, "size": 13},
            customdata=[fmt_money(r.ejercido) for r in rows],
            hovertemplate=("%{y}<br>Ejercido: %{customdata} (%{text})<extra></extra>"),
        )
    top = max([max(r.aprobado, r.modificado, r.ejercido) for r in rows] + [1.0])
    # Room at the right of the longest bar for «108.0 %».
    fig.update_xaxes(tickprefix="$", separatethousands=True, rangemode="tozero", nticks=5,
                     range=[0, top * (1.35 if any(v is not None for v in over) else 1.05)],
                     automargin=True)
    fig.update_yaxes(autorange="reversed", automargin=True, ticklabelstandoff=6)
    fig.update_layout(barmode="group", bargap=0.28, bargroupgap=0.08, legend=LEGEND)
    height = 150 + 62 * max(len(rows), 1)
    return _style(fig, height=height, margin={"l": 10, "r": 30, "t": 30, "b": 20})


def pct(value: float | None) -> str:
    return "" if value is None else fmt_pct(value)


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
    # Plotly picks one month a tick, or fewer on a narrow screen, rather than turning them.
    fig.update_xaxes(tickformat="%b", range=[f"{year}-01-01", f"{year}-12-31"],
                     automargin=True, ticklabelstandoff=6)
    fig.update_yaxes(tickprefix="$", separatethousands=True, rangemode="tozero", automargin=True)
    fig.update_layout(legend=LEGEND)
    return _style(fig, height=380, margin={"l": 10, "r": 16, "t": 30, "b": 20})


def _amounts(modificado: float, ejercido: float, pct: float | None) -> str:
    share = f" ({fmt_pct(pct)})" if pct is not None else ""
    return f"Modificado {fmt_money(modificado)}<br>Ejercido {fmt_money(ejercido)}{share}"


def _tile(r) -> str:
    """A partida's tile, in short lines: code, short name, ejercido «de» modificado, and the
    word when it is overspent."""
    share = f" ({fmt_pct(r.pct_ejercido)})" if r.pct_ejercido is not None else ""
    lines = [f"<b>{plain_text(r.partida)}</b>", plain_text(short(r.name, TILE_CHARS)),
             f"{fmt_money(r.ejercido)} de", f"{fmt_money(r.modificado)}{share}"]
    if r.overspent:
        lines.append(f"<b>⚠ {OVERSPENT_WORD}</b>")
    return "<br>".join(line for line in lines if line)


def drilldown(rows: Sequence) -> go.Figure:
    """Capítulo → concepto → partida, sized by modified budget; click a box to zoom into it.

    Every level is drawn at once; each capítulo has its own hue (`CAPITULO_COLORS`), its
    concepto and capítulo boxes a tint of it. A partida's tile says its code, short name,
    ejercido and modified amounts; an overspent one is red and says «⚠ Sobregirada». Labels are
    at least 12 px: one that does not fit its tile is hidden (still in the hover), not shrunk.
    """
    ids, labels, parents, values, texts, tiles, colors, inks = [], [], [], [], [], [], [], []
    totals: dict[str, float] = {}
    spent: dict[str, float] = {}
    shown: dict[str, tuple[str, str, str, str]] = {}  # id -> (parent id, label, level, hue)
    for r in rows:
        capitulo = plain_text(r.capitulo)
        concepto = f"{capitulo}/{plain_text(r.concepto)}"
        hue = capitulo_color(r.capitulo or r.partida)
        shown.setdefault(capitulo, ("", plain_text(heading(r.capitulo)), "capitulo", hue))
        shown.setdefault(concepto, (capitulo, plain_text(heading(r.concepto)), "concepto",
                                       hue))
        for key in (capitulo, concepto):
            totals[key] = totals.get(key, 0) + r.modificado
            spent[key] = spent.get(key, 0) + r.ejercido
    for key in totals:
        parent, label, level, hue = shown[key]
        ids.append(key)
        labels.append(label)
        parents.append(parent)
        values.append(max(totals[key], 0))
        pct = spent[key] / totals[key] * 100 if totals[key] else None
        texts.append(_amounts(totals[key], spent[key], pct))
        tiles.append("<b>%{label}</b>")
        colors.append(tint(hue, TINTS[level]))
        inks.append(ON_LIGHT)
    for r in rows:
        parent = f"{plain_text(r.capitulo)}/{plain_text(r.concepto)}"
        ids.append(f"{parent}/{plain_text(r.partida)}")
        labels.append(f"{plain_text(r.partida)} {plain_text(short(r.name, 40))}".strip())
        parents.append(parent)
        values.append(max(r.modificado, 0))
        text = _amounts(r.modificado, r.ejercido, r.pct_ejercido)
        if r.overspent:
            text += f"<br><b>⚠ {OVERSPENT_WORD}</b>: excede {fmt_money(r.excess)}"
        texts.append(text)
        tiles.append(_tile(r))
        colors.append(OVERSPENT_COLOR if r.overspent else capitulo_color(r.capitulo or r.partida))
        inks.append(ON_DARK)
    fig = go.Figure(go.Treemap(
        ids=ids, labels=labels, parents=parents, values=values, text=texts,
        branchvalues="total", maxdepth=-1, sort=False,
        texttemplate=tiles, textposition="top left",
        textfont={"size": TREEMAP_FONT, "color": inks},
        marker={"colors": colors, "line": {"color": "#ffffff", "width": 2},
                "pad": {"t": 22, "l": 3, "r": 3, "b": 3}},
        pathbar={"visible": True, "textfont": {"size": TREEMAP_FONT}},
        hovertemplate="<b>%{label}</b><br>%{text}<extra></extra>",
    ))
    fig.update_layout(uniformtext={"minsize": MIN_FONT, "mode": "hide"})
    return _style(fig, height=500, margin={"l": 4, "r": 4, "t": 30, "b": 4})
