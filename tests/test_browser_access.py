"""Roles in headless Chromium: what a `consulta` account sees, and the admin's audit page."""

from __future__ import annotations

import json
import urllib.error
import urllib.request

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

from dashboard import auth
from tests.browser import (
    browsing,
    console_errors,
    login,
    served,
    wait_for,
    wait_for_text,
    wait_until,
)

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def live(tmp_path_factory):
    from loaders.settings import Settings

    with served(Settings(data_dir=tmp_path_factory.mktemp("access-app") / "data")) as live:
        live.add_account("regidora", "consulta")
        live.add_account("jefa", "admin")
        yield live


@pytest.fixture(scope="module")
def driver():
    yield from browsing()


def nav_links(driver) -> list[str]:
    return [a.text for a in driver.find_elements(By.CSS_SELECTOR, ".navbar .nav-link")]


def post_as(driver, live, key: str) -> int:
    """POST a callback request with the browser's own session cookie; the HTTP status."""
    cookie = "; ".join(f"{c['name']}={c['value']}" for c in driver.get_cookies())
    entry = live.app.callback_map[key]
    body = {"output": key, "outputs": [], "state": [],
            "inputs": [{"id": i["id"], "property": i["property"], "value": 1}
                       for i in entry["inputs"]]}
    request = urllib.request.Request(
        f"{live.url}/_dash-update-component", data=json.dumps(body).encode(),
        headers={"Content-Type": "application/json", "Cookie": cookie}, method="POST")
    try:
        with urllib.request.urlopen(request) as response:
            return response.status
    except urllib.error.HTTPError as exc:
        return exc.code


def test_consulta_sees_no_upload_or_budget_controls_and_the_server_refuses_anyway(driver, live):
    login(driver, live, "regidora")
    assert "Regidora · Consulta" in driver.find_element(By.ID, "nav-user").text
    wait_until(lambda: "Metas" in nav_links(driver))
    assert "Cargar POA" not in nav_links(driver) and "Auditoría" not in nav_links(driver)

    driver.get(f"{live.url}/carga")
    wait_for_text(driver, "#carga-not-allowed", "no tiene permiso para cargar POA")
    assert not driver.find_elements(By.CSS_SELECTOR, "#carga-upload, input[type=file]")

    driver.get(f"{live.url}/presupuesto")
    wait_for_text(driver, "#budget-read-only", "solo puede consultar este presupuesto")
    wait_for(driver, "#eaepe-table")  # reading the budget is allowed
    assert not driver.find_elements(By.CSS_SELECTOR, "#mov-registrar, #presupuesto-upload")
    assert not [b for b in driver.find_elements(By.TAG_NAME, "button") if b.text == "Revertir"]

    policy = auth.policy(live.app)
    writes = [k for k, p in policy.items() if p in (auth.UPLOAD, auth.BUDGET, auth.ADMIN)]
    assert len(writes) == 11
    assert {k: post_as(driver, live, k) for k in writes} == dict.fromkeys(writes, 403)
    assert console_errors(driver) == []


def test_admin_reads_the_audit_trail_filtered(driver, live):
    login(driver, live, "jefa")
    assert "Auditoría" in nav_links(driver) and "Cargar POA" in nav_links(driver)
    driver.get(f"{live.url}/auditoria")
    wait_for(driver, "#audit-table table")
    Select(driver.find_element(By.ID, "audit-action")).select_by_visible_text("Ingreso")
    user = driver.find_element(By.ID, "audit-user")
    user.send_keys("regidora\n")
    wait_for_text(driver, "#audit-count", "1 registro")
    assert driver.find_element(By.ID, "audit-count").text == "1 registro"
    cells = [td.text for td in driver.find_elements(By.CSS_SELECTOR, "#audit-table tbody td")]
    assert cells[1:] == ["regidora", "Ingreso", "rol Consulta", "127.0.0.1"]
    users = driver.find_element(By.ID, "audit-users").text
    assert "regidora" in users and "Consulta" in users
    driver.get(f"{live.url}/salir")
    wait_for(driver, "#logout-submit").click()
    wait_for(driver, "#nav-login")
    driver.get(f"{live.url}/auditoria")
    wait_for_text(driver, "#audit-not-allowed", "Para administrar cuentas ingrese con su cuenta")
    assert console_errors(driver) == []
