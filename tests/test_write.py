"""The workbook writer (`loaders/write/`): what it writes reads back, styles land where asked, and
the same description always gives the same bytes."""

from __future__ import annotations

import io
import itertools
from dataclasses import replace
from datetime import date, datetime

import pytest
from openpyxl import load_workbook
from python_calamine import CalamineWorkbook

from loaders.model import Activity, BudgetLine, PlanIdentity
from loaders.read.poa import read_poa
from loaders.read.spending import read_spending
from loaders.settings import Settings
from loaders.write.layouts import poa_xlsx
from loaders.write.poa import (
    ORANGE,
    UNDERLINE,
    AlignmentSheet,
    Indicator,
    PoaWorkbook,
    Presentation,
    months_between,
)
from loaders.write.spending import SpendingRow, SpendingWorkbook, spending_xlsx
from loaders.write.xlsx import Properties, Style, Workbook

SETTINGS = Settings()
PROPS = Properties(title="Prueba", creator="tests/test_write.py", stamp=datetime(2026, 1, 15, 9))
PLAN = PlanIdentity(municipio="Fresnillo", estado="Zacatecas", direccion="Dirección de Cultura",
                    area="Cultura", fiscal_year=2026, objetivo="Difundir la cultura.")
FIELDS = ("number", "name", "eje", "linea_estrategica", "linea_accion", "actividad_especifica",
          "responsable", "unit", "goal", "programmed", "programmed_pct", "achieved",
          "declared_pct", "start", "end", "months_planned")


def _activity(number: int, name: str, start: date, end: date, goal: int, achieved: int,
              declared: float, **extra) -> Activity:
    return Activity(
        number=number, name=name, eje="Cultura y tradiciones", linea_estrategica="Difusión",
        linea_accion=f"Acción {number}.", actividad_especifica=f"Específica {number}.",
        responsable="Titular de Cultura", unit="eventos", goal=goal, programmed=goal,
        programmed_pct=100.0, achieved=achieved, declared_pct=declared, start=start, end=end,
        months_planned=months_between(start, end, 2026), **extra,
    )


ACTIVITIES = [
    _activity(1, "Festival cultural", date(2026, 1, 1), date(2026, 12, 31), 8, 1, 12.5),
    _activity(2, "Talleres de música", date(2026, 3, 2), date(2026, 6, 30), 20, 10, 50.0,
              name_cronograma="Talleres de musica"),
    _activity(3, "Exposiciones", date(2026, 9, 1), date(2026, 9, 30), 4, 4, 100.0),
]
BUDGET = [BudgetLine("2111", "Materiales de oficina", 12_500.5),
          BudgetLine("3821", "Gastos de orden social y cultural", 80_000.0)]


def _book(**presentation) -> PoaWorkbook:
    return PoaWorkbook(plan=PLAN, activities=ACTIVITIES, budget=BUDGET, properties=PROPS,
                       presentation=Presentation(**presentation), banner="PRUEBA — no es real",
                       signatures=[("Elaboró", UNDERLINE, "Titular de Cultura"),
                                   ("Aprobó", None, UNDERLINE, "FRESNILLO, ZAC.")])


def _read(data: bytes):
    doc = read_poa(data, SETTINGS, file_name="prueba.xlsx")
    return doc, {a.number: a for a in doc.activities}


def _openpyxl(data: bytes):
    return load_workbook(io.BytesIO(data))


CHOICES = list(itertools.product(("excel", "text"), ("fraction", "number", "text"),
                                 ("fill", "X", "✓"), ("number", "text"), ("number", "text")))


