"""Historial: every version of the selected POA, originals to download, comparison, progress."""

from __future__ import annotations

from datetime import date

import dash
import dash_bootstrap_components as dbc
from dash import Input, Output, State, html, no_update
from sqlalchemy.orm import Session

from dashboard import auth, ids
from dashboard.components import empty_state, graph, page_header, pct, stacked
from dashboard.downloads import original_url
from dashboard.figures import poa as figures
from dashboard.services import get_services
from dashboard.state import PageData, page_data, query_from_search, version_views
from loaders.check.diff import compare
from loaders.check.progress import efficiency_index
from loaders.store.queries import LoadedVersion, finding_counts

dash.register_page(__name__, path="/historial", name="Historial",
                   title="Historial — Tablero POA", order=5)

COMPARE_A = "historial-a"
COMPARE_B = "historial-b"
COMPARE_OUT = "historial-compare"


def _versions_table(data: PageData, counts: dict[int, dict[str, int]], indexes: dict) -> dbc.Table:
    rows = []
    for v in reversed(data.versions):
        c = counts.get(v.id, {})
        rows.append(html.Tr([
            html.Td(f"v{v.number}"),
            html.Td(v.uploaded_at.strftime("%d/%m/%Y %H:%M")),
            html.Td(v.uploaded_by),
            html.Td(v.file_name),
            html.Td(html.Code(v.sha256[:12]), title=v.sha256),
            html.Td(pct(indexes.get(v.id))),
            html.Td(f"{c.get('error', 0)} / {c.get('warning', 0)} / {c.get('info', 0)}"),
            html.Td(html.A("Descargar original", href=dash.get_relative_path(original_url(v.id)),
                           className="download-original", download=v.file_name)),
        ], className="table-primary" if v.id == data.selection.version_id else ""))
    head = ("Versión", "Cargada", "Por", "Archivo", "SHA-256", "Índice",
            "Errores / advertencias / avisos", "Original")
    return stacked(dbc.Table([html.Thead(html.Tr([html.Th(h) for h in head])), html.Tbody(rows)],
                             striped=True, size="sm", id="historial-versions"))


def _loaded(session: Session, version_id: int, as_of: date) -> LoadedVersion | None:
    """A stored version read back, through the per-worker cache (versions never change)."""
    cached = version_views(session, version_id, as_of, get_services().settings)
    return cached.loaded if cached else None


def compare_view(before_id: int | None, after_id: int | None, as_of: date) -> html.Div:
    if not before_id or not after_id:
        return html.P("Elija dos versiones.")
    with Session(get_services().engine) as session:
        before = _loaded(session, int(before_id), as_of)
        after = _loaded(session, int(after_id), as_of)
    if before is None or after is None or before.plan.id != after.plan.id:
        return html.P("Elija dos versiones del mismo POA.")
    diff = compare(before.doc, after.doc)
    return html.Div([
        html.P(f"De la versión {before.version.number} a la {after.version.number}: "
               f"{diff.summary}", id="historial-diff-summary"),
        html.Ul([html.Li(c.message) for c in diff.changes], id="historial-diff-list"),
    ])


def layout(**query) -> html.Div:
    data = page_data(query)
    if data is None:
        return empty_state()
    with Session(get_services().engine) as session:
        counts = finding_counts(session, data.plan.id)
        loaded = [_loaded(session, v.id, data.selection.as_of) for v in data.versions]
    indexes = {lv.version.id: efficiency_index(lv.doc.activities).pct for lv in loaded}
    labels = [f"v{lv.version.number} {lv.version.uploaded_at:%d/%m/%Y}" for lv in loaded]
    numbers = sorted({a.number for lv in loaded for a in lv.doc.activities})
    names = {a.number: a.name for lv in loaded for a in lv.doc.activities}
    achieved = [
        [(lv.doc.activity(n).achieved if lv.doc.activity(n) else None) for lv in loaded]
        for n in numbers
    ]
    options = [{"label": f"v{v.number} · {v.uploaded_at:%d/%m/%Y %H:%M}", "value": str(v.id)}
               for v in reversed(data.versions)]
    previous = data.versions[-2].id if len(data.versions) > 1 else data.versions[-1].id
    return html.Div([
        page_header("Historial de versiones", data),
        html.P(f"{len(data.versions)} versiones cargadas.", id="historial-count"),
        _versions_table(data, counts, indexes),
        html.H2("Comparar dos versiones", className="h4 mt-4"),
        dbc.Row([
            dbc.Col([dbc.Label("Antes", html_for=COMPARE_A),
                     dbc.Select(id=COMPARE_A, options=options, value=str(previous))], md=4),
            dbc.Col([dbc.Label("Después", html_for=COMPARE_B),
                     dbc.Select(id=COMPARE_B, options=options,
                                value=str(data.versions[-1].id))], md=4),
        ], className="g-2 mb-2 no-print"),
        html.Div(compare_view(previous, data.versions[-1].id, data.selection.as_of),
                 id=COMPARE_OUT),
        html.H2("Avance a lo largo del año", className="h4 mt-4"),
        dbc.Row([
            dbc.Col([html.H3("Índice de Eficiencia por versión", className="h6"),
                     graph(figures.index_history(list(zip(labels, indexes.values(),
                                                          strict=True))),
                           id="historial-index-chart")], lg=5),
            dbc.Col([html.H3("Meta alcanzada por actividad y versión", className="h6"),
                     graph(figures.achieved_history(
                         labels, [figures.short_name(f"{n}. {names[n]}", 40) for n in numbers],
                         achieved), id="historial-achieved-chart")], lg=7),
        ]),
    ])


def register_callbacks(app: dash.Dash) -> None:
    @auth.callback(
        app, auth.READ,
        Output(COMPARE_OUT, "children"),
        Input(COMPARE_A, "value"),
        Input(COMPARE_B, "value"),
        State(ids.LOCATION, "search"),
        prevent_initial_call=True,
    )
    def compare_versions(before, after, search):
        data = page_data(query_from_search(search))
        if data is None:
            return no_update
        return compare_view(before, after, data.selection.as_of)
