"""The read-only JSON API (issue 18, part 3): `/api/v1/poa` (filters, pagination, example data
left out) and `/api/v1/poa/<id>` (what Resumen shows, rendered by Resumen itself to compare; the
version by the fecha de corte or `version=`; kept per version and never stale), with the reading
rule of the pages: 401 in JSON when reading is closed and no one signed in.

The real app (SQLite, the sample, its spending and the three EJEMPLO POAs it seeds) through
Flask's test client, with real sign-ins through `/ingresar`."""

from __future__ import annotations

import io
import re
from datetime import date, datetime
from urllib.parse import parse_qs, urlsplit

import dash
import openpyxl
import pytest
from sqlalchemy.orm import Session

from dashboard.app import create_app
from loaders.imports import prepare_upload
from loaders.model import Movement
from loaders.settings import Settings
from loaders.store.accounts import add_user
from loaders.store.budget import save_movement
from loaders.store.errors import write_transaction
from loaders.store.queries import list_plans, list_versions
from loaders.store.versions import store_upload
from tests.paths import SAMPLE_WORKBOOK

PASSWORD = "clave-de-prueba-123"
JUNE = datetime(2026, 6, 15, 10, 0)
NBSP = "\u00a0"


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory):
    return tmp_path_factory.mktemp("api") / "data"


@pytest.fixture(scope="module")
def app(data_dir):
    app = create_app(Settings(data_dir=data_dir, read_seconds=120))
    engine = app.server.extensions["tablero_poa"].engine
    add_user(engine, "directora", PASSWORD, "direccion",
             areas=[{"municipio": "", "area": "Obras Públicas (EJEMPLO)"}], by="prueba")
    app.june = add_version(engine, sample_copy(1), JUNE)  # an earlier version of the sample
    app.server.test_client().get("/")  # Dash registers the Pages router at the first request
    yield app
    engine.dispose()


@pytest.fixture(scope="module")
def closed(app, data_dir):
    """The same database with reading closed (POA_LECTURA_ABIERTA=0)."""
    closed = create_app(Settings(data_dir=data_dir, public_read=False))
    yield closed
    closed.server.extensions["tablero_poa"].engine.dispose()


def sample_copy(tag: int) -> bytes:
    """The sample workbook as another file (another hash, the same content)."""
    book = openpyxl.load_workbook(SAMPLE_WORKBOOK)
    book.properties.subject = f"Carga {tag}"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def add_version(engine, data: bytes, uploaded: datetime) -> int:
    upload = prepare_upload(data, Settings(read_seconds=120), file_name=f"poa-{uploaded:%m}.xlsx",
                            as_of=uploaded.date())
    with write_transaction(engine) as session:
        return store_upload(session, upload, uploaded_by="planeacion", now=uploaded).version_id


def engine_of(app):
    return app.server.extensions["tablero_poa"].engine


def sample(app):
    with Session(engine_of(app)) as session:
        plan = next(p for p in list_plans(session) if p.area == "Migrantes y Ex braceros")
        return plan, list_versions(session, plan.id)


def get(app, url: str, client=None):
    response = (client or app.server.test_client()).get(url)
    assert response.mimetype == "application/json", (url, response.status_code)
    assert response.mimetype_params.get("charset", "utf-8") == "utf-8"
    return response.status_code, response.get_json()


# -- the list -----------------------------------------------------------------------------------


def test_the_list_leaves_the_example_poas_out_unless_asked(app):
    status, body = get(app, "/api/v1/poa")
    assert status == 200
    assert app.server.test_client().get("/api/v1/poa").headers["Content-Type"] == (
        "application/json; charset=utf-8")
    assert (body["total"], body["pagina"], body["por_pagina"], body["siguiente"]) == (
        1, 1, 50, None)
    assert body["ejemplos_excluidos"] == 3
    (only,) = body["resultados"]
    plan, versions = sample(app)
    assert only == {"id": plan.id, "municipio": "Sombrerete", "estado": "Zacatecas",
                    "direccion": "Secretaría de Gobierno", "area": "Migrantes y Ex braceros",
                    "anio": 2026, "versiones": len(versions), "ejemplo": False,
                    "url": f"http://localhost/api/v1/poa/{plan.id}"}
    _, every = get(app, "/api/v1/poa?ejemplos=1")
    assert every["total"] == 4 and every["ejemplos_excluidos"] == 0
    assert sorted(r["area"] for r in every["resultados"] if r["ejemplo"]) == [
        "Desarrollo Social (EJEMPLO)", "Obras Públicas (EJEMPLO)",
        "Protección Civil (EJEMPLO)"]


