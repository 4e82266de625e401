"""Column mapping in the upload preview (issue 15), in headless Chromium: a column the reader
cannot place is mapped by the clerk, the findings change, the version is saved with the mapping,
and the área's next workbook is read with it without asking."""

from __future__ import annotations

import json

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select
from sqlalchemy import select
from sqlalchemy.orm import Session

from loaders.store.schema import AuditEntry, ColumnProfile, StagedUpload, Version
from tests.browser import (
    browsing,
    console_errors,
    served_empty,
    wait_for,
    wait_for_text,
    wait_until,
)
from tests.paths import SAMPLE_WORKBOOK
from tests.test_browser_upload import engine_of, upload
from tests.test_mapping import renamed
from tests.xlsx_parts import set_cell, zip_members, zip_of

pytestmark = pytest.mark.browser
KEY = "2026 cumplimiento al corte no"


@pytest.fixture(scope="module")
def live(tmp_path_factory):
    with served_empty(tmp_path_factory.mktemp("mapping-app")) as live:
        yield live


@pytest.fixture(scope="module")
def driver(live):
    yield from browsing(live=live, account=("planeacion1", "planeacion"))


def findings_text(driver) -> str:
    """Every finding of the preview, also those inside collapsed groups."""
    return driver.find_element(By.ID, "carga-findings").get_attribute("textContent")


def selector(driver, key: str):
    ident = json.dumps({"key": key, "type": "carga-map"}, separators=(",", ":"))
    return Select(driver.find_element(By.XPATH, f"//select[@id='{ident}']"))


def test_map_an_unforeseen_column_save_and_next_month_reads_without_asking(
    driver, live, tmp_path
):
    october = renamed(SAMPLE_WORKBOOK.read_bytes(), "Meta Alcanzada", "Cumplimiento al corte")
    path = tmp_path / "poa_octubre.xlsx"
    path.write_bytes(october)
    upload(driver, live, path)
    wait_for_text(driver, "#carga-questions", "Ninguna columna se leyó como «Meta alcanzada (N°)»")
    findings = findings_text(driver)
    assert "No se encontró la columna «Meta alcanzada (N°)»" in findings
    rows = driver.find_elements(By.CSS_SELECTOR, "#carga-preview tbody tr")
    assert any(r.text.startswith("1 Corazón de Plata — de 20") for r in rows)
    with Session(engine_of(live)) as session:  # the file travelled once and waits on the server
        assert session.scalars(select(StagedUpload.file_name)).all() == ["poa_octubre.xlsx"]

    selector(driver, KEY).select_by_value("achieved")
    wait_until(lambda: not driver.find_elements(By.ID, "carga-questions"))
    wait_for_text(driver, "#carga-preview", "6 de 20")
    assert "No se encontró la columna «Meta alcanzada (N°)»" not in findings_text(driver)
    assert len(findings_text(driver)) < len(findings)
    assert selector(driver, KEY).first_selected_option.get_attribute("value") == "achieved"
    driver.find_element(By.ID, "carga-save").click()
    wait_for_text(driver, "#carga-saved", "Se guardó el mapeo de columnas del área")
    with Session(engine_of(live)) as session:
        assert session.scalar(select(Version.column_map)) == {KEY: "achieved"}
        profile = session.scalars(select(ColumnProfile)).one()
        assert (profile.area, profile.created_by) == ("Migrantes y Ex braceros", "planeacion1")
        assert session.scalars(select(StagedUpload)).all() == []  # removed on save
    wait_for_text(driver, "#carga-profiles", "«2026 / Cumplimiento al corte / N°» → "
                                             "Meta alcanzada (N°)")

    # November: the same layout, activity 1 achieved 6 -> 10; read with the saved mapping
    members = zip_members(october)
    members["xl/worksheets/sheet2.xml"] = set_cell("H6", "10")(members["xl/worksheets/sheet2.xml"])
    path = tmp_path / "poa_noviembre.xlsx"
    path.write_bytes(zip_of(members))
    upload(driver, live, path)
    wait_for_text(driver, "#carga-profile-notice", "Se aplicó el mapeo guardado del")
    assert not driver.find_elements(By.ID, "carga-questions")
    wait_for_text(driver, "#carga-diff-list", "Actividad 1: meta alcanzada 6 → 10")
    driver.find_element(By.ID, "carga-save").click()
    wait_for_text(driver, "#carga-saved", "Guardada la versión 2")

    # Planeación removes the profile; it is audited and gone
    driver.get(f"{live.url}/carga")
    button = wait_for(driver, "#carga-profiles button")
    button.click()
    wait_for_text(driver, "#carga-profiles", "Ningún área tiene un mapeo guardado")
    with Session(engine_of(live)) as session:
        assert session.scalars(select(ColumnProfile)).all() == []
        removed = session.scalars(select(AuditEntry.detail).where(
            AuditEntry.action == "profile_removed")).all()
    assert removed == ["mapeo de columnas del área «Migrantes y Ex braceros» (Sombrerete)"]
    assert console_errors(driver) == []


def test_cancel_removes_the_staged_file(driver, live, tmp_path):
    path = tmp_path / "otro.xlsx"
    members = zip_members(SAMPLE_WORKBOOK.read_bytes())
    members["xl/worksheets/sheet2.xml"] = set_cell("H8", "5")(members["xl/worksheets/sheet2.xml"])
    path.write_bytes(zip_of(members))
    upload(driver, live, path)
    wait_for(driver, "#carga-save")
    with Session(engine_of(live)) as session:
        assert session.scalars(select(StagedUpload.file_name)).all() == ["otro.xlsx"]
    driver.find_element(By.ID, "carga-cancel").click()
    wait_for_text(driver, "#carga-cancelled", "Carga cancelada")
    with Session(engine_of(live)) as session:
        assert session.scalars(select(StagedUpload)).all() == []
