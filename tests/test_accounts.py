"""Accounts, sign-in pages, the reading setting, the secret key and `python -m dashboard users`."""

from __future__ import annotations

import os
import re
import stat
import subprocess
import sys
from datetime import date, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from dashboard import auth
from dashboard.app import create_app
from loaders.settings import Settings
from loaders.store.accounts import (
    AccountError,
    User,
    add_user,
    authenticate,
    find_user,
    may_budget,
    set_password,
    set_role,
)
from loaders.store.audit import AuditFilter, audit_entries
from loaders.store.engine import make_engine
from loaders.store.schema import AuditEntry, Plan, UserAccount
from tests.paths import REPO_ROOT

PASSWORD = "clave-de-prueba-123"
GOOD_SECRET = "9f" * 32


def audit(engine, action: str) -> list[AuditEntry]:
    with Session(engine) as s:
        return list(s.execute(select(AuditEntry).where(AuditEntry.action == action)
                              .order_by(AuditEntry.id)).scalars())


# -- accounts on both engines ---------------------------------------------------------------------


def test_accounts_hash_passwords_and_audit_every_change(engine):
    user = add_user(engine, "Maria", PASSWORD, "direccion", full_name="María Pérez",
                    areas=[{"municipio": "Sombrerete", "area": "Migrantes y Ex braceros"}],
                    by="admin", remote_addr="10.0.0.5")
    assert (user.username, user.role_label, user.display) == ("maria", "Dirección de área",
                                                              "María Pérez")
    with Session(engine) as s:
        stored = s.execute(select(UserAccount)).scalar_one()
    assert PASSWORD not in stored.password_hash and stored.password_hash.startswith("scrypt:")
    with pytest.raises(AccountError, match="Ya existe una cuenta «maria»"):
        add_user(engine, "maria", PASSWORD, "consulta", by="admin")
    with pytest.raises(AccountError, match="al menos 10 caracteres"):
        add_user(engine, "pepe", "corta", "consulta", by="admin")
    with pytest.raises(AccountError, match="El rol «rey» no existe"):
        add_user(engine, "pepe", PASSWORD, "rey", by="admin")
    set_role(engine, "maria", "planeacion", by="admin")
    set_password(engine, "maria", "otra-clave-larga", by="admin")
    assert authenticate(engine, "MARIA ", "otra-clave-larga", remote_addr="10.0.0.9").id == user.id
    with pytest.raises(AccountError, match="Usuario o contraseña incorrectos"):
        authenticate(engine, "maria", PASSWORD)
    entries = {e.action: e for e in audit(engine, "user_added") + audit(engine, "role_changed")
               + audit(engine, "login") + audit(engine, "login_failed")}
    assert entries["user_added"].detail == ("cuenta «maria» con rol Dirección de área, áreas: "
                                            "Migrantes y Ex braceros (Sombrerete)")
    assert entries["user_added"].remote_addr == "10.0.0.5"
    assert entries["role_changed"].detail == "cuenta «maria»: rol Dirección de área → Planeación"
    assert (entries["login"].user, entries["login"].remote_addr) == ("maria", "10.0.0.9")
    assert entries["login_failed"].detail == "usuario o contraseña incorrectos"


def test_repeated_failures_make_the_next_try_wait(engine):
    add_user(engine, "pedro", PASSWORD, "consulta", by="admin")
    for _ in range(5):
        with pytest.raises(AccountError, match="incorrectos"):
            authenticate(engine, "pedro", "mala-clave-123")
    with pytest.raises(AccountError, match="Demasiados intentos fallidos; espere 1 minuto antes"):
        authenticate(engine, "pedro", PASSWORD)  # even the right password, for now
    details = [e.detail for e in audit(engine, "login_failed")]
    assert details == ["usuario o contraseña incorrectos"] * 5 + ["bloqueado por demasiados intentos"]


def test_director_areas_match_without_accents_or_case():
    plan = Plan(municipio="Sombrerete", area="Migrantes y Ex braceros")
    director = User(1, "d", "", "direccion", (("", "MIGRANTES Y EX-BRACEROS"),), True, "s",
                    None)
    assert not may_budget(director, plan)  # a hyphen is a different name
    director = User(1, "d", "", "direccion", (("sombrerete", "migrantes y ex braceros"),), True,
                    "s", None)
    assert may_budget(director, plan)
    elsewhere = User(1, "d", "", "direccion", (("Fresnillo", "Migrantes y Ex braceros"),), True,
                     "s", None)
    assert not may_budget(elsewhere, plan)
    planning = User(1, "p", "", "planeacion", (), True, "s", None)
    assert not may_budget(planning, plan)


