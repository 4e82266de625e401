"""The app under gunicorn with several workers: a safe first start and sessions across workers."""

from __future__ import annotations

import base64
import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from dashboard.app import seed_if_empty
from dashboard.services import Services
from loaders.settings import Settings
from loaders.store.engine import create_schema, make_engine
from loaders.store.schema import AuditEntry, SpendingImport, UserAccount, Version
from tests.conftest import _postgres_database
from tests.paths import REPO_ROOT, SAMPLE_WORKBOOK

GUNICORN = Path(sys.executable).with_name("gunicorn")
SAMPLE_FILES = [
    *sorted(p.name for p in SAMPLE_WORKBOOK.parent.glob("ejemplo_*.xlsx")), SAMPLE_WORKBOOK.name,
]
MAX_REQUESTS = 4  # each worker is replaced after 4 requests: 20 requests meet at least 5 workers
START_DEADLINE = 180  # seconds to wait for the first answer before giving up (not an assertion)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _env(data_dir: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("POA_") and k != "GUNICORN_CMD_ARGS"}
    env.update(POA_DATA_DIR=str(data_dir), POA_LECTURA_ABIERTA="1", **extra)
    return env


def _start(data_dir: Path, log: Path, env: dict[str, str], *extra: str) -> tuple:
    port = _free_port()
    command = [
        str(GUNICORN), "-w", "3", "-b", f"127.0.0.1:{port}", *extra,
        "--access-logfile", "-", "--access-logformat", "%(p)s %(m)s %(U)s %(s)s",
        "dashboard.wsgi:server",
    ]
    with log.open("wb") as out:
        proc = subprocess.Popen(command, cwd=REPO_ROOT, env=env, stdout=out,
                                stderr=subprocess.STDOUT)
    return proc, f"http://127.0.0.1:{port}"


def _wait_until_up(proc: subprocess.Popen, base: str, log: Path) -> requests.Response:
    deadline = time.monotonic() + START_DEADLINE
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail(f"gunicorn ended with {proc.returncode}:\n{log.read_text()}")
        try:
            return requests.get(base + "/", timeout=30)
        except requests.ConnectionError:
            time.sleep(0.2)
    pytest.fail(f"gunicorn did not answer:\n{log.read_text()}")


def _signed_in_as(layout: object) -> str | None:
    """The name the navbar shows for the signed-in user (component `nav-user`), if any."""
    if isinstance(layout, dict):
        props = layout.get("props")
        if isinstance(props, dict) and props.get("id") == "nav-user":
            return props["children"][0]
        return next((n for v in layout.values() if (n := _signed_in_as(v)) is not None), None)
    if isinstance(layout, list):
        return next((n for v in layout if (n := _signed_in_as(v)) is not None), None)
    return None


def _stop(proc: subprocess.Popen) -> int:
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
    return proc.wait(timeout=120)


@pytest.mark.parametrize(
    "backend", ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]
)
def test_gunicorn_workers_start_once_and_share_sessions(backend, tmp_path, request):
    data_dir = tmp_path / "datos"
    env = _env(data_dir)
    if backend == "postgresql":
        env["POA_DATABASE_URL"] = _postgres_database(request.getfixturevalue("postgres_server"))
    db_url = env.get("POA_DATABASE_URL") or Settings(data_dir=data_dir).effective_database_url
    log = tmp_path / "gunicorn.log"
    proc, base = _start(data_dir, log, env, "--max-requests", str(MAX_REQUESTS))
    try:
        home = _wait_until_up(proc, base, log)
        assert home.status_code == 200
        assert "Tablero POA" in home.text

        engine = make_engine(db_url, Settings(data_dir=data_dir))
        with Session(engine) as session:
            names = session.scalars(select(Version.file_name).order_by(Version.id)).all()
            shas = session.scalar(select(func.count(func.distinct(Version.sha256))))
            users = session.scalars(select(UserAccount.username)).all()
            spending = session.scalar(select(func.count()).select_from(SpendingImport))
        engine.dispose()
        assert names == SAMPLE_FILES  # each sample once, the real POA last
        assert shas == len(SAMPLE_FILES)
        assert users == ["admin"]
        assert spending == 1

        anonymous = requests.get(base + "/_dash-layout", timeout=30)
        assert anonymous.status_code == 200 and _signed_in_as(anonymous.json()) is None

        client = requests.Session()
        form = client.get(base + "/ingresar", timeout=30)
        csrf = re.search(r'name="csrf" value="([^"]+)"', form.text).group(1)
        passwords = re.findall(r"Contraseña: (\S+)", log.read_text())
        assert len(passwords) == 1  # printed once, by the one worker that created the account
        signed_in = client.post(base + "/ingresar", timeout=30, allow_redirects=False, data={
            "usuario": "admin", "contrasena": passwords[0], "csrf": csrf, "siguiente": "/",
        })
        assert signed_in.status_code == 302
        answers = [client.get(base + "/_dash-layout", timeout=60) for _ in range(20)]
        assert [a.status_code for a in answers] == [200] * 20
        assert [_signed_in_as(a.json()) for a in answers] == ["Administración"] * 20
    finally:
        code = _stop(proc)
    assert code == 0
    text = log.read_text()
    assert "Traceback" not in text
    served = {m.group(1) for m in re.finditer(r"^<(\d+)> GET /_dash-layout 200$", text, re.M)}
    assert len(served) >= 20 // MAX_REQUESTS  # the session held in every one of those workers


