"""Security headers, the Content-Security-Policy and gzip, through Flask's test client; and the
policy enforced in headless Chromium."""

from __future__ import annotations

import base64
import gzip
import hashlib
import json
import re
from pathlib import Path

import dash
import plotly
import pytest
from selenium.webdriver.common.by import By

from dashboard.app import create_app
from loaders.settings import Settings
from tests.browser import chromium, console_errors, served, wait_for, wait_for_text, wait_until

HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
}
POLICY_WITHOUT_SCRIPTS = {
    "default-src": ["'self'"],
    "style-src": ["'self'", "'unsafe-inline'"],
    "img-src": ["'self'", "data:", "blob:"],
    "font-src": ["'self'", "data:"],
    "connect-src": ["'self'"],
    "frame-ancestors": ["'none'"],
    "base-uri": ["'self'"],
    "form-action": ["'self'"],
    "object-src": ["'none'"],
}
PAGES_ROUTER = ".._pages_content.children..._pages_store.data.."
PLOTLY_BUNDLE = "/_dash-component-suites/plotly/package_data/plotly.min.js"  # dcc loads it async
GZIP = {"Accept-Encoding": "gzip"}


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    app = create_app(Settings(data_dir=tmp_path_factory.mktemp("security") / "d"))
    yield app
    app.server.extensions["tablero_poa"].engine.dispose()


@pytest.fixture
def client(app):
    return app.server.test_client()


def directives(policy: str) -> dict[str, list[str]]:
    parsed = {}
    for part in policy.split(";"):
        name, *values = part.split()
        assert name not in parsed, f"{name} twice"
        parsed[name] = values
    return parsed


def inline_scripts(page: str) -> list[str]:
    """The text of every inline script a browser would run (not JSON, not inside a comment)."""
    page = re.sub(r"<!--.*?-->", "", page, flags=re.S)
    scripts = []
    for attrs, body in re.findall(r"<script([^>]*)>(.*?)</script>", page, flags=re.S):
        if "src=" in attrs or "application/json" in attrs:
            continue
        scripts.append(body)
    return scripts


def sha256(script: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(script.encode()).digest()).decode() + "'"


def router_request(pathname: str, search: str) -> dict:
    """The request Dash Pages' own router callback gets when the address changes."""
    return {
        "output": PAGES_ROUTER,
        "outputs": [{"id": "_pages_content", "property": "children"},
                    {"id": "_pages_store", "property": "data"}],
        "inputs": [{"id": "_pages_location", "property": "pathname", "value": pathname},
                   {"id": "_pages_location", "property": "search", "value": search}],
        "changedPropIds": ["_pages_location.pathname"],
        "state": [],
    }


def assert_security_headers(response, script_hashes: set[str]) -> None:
    for name, value in HEADERS.items():
        assert response.headers.get(name) == value, (name, response.request.path)
    policy = directives(response.headers["Content-Security-Policy"])
    script_src = policy.pop("script-src")
    assert policy == POLICY_WITHOUT_SCRIPTS
    assert script_src[0] == "'self'"
    assert set(script_src[1:]) == script_hashes
    assert "'unsafe-inline'" not in script_src and "'unsafe-eval'" not in script_src


def test_the_policy_allows_exactly_the_inline_scripts_of_the_page(client):
    page = client.get("/metas").get_data(as_text=True)
    scripts = inline_scripts(page)
    # Dash's renderer start-up and the clientside callbacks (print button, page title).
    assert "var renderer = new DashRenderer();" in scripts
    assert any("window.print()" in s for s in scripts)
    assert len(scripts) >= 3
    policy = directives(client.get("/").headers["Content-Security-Policy"])
    assert set(policy["script-src"]) == {"'self'"} | {sha256(s) for s in scripts}


