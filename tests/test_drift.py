"""Workbooks that drifted from the template, as areas really fill them: numbering as people write
it, headers by meaning, rows never lost in silence, dates and quarterly schedules."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import date, datetime
from pathlib import Path

import openpyxl
import pytest
from openpyxl.utils.datetime import CALENDAR_MAC_1904

from loaders.check.poa import check_document
from loaders.errors import NotAPoaWorkbook
from loaders.read.poa import read_poa
from loaders.report import document_to_json, reading_summary, text_report
from loaders.settings import Settings
from tests.paths import REPO_ROOT, SAMPLE_WORKBOOK

AS_OF = date(2026, 11, 21)
POA_FIRST, CRONO_FIRST = 10, 6  # first activity row of the sample's two tables
FIELDS = ("name", "unit", "goal", "programmed", "achieved", "declared_pct", "start", "end",
          "months_planned")


def _json(path: Path) -> dict:
    doc = read_poa(path.read_bytes(), Settings(), file_name=path.name)
    return document_to_json(doc, check_document(doc, AS_OF, Settings()))


@pytest.fixture(scope="module")
def sample() -> dict:
    return _json(SAMPLE_WORKBOOK)


def _variant(tmp_path: Path, name: str, edit) -> Path:
    wb = openpyxl.load_workbook(SAMPLE_WORKBOOK)
    edit(wb)
    path = tmp_path / f"{name}.xlsx"
    wb.save(path)
    return path


def _values(data: dict) -> list[tuple]:
    return [tuple(a[f] for f in ("number", *FIELDS)) for a in data["activities"]]


def _codes(data: dict) -> list[tuple]:
    return sorted((f["code"], f["activity"]) for f in data["findings"])


def _number_as(written):
    """An edit writing every activity's Nº of both tables with `written(n)`."""
    def edit(wb):
        for sheet, first in (("POA", POA_FIRST), ("Cronograma", CRONO_FIRST)):
            for n in range(1, 17):
                wb[sheet].cell(first + n - 1, 1).value = written(n, sheet)
    return edit


@pytest.mark.parametrize("written", [
    lambda n, _: f"{n}.", lambda n, _: f"{n:02d}", lambda n, _: f"{n}.-", lambda n, _: f"{n})",
    lambda n, _: f"Act. {n}", lambda n, _: f"A-{n}",
    # each table its own habit: joined on the same normalised label
    lambda n, sheet: f"{n:02d}" if sheet == "POA" else f"{n}.-",
], ids=["dot", "zero", "dot-dash", "paren", "act", "letter", "mixed"])
def test_numbering_as_people_write_it_reads_every_activity_like_the_sample(
        tmp_path, sample, written):
    data = _json(_variant(tmp_path, "numbering", _number_as(written)))
    assert _values(data) == _values(sample)
    assert _codes(data) == _codes(sample)
    assert [a["label"] for a in data["activities"]] == [written(n, "POA") for n in range(1, 17)]
    assert data["skipped"] == []


def test_colliding_labels_are_numbered_in_table_order_with_a_finding(tmp_path, sample):
    data = _json(_variant(tmp_path, "collide", _number_as(
        lambda n, _: f"A-{n}" if n <= 8 else f"B-{n - 8}")))
    assert [a["number"] for a in data["activities"]] == list(range(1, 17))
    assert [a["label"] for a in data["activities"]][7:10] == ["A-8", "B-1", "B-2"]
    assert _values(data) == _values(sample)  # B-1 joined with its own cronograma row
    renumbered = [f for f in data["findings"] if f["code"] == "ACTIVITIES_RENUMBERED"]
    assert len(renumbered) == 1
    assert "(A-1 y B-1; A-2 y B-2; A-3 y B-3…)" in renumbered[0]["message"]
    assert "se numeraron del 1 al 16 en el orden de la tabla" in renumbered[0]["message"]


def _avance_header(wb) -> None:
    ws = wb["Cronograma"]
    ws["H4"], ws["H5"], ws["I5"] = "Avance", "Logrado", "% de avance"