@pytest.mark.parametrize("layout", ["oficial", "dos_hojas", "una_hoja"])
def test_every_presentation_reads_back_to_the_same_plan(layout):
    for dates, percent, months, money, partida in CHOICES:
        choice = dict(layout=layout, dates=dates, percent=percent, months=months, money=money,
                      partida=partida, month_fill=ORANGE)
        doc, read = _read(poa_xlsx(_book(**choice)))
        assert doc.read_findings == [], choice
        assert (doc.plan.municipio, doc.plan.estado, doc.plan.direccion, doc.plan.area,
                doc.plan.fiscal_year, doc.plan.objetivo) == (
            "Fresnillo", "Zacatecas", "Dirección de Cultura", "Cultura", 2026,
            "Difundir la cultura.")
        assert sorted(read) == [1, 2, 3]
        for written in ACTIVITIES:
            got = read[written.number]
            for name in FIELDS:
                assert getattr(got, name) == pytest.approx(getattr(written, name)), (choice, name)
            if layout != "una_hoja":  # the schedule's own name, from the second table
                assert got.name_cronograma == (written.name_cronograma or written.name)
        assert [(b.partida, b.name, b.approved) for b in doc.budget] == [
            ("2111", "Materiales de oficina", 12_500.5),
            ("3821", "Gastos de orden social y cultural", 80_000.0)]
        assert doc.budget_total == pytest.approx(92_500.5)


@pytest.mark.parametrize("layout", ["oficial", "dos_hojas", "una_hoja"])
def test_the_offset_moves_the_activity_headers_down(layout):
    first = {"oficial": ("POA", 10), "dos_hojas": ("Actividades", 10), "una_hoja": ("POA 2026", 11)}
    sheet, row = first[layout]
    for offset in (0, 3):
        _, read = _read(poa_xlsx(_book(layout=layout, offset=offset)))
        assert read[1].cells["number"] == (sheet, f"A{row + offset}")
        assert read[3].cells["number"] == (sheet, f"A{row + offset + 2}")


def test_the_official_layout_puts_formats_fills_and_merges_where_asked():
    data = poa_xlsx(_book(month_fill=ORANGE))
    wb = _openpyxl(data)
    assert wb.sheetnames == ["POA", "Cronograma", "Presupuesto", "Observaciones"]
    ws = wb["Cronograma"]
    # The three-row header from row 4 (the banner is row 1, the title row 2); data from row 7.
    assert {"A4:A6", "F4:I4", "J4:U4", "V4:W4", "F5:G5", "H5:I5", "J5:J6", "W5:W6"} <= {
        str(r) for r in ws.merged_cells.ranges}
    assert ws["A7"].value == 1 and ws["B8"].value == "Talleres de musica"
    assert (ws["G7"].value, ws["G7"].number_format) == (1, "0%")
    assert (ws["I7"].value, ws["I7"].number_format) == (0.125, "0%")
    assert ws["V8"].value == datetime(2026, 3, 2) and ws["V8"].number_format == "dd/mm/yyyy"
    # Activity 2 runs from March to June: those months are orange and hold no value.
    fills = [ws.cell(row=8, column=9 + m).fill.fgColor.rgb for m in range(1, 13)]
    assert fills == ["00000000"] * 2 + [ORANGE] * 4 + ["00000000"] * 6
    assert all(ws.cell(row=8, column=9 + m).value is None for m in range(1, 13))
    assert ws["A4"].fill.fgColor.rgb == "FFD9D9D9" and ws["A4"].font.b
    assert ws.freeze_panes == "C7"
    budget = wb["Presupuesto"]
    assert [[c.value for c in row] for row in budget["A5:C7"]] == [
        [2111, "Materiales de oficina", 12_500.5],
        [3821, "Gastos de orden social y cultural", 80_000.0], ["TOTAL", None, 92_500.5]]
    assert budget["C5"].number_format == '"$ "#,##0.00' and budget["C7"].font.b
    banner = wb["POA"]["A1"]
    assert banner.value == "PRUEBA — no es real" and banner.font.color.rgb == "FFC00000"
    assert "A1:F1" in {str(r) for r in wb["POA"].merged_cells.ranges}
    signatures = wb["Observaciones"]
    assert [signatures.cell(row=r, column=3).value for r in range(4, 8)] == [
        "Aprobó", None, UNDERLINE, "FRESNILLO, ZAC."]
    assert signatures["A4"].font.b and not signatures["A5"].font.b


