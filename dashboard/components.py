"""Small layout pieces shared by pages: headers, empty state, semáforo badges, number formats,
the Spanish date input."""

from __future__ import annotations

import dash_bootstrap_components as dbc
import plotly.graph_objects as go
from dash import dcc, html

from dashboard.state import PageData
from dashboard.views import SEMAFORO_COLORS, SEMAFORO_ICONS, SEMAFORO_WORDS
from loaders.text import fmt_date, fmt_pct

# No "Share chart…" (it uploads the figure to an outside service), no Chart Studio link.
GRAPH_CONFIG = {"locale": "es", "displaylogo": False, "responsive": True,
                "showSendToCloud": False, "showEditInChartStudio": False, "showLink": False}
SEVERITY_WORDS = {"error": "Error", "warning": "Advertencia", "info": "Aviso"}
SEVERITY_COLORS = {"error": "danger", "warning": "warning", "info": "info"}


def graph(figure: go.Figure | dict, *, mode_bar: bool = True, **kwargs) -> dcc.Graph:
    """A dcc.Graph as tall as its figure (a `go.Figure` or a figure dict), with the Spanish
    locale."""
    if isinstance(figure, dict):
        height = figure.get("layout", {}).get("height") or 450
    else:
        height = figure.layout.height or 450
    config = {**GRAPH_CONFIG, "displayModeBar": mode_bar}
    return dcc.Graph(figure=figure, config=config, style={"height": f"{height}px"}, **kwargs)


def pct(value: float | None) -> str:
    return "—" if value is None else fmt_pct(value)


def plan_subtitle(data: PageData) -> str:
    plan = data.plan
    parts = [plan.area or "Área no indicada"]
    if plan.direccion:
        parts.append(plan.direccion)
    if plan.municipio:
        parts.append(plan.municipio + (f", {plan.estado}" if plan.estado else ""))
    parts.append(f"POA {plan.fiscal_year}")
    return " · ".join(parts)


def page_header(title: str, data: PageData) -> html.Div:
    """Title, POA identity, version and fecha de corte (also the printed page's heading)."""
    version = data.loaded.version
    return html.Div(
        [
            html.H1(title, className="page-title h2 mb-1"),
            html.Div(plan_subtitle(data), className="page-subtitle lead mb-1"),
            html.Div(
                [
                    html.Span(f"Versión {version.number} del {fmt_date(version.uploaded_at)}"),
                    html.Span(" · "),
                    html.Span(
                        ["Fecha de corte: ", html.Strong(fmt_date(data.selection.as_of),
                                                         className="corte-date")]
                    ),
                ],
                className="text-muted page-meta",
            ),
        ],
        className="page-header mb-3",
    )


def empty_state() -> dbc.Alert:
    return dbc.Alert(
        [
            html.H2("Todavía no hay POA cargados", className="h4"),
            html.P("Cargue el libro del POA de un área para ver su avance aquí."),
        ],
        color="secondary",
        className="mt-4",
    )


# Text on each semáforo colour, at least 4.5:1 (WCAG AA): white on rojo #c62828 (5.6:1) and
# verde #1a7f37 (5.1:1); near-black on amarillo #d4a106 (6.5:1; white gave 2.4:1) and on the grey
# of "Sin datos" #8c8c8c (4.6:1; white gave 3.4:1).
SEMAFORO_TEXT = {"verde": "#ffffff", "amarillo": "#212529", "rojo": "#ffffff", None: "#212529"}


def semaforo_badge(semaforo: str | None, label: str | None = None) -> html.Span:
    """Colour plus icon plus word: never colour alone."""
    word = SEMAFORO_WORDS[semaforo]
    text = f"{SEMAFORO_ICONS[semaforo]} {word}" + (f" — {label}" if label else "")
    return html.Span(
        text,
        className="semaforo-badge",
        style={"backgroundColor": SEMAFORO_COLORS[semaforo], "color": SEMAFORO_TEXT[semaforo]},
        title=word,
    )


def severity_badge(severity: str) -> dbc.Badge:
    return dbc.Badge(SEVERITY_WORDS.get(severity, severity), color=SEVERITY_COLORS.get(severity))


def stacked(table: dbc.Table) -> dbc.Table:
    """`table`, readable on a phone: below 768 px each row becomes a block of «Header: value»
    lines instead of a row wider than the screen (class `table-stack` in tablero_accesible.css).
    Each body cell gets the text of its column's header as `data-label`, which the CSS shows
    before the value."""
    parts = table.children if isinstance(table.children, list | tuple) else [table.children]
    head = next((p for p in parts if isinstance(p, html.Thead)), None)
    head_row = getattr(head, "children", None)
    cells = getattr(head_row, "children", None) or []
    labels = [th.children if isinstance(getattr(th, "children", None), str) else ""
              for th in cells]
    for body in (p for p in parts if isinstance(p, html.Tbody)):
        for row in body.children or []:
            for label, cell in zip(labels, getattr(row, "children", None) or [], strict=False):
                if label and isinstance(cell, html.Td):
                    setattr(cell, "data-label", label)
    table.className = " ".join(filter(None, [getattr(table, "className", None), "table-stack"]))
    return table


def scroll_region(child, label: str, **kwargs) -> html.Div:
    """A box for a table that may be wider than the screen: it scrolls sideways by itself (never
    the page), and the keyboard can reach it (tabIndex 0) to scroll it with the arrows; `label`
    names it for screen readers (WCAG: a scrollable region must be reachable by keyboard)."""
    return html.Div(child, className="table-responsive scroll-region", tabIndex="0",
                    role="region", **{"aria-label": label}, **kwargs)
