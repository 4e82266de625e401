"""The Informe para cabildo: its data, the PDF (read back with poppler) and the Excel (openpyxl),
and the download routes with their reading rule."""

from __future__ import annotations

import dataclasses
import io
import re
import shutil
import subprocess
import sys
import zipfile
from datetime import date, datetime
from pathlib import Path

import dash
import openpyxl
import pytest
from PIL import Image
from sqlalchemy.orm import Session

from dashboard.app import create_app
from dashboard.report.data import ALIGNMENT_EMPTY, ALIGNMENT_TITLE, build_report, file_name
from dashboard.report.pdf import report_pdf
from dashboard.report.xlsx import report_xlsx
from loaders.imports import import_spending, import_workbook
from loaders.settings import Settings
from loaders.store.accounts import add_user
from loaders.store.budget import movements_of
from loaders.store.engine import create_schema, make_engine
from loaders.store.queries import load_version
from tests.paths import SAMPLE_WORKBOOK

CORTE = date(2026, 11, 21)
GENERATED = datetime(2026, 11, 21, 9, 30)
SPENDING = SAMPLE_WORKBOOK.parent / "ejercicio_presupuesto_2026.xlsx"
HYPERLINK = '=HYPERLINK("http://x","y")'
PASSWORD = "clave-de-prueba-123"
# The 16 activities as written in the activity table of the sample (sheet POA, B10:B25).
ACTIVITIES = (
    "Corazón de Plata", "Apoyo a deportados", "Doble nacionalidad", "Apostillado",
    "Seguros Americanos", "COVAM y Programa 2x1",
    "Reuniones, revisión de expedientes y agenda con SEZAMI",
    "Apoyo para tramitar pasaporte mexicano", "Foros migrantes por la transformación",
    "Festejo del día del Sombrerense", "Jornada Municipal de servicios migrante",
    "Reunión con clubes y paisanos migrantes",
    "Participación en expo agropecuarias migrantes en el exterior",
    "Apoyo a comunidades mediante clubs migrantes", "Apoyo para tramite y citas de visa",
    "Revisión tramites consulares y difusión",
)


def _stored(tmp: Path, workbook: bytes) -> tuple:
    """The workbook and the example spending imported into a real SQLite database."""
    settings = Settings(data_dir=tmp)
    engine = make_engine(f"sqlite:///{tmp / 'poa.sqlite3'}", settings)
    create_schema(engine)
    stored = import_workbook(engine, workbook, settings, file_name=SAMPLE_WORKBOOK.name,
                             uploaded_by="planeacion", as_of=CORTE)
    import_spending(engine, stored.plan_id, SPENDING.read_bytes(), settings,
                    file_name=SPENDING.name, uploaded_by="direccion")
    with Session(engine) as session:
        loaded = load_version(session, stored.version_id)
        movements = movements_of(session, stored.plan_id)
    engine.dispose()
    return loaded, movements, settings


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    loaded, movements, settings = _stored(tmp_path_factory.mktemp("report"),
                                          SAMPLE_WORKBOOK.read_bytes())
    return build_report(loaded, CORTE, settings, movements, generated_at=GENERATED)


@pytest.fixture(scope="module")
def pdf_file(report, tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("pdf") / "informe.pdf"
    path.write_bytes(report_pdf(report))
    return path


def pdf_pages(path: Path) -> int:
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True)
    return int(re.search(r"^Pages:\s+(\d+)", info.stdout, re.M)[1])


def pdf_text(path: Path, page: int | None = None) -> str:
    """The text poppler reads, with every run of whitespace (line wraps too) as one space."""
    pages = ["-f", str(page), "-l", str(page)] if page else []
    out = subprocess.run(["pdftotext", *pages, str(path), "-"], capture_output=True, text=True,
                         check=True).stdout
    return " ".join(out.split())


# -- the data ------------------------------------------------------------------------------------


