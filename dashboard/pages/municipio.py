"""Municipio: every POA of the municipality on one screen, worst first — the president's view.

A list, not a sum: example POAs are listed (their name says so) and the page says how many there
are; the sums of the Estado page leave them out.
"""

from __future__ import annotations

from urllib.parse import urlencode

import dash
import dash_bootstrap_components as dbc
from dash import dcc, html
from sqlalchemy.orm import Session

from dashboard.components import empty_state, pct, stacked
from dashboard.services import get_services
from dashboard.state import parse_corte, version_views
from dashboard.views import SEMAFORO_ICONS, SEMAFORO_WORDS
from loaders.examples import is_example
from loaders.store.overview import current_versions
from loaders.store.queries import list_plans
from loaders.text import fmt_date, fmt_money

dash.register_page(__name__, path="/municipio", name="Municipio",
                   title="Municipio — Tablero POA", order=4)


def overview_rows(as_of) -> list[dict]:
    """One row per POA with a version: its index, semáforo counts and open findings."""
    services = get_services()
    rows = []
    with Session(services.engine) as session:
        shown = {v.plan_id: v.version_id for v in current_versions(session, None, as_of)}
        for plan in list_plans(session):
            if plan.id not in shown:
                continue
            # Cached per worker: a stored version never changes (see dashboard/state.py).
            cached = version_views(session, shown[plan.id], as_of, services.settings)
            if cached is None:
                continue
            loaded, view = cached.loaded, cached.view
            counts = view.counts
            total = len(view.activities) or 1
            rows.append({
                "plan": plan, "view": view, "version": loaded.version,
                "rojo": counts.get("rojo", 0), "amarillo": counts.get("amarillo", 0),
                "verde": counts.get("verde", 0),
                "errors": view.severity_counts.get("error", 0),
                "warnings": view.severity_counts.get("warning", 0),
                "risk": counts.get("rojo", 0) / total,
            })
    # Worst first: the largest share of activities in red, then the lowest index.
    return sorted(rows, key=lambda r: (-r["risk"], r["view"].index_pct or 0, r["plan"].label))


def layout(**query) -> html.Div:
    as_of = parse_corte(query.get("corte"))
    rows = overview_rows(as_of)
    if not rows:
        return empty_state()
    head = ["POA", "Dirección", "Índice de Eficiencia", "Esperado",
            f"{SEMAFORO_ICONS['rojo']} {SEMAFORO_WORDS['rojo']}",
            f"{SEMAFORO_ICONS['amarillo']} {SEMAFORO_WORDS['amarillo']}",
            f"{SEMAFORO_ICONS['verde']} {SEMAFORO_WORDS['verde']}",
            "Errores / advertencias", "Presupuesto"]
    body = []
    for r in rows:
        plan, view = r["plan"], r["view"]
        href = dash.get_relative_path("/") + "?" + urlencode(
            {"poa": plan.id, "corte": as_of.isoformat()})
        body.append(html.Tr([
            html.Td(dcc.Link(plan.label, href=href)),
            html.Td(plan.direccion),
            html.Td(pct(view.index_pct), className="fw-bold"),
            html.Td(pct(view.expected_index_pct)),
            html.Td(r["rojo"]), html.Td(r["amarillo"]), html.Td(r["verde"]),
            html.Td(f"{r['errors']} / {r['warnings']}"),
            html.Td(fmt_money(view.budget_total), className="text-end"),
        ]))
    municipios = sorted({r["plan"].municipio for r in rows if r["plan"].municipio})
    examples = sum(is_example(r["plan"].area, r["plan"].direccion) for r in rows)
    note = None
    if examples:
        some = ("1 es de ejemplo" if examples == 1 else f"{examples:,} son de ejemplo")
        note = html.P(f"De estos {len(rows):,} POA, {some} (datos ficticios; su nombre lo dice). "
                      "Se listan aquí, pero no se suman en las cifras del Estado.",
                      className="text-muted", id="municipio-ejemplos")
    return html.Div([
        html.Div([
            html.H1("Todos los POA del municipio", className="page-title h2 mb-1"),
            html.Div(", ".join(municipios) or "Municipio no indicado",
                     className="page-subtitle lead"),
            html.Div(["Fecha de corte: ", html.Strong(fmt_date(as_of), className="corte-date")],
                     className="text-muted page-meta"),
        ], className="page-header mb-3"),
        html.P("Ordenados del que más actividades tiene en rojo al que menos. Haga clic en un POA "
               "para ver su resumen.", className="text-muted"),
        note,
        stacked(dbc.Table([html.Thead(html.Tr([html.Th(h) for h in head])), html.Tbody(body)],
                          striped=True, hover=True, id="municipio-table",
                          className="align-middle")),
    ])
