"""Calidad de datos: every finding of the version, sortable and filterable, with an Excel copy
and a CSV copy."""

from __future__ import annotations

from collections import Counter

import dash
import dash_bootstrap_components as dbc
from dash import Input, Output, State, dash_table, dcc, html, no_update

from dashboard import auth, ids
from dashboard.components import SEVERITY_WORDS, empty_state, page_header
from dashboard.exports import findings_csv, findings_workbook
from dashboard.state import page_data, query_from_search
from loaders.codes import CODE_TITLES

dash.register_page(
    __name__, path="/calidad", name="Calidad de datos", title="Calidad de datos — Tablero POA",
    order=3,
)

TABLE = "calidad-table"
DOWNLOAD = "calidad-download"
DOWNLOAD_BUTTON = "calidad-download-button"
CSV_DOWNLOAD = "calidad-download-csv"
CSV_BUTTON = "calidad-download-csv-button"
SEVERITY_FILTER = "calidad-severity"


def rows_of(findings) -> list[dict]:
    return [
        {
            "severidad": SEVERITY_WORDS.get(f.severity, f.severity),
            "codigo": f.code,
            "actividad": f.activity if f.activity is not None else (f.partida or ""),
            "ubicacion": f.where,
            "mensaje": f.message,
        }
        for f in findings
    ]


def _counts_table(findings) -> dbc.Table:
    counts = Counter(f.code for f in findings)
    body = [
        html.Tr([html.Td(html.Code(code)), html.Td(CODE_TITLES.get(code, "")), html.Td(n)])
        for code, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    ]
    return dbc.Table(
        [html.Thead(html.Tr([html.Th("Código"), html.Th("Qué significa"), html.Th("Cuántos")])),
         html.Tbody(body)],
        size="sm", striped=True, id="calidad-counts",
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
                    dbc.Button("Descargar CSV", id=CSV_BUTTON, color="primary", outline=True),
                    dcc.Download(id=CSV_DOWNLOAD),
                ], className="d-flex flex-wrap align-items-center gap-3 mb-2 no-print"),
                dash_table.DataTable(
                    id=TABLE,
                    data=rows_of(shown),
                    columns=[
                        {"name": "Severidad", "id": "severidad"},
                        {"name": "Código", "id": "codigo"},
                        {"name": "Actividad / partida", "id": "actividad"},
                        {"name": "Ubicación", "id": "ubicacion"},
                        {"name": "Mensaje", "id": "mensaje"},
                    ],
                    sort_action="native",
                    filter_action="native",
                    filter_options={"case": "insensitive", "placeholder_text": "Filtrar…"},
                    page_action="none",
                    style_table={"overflowX": "auto"},
                    style_cell={"textAlign": "left", "whiteSpace": "normal", "height": "auto",
                                "fontSize": "15px", "padding": "4px 8px"},
                    style_header={"fontWeight": "bold"},
                    style_data_conditional=[
                        {"if": {"filter_query": '{severidad} = "Error"'},
                         "backgroundColor": "#fdecea"},
                    ],
                ),
            ], lg=9),
            dbc.Col([html.H2("Por código", className="h5"), _counts_table(findings)], lg=3),
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
        Output(TABLE, "data"),
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

    @auth.callback(
        app, auth.READ,
        Output(CSV_DOWNLOAD, "data"),
        Input(CSV_BUTTON, "n_clicks"),
        State(ids.LOCATION, "search"),
        prevent_initial_call=True,
    )
    def download_csv(n_clicks, search):
        data = page_data(query_from_search(search))
        if not n_clicks or data is None:
            return no_update
        return dcc.send_bytes(findings_csv(data.view.findings), file_name(data, "csv"),
                              type="text/csv")
