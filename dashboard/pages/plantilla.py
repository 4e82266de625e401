"""Plantilla oficial: the planning unit downloads the workbook each área fills in every month.

No callback: a native `<select>` and a button in a plain GET form (it works without JavaScript and
with any screen reader), and one direct link per POA. The file is written by the download route
(`dashboard.report.template_route`), from the POA's current version.
"""

from __future__ import annotations

import dash
import dash_bootstrap_components as dbc
from dash import html
from sqlalchemy.orm import Session

from dashboard import auth
from dashboard.report.template_route import PATH, template_url
from dashboard.services import get_services
from loaders.examples import is_example
from loaders.model import TEMPLATE_FORMAT
from loaders.store.queries import list_plans, list_versions
from loaders.text import fmt_date

dash.register_page(__name__, path="/plantilla", name="Plantilla",
                   title="Plantilla oficial — Tablero POA", order=6, permission=auth.UPLOAD)

SELECT = "plantilla-poa"
TITLE = "Plantilla oficial del POA"


def not_allowed() -> html.Div:
    login = dash.get_relative_path(auth.LOGIN_PATH) + "?siguiente=" + dash.get_relative_path(
        "/plantilla")
    return html.Div([
        html.H1(TITLE, className="page-title h2"),
        dbc.Alert(["Sólo la Unidad de Planeación y administración emiten la plantilla oficial. ",
                   html.A("Ingresar", href=login, className="alert-link")],
                  color="info", id="plantilla-not-allowed"),
    ])


def _rows() -> list[tuple]:
    """(plan, its current version) for every POA with a version, in the navbar's order with the
    example POAs last (the first one is the form's default)."""
    with Session(get_services().engine) as session:
        plans = sorted((p for p in list_plans(session) if p.current_version_id is not None),
                       key=lambda p: is_example(p.area, p.direccion))
        versions = {v.id: v for v in list_versions(session)}
    return [(p, versions[p.current_version_id]) for p in plans]


def layout(**query) -> html.Div:
    if not auth.allowed(auth.UPLOAD):
        return not_allowed()
    rows = _rows()
    header = [
        html.H1(TITLE, className="page-title h2"),
        html.P("El libro que cada área llena cada mes: su POA vigente en el acomodo oficial, con "
               "la meta alcanzada y el % listos para actualizar.", className="lead"),
    ]
    if not rows:
        return html.Div([*header, dbc.Alert(
            "Todavía no hay POA cargados. Cargue primero el libro de un área en «Cargar POA».",
            color="info", id="plantilla-empty")])
    chosen = str(query.get("poa") or "")
    if chosen not in {str(p.id) for p, _ in rows}:
        chosen = str(rows[0][0].id)
    form = html.Form([
        dbc.Label("POA", html_for=SELECT, className="fw-bold"),
        html.Div([
            dbc.Select(id=SELECT, name="poa", value=chosen, className="plantilla-select",
                       style={"flex": "1 1 18rem", "maxWidth": "40rem"},
                       options=[{"label": f"{p.label} · versión {v.number} del "
                                          f"{fmt_date(v.uploaded_at)}", "value": str(p.id)}
                                for p, v in rows]),
            html.Button("Descargar plantilla (Excel)", type="submit", id="plantilla-download",
                        className="btn btn-primary"),
        ], className="d-flex flex-wrap gap-2 align-items-center"),
        html.Div("Se descarga la versión vigente del POA elegido, con la fecha de hoy.",
                 className="form-text"),
    ], action=dash.get_relative_path(PATH), method="get", id="plantilla-form",
        className="mb-4")
    table = dbc.Table([
        html.Thead(html.Tr([html.Th("POA"), html.Th("Versión vigente"), html.Th("Plantilla")])),
        html.Tbody([
            html.Tr([
                html.Td([html.Div(p.label), html.Small(p.direccion, className="text-muted")]),
                html.Td(f"{v.number} del {fmt_date(v.uploaded_at)}"),
                html.Td(html.A("Descargar", href=dash.get_relative_path(template_url(p.id)),
                               id=f"plantilla-link-{p.id}",
                               **{"aria-label": f"Descargar la plantilla de {p.label}"})),
            ]) for p, v in rows
        ]),
    ], striped=True, hover=True, responsive=True, id="plantilla-table", className="align-middle")
    return html.Div([
        *header,
        form,
        html.H2("Qué lleva", className="h5"),
        html.Ul([
            html.Li("Una portada que dice de qué POA y de qué versión sale (y la versión "
                    f"{TEMPLATE_FORMAT} del formato de la plantilla), y la hoja «Instrucciones» "
                    "en español sencillo."),
            html.Li("Las hojas del acomodo oficial (POA, Cronograma, Presupuesto, Observaciones y, "
                    "si la tiene, Alineación) con las actividades, metas, fechas y meses de la "
                    "versión vigente."),
            html.Li("Sólo se pueden cambiar las celdas de cada actividad en el Cronograma (de "
                    "«Responsable» a «fin»), con validaciones: metas y meta alcanzada enteras y "
                    "de 0 en adelante, fechas dentro del año fiscal, la unidad de medida y los "
                    "meses («X») de una lista. Encabezados, datos del área y nombres de las "
                    "actividades quedan protegidos (sin contraseña)."),
            html.Li("Al cargarla en «Cargar POA», el tablero la reconoce por su portada, la lee "
                    "tal cual y compara contra la versión de la que salió; si es de otra área o "
                    "de una versión anterior de la plantilla, lo dice como hallazgo."),
        ], className="mb-4"),
        html.H2("Todas las plantillas", className="h5"),
        table,
    ])
