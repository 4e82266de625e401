"""POA workbooks laid out the way real areas fill in the template, built from the seed's data.

Every variant holds exactly the data of ``sample_data/seed_poa.py`` (errors included), so a
loader that finds tables by their headers must read the same activities, budget and findings as
from the sample workbook. What changes is the layout and the notation:

``single_table``
    Activity list and cronograma as ONE table with a one-row header on sheet "Actividades"
    (number header ``N°``), months marked by fill, no year in any heading (the fiscal year comes
    from the dates); budget with a correct ``TOTAL`` row whose label is in the name column.
    There is no cronograma spelling of the names.
``single_table_check_marks``
    The same, with the planned months marked by the value ``✓`` instead of a fill.
``one_sheet``
    Title block in single cells ("Municipio: Sombrerete", "Dirección: …", "Área: …"), activity
    table from row 7 (``Nº``), the cronograma below it after blank rows and a title row
    (``No.``, three-row merged header), and the budget below that, all on sheet "POA". Dates as
    day-first text (``05/02/2026`` and ``5/2/2026`` alternating), percentages as text ``"30%"``,
    amounts as text ``"$ 5,000.00"``, partidas as text, months marked ``X``, a correct ``TOTAL``
    row, and ``=HYPERLINK(…)`` typed as text in the "Actividad Específica" of activity 3.
``one_sheet_wrong_total``
    The same with a ``TOTAL`` row that does not add up (``$ 95,000.00``).
``three_sheets``
    Sheets "Recursos" (budget first), "Hoja1" (activity table) and "Programa" (cronograma), tables
    starting in column C at arbitrary rows, headers in upper case without accents (``NO.``,
    ``NUM.``, ``LINEA DE ACCION``, ``FECHA DE INICIO``, ``FECHA DE TERMINO``), the cronograma with
    a two-row header WITHOUT merged cells ("META PROGRAMADA" typed over "N°" and "%"), dates as
    text without leading zeros (``5/2/2026``), percentages as plain numbers (``30``), months
    marked ``1``, and a ``TOTAL`` row labelled in the name column.
``banded``
    The sample's two sheets, number headers ``Num.`` and ``N°``, a two-row merged cronograma
    header, and every cronograma data row filled light grey (alternating two greys, Nº cell
    included) with the planned months in green: the banding is not a month mark.

Each builder returns a :class:`VariantWorkbook` that records where every value was written, so
tests can tell which cell a finding must point at.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from sample_data import seed_poa
from sample_data.build_sample import MONTHS, month_overlaps

Ref = tuple[str, str]  # (sheet title, Excel cell name such as "I7")

FORMULA_LIKE_TEXT = '=HYPERLINK("http://x","y")'
FORMULA_LIKE_FIELD = ("actividad_especifica", 3)
BUDGET_SUM = sum(amount for _, _, amount in seed_poa.BUDGET)  # 90,000.00
WRONG_TOTAL = BUDGET_SUM + 5000.0

BOLD = Font(bold=True)
HEADER_FILL = PatternFill(fill_type="solid", fgColor="FFD9D9D9")
MONTH_FILL = PatternFill(fill_type="solid", fgColor="FF8DB4E2")
BAND_FILLS = (
    PatternFill(fill_type="solid", fgColor="FFF2F2F2"),
    PatternFill(fill_type="solid", fgColor="FFE7E6E6"),
)
BANDED_MONTH_FILL = PatternFill(fill_type="solid", fgColor="FF92D050")
DATE_FORMAT = "dd/mm/yyyy"
PCT_FORMAT = "0%"
MONEY_FORMAT = '"$ "#,##0.00'

CATALOG_KEYS = ("eje", "linea_estrategica", "linea_accion", "actividad_especifica")
MONTH_KEYS = tuple(f"month:{m}" for m in range(1, 13))


def planned_months(activity: dict, year: int = seed_poa.FISCAL_YEAR) -> list[int]:
    """The months the sample workbook fills for an activity (see sample_data/README.md)."""
    return [m for m in range(1, 13) if month_overlaps(activity["start"], activity["end"], year, m)]


@dataclass(frozen=True)
class Notation:
    """How values are typed.

    dates: "excel" (real dates), "text" ("05/02/2026"), "text_short" ("5/2/2026") or
    "text_mixed" (the two text forms alternating by row).
    percents: "fraction" (0.3 formatted as %), "points" (30, no format) or "text" ("30%").
    amounts: "number" (5000.0 in a money format) or "text" ("$ 5,000.00").
    partidas: "number" (2111) or "text" ("2111").
    marks: "fill" (a coloured cell, no value) or the value written in a planned month
    ("X", "✓", 1).
    banded: every data row of the cronograma filled light grey, planned months in green.
    """

    dates: str = "excel"
    percents: str = "fraction"
    amounts: str = "number"
    partidas: str = "number"
    marks: str | int = "fill"
    banded: bool = False


@dataclass(frozen=True)
class Column:
    """One table column: the seed field it holds and its header, one entry per header row."""

    key: str
    header: tuple[str | None, ...]


@dataclass
class VariantWorkbook:
    """A generated workbook and where each of its values was written."""

    name: str
    path: Path
    # (field, activity number) -> cell. Fields are the seed's keys ("name", "declared_pct"…);
    # "name_cronograma" is the cronograma's name cell; "number" is the first table's Nº cell.
    cells: dict[tuple[str, int], Ref] = field(default_factory=dict)
    # activity number -> every (sheet, 1-based row) where the activity was written
    rows: dict[int, set[tuple[str, int]]] = field(default_factory=dict)
    # (field, partida) -> cell, fields "partida", "name", "approved"
    budget_cells: dict[tuple[str, str], Ref] = field(default_factory=dict)
    total_cell: Ref | None = None
    total_is_wrong: bool = False
    has_cronograma_names: bool = True
    # text written instead of the seed's value: (field, activity number) -> text
    overrides: dict[tuple[str, int], str] = field(default_factory=dict)

    def expected_text(self, key: str, number: int) -> str:
        if (key, number) in self.overrides:
            return self.overrides[(key, number)]
        return _seed_activity(number)[key]


def _seed_activity(number: int) -> dict:
    return next(a for a in seed_poa.ACTIVITIES if a["number"] == number)


# -- values ------------------------------------------------------------------------------------


def _date_value(value: date, notation: Notation, index: int) -> object:
    padded = f"{value.day:02d}/{value.month:02d}/{value.year}"
    short = f"{value.day}/{value.month}/{value.year}"
    if notation.dates == "excel":
        return datetime(value.year, value.month, value.day)
    if notation.dates == "text":
        return padded
    if notation.dates == "text_short":
        return short
    if notation.dates == "text_mixed":
        return padded if index % 2 == 0 else short
    raise ValueError(f"unknown date notation {notation.dates!r}")


def _percent_value(points: float, notation: Notation) -> object:
    if notation.percents == "fraction":
        return points / 100
    if notation.percents == "points":
        return points
    if notation.percents == "text":
        return f"{points:g}%"
    raise ValueError(f"unknown percent notation {notation.percents!r}")


def _amount_value(amount: float, notation: Notation) -> object:
    if notation.amounts == "number":
        return float(amount)
    if notation.amounts == "text":
        return f"$ {amount:,.2f}"
    raise ValueError(f"unknown amount notation {notation.amounts!r}")


def _write(ws: Worksheet, row: int, col: int, value: object, *, number_format: str | None = None):
    cell = ws.cell(row=row, column=col)
    if value is None or value == "":
        return cell  # an empty field leaves the cell without a value, as areas do
    cell.value = value
    if isinstance(value, str) and value.startswith("="):
        cell.data_type = "s"  # text that looks like a formula stays text
    if number_format:
        cell.number_format = number_format
    return cell


# -- tables ------------------------------------------------------------------------------------


def _write_header(
    ws: Worksheet, top: int, left: int, columns: Sequence[Column], *, merge: bool
) -> None:
    """Write a header of one or more rows.

    A label repeated over adjacent columns in the same header row is a group label: it is written
    once, in the leftmost of those cells. A column whose label stops before the last header row
    leaves the cells below it empty. With ``merge`` the group cells and the empty cells below a
    label are merged, as in the template; without it they are simply left empty.
    """
    depth = len(columns[0].header)
    for i in range(depth):
        row = top + i
        j = 0
        while j < len(columns):
            label = columns[j].header[i]
            span = 1
            if label is not None:
                while (
                    j + span < len(columns)
                    and columns[j + span].header[i] == label
                    and columns[j + span].header[:i] == columns[j].header[:i]
                ):
                    span += 1
                cell = ws.cell(row=row, column=left + j, value=label)
                cell.font = BOLD
                cell.fill = HEADER_FILL
                # empty header rows below this label (e.g. "N°" spanning three header rows)
                below = 0
                while i + below + 1 < depth and all(
                    columns[j + k].header[i + below + 1] is None for k in range(span)
                ):
                    below += 1
                if merge and (span > 1 or below > 0):
                    ws.merge_cells(
                        start_row=row,
                        start_column=left + j,
                        end_row=row + below,
                        end_column=left + j + span - 1,
                    )
            j += span


def _write_activity_rows(
    ws: Worksheet,
    variant: VariantWorkbook,
    *,
    first_row: int,
    left: int,
    columns: Sequence[Column],
    notation: Notation,
) -> int:
    """Write one row per seed activity; return the last row written."""
    row = first_row
    for index, activity in enumerate(seed_poa.ACTIVITIES):
        row = first_row + index
        number = activity["number"]
        band = BAND_FILLS[index % 2] if notation.banded else None
        variant.rows.setdefault(number, set()).add((ws.title, row))
        for offset, column in enumerate(columns):
            col = left + offset
            key = column.key
            cell = ws.cell(row=row, column=col)
            if band is not None:
                cell.fill = band
            if key.startswith("month:"):
                month = int(key.split(":")[1])
                if month in planned_months(activity):
                    if notation.marks == "fill":
                        cell.fill = BANDED_MONTH_FILL if notation.banded else MONTH_FILL
                    else:
                        cell.value = notation.marks
                continue
            value = variant.overrides.get((key, number), activity[key])
            fmt = None
            if key in ("start", "end"):
                value = _date_value(value, notation, index)
                fmt = DATE_FORMAT if notation.dates == "excel" else None
            elif key in ("programmed_pct", "declared_pct"):
                value = _percent_value(value, notation)
                fmt = PCT_FORMAT if notation.percents == "fraction" else None
            _write(ws, row, col, value, number_format=fmt)
            variant.cells.setdefault((key, number), (ws.title, cell.coordinate))
    return row


def _activity_table(
    ws: Worksheet,
    variant: VariantWorkbook,
    *,
    top: int,
    left: int,
    columns: Sequence[Column],
    notation: Notation,
    merge: bool = False,
) -> int:
    """Header at ``top`` (1-based), first column ``left``; return the last data row."""
    _write_header(ws, top, left, columns, merge=merge)
    depth = len(columns[0].header)
    return _write_activity_rows(
        ws, variant, first_row=top + depth, left=left, columns=columns, notation=notation
    )


def _budget_table(
    ws: Worksheet,
    variant: VariantWorkbook,
    *,
    top: int,
    left: int,
    headers: tuple[str, str, str],
    notation: Notation,
    total: str | None,
    total_label_column: str = "partida",
) -> int:
    """Budget at ``top``; ``total`` is None, "correct" or "wrong". Return the last row."""
    for offset, text in enumerate(headers):
        cell = ws.cell(row=top, column=left + offset, value=text)
        cell.font = BOLD
        cell.fill = HEADER_FILL
    money = MONEY_FORMAT if notation.amounts == "number" else None
    row = top
    for index, (partida, name, amount) in enumerate(seed_poa.BUDGET):
        row = top + 1 + index
        code = int(partida) if notation.partidas == "number" else partida
        cells = (
            ("partida", _write(ws, row, left, code)),
            ("name", _write(ws, row, left + 1, name)),
            (
                "approved",
                _write(ws, row, left + 2, _amount_value(amount, notation), number_format=money),
            ),
        )
        for key, cell in cells:
            variant.budget_cells[(key, partida)] = (ws.title, cell.coordinate)
    if total is not None:
        row += 1
        label_col = left if total_label_column == "partida" else left + 1
        label = ws.cell(row=row, column=label_col, value="TOTAL")
        label.font = BOLD
        amount = WRONG_TOTAL if total == "wrong" else BUDGET_SUM
        cell = _write(ws, row, left + 2, _amount_value(amount, notation), number_format=money)
        cell.font = BOLD
        variant.total_cell = (ws.title, cell.coordinate)
        variant.total_is_wrong = total == "wrong"
    return row


def _month_columns(group: str | None, names: Sequence[str], depth: int) -> list[Column]:
    """Twelve month columns under an optional group label, padded to ``depth`` header rows."""
    columns = []
    for key, name in zip(MONTH_KEYS, names, strict=True):
        header: tuple[str | None, ...] = (group, name) if group else (name,)
        columns.append(Column(key, header + (None,) * (depth - len(header))))
    return columns


def _single(*labels: tuple[str, str], depth: int = 1) -> list[Column]:
    """Columns whose one label sits in the top header row."""
    return [Column(key, (text,) + (None,) * (depth - 1)) for key, text in labels]


# -- variants ----------------------------------------------------------------------------------


def build_single_table(path: str | Path, *, marks: str | int = "fill") -> VariantWorkbook:
    """Activity list and cronograma as one table with a one-row header."""
    path = Path(path)
    name = "single_table" if marks == "fill" else "single_table_check_marks"
    variant = VariantWorkbook(name, path, has_cronograma_names=False)
    wb = Workbook()
    ws = wb.active
    ws.title = "Actividades"
    ws["A1"] = seed_poa.TITLE  # no year in any heading: the fiscal year comes from the dates
    ws["A1"].font = Font(bold=True, size=14)
    ws["A3"], ws["B3"] = "Dirección:", seed_poa.DIRECCION
    ws["A4"], ws["B4"] = "Área:", seed_poa.AREA
    columns = _single(
        ("number", "N°"),
        ("name", "Actividad"),
        ("eje", "Eje"),
        ("linea_estrategica", "Línea estratégica"),
        ("linea_accion", "Línea de acción"),
        ("actividad_especifica", "Actividad específica"),
        ("responsable", "Responsable"),
        ("unit", "Unidad de medida"),
        ("goal", "Meta anual"),
        ("programmed", "Meta programada"),
        ("programmed_pct", "% programado"),
        ("achieved", "Meta alcanzada"),
        ("declared_pct", "% alcanzado"),
    )
    columns += _month_columns(None, MONTHS, 1)
    columns += _single(("start", "Inicio"), ("end", "Fin"))
    _activity_table(ws, variant, top=6, left=1, columns=columns, notation=Notation(marks=marks))

    budget = wb.create_sheet("Presupuesto")
    budget["A1"] = "Presupuesto Estimado"
    _budget_table(
        budget,
        variant,
        top=3,
        left=1,
        headers=("PARTIDA", "NOMBRE", "CANTIDAD"),
        notation=Notation(),
        total="correct",
        total_label_column="name",
    )
    wb.save(path)
    return variant


def build_one_sheet(path: str | Path, *, total: str = "correct") -> VariantWorkbook:
    """Activity table, cronograma and budget one below the other on one sheet."""
    path = Path(path)
    name = "one_sheet" if total == "correct" else "one_sheet_wrong_total"
    variant = VariantWorkbook(name, path, overrides={FORMULA_LIKE_FIELD: FORMULA_LIKE_TEXT})
    notation = Notation(
        dates="text_mixed", percents="text", amounts="text", partidas="text", marks="X"
    )
    wb = Workbook()
    ws = wb.active
    ws.title = "POA"
    ws["A1"] = seed_poa.TITLE
    ws["A1"].font = Font(bold=True, size=14)
    ws["A2"] = "Municipio: Sombrerete"
    ws["A3"] = f"Dirección: {seed_poa.DIRECCION}"
    ws["A4"] = f"Área: {seed_poa.AREA}"
    ws["A5"] = f"Objetivo: {seed_poa.OBJETIVO}"

    catalog = _single(
        ("number", "Nº"),
        ("name", "Actividad / Proyecto General"),
        ("eje", "Eje Estratégico del Plan Municipal de Desarrollo"),
        ("linea_estrategica", "Línea Estratégica del Plan Municipal de Desarrollo"),
        ("linea_accion", "Línea de Acción del Plan Municipal de Desarrollo"),
        ("actividad_especifica", "Actividad Específica"),
    )
    last = _activity_table(ws, variant, top=7, left=1, columns=catalog, notation=notation)

    title_row = last + 4  # three blank rows, then the cronograma's title
    ws.cell(row=title_row, column=1, value="CRONOGRAMA 2026").font = Font(bold=True, size=14)
    year = str(seed_poa.FISCAL_YEAR)
    schedule = _single(
        ("number", "No."),
        ("name_cronograma", "Actividad"),
        ("responsable", "Responsable"),
        ("unit", "Unidad de medida"),
        ("goal", "Meta Anual"),
        depth=3,
    )
    schedule += [
        Column("programmed", (year, "Meta Programada", "N°")),
        Column("programmed_pct", (year, "Meta Programada", "%")),
        Column("achieved", (year, "Meta Alcanzada", "N°")),
        Column("declared_pct", (year, "Meta Alcanzada", "%")),
    ]
    schedule += _month_columns(f"{year} Cronograma Programado", MONTHS, 3)
    schedule += [
        Column("start", ("Fechas de metas", "Inicio", None)),
        Column("end", ("Fechas de metas", "fin", None)),
    ]
    last = _activity_table(
        ws, variant, top=title_row + 2, left=1, columns=schedule, notation=notation, merge=True
    )

    budget_title = last + 3
    ws.cell(row=budget_title, column=1, value="Presupuesto Estimado").font = BOLD
    _budget_table(
        ws,
        variant,
        top=budget_title + 1,
        left=1,
        headers=("PARTIDA", "NOMBRE", "CANTIDAD"),
        notation=notation,
        total=total,
    )
    wb.save(path)
    return variant


def build_three_sheets(path: str | Path) -> VariantWorkbook:
    """Budget, activity table and cronograma on sheets named Recursos, Hoja1 and Programa."""
    path = Path(path)
    variant = VariantWorkbook("three_sheets", path)
    notation = Notation(dates="text_short", percents="points", marks=1)
    wb = Workbook()

    recursos = wb.active
    recursos.title = "Recursos"
    recursos["C2"] = "PRESUPUESTO ESTIMADO 2026"
    _budget_table(
        recursos,
        variant,
        top=4,
        left=3,
        headers=("PARTIDA", "CONCEPTO", "IMPORTE"),
        notation=notation,
        total="correct",
        total_label_column="name",
    )

    hoja1 = wb.create_sheet("Hoja1")
    hoja1["C2"] = "PLAN OPERATIVO ANUAL 2026"
    hoja1["C3"], hoja1["D3"] = "DIRECCION:", seed_poa.DIRECCION
    hoja1["C4"], hoja1["D4"] = "AREA:", seed_poa.AREA
    catalog = _single(
        ("number", "NO."),
        ("name", "ACTIVIDAD / PROYECTO GENERAL"),
        ("eje", "EJE ESTRATEGICO DEL PLAN MUNICIPAL DE DESARROLLO"),
        ("linea_estrategica", "LINEA ESTRATEGICA DEL PLAN MUNICIPAL DE DESARROLLO"),
        ("linea_accion", "LINEA DE ACCION DEL PLAN MUNICIPAL DE DESARROLLO"),
        ("actividad_especifica", "ACTIVIDAD ESPECIFICA"),
    )
    _activity_table(hoja1, variant, top=6, left=3, columns=catalog, notation=notation)

    programa = wb.create_sheet("Programa")
    programa["C2"] = "CRONOGRAMA 2026"
    schedule = _single(
        ("number", "NUM."),
        ("name_cronograma", "ACTIVIDAD"),
        ("responsable", "RESPONSABLE"),
        ("unit", "UNIDAD DE MEDIDA"),
        ("goal", "META ANUAL"),
        depth=2,
    )
    schedule += [
        Column("programmed", ("META PROGRAMADA", "N°")),
        Column("programmed_pct", ("META PROGRAMADA", "%")),
        Column("achieved", ("META ALCANZADA", "N°")),
        Column("declared_pct", ("META ALCANZADA", "%")),
    ]
    schedule += _month_columns("CRONOGRAMA", [m.upper() for m in MONTHS], 2)
    schedule += _single(("start", "FECHA DE INICIO"), ("end", "FECHA DE TERMINO"), depth=2)
    _activity_table(programa, variant, top=5, left=3, columns=schedule, notation=notation)
    wb.save(path)
    return variant


def build_banded(path: str | Path) -> VariantWorkbook:
    """The sample's sheets with banded cronograma rows and planned months in another colour."""
    path = Path(path)
    variant = VariantWorkbook("banded", path)
    wb = Workbook()
    ws = wb.active
    ws.title = "POA"
    ws["A1"] = seed_poa.TITLE
    ws["A3"], ws["B3"] = "Dirección:", seed_poa.DIRECCION
    ws["A4"], ws["B4"] = "Área:", seed_poa.AREA
    catalog = _single(
        ("number", "Num."),
        ("name", "Actividad / Proyecto General"),
        ("eje", "Eje Estratégico del Plan Municipal de Desarrollo"),
        ("linea_estrategica", "Línea Estratégica del Plan Municipal de Desarrollo"),
        ("linea_accion", "Línea de Acción del Plan Municipal de Desarrollo"),
        ("actividad_especifica", "Actividad Específica"),
    )
    _activity_table(ws, variant, top=6, left=1, columns=catalog, notation=Notation())

    cronograma = wb.create_sheet("Cronograma")
    cronograma["A1"] = "CRONOGRAMA 2026"
    schedule = _single(
        ("number", "N°"),
        ("name_cronograma", "Actividad"),
        ("responsable", "Responsable"),
        ("unit", "Unidad de medida"),
        ("goal", "Meta Anual"),
        depth=2,
    )
    schedule += [
        Column("programmed", ("Meta Programada", "N°")),
        Column("programmed_pct", ("Meta Programada", "%")),
        Column("achieved", ("Meta Alcanzada", "N°")),
        Column("declared_pct", ("Meta Alcanzada", "%")),
    ]
    schedule += _month_columns("Cronograma Programado", MONTHS, 2)
    schedule += _single(("start", "Inicio"), ("end", "Fin"), depth=2)
    _activity_table(
        cronograma,
        variant,
        top=3,
        left=1,
        columns=schedule,
        notation=Notation(banded=True),
        merge=True,
    )

    budget = wb.create_sheet("Presupuesto")
    budget["A1"] = "Presupuesto Estimado"
    _budget_table(
        budget,
        variant,
        top=3,
        left=1,
        headers=("PARTIDA", "NOMBRE", "CANTIDAD"),
        notation=Notation(),
        total=None,
    )
    wb.save(path)
    return variant


