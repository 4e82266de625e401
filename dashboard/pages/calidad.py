"""Calidad de datos: every finding of the version in an AG Grid (sortable, filterable), each led by
its Spanish title with the code small after it, with an Excel copy (built on the server) and a
CSV copy (the grid's own export of the rows as shown)."""

from __future__ import annotations

from collections import Counter

import dash
import dash_bootstrap_components as dbc
from dash import Input, Output, State, dcc, html, no_update

from dashboard import auth, ids
from dashboard.components import SEVERITY_WORDS, empty_state, page_header
from dashboard.exports import findings_workbook
from dashboard.grid import CSV_EXPORT_JS, grid
from dashboard.state import page_data, query_from_search
from loaders.codes import BUDGET_CODE_TITLES, CODE_TITLES

dash.register_page(
    __name__, path="/calidad", name="Calidad de datos", title="Calidad de datos — Tablero POA",
    order=3,
)

TABLE = "calidad-table"
DOWNLOAD = "calidad-download"
DOWNLOAD_BUTTON = "calidad-download-button"
CSV_BUTTON = "calidad-download-csv-button"
SEVERITY_FILTER = "calidad-severity"

# The grid's columns: the finding's Spanish title first (its code small after it), then where
# to correct it. Código, Actividad and Partida are hidden: the CSV holds them, in the columns of
# the Excel copy (dashboard.exports.FINDINGS_HEADERS).
COLUMNS = [
    {"field": "titulo", "headerName": "Hallazgo", "flex": 2, "minWidth": 210,
     "cellRenderer": "TextWithNote", "cellRendererParams": {"noteField": "codigo"},
     # the filter finds the title's words and the code («porcentaje», «PCT_MISMATCH»)
     "filterValueGetter": {"function": "params.data.titulo + ' ' + params.data.codigo"}},
    {"field": "severidad", "headerName": "Severidad", "width": 135, "minWidth": 120},
    {"field": "objeto", "headerName": "Actividad / partida", "width": 120, "minWidth": 105},
    {"field": "ubicacion", "headerName": "Ubicación", "width": 155, "minWidth": 130},
    {"field": "mensaje", "headerName": "Mensaje", "flex": 3, "minWidth": 260},
    {"field": "codigo", "headerName": "Código", "hide": True},
    {"field": "actividad", "headerName": "Actividad", "hide": True},
    {"field": "partida", "headerName": "Partida", "hide": True},
]
CSV_COLUMNS = ["severidad", "codigo", "actividad", "ubicacion", "mensaje", "partida"]


def code_title(code: str) -> str:
    """The Spanish title of a finding code (the code itself if it has none)."""
    return CODE_TITLES.get(code) or BUDGET_CODE_TITLES.get(code) or code


def rows_of(findings) -> list[dict]:
    return [
        {
            "titulo": code_title(f.code),
            "codigo": f.code,
            "severidad": SEVERITY_WORDS.get(f.severity, f.severity),
            "objeto": f.activity if f.activity is not None else (f.partida or None),
            "actividad": f.activity,
            "partida": f.partida,
            "ubicacion": f.where,
            "mensaje": f.message,
        }
        for f in findings
    ]


def _counts_table(findings) -> dbc.Table:
    counts = Counter(f.code for f in findings)
    body = [
        html.Tr([
            html.Td([html.Span(code_title(code)), " ", html.Code(code, className="finding-code")]),
            html.Td(n, className="text-end"),
        ])
        for code, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    ]
    return dbc.Table(
        [html.Thead(html.Tr([html.Th("Hallazgo"), html.Th("Cuántos", className="text-end")])),
         html.Tbody(body)],
        size="sm", striped=True, id="calidad-counts", className="calidad-counts",
    )


def layout(**query) -> html.Div:
    data = page_data(query)
    if data is None:
        return empty_state()
    findings = data.view.findings
    severity = query.get("severidad")
    selected = [severity] if severity in SEVERITY_WORDS else []
    shown = [f for f in findings if not selected or f.severity in selected]
    return html.Div([
        page_header("Calidad de datos", data),
        html.P(
            f"{len(findings)} hallazgos en esta versión a la fecha de corte. La ubicación indica "
            "la hoja y la celda del libro donde corregirlo.", className="text-muted",
        ),
        dbc.Row([
            dbc.Col([
                html.Div([
                    dbc.Checklist(
                        id=SEVERITY_FILTER, inline=True, value=selected,
                        options=[{"label": f" {w}", "value": s} for s, w in SEVERITY_WORDS.items()],
                    ),
                    dbc.Button("Descargar Excel", id=DOWNLOAD_BUTTON, color="primary",
                               className="ms-auto"),
                    dcc.Download(id=DOWNLOAD),
                    dbc.Button("Descargar CSV", id=CSV_BUTTON, color="primary", outline=True,
                               title="Las filas como se ven: con los filtros y el orden elegidos"),
                ], className="d-flex flex-wrap align-items-center gap-3 mb-2 no-print"),
                html.P("Deslice la tabla de lado para ver la ubicación y el mensaje.",
                       className="d-md-none small text-muted mb-1 no-print"),
                grid(
                    TABLE, COLUMNS, rows_of(shown),
                    csv_file=file_name(data, "csv"), csv_columns=CSV_COLUMNS,
                    options={"rowClassRules": {
                        "grid-row-error": "params.data.severidad == 'Error'"}},
                ),
            ], lg=9),
            dbc.Col([html.H2("Por tipo de hallazgo", className="h5 mt-3 mt-lg-0"),
                     _counts_table(findings)], lg=3),
        ]),
    ])


def file_name(data, extension: str) -> str:
    """`hallazgos_<área>_<año>_<corte>.<ext>`, with only safe characters."""
    plan = data.plan
    name = f"hallazgos_{plan.area or 'poa'}_{plan.fiscal_year}_{data.selection.as_of}.{extension}"
    return "".join(ch if ch.isalnum() or ch in "._-" else "_" for ch in name)


def register_callbacks(app: dash.Dash) -> None:
    @auth.callback(
        app, auth.READ,
        Output(TABLE, "rowData"),
        Input(SEVERITY_FILTER, "value"),
        State(ids.LOCATION, "search"),
        prevent_initial_call=True,
    )
    def filter_severity(selected, search):
        data = page_data(query_from_search(search))
        if data is None:
            return no_update
        return rows_of([f for f in data.view.findings if not selected or f.severity in selected])

    @auth.callback(
        app, auth.READ,
        Output(DOWNLOAD, "data"),
        Input(DOWNLOAD_BUTTON, "n_clicks"),
        State(ids.LOCATION, "search"),
        prevent_initial_call=True,
    )
    def download(n_clicks, search):
        data = page_data(query_from_search(search))
        if not n_clicks or data is None:
            return no_update
        return dcc.send_bytes(findings_workbook(data.view.findings), file_name(data, "xlsx"))

    # The grid's own CSV export: the rows as filtered and sorted on screen (assets/grid.js
    # escapes what a spreadsheet would run as a formula).
    app.clientside_callback(
        CSV_EXPORT_JS,
        Output(TABLE, "exportDataAsCsv"),
        Input(CSV_BUTTON, "n_clicks"),
        prevent_initial_call=True,
    )
