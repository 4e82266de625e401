"""The frame around every page: navbar from the page registry, POA/version/corte selectors."""

from __future__ import annotations

from urllib.parse import urlencode

import dash
import dash_bootstrap_components as dbc
from dash import Input, Output, State, ctx, dcc, html, no_update
from sqlalchemy.orm import Session

from dashboard import auth, ids
from dashboard.services import get_services
from dashboard.state import QUERY_KEYS, parse_corte, query_from_search, resolve


def account_menu() -> html.Div:
    """Who is signed in (and a way out), or a way in."""
    user = auth.current_user()
    login = dash.get_relative_path(auth.LOGIN_PATH)
    if user is None:
        return html.Div(html.A("Ingresar", href=login, className="btn btn-outline-light btn-sm",
                               id="nav-login"), className="nav-account")
    return html.Div([
        html.Span([user.display, " · ", html.Small(user.role_label)], id="nav-user",
                  className="text-light me-2"),
        html.A("Salir", href=dash.get_relative_path(auth.LOGOUT_PATH),
               className="btn btn-outline-light btn-sm", id="nav-logout"),
    ], className="nav-account d-flex align-items-center")


def navbar() -> dbc.Navbar:
    pages = sorted(dash.page_registry.values(), key=lambda p: (p.get("order") is None, p.get("order") or 0))
    links = [
        dbc.NavItem(
            dbc.NavLink(
                page["name"], href=page["relative_path"], active="exact",
                id={"type": ids.NAV_LINK, "path": page["path"]},
            )
        )
        for page in pages
        if page.get("nav", True) and auth.allowed(page.get("permission", auth.READ))
    ]
    selectors = html.Div(
        [
            html.Label("POA", htmlFor=ids.POA, className="nav-label"),
            dcc.Dropdown(id=ids.POA, clearable=False, className="nav-select nav-poa",
                         placeholder="Sin POA cargados"),
            html.Label("Versión", htmlFor=ids.VERSION, className="nav-label"),
            dcc.Dropdown(id=ids.VERSION, clearable=False, className="nav-select nav-version"),
            html.Label("Fecha de corte", htmlFor=ids.CORTE, className="nav-label"),
            dcc.DatePickerSingle(
                id=ids.CORTE, display_format="DD/MM/YYYY", month_format="MM/YYYY",
                first_day_of_week=1, clearable=False, className="nav-date",
            ),
            dbc.Button("Imprimir", id=ids.PRINT, color="light", outline=True,
                       className="ms-2", title="Imprimir esta página"),
        ],
        className="nav-selectors d-flex flex-wrap align-items-center gap-2",
    )
    return dbc.Navbar(
        dbc.Container(
            [
                dbc.NavbarBrand("Tablero POA", href="/", className="fw-bold"),
                dbc.Nav(links, navbar=True, className="me-auto"),
                selectors,
                account_menu(),
            ],
            fluid=True,
            className="flex-wrap gap-2",
        ),
        color="dark",
        dark=True,
        className="no-print mb-3",
    )


def frame() -> html.Div:
    return html.Div(
        [navbar(),
         dbc.Container(dbc.Alert(id=ids.ALERT, is_open=False, dismissable=True, color="danger",
                                 className="no-print"), fluid=True),
         dbc.Container(dash.page_container, fluid=True, className="page-body"),
         html.Div(id=ids.PRINT_DUMMY, hidden=True)],
        lang="es-MX",
    )


def register_callbacks(app: dash.Dash) -> None:
    @auth.callback(
        app, auth.READ,
        Output(ids.LOCATION, "search"),
        Output(ids.POA, "options"),
        Output(ids.POA, "value"),
        Output(ids.VERSION, "options"),
        Output(ids.VERSION, "value"),
        Output(ids.CORTE, "date"),
        Input(ids.LOCATION, "search"),
        Input(ids.POA, "value"),
        Input(ids.VERSION, "value"),
        Input(ids.CORTE, "date"),
    )
    def sync_selection(search, poa, version, corte):
        """URL -> selectors on load; selectors -> URL when the user changes one."""
        query = query_from_search(search)
        trigger = ctx.triggered_id
        if trigger == ids.POA:
            query = {"poa": poa, "corte": query.get("corte", corte)}
        elif trigger == ids.VERSION:
            query = {**query, "poa": poa, "version": version}
        elif trigger == ids.CORTE:
            query = {**query, "poa": poa, "version": version,
                     "corte": parse_corte(corte).isoformat()}
        with Session(get_services().engine) as session:
            selection, plans, versions = resolve(session, query)
        new_search = selection.query() if trigger in (ids.POA, ids.VERSION, ids.CORTE) else None
        return (
            new_search if new_search and new_search != search else no_update,
            [{"label": p.label, "value": p.id} for p in plans],
            selection.plan_id,
            [{"label": v.label, "value": v.id} for v in reversed(versions)],
            selection.version_id,
            selection.as_of.isoformat(),
        )

    @auth.callback(
        app, auth.READ,
        Output({"type": ids.NAV_LINK, "path": dash.ALL}, "href"),
        Input(ids.LOCATION, "search"),
        State({"type": ids.NAV_LINK, "path": dash.ALL}, "id"),
    )
    def keep_query_in_links(search, link_ids):
        keep = {k: v for k, v in query_from_search(search).items() if k in QUERY_KEYS}
        suffix = "?" + urlencode(keep) if keep else ""
        return [app.get_relative_path(link["path"]) + suffix for link in link_ids]

    app.clientside_callback(
        "function(n) { if (n) { window.print(); } return ''; }",
        Output(ids.PRINT_DUMMY, "children"),
        Input(ids.PRINT, "n_clicks"),
        prevent_initial_call=True,
    )