def test_report_data_of_the_sample(report):
    assert report.identity.municipio == "Sombrerete"
    assert report.identity.area == "Migrantes y Ex braceros"
    assert report.identity.fiscal_year == 2026
    assert report.version.number == 1 and report.version.uploaded_by == "planeacion"
    assert (report.index_achieved, report.index_programmed) == (23, 198)
    assert round(report.index_pct, 1) == 11.6
    assert [a.name for a in report.activities] == list(ACTIVITIES)
    assert [a.number for a in report.activities] == list(range(1, 17))
    assert report.count("rojo") == 16 and report.count("verde") == 0
    assert {a.semaforo_text for a in report.activities} == {"■ Rojo"}
    assert report.activities[1].status_label == "Vencida"
    assert report.activities[1].real_pct == 12.0 and report.activities[1].pct_mismatch
    assert report.budget_total.aprobado == 90_000.0
    assert report.budget_total.ejercido == 73_200.0
    assert [r.partida for r in report.budget_rows] == ["2111", "2121", "2611", "3761", "4244"]
    assert [r.partida for r in report.budget_rows if r.overspent] == ["3761"]
    assert dict(report.severity_counts) == {"error": 5, "warning": 43, "info": 0}
    assert {c.code: c.count for c in report.code_counts}["PCT_MISMATCH"] == 4
    assert [(f.code, f.activity) for f in report.errors] == [
        ("PCT_MISMATCH", 2), ("PCT_MISMATCH", 5), ("END_BEFORE_START", 7),
        ("PCT_MISMATCH", 7), ("PCT_MISMATCH", 12)]
    assert [f.code for f in report.budget_findings if f.severity == "error"] == [
        "BUDGET_OVERSPENT"]
    assert report.alignment_gaps == () and report.alignment_note == ""
    assert file_name(report, "pdf") == "informe_cabildo_migrantes_y_ex_braceros_2026_2026-11-21.pdf"


def test_only_movements_up_to_the_fecha_de_corte_count(tmp_path):
    loaded, movements, settings = _stored(tmp_path, SAMPLE_WORKBOOK.read_bytes())
    january = build_report(loaded, date(2026, 1, 1), settings, movements)
    assert january.budget_total.aprobado == 90_000.0
    assert january.budget_total.ejercido < 73_200.0
    assert january.budget_findings == () or all(
        f.code != "BUDGET_OVERSPENT" for f in january.budget_findings)


# -- the PDF -------------------------------------------------------------------------------------


def test_pdf_renders_every_page_to_an_image(pdf_file, tmp_path):
    pages = pdf_pages(pdf_file)
    assert pages >= 3
    subprocess.run(["pdftoppm", "-r", "40", "-png", str(pdf_file), str(tmp_path / "p")],
                   check=True, capture_output=True)
    images = sorted(tmp_path.glob("p-*.png"))
    assert len(images) == pages
    for image in images:
        with Image.open(image) as im:
            assert im.width > 200 and im.height > 200
            darkest = min(im.convert("L").getextrema())
            assert darkest < 100, f"{image.name} is blank"


def test_pdf_pages_are_letter_size(pdf_file):
    pages = pdf_pages(pdf_file)
    info = subprocess.run(["pdfinfo", "-f", "1", "-l", str(pages), str(pdf_file)],
                          capture_output=True, text=True, check=True).stdout
    sizes = re.findall(r"Page\s+(\d+) size:\s+([\d.]+) x ([\d.]+) pts", info)
    assert len(sizes) == pages
    by_page = {int(n): (round(float(w)), round(float(h))) for n, w, h in sizes}
    assert by_page[1] == (612, 792)
    # Letter everywhere: portrait, except the EAEPE page, turned for its twelve columns.
    landscape = [n for n, size in by_page.items() if size == (792, 612)]
    assert set(by_page.values()) <= {(612, 792), (792, 612)}
    assert len(landscape) == 1
    assert "Estado Analítico del Ejercicio" in pdf_text(pdf_file, landscape[0])


