"""The frame around every page: navbar from the page registry, POA/version/corte selectors."""

from __future__ import annotations

import json

import dash
import dash_bootstrap_components as dbc
from dash import Input, Output, State, ctx, html, no_update
from sqlalchemy.orm import Session

from dashboard import auth, ids
from dashboard.dates import date_input
from dashboard.services import get_services
from dashboard.state import QUERY_KEYS, parse_corte, query_from_search, resolve, version_notice

# The pages that show the chosen version (the version notice appears on them only), as
# `app.strip_relative_path` gives them.
VERSION_PAGES = {"", "metas", "cronograma", "calidad", "alineacion", "presupuesto", "historial"}
NAV_TOGGLER = "nav-toggler"  # the "Menú" button shown below 1200 px
NAV_COLLAPSE = "nav-collapse"  # what it folds: links, selectors, account

def account_menu() -> html.Div:
    """Who is signed in (and a way out), or a way in."""
    user = auth.current_user()
    login = dash.get_relative_path(auth.LOGIN_PATH)
    if user is None:
        return html.Div(html.A("Ingresar", href=login, className="btn btn-outline-light btn-sm",
                               id="nav-login"), className="nav-account")
    return html.Div([
        html.Span([user.display, html.Span([" · ", html.Small(user.role_label)],
                                           className="nav-role")],
                  id="nav-user", title=f"{user.display} · {user.role_label}",
                  className="text-light me-2"),
        html.A("Salir", href=dash.get_relative_path(auth.LOGOUT_PATH),
               className="btn btn-outline-light btn-sm", id="nav-logout"),
    ], className="nav-account d-flex align-items-center")


def navbar() -> dbc.Navbar:
    """Brand and a toggler; below 1200 px (Bootstrap's `xl`) the links, the selectors and the
    account fold behind the toggler, so a phone sees its content first and a 1024 × 768
    projector a one-row bar (unfolded there, the bar took five rows)."""
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
    # Native selects (dbc.Select): keyboard and screen readers work as in any form. Their values
    # are the ids as text ("4"); `state.resolve` reads either.
    selectors = html.Div(
        [
            html.Div([html.Label("POA", htmlFor=ids.POA, className="nav-label"),
                      dbc.Select(id=ids.POA, className="nav-select nav-poa", size="sm",
                                 placeholder="Sin POA cargados")], className="nav-field"),
            html.Div([html.Label("Versión", htmlFor=ids.VERSION, className="nav-label"),
                      dbc.Select(id=ids.VERSION, className="nav-select nav-version", size="sm")],
                     className="nav-field"),
            html.Div([html.Label("Fecha de corte", htmlFor=ids.CORTE, className="nav-label"),
                      date_input(ids.CORTE, class_name="nav-date", size="sm")],
                     className="nav-field"),
            dbc.Button("Imprimir", id=ids.PRINT, color="light", outline=True, size="sm",
                       title="Imprimir esta página", className="nav-print"),
        ],
        className="nav-selectors",
    )
    toggler = html.Button(
        [html.Span(className="navbar-toggler-icon"), html.Span("Menú", className="ms-2")],
        id=NAV_TOGGLER, type="button", className="navbar-toggler",
        **{"aria-controls": NAV_COLLAPSE, "aria-expanded": "false"},
    )
    return dbc.Navbar(
        dbc.Container(
            [
                dbc.NavbarBrand("Tablero POA", href="/", className="fw-bold"),
                toggler,
                dbc.Collapse(
                    [dbc.Nav(links, navbar=True, className="nav-links"), selectors,
                     account_menu()],
                    id=NAV_COLLAPSE, is_open=False, navbar=True,
                ),
            ],
            fluid=True,
        ),
        color="primary",
        dark=True,
        expand="xl",
        className="no-print mb-3 tablero-navbar",
    )


