"""Issue 14 (points 5, 8, 9): no open redirect after sign-in; sessions with an absolute lifetime,
an idle timeout and a sign-out voided on the server; sign-in throttling per account and per
address that cannot be abused to lock an account, and that holds under parallel guesses on both
engines. Time is injected (the app's clock, `authenticate(now=…)`): nothing sleeps."""

from __future__ import annotations

import html
import re
import threading
import time
from datetime import datetime, timedelta
from email.utils import parsedate_to_datetime
from urllib.parse import urlencode

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from dashboard import auth
from dashboard.app import create_app
from loaders.settings import Settings
from loaders.store import accounts
from loaders.store.accounts import AccountError, add_user, authenticate, end_sessions, find_user
from loaders.store.schema import AuditEntry

PASSWORD = "clave-de-prueba-123"
WRONG = "no-es-la-clave-1"
COOKIE = "tablero_poa_sesion"
T0 = datetime(2026, 11, 21, 10, 0, 0)


# -- point 5: redirect after sign-in -------------------------------------------------------------


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    app = create_app(Settings(data_dir=tmp_path_factory.mktemp("sessions") / "data",
                              public_read=False, session_hours=12, idle_minutes=120))
    engine = app.server.extensions["tablero_poa"].engine
    for name in ("planea", "otra"):
        add_user(engine, name, PASSWORD, "planeacion", by="prueba")
    yield app
    engine.dispose()


def login_page(client, query: str = "") -> tuple[str, str]:
    """The sign-in page's CSRF token and the target it will follow."""
    page = client.get("/ingresar" + query).get_data(as_text=True)
    token = re.search(r'name="csrf" value="([^"]+)"', page)[1]
    target = html.unescape(re.search(r'name="siguiente" value="([^"]*)"', page)[1])
    return token, target


def sign_in(client, username: str = "planea", target: str | None = None, query: str = ""):
    token, shown = login_page(client, query)
    data = {"usuario": username, "contrasena": PASSWORD, "csrf": token,
            "siguiente": shown if target is None else target}
    return client.post("/ingresar" + query, data=data)


# Raw query strings, as an attacker writes them in a link to /ingresar.
HOSTILE_QUERIES = [
    "//evil.example", "/%09/evil.example", "/%5Cevil.example", "/%5C%5Cevil.example",
    "/%0A/evil.example", "/%0D%0A/evil.example", "%2F%2Fevil.example", "/%252F%252Fevil.example",
    "/%2509/evil.example", "https://evil.example", "https:%2F%2Fevil.example",
    "javascript:alert(1)", "JaVaScRiPt:alert(1)", "/%00/evil.example", "/%7F/evil.example",
]
# Literal values, as a hand-made form posts them.
HOSTILE_VALUES = [
    "//evil.example", "/\t/evil.example", "/\\evil.example", "\\\\evil.example",
    "/%09/evil.example", "/%2F%2Fevil.example", "/%2f/evil.example", "https://evil.example",
    "javascript:alert(1)", " //evil.example", "/\n/evil.example", "/\r\n/evil.example",
    "http:/evil.example", "///evil.example", "/%5C/evil.example",
]


@pytest.mark.parametrize("query", HOSTILE_QUERIES)
def test_a_link_to_sign_in_never_redirects_off_site(app, query):
    client = app.server.test_client()
    _token, shown = login_page(client, "?siguiente=" + query)
    assert shown == "/"  # the form already carries the home page, not the hostile target
    response = sign_in(client, query="?siguiente=" + query)
    assert (response.status_code, response.headers["Location"]) == (302, "/"), query


@pytest.mark.parametrize("value", HOSTILE_VALUES)
def test_a_posted_target_never_redirects_off_site(app, value):
    client = app.server.test_client()
    response = sign_in(client, target=value)
    assert (response.status_code, response.headers["Location"]) == (302, "/"), repr(value)
    client = app.server.test_client()  # the same value in the query string
    response = sign_in(client, query="?" + urlencode({"siguiente": value}))
    assert (response.status_code, response.headers["Location"]) == (302, "/"), repr(value)


@pytest.mark.parametrize("target", ["/presupuesto?poa=1", "/metas?poa=1&corte=2026-11-21",
                                    "/calidad", "/metas?buscar=a%2Fb"])
def test_a_path_of_this_site_is_kept(app, target):
    client = app.server.test_client()
    _token, shown = login_page(client, "?" + urlencode({"siguiente": target}))
    assert shown == target
    response = sign_in(client, query="?" + urlencode({"siguiente": target}))
    assert (response.status_code, response.headers["Location"]) == (302, target)


