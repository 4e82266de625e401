"""Historial: every version of the selected POA, originals to download, comparison, progress."""

from __future__ import annotations

from datetime import date

import dash
import dash_bootstrap_components as dbc
from dash import Input, Output, State, html, no_update
from sqlalchemy.orm import Session

from dashboard import auth, ids
from dashboard.components import (
    empty_state,
    graph,
    page_header,
    pct,
    scroll_region,
    semaforo_badge,
    severity_badge,
    stacked,
)
from dashboard.downloads import original_url
from dashboard.figures import history as figures
from dashboard.figures.poa import short_name
from dashboard.services import get_services
from dashboard.state import PageData, VersionViews, page_data, query_from_search, version_views
from loaders.check.diff import ActivityComparison, VersionComparison, compare_versions
from loaders.check.progress import Thresholds
from loaders.check.reprogramming import RecordedReprogramming, heading
from loaders.model import Finding
from loaders.store.queries import finding_counts
from loaders.store.reprogramming import recorded
from loaders.text import activity_title, fmt_date

dash.register_page(__name__, path="/historial", name="Historial",
                   title="Historial — Tablero POA", order=5)

COMPARE_A = "historial-a"
COMPARE_B = "historial-b"
COMPARE_OUT = "historial-compare"
NAME_CHARS = 40  # an activity's name above its row of the heatmap: one line on a phone
# From this many versions on, the heatmap keeps VERSION_PX per version (its number over its date)
# and scrolls sideways by itself where the screen is narrower (a phone), never the page.
WIDE_VERSIONS = 4
VERSION_PX = 84


def versions_text(n: int) -> str:
    """ "1 versión cargada.", "3 versiones cargadas." """
    return f"{n:,} versión cargada." if n == 1 else f"{n:,} versiones cargadas."


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


def _cached(session: Session, version_id: int, as_of: date) -> VersionViews | None:
    """A stored version read back and viewed on `as_of`, through the per-worker cache (versions
    never change)."""
    return version_views(session, version_id, as_of, get_services().settings)


# -- the comparison -------------------------------------------------------------------------------


def _points(change: float | None) -> str:
    if change is None:
        return ""
    if round(change, 1) == 0:
        return " (sin cambio)"
    return f" ({change:+,.1f} puntos)"


def _activity_item(a: ActivityComparison) -> html.Li:
    lines = []
    for c in a.changes:
        if c.kind == "added":
            lines.append(html.Li("Agregada en esta versión"))
        elif c.kind == "removed":
            lines.append(html.Li("Eliminada en esta versión"))
        else:
            lines.append(html.Li(c.detail[:1].upper() + c.detail[1:]))
    if a.semaforo is not None:
        s = a.semaforo
        lines.append(html.Li(["Semáforo: ", semaforo_badge(s.before, s.before_label), " → ",
                              semaforo_badge(s.after, s.after_label)],
                             className="historial-semaforo"))
    return html.Li([html.Strong(a.title), html.Ul(lines)], className="mb-1")


def _finding_item(f: Finding) -> html.Li:
    named = f.message.startswith(("Actividad", "Partida"))  # the message names its row
    where = [f"Actividad {f.activity}" if f.activity is not None and not named else None,
             f"Partida {f.partida}" if f.partida and not named else None, f.where or None]
    place = " · ".join(w for w in where if w)
    return html.Li([severity_badge(f.severity), " ", html.Code(f.code), " ",
                    f"{place}: " if place else "", f.message])


def _findings_block(comparison: VersionComparison) -> html.Div:
    added, removed = comparison.findings_added, comparison.findings_removed
    if not added and not removed:
        return html.P("Hallazgos: los mismos en las dos versiones.", id="historial-diff-findings")
    parts = []
    if added:
        parts += [html.H4(f"Nuevos ({len(added):,})", className="h6 mb-1"),
                  html.Ul([_finding_item(f) for f in added], id="historial-findings-added")]
    if removed:
        parts += [html.H4(f"Ya no aparecen ({len(removed):,})", className="h6 mb-1"),
                  html.Ul([_finding_item(f) for f in removed], id="historial-findings-removed")]
    return html.Div([html.H3("Hallazgos", className="h5 mt-3"), *parts],
                    id="historial-diff-findings")


