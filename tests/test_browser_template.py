"""/plantilla in headless Chromium, as Planeación uses it: choose a POA in the native list, press
the button, and the área's template lands in the downloads folder."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

from loaders.settings import Settings
from tests.browser import browsing, console_errors, downloaded, login, served, wait_for, wait_until

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def live(tmp_path_factory):
    with served(Settings(data_dir=tmp_path_factory.mktemp("plantilla-data"))) as live:
        live.add_account("planea", "planeacion")
        live.add_account("regidora", "consulta")
        yield live


@pytest.fixture(scope="module")
def downloads(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("plantilla-downloads")


@pytest.fixture(scope="module")
def driver(downloads):
    yield from browsing(downloads)


def click(driver, element) -> None:
    """Click an element once it is in the middle of the window (nothing fixed over it)."""
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'});", element)
    wait_until(lambda: element.is_displayed() and element.is_enabled())
    element.click()


def test_planeacion_chooses_a_poa_and_downloads_its_template(driver, live, downloads):
    login(driver, live, "planea")
    driver.get_log("browser")
    driver.get(f"{live.url}/plantilla")
    select = Select(wait_for(driver, "#plantilla-poa"))
    labels = [o.text for o in select.options if o.get_attribute("value")]
    assert len(labels) == 4  # the sample and the three examples
    assert select.first_selected_option.text == labels[0]
    label = next(t for t in labels if t.startswith("Protección Civil (EJEMPLO) 2026"))
    select.select_by_visible_text(label)
    assert driver.find_element(By.CSS_SELECTOR, "label[for='plantilla-poa']").text == "POA"
    click(driver, driver.find_element(By.ID, "plantilla-download"))
    path = downloaded(downloads, "plantilla_proteccion_civil_ejemplo_2026.xlsx")
    cover = openpyxl.load_workbook(path)["Portada"]
    assert (cover["B4"].value, cover["B12"].value) == ("TPOA", "Protección Civil (EJEMPLO)")
    assert driver.current_url.endswith("/plantilla")  # the download leaves the page as it was
    assert console_errors(driver) == []
    # The table's link downloads the same kind of file for another POA.
    click(driver, driver.find_element(By.CSS_SELECTOR,
                                      "#plantilla-table a[aria-label*='Migrantes']"))
    path = downloaded(downloads, "plantilla_migrantes_y_ex_braceros_2026.xlsx")
    assert openpyxl.load_workbook(path)["Portada"]["B12"].value == "Migrantes y Ex braceros"


def test_a_consulta_account_sees_neither_the_link_nor_the_page(driver, live):
    login(driver, live, "regidora")
    driver.get(f"{live.url}/plantilla")
    alert = wait_for(driver, "#plantilla-not-allowed")
    assert "Sólo la Unidad de Planeación y administración" in alert.text
    assert driver.find_elements(By.CSS_SELECTOR, "#plantilla-form") == []
    assert "Plantilla" not in [a.text for a in driver.find_elements(By.CSS_SELECTOR,
                                                                        ".navbar .nav-link")]
