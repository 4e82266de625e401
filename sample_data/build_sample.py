"""Construye el libro de ejemplo ``poa_migrantes_ex_braceros_2026.xlsx``.

Reproduce, como el archivo de oficina del que salió el documento fuente, el POA 2026 del
área "Migrantes y Ex braceros" (Sombrerete, Zacatecas), con TODOS sus valores tal cual,
errores incluidos (ver ``seed_poa.py`` y ``README.md``).

Uso, desde la raíz del repositorio::

    python sample_data/build_sample.py

o desde código::

    from sample_data.build_sample import build
    build("ruta/al/libro.xlsx")

La salida es determinista: mismas fechas internas y mismas marcas de tiempo en el zip.
"""

from __future__ import annotations

import calendar
import io
import re
import sys
import zipfile
from datetime import date, datetime
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

try:  # importado como paquete: ``sample_data.build_sample``
    from . import seed_poa as seed
except ImportError:  # ejecutado como script: ``python sample_data/build_sample.py``
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    import seed_poa as seed  # type: ignore[no-redef]

HERE = Path(__file__).resolve().parent
DEFAULT_PATH = HERE / "poa_migrantes_ex_braceros_2026.xlsx"

# Fecha fija para las propiedades del documento y las entradas del zip (salida determinista).
FIXED_TIMESTAMP = datetime(2026, 1, 15, 9, 0, 0)

MONTHS = [
    "Enero",
    "Febrero",
    "Marzo",
    "Abril",
    "Mayo",
    "Junio",
    "Julio",
    "Agosto",
    "Septiembre",
    "Octubre",
    "Noviembre",
    "Diciembre",
]

BOLD = Font(bold=True)
TITLE_FONT = Font(bold=True, size=14)
HEADER_FILL = PatternFill(fill_type="solid", fgColor="FFD9D9D9")
MONTH_FILL = PatternFill(fill_type="solid", fgColor="FF8DB4E2")
THIN = Side(style="thin", color="FF000000")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
WRAP_TOP = Alignment(wrap_text=True, vertical="top")
HEADER_ALIGN = Alignment(wrap_text=True, horizontal="center", vertical="center")
CENTER = Alignment(horizontal="center", vertical="center")
DATE_FORMAT = "dd/mm/yyyy"
PCT_FORMAT = "0%"
MONEY_FORMAT = '"$ "#,##0.00'


def _header(cell) -> None:
    cell.font = BOLD
    cell.fill = HEADER_FILL
    cell.alignment = HEADER_ALIGN
    cell.border = BORDER


def _widths(ws, widths: dict[str, float]) -> None:
    for col, width in widths.items():
        ws.column_dimensions[col].width = width


def month_overlaps(start: date, end: date, year: int, month: int) -> bool:
    """True si el mes ``month`` de ``year`` se traslapa con [start, end].

    Una ventana inválida (fin antes de inicio) no se traslapa con ningún mes.
    """
    first = date(year, month, 1)
    last = date(year, month, calendar.monthrange(year, month)[1])
    return start <= last and end >= first and start <= end


def _sheet_poa(wb: Workbook) -> None:
    ws = wb.active
    ws.title = "POA"
    ws["A1"] = seed.TITLE
    ws["A1"].font = TITLE_FONT
    ws.merge_cells("A1:F1")

    for ref, value in (
        ("A3", "Dirección:"),
        ("B3", seed.DIRECCION),
        ("A4", "Área:"),
        ("B4", seed.AREA),
        ("A6", "Objetivo:"),
        ("B6", seed.OBJETIVO),
        ("A7", "Objetivos específicos:"),
        ("B7", seed.OBJETIVOS_ESPECIFICOS),
    ):
        ws[ref] = value
        ws[ref].alignment = WRAP_TOP
    for ref in ("A3", "A4", "A6", "A7"):
        ws[ref].font = BOLD

    headers = [
        "Nº",
        "Actividad / Proyecto General",
        "Eje Estratégico del Plan Municipal de Desarrollo",
        "Línea Estratégica del Plan Municipal de Desarrollo",
        "Línea de Acción del Plan Municipal de Desarrollo",
        "Actividad Específica",
    ]
    for col, text in enumerate(headers, start=1):
        cell = ws.cell(row=9, column=col, value=text)
        _header(cell)

    keys = ["name", "eje", "linea_estrategica", "linea_accion", "actividad_especifica"]
    for row, act in enumerate(seed.ACTIVITIES, start=10):
        cell = ws.cell(row=row, column=1, value=act["number"])
        cell.alignment = Alignment(horizontal="center", vertical="top")
        cell.border = BORDER
        for col, key in enumerate(keys, start=2):
            cell = ws.cell(row=row, column=col)
            if act[key] != "":  # vacío en el documento: la celda queda sin valor
                cell.value = act[key]
            cell.alignment = WRAP_TOP
            cell.border = BORDER

    _widths(ws, {"A": 22, "B": 34, "C": 24, "D": 24, "E": 60, "F": 55})
    ws.row_dimensions[9].height = 45
    ws.freeze_panes = "A10"


