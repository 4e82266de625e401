import io

import openpyxl

from dashboard.exports import escape_cell, findings_workbook
from loaders.model import Finding


def test_text_that_starts_like_a_formula_is_escaped():
    for text in ("=HYPERLINK(\"http://x\",\"y\")", "+1", "-2+3", "@SUM(A1)"):
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
