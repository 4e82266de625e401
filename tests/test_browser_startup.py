"""The page starts from what its index page carries (`dashboard/startup.py`,
`assets/page_start.js`), in headless Chromium against the real app: Dash's layout and callbacks
are never asked for; a second visit draws the page with no callback sent to the server; a new
version shows at once on the next visit (the browser asks again); signing out empties what the
browser kept."""

from __future__ import annotations

from datetime import date

import pytest
from selenium.webdriver.common.by import By

from loaders.imports import import_workbook
from loaders.settings import Settings
from tests.bench.workbooks import sample_revision
from tests.browser import browsing, console_errors, login, served, wait_for, wait_until
from tests.test_response_cache import revised_achieved, sample_plan

pytestmark = pytest.mark.browser
ASKED = """
return performance.getEntriesByType('resource').map(e => new URL(e.name).pathname)
  .filter(p => ['/_dash-layout', '/_dash-dependencies', '/_dash-update-component'].includes(p));
"""
KEPT = """
return Object.keys(localStorage).filter(k => k.startsWith('tablero-respuesta:')).length;
"""
FROM_BROWSER = "return performance.getEntriesByName('tablero-inicio:respuesta').length;"
INDEX_TOKEN = "return JSON.parse(document.getElementById('tablero-inicio').textContent).token;"


@pytest.fixture
def live(tmp_path):
    with served(Settings(data_dir=tmp_path / "data")) as live:
        yield live


@pytest.fixture
def driver():
    yield from browsing()


def open_summary(driver, live) -> str:
    """Resumen on today's fecha de corte, drawn and settled; returns its achievement line."""
    driver.get(f"{live.url}/")
    wait_for(driver, "#semaforo-chart .main-svg", timeout=60)
    wait_until(lambda: driver.execute_script(
        "return document.querySelector('[data-dash-is-loading=\"true\"]') === null"))
    return driver.find_element(By.ID, "kpi-index").text


def asked(driver) -> list[str]:
    return driver.execute_script(ASKED)


def test_a_second_visit_draws_the_page_without_asking_the_server(driver, live):
    first = open_summary(driver, live)
    assert "23 de 198 metas alcanzadas" in first
    calls = asked(driver)
    # the layout and the callbacks came with the page; the callbacks' answers from the server
    assert "/_dash-layout" not in calls and "/_dash-dependencies" not in calls
    assert calls.count("/_dash-update-component") >= 2
    kept = wait_until(lambda: driver.execute_script(KEPT))
    assert kept == calls.count("/_dash-update-component")

    second = open_summary(driver, live)
    assert second == first
    assert asked(driver) == []
    assert driver.execute_script(FROM_BROWSER) == kept
    assert driver.execute_script("return localStorage.getItem('tablero-respuestas-token')") \
        == driver.execute_script(INDEX_TOKEN)
    assert console_errors(driver) == []


def test_a_new_version_shows_on_the_next_visit(driver, live):
    open_summary(driver, live)
    wait_until(lambda: driver.execute_script(KEPT))
    old_token = driver.execute_script(INDEX_TOKEN)
    import_workbook(live.engine, sample_revision(), live.app.server.extensions["tablero_poa"]
                    .settings, file_name="revision.xlsx", uploaded_by="prueba",
                    as_of=date.today())

    shown = open_summary(driver, live)
    revised = revised_achieved(live.app, sample_plan(live.app))
    assert revised != 23
    assert f"{revised} de 198 metas alcanzadas" in shown
    assert "/_dash-update-component" in asked(driver)  # asked again: the data changed
    assert driver.execute_script(FROM_BROWSER) == 0
    assert driver.execute_script(INDEX_TOKEN) != old_token
    assert driver.execute_script("return localStorage.getItem('tablero-respuestas-token')") \
        == driver.execute_script(INDEX_TOKEN)


def test_signing_out_empties_what_the_browser_kept(driver, live):
    login(driver, live, live.add_account("regidora", "consulta"))
    open_summary(driver, live)
    assert wait_until(lambda: driver.execute_script(KEPT)) >= 2
    # The sign-out page is not a Dash page: what it sees of the storage is what the answer
    # to its form left there.
    driver.get(f"{live.url}/salir")
    status = driver.execute_async_script("""
      const done = arguments[arguments.length - 1];
      const form = document.querySelector('form');
      fetch(form.action, {method: 'POST', body: new FormData(form), redirect: 'manual'})
        .then(r => done(r.type), e => done(String(e)));""")
    assert status == "opaqueredirect"  # the 302 to the home page
    assert driver.execute_script("return localStorage.length") == 0
    driver.get(f"{live.url}/")
    wait_for(driver, "#nav-login", timeout=60)


def test_kept_answers_serve_the_start_only_then_the_server_answers(driver, live):
    """Once the person clicks, the data may change under the open page (their own movement,
    someone's upload): no kept answer is given any more, though it is still kept."""
    open_summary(driver, live)
    wait_until(lambda: driver.execute_script(KEPT))
    open_summary(driver, live)  # a second visit, untouched so far
    ask_again = """
      const done = arguments[arguments.length - 1];
      const key = Object.keys(localStorage).find(k => k.startsWith('tablero-respuesta:'));
      const body = JSON.parse(localStorage.getItem(key))[0];
      fetch('/_dash-update-component', {method: 'POST', body: body,
                                        headers: {'Content-Type': 'application/json'}})
        .then(r => done([r.headers.get('X-Tablero-Inicio'), r.headers.get('X-Tablero-Cache')]));
    """
    assert driver.execute_async_script(ask_again) == ["navegador", None]
    driver.find_element(By.CSS_SELECTOR, ".page-title").click()  # the person acts
    assert driver.execute_async_script(ask_again) == [None, "hit"]
    assert driver.execute_script(KEPT) >= 2


def test_answers_kept_under_another_token_are_never_given(driver, live):
    """What a tab opened earlier (under another token) may write is never read by this one."""
    open_summary(driver, live)
    kept = wait_until(lambda: driver.execute_script(KEPT))
    moved = driver.execute_script("""
      const token = JSON.parse(document.getElementById('tablero-inicio').textContent).token;
      const keys = Object.keys(localStorage).filter(k => k.startsWith('tablero-respuesta:'));
      for (const key of keys) {
        if (!key.startsWith('tablero-respuesta:' + token.slice(0, 16) + ':')) { return -1; }
        localStorage.setItem(key.replace(token.slice(0, 16), 'otra-ficha-00000'),
                             localStorage.getItem(key));
        localStorage.removeItem(key);
      }
      return keys.length;""")
    assert moved == kept
    open_summary(driver, live)
    assert driver.execute_script(FROM_BROWSER) == 0
    assert "/_dash-update-component" in asked(driver)