def test_text_habits_write_text():
    data = poa_xlsx(_book(layout="dos_hojas", dates="text", percent="text", months="X",
                          money="text", partida="text"))
    book = CalamineWorkbook.from_filelike(io.BytesIO(data))
    calendar = book.get_sheet_by_name("Calendario").to_python()
    row = calendar[6]  # activity 2: the header is in rows 4 and 5, data from row 6
    assert row[:8] == [2.0, "Talleres de musica", "eventos", 20.0, 20.0, "100%", 10.0, "50%"]
    assert row[8:20] == ["", "", "X", "X", "X", "X", "", "", "", "", "", ""]
    assert row[20:22] == ["02/03/2026", "30/06/2026"]
    budget = book.get_sheet_by_name("Presupuesto").to_python()
    assert budget[4][:3] == ["2111", "Materiales de oficina", "$ 12,500.50"]
    assert budget[6][:3] == ["TOTAL", "", "$ 92,500.50"]


def test_titles_sheet_names_labels_and_extra_sheets():
    book = replace(
        _book(layout="una_hoja", labels=("direccion", None, "area"), budget_total=False),
        banner=None, titles={"activities": "POA DE CULTURA 2026", "budget": "GASTO"},
        sheet_names={"activities": "Plan"},
        indicator=Indicator("Índice", "Logradas y programadas", "Logradas / Programadas x 100"),
        alignment=AlignmentSheet("Nota.", {1: ("II, V", "1"), 3: ("III", "4")}),
    )
    wb = _openpyxl(poa_xlsx(book))
    assert wb.sheetnames == ["Plan", "Indicador", "Alineación"]
    ws = wb["Plan"]
    assert ws["A1"].value == "POA DE CULTURA 2026"  # no banner: the title opens the sheet
    assert [ws.cell(row=r, column=1).value for r in range(3, 6)] == [
        "Dirección:", None, "Área:"]
    assert ws["B5"].value == "Cultura"
    # Header at row 10, activities in rows 11 to 13, the budget's title three rows below.
    assert ws["A10"].value == "No." and ws["A13"].value == 3
    assert ws["A16"].value == "GASTO" and ws["A17"].value == "Partida"
    assert ws["A19"].value == 3821 and ws["A20"].value is None  # no TOTAL row
    assert wb["Indicador"]["C4"].value == "Logradas / Programadas x 100"
    alignment = wb["Alineación"]
    assert [[c.value for c in row] for row in alignment["A5:D6"]] == [
        [1, "Festival cultural", "II, V", "1"], [3, "Exposiciones", "III", "4"]]
    doc, _ = _read(poa_xlsx(book))
    assert {(a.activity, a.kind, a.code) for a in doc.alignment} == {
        (1, "fraccion", "II"), (1, "fraccion", "V"), (1, "dimension", "1"),
        (3, "fraccion", "III"), (3, "dimension", "4")}


def test_the_same_description_gives_the_same_bytes():
    for layout in ("oficial", "dos_hojas", "una_hoja"):
        first, second = poa_xlsx(_book(layout=layout)), poa_xlsx(_book(layout=layout))
        assert first == second
        assert poa_xlsx(_book(layout=layout, offset=1)) != first
    later = replace(_book(), properties=replace(PROPS, stamp=datetime(2026, 2, 1)))
    assert poa_xlsx(later) != poa_xlsx(_book())


def _spending(dates: str, money: str) -> SpendingWorkbook:
    rows = [
        SpendingRow("F-001", date(2026, 2, 3), "2111", "Papelería", "Comprometido", 1_500.25),
        SpendingRow("F-002", date(2026, 2, 4), "2111", "Papelería (repetida)", "Comprometido",
                    1_500.25),
        SpendingRow("F-003", date(2026, 2, 5), "2111", "Reversión", "Comprometido", -1_500.25,
                    "F-002"),
        SpendingRow("F-004", date(2026, 3, 1), "3821", "Festival", "Ampliación", 10_000.0),
    ]
    return SpendingWorkbook(rows=rows, banner="PRUEBA", heading="Movimientos de prueba.",
                            notes=("Una nota.",), properties=PROPS, dates=dates, money=money)


@pytest.mark.parametrize(("dates", "money"),
                         list(itertools.product(("excel", "text"), ("number", "text"))))
