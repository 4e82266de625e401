"""Server-side rules of the app, through Flask's test client (no browser)."""

from __future__ import annotations

import hashlib

from dashboard.app import create_app
from loaders.settings import Settings


def test_request_bodies_over_the_upload_limit_are_refused_by_the_server(tmp_path):
    settings = Settings(data_dir=tmp_path / "d", sample_workbook=tmp_path / "none.xlsx",
                        max_file_mb=0.05)
    app = create_app(settings)
    limit = app.server.config["MAX_CONTENT_LENGTH"]
    assert limit == int(0.05 * 1024 * 1024 * 4 / 3 + 1024 * 1024)
    client = app.server.test_client()
    response = client.post("/_dash-update-component", data=b"x" * (limit + 1),
                           content_type="application/json")
    assert response.status_code == 413


def test_first_start_imports_the_sample_and_the_examples_and_serves_originals(tmp_path):
    app = create_app(Settings(data_dir=tmp_path / "d"))
    client = app.server.test_client()
    from sqlalchemy.orm import Session

    from loaders.store.queries import list_plans, list_versions

    with Session(app.server.extensions["tablero_poa"].engine) as s:
        plans = list_plans(s)
        versions = list_versions(s)
    areas = [p.area for p in plans]
    assert "Migrantes y Ex braceros" in areas
    assert sum("EJEMPLO" in a for a in areas) >= 2
    real = next(v for v in versions if v.file_name == "poa_migrantes_ex_braceros_2026.xlsx")
    assert real.id == max(v.id for v in versions)  # imported last: the default view
    response = client.get(f"/descargas/version/{real.id}")
    assert response.status_code == 200
    assert hashlib.sha256(response.data).hexdigest() == real.sha256
    assert client.get("/descargas/version/999999").status_code == 404


def test_server_errors_answer_in_spanish_without_a_traceback(tmp_path):
    app = create_app(Settings(data_dir=tmp_path / "d", sample_workbook=tmp_path / "none.xlsx"))
    client = app.server.test_client()
    missing = client.get("/descargas/version/999999")
    assert missing.status_code == 404 and "No se encontró" in missing.get_data(as_text=True)
    broken = client.post("/_dash-update-component", data=b"{no es json",
                         content_type="application/json")
    text = broken.get_data(as_text=True)
    assert broken.status_code == 400  # a body that is not a callback request
    assert broken.get_json() == {"error": "Solicitud mal formada."}
    assert "Traceback" not in text and "File \"" not in text
