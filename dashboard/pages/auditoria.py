"""Auditoría (admin only): the audit trail, filterable, and the accounts. Nothing here edits.

The entries name a POA by its id ("(POA 4)", as they were written, never edited); the page shows
the POA's name instead, and names the POA of a version saved.
"""

from __future__ import annotations

import re
from datetime import date

import dash
import dash_bootstrap_components as dbc
from dash import Input, Output, html
from sqlalchemy.orm import Session

from dashboard import auth
from dashboard.components import stacked
from dashboard.dates import date_input
from dashboard.services import get_services
from loaders.store.accounts import list_users
from loaders.store.audit import ACTION_LABELS, AuditFilter, AuditRow, audit_entries
from loaders.store.queries import list_plans, list_versions

dash.register_page(__name__, path="/auditoria", name="Auditoría",
                   title="Auditoría — Tablero POA", order=7, permission=auth.ADMIN)

F_USER, F_ACTION, F_TEXT = "audit-user", "audit-action", "audit-text"
F_SINCE, F_UNTIL = "audit-since", "audit-until"
TABLE, COUNT = "audit-table", "audit-count"
LIMIT = 500
ALL_ACTIONS = "todas"  # not "": the native select keeps "" for its hidden placeholder
# "(POA 4)", "(POA 4, versión 2)", "…, POA 4)": how the entries name a POA.
POA_REFERENCE = re.compile(r"(?:(?<=\()|(?<=, ))POA (\d+)(?=[,)])")


def _date(value) -> date | None:
    try:
        return date.fromisoformat(str(value)[:10]) if value else None
    except ValueError:
        return None


def readable_detail(row: AuditRow, plans: dict[int, str], version_plans: dict[int, int]) -> str:
    """The entry's detail with each POA named ("POA «Migrantes y Ex braceros 2026 —
    Sombrerete»", not "POA 4"); an entry about a version gets the name of its POA."""

    def named(match: re.Match) -> str:
        label = plans.get(int(match.group(1)))
        return f"POA «{label}»" if label else match.group(0)

    detail = POA_REFERENCE.sub(named, row.detail)
    if row.version_id is not None and not POA_REFERENCE.search(row.detail):
        label = plans.get(version_plans.get(row.version_id, -1))
        if label:
            detail += f" · POA «{label}»"
    return detail


def entries_view(flt: AuditFilter) -> tuple[html.Div, str]:
    with Session(get_services().engine) as session:
        rows, total = audit_entries(session, flt, LIMIT)
        plans = {p.id: p.label for p in list_plans(session)}
        version_plans = ({v.id: v.plan_id for v in list_versions(session)}
                         if any(r.version_id is not None for r in rows) else {})
    shown = f"{total:,} registro" + ("" if total == 1 else "s")
    if total > LIMIT:
        shown += f"; se muestran los {LIMIT:,} más recientes"
    if not rows:
        return html.P("Ningún registro coincide con el filtro.", className="text-muted"), shown
    body = [html.Tr([html.Td(f"{r.at:%d/%m/%Y %H:%M:%S}", className="text-nowrap"),
                     html.Td(r.user), html.Td(r.action_label),
                     html.Td(readable_detail(r, plans, version_plans)),
                     html.Td(r.remote_addr or "—")]) for r in rows]
    head = ("Fecha y hora", "Usuario", "Acción", "Detalle", "Desde")
    return stacked(dbc.Table([html.Thead(html.Tr([html.Th(h) for h in head])), html.Tbody(body)],
                             size="sm", striped=True)), shown


def users_view() -> dbc.Table:
    with Session(get_services().engine) as session:
        users = list_users(session)
    head = ("Usuario", "Nombre", "Rol", "Áreas", "Activa", "Creada")
    return stacked(dbc.Table([
        html.Thead(html.Tr([html.Th(h) for h in head])),
        html.Tbody([html.Tr([html.Td(u.username), html.Td(u.full_name or "—"),
                             html.Td(u.role_label), html.Td(u.areas_text()),
                             html.Td("sí" if u.active else "no"),
                             html.Td(f"{u.created_at:%d/%m/%Y}")]) for u in users]),
    ], size="sm", striped=True, id="audit-users"))


def layout(**_query) -> html.Div:
    if not auth.allowed(auth.ADMIN):
        login = None
        if auth.current_user() is None:
            login = html.A("Ingresar", href=dash.get_relative_path(auth.LOGIN_PATH)
                           + "?siguiente=" + dash.get_relative_path("/auditoria"),
                           className="alert-link", id="audit-login")
        return html.Div([html.H1("Auditoría", className="page-title h2"),
                         dbc.Alert([auth.refusal_text(auth.ADMIN), " ", login], color="info",
                                   id="audit-not-allowed")])
    actions = [{"label": "Todas", "value": ALL_ACTIONS}] + [
        {"label": label, "value": code} for code, label in ACTION_LABELS.items()]
    table, shown = entries_view(AuditFilter())
    return html.Div([
        html.H1("Auditoría", className="page-title h2"),
        html.P("Quién hizo qué, cuándo y desde dónde: cargas (guardadas o rechazadas), versiones, "
               "movimientos del presupuesto, ingresos y cambios de cuentas. Los registros no se "
               "pueden modificar.", className="lead"),
        dbc.Row([
            dbc.Col([dbc.Label("Usuario", html_for=F_USER),
                     dbc.Input(id=F_USER, debounce=True, maxLength=80)], md=2),
            dbc.Col([dbc.Label("Acción", html_for=F_ACTION),
                     dbc.Select(id=F_ACTION, options=actions, value=ALL_ACTIONS)], md=3),
            dbc.Col([dbc.Label("Desde", html_for=F_SINCE),
                     date_input(F_SINCE, clearable=True)], md=2),
            dbc.Col([dbc.Label("Hasta", html_for=F_UNTIL),
                     date_input(F_UNTIL, clearable=True)], md=2),
            dbc.Col([dbc.Label("Texto en el detalle", html_for=F_TEXT),
                     dbc.Input(id=F_TEXT, debounce=True, maxLength=200)], md=3),
        ], className="g-2 mb-2 no-print"),
        html.P(shown, id=COUNT, className="text-muted"),
        html.Div(table, id=TABLE),
        html.H2("Cuentas", className="h4 mt-4"),
        html.P(["Se administran en la consola del servidor: ",
                html.Code("python -m dashboard users add|list|set-role|disable|enable|password"),
                "."], className="text-muted"),
        users_view(),
    ])


def register_callbacks(app: dash.Dash) -> None:
    @auth.callback(
        app, auth.ADMIN,
        Output(TABLE, "children"),
        Output(COUNT, "children"),
        Input(F_USER, "value"), Input(F_ACTION, "value"), Input(F_SINCE, "value"),
        Input(F_UNTIL, "value"), Input(F_TEXT, "value"),
        prevent_initial_call=True,
    )
    def filter_entries(user, action, since, until, text):
        auth.require(auth.ADMIN)
        action = "" if action == ALL_ACTIONS else str(action or "")
        flt = AuditFilter(user=str(user or "")[:80], action=action,
                          since=_date(since), until=_date(until), text=str(text or "")[:200])
        return entries_view(flt)