def test_pdf_text_holds_the_poa_the_index_the_activities_and_the_budget(pdf_file):
    text = pdf_text(pdf_file)
    pages = pdf_pages(pdf_file)
    for expected in ("Informe para cabildo", "Sombrerete", "Zacatecas", "Migrantes y Ex braceros",
                     "Secretaría de Gobierno", "2026", "21/11/2026", "11.6 %",
                     "23 de 198 metas alcanzadas", "$90,000.00", "$73,200.00",
                     f"Página 1 de {pages}", f"Página {pages} de {pages}",
                     "Versión 1, cargada el", "por planeacion"):
        assert expected in text, expected
    assert "{nb}" not in text
    # The semáforo table: every activity by its full name, with the word of its semáforo.
    table_page = next(p for p in range(2, pages + 1)
                      if "2. Semáforo de las actividades" in pdf_text(pdf_file, p))
    table = pdf_text(pdf_file, table_page) + " " + pdf_text(pdf_file, table_page + 1)
    for name in ACTIVITIES:
        assert name in table, name
    assert table.count("■ Rojo") >= 16
    assert "Vencida" in table and "En riesgo" in table and "⚠ declaró 30.0 %" in table
    for section in ("Meta alcanzada contra programada", "Cronograma 2026 (Gantt)",
                    "Ejercicio del presupuesto", ALIGNMENT_TITLE, "Hallazgos de calidad de datos"):
        assert section in text, section
    assert ALIGNMENT_EMPTY in text
    assert "Corte 21/11/2026" in text  # the line of the fecha de corte on the Gantt
    assert "La fecha de fin 31/12/2025 es anterior al inicio 01/01/2026" in text  # activity 7
    assert "108.0 % ⚠" in text and "BUDGET_OVERSPENT" in text
    assert "Errores: 5 · Advertencias: 43 · Avisos: 0" in text
    assert "Cronograma!I7" in text  # where to fix the first error


def test_pdf_shows_the_alignment_gaps_when_there_are(report, tmp_path):
    aligned = dataclasses.replace(
        report, alignment_note="Según el Reglamento Interior de la Administración Pública.",
        alignment_gaps=("Facultad IV (protección consular) sin actividad.",
                        "Dimensión «Bienestar social» sin actividad."))
    path = tmp_path / "alineado.pdf"
    path.write_bytes(report_pdf(aligned))
    text = pdf_text(path)
    assert "Facultad IV (protección consular) sin actividad." in text
    assert "Dimensión «Bienestar social» sin actividad." in text
    assert "Según el Reglamento Interior" in text
    assert ALIGNMENT_EMPTY not in text
    sheet = openpyxl.load_workbook(io.BytesIO(report_xlsx(aligned)))["Alineación"]
    values = [c.value for c in sheet["A"] if c.value]
    assert "Facultad IV (protección consular) sin actividad." in values
    assert "Dimensión «Bienestar social» sin actividad." in values


def test_same_data_gives_the_same_pdf(report):
    assert report_pdf(report) == report_pdf(report)


# -- the Excel -----------------------------------------------------------------------------------


def _by_label(sheet) -> dict:
    return {row[0].value: row[1] for row in sheet.iter_rows(min_row=1, max_col=2) if row[0].value}