def test_avance_over_logrado_and_percent_reads_achieved_and_declared_pct(tmp_path, sample):
    data = _json(_variant(tmp_path, "avance", _avance_header))
    assert _values(data) == _values(sample)
    assert _codes(data) == _codes(sample)
    fields = {c["header"]: c["field"] for c in data["columns"] if c["sheet"] == "Cronograma"}
    assert fields["2026 / Avance / Logrado"] == "achieved"
    assert fields["2026 / Avance / % de avance"] == "declared_pct"


def _observaciones(wb) -> None:
    ws = wb["Cronograma"]
    ws["X4"] = "Observaciones del avance"
    for r in range(CRONO_FIRST, CRONO_FIRST + 16):
        ws.cell(r, 24).value = "Se reportará 45 % en diciembre"
    ws["Y4"] = "Columna libre"
    ws.cell(CRONO_FIRST, 25).value = 99


def test_unrecognised_columns_fill_no_field_and_are_listed(tmp_path, sample):
    path = _variant(tmp_path, "obs", _observaciones)
    data = _json(path)
    assert _values(data) == _values(sample)
    unrecognised = [(c["header"], c["cell"]) for c in data["columns"] if c["field"] is None]
    assert ("Observaciones del avance", "X4") in unrecognised
    assert ("Columna libre", "Y4") in unrecognised
    doc = read_poa(path.read_bytes(), Settings(), file_name=path.name)
    report = text_report(doc, check_document(doc, AS_OF, Settings()), AS_OF)
    assert "columna no reconocida: «Observaciones del avance» en Cronograma!X4" in report


def test_a_bare_percent_column_is_the_declared_percent(tmp_path):
    rows = [("Nº", "Actividad", "Meta", "Logrado", "%", "Inicio", "Fin"),
            (1, "Ferias", 10, 5, 50, "01/02/2026", "30/11/2026")]
    data = _json(_single_table(tmp_path, rows))
    a = data["activities"][0]
    assert (a["programmed"], a["achieved"], a["declared_pct"]) == (10, 5, 50.0)
    assert {c["header"]: c["field"] for c in data["columns"]} == {
        "Nº": "number", "Actividad": "name", "Meta": "programmed", "Logrado": "achieved",
        "%": "declared_pct", "Inicio": "start", "Fin": "end"}


def _subtotal_and_blank(wb) -> None:
    ws = wb["Cronograma"]
    ws.insert_rows(CRONO_FIRST + 8)  # a blank row after activity 8 (sheet row 14)
    ws.insert_rows(CRONO_FIRST + 4)  # then one after activity 4 (sheet row 10): a subtotal
    ws.cell(CRONO_FIRST + 4, 1).value = "Subtotal"
    ws.cell(CRONO_FIRST + 4, 6).value = 105
    ws.cell(CRONO_FIRST + 4, 8).value = 12
    ws.insert_rows(20)  # the header printed again before activity 13 (sheet row 20)
    for c, value in ((1, "N°"), (2, "Actividad"), (3, "Responsable"), (4, "Unidad de medida")):
        ws.cell(20, c).value = value
    ws.insert_rows(25)  # a total after activity 16 (sheet row 25)
    ws.cell(25, 1).value = "TOTAL"
    ws.cell(25, 6).value = 198


def test_subtotal_blank_and_repeated_header_rows_are_skipped_and_listed(tmp_path, sample):
    path = _variant(tmp_path, "subtotal", _subtotal_and_blank)
    data = _json(path)
    assert _values(data) == _values(sample)  # nothing lost after the subtotal
    assert data["skipped"] == [
        {"sheet": "Cronograma", "row": 10, "reason": "subtotal"},
        {"sheet": "Cronograma", "row": 15, "reason": "blank"},
        {"sheet": "Cronograma", "row": 20, "reason": "repeated header"},
        {"sheet": "Cronograma", "row": 25, "reason": "total"},
    ]
    doc = read_poa(path.read_bytes(), Settings(), file_name=path.name)
    assert reading_summary(doc) == (
        "16 actividades leídas, 4 filas omitidas (fila 10: subtotal; fila 15: vacía; "
        "fila 20: encabezado repetido; fila 25: total)"
    )