def build_budget_only(path: str | Path) -> VariantWorkbook:
    """Only the "Recursos" sheet of ``three_sheets``: a workbook without an activity table."""
    path = Path(path)
    variant = VariantWorkbook("budget_only", path, has_cronograma_names=False)
    wb = Workbook()
    ws = wb.active
    ws.title = "Recursos"
    ws["C2"] = "PRESUPUESTO ESTIMADO 2026"
    _budget_table(
        ws,
        variant,
        top=4,
        left=3,
        headers=("PARTIDA", "CONCEPTO", "IMPORTE"),
        notation=Notation(),
        total="correct",
        total_label_column="name",
    )
    wb.save(path)
    return variant


VARIANTS: dict[str, Callable[[Path], VariantWorkbook]] = {
    "single_table": build_single_table,
    "single_table_check_marks": lambda path: build_single_table(path, marks="✓"),
    "one_sheet": build_one_sheet,
    "one_sheet_wrong_total": lambda path: build_one_sheet(path, total="wrong"),
    "three_sheets": build_three_sheets,
    "banded": build_banded,
}


def build_variant(name: str, directory: str | Path) -> VariantWorkbook:
    """Build the variant ``name`` as ``directory/<name>.xlsx``."""
    return VARIANTS[name](Path(directory) / f"{name}.xlsx")


