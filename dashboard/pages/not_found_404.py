"""Any address that is not a page: a Spanish 404 with a way back."""

from __future__ import annotations

import dash
import dash_bootstrap_components as dbc
from dash import dcc, html

dash.register_page(__name__, name="Página no encontrada", title="No encontrada — Tablero POA",
                   nav=False)


def layout(**_query) -> dbc.Alert:
    return dbc.Alert(
        [html.H1("Página no encontrada", className="page-title h3"),
         html.P("La dirección no corresponde a ninguna página del tablero."),
         dcc.Link("Ir al resumen", href=dash.get_relative_path("/"))],
        color="warning", className="mt-4",
    )
