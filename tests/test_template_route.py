"""`/plantilla` and `/descargas/plantilla/<poa>.xlsx` in the real app (real SQLite database with the
sample POA and the examples), through Flask's test client with real sign-ins."""

from __future__ import annotations

import io
import json
from urllib.parse import quote

import pytest
from openpyxl import load_workbook
from sqlalchemy import select
from sqlalchemy.orm import Session

from dashboard.app import create_app
from loaders.model import TEMPLATE_ID
from loaders.settings import Settings
from loaders.store.accounts import add_user
from loaders.store.queries import list_plans
from loaders.store.schema import AuditEntry
from tests.test_access import PASSWORD, signed_in
from tests.test_security import router_request

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    app = create_app(Settings(data_dir=tmp_path_factory.mktemp("plantilla") / "data"))
    engine = app.server.extensions["tablero_poa"].engine
    for name, role in (("consulta1", "consulta"), ("planea", "planeacion"),
                       ("directora", "direccion"), ("admin2", "admin")):
        add_user(engine, name, PASSWORD, role, by="prueba")
    app.server.test_client().get("/")  # Dash registers the Pages router at the first request
    yield app
    engine.dispose()


@pytest.fixture(scope="module")
def sample_plan(app):
    with Session(app.server.extensions["tablero_poa"].engine) as session:
        plans = list_plans(session)
    return next(p for p in plans if p.area == "Migrantes y Ex braceros")


def test_planeacion_downloads_the_template_of_a_poa(app, sample_plan):
    for user in ("planea", "admin2"):
        response = signed_in(app, user).get(f"/descargas/plantilla/{sample_plan.id}.xlsx")
        assert response.status_code == 200, user
        assert response.mimetype == XLSX
        assert response.headers["Content-Disposition"] == (
            "attachment; filename=plantilla_migrantes_y_ex_braceros_2026.xlsx")
        assert response.headers["Cache-Control"].startswith("no-cache")
        wb = load_workbook(io.BytesIO(response.data))
        assert wb.sheetnames[:4] == ["Portada", "Instrucciones", "POA", "Cronograma"]
        cover = wb["Portada"]
        assert [cover["B4"].value, cover["B6"].value, cover["B7"].value, cover["B12"].value] == [
            TEMPLATE_ID, sample_plan.id, sample_plan.current_version_id, "Migrantes y Ex braceros"]
        assert wb["Cronograma"].protection.sheet
    with Session(app.server.extensions["tablero_poa"].engine) as session:
        issued = session.scalars(select(AuditEntry).where(
            AuditEntry.action == "template_issued").order_by(AuditEntry.id)).all()
    assert [(e.user, e.detail) for e in issued] == [
        (user, f"plantilla_migrantes_y_ex_braceros_2026.xlsx (POA {sample_plan.id}, versión 1)")
        for user in ("planea", "admin2")]


def test_reading_accounts_and_anonymous_visitors_are_refused(app, sample_plan):
    url = f"/descargas/plantilla/{sample_plan.id}.xlsx"
    anonymous = app.server.test_client().get(url)
    assert anonymous.status_code == 401 and anonymous.mimetype == "text/html"
    body = anonymous.get_data(as_text=True)
    assert "Para descargar la plantilla oficial ingrese con una cuenta de Planeación." in body
    assert f"/ingresar?siguiente={quote(url, safe='')}" in body
    for user, role in (("consulta1", "Consulta"), ("directora", "Dirección de área")):
        refused = signed_in(app, user).get(url)
        assert refused.status_code == 403, user
        assert refused.mimetype == "text/html" and b"PK" not in refused.data[:2]
        assert (f"Su cuenta ({role}) no puede emitir plantillas: sólo la Unidad de Planeación y "
                "administración.") in refused.get_data(as_text=True)
    # The form's address refuses them as well, before saying where the file is.
    assert app.server.test_client().get(f"/descargas/plantilla?poa={sample_plan.id}"
                                        ).status_code == 401
    assert signed_in(app, "consulta1").get(f"/descargas/plantilla?poa={sample_plan.id}"
                                           ).status_code == 403


