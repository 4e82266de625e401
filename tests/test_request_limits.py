"""Callback bodies: small unless an account that may upload sends them; sized before parsing."""

from __future__ import annotations

import flask
import pytest

from dashboard import request_limits
from dashboard.app import create_app
from loaders.settings import Settings
from loaders.store.accounts import add_user
from tests.test_access import PASSWORD, payload, signed_in

HUGE = b"[" + b"{}," * 9_000_000 + b"{}]"  # 27 MB of JSON, as an outside probe sent


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    root = tmp_path_factory.mktemp("limits")
    app = create_app(Settings(data_dir=root / "data", sample_workbook=root / "none.xlsx"))
    engine = app.server.extensions["tablero_poa"].engine
    for name, role in (("consulta1", "consulta"), ("planea", "planeacion")):
        add_user(engine, name, PASSWORD, role, by="prueba")
    app.server.test_client().get("/")
    return app


@pytest.fixture
def parsed(monkeypatch) -> list[int]:
    """How many times a request body was parsed as JSON."""
    calls: list[int] = []
    original = flask.Request.get_json

    def counting(self, *args, **kwargs):
        calls.append(1)
        return original(self, *args, **kwargs)

    monkeypatch.setattr(flask.Request, "get_json", counting)
    return calls


def test_an_anonymous_large_body_is_refused_before_it_is_parsed(app, parsed):
    response = app.server.test_client().post(
        "/_dash-update-component", data=HUGE, content_type="application/json")
    assert response.status_code == 413
    assert response.get_json() == {"error": "La solicitud es demasiado grande."}
    assert parsed == []  # the body was never parsed


def test_a_large_body_from_an_account_that_cannot_upload_is_refused_unparsed(app, parsed):
    client = signed_in(app, "consulta1")
    parsed.clear()
    body = b'{"output": "x", "pad": "' + b"a" * (request_limits.SMALL_BODY + 10) + b'"}'
    response = client.post("/_dash-update-component", data=body, content_type="application/json")
    assert response.status_code == 413
    assert parsed == []


def test_an_upload_from_planeacion_may_carry_a_large_body(app):
    client = signed_in(app, "planea")
    key = next(k for k in app.callback_map if k.startswith("..carga-preview.children...carga-"))
    body = payload(key, app.callback_map[key])
    for item in body["inputs"] + body["state"]:
        item["value"] = ("data:application/octet-stream;base64," + "QUFB" * 100_000
                         if item["property"] == "contents" else "grande.xlsx")
    response = client.post("/_dash-update-component", json=body)
    assert response.status_code == 200  # past the size check and the gate: read and refused
    assert "No se pudo leer el archivo" in response.get_data(as_text=True)


@pytest.mark.parametrize("body", [b"{no es json", b"[1, 2]", b'{"inputs": []}', b""])
def test_a_body_that_is_not_a_callback_is_a_bad_request(app, body):
    response = app.server.test_client().post(
        "/_dash-update-component", data=body, content_type="application/json")
    assert response.status_code == 400
    assert response.get_json() == {"error": "Solicitud mal formada."}
    assert "Traceback" not in response.get_data(as_text=True)