def test_excel_holds_the_same_numbers(report):
    wb = openpyxl.load_workbook(io.BytesIO(report_xlsx(report)))
    assert wb.sheetnames == ["Portada", "Actividades", "Presupuesto", "Hallazgos",
                             "Hallazgos por código", "Alineación"]
    cover = _by_label(wb["Portada"])
    assert cover["Municipio"].value == "Sombrerete"
    assert cover["Área"].value == "Migrantes y Ex braceros"
    assert cover["Año fiscal"].value == 2026
    assert cover["Fecha de corte"].value == datetime(2026, 11, 21)
    assert cover["Fecha de corte"].number_format == "dd/mm/yyyy"
    assert round(cover["Índice de Eficiencia"].value, 3) == 0.116
    assert cover["Índice de Eficiencia"].number_format == "0.0 %"
    assert (cover["Meta alcanzada (suma)"].value, cover["Meta programada (suma)"].value) == (23, 198)
    assert cover["Presupuesto aprobado"].value == 90_000
    assert "#,##0.00" in cover["Presupuesto aprobado"].number_format
    assert cover["■ Rojo"].value == 16

    activities = wb["Actividades"]
    header = [c.value for c in activities[1]]
    rows = [dict(zip(header, (c for c in row), strict=True))
            for row in activities.iter_rows(min_row=2) if row[0].value is not None]
    assert len(rows) == 16
    assert [r["Actividad"].value for r in rows] == list(ACTIVITIES)
    second = rows[1]
    assert (second["Meta programada"].value, second["Meta alcanzada"].value) == (50, 6)
    assert second["Avance real"].value == pytest.approx(0.12)
    assert second["Avance real"].number_format == "0.0 %"
    assert second["Semáforo"].value == "■ Rojo" and second["Estado"].value == "Vencida"
    assert second["¿El % declarado cuadra?"].value == "No"
    assert second["Inicio"].value == datetime(2026, 1, 1)
    assert second["Fin"].value == datetime(2026, 9, 30)
    assert second["Fin"].number_format == "dd/mm/yyyy"

    budget = wb["Presupuesto"]
    total = next(row for row in budget.iter_rows(min_row=3) if row[0].value == "Total")
    assert total[3].value == 90_000 and total[10].value == 73_200  # aprobado, ejercido
    assert "#,##0.00" in total[3].number_format
    partidas = [row[0].value for row in budget.iter_rows(min_row=3, max_row=7)]
    assert partidas == ["2111", "2121", "2611", "3761", "4244"]
    assert int(budget.page_setup.paperSize) == 1  # letter

    findings = wb["Hallazgos"]
    codes = [c.value for c in findings["C"]]
    assert codes.count("PCT_MISMATCH") == 4 and "BUDGET_OVERSPENT" in codes
    assert wb["Alineación"]["A3"].value == ALIGNMENT_EMPTY


# The sample at the fecha de corte, per partida: (aprobado, ampliaciones/(reducciones),
# modificado, devengado, pagado, subejercicio, comprometido, ejercido, disponible).
EAEPE_SAMPLE = {
    "2111": (5_000, 0, 5_000, 4_700, 4_200, 300, 4_700, 4_700, 300),
    "2121": (5_000, 0, 5_000, 2_000, 2_000, 3_000, 2_000, 2_000, 3_000),
    "2611": (10_000, 3_000, 13_000, 7_500, 5_000, 5_500, 12_000, 7_500, 1_000),
    "3761": (50_000, 0, 50_000, 54_000, 53_000, -4_000, 54_000, 54_000, -4_000),
    "4244": (20_000, -3_000, 17_000, 10_000, 5_000, 7_000, 10_000, 5_000, 7_000),
    "Total": (90_000, 0, 90_000, 78_200, 69_200, 11_800, 82_700, 73_200, 7_300),
}


def test_report_rows_carry_the_conac_columns(report):
    rows = {r.partida: r for r in (*report.budget_rows, report.budget_total)}
    for partida, amounts in EAEPE_SAMPLE.items():
        r = rows["TOTAL" if partida == "Total" else partida]
        assert (r.aprobado, r.ampliaciones_netas, r.modificado, r.devengado, r.pagado,
                r.subejercicio, r.comprometido, r.ejercido, r.disponible) == amounts, partida
        assert r.subejercicio == r.modificado - r.devengado
    assert rows["3761"].excess == 4_000


def test_excel_budget_sheet_is_the_conac_format_then_control_interno(report):
    wb = openpyxl.load_workbook(io.BytesIO(report_xlsx(report)))
    ws = wb["Presupuesto"]
    # Row 1 groups the columns, row 2 names them.
    assert "D1:I1" in {str(r) for r in ws.merged_cells.ranges}
    assert "J1:N1" in {str(r) for r in ws.merged_cells.ranges}
    assert (ws["D1"].value, ws["J1"].value) == ("Formato CONAC (EAEPE)", "Control interno")
    assert [c.value for c in ws[2]] == [
        "Partida", "Nombre en el POA", "Nombre en el clasificador", "Aprobado",
        "Ampliaciones/ (Reducciones)", "Modificado", "Devengado", "Pagado", "Subejercicio",
        "Comprometido", "Ejercido", "Disponible", "% ejercido", "Situación"]
    by_partida = {row[0].value: row for row in ws.iter_rows(min_row=3, max_row=8)}
    for partida, amounts in EAEPE_SAMPLE.items():
        assert tuple(c.value for c in by_partida[partida][3:12]) == amounts, partida
    over = by_partida["3761"]
    assert over[13].value == "⚠ Sobregirada: excede $4,000.00"
    assert over[12].value == pytest.approx(1.08) and over[12].number_format == "0.0 %"
    assert over[0].font.color.rgb.endswith("A4161A")
    assert over[8].number_format.endswith(';("$"#,##0.00)')  # ($4,000.00)
    assert [row[13].value for row in ws.iter_rows(min_row=3, max_row=8)].count(None) == 5
    assert ws["J3"].border.left.style == "medium"  # the rule before «Control interno»
    assert ws.print_title_rows == "$1:$2"


