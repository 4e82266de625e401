"""A locked SQLite database gives the user a Spanish "try again" sentence, never an error page."""

from __future__ import annotations

import dataclasses
import json
import sqlite3

from sqlalchemy.orm import Session

from dashboard.app import create_app
from loaders.errors import BUSY_MESSAGE
from loaders.settings import Settings
from loaders.store import staging
from loaders.store.accounts import add_user
from loaders.store.engine import make_engine
from loaders.store.queries import count_versions
from tests.test_access import PASSWORD, login, payload


def test_a_save_while_another_writer_holds_the_lock_says_try_again(tmp_path, sample_bytes):
    settings = Settings(data_dir=tmp_path / "data", sample_workbook=tmp_path / "none.xlsx")
    app = create_app(settings)
    services = app.server.extensions["tablero_poa"]
    # The same database with a short wait, so the test does not sit through the 30 s default.
    engine = make_engine(settings=settings, busy_timeout_ms=300)
    app.server.extensions["tablero_poa"] = dataclasses.replace(services, engine=engine)
    add_user(engine, "planea", PASSWORD, "planeacion", by="prueba")
    client, _ = login(app, "planea")
    key = next(k for k in app.callback_map if k.startswith("..carga-result.children..."))
    body = payload(key, app.callback_map[key])
    # the preview staged the file on the server; «Guardar» names it by its token
    token = staging.stage(services.engine, sample_bytes, "poa.xlsx", owner="planea")
    values = {
        "carga-save": 1, "carga-municipio": "Sombrerete",
        "carga-direccion": "Desarrollo Social", "carga-area": "Migrantes y Ex braceros",
        "carga-year": 2026, "carga-justification": None,
        "carga-stage": {"token": token, "file": "poa.xlsx", "area": None, "notice": None},
    }
    for item in body["inputs"] + body["state"]:
        item["value"] = values[item["id"]]

    holder = sqlite3.connect(settings.data_dir / "tablero_poa.sqlite3", isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        busy = client.post("/_dash-update-component", json=body)
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert busy.status_code == 200
    text = json.dumps(busy.get_json(), ensure_ascii=False)
    assert BUSY_MESSAGE in text and "Traceback" not in text
    with Session(engine) as session:
        assert count_versions(session) == 0  # nothing stored
    saved = client.post("/_dash-update-component", json=body)
    assert "Guardada la versión 1" in json.dumps(saved.get_json(), ensure_ascii=False)
    engine.dispose()
    services.engine.dispose()