def test_the_sign_in_wall_sends_back_to_the_page_asked_for(app):
    client = app.server.test_client()
    wall = client.get("/presupuesto?poa=1")
    assert wall.headers["Location"] == "/ingresar?siguiente=%2Fpresupuesto%3Fpoa%3D1"
    response = sign_in(client, query="?siguiente=%2Fpresupuesto%3Fpoa%3D1")
    assert response.headers["Location"] == "/presupuesto?poa=1"


# -- point 8: sign-out, absolute lifetime, idle timeout --------------------------------------------


class Clock:
    def __init__(self) -> None:
        self.now = float(int(time.time()))
        self.start = self.now

    def __call__(self) -> float:
        return self.now

    def at(self, **delta: float) -> None:
        self.now = self.start + timedelta(**delta).total_seconds()


@pytest.fixture
def clock(app):
    clock = Clock()
    app.server.config[auth.CLOCK] = clock
    yield clock
    app.server.config.pop(auth.CLOCK, None)


def cookie_end(response) -> float:
    """When the browser drops the session cookie this response sets (epoch seconds)."""
    header = next(h for h in response.headers.getlist("Set-Cookie") if h.startswith(COOKIE))
    return parsedate_to_datetime(re.search(r"Expires=([^;]+)", header)[1]).timestamp()


def test_defaults_are_twelve_hours_and_two_idle_hours():
    settings = Settings()
    assert (settings.session_hours, settings.idle_minutes) == (12, 120)


def test_sign_out_voids_every_copy_of_the_session_on_the_server(app, clock):
    client = app.server.test_client()
    assert sign_in(client, "otra").status_code == 302
    copied = client.get_cookie(COOKIE).value
    thief = app.server.test_client()
    thief.set_cookie(COOKIE, copied)
    assert thief.get("/metas").status_code == 200
    token = re.search(r'name="csrf" value="([^"]+)"', client.get("/salir").get_data(as_text=True))
    assert client.post("/salir", data={"csrf": token[1]}).status_code == 302
    assert client.get("/metas").status_code == 302
    replay = app.server.test_client()
    replay.set_cookie(COOKIE, copied)
    answer = replay.get("/metas")
    assert (answer.status_code, answer.headers["Location"]) == (
        302, "/ingresar?siguiente=%2Fmetas")
    assert thief.get("/metas").status_code == 302
    engine = app.server.extensions["tablero_poa"].engine
    with Session(engine) as s:
        logouts = s.execute(select(AuditEntry.user).where(AuditEntry.action == "logout")).all()
    assert [u for (u,) in logouts][-1:] == ["otra"]
    assert sign_in(app.server.test_client(), "otra").status_code == 302  # a new sign-in works


def test_a_session_ends_twelve_hours_after_sign_in_however_busy(app, clock):
    client = app.server.test_client()
    signed = sign_in(client)
    end = clock.start + 12 * 3600
    assert cookie_end(signed) == end
    for minutes in range(110, 12 * 60, 110):  # used every 1 h 50 min: never idle
        clock.at(minutes=minutes)
        response = client.get("/metas")
        assert response.status_code == 200, minutes
        assert cookie_end(response) == end, minutes  # the refreshed cookie keeps its end
    clock.at(hours=11, minutes=59, seconds=59)
    assert client.get("/metas").status_code == 200
    clock.at(hours=12)
    answer = client.get("/metas")
    assert (answer.status_code, answer.headers["Location"]) == (302, "/ingresar?siguiente=%2Fmetas")
    clock.at(hours=12, minutes=1)
    assert client.get("/metas").status_code == 302  # for good


def test_a_session_ends_after_two_idle_hours(app, clock):
    client = app.server.test_client()
    sign_in(client)
    clock.at(hours=1, minutes=59)
    assert client.get("/metas").status_code == 200
    clock.at(hours=3, minutes=58)  # 1 h 59 min after the last use
    assert client.get("/metas").status_code == 200
    clock.at(hours=5, minutes=58)  # exactly 2 h idle
    assert client.get("/metas").status_code == 302
    clock.at(hours=6)
    assert client.get("/metas").status_code == 302  # gone, not revived