def test_excel_table_sheets_have_frozen_headers_and_filters(report):
    wb = openpyxl.load_workbook(io.BytesIO(report_xlsx(report)))
    # sheet: (its filter over header and rows, the first cell that scrolls)
    expected = {
        "Actividades": ("A1:Z17", "C2"),  # 16 activities; Nº and Actividad stay in view
        "Presupuesto": ("A2:N7", "C3"),  # 5 partidas; the total row stays under the filter
        "Hallazgos": (f"A1:H{1 + len(report.findings) + len(report.budget_findings)}", "A2"),
        "Hallazgos por código": (f"A1:D{1 + len(report.code_counts)}", "A2"),
    }
    for title, (ref, frozen) in expected.items():
        ws = wb[title]
        assert (ws.auto_filter.ref, ws.freeze_panes) == (ref, frozen), title
    for title in ("Portada", "Alineación"):  # not tables
        assert wb[title].auto_filter.ref is None
    assert wb["Presupuesto"]["A8"].value == "Total"
    findings = wb["Hallazgos"]
    assert [c.value for c in findings[1]] == [
        "Origen", "Severidad", "Código", "Qué significa", "Actividad", "Partida", "Ubicación",
        "Mensaje"]
    assert findings["A2"].value == "POA" and findings["B2"].value == "Error"
    codes = wb["Hallazgos por código"]
    assert (codes["A2"].value, codes["D2"].value) == ("PCT_MISMATCH", 4)
    cover = _by_label(wb["Portada"])
    assert (cover["Errores"].value, cover["Advertencias"].value, cover["Avisos"].value) == (
        5, 43, 0)
    assert cover["Subejercicio"].value == 11_800
    assert cover["Partidas sobregiradas"].value == "3761 (108.0 %, excede $4,000.00)"


def test_excel_names_the_months_of_each_activity(report):
    ws = openpyxl.load_workbook(io.BytesIO(report_xlsx(report)))["Actividades"]
    header = [c.value for c in ws[1]]
    months = ["Ene", "Feb", "Mar", "Abr", "May", "Jun", "Jul", "Ago", "Sep", "Oct", "Nov", "Dic"]
    assert header[14:] == months
    assert "Meses programados" not in header
    for row in ws.iter_rows(min_row=2, max_row=17):
        activity = next(a for a in report.activities if a.number == row[0].value)
        marked = [months[j] for j, cell in enumerate(row[14:26]) if cell.value == "X"]
        assert marked == [months[m - 1] for m in sorted(activity.months_planned)], row[0].value
    # activity 2, «Apoyo a deportados», is planned January to September
    second = next(r for r in ws.iter_rows(min_row=2, max_row=17) if r[0].value == 2)
    assert [c.value for c in second[14:26]] == ["X"] * 9 + [None] * 3


def test_pdf_budget_page_has_the_conac_columns_apart_from_control_interno(pdf_file):
    pages = pdf_pages(pdf_file)
    page = next(p for p in range(1, pages + 1)
                if "Estado Analítico del Ejercicio" in pdf_text(pdf_file, p))
    text = pdf_text(pdf_file, page)
    assert "FORMATO CONAC (EAEPE)" in text and "CONTROL INTERNO" in text
    assert text.index("FORMATO CONAC (EAEPE)") < text.index("CONTROL INTERNO")
    assert text.index("Subejercicio") < text.index("Disponible")
    assert "Subejercicio $11,800.00" in text  # the totals line
    assert "Partidas sobregiradas: 3761 (108.0 %, excede $4,000.00)" in text
    assert "⚠ Sobregirada: excede $4,000.00" in text  # in 3761's row
    # 3761's row, as CONAC writes it: modificado, devengado, pagado, (subejercicio) and then
    # the working columns comprometido, ejercido, (disponible)
    assert ("$50,000.00 $54,000.00 $53,000.00 ($4,000.00) $54,000.00 $54,000.00 ($4,000.00) "
            "108.0 % ⚠") in text
    assert "$90,000.00 $78,200.00 $69,200.00 $11,800.00 $82,700.00 $73,200.00 $7,300.00" in text