def test_audit_trail_filters(engine):
    add_user(engine, "ana", PASSWORD, "consulta", by="admin")
    authenticate(engine, "ana", PASSWORD, remote_addr="10.1.1.1")
    with pytest.raises(AccountError):
        authenticate(engine, "ana", "equivocada-123")
    with Session(engine) as s:
        rows, total = audit_entries(s, AuditFilter(user="an"))
        assert total == 2 and [r.action_label for r in rows] == ["Ingreso fallido", "Ingreso"]
        rows, total = audit_entries(s, AuditFilter(action="user_added"))
        assert (total, rows[0].detail) == (1, "cuenta «ana» con rol Consulta")
        assert audit_entries(s, AuditFilter(until=date.today() - timedelta(days=1)))[1] == 0
        assert audit_entries(s, AuditFilter(since=date.today()))[1] == 3
        assert audit_entries(s, AuditFilter(text="100%_"))[1] == 0  # LIKE characters escaped


# -- sign-in and sign-out pages -------------------------------------------------------------------


@pytest.fixture
def app(tmp_path):
    app = create_app(Settings(data_dir=tmp_path / "data"))
    add_user(app.server.extensions["tablero_poa"].engine, "planea", PASSWORD, "planeacion",
             full_name="Unidad de Planeación", by="prueba")
    return app


def csrf_of(client, path="/ingresar") -> str:
    return re.search(r'name="csrf" value="([^"]+)"', client.get(path).get_data(as_text=True))[1]


def test_login_page_signs_in_and_out_in_spanish(app):
    client = app.server.test_client()
    page = client.get("/ingresar")
    assert page.status_code == 200 and 'lang="es-MX"' in page.get_data(as_text=True)
    assert "Contraseña" in page.get_data(as_text=True)
    token = csrf_of(client)
    wrong = client.post("/ingresar", data={"usuario": "planea", "contrasena": "no-es-esta-123",
                                           "csrf": token})
    assert wrong.status_code == 401
    assert "Usuario o contraseña incorrectos, o cuenta desactivada." in wrong.get_data(as_text=True)
    right = client.post("/ingresar", data={"usuario": "planea", "contrasena": PASSWORD,
                                           "csrf": token, "siguiente": "/metas?poa=1"})
    assert (right.status_code, right.headers["Location"]) == (302, "/metas?poa=1")
    cookie = right.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    frame = client.get("/_dash-layout").get_data(as_text=True)
    assert "Unidad de Planeaci" in frame and "Salir" in frame
    token = csrf_of(client, "/salir")
    out = client.post("/salir", data={"csrf": token})
    assert out.status_code == 302
    assert "Ingresar" in client.get("/_dash-layout").get_data(as_text=True)
    engine = app.server.extensions["tablero_poa"].engine
    assert [e.user for e in audit(engine, "logout")] == ["planea"]


def test_login_refuses_a_post_without_its_token_and_never_redirects_off_site(app):
    client = app.server.test_client()
    no_token = client.post("/ingresar", data={"usuario": "planea", "contrasena": PASSWORD})
    assert no_token.status_code == 400 and "La página caducó" in no_token.get_data(as_text=True)
    for target in ("//ejemplo.com/x", "https://ejemplo.com", "/\\ejemplo.com"):
        response = client.post("/ingresar", data={"usuario": "planea", "contrasena": PASSWORD,
                                                  "csrf": csrf_of(client), "siguiente": target})
        assert response.headers["Location"] == "/", target


def test_reading_requires_sign_in_when_turned_off(tmp_path):
    app = create_app(Settings(data_dir=tmp_path / "data", public_read=False))
    add_user(app.server.extensions["tablero_poa"].engine, "regidora", PASSWORD, "consulta",
             by="prueba")
    client = app.server.test_client()
    home = client.get("/metas?poa=1")
    assert home.status_code == 302
    assert home.headers["Location"] == "/ingresar?siguiente=%2Fmetas%3Fpoa%3D1"
    assert client.get("/_dash-layout").status_code == 401
    assert client.get("/descargas/version/1").status_code == 302
    router = {"output": auth.PAGES_ROUTER, "inputs": []}
    assert client.post("/_dash-update-component", json=router).status_code == 401
    assert client.get("/assets/tablero.css").status_code == 200  # the sign-in page's styles
    notice = client.get("/ingresar").get_data(as_text=True)
    assert "Este tablero requiere una cuenta para consultarlo." in notice
    client.post("/ingresar", data={"usuario": "regidora", "contrasena": PASSWORD,
                                   "csrf": csrf_of(client)})
    assert client.get("/metas?poa=1").status_code == 200
    assert client.get("/descargas/version/1").status_code == 200


def test_reading_is_open_by_default(app):
    client = app.server.test_client()
    assert client.get("/").status_code == 200
    assert client.get("/_dash-layout").status_code == 200


# -- secret key, production mode, first administrator -----------------------------------------------


