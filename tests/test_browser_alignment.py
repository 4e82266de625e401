"""The Alineación page in headless Chromium: the matrix with each activity's progress, fracción XI
and dimension 5 flagged as without activities, the IOM-derived lines of action, and a POA
without the sheet."""

from __future__ import annotations

import time

import pytest
from selenium.webdriver.common.by import By
from sqlalchemy.orm import Session

from loaders.settings import Settings
from loaders.store.queries import list_plans
from tests.browser import chromium, console_errors, served, wait_for, wait_for_text

pytestmark = pytest.mark.browser
CORTE = "2026-11-21"


@pytest.fixture(scope="module")
def live(tmp_path_factory):
    with served(Settings(data_dir=tmp_path_factory.mktemp("alignment-data"))) as live:
        yield live


@pytest.fixture(scope="module")
def driver():
    driver = chromium()
    yield driver
    driver.quit()


def open_alignment(driver, live, query: str = "") -> None:
    driver.get_log("browser")  # drop what earlier pages logged
    driver.get(f"{live.url}/alineacion?corte={CORTE}{query}")
    wait_for_text(driver, ".corte-date", "21/11/2026")


def test_the_matrix_shows_progress_and_flags_fraccion_xi(driver, live):
    open_alignment(driver, live)
    wait_for_text(driver, ".page-title", "Alineación con el mandato")
    wait_for_text(driver, "#alineacion-summary", "7 de 11 fracciones")
    table = wait_for(driver, "#alineacion-fracciones")
    headers = table.find_elements(By.CSS_SELECTOR, "thead th")
    by_code = {h.find_element(By.CSS_SELECTOR, ".alineacion-code").text: h for h in headers[2:]}
    assert list(by_code) == ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI",
                             "XII"]
    flagged = [code for code, h in by_code.items() if "alineacion-gap" in h.get_attribute("class")]
    assert flagged == ["I", "VIII", "X", "XI"]
    assert "Sin actividades" in by_code["XI"].text  # in words, not by colour alone
    assert "Residual" in by_code["XII"].text
    # activity 2: 6 of 50 (12 %), red, in the columns of fracciones II and V only
    row = driver.find_element(By.CSS_SELECTOR, "#alineacion-fracciones-row-2")
    cells = row.find_elements(By.CSS_SELECTOR, "td")[2:]
    covered = [code for code, cell in zip(by_code, cells, strict=True) if cell.text.strip()]
    assert covered == ["II", "V"]
    assert cells[1].text.split("\n") == ["6/50 · 12 %", "■ Rojo"]
    assert "Línea tomada del informe OIM" in row.text
    footer = [th.text for th in table.find_elements(By.CSS_SELECTOR, "tfoot th")][1:]
    assert footer[10] == "Sin actividades" and footer[1] == "9"
    dims = wait_for(driver, "#alineacion-dimensiones")
    dim_flagged = [h.text.split("\n")[0] for h in dims.find_elements(By.CSS_SELECTOR, "thead th")
                   if "alineacion-gap" in (h.get_attribute("class") or "")]
    assert dim_flagged == ["Dim. 5"]
    gap = driver.find_element(By.CSS_SELECTOR, "#alineacion-gap-fraccion-XI")
    assert "pierdan la vida fuera del territorio estatal" in gap.text
    assert "Movilidad en situaciones de crisis" in driver.find_element(
        By.CSS_SELECTOR, "#alineacion-gap-dimension-5").text
    # one line of action, eight activities, two areas of dimension 1 of the report
    iom = driver.find_element(By.CSS_SELECTOR, "#alineacion-iom")
    (group,) = iom.find_elements(By.CSS_SELECTOR, ":scope > li")
    assert group.text.startswith("Línea de acción de las actividades 2. Apoyo a deportados; 3.")
    assert "13. Participación en expo agropecuarias migrantes en el exterior" in group.text
    assert len(group.find_elements(By.CSS_SELECTOR, "ul > li")) == 2
    assert ("Tomada del informe OIM «la ampliación de servicios de orientación y asesoramiento "
            "jurídico específicos para la población migrante extranjera» (dimensión 1, Derechos "
            "de las personas migrantes)") in group.text
    nav = [a.text for a in driver.find_elements(By.CSS_SELECTOR, ".navbar .nav-link")]
    assert "Alineación" in nav
    time.sleep(1.0)  # let late callbacks report their errors
    assert console_errors(driver) == []


def test_a_poa_without_the_sheet_says_so(driver, live):
    with Session(live.engine) as session:
        example = next(p for p in list_plans(session) if p.area.startswith("Protección Civil"))
    open_alignment(driver, live, f"&poa={example.id}")
    wait_for_text(driver, "#alineacion-missing", "Este POA no tiene hoja de alineación")
    assert not driver.find_elements(By.CSS_SELECTOR, "#alineacion-fracciones")
    assert console_errors(driver) == []
