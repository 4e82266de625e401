"""What an outside probe found (issue 14, points 10 and 11): text limits on both engines, headers,
private files, and writes that never fall back to another POA."""

from __future__ import annotations

import stat
from datetime import date

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from dashboard.app import create_app
from loaders.imports import import_spending, import_workbook
from loaders.settings import Settings
from loaders.store.accounts import add_user
from loaders.store.schema import MovementRow, SpendingImport, Version
from loaders.text import fit_file_name
from sample_data.build_spending import DEFAULT_PATH as SPENDING_SAMPLE
from tests.test_access import PASSWORD, payload, signed_in

AS_OF = date(2026, 11, 21)


@pytest.mark.parametrize("length", [300, 301, 1000])
def test_a_long_file_name_is_stored_cut_on_both_engines(engine, settings, sample_bytes, length):
    name = "p" * (length - 5) + ".xlsx"
    stored = import_workbook(engine, sample_bytes, settings, file_name=name, uploaded_by="t",
                             as_of=AS_OF)
    import_spending(engine, stored.plan_id, SPENDING_SAMPLE.read_bytes(), settings,
                    file_name=name.replace(".xlsx", "_gasto.xlsx"), uploaded_by="t")
    with Session(engine) as session:
        version_name = session.scalar(select(Version.file_name))
        spending_name = session.scalar(select(SpendingImport.file_name))
    for kept in (version_name, spending_name):
        assert len(kept) <= 300 and kept.endswith(".xlsx") and kept.startswith("ppp")
    assert version_name == (name if length <= 300 else fit_file_name(name))
    assert (version_name == name) == (length <= 300)


def test_fit_file_name_keeps_the_extension_and_marks_the_cut():
    assert fit_file_name("a" * 400 + ".ods") == "a" * 295 + "….ods"
    assert fit_file_name("corto.xlsx") == "corto.xlsx"
    assert len(fit_file_name("x" * 500)) == 300


def _app(tmp_path, **settings):
    app = create_app(Settings(data_dir=tmp_path / "datos", **settings))
    app.server.test_client().get("/")
    return app


def test_hsts_only_when_the_cookies_are_for_https(tmp_path):
    secure = _app(tmp_path / "a", secure_cookies=True).server.test_client().get("/ingresar")
    plain = _app(tmp_path / "b").server.test_client().get("/ingresar")
    assert secure.headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
    assert "Strict-Transport-Security" not in plain.headers


def test_closed_reading_keeps_pages_callbacks_and_downloads_out_of_caches(tmp_path):
    closed = _app(tmp_path / "a", public_read=False)
    add_user(closed.server.extensions["tablero_poa"].engine, "lectora", PASSWORD, "consulta",
             by="prueba")
    client = signed_in(closed, "lectora")
    for path in ("/", "/metas", "/_dash-layout", "/descargas/version/1", "/descargas/informe/1.pdf"):
        response = client.get(path)
        assert response.status_code == 200, path
        assert response.headers["Cache-Control"] == "no-store", path
    asset = client.get("/assets/tablero.css")
    assert asset.status_code == 200 and asset.headers.get("Cache-Control") != "no-store"
    open_app = _app(tmp_path / "b").server.test_client().get("/")
    assert open_app.headers.get("Cache-Control") != "no-store"


def test_the_sqlite_file_and_the_data_folder_are_private(tmp_path):
    _app(tmp_path)
    folder = tmp_path / "datos"
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    for name in ("tablero_poa.sqlite3", "tablero_poa.sqlite3-wal"):
        assert stat.S_IMODE((folder / name).stat().st_mode) == 0o600, name


def test_a_movement_for_a_poa_that_does_not_exist_is_refused_not_redirected(tmp_path):
    app = _app(tmp_path)
    engine = app.server.extensions["tablero_poa"].engine
    add_user(engine, "admin2", PASSWORD, "admin", by="prueba")
    client = signed_in(app, "admin2")
    with Session(engine) as session:
        before = len(session.scalars(select(MovementRow)).all())  # the sample's spending
    key = next(k for k in app.callback_map if "movement-error" not in k
               and k.startswith("..presupuesto-message.children...presupuesto-body.children.."))
    body = payload(key, app.callback_map[key])
    values = {"n_clicks": 1, "date": "2026-05-04", "value": None, "search": "?poa=999"}
    for item in body["inputs"] + body["state"]:
        item["value"] = values.get(item["property"])
    for item in body["state"]:
        if item["id"] == "mov-partida":
            item["value"] = "2111"
        elif item["id"] == "mov-concepto":
            item["value"] = "Hojas"
        elif item["id"] == "mov-momento":
            item["value"] = "comprometido"
        elif item["id"] == "mov-importe":
            item["value"] = 100
    response = client.post("/_dash-update-component", json=body)
    assert response.status_code == 200
    assert "no existe o no es el que se muestra" in response.get_data(as_text=True)
    with Session(engine) as session:
        assert len(session.scalars(select(MovementRow)).all()) == before