def test_lifetime_and_idle_timeout_come_from_the_settings(tmp_path):
    app = create_app(Settings(data_dir=tmp_path / "data", public_read=False, session_hours=1,
                              idle_minutes=10))
    add_user(app.server.extensions["tablero_poa"].engine, "planea", PASSWORD, "planeacion",
             by="prueba")
    clock = Clock()
    app.server.config[auth.CLOCK] = clock
    client = app.server.test_client()
    assert cookie_end(sign_in(client)) == clock.start + 3600
    clock.at(minutes=9)
    assert client.get("/metas").status_code == 200
    clock.at(minutes=20)
    assert client.get("/metas").status_code == 302  # 11 min idle
    sign_in(client)
    clock.start = clock.now
    for minutes in (9, 18, 27, 36, 45, 54):
        clock.at(minutes=minutes)
        assert client.get("/metas").status_code == 200, minutes
    clock.at(minutes=60)
    assert client.get("/metas").status_code == 302  # one hour after signing in
    app.server.extensions["tablero_poa"].engine.dispose()


def test_a_session_signed_before_these_rules_is_not_accepted(app, clock):
    client = app.server.test_client()
    sign_in(client)
    with client.session_transaction() as session:
        del session["since"]
    assert client.get("/metas").status_code == 302


def test_end_sessions_changes_the_stamp_and_audits(engine):
    user = add_user(engine, "ana", PASSWORD, "consulta", by="admin")
    ended = end_sessions(engine, user.id, remote_addr="10.0.0.7")
    assert ended.session_stamp != user.session_stamp
    with Session(engine) as s:
        assert find_user(s, "ana").session_stamp == ended.session_stamp
        entry = s.execute(select(AuditEntry).where(AuditEntry.action == "logout")).scalar_one()
    assert (entry.user, entry.remote_addr) == ("ana", "10.0.0.7")
    assert end_sessions(engine, 999_999) is None


# -- point 9: throttling ---------------------------------------------------------------------------


def attempt(engine, username: str, password: str, addr: str, at: timedelta) -> str:
    """'ok', or the Spanish refusal."""
    try:
        authenticate(engine, username, password, remote_addr=addr, now=T0 + at)
    except AccountError as exc:
        return str(exc)
    return "ok"


BAD = "Usuario o contraseña incorrectos, o cuenta desactivada."


def wait_text(minutes: int) -> str:
    unit = "minuto" if minutes == 1 else "minutos"
    return f"Demasiados intentos fallidos; espere {minutes} {unit} antes de volver a intentar."


def counted_failures(engine) -> int:
    with Session(engine) as s:
        return len(s.execute(select(AuditEntry.id).where(
            AuditEntry.action == "login_failed",
            AuditEntry.detail != accounts.THROTTLED_DETAIL)).all())


def test_tries_refused_while_waiting_never_extend_the_wait(engine):
    add_user(engine, "admin2", PASSWORD, "admin", by="prueba")
    for i in range(5):
        assert attempt(engine, "admin2", WRONG, "10.6.6.6", timedelta(seconds=i)) == BAD
    for second in range(5, 64, 2):  # an attacker keeps trying every two seconds
        assert attempt(engine, "admin2", WRONG, "10.6.6.6",
                       timedelta(seconds=second)) == wait_text(1)
    assert counted_failures(engine) == 5  # the refused tries were audited but not counted
    # One minute after the last counted failure, the owner (same address) signs in.
    assert attempt(engine, "admin2", PASSWORD, "10.6.6.6", timedelta(seconds=64)) == "ok"


def test_delays_grow_with_each_further_failure(engine):
    add_user(engine, "pedro", PASSWORD, "consulta", by="prueba")
    for _ in range(5):
        attempt(engine, "pedro", WRONG, "10.1.1.1", timedelta(0))
    at = timedelta(0)
    for minutes in (1, 2, 4, 8, 15, 15):
        assert attempt(engine, "pedro", PASSWORD, "10.1.1.1",
                       at + timedelta(minutes=minutes, seconds=-1)) == wait_text(1)
        assert attempt(engine, "pedro", PASSWORD, "10.1.1.1", at + timedelta(seconds=1)) == (
            wait_text(minutes))
        at += timedelta(minutes=minutes)
        assert attempt(engine, "pedro", WRONG, "10.1.1.1", at) == BAD  # checked: it counts
    assert counted_failures(engine) == 11
    # Past the window the old failures no longer count.
    assert attempt(engine, "pedro", PASSWORD, "10.1.1.1", at + timedelta(hours=1)) == "ok"


