"""The shared response cache (`dashboard/response_cache.py`): the same answers as a fresh
computation, never stale, never another account's, shared by the workers, and off when asked.

The app is the real one (SQLite with the sample data), driven through Flask's test client with
the bodies the Dash renderer posts; accounts sign in through the `/ingresar` form.
"""

from __future__ import annotations

import json
import re
from datetime import date

import pytest
from sqlalchemy.orm import Session

from dashboard import auth, response_cache, summary
from dashboard.app import create_app
from loaders.imports import import_workbook
from loaders.model import Movement
from loaders.settings import Settings
from loaders.store.accounts import add_user, set_role
from loaders.store.budget import save_movement
from loaders.store.queries import list_plans, load_version
from tests.bench.workbooks import sample_revision
from tests.test_access import payload

CORTE = "2026-11-21"
PASSWORD = "clave-de-prueba-123"
SOMBRERETE = {"municipio": "Sombrerete", "area": "Migrantes y Ex braceros"}
URL = "/_dash-update-component"
HEADER = response_cache.HEADER
SENTENCE = "Avance de 11.6\u00a0% contra 95.3\u00a0%"  # Resumen's, for the sample on CORTE


def new_app(settings: Settings):
    app = create_app(settings)
    app.server.test_client().get("/")  # Dash registers the Pages router at the first request
    return app


def engine_of(app):
    return app.server.extensions["tablero_poa"].engine


@pytest.fixture
def app(settings):
    app = new_app(settings)
    yield app
    engine_of(app).dispose()


def sample_plan(app) -> int:
    with Session(engine_of(app)) as session:
        return next(p.id for p in list_plans(session) if p.area == SOMBRERETE["area"])


def router_body(path: str, search: str) -> dict:
    """What the renderer posts to draw a page (Dash Pages' router)."""
    return {
        "output": auth.PAGES_ROUTER,
        "outputs": [{"id": "_pages_content", "property": "children"},
                    {"id": "_pages_store", "property": "data"}],
        "inputs": [{"id": "_pages_location", "property": "pathname", "value": path},
                   {"id": "_pages_location", "property": "search", "value": search}],
        "changedPropIds": ["_pages_location.pathname"], "state": [],
    }


def navbar_body(search: str, pathname: str = "/") -> dict:
    outputs = [("_pages_location", "search"), ("nav-poa", "options"), ("nav-poa", "value"),
               ("nav-version", "options"), ("nav-version", "value"), ("nav-corte", "value"),
               ("version-notice", "children"), ("version-notice", "hidden")]
    inputs = [("_pages_location", "search", search), ("nav-poa", "value", None),
              ("nav-version", "value", None), ("nav-corte", "value", None),
              ("_pages_location", "pathname", pathname)]
    return {"output": response_cache.NAVBAR,
            "outputs": [{"id": i, "property": p} for i, p in outputs],
            "inputs": [{"id": i, "property": p, "value": v} for i, p, v in inputs],
            "changedPropIds": ["_pages_location.search"], "state": []}


def metas_filter_body(search: str) -> dict:
    return {"output": "..metas-grid.children...metas-count.children..",
            "outputs": [{"id": "metas-grid", "property": "children"},
                        {"id": "metas-count", "property": "children"}],
            "inputs": [{"id": "metas-filter-semaforo", "property": "value", "value": ["rojo"]},
                       {"id": "metas-filter-eje", "property": "value", "value": ""}],
            "state": [{"id": "_pages_location", "property": "search", "value": search}],
            "changedPropIds": ["metas-filter-semaforo.value"]}


def post(client, body: dict):
    response = client.post(URL, data=json.dumps(body), content_type="application/json")
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    return response


def texts(node) -> list[str]:
    """Every string in an answer, in order (what a person would read, and more)."""
    if isinstance(node, str):
        return [node]
    if isinstance(node, dict):
        return [t for v in node.values() for t in texts(v)]
    if isinstance(node, list):
        return [t for v in node for t in texts(v)]
    return []


def component(node, ident: str):
    """The props of the component with this id in an answer, or None."""
    if isinstance(node, dict):
        props = node.get("props")
        if isinstance(props, dict) and props.get("id") == ident:
            return props
        for value in node.values():
            found = component(value, ident)
            if found is not None:
                return found
    if isinstance(node, list):
        for value in node:
            found = component(value, ident)
            if found is not None:
                return found
    return None