def test_every_response_carries_the_security_headers(app, client):
    hashes = {sha256(s) for s in inline_scripts(client.get("/").get_data(as_text=True))}
    from sqlalchemy.orm import Session

    from loaders.store.queries import list_versions

    with Session(app.server.extensions["tablero_poa"].engine) as session:
        version = max(v.id for v in list_versions(session))
    responses = {
        "page": client.get("/calidad?corte=2026-11-21"),
        "layout json": client.get("/_dash-layout"),
        "callback json": client.post("/_dash-update-component",
                                     json=router_request("/calidad", "?corte=2026-11-21")),
        "download": client.get(f"/descargas/version/{version}"),
        "asset": client.get("/assets/tablero.css"),
        "script": client.get(PLOTLY_BUNDLE),
        "404": client.get("/descargas/version/999999"),
        "405": client.post(f"/descargas/version/{version}"),
    }
    assert {name: r.status_code for name, r in responses.items()} == {
        "page": 200, "layout json": 200, "callback json": 200, "download": 200, "asset": 200,
        "script": 200, "404": 404, "405": 405,
    }
    assert responses["callback json"].mimetype == "application/json"
    assert responses["download"].data[:2] == b"PK"  # the original workbook
    assert "No se encontró" in responses["404"].get_data(as_text=True)
    files = {"asset", "script"}
    for name, response in responses.items():
        if name not in files:
            assert_security_headers(response, hashes)
    # scripts and style sheets are never documents: only the header that concerns them
    for name in files:
        headers = responses[name].headers
        assert headers["X-Content-Type-Options"] == "nosniff", name
        for document_only in ("Content-Security-Policy", "X-Frame-Options",
                              "Cross-Origin-Opener-Policy", "Permissions-Policy",
                              "Referrer-Policy"):
            assert document_only not in headers, (name, document_only)


def test_pages_and_bundles_are_gzipped_and_decompress_to_the_same_bytes(client):
    plain = client.get("/")
    zipped = client.get("/", headers=GZIP)
    assert plain.headers.get("Content-Encoding") is None
    assert zipped.headers["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in zipped.headers["Vary"]
    page = gzip.decompress(zipped.data).decode()
    assert page.startswith("<!DOCTYPE html>") and "<title>Tablero POA</title>" in page
    assert inline_scripts(page) == inline_scripts(plain.get_data(as_text=True))

    dcc_url = re.search(r'src="(/_dash-component-suites/dash/[^"]*dcc/dash_core_components\.[^"]+)"',
                        page).group(1)
    bundles = {
        dcc_url: Path(dash.__file__).parent / "dcc" / "dash_core_components.js",
        PLOTLY_BUNDLE: Path(plotly.__file__).parent / "package_data" / "plotly.min.js",
    }
    for url, source in bundles.items():
        response = client.get(url, headers=GZIP)
        assert response.status_code == 200, url
        assert response.headers["Content-Encoding"] == "gzip", url
        expected = source.read_bytes()
        assert gzip.decompress(response.data) == expected, url
        assert len(response.data) < len(expected) / 2, url


def test_callback_responses_are_gzipped(client):
    body = router_request("/calidad", "?corte=2026-11-21")
    plain = client.post("/_dash-update-component", json=body)
    zipped = client.post("/_dash-update-component", json=body, headers=GZIP)
    assert plain.status_code == zipped.status_code == 200
    assert plain.headers.get("Content-Encoding") is None
    assert zipped.headers["Content-Encoding"] == "gzip"
    decoded = json.loads(gzip.decompress(zipped.data))
    assert decoded == plain.get_json()
    assert "Calidad de datos" in json.dumps(decoded["response"]["_pages_content"],
                                            ensure_ascii=False)
    assert len(zipped.data) < len(plain.data)


@pytest.mark.browser
def test_the_browser_runs_dash_under_the_policy_and_blocks_injected_scripts(tmp_path):
    driver = chromium()
    try:
        with served(Settings(data_dir=tmp_path / "d")) as live:
            driver.get(f"{live.url}/calidad?corte=2026-11-21")
            wait_for(driver, "#calidad-table")
            # The hashed inline scripts ran: the renderer and the clientside callbacks.
            assert driver.execute_script("return typeof window.renderer") == "object"
            funcs = driver.execute_script(
                "return Object.keys(window.dash_clientside._dashprivate_clientside_funcs)")
            assert len(funcs) >= 2
            driver.find_element(By.CSS_SELECTOR, ".navbar a.nav-link[href*='/metas']").click()
            wait_for_text(driver, ".page-title", "Metas")
            wait_until(lambda: driver.title == "Metas — Tablero POA")  # clientside callback
            wait_until(lambda: driver.find_elements(By.CSS_SELECTOR, ".gauge-card .main-svg"))
            assert console_errors(driver) == []
            driver.execute_script(
                "const s = document.createElement('script');"
                "s.textContent = 'window.injected = true';"
                "document.head.appendChild(s);"
            )
            assert driver.execute_script("return window.injected === undefined") is True
            errors = wait_until(lambda: console_errors(driver))
            assert any("Content Security Policy" in e for e in errors), errors
    finally:
        driver.quit()
