"""Access control: every callback's permission is enforced on the server, whatever a client sends.

The app is the real one (real SQLite database with the sample POA), driven through Flask's test
client with real sign-ins through the `/ingresar` form.
"""

from __future__ import annotations

import json
import re

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from dashboard import auth
from dashboard.app import create_app
from loaders.settings import Settings
from loaders.store.accounts import add_user, set_active, set_role
from loaders.store.queries import list_plans
from loaders.store.schema import AuditEntry, MovementRow

PASSWORD = "clave-de-prueba-123"
SOMBRERETE = {"municipio": "Sombrerete", "area": "Migrantes y Ex braceros"}
# For each permission: an account that holds it, and one signed in with another role.
RIGHT = {auth.UPLOAD: "planea", auth.BUDGET: "directora", auth.ADMIN: "admin2"}
WRONG = {auth.UPLOAD: "directora", auth.BUDGET: "planea", auth.ADMIN: "planea"}


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    app = create_app(Settings(data_dir=tmp_path_factory.mktemp("access") / "data"))
    engine = services(app).engine
    for name, role, areas in (("consulta1", "consulta", None), ("planea", "planeacion", None),
                              ("directora", "direccion", [SOMBRERETE]),
                              ("otra", "direccion", [{"municipio": "", "area": "Obras"}]),
                              ("admin2", "admin", None)):
        add_user(engine, name, PASSWORD, role, areas=areas, by="prueba")
    app.server.test_client().get("/")  # Dash registers the Pages router at the first request
    yield app
    engine.dispose()


def services(app):
    return app.server.extensions["tablero_poa"]


def login(app, username: str, password: str = PASSWORD):
    client = app.server.test_client()
    page = client.get("/ingresar").get_data(as_text=True)
    token = re.search(r'name="csrf" value="([^"]+)"', page).group(1)
    response = client.post("/ingresar", data={"usuario": username, "contrasena": password,
                                              "csrf": token, "siguiente": "/metas"})
    return client, response


def signed_in(app, username: str):
    client, response = login(app, username)
    assert response.status_code == 302, response.get_data(as_text=True)
    return client


def _spec(part: str) -> dict:
    ident, prop = part.rsplit(".", 1)
    prop = prop.split("@")[0]
    return {"id": json.loads(ident) if ident.startswith("{") else ident, "property": prop}


def _inputs(specs: list[dict]) -> list:
    values = []
    for spec in specs:
        ident = spec["id"]
        if isinstance(ident, str) and ident.startswith("{"):
            values.append([])  # a pattern-matching ALL input with no matching component
        else:
            values.append({"id": ident, "property": spec["property"], "value": None})
    return values


def payload(key: str, entry: dict) -> dict:
    """The body the Dash renderer posts for this callback (inputs empty, as before any input)."""
    multi = key.startswith("..")
    outputs = [_spec(p) for p in key.strip(".").split("...")] if multi else _spec(key)
    first = next((s for s in entry["inputs"] if not str(s["id"]).startswith("{")), None)
    return {
        "output": key, "outputs": outputs, "inputs": _inputs(entry["inputs"]),
        "state": _inputs(entry["state"]),
        "changedPropIds": [f"{first['id']}.{first['property']}"] if first else [],
    }


def post(client, key: str, entry: dict):
    return client.post("/_dash-update-component", json=payload(key, entry))


def server_callbacks(app) -> dict[str, dict]:
    return {k: v for k, v in app.callback_map.items() if "callback" in v}


def test_every_server_callback_has_a_permission(app):
    policy = auth.policy(app)
    callbacks = server_callbacks(app)
    assert len(callbacks) >= 15
    assert set(callbacks) <= set(policy), set(callbacks) - set(policy)
    by_permission = {p: sorted(k for k in callbacks if policy[k] == p) for p in set(policy.values())}
    # The writes are where they must be: an upload callback cannot be registered as "read".
    assert all("carga-" in k for k in by_permission[auth.UPLOAD])
    assert len(by_permission[auth.UPLOAD]) == 7
    assert all("presupuesto-" in k for k in by_permission[auth.BUDGET])
    assert len(by_permission[auth.BUDGET]) == 3
    assert by_permission[auth.ADMIN] == ["..audit-table.children...audit-count.children.."]


def test_write_callbacks_refuse_unauthenticated_and_wrong_role_posts(app):
    policy = auth.policy(app)
    anonymous = app.server.test_client()
    consulta = signed_in(app, "consulta1")
    clients = {name: signed_in(app, name) for name in set(RIGHT.values()) | set(WRONG.values())}
    checked = 0
    for key, entry in server_callbacks(app).items():
        permission = policy[key]
        if permission == auth.READ:
            continue
        refused = post(anonymous, key, entry)
        assert refused.status_code == 401, key
        assert refused.get_json()["error"].startswith("Para ")
        assert post(consulta, key, entry).status_code == 403, key
        wrong = post(clients[WRONG[permission]], key, entry)
        assert wrong.status_code == 403, key
        assert "no tiene permiso" in wrong.get_json()["error"]
        # The same request from the right role passes the gate: the refusals above are the role.
        assert post(clients[RIGHT[permission]], key, entry).status_code in (200, 204), key
        checked += 1
    assert checked == 11


def test_client_side_and_unknown_outputs_are_refused(app):
    admin = signed_in(app, "admin2")
    clientside = [k for k, v in app.callback_map.items() if "callback" not in v]
    assert clientside  # the print button and the page title
    for key in clientside:
        assert admin.post("/_dash-update-component", json={"output": key}).status_code == 403
    forged = admin.post("/_dash-update-component",
                        json={"output": "carga-result.children", "inputs": []})
    assert forged.status_code == 403