def frame() -> html.Div:
    """The page frame: navbar, alert, version notice, the page. (The date inputs bring their own
    Mantine providers: `dashboard/dates.py`.)"""
    return html.Div(
        [navbar(),
         dbc.Container(dbc.Alert(id=ids.ALERT, is_open=False, dismissable=True,
                                 color="danger", className="no-print"), fluid=True),
         dbc.Container(html.Div(id=ids.VERSION_NOTICE, hidden=True, role="status",
                                className="alert alert-warning version-notice py-2 mb-2"),
                       fluid=True),
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
        Output(ids.CORTE, "value"),
        Output(ids.VERSION_NOTICE, "children"),
        Output(ids.VERSION_NOTICE, "hidden"),
        Input(ids.LOCATION, "search"),
        Input(ids.POA, "value"),
        Input(ids.VERSION, "value"),
        Input(ids.CORTE, "value"),
        Input(ids.LOCATION, "pathname"),
    )
    def sync_selection(search, poa, version, corte, pathname):
        """URL -> selectors on load; selectors -> URL when the user changes one. A new fecha de
        corte picks its version again (the latest uploaded by then); the notice says when the
        version shown is another one."""
        query = query_from_search(search)
        trigger = ctx.triggered_id
        if trigger == ids.POA:
            query = {"poa": poa, "corte": query.get("corte", corte)}
        elif trigger == ids.VERSION:
            query = {**query, "poa": poa, "version": version}
        elif trigger == ids.CORTE:
            query = {**query, "poa": poa, "corte": parse_corte(corte).isoformat()}
            query.pop("version", None)
        with Session(get_services().engine) as session:
            selection, plans, versions = resolve(session, query)
        shows_version = app.strip_relative_path(pathname or "/") in VERSION_PAGES
        notice = version_notice(selection, versions) if shows_version else None
        new_search = selection.query() if trigger in (ids.POA, ids.VERSION, ids.CORTE) else None
        return (
            new_search if new_search and new_search != search else no_update,
            [{"label": p.label, "value": str(p.id)} for p in plans],
            _text(selection.plan_id),
            [{"label": v.label, "value": str(v.id)} for v in reversed(versions)],
            _text(selection.version_id),
            selection.as_of.isoformat(),
            notice or "",
            notice is None,
        )

    # The links keep the POA, version and corte of the address (`QUERY_KEYS`, the first
    # non-empty value of each, as `query_from_search` reads them). In the browser: it needs
    # nothing from the server, and the page's start waits for no answer of it.
    app.clientside_callback(
        """function(search, linkIds) {
            const keys = """ + json.dumps(list(QUERY_KEYS)) + """;
            const base = """ + json.dumps(app.config.requests_pathname_prefix.rstrip("/")) + """;
            const keep = new URLSearchParams();
            for (const [key, value] of new URLSearchParams(search || '')) {
                if (keys.includes(key) && value && !keep.has(key)) { keep.append(key, value); }
            }
            const suffix = keep.toString() ? '?' + keep.toString() : '';
            return linkIds.map(link => base + '/' + link.path.replace(/^\\//, '') + suffix);
        }""",
        Output({"type": ids.NAV_LINK, "path": dash.ALL}, "href"),
        Input(ids.LOCATION, "search"),
        State({"type": ids.NAV_LINK, "path": dash.ALL}, "id"),
    )

    # The toggler opens and closes the menu (and says so with aria-expanded); going to another
    # page closes it.
    app.clientside_callback(
        """function(n, pathname, isOpen) {
            const byToggler = (dash_clientside.callback_context.triggered || [])
                .some(t => t.prop_id.startsWith('""" + NAV_TOGGLER + """.'));
            const open = byToggler ? !isOpen : false;
            return [open, open ? 'true' : 'false'];
        }""",
        Output(NAV_COLLAPSE, "is_open"),
        Output(NAV_TOGGLER, "aria-expanded"),
        Input(NAV_TOGGLER, "n_clicks"),
        Input(ids.LOCATION, "pathname"),
        State(NAV_COLLAPSE, "is_open"),
    )

    app.clientside_callback(
        "function(n) { if (n) { window.print(); } return ''; }",
        Output(ids.PRINT_DUMMY, "children"),
        Input(ids.PRINT, "n_clicks"),
        prevent_initial_call=True,
    )


def _text(value: int | None) -> str | None:
    """A select's value: the id as text, as the browser reports the chosen option."""
    return None if value is None else str(value)
