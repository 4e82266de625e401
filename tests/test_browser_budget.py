"""The director's budget page in headless Chromium: EAEPE, the movement form, refusals."""

from __future__ import annotations

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from loaders.settings import Settings
from loaders.store.schema import MovementRow
from tests.browser import (
    chromium,
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
    with served(Settings(data_dir=tmp_path_factory.mktemp("budget-app"))) as live:
        yield live


@pytest.fixture(scope="module")
def driver(live):
    driver = chromium()
    director = live.add_account("directora", "direccion",
                                [{"municipio": "Sombrerete", "area": "Migrantes y Ex braceros"}])
    login(driver, live, director)
    yield driver
    driver.quit()


def stored_movements(live) -> int:
    with Session(live.app.server.extensions["tablero_poa"].engine) as s:
        return s.scalar(select(func.count()).select_from(MovementRow))


def money(text: str) -> float:
    return float(text.replace("$", "").replace(",", "").strip())


def row_of(driver, partida: str) -> list[str]:
    for row in driver.find_elements(By.CSS_SELECTOR, "#eaepe-table tbody tr"):
        cells = [td.text for td in row.find_elements(By.TAG_NAME, "td")]
        if cells and cells[0] == partida:
            return cells
    raise AssertionError(f"partida {partida} not in the EAEPE table")


def fill(driver, partida: str, concepto: str, momento: str, amount: str) -> None:
    for field, value in (("mov-partida", partida), ("mov-concepto", concepto),
                         ("mov-importe", amount)):
        element = driver.find_element(By.ID, field)
        element.clear()
        element.send_keys(value)
    Select(driver.find_element(By.ID, "mov-momento")).select_by_visible_text(momento)


def chart_ejercido(driver, partida: str) -> float:
    return driver.execute_script(
        "const gd = document.querySelector('#budget-by-partida .js-plotly-plot');"
        "const t = gd.data.find(t => t.name === 'Ejercido');"
        "const i = t.x.findIndex(x => x.startsWith(arguments[0] + ' '));"
        "return t.y[i];", partida)


def test_sample_budget_and_a_registered_movement_change_table_and_charts(driver, live):
    driver.get(f"{live.url}/presupuesto?corte=2026-11-21")
    wait_for_text(driver, "#budget-approved", "$90,000.00")
    partidas = [r[0] for r in (
        [td.text for td in row.find_elements(By.TAG_NAME, "td")]
        for row in driver.find_elements(By.CSS_SELECTOR, "#eaepe-table tbody tr"))]
    assert partidas[:5] == ["2111", "2121", "2611", "3761", "4244"] and partidas[-1] == "TOTAL"
    before_total = money(driver.find_element(By.ID, "budget-ejercido").text)
    before_row = row_of(driver, "2111")
    before_chart = chart_ejercido(driver, "2111")
    count = stored_movements(live)

    fill(driver, "2111", "Papel bond, factura 88", "Ejercido", "1234.5")
    driver.find_element(By.ID, "mov-registrar").click()
    wait_for_text(driver, "#movement-saved", "$1,234.50")
    wait_until(lambda: money(driver.find_element(By.ID, "budget-ejercido").text)
               == pytest.approx(before_total + 1234.5))
    after_row = row_of(driver, "2111")
    assert money(after_row[8]) == pytest.approx(money(before_row[8]) + 1234.5)  # Ejercido column
    assert chart_ejercido(driver, "2111") == pytest.approx(before_chart + 1234.5)
    assert stored_movements(live) == count + 1
    assert "Papel bond, factura 88" in driver.find_element(By.ID, "movements-table").text
    assert console_errors(driver) == []


def test_an_invalid_movement_gets_clear_reasons_and_stores_nothing(driver, live):
    driver.get(f"{live.url}/presupuesto?corte=2027-01-10")  # the form's date: outside 2026
    wait_for(driver, "#mov-registrar")
    count = stored_movements(live)
    fill(driver, "9999", "Prueba", "Comprometido", "-5")
    driver.find_element(By.ID, "mov-registrar").click()
    wait_for(driver, "#movement-error")
    message = driver.find_element(By.ID, "movement-error").text
    assert "9999" in message
    assert "2026" in message
    assert "mayor que cero" in message or "positivo" in message
    assert stored_movements(live) == count