def test_read_callbacks_are_open_when_reading_is_public(app):
    anonymous = app.server.test_client()
    policy = auth.policy(app)
    key = next(k for k, v in policy.items() if v == auth.READ and "metas-grid" in k)
    response = post(anonymous, key, app.callback_map[key])
    assert response.status_code in (200, 204)


def test_a_director_records_spending_only_for_its_own_area(app):
    engine = services(app).engine
    with Session(engine) as s:
        plans = {p.area: p.id for p in list_plans(s)}
        before = s.scalar(select(func.count()).select_from(MovementRow))
    key = next(k for k in server_callbacks(app) if k.startswith("..presupuesto-message.children."
                                                                "..presupuesto-body"))
    entry = app.callback_map[key]

    def movement(plan_id: int) -> dict:
        body = payload(key, entry)
        values = {"mov-registrar": 1, "mov-fecha": "2026-05-04", "mov-partida": "2111",
                  "mov-concepto": "Papelería", "mov-momento": "comprometido",
                  "mov-importe": 100.0, "_pages_location": f"?poa={plan_id}"}
        for item in body["inputs"] + body["state"]:
            item["value"] = values[item["id"]]
        return body

    other_area = next(p for a, p in plans.items() if a != "Migrantes y Ex braceros")
    otra = signed_in(app, "otra")  # a director, but of "Obras"
    refused = otra.post("/_dash-update-component", json=movement(plans["Migrantes y Ex braceros"]))
    assert refused.status_code == 200
    alert = refused.get_json()["sideUpdate"][auth_alert()]
    assert alert["children"].startswith("Su cuenta no tiene asignada el área de este POA")
    directora = signed_in(app, "directora")
    foreign = directora.post("/_dash-update-component", json=movement(other_area))
    assert "Su cuenta no tiene asignada" in foreign.get_json()["sideUpdate"][auth_alert()]["children"]
    with Session(engine) as s:
        assert s.scalar(select(func.count()).select_from(MovementRow)) == before
    saved = directora.post("/_dash-update-component",
                           json=movement(plans["Migrantes y Ex braceros"]))
    assert "Registrado: Comprometido de $100.00" in json.dumps(saved.get_json(),
                                                                ensure_ascii=False)
    with Session(engine) as s:
        row = s.execute(select(MovementRow).order_by(MovementRow.id.desc())).scalars().first()
        audit = s.execute(select(AuditEntry).where(AuditEntry.action == "movement_added")
                          .order_by(AuditEntry.id.desc())).scalars().first()
    assert (row.created_by, row.amount, row.partida) == ("directora", 100.0, "2111")
    assert (audit.user, audit.remote_addr) == ("directora", "127.0.0.1")


def auth_alert() -> str:
    from dashboard import ids

    return ids.ALERT


def test_role_change_and_disable_take_effect_on_the_next_request(app):
    engine = services(app).engine
    add_user(engine, "temporal", PASSWORD, "planeacion", by="prueba")
    client = signed_in(app, "temporal")
    key = next(k for k, v in auth.policy(app).items() if v == auth.UPLOAD and "carga-changes" in k)
    assert post(client, key, app.callback_map[key]).status_code in (200, 204)
    set_role(engine, "temporal", "consulta", by="prueba")
    assert post(client, key, app.callback_map[key]).status_code == 403  # role read from the DB
    set_role(engine, "temporal", "planeacion", by="prueba")
    set_active(engine, "temporal", False, by="prueba")
    assert post(client, key, app.callback_map[key]).status_code == 401  # the session is void
    set_active(engine, "temporal", True, by="prueba")
    assert post(client, key, app.callback_map[key]).status_code == 401  # a new sign-in is needed


def test_forged_session_cookie_is_not_accepted(app):
    client = app.server.test_client()
    client.set_cookie("tablero_poa_sesion", '{"uid": 1, "stamp": "x"}')
    key = next(k for k, v in auth.policy(app).items() if v == auth.ADMIN)
    assert post(client, key, app.callback_map[key]).status_code == 401


def test_a_reversal_cannot_reach_a_movement_of_another_poa(app):
    from datetime import date

    from loaders.model import Movement
    from loaders.store.budget import save_movement

    engine = services(app).engine
    with Session(engine) as s:
        plans = {p.area: p.id for p in list_plans(s)}
    other = next(p for a, p in plans.items() if a != "Migrantes y Ex braceros")
    with Session(engine) as s:
        from loaders.store.queries import load_version

        partida = load_version(s, next(p.current_version_id for p in list_plans(s)
                                       if p.id == other)).doc.budget[0].partida
    foreign = save_movement(engine, other, Movement(date(2026, 3, 2), partida, "Obra", "comprometido",
                                                    50.0), user="admin2")
    key = next(k for k in server_callbacks(app)
               if "presupuesto-message" in k and "mov-revertir" in json.dumps(
                   app.callback_map[k]["inputs"]))
    ident = {"id": foreign, "type": "mov-revertir"}
    body = {
        "output": key, "outputs": [_spec(p) for p in key.strip(".").split("...")],
        "inputs": [[{"id": ident, "property": "n_clicks", "value": 1}]],
        "state": [{"id": "_pages_location", "property": "search",
                   "value": f"?poa={plans['Migrantes y Ex braceros']}"}],
        "changedPropIds": [json.dumps(ident, separators=(",", ":"), sort_keys=True)
                           + ".n_clicks"],
    }
    response = signed_in(app, "directora").post("/_dash-update-component", json=body)
    text = json.dumps(response.get_json(), ensure_ascii=False)
    assert f"No existe el movimiento {foreign} en este POA." in text
    with Session(engine) as s:
        assert s.scalar(select(func.count()).select_from(MovementRow)
                        .where(MovementRow.reverses == foreign)) == 0
