import csv
import io
from collections import Counter
from datetime import date

import openpyxl
import pytest

from dashboard.exports import escape_cell, findings_csv, findings_workbook, table_csv
from dashboard.views import plan_view
from loaders.model import Finding
from loaders.read.poa import read_poa_file
from loaders.settings import Settings
from tests.browser import chromium, served, wait_for, wait_until
from tests.paths import SAMPLE_WORKBOOK

HOSTILE = ['=HYPERLINK("http://x","y")', "+1", "-2+3", "@SUM(A1)", "\t=1", "\r=1"]
HEADERS = ["Severidad", "Código", "Actividad", "Ubicación", "Mensaje", "Partida"]


def test_text_that_starts_like_a_formula_is_escaped():
    for text in HOSTILE:
        assert escape_cell(text) == "'" + text
    assert escape_cell("Actividad 2: 6 de 50") == "Actividad 2: 6 de 50"
    assert escape_cell(-5) == -5  # numbers are not text


def test_findings_workbook_holds_every_finding_as_plain_text():
    findings = [
        Finding("PCT_MISMATCH", "error", "Actividad 2: 6 de 50 es 12 %", activity=2,
                sheet="Cronograma", cell="I7"),
        Finding("NAME_MISMATCH", "warning", "=cmd|' /C calc'!A0", activity=4, sheet="Cronograma",
                cell="B9"),
    ]
    sheet = openpyxl.load_workbook(io.BytesIO(findings_workbook(findings))).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:5] == ("Severidad", "Código", "Actividad", "Ubicación", "Mensaje")
    assert rows[1][:5] == ("Error", "PCT_MISMATCH", 2, "Cronograma!I7",
                           "Actividad 2: 6 de 50 es 12 %")
    assert rows[2][4] == "'=cmd|' /C calc'!A0"
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)


def hostile_findings() -> list[Finding]:
    return [
        Finding("NAME_MISMATCH", "warning", text, activity=i + 1, partida=text,
                sheet="Cronograma", cell=f"B{i + 7}")
        for i, text in enumerate(HOSTILE)
    ]


def read_csv(content: bytes) -> list[list[str]]:
    assert content.startswith(b"\xef\xbb\xbf")  # BOM: Excel reads the file as UTF-8
    return list(csv.reader(io.StringIO(content[3:].decode("utf-8"), newline="")))


def test_formula_like_text_is_escaped_in_the_workbook_and_stored_as_text():
    sheet = openpyxl.load_workbook(io.BytesIO(findings_workbook(hostile_findings()))).active
    rows = list(sheet.iter_rows(min_row=2))
    escaped = ["'" + t.replace("\r", "\n") for t in HOSTILE]  # XML reads a bare CR as LF
    assert [row[4].value for row in rows] == escaped
    assert [row[5].value for row in rows] == escaped  # the partida too
    assert {row[4].data_type for row in rows} == {row[5].data_type for row in rows} == {"s"}
    assert [row[2].value for row in rows] == list(range(1, len(HOSTILE) + 1))
    assert {row[2].data_type for row in rows} == {"n"}


def test_formula_like_text_is_escaped_in_the_csv():
    rows = read_csv(findings_csv(hostile_findings()))
    assert rows[0] == HEADERS
    assert [r[4] for r in rows[1:]] == ["'" + t for t in HOSTILE]
    assert [r[5] for r in rows[1:]] == ["'" + t for t in HOSTILE]
    assert [r[2] for r in rows[1:]] == [str(i) for i in range(1, len(HOSTILE) + 1)]
    assert rows[1][:4] == ["Advertencia", "NAME_MISMATCH", "1", "Cronograma!B7"]
    assert len(rows) == len(HOSTILE) + 1


def test_csv_keeps_accents_commas_and_numbers_as_they_are():
    content = table_csv(["Año", "Descripción"], [[-5, "Reunión, revisión y \"agenda\""],
                                                 [2.5, None]])
    assert content.decode("utf-8-sig").splitlines()[0] == "Año,Descripción"
    assert read_csv(content) == [["Año", "Descripción"],
                                 ["-5", 'Reunión, revisión y "agenda"'],  # a number: not escaped
                                 ["2.5", ""]]


@pytest.mark.browser
def test_calidad_downloads_the_findings_as_csv(tmp_path):
    downloads = tmp_path / "descargas"
    downloads.mkdir()
    expected = plan_view(read_poa_file(SAMPLE_WORKBOOK, Settings()), date(2026, 11, 21),
                         Settings()).findings
    driver = chromium(str(downloads))
    try:
        with served(Settings(data_dir=tmp_path / "d")) as live:
            driver.get(f"{live.url}/calidad?corte=2026-11-21")
            wait_for(driver, "#calidad-table .ag-cell")
            button = driver.find_element("id", "calidad-download-csv-button")
            assert button.text == "Descargar CSV"
            button.click()
            path = wait_until(lambda: next(iter(downloads.glob("hallazgos_*.csv")), None))
            wait_until(lambda: path.stat().st_size > 0 and not list(downloads.glob("*.crdownload")))
    finally:
        driver.quit()
    assert path.name == "hallazgos_Migrantes_y_Ex_braceros_2026_2026-11-21.csv"
    rows = read_csv(path.read_bytes())
    assert rows[0] == HEADERS
    assert len(rows) - 1 == len(expected)
    assert Counter(r[1] for r in rows[1:]) == Counter(f.code for f in expected)
    assert ["Error", "PCT_MISMATCH", "2", "Cronograma!I7"] in [r[:4] for r in rows[1:]]