def test_production_without_a_secret_stops_gunicorn_with_a_sentence(tmp_path):
    log = tmp_path / "gunicorn.log"
    env = _env(tmp_path / "datos", POA_PRODUCCION="1")
    # One worker: with several failing at once, gunicorn's arbiter itself may print a traceback
    # while halting (its own, not the app's); the refusal under test is the same per worker.
    proc, _ = _start(tmp_path / "datos", log, env, "-w", "1")
    code = proc.wait(timeout=180)
    text = log.read_text()
    assert code != 0
    assert ("No se inició el tablero: En modo producción (POA_PRODUCCION=1) defina "
            "POA_SECRET_KEY") in text
    assert "Traceback" not in text
    assert not (tmp_path / "datos" / "tablero_poa.sqlite3").exists()  # nothing was written


def test_a_second_process_seeding_at_the_same_moment_leaves_it_quietly(tmp_path, monkeypatch,
                                                                       caplog):
    settings = Settings(data_dir=tmp_path / "d")
    engine = make_engine(settings=settings)
    create_schema(engine)
    services = Services(settings=settings, engine=engine)
    seed_if_empty(services)
    # The loser checked the database while it was still empty, then found the samples stored.
    monkeypatch.setattr("dashboard.app.count_versions", lambda session: 0)
    with caplog.at_level("INFO", logger="dashboard.app"):
        seed_if_empty(services)
    with Session(engine) as session:
        names = session.scalars(select(Version.file_name).order_by(Version.id)).all()
        spending = session.scalar(select(func.count()).select_from(SpendingImport))
    engine.dispose()
    assert names == SAMPLE_FILES
    assert spending == 1
    assert [r.levelname for r in caplog.records] == ["INFO"]
    assert "another process" in caplog.records[0].getMessage()


def _until_every_worker_serves(base: str, log: Path, workers: int) -> None:
    """Wait (bounded) until `workers` different worker processes have answered a request."""
    deadline = time.monotonic() + START_DEADLINE
    seen: set[str] = set()
    while len(seen) < workers and time.monotonic() < deadline:
        requests.get(base + "/ingresar", timeout=30)
        seen = set(re.findall(r"^<?(\d+)>? GET /ingresar 200", log.read_text(), re.M))
    assert len(seen) >= workers, log.read_text()


def test_slow_clients_do_not_stop_the_threaded_workers(tmp_path):
    """Eight sockets sending their headers a byte at a time: /ingresar still answers in 2 s."""
    data_dir = tmp_path / "datos"
    log = tmp_path / "gunicorn.log"
    port = _free_port()
    env = _env(data_dir, POA_BIND=f"127.0.0.1:{port}", POA_WORKERS="2")
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [str(GUNICORN), "-c", "python:dashboard.gunicorn_conf", "--access-logfile", "-",
             "--access-logformat", "%(p)s %(m)s %(U)s %(s)s", "dashboard.wsgi:server"],
            cwd=REPO_ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    slow: list[socket.socket] = []
    try:
        _wait_until_up(proc, base, log)
        _until_every_worker_serves(base, log, workers=2)
        for _ in range(8):
            s = socket.create_connection(("127.0.0.1", port), timeout=5)
            s.sendall(b"GET /ingresar HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ")
            slow.append(s)
        time.sleep(1.0)  # the slow requests now hold what they can
        for s in slow:
            s.sendall(b"a")  # still alive, still incomplete
        started = time.monotonic()
        answer = requests.get(base + "/ingresar", timeout=10)
        elapsed = time.monotonic() - started
        assert answer.status_code == 200 and "Ingresar" in answer.text
        assert elapsed < 2.0, f"/ingresar took {elapsed:.2f} s behind 8 slow clients"
    finally:
        for s in slow:
            s.close()
        assert _stop(proc) == 0