@pytest.mark.parametrize("query, areas", [
    ("municipio=SOMBRERETE", ["Migrantes y Ex braceros"]),
    ("municipio=sombrerete&area=MIGRANTES", ["Migrantes y Ex braceros"]),
    ("area=ex%20braceros&anio=2026", ["Migrantes y Ex braceros"]),
    ("area=obras%20publicas&ejemplos=1", ["Obras Públicas (EJEMPLO)"]),  # without the accent
    ("area=PROTECCIÓN&ejemplos=1", ["Protección Civil (EJEMPLO)"]),
    ("area=obras%20publicas", []),  # an example, left out
    ("anio=2025", []),
    ("municipio=Fresnillo", []),
])
def test_filters_ignore_case_and_accents(app, query, areas):
    status, body = get(app, f"/api/v1/poa?{query}")
    assert status == 200
    assert [r["area"] for r in body["resultados"]] == areas
    assert body["total"] == len(areas)


def test_pages_follow_siguiente_until_null(app):
    status, body = get(app, "/api/v1/poa?ejemplos=1&por_pagina=1&anio=2026")
    assert status == 200 and body["total"] == 4 and len(body["resultados"]) == 1
    seen = [r["id"] for r in body["resultados"]]
    pages = 1
    while body["siguiente"]:
        link = urlsplit(body["siguiente"])
        assert link.path == "/api/v1/poa"
        query = parse_qs(link.query)
        assert query == {"ejemplos": ["1"], "anio": ["2026"], "pagina": [str(pages + 1)],
                         "por_pagina": ["1"]}
        status, body = get(app, f"{link.path}?{link.query}")
        assert status == 200 and body["pagina"] == pages + 1
        seen += [r["id"] for r in body["resultados"]]
        pages += 1
    assert pages == 4 and len(set(seen)) == 4
    _, two = get(app, "/api/v1/poa?ejemplos=1&por_pagina=3&pagina=2")
    assert [r["id"] for r in two["resultados"]] == seen[3:] and two["siguiente"] is None
    _, beyond = get(app, "/api/v1/poa?pagina=9")
    assert (beyond["total"], beyond["resultados"], beyond["siguiente"]) == (1, [], None)
    _, most = get(app, "/api/v1/poa?por_pagina=5000")
    assert most["por_pagina"] == 200


@pytest.mark.parametrize("query, message", [
    ("pagina=0", "«pagina» debe ser un número entero mayor que cero (se recibió «0»)."),
    ("por_pagina=muchos",
     "«por_pagina» debe ser un número entero mayor que cero (se recibió «muchos»)."),
    ("anio=26", "El año «26» no es válido: use cuatro cifras, por ejemplo 2026."),
])
def test_bad_list_parameters_are_a_400_in_spanish(app, query, message):
    assert get(app, f"/api/v1/poa?{query}") == (400, {"error": message})


# -- one POA ------------------------------------------------------------------------------------


def page_tree(app, path: str, **query):
    layout = next(p for p in dash.page_registry.values() if p["path"] == path)["layout"]
    with app.server.test_request_context(path):
        return layout(**query)


def find(node, ident):
    if getattr(node, "id", None) == ident:
        return node
    children = getattr(node, "children", None)
    for child in children if isinstance(children, list | tuple) else [children]:
        if child is not None and not isinstance(child, str | int | float):
            found = find(child, ident)
            if found is not None:
                return found
    return None


