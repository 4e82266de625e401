"""The two ways a user gets the dashboard running: the README's run command, and an installed wheel
started from another directory (nothing looked up in the checkout)."""

from __future__ import annotations

import hashlib
import os
import re
import signal
import socket
import subprocess
import sys
import sysconfig
import time
import zipfile
from pathlib import Path

import requests
from sqlalchemy import create_engine, select
from sqlalchemy.orm import Session

from loaders.store.schema import Plan, Version
from tests.paths import REPO_ROOT, SAMPLE_WORKBOOK

START_DEADLINE = 240  # seconds to wait for the first answer before giving up (not an assertion)
SAMPLE_AREA = "Migrantes y Ex braceros"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _env(data_dir: Path, port: int) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("POA_", "PYTHON"))}
    env.update(POA_DATA_DIR=str(data_dir), POA_PORT=str(port), POA_HOST="127.0.0.1",
               POA_LECTURA_ABIERTA="1")
    return env


def _serve(command: list[str], *, cwd: Path, env: dict[str, str], log: Path, base: str):
    """Start `command` in its own process group and wait until `/` answers; returns the process."""
    with log.open("wb") as out:
        proc = subprocess.Popen(command, cwd=cwd, env=env, stdout=out, stderr=subprocess.STDOUT,
                                start_new_session=True)
    deadline = time.monotonic() + START_DEADLINE
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            break
        try:
            if requests.get(base + "/", timeout=5).status_code == 200:
                return proc
        except requests.ConnectionError:
            pass
        time.sleep(0.5)
    _stop(proc)
    raise AssertionError(f"the dashboard did not answer; its output:\n{log.read_text()[-4000:]}")


def _stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=20)


def _assert_serves_the_sample(base: str, data_dir: Path) -> None:
    """`/` and its CSS answer, and the database holds the sample POA with its original bytes."""
    page = requests.get(base + "/", timeout=10)
    assert page.status_code == 200 and "Tablero POA" in page.text
    css = requests.get(base + "/assets/tablero.css", timeout=10)
    assert css.status_code == 200
    assert css.content == (REPO_ROOT / "assets" / "tablero.css").read_bytes()
    assert "/assets/tablero.css" in page.text  # the page links it
    engine = create_engine(f"sqlite:///{data_dir / 'tablero_poa.sqlite3'}")
    with Session(engine) as session:
        plan = session.scalars(select(Plan).where(Plan.area == SAMPLE_AREA)).one()
        version = session.scalars(select(Version).where(Version.plan_id == plan.id)).one()
    engine.dispose()
    original = requests.get(f"{base}/descargas/version/{version.id}", timeout=10)
    assert original.status_code == 200
    assert hashlib.sha256(original.content).hexdigest() == hashlib.sha256(
        SAMPLE_WORKBOOK.read_bytes()).hexdigest()


def readme_run_command() -> str:
    """The shell command under «Instalar y abrir el tablero» in the README."""
    text = (REPO_ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("**Instalar y abrir el tablero**", 1)[1]
    return re.search(r"```sh\n(.+?)\n```", section, re.S).group(1).strip()


def test_readme_run_command_installs_starts_and_serves_the_sample(tmp_path):
    command = readme_run_command()
    assert "-c .ci/constraints.txt" in command  # the pinned versions
    assert command.endswith(".venv/bin/python -m dashboard")
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    data_dir = tmp_path / "datos"
    proc = _serve(["bash", "-c", command], cwd=REPO_ROOT, env=_env(data_dir, port),
                  log=tmp_path / "run.log", base=base)
    try:
        _assert_serves_the_sample(base, data_dir)
    finally:
        _stop(proc)
    output = (tmp_path / "run.log").read_text()
    assert f"Tablero POA en http://127.0.0.1:{port}/" in output
    assert "Contraseña:" in output  # the first start announces the admin password once


def _site_packages(venv: Path) -> Path:
    return Path(sysconfig.get_path("purelib", vars={"base": str(venv), "platbase": str(venv)}))


def test_wheel_installed_in_a_new_virtualenv_serves_the_sample_from_another_directory(tmp_path):
    wheels = tmp_path / "wheels"
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q",
         "-w", str(wheels), str(REPO_ROOT)],
        check=True, cwd=tmp_path, timeout=300, capture_output=True,
    )
    wheel = next(wheels.glob("tablero_poa-*.whl"))
    names = set(zipfile.ZipFile(wheel).namelist())
    for shipped in (
        "dashboard/assets/tablero.css", "dashboard/assets/plotly-locale-es.js",
        "dashboard/assets/00_bootstrap_flatly.min.css", "dashboard/pages/resumen.py",
        "sample_data/poa_migrantes_ex_braceros_2026.xlsx",
        "sample_data/ejercicio_presupuesto_2026.xlsx", "loaders/data/clasificador_objeto_gasto.csv",
        "loaders/store/migrations/env.py", "loaders/store/migrations/versions/0001_initial_schema.py",
    ):
        assert shipped in names, shipped
    assert not any(n.startswith("tests/") for n in names)

    # A new virtualenv: the project from the wheel; its dependencies are those of this run's
    # virtualenv (already pinned), seen through a .pth file so that nothing is downloaded.
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=120)
    python = venv / "bin" / "python"
    subprocess.run([str(python), "-m", "pip", "install", "-q", "--no-deps", "--no-index",
                    str(wheel)], check=True, timeout=300, capture_output=True)
    deps = Path(sysconfig.get_path("purelib"))
    (_site_packages(venv) / "zz_dependencies.pth").write_text(f"{deps}\n")

    elsewhere = tmp_path / "otra_carpeta"
    elsewhere.mkdir()
    port = _free_port()
    env = _env(tmp_path / "datos", port)
    where = subprocess.run(
        [str(python), "-c", "import dashboard, loaders, sample_data; "
         "print(dashboard.__file__, loaders.__file__, sample_data.__file__)"],
        cwd=elsewhere, env=env, capture_output=True, text=True, check=True, timeout=60,
    ).stdout.split()
    assert all(path.startswith(str(venv)) for path in where), where  # not the checkout

    base = f"http://127.0.0.1:{port}"
    proc = _serve([str(python), "-m", "dashboard"], cwd=elsewhere, env=env,
                  log=tmp_path / "wheel.log", base=base)
    try:
        _assert_serves_the_sample(base, tmp_path / "datos")
    finally:
        _stop(proc)