def comparison_body(comparison: VersionComparison, before: int, after: int,
                    as_of: date) -> html.Div:
    """The comparison in words: summary, index, each activity by number and name with its
    changes and semáforo, the budget, and the findings added or gone."""
    diff = comparison.diff
    activities = comparison.activities
    budget = comparison.budget_changes
    return html.Div([
        html.P(f"De la versión {before} a la {after}, a la fecha de corte {fmt_date(as_of)}: "
               f"{diff.summary}.", id="historial-diff-summary"),
        html.P(["Índice de Eficiencia: ",
                html.Strong(f"{pct(comparison.index_before)} → {pct(comparison.index_after)}"),
                _points(comparison.index_change)], id="historial-diff-index"),
        html.Div([
            html.H3(f"Actividades ({len(activities):,})", className="h5 mt-3"),
            html.Ul([_activity_item(a) for a in activities], id="historial-diff-list",
                    className="historial-activities"),
        ]) if activities else None,
        html.Div([
            html.H3("Presupuesto", className="h5 mt-3"),
            html.Ul([html.Li(c.message) for c in budget], id="historial-diff-budget"),
        ]) if budget else None,
        _findings_block(comparison),
    ])


def compare_view(before_id: int | str | None, after_id: int | str | None,
                 as_of: date) -> html.Div:
    if not before_id or not after_id:
        return html.P("Elija dos versiones.")
    if str(before_id) == str(after_id):
        return html.P("Es la misma versión: elija dos versiones distintas para compararlas.",
                      id="historial-diff-summary")
    settings = get_services().settings
    with Session(get_services().engine) as session:
        before = _cached(session, int(before_id), as_of)
        after = _cached(session, int(after_id), as_of)
    if before is None or after is None or before.loaded.plan.id != after.loaded.plan.id:
        return html.P("Elija dos versiones del mismo POA.")
    comparison = compare_versions(
        before.loaded.doc, after.loaded.doc, as_of,
        Thresholds(settings.green_gap, settings.yellow_gap),
        findings_before=before.view.findings, findings_after=after.view.findings)
    return comparison_body(comparison, before.loaded.version.number,
                           after.loaded.version.number, as_of)


# -- the reprogramaciones ---------------------------------------------------------------------------


def _activity_name(data: PageData, number: int) -> str:
    """ "Actividad 2, Apoyo a deportados": as the version shown names it ("Actividad 2" when
    that version does not have it)."""
    a = data.loaded.doc.activity(number)
    if a is None:
        return heading(number, "", "")
    return heading(number, a.label, a.name or a.name_cronograma or "")


def reprogrammings_view(data: PageData, rows: list[RecordedReprogramming]) -> html.Div:
    """Every reprogramación of the POA over the year: version, date, activity, change, motivo and
    who approved it."""
    if not rows:
        return html.P("Ninguna versión cambió la meta anual, la meta programada, el inicio o el fin "
                      "de una actividad.", id="historial-reprogrammings")
    head = ("Versión", "Fecha", "Actividad", "Cambio", "Motivo", "Aprobó")
    body = [html.Tr([
        html.Td(f"v{r.version_number}"),
        html.Td(fmt_date(r.approved_at)),
        html.Td(_activity_name(data, r.activity)),
        html.Td(r.change_text),
        html.Td(r.justification, className="reprogramming-list"),
        html.Td(r.approved_by),
    ]) for r in rows]
    return html.Div([
        html.P(f"{len(rows):,} " + ("reprogramación" if len(rows) == 1 else "reprogramaciones")
               + " en el año. El semáforo de cada versión sigue la meta vigente en ella.",
               className="text-muted"),
        stacked(dbc.Table([html.Thead(html.Tr([html.Th(h) for h in head])), html.Tbody(body)],
                          striped=True, size="sm", className="align-middle",
                          id="historial-reprogrammings-table")),
    ], id="historial-reprogrammings")