def text_of(node) -> str:
    if isinstance(node, str | int | float):
        return str(node)
    children = getattr(node, "children", None)
    if isinstance(children, list | tuple):
        return "".join(text_of(c) for c in children)
    return "" if children is None else text_of(children)


def kpi_values(tree, ident: str) -> list[str]:
    found = []

    def walk(node):
        if getattr(node, "className", "") == "kpi-value":
            found.append(text_of(node).replace(NBSP, " "))
        children = getattr(node, "children", None)
        for child in children if isinstance(children, list | tuple) else [children]:
            if child is not None and not isinstance(child, str | int | float):
                walk(child)

    walk(find(tree, ident))
    return found


def test_the_detail_says_what_resumen_shows(app):
    plan, _ = sample(app)
    status, body = get(app, f"/api/v1/poa/{plan.id}?corte=2026-12-01")
    assert status == 200
    resumen = page_tree(app, "/", poa=str(plan.id), corte="2026-12-01")
    r = body["resumen"]
    assert r["mensaje"] == text_of(find(resumen, "resumen-message")).replace(NBSP, " ")
    assert r["mensaje"] == ("Avance de 11.6 % contra 96.5 % esperado al 01/12/2026: 84.9 puntos "
                            "abajo; 16 actividades en rojo, 8 vencidas.")
    assert kpi_values(resumen, "kpi-index") == [f"{r['indice_eficiencia_pct']} %"] == ["11.6 %"]
    assert (r["meta_alcanzada_total"], r["meta_programada_total"]) == (23, 198)
    assert kpi_values(resumen, "kpi-expected") == [f"{r['indice_esperado_pct']} %"]
    assert r["brecha_puntos"] == -84.9
    for light in ("rojo", "amarillo", "verde"):
        assert kpi_values(resumen, f"count-{light}") == [str(r["semaforo"][light])]
    assert r["semaforo"] == {"verde": 0, "amarillo": 0, "rojo": 16, "sin_datos": 0}
    assert kpi_values(resumen, "count-closed") == [f"{r['concluidas']} / {r['vencidas']}"]
    budget = r["presupuesto"]
    assert kpi_values(resumen, "kpi-budget") == ["$90,000.00", f"{budget['ejercido_pct']} %"]
    assert (budget["aprobado"], budget["modificado"], budget["ejercido"]) == (
        90000.0, 90000.0, 73200.0)
    assert [o["partida"] for o in budget["partidas_sobregiradas"]] == ["3761"]
    assert text_of(find(resumen, "budget-overspent")).replace(NBSP, " ") == (
        "⚠ 1 partida sobregirada: 3761 (108.0 %)")
    assert r["hallazgos"]["error"] + r["hallazgos"]["advertencia"] == 48
    # every activity, with the progress and semáforo of the attention table's rows
    activities = body["actividades"]
    assert len(activities) == r["actividades"] == r["requieren_atencion"] == 16
    first = activities[0]
    assert first == {
        "numero": 1, "clave": "1", "nombre": "Corazón de Plata",
        "eje": "Mas bienestar en servicios públicos", "unidad": "20", "meta_anual": 20,
        "meta_programada": 20, "meta_alcanzada": 6, "avance_real_pct": 30.0,
        "avance_esperado_pct": 91.8, "brecha_puntos": -61.8, "semaforo": "rojo",
        "estado": "En riesgo", "requiere_atencion": True, "concluida": False, "vencida": False,
        "inicio": "2026-01-01", "fin": "2026-12-31", "meses": list(range(1, 13)),
    }
    table = find(resumen, "attention-table")
    shown = {text_of(row.children[0]): text_of(row.children[4]).replace(NBSP, " ")
             for row in table.children[1].children}
    for a in activities:
        points = abs(a["brecha_puntos"])
        assert shown[a["clave"]] == f"{points:,.1f} puntos abajo", a["numero"]
    assert sum(a["vencida"] for a in activities) == r["vencidas"] == 8