def kpi(content: dict, ident: str) -> str:
    """The value a KPI card shows (its `kpi-value` line)."""
    words = texts(component(content, ident))
    return words[words.index("kpi-value") - 1]


def page(response) -> dict:
    return json.loads(response.data)["response"]["_pages_content"]["children"]


def signed_in(app, username: str):
    client = app.server.test_client()
    form = client.get("/ingresar").get_data(as_text=True)
    token = re.search(r'name="csrf" value="([^"]+)"', form).group(1)
    response = client.post("/ingresar", data={"usuario": username, "contrasena": PASSWORD,
                                              "csrf": token, "siguiente": "/"})
    assert response.status_code == 302, response.get_data(as_text=True)
    return client


# -- the same answers --------------------------------------------------------------------------


def test_a_kept_answer_is_byte_for_byte_what_a_fresh_computation_answers(settings):
    cached = new_app(settings)
    # The same database with the cache off: every answer computed afresh.
    fresh = new_app(Settings(data_dir=settings.data_dir, response_cache=False))
    search = f"?poa={sample_plan(cached)}&corte={CORTE}"
    bodies = [router_body(path, search) for path in (
        "/", "/metas", "/cronograma", "/calidad", "/alineacion", "/presupuesto", "/historial",
        "/municipio", "/estado")]
    bodies += [navbar_body(search), metas_filter_body(search)]
    client, fresh_client = cached.server.test_client(), fresh.server.test_client()
    for body in bodies:
        first, second = post(client, body), post(client, body)
        computed = post(fresh_client, body)
        assert (first.headers[HEADER], second.headers[HEADER]) == ("miss", "hit"), body["inputs"]
        assert HEADER not in computed.headers
        assert first.data == second.data == computed.data
        assert second.mimetype == "application/json"
    # What was kept is the page itself: Resumen's sentence and the semáforo chart.
    resumen = page(post(client, bodies[0]))
    assert component(resumen, "resumen-message")["children"].startswith(SENTENCE)
    assert component(resumen, "semaforo-chart")["figure"]["data"]
    for app in (cached, fresh):
        engine_of(app).dispose()


def test_every_cached_callback_is_one_the_app_has(app):
    """A renamed output would silently stop being cached; this says so."""
    assert set(app.callback_map) >= response_cache.CACHED_CALLBACKS
    # Writes are never among them.
    policy = auth.policy(app)
    assert {policy[k] for k in response_cache.CACHED_CALLBACKS} == {auth.READ}


def test_pages_with_other_mutable_state_and_other_callbacks_are_not_kept(app):
    add_user(engine_of(app), "jefa", PASSWORD, "admin", by="prueba")
    admin = signed_in(app, "jefa")
    for path in ("/carga", "/plantilla", "/auditoria", "/no-existe"):
        for _ in range(2):
            response = post(admin, router_body(path, f"?corte={CORTE}"))
            assert HEADER not in response.headers, path
    # A callback that is not in the list: Estado's examples switch. (The navbar's links are
    # computed in the browser: `dashboard.layout`.)
    others = [k for k in app.callback_map if k.startswith("_pages_location.search@")]
    assert len(others) == 1
    for key in others:
        response = admin.post(URL, json=payload(key, app.callback_map[key]))
        assert response.status_code in (200, 204), key
        assert HEADER not in response.headers, key
    assert len(app.server.extensions[response_cache.EXTENSION].store) == 0


# -- never stale ------------------------------------------------------------------------------------


