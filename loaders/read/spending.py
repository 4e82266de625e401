"""Reading a spending workbook: one movement per row of a table headed Fecha | Partida | Concepto |
Momento | Importe (and optionally Folio | Revierte folio), wherever that header is.

Movements read here carry provisional ids: their 1-based position in the returned list. A reversal's
`reverses` is the position of the movement it cancels; the store replaces both by database ids.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from loaders.codes import BUDGET_CODES
from loaders.errors import NotAPoaWorkbook
from loaders.model import MOMENTO_LABELS, Finding, Movement, normalize_momento
from loaders.read.grid import Sheet, cell_name
from loaders.read.poa import unexpected_refusal
from loaders.read.values import Invalid, as_text, parse_date, parse_number
from loaders.read.workbook import open_workbook
from loaders.settings import Settings
from loaders.text import fmt_money, header_key, is_blank

REQUIRED = ("fecha", "partida", "momento", "importe")
LABELS = {
    "fecha": "Fecha", "partida": "Partida", "concepto": "Concepto", "momento": "Momento",
    "importe": "Importe", "folio": "Folio", "revierte": "Revierte folio",
}
HEADER_SCAN_ROWS = 50
# What a movement's columns hold (loaders.store.budget.MovementRow): an amount is Numeric(16, 2),
# so below 10^14 once rounded to cents; a partida is String(40).
AMOUNT_LIMIT = 1e14
MAX_PARTIDA = 40
UNEXPECTED = (
    "No se pudo leer el libro de gastos: su contenido no tiene la forma esperada; revise que sea "
    "un libro .xlsx, .xls u .ods con la tabla de movimientos."
)


def classify_spending(label: str) -> str | None:
    """The column a header names (label already normalised by `header_key`)."""
    words = set(label.split())
    if words & {"revierte", "reversion", "revierten", "cancela", "reversa"}:
        return "revierte"
    if "folio" in words:
        return "folio"
    if "fecha" in words:
        return "fecha"
    if words & {"partida", "cog"} or label in {"clave", "codigo"}:
        return "partida"
    if "momento" in words or label in {"tipo", "tipo de movimiento", "movimiento"}:
        return "momento"
    if words & {"importe", "monto", "cantidad"}:
        return "importe"
    if words & {"concepto", "descripcion", "detalle"}:
        return "concepto"
    return None


@dataclass
class _Header:
    sheet: Sheet
    row: int
    columns: dict[str, int]


def _find_header(sheet: Sheet) -> _Header | None:
    for r in range(min(len(sheet.rows), HEADER_SCAN_ROWS)):
        columns: dict[str, int] = {}
        for c, value in enumerate(sheet.rows[r]):
            if isinstance(value, str) and len(value) <= 60:
                name = classify_spending(header_key(value))
                if name and name not in columns:
                    columns[name] = c
        if all(name in columns for name in REQUIRED):
            return _Header(sheet, r, columns)
    return None


def _partida_text(value: object) -> str:
    text = as_text(value)
    return text[:-2] if text.endswith(".0") and text[:-2].isdigit() else text


class _Reader:
    def __init__(self) -> None:
        self.movements: list[Movement] = []
        self.findings: list[Finding] = []
        self.folios: dict[str, int] = {}  # folio -> position (1-based) of its movement
        self.reversed: set[int] = set()

    def finding(self, code: str, message: str, sheet: Sheet, row: int, col: int,
                partida: str | None = None) -> None:
        self.findings.append(Finding(
            code=code, severity=BUDGET_CODES[code], message=message,
            partida=partida if partida and len(partida) <= MAX_PARTIDA else None,
            sheet=sheet.name, cell=cell_name(row, col),
        ))

    def read_table(self, header: _Header) -> None:
        sheet, cols = header.sheet, header.columns
        for r in range(header.row + 1, len(sheet.rows)):
            if sheet.is_blank_row(r):
                continue
            values = {name: sheet.value(r, c) for name, c in cols.items()}
            if all(is_blank(v) for v in values.values()):
                continue
            if any(as_text(values.get(k)).upper().startswith("TOTAL")
                   for k in ("fecha", "partida", "concepto", "momento")):
                continue  # a total row is not a movement
            self.read_row(sheet, r, cols, values)

    def read_row(self, sheet: Sheet, r: int, cols: dict[str, int], values: dict[str, object]) -> None:
        row_ok = True
        partida = _partida_text(values["partida"])
        where = f"la fila {r + 1}"
        for name in REQUIRED:
            if is_blank(values[name]):
                self.finding("MISSING_FIELD", f"Falta «{LABELS[name]}» en {where}; el movimiento "
                             "no se tomó en cuenta.", sheet, r, cols[name], partida)
                row_ok = False
        try:
            when = parse_date(values["fecha"])
        except Invalid:
            when = None
            row_ok = False
            self.finding("INVALID_VALUE", f"La fecha «{as_text(values['fecha'])}» de {where} no se "
                         "entiende (escríbala como dd/mm/aaaa); el movimiento no se tomó en cuenta.",
                         sheet, r, cols["fecha"], partida)
        momento = normalize_momento(values["momento"])
        if momento is None and not is_blank(values["momento"]):
            row_ok = False
            valid = ", ".join(MOMENTO_LABELS.values())
            self.finding("UNKNOWN_MOMENTO", f"El momento «{as_text(values['momento'])}» de {where} "
                         f"no es válido (debe ser: {valid}); el movimiento no se tomó en cuenta.",
                         sheet, r, cols["momento"], partida)
        if len(partida) > MAX_PARTIDA:
            row_ok = False
            self.finding("INVALID_VALUE", f"La partida «{partida[:MAX_PARTIDA]}…» de {where} tiene "
                         f"{len(partida):,} caracteres y no es una clave de partida; el movimiento "
                         "no se tomó en cuenta.", sheet, r, cols["partida"])
        try:
            amount = parse_number(values["importe"])
        except Invalid:
            amount = None
            row_ok = False
            self.finding("INVALID_VALUE", f"El importe «{as_text(values['importe'])}» de {where} no "
                         "es un número; el movimiento no se tomó en cuenta.",
                         sheet, r, cols["importe"], partida)
        if amount is not None and abs(round(amount, 2)) >= AMOUNT_LIMIT:
            row_ok = False
            self.finding("INVALID_VALUE", f"El importe «{as_text(values['importe'])}» de {where} "
                         f"no se puede guardar: debe ser menor que {fmt_money(AMOUNT_LIMIT)}; el "
                         "movimiento no se tomó en cuenta.", sheet, r, cols["importe"], partida)
        if not row_ok or when is None or momento is None or amount is None:
            return
        concepto = as_text(values.get("concepto"))
        if "concepto" in cols and not concepto:
            self.finding("MISSING_FIELD", f"Falta «Concepto» en {where}.", sheet, r,
                         cols["concepto"], partida)
        position = len(self.movements) + 1
        movement = Movement(
            date=when, partida=partida, concepto=concepto, momento=momento, amount=amount,
            id=position, source="libro", sheet=sheet.name, cell=cell_name(r, cols["importe"]),
        )
        target = as_text(values.get("revierte"))
        if target:
            movement = self.reversal(movement, target, sheet, r, cols["revierte"])
        self.movements.append(movement)
        folio = as_text(values.get("folio"))
        if folio:
            if folio in self.folios:
                self.finding("DUPLICATE_FOLIO", f"El folio «{folio}» de {where} ya se usó en otro "
                             "movimiento; «Revierte folio» se refiere al primero.",
                             sheet, r, cols["folio"], partida)
            else:
                self.folios[folio] = position

    def reversal(self, m: Movement, folio: str, sheet: Sheet, r: int, col: int) -> Movement:
        position = self.folios.get(folio)
        target = self.movements[position - 1] if position else None
        problem = None
        if target is None:
            problem = f"no hay un movimiento anterior con el folio «{folio}»"
        elif target.reverses is not None:
            problem = f"el folio «{folio}» es a su vez una reversión"
        elif (target.partida, target.momento) != (m.partida, m.momento):
            problem = (f"el folio «{folio}» es de la partida {target.partida} "
                       f"({MOMENTO_LABELS[target.momento].lower()}), no de la partida {m.partida} "
                       f"({MOMENTO_LABELS[m.momento].lower()})")
        elif position in self.reversed:
            problem = f"el folio «{folio}» ya se revirtió antes"
        elif m.amount >= 0:
            problem = f"una reversión lleva importe negativo y este es {fmt_money(m.amount)}"
        elif -m.amount > target.amount + 0.005:
            problem = (f"revierte {fmt_money(-m.amount)} y el folio «{folio}» es de solo "
                       f"{fmt_money(target.amount)}")
        if problem:
            self.finding("INVALID_REVERSAL", f"La fila {r + 1} dice revertir el folio «{folio}», "
                         f"pero {problem}; no se tomó como reversión.", sheet, r, col, m.partida)
            return m
        self.reversed.add(position)
        return replace(m, reverses=position)


def read_spending(
    data: bytes, settings: Settings, *, file_name: str = ""
) -> tuple[list[Movement], list[Finding]]:
    """The movements of a spending workbook and the problems met reading it.

    Raises NotAPoaWorkbook, with one Spanish sentence, when the file is not a readable workbook or
    has no movement table.
    """
    try:
        return _read_spending(data, settings, file_name)
    except NotAPoaWorkbook:
        raise
    except Exception as exc:
        raise unexpected_refusal(file_name, UNEXPECTED) from exc


def _read_spending(
    data: bytes, settings: Settings, file_name: str
) -> tuple[list[Movement], list[Finding]]:
    sheets = open_workbook(data, settings, file_name).sheets
    headers = [h for h in (_find_header(s) for s in sheets) if h is not None]
    if not headers:
        raise NotAPoaWorkbook(
            "El libro no tiene una tabla de movimientos: falta una fila de encabezados con "
            "Fecha, Partida, Concepto, Momento e Importe."
        )
    reader = _Reader()
    for header in headers:
        reader.read_table(header)
    return reader.movements, reader.findings