def test_formula_like_activity_name_comes_out_escaped_as_text(tmp_path):
    wb = openpyxl.load_workbook(SAMPLE_WORKBOOK)
    cell = wb["POA"]["B11"]  # activity 2, "Apoyo a deportados"
    assert cell.value == "Apoyo a deportados"
    cell.value = HYPERLINK
    cell.data_type = "s"  # typed as text in the workbook, as a clerk could paste it
    buffer = io.BytesIO()
    wb.save(buffer)
    loaded, movements, settings = _stored(tmp_path, buffer.getvalue())
    data = build_report(loaded, CORTE, settings, movements, generated_at=GENERATED)
    assert data.activities[1].name == HYPERLINK
    content = report_xlsx(data)
    sheet = openpyxl.load_workbook(io.BytesIO(content))["Actividades"]
    assert sheet["B3"].value == "'" + HYPERLINK
    assert sheet["B3"].data_type == "s"
    with zipfile.ZipFile(io.BytesIO(content)) as package:
        for name in package.namelist():
            if name.startswith("xl/worksheets/"):
                assert b"<f>" not in package.read(name) and b"<f " not in package.read(name)
    pdf = tmp_path / "hostil.pdf"
    pdf.write_bytes(report_pdf(data))
    assert HYPERLINK in pdf_text(pdf)  # the PDF shows the text as it is: nothing runs there


def test_activities_numbered_with_letters_keep_their_labels_in_the_report(tmp_path):
    wb = openpyxl.load_workbook(SAMPLE_WORKBOOK)
    for sheet, first in (("POA", 10), ("Cronograma", 6)):
        for n in range(1, 17):
            wb[sheet].cell(first + n - 1, 1).value = f"A-{n}"
    buffer = io.BytesIO()
    wb.save(buffer)
    loaded, movements, settings = _stored(tmp_path, buffer.getvalue())
    data = build_report(loaded, CORTE, settings, movements, generated_at=GENERATED)
    assert [a.label for a in data.activities][:3] == ["A-1", "A-2", "A-3"]
    assert data.activities[1].title == "A-2. Apoyo a deportados"
    pdf = tmp_path / "letras.pdf"
    pdf.write_bytes(report_pdf(data))
    text = pdf_text(pdf)
    assert "A-2 Apoyo a deportados" in " ".join(text.split())  # the semáforo table
    assert "A-7 Reuniones" in " ".join(text.split())  # the invalid dates, by their label


def _long(length: int, start: str = "Apoyo a deportados") -> str:
    """A text of `length` characters: words, then one run without spaces to its end."""
    words = (start + " con gestión binacional y seguimiento" * 40)[:min(length, 1500)]
    return words + "x" * (length - len(words))


def _with_name(name: str) -> bytes:
    """The sample with activity 2 named `name` (POA!B11 and Cronograma!B7)."""
    wb = openpyxl.load_workbook(SAMPLE_WORKBOOK)
    wb["POA"]["B11"].value = name
    wb["Cronograma"]["B7"].value = name
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