def _callback_body(base: str, client: requests.Session, prefix: str, values: dict) -> dict:
    """The body the Dash renderer posts for the callback whose output starts with `prefix`,
    built from the app's own `/_dash-dependencies`; inputs and state take `values[property]`."""
    dependencies = client.get(base + "/_dash-dependencies", timeout=30).json()
    entry = next(d for d in dependencies if d["output"].startswith(prefix))

    def specs(items):
        return [{"id": i["id"], "property": i["property"], "value": values.get(i["property"])}
                for i in items]

    outputs = [{"id": o.rsplit(".", 1)[0], "property": o.rsplit(".", 1)[1].split("@")[0]}
               for o in entry["output"].strip(".").split("...")]
    first = entry["inputs"][0]
    return {"output": entry["output"], "outputs": outputs, "inputs": specs(entry["inputs"]),
            "state": specs(entry["state"]),
            "changedPropIds": [f"{first['id']}.{first['property']}"]}


def test_a_file_the_reader_cannot_hold_leaves_the_worker_alive(tmp_path):
    """Under gunicorn, one worker: an upload whose reading passes the memory limit is refused in
    Spanish and audited, and the same worker (same pid) reads the next upload."""
    from tests.test_contained import sparse_workbook

    data_dir = tmp_path / "datos"
    env = _env(data_dir, POA_LECTURA_MEMORIA_MB="300", POA_MAX_CELDAS="60000000",
               POA_LECTURA_SEGUNDOS="60")
    log = tmp_path / "gunicorn.log"
    proc, base = _start(data_dir, log, env, "-w", "1", "--timeout", "120")
    try:
        _wait_until_up(proc, base, log)
        client = requests.Session()
        form = client.get(base + "/ingresar", timeout=30)
        csrf = re.search(r'name="csrf" value="([^"]+)"', form.text).group(1)
        password = re.findall(r"Contraseña: (\S+)", log.read_text())[0]
        client.post(base + "/ingresar", timeout=30, allow_redirects=False, data={
            "usuario": "admin", "contrasena": password, "csrf": csrf, "siguiente": "/carga"})
        answers = []
        for data, name in ((sparse_workbook(), "disperso.xlsx"),
                           (SAMPLE_WORKBOOK.read_bytes(), "poa.xlsx")):
            content = "data:application/octet-stream;base64," + base64.b64encode(data).decode()
            body = _callback_body(base, client, "..carga-preview.children...carga-",
                                  {"contents": content, "filename": name})
            answer = client.post(base + "/_dash-update-component", json=body, timeout=120)
            assert answer.status_code == 200
            answers.append(json.dumps(answer.json(), ensure_ascii=False))
        assert "ocupaba más memoria de la permitida (300 MB)" in answers[0]
        assert "No se pudo leer" not in answers[1] and "Migrantes" in answers[1]
    finally:
        assert _stop(proc) == 0
    text = log.read_text()
    pids = re.findall(r"^<(\d+)> POST /_dash-update-component 200$", text, re.M)
    assert len(pids) == 2 and pids[0] == pids[1]  # the worker that refused also read the next
    assert "Traceback" not in text and "WORKER TIMEOUT" not in text
    engine = make_engine(Settings(data_dir=data_dir).effective_database_url,
                         Settings(data_dir=data_dir))
    with Session(engine) as session:
        refused = session.scalars(select(AuditEntry.detail).where(
            AuditEntry.action == "upload_refused")).all()
    engine.dispose()
    assert len(refused) == 1 and "disperso.xlsx" in refused[0] and "300 MB" in refused[0]