def test_the_detail_has_the_eaepe_by_partida(app):
    plan, _ = sample(app)
    _, body = get(app, f"/api/v1/poa/{plan.id}?corte=2026-12-01")
    partidas = {p["partida"]: p for p in body["presupuesto"]["partidas"]}
    assert list(partidas) == ["2111", "2121", "2611", "3761", "4244"]
    viaticos = partidas["3761"]
    assert {k: viaticos[k] for k in (
        "nombre", "capitulo", "aprobado", "ampliaciones_reducciones", "modificado", "devengado",
        "subejercicio", "ejercido", "ejercido_pct", "sobregirada")} == {
        "nombre": "Váticos Internacionales", "capitulo": "3000 SERVICIOS GENERALES",
        "aprobado": 50000.0, "ampliaciones_reducciones": 0.0, "modificado": 50000.0,
        "devengado": 54000.0, "subejercicio": -4000.0, "ejercido": 54000.0,
        "ejercido_pct": 108.0, "sobregirada": True}
    assert partidas["2111"]["sobregirada"] is False
    assert partidas["2611"]["ampliaciones_reducciones"] == 3000.0
    total = body["presupuesto"]["total"]
    assert (total["partida"], total["modificado"], total["subejercicio"], total["sobregirada"]) == (
        "TOTAL", 90000.0, 11800.0, False)
    # before any movement (the sample's spending starts in January), nothing is spent
    _, january = get(app, f"/api/v1/poa/{plan.id}?corte=2026-01-01&version="
                          f"{body['version']['id']}")
    assert january["presupuesto"]["total"]["ejercido"] < total["ejercido"]


def test_the_version_follows_the_corte_or_the_one_asked_for(app):
    plan, versions = sample(app)
    seeded = next(v for v in versions if v.id != app.june)
    _, june = get(app, f"/api/v1/poa/{plan.id}?corte=2026-06-30")
    assert june["version"]["id"] == app.june
    assert june["version"]["fecha_carga"] == "2026-06-15"
    assert (june["version"]["elegida"], june["version"]["aviso"]) == ("por la fecha de corte",
                                                                      None)
    assert [v["id"] for v in june["versiones"]] == [v.id for v in versions]
    corte = max(date.today(), seeded.uploaded_at.date()).isoformat()
    _, latest = get(app, f"/api/v1/poa/{plan.id}?corte={corte}")
    assert latest["version"]["id"] == seeded.id
    _, pinned = get(app, f"/api/v1/poa/{plan.id}?corte=2026-06-30&version={seeded.id}")
    assert pinned["version"]["id"] == seeded.id
    assert pinned["version"]["elegida"] == "a mano"
    assert pinned["version"]["aviso"].startswith(f"Se muestra la versión {seeded.number}")
    _, today = get(app, f"/api/v1/poa/{plan.id}")
    assert today["fecha_corte"] == date.today().isoformat()


@pytest.mark.parametrize("url, status, message", [
    ("/api/v1/poa/999999", 404, "No existe el POA 999999."),
    ("/api/v1/poa/{plan}?corte=2026-13-01", 400,
     "Fecha de corte inválida «2026-13-01»: use AAAA-MM-DD, por ejemplo 2026-11-30."),
    ("/api/v1/poa/{plan}?corte=01/12/2026", 400,
     "Fecha de corte inválida «01/12/2026»: use AAAA-MM-DD, por ejemplo 2026-11-30."),
    ("/api/v1/poa/{plan}?version=999999", 404, "El POA {plan} no tiene la versión 999999."),
    ("/api/v1/poa/{plan}?version=ultima", 400,
     "La versión «ultima» no es válida: use la clave numérica de una versión (la lista "
     "«versiones» del POA)."),
    ("/api/v1/poa/migrantes", 404,
     "Esa dirección no existe en la API. Use /api/v1/poa o /api/v1/poa/<clave del POA>."),
    ("/api/v2/poa", 404,
     "Esa dirección no existe en la API. Use /api/v1/poa o /api/v1/poa/<clave del POA>."),
])
def test_errors_are_json_in_spanish(app, url, status, message):
    plan, _ = sample(app)
    got = get(app, url.format(plan=plan.id))
    assert got == (status, {"error": message.format(plan=plan.id)})