def test_a_new_version_of_the_poa_is_seen_at_once(app):
    client = app.server.test_client()
    plan = sample_plan(app)
    search = f"?poa={plan}&corte={CORTE}"
    historial = router_body("/historial", search)
    assert "23 de 198 metas alcanzadas" in texts(
        component(page(post(client, router_body("/", f"?poa={plan}"))), "kpi-index"))
    before = post(client, historial)
    assert component(page(before), "historial-count")["children"] == "1 versión cargada."
    assert post(client, historial).headers[HEADER] == "hit"
    navbar = json.loads(post(client, navbar_body(search)).data)["response"]
    assert len(navbar["nav-version"]["options"]) == 1

    import_workbook(engine_of(app), sample_revision(), app.server.extensions["tablero_poa"]
                    .settings, file_name="revision.xlsx", uploaded_by="prueba",
                    as_of=date.fromisoformat(CORTE))

    after = post(client, historial)
    assert after.headers[HEADER] == "miss"
    assert component(page(after), "historial-count")["children"] == "2 versiones cargadas."
    navbar = json.loads(post(client, navbar_body(search)).data)["response"]
    assert len(navbar["nav-version"]["options"]) == 2
    # Resumen on today's fecha de corte shows the new version's achievements at once.
    today = router_body("/", f"?poa={plan}")
    assert post(client, today).headers[HEADER] == "miss"
    index = component(page(post(client, today)), "kpi-index")
    assert f"{revised_achieved(app, plan)} de 198 metas alcanzadas" in texts(index)
    assert "23 de 198 metas alcanzadas" not in texts(index)  # the first version's


def revised_achieved(app, plan: int) -> int:
    with Session(engine_of(app)) as session:
        shown = next(p for p in list_plans(session) if p.id == plan)
        doc = load_version(session, shown.current_version_id).doc
    return sum(a.achieved or 0 for a in doc.activities)


def test_a_budget_movement_shows_at_once_on_presupuesto_and_resumen(app):
    client = app.server.test_client()
    plan = sample_plan(app)
    search = f"?poa={plan}&corte={CORTE}"
    presupuesto, resumen = router_body("/presupuesto", search), router_body("/", search)
    concepto = "Compra de prueba de la caché 777"
    before = post(client, presupuesto)
    resumen_before = component(page(post(client, resumen)), "budget-execution")["children"]
    assert concepto not in texts(page(before))
    assert post(client, presupuesto).headers[HEADER] == "hit"
    with Session(engine_of(app)) as session:
        shown = next(p for p in list_plans(session) if p.id == plan)
        line = load_version(session, shown.current_version_id).doc.budget[0]
    save_movement(engine_of(app), plan, Movement(date(2026, 3, 2), line.partida, concepto,
                                                 "ejercido", 1234.5), user="prueba")

    after = post(client, presupuesto)
    assert after.headers[HEADER] == "miss"
    assert concepto in texts(page(after))
    resumen_after = component(page(post(client, resumen)), "budget-execution")["children"]
    assert resumen_after != resumen_before


# -- never another account's ------------------------------------------------------------------------


def test_accounts_never_receive_an_answer_computed_for_another(app):
    engine = engine_of(app)
    for name, role, areas in (("planea", "planeacion", None),
                              ("directora", "direccion", [SOMBRERETE]),
                              ("directora2", "direccion", [SOMBRERETE]),
                              ("otra", "direccion", [{"municipio": "", "area": "Obras"}]),
                              ("lectora", "consulta", None)):
        add_user(engine, name, PASSWORD, role, areas=areas, by="prueba")
    body = router_body("/presupuesto", f"?poa={sample_plan(app)}&corte={CORTE}")

    def presupuesto(client):
        response = post(client, body)
        content = page(response)
        who = component(content, "mov-usuario")
        read_only = component(content, "budget-read-only")
        return (response.headers[HEADER], who["children"] if who else None,
                " ".join(texts(read_only)) if read_only else None)

    planea = signed_in(app, "planea")
    # Planeación's answer first, kept twice over.
    status, who, note = presupuesto(planea)
    assert (status, who) == ("miss", None) and "Su cuenta solo puede consultar" in note
    assert presupuesto(planea)[0] == "hit"
    # The director of the POA's area gets the form, signed with her own name…
    directora = signed_in(app, "directora")
    assert presupuesto(directora)[:2] == ("miss", "directora")
    assert presupuesto(directora)[:2] == ("hit", "directora")
    # …another director of the same area, with his…
    assert presupuesto(signed_in(app, "directora2"))[:2] == ("miss", "directora2")
    # …a director of another area and a reader read only, and a visitor is asked to sign in.
    for name in ("otra", "lectora"):
        status, who, note = presupuesto(signed_in(app, name))
        assert (status, who) == ("miss", None) and "Su cuenta solo puede consultar" in note
    status, who, note = presupuesto(app.server.test_client())
    assert (status, who) == ("miss", None) and "ingrese con su cuenta" in note
    # A changed permission is a new key at once, on the session already open.
    set_role(engine, "directora", "consulta", by="prueba")
    status, who, note = presupuesto(directora)
    assert (status, who) == ("miss", None) and "Su cuenta solo puede consultar" in note