def test_a_row_with_an_unreadable_number_is_listed_and_the_rest_is_read(tmp_path, sample):
    def edit(wb):
        wb["Cronograma"].cell(CRONO_FIRST + 2, 1).value = "tres"
    data = _json(_variant(tmp_path, "unreadable", edit))
    assert {"sheet": "Cronograma", "row": 8, "reason": "unreadable number"} in data["skipped"]
    assert len(data["activities"]) == 16  # activity 3 stays, from the activity table
    assert [a["number"] for a in data["activities"]] == list(range(1, 17))
    unmatched = [f for f in data["findings"] if f["code"] == "UNMATCHED_ACTIVITY"]
    assert [f["activity"] for f in unmatched] == [3]


def test_a_header_with_no_readable_activity_is_refused_naming_sheet_and_row(tmp_path):
    words = ["uno", "dos", "tres"]
    rows = [("Nº", "Actividad", "Meta programada", "Meta alcanzada", "Inicio", "Fin")] + [
        (w, f"Actividad {w}", 10, 2, "01/02/2026", "30/11/2026") for w in words]
    path = _single_table(tmp_path, rows, title_rows=3)
    with pytest.raises(NotAPoaWorkbook) as refused:
        read_poa(path.read_bytes(), Settings(), file_name=path.name)
    message = str(refused.value)
    assert "«POA»" in message and "fila 4" in message
    assert "fila 5: Nº ilegible" in message
    run = subprocess.run([sys.executable, "-m", "loaders", "check", str(path), "--json"],
                         capture_output=True, text=True, cwd=REPO_ROOT, timeout=120)
    assert run.returncode == 2 and run.stdout == ""
    assert "ninguna fila debajo se pudo leer como actividad" in run.stderr
    assert "Traceback" not in run.stderr


def _single_table(tmp_path: Path, rows, *, title_rows: int = 0, epoch=None) -> Path:
    wb = openpyxl.Workbook()
    if epoch is not None:
        wb.epoch = epoch
    ws = wb.active
    ws.title = "POA"
    for i in range(title_rows):
        ws.cell(i + 1, 1).value = "Área: Cultura" if i == 0 else None
    for r, row in enumerate(rows, start=title_rows + 1):
        for c, value in enumerate(row, start=1):
            cell = ws.cell(r, c)
            cell.value = value
            if isinstance(value, date | datetime):
                cell.number_format = "dd/mm/yyyy"
    path = tmp_path / f"single-{len(list(tmp_path.iterdir()))}.xlsx"
    wb.save(path)
    return path


@pytest.mark.parametrize("text, expected", [
    ("15 de enero del 2026", date(2026, 1, 15)),
    ("5 de febrero de 2026", date(2026, 2, 5)),
    ("05/02/2026", date(2026, 2, 5)),
    ("5/2/26", date(2026, 2, 5)),
    ("05-feb-2026", date(2026, 2, 5)),
    ("01/ENE/2026", date(2026, 1, 1)),
    ("1o de marzo de 2026", date(2026, 3, 1)),
])
def test_text_dates_as_people_type_them_are_read_day_first(tmp_path, text, expected):
    rows = [("Nº", "Actividad", "Meta programada", "Meta alcanzada", "Fecha de inicio",
             "Fecha de término"), (1, "Ferias", 10, 2, text, "31/12/2026")]
    data = _json(_single_table(tmp_path, rows))
    assert data["activities"][0]["start"] == expected.isoformat()
    assert not [f for f in data["findings"] if f["code"] == "INVALID_VALUE"]


def test_excel_dates_of_the_1904_system_are_read_as_the_same_days(tmp_path):
    rows = [("Nº", "Actividad", "Meta programada", "Meta alcanzada", "Inicio", "Conclusión"),
            (1, "Ferias", 10, 2, date(2026, 2, 5), date(2026, 11, 30))]
    data_1904 = _json(_single_table(tmp_path, rows, epoch=CALENDAR_MAC_1904))
    data_1900 = _json(_single_table(tmp_path, rows))
    for data in (data_1904, data_1900):
        a = data["activities"][0]
        assert (a["start"], a["end"]) == ("2026-02-05", "2026-11-30")


