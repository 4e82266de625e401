"""The planning unit's monthly upload, in headless Chromium against an empty database."""

from __future__ import annotations

import hashlib
import urllib.request
from datetime import datetime
from pathlib import Path

import openpyxl
import pytest
from selenium.webdriver.common.by import By
from sqlalchemy import select
from sqlalchemy.orm import Session

from loaders.store.queries import count_versions, list_plans
from loaders.store.schema import AuditEntry
from tests.browser import (
    browsing,
    console_errors,
    served_empty,
    wait_for,
    wait_for_text,
    wait_until,
)
from tests.paths import SAMPLE_WORKBOOK
from tests.test_areas import CULTURA, DEPORTE, _block

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def live(tmp_path_factory):
    with served_empty(tmp_path_factory.mktemp("upload-app")) as live:
        yield live


@pytest.fixture(scope="module")
def driver(live):
    yield from browsing(live=live, account=("planeacion1", "planeacion"))


def engine_of(live):
    return live.app.server.extensions["tablero_poa"].engine


def versions_stored(live) -> int:
    with Session(engine_of(live)) as s:
        return count_versions(s)


def upload(driver, live, path: Path) -> None:
    driver.get(f"{live.url}/carga")
    wait_for(driver, "#carga-upload")
    driver.find_element(By.CSS_SELECTOR, "#carga-upload input[type=file]").send_keys(str(path))


def modified_sample(path: Path) -> Path:
    wb = openpyxl.load_workbook(SAMPLE_WORKBOOK)
    ws = wb["Cronograma"]
    ws["H6"] = 10  # activity 1: achieved 6 -> 10
    ws["H7"] = 12  # activity 2: achieved 6 -> 12
    ws["W10"] = datetime(2026, 10, 31)  # activity 5: fin 30/09/2026 -> 31/10/2026
    wb.save(path)
    return path


def test_refused_file_shows_the_reason_and_stores_nothing(driver, live, tmp_path):
    before = versions_stored(live)
    bad = tmp_path / "informe.xlsx"
    bad.write_text("Nº,Actividad\n1,Algo\n", encoding="utf-8")
    upload(driver, live, bad)
    wait_for_text(driver, "#carga-error", "no es un libro de Excel")
    assert versions_stored(live) == before
    assert not driver.find_elements(By.ID, "carga-save")
    with Session(engine_of(live)) as s:
        refused = s.execute(select(AuditEntry).where(AuditEntry.action == "upload_refused")
                            .order_by(AuditEntry.id.desc())).scalars().first()
    # who (the signed-in account, not a typed name), from where, and what
    assert (refused.user, refused.remote_addr) == ("planeacion1", "127.0.0.1")
    assert refused.detail.startswith("informe.xlsx: ")
    assert console_errors(driver) == []


