"""What the index page carries so that Dash starts without asking again (`dashboard/startup.py`):
the layout and the callbacks exactly as their own addresses answer them, and the token under
which the browser may keep page answers — the response cache's, only with open reading.

The app is the real one (SQLite with the sample data) through Flask's test client; the browser
side is `tests/test_browser_startup.py`.
"""

from __future__ import annotations

import json
import re
from dataclasses import replace
from datetime import date

import pytest

from dashboard import response_cache, startup
from loaders.imports import import_workbook
from loaders.settings import Settings
from loaders.store.accounts import add_user
from tests.bench.workbooks import sample_revision
from tests.test_response_cache import (
    CORTE,
    PASSWORD,
    engine_of,
    navbar_body,
    new_app,
    post,
    router_body,
    sample_plan,
    signed_in,
    texts,
)

REUSE = response_cache.REUSE_HEADER
START = re.compile(r'<script id="' + startup.SCRIPT_ID + r'" type="application/json">(.*?)</script>',
                   re.S)


@pytest.fixture
def app(settings):
    app = new_app(settings)
    yield app
    engine_of(app).dispose()


def start_of(client, path: str = "/") -> dict:
    """The data the index page at `path` carries (exactly one such tag)."""
    page = client.get(path).get_data(as_text=True)
    found = START.findall(page)
    assert len(found) == 1, page[:500]
    return json.loads(found[0])


def test_the_index_carries_the_layout_and_callbacks_its_addresses_answer(app):
    client = app.server.test_client()
    start = start_of(client, f"/metas?corte={CORTE}")
    assert start["base"] == "/"
    assert start["layout"] == client.get("/_dash-layout").get_json()
    assert start["dependencies"] == client.get("/_dash-dependencies").get_json()
    outputs = {d["output"] for d in start["dependencies"]}
    assert response_cache.NAVBAR in outputs and len(outputs) == len(app.callback_map)
    # the navbar's links are a browser callback: nothing to ask the server for
    links = next(d for d in start["dependencies"] if "nav-link" in d["output"])
    assert links["clientside_function"]["namespace"] == "_dashprivate_clientside_funcs"


def test_the_token_is_the_one_the_cached_answers_carry_and_follows_the_data(app):
    client = app.server.test_client()
    plan = sample_plan(app)
    token = start_of(client)["token"]
    assert re.fullmatch(r"[0-9a-f]{64}", token)
    router = router_body("/", f"?poa={plan}&corte={CORTE}")
    first, again = post(client, router), post(client, router)
    assert (first.headers[response_cache.HEADER], again.headers[response_cache.HEADER]) == (
        "miss", "hit")
    assert first.headers[REUSE] == again.headers[REUSE] == token
    assert post(client, navbar_body(f"?poa={plan}")).headers[REUSE] == token
    assert start_of(client)["token"] == token  # nothing changed: the same token

    import_workbook(engine_of(app), sample_revision(), app.server.extensions["tablero_poa"]
                    .settings, file_name="revision.xlsx", uploaded_by="prueba",
                    as_of=date.fromisoformat(CORTE))
    newer = start_of(client)["token"]
    assert newer != token
    assert post(client, router).headers[REUSE] == newer


def test_an_account_has_a_token_of_its_own(app):
    add_user(engine_of(app), "maria", PASSWORD, "planeacion", by="prueba")
    anonymous = start_of(app.server.test_client())["token"]
    maria = signed_in(app, "maria")
    mine = start_of(maria)["token"]
    assert mine != anonymous
    assert post(maria, navbar_body("")).headers[REUSE] == mine


def test_answers_that_are_not_kept_carry_no_token(app):
    add_user(engine_of(app), "jefa", PASSWORD, "admin", by="prueba")
    admin = signed_in(app, "jefa")
    for path in ("/carga", "/auditoria", "/no-existe"):
        response = post(admin, router_body(path, f"?corte={CORTE}"))
        assert REUSE not in response.headers, path


def test_closed_reading_keeps_nothing_in_the_browser(settings):
    app = new_app(replace(settings, public_read=False))
    try:
        anonymous = app.server.test_client()
        assert anonymous.get("/").status_code == 302  # to the sign-in page: nothing carried
        add_user(engine_of(app), "maria", PASSWORD, "consulta", by="prueba")
        maria = signed_in(app, "maria")
        start = start_of(maria)
        assert start["token"] is None
        assert start["layout"] == maria.get("/_dash-layout").get_json()
        answers = [post(maria, navbar_body("")) for _ in range(2)]
        assert answers[1].headers[response_cache.HEADER] == "hit"  # the server still keeps it
        assert all(REUSE not in r.headers for r in answers)
    finally:
        engine_of(app).dispose()


def test_without_the_response_cache_there_is_no_token(tmp_path):
    app = new_app(Settings(data_dir=tmp_path / "data", response_cache=False))
    try:
        client = app.server.test_client()
        start = start_of(client)
        assert start["token"] is None
        assert start["layout"] == client.get("/_dash-layout").get_json()
        assert REUSE not in post(client, navbar_body("")).headers
    finally:
        engine_of(app).dispose()


def test_no_text_in_the_data_can_end_the_script_tag(app):
    name = '</script><script>alert("x")</script> Pérez'
    add_user(engine_of(app), "pepe", PASSWORD, "consulta", full_name=name, by="prueba")
    client = signed_in(app, "pepe")
    page = client.get("/").get_data(as_text=True)
    assert "</script><script>alert" not in page
    start = start_of(client)
    assert name in texts(start["layout"])  # the navbar's account, intact
    assert page.count("<script") == page.count("</script>")  # every tag ends where it should


def test_signing_out_clears_what_the_browser_kept(app):
    add_user(engine_of(app), "maria", PASSWORD, "consulta", by="prueba")
    maria = signed_in(app, "maria")
    form = maria.get("/salir").get_data(as_text=True)
    csrf = re.search(r'name="csrf" value="([^"]+)"', form).group(1)
    response = maria.post("/salir", data={"csrf": csrf})
    assert response.status_code == 302
    assert response.headers["Clear-Site-Data"] == '"storage"'