@pytest.mark.parametrize("headers", [
    ("T1", "T2", "T3", "T4"),
    ("1er trimestre", "2do trimestre", "3er trimestre", "4to trimestre"),
    ("Trimestre 1", "Trimestre 2", "Trimestre 3", "Trimestre 4"),
    ("Ene–Mar", "Abr–Jun", "Jul–Sep", "Oct–Dic"),
])
def test_quarterly_schedules_plan_the_three_months_of_each_marked_quarter(tmp_path, headers):
    rows = [("Nº", "Actividad", "Meta programada", "Meta alcanzada", "Inicio", "Fin", *headers),
            (1, "Ferias", 10, 2, "01/01/2026", "30/06/2026", "X", "X", None, None),
            (2, "Becas", 5, 1, "01/07/2026", "31/12/2026", None, None, "X", "X"),
            (3, "Talleres", 4, 0, "01/04/2026", "30/06/2026", "X", "X", None, None)]
    data = _json(_single_table(tmp_path, rows))
    months = [a["months_planned"] for a in data["activities"]]
    assert months == [[1, 2, 3, 4, 5, 6], [7, 8, 9, 10, 11, 12], [1, 2, 3, 4, 5, 6]]
    outside = [f for f in data["findings"] if f["code"] == "MONTHS_OUTSIDE_WINDOW"]
    assert [f["activity"] for f in outside] == [3]  # Jan–Mar marked, window Apr–Jun
    assert [c["field"] for c in data["columns"]][-4:] == ["months"] * 4


def test_a_missing_required_column_is_one_finding_naming_the_headers_seen(tmp_path):
    rows = [("Nº", "Actividad", "Meta programada", "Inicio", "Fin", "Comentarios"),
            (1, "Ferias", 10, "01/02/2026", "30/11/2026", "ok")]
    data = _json(_single_table(tmp_path, rows))
    missing = [f for f in data["findings"]
               if f["code"] == "MISSING_FIELD" and "No se encontró la columna" in f["message"]]
    assert len(missing) == 1
    assert "«Meta alcanzada (N°)»" in missing[0]["message"]
    assert "encabezados vistos: «Nº», «Actividad», «Meta programada», «Inicio», «Fin», " \
           "«Comentarios»" in missing[0]["message"]


def test_cli_json_lists_labels_skipped_rows_and_columns(tmp_path):
    path = _variant(tmp_path, "cli", _subtotal_and_blank)
    run = subprocess.run([sys.executable, "-m", "loaders", "check", str(path), "--json",
                          "--as-of", "2026-11-21"],
                         capture_output=True, text=True, cwd=REPO_ROOT, timeout=120)
    assert run.returncode == 0, run.stderr
    data = json.loads(run.stdout)
    assert [a["label"] for a in data["activities"]][:3] == ["1", "2", "3"]
    assert [s["reason"] for s in data["skipped"]] == ["subtotal", "blank", "repeated header",
                                                      "total"]
    assert {"sheet": "Cronograma", "cell": "H5", "header": "2026 / Meta Alcanzada / N°",
            "field": "achieved", "table": "activities", "source": "palabras",
            "samples": ["6", "6", "0"]} in data["columns"]


def test_an_avance_column_that_says_something_else_fills_no_field(tmp_path, sample):
    def edit(wb):
        wb["POA"]["G9"] = "Avance físico"
        wb["POA"]["G10"] = 0.5
    data = _json(_variant(tmp_path, "fisico", edit))
    assert _values(data) == _values(sample)  # the cronograma's % still counts
    assert _codes(data) == _codes(sample)
    assert {"sheet": "POA", "cell": "G9", "header": "Avance físico", "field": None,
            "table": "activities", "source": "", "samples": ["0.5"]} in data["columns"]


def test_meta_del_ano_is_the_annual_goal(tmp_path, sample):
    def edit(wb):
        wb["Cronograma"]["E3"] = "Meta del año"
    data = _json(_variant(tmp_path, "meta_ano", edit))
    assert _values(data) == _values(sample)
    assert [a["goal"] for a in data["activities"]] == [a["goal"] for a in sample["activities"]]