@pytest.mark.parametrize("length", [3_000, 32_767])
def test_pdf_cuts_an_activity_name_as_long_as_a_cell_and_excel_keeps_it(length, tmp_path):
    name = _long(length)
    loaded, movements, settings = _stored(tmp_path, _with_name(name))
    data = build_report(loaded, CORTE, settings, movements, generated_at=GENERATED)
    assert data.activities[1].name == name
    # a finding, a budget finding, a partida, the area and the alignment just as long
    message = _long(length, "La meta no cuadra")
    finding = dataclasses.replace(data.findings[0], severity="error", message=message)
    budget = dataclasses.replace(data.budget_rows[0], name=_long(length, "Materiales de oficina"))
    data = dataclasses.replace(
        data, findings=(*data.findings, finding),
        budget_findings=(*data.budget_findings,
                         dataclasses.replace(finding, message=_long(length, "Movimiento"))),
        budget_rows=(budget, *data.budget_rows[1:]),
        identity=dataclasses.replace(data.identity, area=_long(length, "Migrantes"),
                                     direccion=_long(length, "Dirección"),
                                     objetivo=_long(length, "Atender")),
        alignment_gaps=(_long(length, "Fracción I"),), alignment_note=_long(length, "Nota"))
    pdf = tmp_path / "largo.pdf"
    pdf.write_bytes(report_pdf(data))
    assert 5 <= pdf_pages(pdf) <= 12
    text = pdf_text(pdf)
    for start in ("Apoyo a deportados con gestión", "La meta no cuadra con", "Movimiento con",
                  "Materiales de oficina con", "Migrantes con", "Fracción I con", "Nota con",
                  "Atender con"):
        assert start in text, start
    assert "…" in text and "x" * 500 not in text
    assert len(text) < 40_000  # cut, not printed whole
    # the Excel report holds every text whole (an Excel cell holds 32,767 characters)
    wb = openpyxl.load_workbook(io.BytesIO(report_xlsx(data)))
    assert wb["Actividades"]["B3"].value == name
    messages = [c.value for c in wb["Hallazgos"]["H"]]
    assert message in messages


def test_pdf_route_answers_for_an_activity_name_as_long_as_a_cell(tmp_path):
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    (seeds / SAMPLE_WORKBOOK.name).write_bytes(_with_name(_long(32_767)))
    shutil.copy(SPENDING, seeds / SPENDING.name)
    app = create_app(Settings(data_dir=tmp_path / "data",
                              sample_workbook=seeds / SAMPLE_WORKBOOK.name))
    try:
        client = app.server.test_client()
        response = client.get("/descargas/informe/1.pdf?corte=2026-11-21")
        assert response.status_code == 200 and response.data.startswith(b"%PDF")
        routed = tmp_path / "ruta.pdf"
        routed.write_bytes(response.data)
        assert "Apoyo a deportados con gestión" in pdf_text(routed)
        assert client.get("/descargas/informe/1.xlsx?corte=2026-11-21").status_code == 200
    finally:
        app.server.extensions["tablero_poa"].engine.dispose()


# -- the download routes -------------------------------------------------------------------------


def _app(tmp_path: Path, **settings):
    """The app seeded with the sample POA and its spending only (no examples beside them)."""
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    shutil.copy(SAMPLE_WORKBOOK, seeds / SAMPLE_WORKBOOK.name)
    shutil.copy(SPENDING, seeds / SPENDING.name)
    return create_app(Settings(data_dir=tmp_path / "data",
                               sample_workbook=seeds / SAMPLE_WORKBOOK.name, **settings))


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    app = _app(tmp_path_factory.mktemp("routes"))
    yield app.server.test_client()
    app.server.extensions["tablero_poa"].engine.dispose()


NAME = "informe_cabildo_migrantes_y_ex_braceros_2026_2026-11-21"


def test_routes_send_the_pdf_and_the_excel_with_their_names(client, tmp_path):
    pdf = client.get("/descargas/informe/1.pdf?version=1&corte=2026-11-21")
    assert pdf.status_code == 200
    assert pdf.mimetype == "application/pdf" and pdf.data.startswith(b"%PDF")
    assert pdf.headers["Content-Disposition"] == f"attachment; filename={NAME}.pdf"
    xlsx = client.get("/descargas/informe/1.xlsx?corte=2026-11-21")  # current version
    assert xlsx.status_code == 200
    assert xlsx.headers["Content-Disposition"] == f"attachment; filename={NAME}.xlsx"
    wb = openpyxl.load_workbook(io.BytesIO(xlsx.data))
    assert round(_by_label(wb["Portada"])["Índice de Eficiencia"].value, 3) == 0.116
    # the alignment stored with the version: fracción XI (families of migrants who die abroad)
    # has no activity in the sample's "Alineación" sheet
    routed = tmp_path / "ruta.pdf"
    routed.write_bytes(pdf.data)
    assert ("Fracción XI del Art. 122 (Familias de migrantes fallecidos): «Brindar orientación y "
            "apoyo a las familias de los migrantes que pierdan la vida fuera del territorio "
            "estatal». Ninguna actividad del POA la atiende.") in pdf_text(routed)
    # the spending stored beside the POA is in the report
    total = next(r for r in wb["Presupuesto"].iter_rows(min_row=3) if r[0].value == "Total")
    assert total[10].value == 73_200  # K: ejercido