def test_the_owner_signs_in_from_another_address_while_one_is_throttled(engine):
    add_user(engine, "admin", PASSWORD, "admin", by="prueba")
    add_user(engine, "ana", PASSWORD, "consulta", by="prueba")
    answers = []
    for step in range(2 * 60 * 2):  # two hours of guesses every 30 seconds from one address
        at = timedelta(seconds=30 * step)
        answers.append(attempt(engine, "admin", WRONG, "10.6.6.6", at))
        if step % 20 == 0:  # every ten minutes the owner signs in from the office
            assert attempt(engine, "admin", PASSWORD, "10.0.0.2", at) == "ok", at
    assert answers[:5] == [BAD] * 5 and answers[5].startswith("Demasiados")
    assert answers.count(BAD) <= 5 + 2 * 8  # far fewer checks than tries
    assert attempt(engine, "admin", PASSWORD, "10.6.6.6", at).startswith("Demasiados")
    # The throttled address is throttled for every account (password spraying), not others.
    assert attempt(engine, "ana", PASSWORD, "10.6.6.6", at).startswith("Demasiados")
    assert attempt(engine, "ana", PASSWORD, "10.0.0.3", at) == "ok"


def test_one_address_guessing_many_accounts_is_throttled(engine):
    for i in range(5):
        assert attempt(engine, f"usuario{i}", WRONG, "10.7.7.7", timedelta(0)) == BAD
    assert attempt(engine, "otro", WRONG, "10.7.7.7", timedelta(0)) == wait_text(1)
    assert attempt(engine, "", WRONG, "10.7.7.8", timedelta(0)) == BAD


def test_many_addresses_guessing_one_account_are_throttled(engine):
    add_user(engine, "maria", PASSWORD, "consulta", by="prueba")
    for i in range(accounts.FREE_TRIES_ACCOUNT):
        assert attempt(engine, "maria", WRONG, f"10.8.0.{i}", timedelta(0)) == BAD
    assert attempt(engine, "maria", PASSWORD, "10.8.1.1", timedelta(0)) == wait_text(1)
    assert attempt(engine, "maria", PASSWORD, "10.8.1.1", timedelta(minutes=1)) == "ok"


def test_the_web_form_shows_the_wait_in_spanish(tmp_path):
    app = create_app(Settings(data_dir=tmp_path / "data"))
    add_user(app.server.extensions["tablero_poa"].engine, "planea", PASSWORD, "planeacion",
             by="prueba")
    clock = Clock()
    app.server.config[auth.CLOCK] = clock
    client = app.server.test_client()
    for _ in range(5):
        token, _ = login_page(client)
        client.post("/ingresar", data={"usuario": "planea", "contrasena": WRONG, "csrf": token})
    token, _ = login_page(client)
    refused = client.post("/ingresar", data={"usuario": "planea", "contrasena": PASSWORD,
                                             "csrf": token})
    assert refused.status_code == 401
    assert wait_text(1) in html.unescape(refused.get_data(as_text=True))
    clock.at(minutes=1)
    assert sign_in(client).status_code == 302
    app.server.extensions["tablero_poa"].engine.dispose()


def parallel_guesses(engine, monkeypatch, tries: list[tuple[str, str]]) -> tuple[int, list[str]]:
    """Run every (username, address) try at once; how many passwords were checked, and answers."""
    checks = 0
    lock = threading.Lock()
    real_check = accounts.check_password_hash

    def counting_check(hashed: str, password: str) -> bool:
        nonlocal checks
        with lock:
            checks += 1
        return real_check(hashed, password)

    monkeypatch.setattr(accounts, "check_password_hash", counting_check)
    start = threading.Barrier(len(tries))
    answers: list[str] = []

    def guess(username: str, addr: str) -> None:
        start.wait()
        answer = attempt(engine, username, WRONG, addr, timedelta(0))
        with lock:
            answers.append(answer)

    threads = [threading.Thread(target=guess, args=t) for t in tries]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not any(t.is_alive() for t in threads)
    return checks, answers


def test_parallel_guesses_from_one_address_get_five_checks(engine, monkeypatch):
    add_user(engine, "admin", PASSWORD, "admin", by="prueba")
    checks, answers = parallel_guesses(engine, monkeypatch, [("admin", "10.6.6.6")] * 12)
    assert checks == 5
    assert sorted(answers) == sorted([BAD] * 5 + [wait_text(1)] * 7)
    assert counted_failures(engine) == 5


def test_parallel_guesses_from_many_addresses_get_the_account_limit(engine, monkeypatch):
    add_user(engine, "admin", PASSWORD, "admin", by="prueba")
    limit = accounts.FREE_TRIES_ACCOUNT
    tries = [("admin", f"10.9.0.{i}") for i in range(limit + 8)]
    checks, answers = parallel_guesses(engine, monkeypatch, tries)
    assert checks == limit
    assert answers.count(BAD) == limit and answers.count(wait_text(1)) == 8