def _sheet_cronograma(wb: Workbook) -> None:
    ws = wb.create_sheet("Cronograma")
    ws["A1"] = "Cronograma"
    ws["A1"].font = TITLE_FONT

    # Cabecera de tres filas (3..5) con celdas combinadas, como la plantilla.
    merged = [
        ("A3", "N°", "A3:A5"),
        ("B3", "Actividad", "B3:B5"),
        ("C3", "Responsable", "C3:C5"),
        ("D3", "Unidad de medida", "D3:D5"),
        ("E3", "Meta Anual", "E3:E5"),
        ("F3", "2026", "F3:I3"),
        ("J3", "2026 Cronograma Programado", "J3:U3"),
        ("V3", "Fechas de metas", "V3:W3"),
        ("F4", "Meta Programada", "F4:G4"),
        ("H4", "Meta Alcanzada", "H4:I4"),
        ("V4", "Inicio", "V4:V5"),
        ("W4", "fin", "W4:W5"),
    ]
    for i, name in enumerate(MONTHS):
        col = get_column_letter(10 + i)  # J..U
        merged.append((f"{col}4", name, f"{col}4:{col}5"))
    for ref, text, _ in merged:
        ws[ref] = text
    for ref, text in (("F5", "N°"), ("G5", "%"), ("H5", "N°"), ("I5", "%")):
        ws[ref] = text
    # Estilo de toda la cabecera (también las celdas cubiertas, para que se vea el borde).
    for row in ws.iter_rows(min_row=3, max_row=5, min_col=1, max_col=23):
        for cell in row:
            _header(cell)
    for _, _, rng in merged:
        ws.merge_cells(rng)

    year = seed.FISCAL_YEAR
    for row, act in enumerate(seed.ACTIVITIES, start=6):
        values = [
            act["number"],
            act["name_cronograma"],
            act["responsable"],
            act["unit"],
            act["goal"],
            act["programmed"],
            act["programmed_pct"] / 100,
            act["achieved"],
            act["declared_pct"] / 100,
        ]
        for col, value in enumerate(values, start=1):
            cell = ws.cell(row=row, column=col, value=value)
            cell.border = BORDER
            cell.alignment = WRAP_TOP if col in (2, 3) else CENTER
        ws.cell(row=row, column=7).number_format = PCT_FORMAT
        ws.cell(row=row, column=9).number_format = PCT_FORMAT

        # Meses: solo relleno de color, sin valor (como la plantilla).
        for month in range(1, 13):
            cell = ws.cell(row=row, column=9 + month)
            cell.border = BORDER
            if month_overlaps(act["start"], act["end"], year, month):
                cell.fill = MONTH_FILL

        for col, key in ((22, "start"), (23, "end")):
            d = act[key]
            cell = ws.cell(row=row, column=col, value=datetime(d.year, d.month, d.day))
            cell.number_format = DATE_FORMAT
            cell.border = BORDER
            cell.alignment = CENTER

    widths = {"A": 5, "B": 40, "C": 24, "D": 11, "E": 9, "F": 11, "G": 7, "H": 11, "I": 7}
    widths.update({get_column_letter(c): 11 for c in range(10, 22)})
    widths.update({"V": 12, "W": 12})
    _widths(ws, widths)
    ws.freeze_panes = "C6"


def _sheet_indicador(wb: Workbook) -> None:
    ws = wb.create_sheet("Indicador")
    ws["A1"] = "Indicador de Medida"
    ws["A1"].font = TITLE_FONT
    for col, text in enumerate(("Nombre", "Variables", "Formula"), start=1):
        _header(ws.cell(row=3, column=col, value=text))
    ind = seed.INDICATOR
    for col, key in enumerate(("nombre", "variables", "formula"), start=1):
        value = ind[key]
        assert not value.startswith("="), "el indicador es texto, no fórmula"
        cell = ws.cell(row=4, column=col, value=value)
        cell.data_type = "s"
        cell.alignment = WRAP_TOP
        cell.border = BORDER
    _widths(ws, {"A": 24, "B": 34, "C": 50})


def _sheet_presupuesto(wb: Workbook) -> None:
    ws = wb.create_sheet("Presupuesto")
    ws["A1"] = "Presupuesto Estimado"
    ws["A1"].font = TITLE_FONT
    for col, text in enumerate(("PARTIDA", "NOMBRE", "CANTIDAD"), start=1):
        _header(ws.cell(row=3, column=col, value=text))
    for row, (partida, nombre, cantidad) in enumerate(seed.BUDGET, start=4):
        a = ws.cell(row=row, column=1, value=int(partida))
        b = ws.cell(row=row, column=2, value=nombre)
        c = ws.cell(row=row, column=3, value=float(cantidad))
        c.number_format = MONEY_FORMAT
        a.alignment = CENTER
        b.alignment = WRAP_TOP
        for cell in (a, b, c):
            cell.border = BORDER
    _widths(ws, {"A": 11, "B": 48, "C": 16})