def test_spending_workbooks_read_back(dates, money):
    data = spending_xlsx(_spending(dates, money))
    movements, findings = read_spending(data, SETTINGS, file_name="gasto.xlsx")
    assert findings == []
    assert [(m.date, m.partida, m.concepto, m.momento, m.amount) for m in movements] == [
        (date(2026, 2, 3), "2111", "Papelería", "comprometido", 1_500.25),
        (date(2026, 2, 4), "2111", "Papelería (repetida)", "comprometido", 1_500.25),
        (date(2026, 2, 5), "2111", "Reversión", "comprometido", -1_500.25),
        (date(2026, 3, 1), "3821", "Festival", "ampliacion", 10_000.0),
    ]
    assert movements[2].cell == "F7"
    assert spending_xlsx(_spending(dates, money)) == data
    notes = CalamineWorkbook.from_filelike(io.BytesIO(data)).get_sheet_by_name("Léame")
    assert notes.to_python()[0][0] == "PRUEBA" and notes.to_python()[2][0] == "Una nota."


def test_the_low_level_writer_styles_values_and_sheet_settings():
    wb = Workbook(PROPS)
    ws = wb.sheet("Hoja")
    fancy = Style(bold=True, size=14, color="FF0000FF", fill="FFFFFF00", border=True,
                  horizontal="right", vertical="top", wrap=True, number_format="0.000")
    ws.put(1, 1, 3.14159, fancy)
    ws.put(1, 2, "  espacios  ")
    ws.put(1, 3, True)
    ws.put(1, 4, datetime(2026, 3, 1, 12, 0), Style(number_format="dd/mm/yyyy hh:mm"))
    ws.put(1, 5, "con\x01control")
    ws.put(2, 1, "primero")
    ws.put(2, 1, "después")  # the last value wins
    ws.put_row(3, 2, ["a", 1, None, ""], Style(bold=True))
    ws.merge(4, 1, 5, 3)
    ws.widths = {1: 30}
    ws.heights = {2: 40}
    ws.freeze = (1, 1)
    wb.sheet("Otra").put(1, 1, 7)
    data = wb.to_bytes()
    assert data == wb.to_bytes()

    book = _openpyxl(data)
    cell = book["Hoja"]["A1"]
    assert cell.value == pytest.approx(3.14159) and cell.number_format == "0.000"
    assert (cell.font.b, cell.font.sz, cell.font.color.rgb) == (True, 14, "FF0000FF")
    assert cell.fill.fill_type == "solid" and cell.fill.fgColor.rgb == "FFFFFF00"
    assert cell.border.left.style == cell.border.bottom.style == "thin"
    assert (cell.alignment.horizontal, cell.alignment.vertical, cell.alignment.wrap_text) == (
        "right", "top", True)
    sheet = book["Hoja"]
    assert [sheet["B1"].value, sheet["C1"].value, sheet["D1"].value, sheet["E1"].value] == [
        "  espacios  ", True, datetime(2026, 3, 1, 12, 0), "concontrol"]
    assert sheet["A2"].value == "después"
    assert [sheet.cell(row=3, column=c).value for c in range(2, 6)] == ["a", 1, None, None]
    assert sheet["C3"].font.b and not sheet["A1"].font.i
    assert [str(r) for r in sheet.merged_cells.ranges] == ["A4:C5"]
    assert sheet.column_dimensions["A"].width == 30 and sheet.row_dimensions[2].height == 40
    assert sheet.freeze_panes == "B2"
    assert book["Otra"]["A1"].value == 7
    assert book.properties.title == "Prueba" and book.properties.creator == "tests/test_write.py"


def test_what_the_writer_refuses():
    with pytest.raises(ValueError, match="layout"):
        Presentation(layout="tres_hojas")
    with pytest.raises(ValueError, match="labels"):
        Presentation(labels=("alcalde",))
    with pytest.raises(ValueError, match="roles"):
        replace(_book(), titles={"cronograma": "X"})
    with pytest.raises(ValueError, match="room for 3 signatures"):
        poa_xlsx(replace(_book(), signatures=[("a",)] * 4))
    wb = Workbook(PROPS)
    with pytest.raises(ValueError, match="sheet name"):
        wb.sheet("a/b")
    wb.sheet("Hoja")
    with pytest.raises(ValueError, match="already"):
        wb.sheet("HOJA")
    with pytest.raises(TypeError):
        wb.sheets[0].put(1, 1, 1, "bold")
    wb.sheets[0].put(1, 1, float("nan"))
    with pytest.raises(ValueError, match="nan"):
        wb.to_bytes()