def test_monthly_update_preview_save_history_and_original_download(driver, live, tmp_path):
    before = versions_stored(live)
    upload(driver, live, SAMPLE_WORKBOOK)
    wait_for_text(driver, "#carga-activity-count", "16 actividades leídas")
    assert "POA nuevo" in driver.find_element(By.ID, "carga-diff-summary").text
    assert versions_stored(live) == before  # nothing stored by the preview
    driver.find_element(By.ID, "carga-save").click()
    wait_for_text(driver, "#carga-saved", "Guardada la versión 1")

    upload(driver, live, modified_sample(tmp_path / "poa_noviembre.xlsx"))
    wait_for_text(driver, "#carga-diff-summary", "Contra la versión 1")
    changes = [li.text for li in driver.find_elements(By.CSS_SELECTOR, "#carga-diff-list li")]
    assert changes == [
        "Actividad 1: meta alcanzada 6 → 10",
        "Actividad 2: meta alcanzada 6 → 12",
        "Actividad 5: fin 30/09/2026 → 31/10/2026",
    ]
    findings = driver.find_element(By.ID, "carga-findings").text
    assert "Cronograma!I7" in findings
    # activity 5's fin moved: a reprogramación, saved with its justification
    driver.find_element(By.ID, "carga-justification").send_keys("Se amplió el plazo.")
    driver.find_element(By.ID, "carga-save").click()
    wait_for_text(driver, "#carga-saved", "Guardada la versión 2")
    assert driver.find_element(By.CSS_SELECTOR, "#carga-saved a[href*='/historial?poa=']")
    assert versions_stored(live) == before + 2

    # Uploading the same bytes again is recognised.
    upload(driver, live, tmp_path / "poa_noviembre.xlsx")
    wait_for_text(driver, "#carga-error", "ya se cargó el")
    assert versions_stored(live) == before + 2

    driver.get(f"{live.url}/historial")
    wait_for_text(driver, "#historial-count", "2 versiones cargadas")
    rows = driver.find_elements(By.CSS_SELECTOR, "#historial-versions tbody tr")
    assert [r.find_element(By.TAG_NAME, "td").text for r in rows] == ["v2", "v1"]
    indexes = [r.find_elements(By.TAG_NAME, "td")[5].text for r in rows]
    assert indexes == ["16.7 %", "11.6 %"]  # (23 + 4 + 6) / 198 after the update
    summary = driver.find_element(By.ID, "historial-diff-summary").text
    assert "De la versión 1 a la 2" in summary
    link = rows[1].find_element(By.CSS_SELECTOR, "a.download-original").get_attribute("href")
    with urllib.request.urlopen(link) as response:
        content = response.read()
    assert hashlib.sha256(content).hexdigest() == hashlib.sha256(
        SAMPLE_WORKBOOK.read_bytes()).hexdigest()
    assert console_errors(driver) == []


def test_cancel_leaves_nothing_stored(driver, live, tmp_path):
    before = versions_stored(live)
    wb = openpyxl.load_workbook(SAMPLE_WORKBOOK)
    wb["Cronograma"]["H8"] = 5
    wb.save(tmp_path / "otra.xlsx")
    upload(driver, live, tmp_path / "otra.xlsx")
    wait_until(lambda: driver.find_elements(By.ID, "carga-cancel"))
    driver.find_element(By.ID, "carga-cancel").click()
    wait_for_text(driver, "#carga-cancelled", "no se guardó nada")
    assert versions_stored(live) == before


def test_workbook_of_two_areas_is_previewed_and_saved_one_area_at_a_time(driver, live, tmp_path):
    wb = openpyxl.Workbook()
    wb.active.title = "Cultura"
    _block(wb.active, 1, CULTURA)
    _block(wb.create_sheet("Deporte"), 1, DEPORTE)
    path = tmp_path / "dos_areas.xlsx"
    wb.save(path)
    before = versions_stored(live)
    upload(driver, live, path)
    wait_for_text(driver, "#carga-areas", "El libro tiene los POA de 2 áreas")
    wait_for_text(driver, "#carga-activity-count", "2 actividades leídas")
    driver.find_element(By.ID, "carga-save").click()
    wait_for_text(driver, "#carga-saved", "Guardada la versión 1 del área «Cultura»")
    wait_for_text(driver, "#carga-areas", "ya guardada, versión 1")
    driver.find_element(By.XPATH, "//*[@id='carga-area-buttons']//button[contains(., 'Deporte')]"
                        ).click()
    wait_for_text(driver, "#carga-activity-count", "3 actividades leídas")
    driver.find_element(By.ID, "carga-save").click()
    wait_for_text(driver, "#carga-saved", "Guardada la versión 1 del área «Deporte»")
    buttons = driver.find_elements(By.CSS_SELECTOR, "#carga-area-buttons button")
    assert [b.text.splitlines() for b in buttons] == [
        ["Cultura", "ya guardada, versión 1"], ["Deporte", "ya guardada, versión 1"]]
    assert versions_stored(live) == before + 2
    with Session(engine_of(live)) as s:
        areas = sorted(p.area for p in list_plans(s))
    assert "Cultura" in areas and "Deporte" in areas
    assert console_errors(driver) == []
