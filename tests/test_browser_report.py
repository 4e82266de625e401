"""The two buttons of the Informe para cabildo on Resumen, clicked in headless Chromium."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest
from selenium.webdriver.common.by import By

from loaders.settings import Settings
from tests.browser import (
    browsing,
    console_errors,
    downloaded,
    served,
    wait_for,
    wait_for_text,
)

pytestmark = pytest.mark.browser
NAME = "informe_cabildo_migrantes_y_ex_braceros_2026_2026-11-21"


@pytest.fixture(scope="module")
def live(tmp_path_factory):
    with served(Settings(data_dir=tmp_path_factory.mktemp("report-data"))) as live:
        yield live


@pytest.fixture(scope="module")
def downloads(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("report-downloads")


@pytest.fixture(scope="module")
def driver(downloads):
    yield from browsing(downloads)


def test_resumen_buttons_download_the_pdf_and_the_excel(driver, live, downloads):
    driver.get_log("browser")
    driver.get(f"{live.url}/?corte=2026-11-21")
    wait_for_text(driver, ".corte-date", "21/11/2026")
    pdf_button = wait_for(driver, "#report-pdf")
    xlsx_button = driver.find_element(By.CSS_SELECTOR, "#report-xlsx")
    assert pdf_button.text == "Informe para cabildo (PDF)"
    assert xlsx_button.text == "Informe para cabildo (Excel)"
    assert "corte=2026-11-21" in pdf_button.get_attribute("href")

    pdf_button.click()
    pdf = downloaded(downloads, f"{NAME}.pdf")
    assert pdf.read_bytes().startswith(b"%PDF")
    assert b"%%EOF" in pdf.read_bytes()[-1024:]

    xlsx_button.click()
    xlsx = downloaded(downloads, f"{NAME}.xlsx")
    wb = openpyxl.load_workbook(xlsx)
    assert wb.sheetnames == ["Portada", "Actividades", "Presupuesto", "Hallazgos",
                             "Hallazgos por código", "Alineación"]
    cover = {row[0].value: row[1].value for row in wb["Portada"].iter_rows(max_col=2)}
    assert round(cover["Índice de Eficiencia"], 3) == 0.116
    assert cover["Presupuesto aprobado"] == 90_000

    assert driver.current_url.startswith(f"{live.url}/")  # the page stayed where it was
    assert console_errors(driver) == []