def test_routes_answer_a_missing_poa_or_version_in_spanish(client):
    for url, sentence in (("/descargas/informe/99.pdf", "No existe el POA 99."),
                          ("/descargas/informe/1.xlsx?version=99", "Ese POA no tiene esa versión."),
                          ("/descargas/informe/1.pdf?version=uno", "Ese POA no tiene esa versión.")):
        response = client.get(url)
        assert response.status_code == 404, url
        body = response.get_data(as_text=True)
        assert sentence in body and "lang='es-MX'" in body and "Traceback" not in body


def test_a_bad_fecha_de_corte_means_today(client):
    response = client.get("/descargas/informe/1.pdf?corte=ayer")
    assert response.status_code == 200
    today = date.today().isoformat()
    assert response.headers["Content-Disposition"].endswith(f"_2026_{today}.pdf")


def test_reports_follow_the_reading_rule_when_reading_is_closed(tmp_path):
    app = _app(tmp_path, public_read=False)
    add_user(app.server.extensions["tablero_poa"].engine, "regidora", PASSWORD, "consulta",
             by="prueba")
    client = app.server.test_client()
    for ext in ("pdf", "xlsx"):
        refused = client.get(f"/descargas/informe/1.{ext}?corte=2026-11-21")
        assert refused.status_code == 302
        assert refused.headers["Location"].startswith("/ingresar?siguiente=%2Fdescargas")
    page = client.get("/ingresar").get_data(as_text=True)
    csrf = re.search(r'name="csrf" value="([^"]+)"', page)[1]
    client.post("/ingresar", data={"usuario": "regidora", "contrasena": PASSWORD, "csrf": csrf})
    for ext in ("pdf", "xlsx"):
        assert client.get(f"/descargas/informe/1.{ext}?corte=2026-11-21").status_code == 200
    app.server.extensions["tablero_poa"].engine.dispose()


def test_resumen_links_to_both_reports_of_the_selection(client):
    # The page module as Dash Pages loaded it (importing it again would register it twice).
    page = next(p for p in dash.page_registry.values() if p["path"] == "/")
    resumen = sys.modules[page["module"]]
    with client.application.test_request_context("/"):
        layout = resumen.layout(poa="1", version="1", corte="2026-11-21")
    links = {}

    def walk(node):
        if getattr(node, "id", None) in ("report-pdf", "report-xlsx"):
            links[node.id] = node
        children = getattr(node, "children", None)
        for child in children if isinstance(children, list) else [children]:
            if hasattr(child, "to_plotly_json"):
                walk(child)

    walk(layout)
    assert links["report-pdf"].href == "/descargas/informe/1.pdf?version=1&corte=2026-11-21"
    assert links["report-pdf"].download == f"{NAME}.pdf"
    assert links["report-pdf"].children == "Informe para cabildo (PDF)"
    assert links["report-xlsx"].href == "/descargas/informe/1.xlsx?version=1&corte=2026-11-21"
    assert links["report-xlsx"].children == "Informe para cabildo (Excel)"


def test_without_the_fonts_the_pdf_route_says_what_to_install(client, monkeypatch, tmp_path):
    from dashboard.report import pdf as module

    monkeypatch.setattr(module, "FONT_DIRS", (tmp_path,))
    response = client.get("/descargas/informe/1.pdf?corte=2026-11-21")
    assert response.status_code == 503
    assert "fonts-dejavu-core" in response.get_data(as_text=True)
    assert client.get("/descargas/informe/1.xlsx?corte=2026-11-21").status_code == 200