def test_the_form_leads_to_the_file_and_unknown_poas_say_so(app, sample_plan):
    client = signed_in(app, "planea")
    response = client.get(f"/descargas/plantilla?poa={sample_plan.id}")
    assert response.status_code == 302
    assert response.headers["Location"] == f"/descargas/plantilla/{sample_plan.id}.xlsx"
    missing = client.get("/descargas/plantilla/999.xlsx")
    assert missing.status_code == 404 and "No existe el POA 999." in missing.get_data(as_text=True)
    assert client.get("/descargas/plantilla?poa=abc").status_code == 404


def _page(client, search: str = "") -> dict:
    response = client.post("/_dash-update-component", json=router_request("/plantilla", search))
    assert response.status_code == 200
    return response.get_json()["response"]["_pages_content"]["children"]


def _components(tree) -> list[dict]:
    """Every component of a rendered layout, depth first."""
    found = []
    if isinstance(tree, dict) and "props" in tree:
        found.append(tree)
        tree = tree["props"].get("children")
    if isinstance(tree, list):
        for child in tree:
            found.extend(_components(child))
    elif isinstance(tree, dict):
        found.extend(_components(tree))
    return found


def _by_id(tree) -> dict[str, dict]:
    return {c["props"]["id"]: c for c in _components(tree) if isinstance(c["props"].get("id"), str)}


def test_the_page_offers_every_poa_to_planeacion_only(app, sample_plan):
    page = _by_id(_page(signed_in(app, "planea"), f"?poa={sample_plan.id}"))
    with Session(app.server.extensions["tablero_poa"].engine) as session:
        plans = [p for p in list_plans(session) if p.current_version_id]
    assert len(plans) == 4  # the sample and the three examples
    form = page["plantilla-form"]["props"]
    assert (form["action"], form["method"]) == ("/descargas/plantilla", "get")
    select = page["plantilla-poa"]
    assert select["type"] == "Select" and select["props"]["name"] == "poa"
    assert select["props"]["value"] == str(sample_plan.id)  # the navbar's POA, chosen
    options = select["props"]["options"]
    # the real POA first, the examples after it (the first option is the default)
    real_first = sorted(plans, key=lambda p: "(EJEMPLO)" in p.area)
    assert [int(o["value"]) for o in options] == [p.id for p in real_first]
    assert options[0]["label"].startswith("Migrantes y Ex braceros 2026")
    chosen = next(o["label"] for o in options if o["value"] == str(sample_plan.id))
    assert chosen.startswith("Migrantes y Ex braceros 2026 — Sombrerete · versión 1 del ")
    assert page["plantilla-download"]["props"]["type"] == "submit"
    for plan in plans:
        link = page[f"plantilla-link-{plan.id}"]["props"]
        assert link["href"] == f"/descargas/plantilla/{plan.id}.xlsx"
    assert page["plantilla-link-1"]  # ids are plain numbers
    # Without a POA in the address, the first one is chosen: the real one, not an example.
    first = _by_id(_page(signed_in(app, "planea")))["plantilla-poa"]["props"]["value"]
    assert first == str(real_first[0].id) == str(sample_plan.id)
    # Consulta sees why, and no list of templates.
    refused = _page(signed_in(app, "consulta1"))
    text = json.dumps(refused, ensure_ascii=False)
    assert "Sólo la Unidad de Planeación y administración emiten la plantilla oficial." in text
    assert "/descargas/plantilla/" not in text and "plantilla-not-allowed" in _by_id(refused)


def _nav_links(client) -> list[tuple[str, str]]:
    layout = client.get("/_dash-layout").get_json()
    return [(c["props"]["children"], c["props"]["href"]) for c in _components(layout)
            if c["type"] == "NavLink"]


def test_the_navbar_shows_the_page_to_planeacion_only(app):
    links = _nav_links(signed_in(app, "planea"))
    names = [name for name, _ in links]
    assert ("Plantilla", "/plantilla") in links
    assert names.index("Plantilla") == names.index("Cargar POA") + 1
    assert ("Plantilla", "/plantilla") in _nav_links(signed_in(app, "admin2"))
    for client in (signed_in(app, "consulta1"), signed_in(app, "directora"),
                   app.server.test_client()):
        assert "/plantilla" not in [href for _, href in _nav_links(client)]