# -- shared, bounded, and off -------------------------------------------------------------------------


def test_two_app_instances_on_one_data_folder_share_the_cache(settings):
    """Like two gunicorn workers: what one computed, the other serves."""
    first, second = new_app(settings), new_app(settings)
    body = router_body("/metas", f"?poa={sample_plan(first)}&corte={CORTE}")
    computed = post(first.server.test_client(), body)
    served = post(second.server.test_client(), body)
    assert (computed.headers[HEADER], served.headers[HEADER]) == ("miss", "hit")
    assert computed.data == served.data
    assert component(page(served), "metas-grid")["children"]  # sixteen gauges
    for app in (first, second):
        engine_of(app).dispose()


def test_different_settings_never_share_an_answer(settings):
    default = new_app(settings)
    # Gaps of -100 points are green: every activity is "en tiempo".
    lenient = new_app(Settings(data_dir=settings.data_dir, green_gap=-100.0, yellow_gap=-100.0))
    body = router_body("/", f"?poa={sample_plan(default)}&corte={CORTE}")
    shown = post(default.server.test_client(), body)
    other = post(lenient.server.test_client(), body)
    assert other.headers[HEADER] == "miss"
    counts = [kpi(page(r), "count-verde") for r in (shown, other)]
    assert counts[0] != counts[1] == "16"
    for app in (default, lenient):
        engine_of(app).dispose()


def test_the_cache_stays_within_its_size(tmp_path):
    app = new_app(Settings(data_dir=tmp_path / "data", response_cache_mb=1))
    store = app.server.extensions[response_cache.EXTENSION].store
    client = app.server.test_client()
    plan = sample_plan(app)
    sizes = []
    for day in range(1, 29):  # 28 fechas de corte: 28 different Metas pages of ~140 KB
        response = post(client, router_body("/metas", f"?poa={plan}&corte=2026-02-{day:02d}"))
        assert response.headers[HEADER] == "miss"
        sizes.append(len(response.data))
    assert sum(sizes) > 2 * 1024 * 1024  # more than twice what the cache may hold
    assert store.volume() <= 1024 * 1024 + max(sizes)
    # The newest answer is still there; the oldest went first.
    assert post(client, router_body("/metas", f"?poa={plan}&corte=2026-02-28")).headers[
        HEADER] == "hit"
    assert post(client, router_body("/metas", f"?poa={plan}&corte=2026-02-01")).headers[
        HEADER] == "miss"
    engine_of(app).dispose()


def test_the_off_switch(tmp_path, monkeypatch):
    monkeypatch.setenv("POA_CACHE_RESPUESTAS", "0")
    monkeypatch.setenv("POA_DATA_DIR", str(tmp_path / "data"))
    settings = Settings.from_env()
    assert settings.response_cache is False
    app = new_app(settings)
    client = app.server.test_client()
    body = router_body("/", f"?poa={sample_plan(app)}&corte={CORTE}")
    answers = [post(client, body) for _ in range(2)]
    assert all(HEADER not in r.headers for r in answers)
    assert answers[0].data == answers[1].data
    assert response_cache.EXTENSION not in app.server.extensions
    assert not (tmp_path / "data" / response_cache.DIRECTORY).exists()
    engine_of(app).dispose()


def test_a_failed_answer_is_never_kept(app, monkeypatch):
    from sqlalchemy.exc import OperationalError

    client = app.server.test_client()
    body = router_body("/", f"?poa={sample_plan(app)}&corte={CORTE}")

    def busy(_view):
        raise OperationalError("SELECT 1", {}, Exception("database is locked"))

    monkeypatch.setattr(summary, "progress_sentence", busy)
    failed = post(client, body)
    answer = json.loads(failed.data)
    assert "sideUpdate" in answer  # the sentence in the page's alert
    assert "ocupada" in answer["sideUpdate"]["global-alert"]["children"]
    monkeypatch.undo()
    shown = post(client, body)
    assert shown.headers[HEADER] == "miss"
    assert component(page(shown), "resumen-message")["children"].startswith(SENTENCE)
    assert post(client, body).headers[HEADER] == "hit"