# -- the page -------------------------------------------------------------------------------------


def _progress_figures(views: list[VersionViews]) -> dbc.Row:
    labels = [f"v{c.loaded.version.number} {c.loaded.version.uploaded_at:%d/%m/%Y}"
              for c in views]
    indexes = [c.view.index_pct for c in views]
    numbers = sorted({a.number for c in views for a in c.loaded.doc.activities})
    titles: dict[int, str] = {}
    for c in views:  # the latest version's name of each activity
        for a in c.loaded.doc.activities:
            titles[a.number] = activity_title(a.label, a.number, a.name or a.name_cronograma or "")
    progress = [
        [(a.achieved, a.programmed) if (a := c.loaded.doc.activity(n)) else None for c in views]
        for n in numbers
    ]
    heatmap = graph(figures.achieved_history(
        labels, [short_name(titles[n], NAME_CHARS) for n in numbers], progress),
        mode_bar=False, id="historial-achieved-chart")
    if len(views) >= WIDE_VERSIONS:  # narrow cells would crowd their text: scroll instead
        heatmap = scroll_region(
            html.Div(heatmap, style={"minWidth": f"{VERSION_PX * len(views) + 16}px"}),
            "Meta alcanzada por actividad y versión (se desplaza a los lados)")
    return dbc.Row([
        dbc.Col([html.H3("Índice de Eficiencia por versión", className="h6"),
                 graph(figures.index_history(list(zip(labels, indexes, strict=True))),
                       mode_bar=False, id="historial-index-chart")], lg=5),
        dbc.Col([html.H3("Meta alcanzada por actividad y versión", className="h6 mb-0"),
                 html.P("El color dice qué parte de la meta programada de la actividad se "
                        "alcanzó (más oscuro, más cerca del 100 %).",
                        className="text-muted small mb-1"),
                 heatmap], lg=7),
    ])


def layout(**query) -> html.Div:
    data = page_data(query)
    if data is None:
        return empty_state()
    as_of = data.selection.as_of
    with Session(get_services().engine) as session:
        counts = finding_counts(session, data.plan.id)
        reprogrammings = recorded(session, data.plan.id)
        views = [c for v in data.versions if (c := _cached(session, v.id, as_of)) is not None]
    indexes = {c.loaded.version.id: c.view.index_pct for c in views}
    options = [{"label": f"v{v.number} · {v.uploaded_at:%d/%m/%Y %H:%M}", "value": str(v.id)}
               for v in reversed(data.versions)]
    latest = data.versions[-1].id
    if len(data.versions) > 1:
        previous = data.versions[-2].id
        comparison = [
            dbc.Row([
                dbc.Col([dbc.Label("Antes", html_for=COMPARE_A),
                         dbc.Select(id=COMPARE_A, options=options, value=str(previous))], md=4),
                dbc.Col([dbc.Label("Después", html_for=COMPARE_B),
                         dbc.Select(id=COMPARE_B, options=options, value=str(latest))], md=4),
            ], className="g-2 mb-2 no-print"),
            html.Div(compare_view(previous, latest, as_of), id=COMPARE_OUT),
        ]
    else:
        comparison = [html.P("Hay una sola versión: cuando se cargue otra, aquí se verá qué "
                             "cambió.", id="historial-diff-summary")]
    return html.Div([
        page_header("Historial de versiones", data),
        html.P(versions_text(len(data.versions)), id="historial-count"),
        _versions_table(data, counts, indexes),
        html.H2("Reprogramaciones de metas", className="h4 mt-4"),
        reprogrammings_view(data, reprogrammings),
        html.H2("Comparar dos versiones", className="h4 mt-4"),
        *comparison,
        html.H2("Avance a lo largo del año", className="h4 mt-4"),
        _progress_figures(views),
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
    def compare_versions_shown(before, after, search):
        data = page_data(query_from_search(search))
        if data is None:
            return no_update
        return compare_view(before, after, data.selection.as_of)