def _sheet_observaciones(wb: Workbook) -> None:
    ws = wb.create_sheet("Observaciones")
    ws["A1"] = "Observaciones."
    ws["A1"].font = TITLE_FONT
    # Tres firmantes lado a lado (columnas A, C y E) a partir de la fila 4.
    for col, lines in zip((1, 3, 5), seed.SIGNATURES, strict=True):
        for row, text in enumerate(lines, start=4):
            cell = ws.cell(row=row, column=col, value=text)
            cell.alignment = Alignment(horizontal="center", vertical="top", wrap_text=True)
    _widths(ws, {"A": 48, "B": 4, "C": 42, "D": 4, "E": 44})


# Hoja «Alineación» (no está en el documento fuente: es la alineación que derivamos de los textos;
# cada elección se explica en README.md). Nº -> (fracciones del Art. 122, dimensiones de la OIM).
ALINEACION: dict[int, tuple[str, str]] = {
    1: ("V", "1"),
    2: ("II, V", "1, 6"),
    3: ("II", "1"),
    4: ("II", "1"),
    5: ("II", "1"),
    6: ("IV, VI", "3, 4"),
    7: ("V, IX", "2"),
    8: ("II", "1"),
    9: ("II", "2"),
    10: ("III, VII", "4"),
    11: ("II", "1, 2"),
    12: ("III", "3"),
    13: ("III", "4"),
    14: ("IV, VI", "3"),
    15: ("II", "1"),
    16: ("II, V", "3"),
}


def _sheet_alineacion(wb: Workbook) -> None:
    ws = wb.create_sheet("Alineación")
    ws["A1"] = "Alineación de las actividades"
    ws["A1"].font = TITLE_FONT
    ws["A2"] = (
        "Fracciones: facultades de la Dirección de Atención a Migrantes (Artículo 122), en números"
        " romanos. Dimensiones: Indicadores de Gobernanza de la Migración de la OIM, del 1 al 6."
    )
    ws["A2"].alignment = WRAP_TOP
    ws.merge_cells("A2:D2")
    ws.row_dimensions[2].height = 32
    headers = ["Nº", "Actividad", "Fracciones del Art. 122", "Dimensiones OIM"]
    for col, text in enumerate(headers, start=1):
        _header(ws.cell(row=4, column=col, value=text))
    for row, act in enumerate(seed.ACTIVITIES, start=5):
        fracciones, dimensiones = ALINEACION[act["number"]]
        for col, value in enumerate((act["number"], act["name"], fracciones, dimensiones), 1):
            cell = ws.cell(row=row, column=col, value=value)
            cell.border = BORDER
            cell.alignment = WRAP_TOP if col == 2 else CENTER
    _widths(ws, {"A": 6, "B": 48, "C": 22, "D": 18})
    ws.freeze_panes = "A5"


def build_workbook() -> Workbook:
    """Devuelve el libro en memoria (sin guardar)."""
    wb = Workbook()
    _sheet_poa(wb)
    _sheet_cronograma(wb)
    _sheet_indicador(wb)
    _sheet_presupuesto(wb)
    _sheet_observaciones(wb)
    _sheet_alineacion(wb)
    wb.properties.title = f"{seed.TITLE} {seed.FISCAL_YEAR} - {seed.AREA}"
    wb.properties.creator = "Tablero POA (sample_data/build_sample.py)"
    wb.properties.created = FIXED_TIMESTAMP
    return wb


def _deterministic(data: bytes) -> bytes:
    """Fija la fecha de modificación y las marcas de tiempo del zip."""
    stamp = FIXED_TIMESTAMP.strftime("%Y-%m-%dT%H:%M:%SZ")
    zdt = FIXED_TIMESTAMP.timetuple()[:6]
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(data)) as zin,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout,
    ):
        for info in zin.infolist():
            content = zin.read(info.filename)
            if info.filename == "docProps/core.xml":
                content = re.sub(
                    rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)",
                    rb"\g<1>" + stamp.encode() + rb"\g<2>",
                    content,
                )
            new = zipfile.ZipInfo(info.filename, date_time=zdt)
            new.compress_type = zipfile.ZIP_DEFLATED
            new.external_attr = 0o600 << 16
            zout.writestr(new, content)
    return out.getvalue()


def build(path: str | Path = DEFAULT_PATH) -> Path:
    """Escribe el libro de ejemplo en ``path`` y devuelve la ruta."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    buf = io.BytesIO()
    build_workbook().save(buf)
    path.write_bytes(_deterministic(buf.getvalue()))
    return path


def main() -> None:
    path = build(DEFAULT_PATH)
    print(f"Libro escrito en {path}")


if __name__ == "__main__":
    main()