def test_an_example_poa_is_readable_by_its_id(app):
    _, every = get(app, "/api/v1/poa?ejemplos=1&area=obras")
    (obras,) = every["resultados"]
    status, body = get(app, obras["url"].replace("http://localhost", "") + "?corte=2026-12-01")
    assert status == 200
    assert body["poa"]["ejemplo"] is True and body["poa"]["area"] == "Obras Públicas (EJEMPLO)"


# -- who may read -------------------------------------------------------------------------------


def login(app, username: str):
    client = app.server.test_client()
    page = client.get("/ingresar").get_data(as_text=True)
    token = re.search(r'name="csrf" value="([^"]+)"', page).group(1)
    response = client.post("/ingresar", data={"usuario": username, "contrasena": PASSWORD,
                                              "csrf": token})
    assert response.status_code == 302
    return client


def test_closed_reading_answers_401_in_json_to_whoever_has_not_signed_in(app, closed):
    plan, _ = sample(app)
    for url in ("/api/v1/poa", f"/api/v1/poa/{plan.id}?corte=2026-12-01", "/api/v1/otra"):
        assert get(closed, url) == (401, {"error": "Ingrese con su cuenta para consultar el "
                                                   "tablero."}), url
    anonymous = closed.server.test_client().get("/descargas/datos-abiertos.zip")
    assert anonymous.status_code == 302 and "/ingresar?" in anonymous.headers["Location"]
    # a director of another area reads every POA, as on the pages
    director = login(closed, "directora")
    status, body = get(closed, "/api/v1/poa", director)
    assert status == 200 and [r["id"] for r in body["resultados"]] == [plan.id]
    status, body = get(closed, f"/api/v1/poa/{plan.id}?corte=2026-12-01", director)
    assert status == 200 and body["resumen"]["indice_eficiencia_pct"] == 11.6
    zipped = director.get("/descargas/datos-abiertos.zip?corte=2026-12-01")
    assert zipped.status_code == 200 and zipped.data.startswith(b"PK")


def test_open_reading_answers_anyone(app):
    plan, _ = sample(app)
    assert get(app, "/api/v1/poa")[0] == 200
    assert get(app, f"/api/v1/poa/{plan.id}?corte=2026-12-01")[0] == 200
    zipped = app.server.test_client().get("/descargas/datos-abiertos.zip?corte=2026-12-01")
    assert zipped.status_code == 200
    assert zipped.headers["Content-Disposition"] == (
        "attachment; filename=datos_abiertos_poa_2026-12-01.zip")


# -- kept per version, never stale (last: it stores a movement and a version) --------------------


def test_the_detail_is_kept_and_a_new_movement_or_version_is_seen_at_once(app):
    plan, versions = sample(app)
    url = f"/api/v1/poa/{plan.id}?corte=2099-12-31"
    client = app.server.test_client()
    first = client.get(url)
    again = client.get(url)
    assert (first.headers["X-Tablero-Cache"], again.headers["X-Tablero-Cache"]) == ("miss", "hit")
    assert first.data == again.data
    before = first.get_json()
    assert before["version"]["id"] == max(versions, key=lambda v: v.uploaded_at).id
    save_movement(engine_of(app), plan.id, Movement(
        date=date(2026, 10, 1), partida="2111", concepto="Hojas", momento="ejercido",
        amount=100.0), user="prueba")
    moved = client.get(url)
    assert moved.headers["X-Tablero-Cache"] == "miss"
    assert moved.get_json()["presupuesto"]["total"]["ejercido"] == (
        before["presupuesto"]["total"]["ejercido"] + 100.0)
    newest = add_version(engine_of(app), sample_copy(2), datetime.now().replace(microsecond=0))
    fresh = client.get(url)
    assert fresh.headers["X-Tablero-Cache"] == "miss"
    assert fresh.get_json()["version"]["id"] == newest != before["version"]["id"]
