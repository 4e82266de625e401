"""Datos abiertos: what the tablero publishes for anyone (Ley General de Transparencia, art. 70),
the ZIP to download at the navbar's fecha de corte, its files and a preview of its data
dictionary, and the read-only API.

Everything shown comes from the same `OpenData` the ZIP is written from
(`dashboard.open_data.published`), so the page, the ZIP and `python -m loaders exportar` agree.
"""

from __future__ import annotations

import re

import dash
import dash_bootstrap_components as dbc
from dash import dcc, html

from dashboard.components import scroll_region, stacked
from dashboard.open_data import download_url, file_name, published
from dashboard.services import get_services
from dashboard.state import parse_corte
from loaders.export.columns import TABLES
from loaders.export.dictionary import DICTIONARY, leeme
from loaders.text import fmt_date

dash.register_page(__name__, path="/datos", name="Datos abiertos",
                   title="Datos abiertos — Tablero POA", order=5.5)

DOWNLOAD = "datos-download"
FILES = "datos-files"
PREVIEW = "datos-dictionary"


def _points(value: float) -> str:
    return ("−" if value < 0 else "") + f"{abs(value):g}"


def demoted(markdown: str, levels: int = 2) -> str:
    """The dictionary's headings `levels` lower, under the page's own h1 and h2."""
    return re.sub(r"^(#{1,6}) ", lambda m: "#" * min(6, len(m[1]) + levels) + " ", markdown,
                  flags=re.MULTILINE)


def with_code(text: str) -> list:
    """A dictionary text as the page shows it: its `code` spans as <code>, not as backticks."""
    return [html.Code(part) if i % 2 else part for i, part in enumerate(text.split("`")) if part]


def _kpi(title: str, value: str, ident: str) -> dbc.Col:
    return dbc.Col(dbc.Card(dbc.CardBody([html.Div(title, className="kpi-title"),
                                          html.Div(value, className="kpi-value", id=ident)]),
                            className="kpi h-100"), xs=6, md=3)


def _files_table(data) -> dbc.Table:
    head = html.Thead(html.Tr([html.Th("Archivo"), html.Th("Qué contiene"),
                               html.Th("Renglones", className="text-end")]))
    rows = [html.Tr([
        html.Td([html.Code(f"{t.name}.csv"), " y ", html.Code(f"{t.name}.json")],
                className="text-nowrap"),
        html.Td(with_code(t.description)),
        html.Td(f"{len(data.rows[t.name]):,}", className="text-end"),
    ]) for t in TABLES]
    rows.append(html.Tr([html.Td(html.Code(DICTIONARY)),
                         html.Td("El diccionario de datos: cada archivo y cada columna, sus "
                                 "unidades y las reglas (abajo)."),
                         html.Td("—", className="text-end")]))
    return stacked(dbc.Table([head, html.Tbody(rows)], striped=True, size="sm", id=FILES,
                             className="align-middle"))


def layout(**query) -> html.Div:
    settings = get_services().settings
    as_of = parse_corte(query.get("corte"))
    data = published(as_of)
    generated = data.generated_at
    left_out = data.examples_left_out
    examples = ("hoy no hay ninguno que dejar fuera." if not left_out else
                "se deja fuera 1 POA de ejemplo o sintético." if left_out == 1 else
                f"se dejan fuera {left_out:,} POA de ejemplo o sintéticos.")
    green, yellow = _points(data.green_gap), _points(data.yellow_gap)
    who = ("Esta página, la descarga y la API están abiertas a cualquier persona."
           if settings.public_read else
           "La consulta de este tablero requiere una cuenta: esta página, la descarga y la API "
           "también.")
    return html.Div([
        html.Div([
            html.H1("Datos abiertos", className="page-title h2 mb-1"),
            html.Div(["Fecha de corte: ", html.Strong(fmt_date(as_of), className="corte-date"),
                      f" · datos generados el {fmt_date(generated)} a las {generated:%H:%M}"],
                     className="text-muted page-meta"),
        ], className="page-header mb-3"),
        html.P(["Las metas, el avance y el ejercicio del presupuesto de cada Programa Operativo "
                "Anual (POA) del municipio, como los muestra este tablero, en tablas ",
                html.Strong("CSV"), " y ", html.Strong("JSON"), " que se abren con Excel o con "
                "cualquier programa, con su diccionario de datos (Ley General de Transparencia, "
                "artículo 70). ", who], className="lead datos-lead"),
        html.Ul([
            html.Li(["Un renglón por POA: la ", html.Strong("versión vigente a la fecha de "
                     "corte"), " (la última cargada en o antes de ese día). Para publicar otra "
                     "fecha, cámbiela en «Fecha de corte», en la barra de arriba (en un "
                     "teléfono, dentro de «Menú»)."]),
            html.Li([html.Strong("Nunca incluye datos de ejemplo"), " (áreas marcadas "
                     f"«EJEMPLO» o «SINTÉTICO»): {examples}"]),
            html.Li(f"Semáforo: verde con una brecha (avance real − esperado) de {green} puntos "
                    f"o más, amarillo hasta {yellow}, rojo por debajo."),
        ], className="datos-rules"),
        dbc.Row([
            _kpi("POA publicados", f"{data.plans:,}", "datos-poas"),
            _kpi("Actividades", f"{len(data.rows['actividades']):,}", "datos-actividades"),
            _kpi("Partidas", f"{len(data.rows['presupuesto']):,}", "datos-partidas"),
            _kpi("POA de ejemplo fuera", f"{left_out:,}", "datos-ejemplos"),
        ], className="g-3 mb-3 kpi-row"),
        html.Div([
            html.A("Descargar datos abiertos (ZIP)", id=DOWNLOAD,
                   className="btn btn-primary",
                   href=dash.get_relative_path(download_url(as_of)),
                   download=file_name(as_of)),
            html.Span(f"{file_name(as_of)}: 4 tablas en CSV y en JSON, y {DICTIONARY}.",
                      className="text-muted small"),
        ], className="d-flex flex-wrap align-items-center gap-3 mb-4 no-print"),
        html.Section([html.H2("Archivos", className="h4"), _files_table(data)],
                     className="mb-4"),
        html.Section([
            html.H2(["Diccionario de datos (", html.Code(DICTIONARY), ")"], className="h4"),
            html.P("Lo que dice cada archivo y cada columna, con sus unidades; viene dentro del "
                   "ZIP.", className="text-muted"),
            scroll_region(dcc.Markdown(demoted(leeme(data)), className="datos-dictionary-text"),
                          "Diccionario de datos", id=PREVIEW),
        ], className="mb-4"),
        html.Section([
            html.H2("API de lectura", className="h4"),
            html.P(["Los mismos datos, POA por POA, en JSON: ",
                    html.A(html.Code("/api/v1/poa"), href=dash.get_relative_path("/api/v1/poa"),
                           id="datos-api-list"),
                    " lista los POA (filtros ", html.Code("municipio"), ", ", html.Code("area"),
                    " y ", html.Code("anio"), "; páginas con ", html.Code("pagina"), " y ",
                    html.Code("por_pagina"), ") y ", html.Code("/api/v1/poa/<clave>?corte="
                    "AAAA-MM-DD"), " da lo que muestra el Resumen de un POA, con todas sus "
                    "actividades y el presupuesto por partida. Desde la consola del servidor, ",
                    html.Code("python -m loaders exportar datos.zip --corte AAAA-MM-DD"),
                    " escribe este mismo ZIP."]),
        ]),
    ], className="datos-page")