@pytest.mark.parametrize("secret", ["", "changeme", "cambia-esta-clave", "corta-1234"])
def test_production_refuses_a_missing_or_default_secret(tmp_path, secret):
    settings = Settings(data_dir=tmp_path / "data", production=True, secret_key=secret)
    with pytest.raises(auth.ConfigurationError, match="defina POA_SECRET_KEY"):
        create_app(settings)


def test_production_refuses_debug(tmp_path, monkeypatch):
    monkeypatch.setenv("FLASK_DEBUG", "1")
    settings = Settings(data_dir=tmp_path / "data", production=True, secret_key=GOOD_SECRET)
    with pytest.raises(auth.ConfigurationError, match="no se permite la depuración"):
        create_app(settings)


def test_production_starts_with_its_own_secret(tmp_path):
    app = create_app(Settings(data_dir=tmp_path / "data", production=True,
                              secret_key=GOOD_SECRET, secure_cookies=True))
    assert app.server.secret_key == GOOD_SECRET
    assert app.server.config["SESSION_COOKIE_SECURE"] is True
    assert not app.server.debug


def test_production_start_from_the_command_line_is_refused_without_a_secret(tmp_path):
    env = {**os.environ, "POA_DATA_DIR": str(tmp_path / "data"), "POA_PRODUCCION": "1",
           "POA_SECRET_KEY": "changeme"}
    result = subprocess.run([sys.executable, "-m", "dashboard", "--port", "0"], cwd=REPO_ROOT,
                            env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 2
    assert result.stderr.startswith("No se inició el tablero: En modo producción")
    assert "Traceback" not in result.stderr


def test_local_secret_is_generated_once_and_kept_private(tmp_path):
    settings = Settings(data_dir=tmp_path / "data")
    first = create_app(settings).server.secret_key
    second = create_app(settings).server.secret_key
    path = tmp_path / "data" / "secret_key"
    assert first == second == path.read_text().strip() and len(first) == 64
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_first_start_creates_an_admin_with_a_password_shown_once(tmp_path, capsys):
    settings = Settings(data_dir=tmp_path / "data")
    app = create_app(settings)
    shown = capsys.readouterr().out
    password = re.search(r"Usuario: admin\s+Contraseña: (\S+)", shown)[1]
    engine = app.server.extensions["tablero_poa"].engine
    assert authenticate(engine, "admin", password).role == "admin"
    create_app(settings)
    assert "Contraseña" not in capsys.readouterr().out


# -- python -m dashboard users ----------------------------------------------------------------------


def users(tmp_path, *args, stdin: str | None = None) -> subprocess.CompletedProcess:
    env = {**os.environ, "POA_DATA_DIR": str(tmp_path / "data")}
    return subprocess.run([sys.executable, "-m", "dashboard", "users", *args], cwd=REPO_ROOT,
                          env=env, input=stdin, capture_output=True, text=True, timeout=120)


def test_users_command_line(tmp_path):
    added = users(tmp_path, "add", "maria", "--role", "direccion", "--name", "María Pérez",
                  "--area", "Sombrerete: Migrantes y Ex braceros")
    assert added.returncode == 0, added.stderr
    password = re.search(r"Contraseña: (\S+)", added.stdout)[1]
    assert users(tmp_path, "add", "juan", "--role", "consulta", "--password-stdin",
                 stdin=PASSWORD + "\n").returncode == 0
    assert users(tmp_path, "set-role", "juan", "planeacion").returncode == 0
    assert users(tmp_path, "disable", "maria").returncode == 0
    listing = users(tmp_path, "list").stdout.splitlines()
    assert listing[1].split()[:3] == ["juan", "Planeación", "sí"]
    assert listing[2].split()[:5] == ["maria", "Dirección", "de", "área", "no"]
    assert listing[2].endswith("María Pérez · Migrantes y Ex braceros (Sombrerete)")
    duplicate = users(tmp_path, "add", "juan", "--role", "consulta")
    assert (duplicate.returncode, duplicate.stderr.strip()) == (1, "Ya existe una cuenta «juan».")
    missing = users(tmp_path, "disable", "nadie")
    assert (missing.returncode, missing.stderr.strip()) == (1, "No existe la cuenta «nadie».")
    engine = make_engine(settings=Settings(data_dir=tmp_path / "data"))
    with pytest.raises(AccountError, match="cuenta desactivada"):
        authenticate(engine, "maria", password)
    assert authenticate(engine, "juan", PASSWORD).role == "planeacion"
    changes = [e.detail for e in audit(engine, "role_changed")]
    assert changes == ["cuenta «juan»: rol Consulta → Planeación"]
    assert audit(engine, "user_disabled")[0].user.startswith("consola")
    with Session(engine) as s:
        assert find_user(s, "maria").areas == (("Sombrerete", "Migrantes y Ex braceros"),)
    engine.dispose()