def sample_layout(path: str | Path) -> VariantWorkbook:
    """Where sample_data/build_sample.py writes each value (see sample_data/README.md)."""
    variant = VariantWorkbook("sample", Path(path))
    catalog = ("number", "name", *CATALOG_KEYS)
    schedule = (
        "name_cronograma",
        "responsable",
        "unit",
        "goal",
        "programmed",
        "programmed_pct",
        "achieved",
        "declared_pct",
    )
    for index, activity in enumerate(seed_poa.ACTIVITIES):
        number = activity["number"]
        poa_row, cronograma_row = 10 + index, 6 + index
        variant.rows[number] = {("POA", poa_row), ("Cronograma", cronograma_row)}
        for col, key in enumerate(catalog, start=1):
            variant.cells[(key, number)] = ("POA", f"{get_column_letter(col)}{poa_row}")
        for col, key in enumerate(schedule, start=2):
            variant.cells[(key, number)] = (
                "Cronograma",
                f"{get_column_letter(col)}{cronograma_row}",
            )
        variant.cells[("start", number)] = ("Cronograma", f"V{cronograma_row}")
        variant.cells[("end", number)] = ("Cronograma", f"W{cronograma_row}")
    for index, (partida, _, _) in enumerate(seed_poa.BUDGET):
        for col, key in zip("ABC", ("partida", "name", "approved"), strict=True):
            variant.budget_cells[(key, partida)] = ("Presupuesto", f"{col}{4 + index}")
    return variant
