"""Finding tables by their headers, wherever they are.

A table starts at a header row that names the activity number (`Nº`, `N°`, `No.`, `Num.`…) or the
budget partida. Its header may run over several rows with merged cells ("Meta Programada" over
"N°" and "%"); each column's label is the text of every header row above it, top to bottom.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from loaders.mapping import IGNORE, ColumnMap, month_of
from loaders.read.grid import Sheet
from loaders.read.values import (
    Invalid,
    TooLarge,
    as_text,
    month_from_header,
    parse_count,
    parse_label,
    quarter_from_header,
)
from loaders.text import header_key, is_blank

NUMBER_KEYS = {
    "n", "no", "num", "numero", "#", "no actividad", "num actividad", "numero de actividad",
    "no de actividad", "n de actividad", "id", "consecutivo", "no prog", "no progresivo",
}
CATALOG_FIELDS = ("eje", "linea_estrategica", "linea_accion", "actividad_especifica")
SCHEDULE_FIELDS = (
    "responsable", "unit", "goal", "programmed", "programmed_pct", "achieved", "declared_pct",
    "start", "end",
)
MAX_HEADER_ROWS = 4
_YEAR = re.compile(r"\b(20\d\d)\b")
_ACHIEVED = re.compile(r"alcanzad|lograd|realizad|ejecutad|cumplid|\blogros?\b")
_PERCENT = re.compile(r"%|porcentaje|\bporc\b")
# Words of a header that is never a field of ours, whatever else it says ("Observaciones del
# avance" is not the %): such a column is listed as not recognised.
_NOT_A_FIELD = re.compile(
    r"observacion|comentario|\bnotas?\b|justificacion|evidencia|verificacion|\bfuente\b|"
    r"\bsoporte\b|\banexo\b|\bdiferencia\b|\bvariacion\b|\bpresupuesto\b|\bcosto\b|\bimporte\b"
)
_COUNT_MARKERS = {"n", "no", "num", "numero", "#", "cantidad", "cant", "total"}

# The words that name each field (folded, as `header_key` writes them), for the README and for the
# column report. `classify` applies them in this order; a header that matches none fills no field.
VOCABULARY = {
    "number": ("nº", "n°", "no.", "num.", "número", "#", "id", "consecutivo"),
    "declared_pct": ("%", "% de avance", "% alcanzado", "porcentaje", "porcentaje de avance",
                     "avance (%)", "avance"),
    "programmed_pct": ("% programado", "meta programada %"),
    "achieved": ("meta alcanzada", "alcanzado", "alcanzada", "logrado", "logro", "realizado",
                 "ejecutado", "cumplido", "avance (n°)"),
    "programmed": ("meta programada", "cantidad programada", "programado", "programada", "meta"),
    "goal": ("meta anual",),
    "unit": ("unidad de medida", "unidad"),
    "responsable": ("responsable", "área responsable"),
    "start": ("inicio", "fecha de inicio", "inicia", "comienzo"),
    "end": ("fin", "término", "fecha de término", "conclusión", "cierre", "final", "finaliza"),
    "actividad_especifica": ("actividad específica",),
    "linea_accion": ("línea de acción",),
    "linea_estrategica": ("línea estratégica",),
    "eje": ("eje", "eje estratégico"),
    "name": ("actividad", "actividades", "nombre de la actividad", "proyecto", "descripción",
             "acción"),
}


def classify(label: str) -> str | None:
    """The activity field a column label names (label already normalised by `header_key`).

    A two-row header reads as one label ("avance logrado", "meta programada no"), so the
    sub-header decides between the count and the % of a group.
    """
    if not label:
        return None
    words = set(label.split())
    if label in NUMBER_KEYS:
        return "number"
    if _NOT_A_FIELD.search(label):
        return None
    if _PERCENT.search(label):
        if "programad" in label:
            return "programmed_pct"
        if "anual" in words or "presupuest" in label:
            return None
        return "declared_pct"
    if _ACHIEVED.search(label):
        return "achieved"
    if "avance" in words:
        # "Avance (N°)" is a count; "Avance" alone is the declared %; "Avance físico" or
        # "Avance financiero" say something else, and fill no field.
        if words & _COUNT_MARKERS:
            return "achieved"
        return "declared_pct" if words <= {"avance", "de", "la", "meta", "actividad"} else None
    if "programad" in label and "cronograma" not in label:
        return "programmed"
    if "meta" in words and ("anual" in words or "ano" in words):
        return "goal"
    if label in ("meta", "metas") or (
        "meta" in words and words - {"meta", "metas"} <= _COUNT_MARKERS | {"de", "la"}
    ):
        return "programmed"
    if "unidad" in words and "medida" in label:
        return "unit"
    if "unidad" in words and "responsable" not in words:
        return "unit"
    if "responsable" in words:
        return "responsable"
    if words & {"inicio", "inicia", "comienzo"}:
        return "start"
    if words & {"fin", "termino", "final", "conclusion", "cierre", "finaliza", "termina"}:
        return "end"
    if "actividad especifica" in label or "actividades especificas" in label:
        return "actividad_especifica"
    if "linea de accion" in label or "lineas de accion" in label:
        return "linea_accion"
    if "linea estrategica" in label or "lineas estrategicas" in label:
        return "linea_estrategica"
    if "eje" in words or "ejes" in words:
        return "eje"
    if words & {"actividad", "actividades", "proyecto", "nombre", "descripcion", "accion"}:
        return "name"
    return None


def classify_budget(label: str) -> str | None:
    words = set(label.split())
    if words & {"nombre", "concepto", "descripcion", "denominacion"}:
        return "name"
    if "partida" in words or "partidas" in words or label in {"cog", "clave", "codigo"}:
        return "partida"
    if words & {"cantidad", "importe", "monto", "aprobado", "presupuesto", "asignado", "total",
                "autorizado", "estimado"}:
        return "approved"
    return None


# Why a row inside a table is not an activity (the JSON's `reason`), and how the report says it.
SKIP_REASONS = {
    "blank": "vacía",
    "subtotal": "subtotal",
    "total": "total",
    "repeated header": "encabezado repetido",
    "unreadable number": "Nº ilegible",
    "no number": "sin Nº de actividad",
}


@dataclass(frozen=True)
class Column:
    col: int
    header_row: int  # the lowest header row with text in this column
    header: str  # the header as written, group and sub-header joined with " / "
    field: str | None  # the field it fills; None when not recognised (or already taken)
    month: int | None = None  # a month column of the cronograma (a quarter gives its first month)
    key: str = ""  # the header's normalised text, what a column mapping names
    # How the field was chosen: "vocabulario" (the header is a word of VOCABULARY), "palabras"
    # (words of the header point to it), "mapa" (a column mapping says so), "" (no field);
    # "ocupado" when the header names a field an earlier column already fills.
    source: str = ""


@dataclass
class Table:
    sheet: Sheet
    kind: str  # "activities" or "budget"
    top: int
    bottom: int  # last header row
    fields: dict[str, int]
    months: dict[int, int] = field(default_factory=dict)
    years: list[int] = field(default_factory=list)
    rows: list[int] = field(default_factory=list)
    end: int = 0  # last row that belongs to the table
    columns: list[Column] = field(default_factory=list)  # every headed column, used or not
    skipped: list[tuple[int, str]] = field(default_factory=list)  # (row, reason) inside the table

    def score(self, names: tuple[str, ...]) -> int:
        """How many of `names` the table has; month columns count as one schedule field."""
        months = 1 if names == SCHEDULE_FIELDS and self.months else 0
        return sum(1 for name in names if name in self.fields) + months


def _merge_lookup(sheet: Sheet, top: int, bottom: int) -> dict[tuple[int, int], tuple[int, int]]:
    lookup: dict[tuple[int, int], tuple[int, int]] = {}
    for (r0, c0), (r1, c1) in sheet.merged:
        if r1 < top or r0 > bottom or (r1 - r0 + 1) * (c1 - c0 + 1) > 5000:
            continue
        for r in range(max(r0, top), min(r1, bottom) + 1):
            for c in range(c0, c1 + 1):
                lookup[(r, c)] = (r0, c0)
    return lookup


def header_labels(sheet: Sheet, top: int, bottom: int) -> list[list[object]]:
    """Per column, the header values from top to bottom with merged cells filled in."""
    width = sheet.width
    lookup = _merge_lookup(sheet, top, bottom)
    grid: list[list[object]] = []
    for r in range(top, bottom + 1):
        row = []
        for c in range(width):
            r0, c0 = lookup.get((r, c), (r, c))
            row.append(sheet.value(r0, c0))
        grid.append(row)
    # Group headers typed over several sub-headers without merging: carry the group label right.
    for i in range(len(grid) - 1):
        for c in range(1, width):
            if (
                is_blank(grid[i][c])
                and not is_blank(grid[i][c - 1])
                and (i, c) not in lookup
                and not is_blank(grid[i + 1][c])
                and not is_blank(grid[i + 1][c - 1])
                and (top + i, c - 1) not in lookup
            ):
                grid[i][c] = grid[i][c - 1]
    columns: list[list[object]] = []
    for c in range(width):
        parts: list[object] = []
        for i in range(len(grid)):
            value = grid[i][c]
            if not is_blank(value) and (not parts or parts[-1] != value):
                parts.append(value)
        columns.append(parts)
    return columns


def _is_number_header(value: object, mapping: ColumnMap | None = None) -> bool:
    if not isinstance(value, str) or not value:
        return False
    key = header_key(value)
    return key in NUMBER_KEYS or (bool(mapping) and mapping.get(key) == "number")


def _is_partida_header(value: object) -> bool:
    return (isinstance(value, str) and bool(value)
            and classify_budget(header_key(value)) == "partida")


def _is_int_like(value: object) -> bool:
    try:
        return parse_count(value) is not None
    except TooLarge:
        return True  # a whole number all the same: its row is read, and reported
    except ValueError:
        return False


def _header_bottom(sheet: Sheet, top: int, key_col: int) -> int:
    bottom = top
    for r in range(top + 1, min(top + MAX_HEADER_ROWS, len(sheet.rows))):
        if sheet.is_blank_row(r) or _is_label(sheet.value(r, key_col)):
            break
        values = [v for v in sheet.rows[r] if not is_blank(v)]
        if not all(isinstance(v, str) or _is_year(v) for v in values):
            break
        if any(isinstance(v, str) and len(v) > 80 for v in values):
            break
        bottom = r
    # A merged number header reaching further down makes those rows header rows too.
    for (r0, c0), (r1, c1) in sheet.merged:
        if r0 == top and c0 <= key_col <= c1 and r1 > bottom and r1 < top + MAX_HEADER_ROWS:
            bottom = r1
    return bottom


def _is_year(value: object) -> bool:
    return isinstance(value, int | float) and 2000 <= value <= 2100 and float(value).is_integer()


_EXACT = {header_key(word): name for name, words in VOCABULARY.items() for word in words}


def _chosen(label: str, mapping: ColumnMap) -> tuple[str | None, str]:
    """(field, how it was chosen) for an activity column's normalised header."""
    if label in mapping:
        field = mapping[label]
        return (None if field == IGNORE else field), "mapa"
    name = classify(label)
    if name is None:
        return None, ""
    return name, "vocabulario" if _EXACT.get(label) == name or label in NUMBER_KEYS else "palabras"


def _build(sheet: Sheet, top: int, key_col: int, kind: str,
           mapping: ColumnMap | None = None) -> Table | None:
    bottom = _header_bottom(sheet, top, key_col)
    labels = header_labels(sheet, top, bottom)
    fields: dict[str, int] = {}
    months: dict[int, int] = {}
    years: list[int] = []
    columns: list[Column] = []
    for c, parts in enumerate(labels):
        for part in parts:
            if _is_year(part):
                years.append(int(part))
            elif isinstance(part, str):
                years.extend(int(y) for y in _YEAR.findall(part))
        if not parts:
            continue
        label = header_key(" ".join(str(p) for p in parts))
        header = " / ".join(as_text(p) for p in parts)
        header_row = max(
            (r for r in range(top, bottom + 1) if not is_blank(sheet.value(r, c))), default=top
        )
        source = ""
        if kind == "activities":
            mapped = mapping.get(label) if mapping and c != key_col else None
            quarter = quarter_from_header(parts[-1])  # before months: "Ene–Mar" is a quarter
            month = month_of(mapped) or (None if quarter or mapped else
                                         month_from_header(parts[-1]))
            planned = [month] if month else (
                [3 * quarter - 2, 3 * quarter - 1, 3 * quarter] if quarter and not mapped else []
            )
            if planned and "fecha" not in label and not any(m in months for m in planned):
                for m in planned:
                    months[m] = c
                columns.append(Column(c, header_row, header, "months", planned[0], label,
                                      "mapa" if mapped else "vocabulario"))
                continue
            name, source = _chosen(label, mapping or {})
            if c == key_col:
                name, source = "number", "vocabulario" if label in NUMBER_KEYS else "mapa"
        else:
            name = "partida" if c == key_col else classify_budget(label)
            source = "vocabulario" if name else ""
        if name and name not in fields:
            fields[name] = c
        elif name:
            name, source = None, "ocupado"
        columns.append(Column(c, header_row, header, name, key=label, source=source))
    table = Table(sheet, kind, top, bottom, fields, months, years, columns=columns)
    if kind == "activities":
        recognised = len(fields) - 1 + (1 if months else 0)
        if "name" not in fields or recognised < 2:
            return None
        _activity_rows(table)
    else:
        if "approved" not in fields:
            return None
        _budget_rows(table)
    return table


def _activity_rows(table: Table) -> None:
    """The table's rows: every row from the header down to the last activity, each kept as an
    activity row or listed in `table.skipped` with its reason. The table ends at another table's
    header, or at a row that is neither an activity nor part of the table (a title, a signature);
    blank or stray rows after the last activity are outside it."""
    sheet, key = table.sheet, table.fields["number"]
    name_col = table.fields.get("name")
    data_fields = [c for f, c in table.fields.items() if f != "number"] + sorted(
        set(table.months.values())
    )
    pending: list[tuple[int, str]] = []  # skipped rows kept only if an activity follows
    r = table.bottom + 1
    table.end = table.bottom
    while r < len(sheet.rows):
        if sheet.is_blank_row(r):
            pending.append((r, "blank"))
            r += 1
            continue
        number = sheet.value(r, key)
        filled = sum(1 for c in data_fields if not is_blank(sheet.value(r, c)))
        total = _total_kind(number, sheet.value(r, name_col) if name_col is not None else None)
        if total:
            pending.append((r, total))
            _keep(table, pending, None)
            table.end = r
        elif _repeats_header(table, r):
            pending.append((r, "repeated header"))
        elif _is_header_row(sheet, r):
            break
        elif is_blank(number):
            if filled >= 3:
                _keep(table, pending, r)  # read, then reported as having no Nº
            else:
                pending.append((r, "no number"))
        elif _is_label(number):
            _keep(table, pending, r)
        elif filled >= 3:
            pending.append((r, "unreadable number"))
            _keep(table, pending, None)
            table.end = r
        else:
            break
        r += 1


def _keep(table: Table, pending: list[tuple[int, str]], row: int | None) -> None:
    """Rows skipped so far belong to the table (an activity follows); `row` is an activity row."""
    table.skipped.extend(pending)
    pending.clear()
    if row is not None:
        table.rows.append(row)
        table.end = row


def _is_label(value: object) -> bool:
    try:
        return parse_label(value) is not None
    except TooLarge:
        return True  # a number all the same: its row is read, and reported
    except Invalid:
        return False


_TOTAL = re.compile(r"^(sub ?total|total|suma|gran total)\b")


def _total_kind(number: object, name: object) -> str | None:
    """ "subtotal" or "total" when the row is a sum line (its Nº or name cell says so)."""
    for value in (number, name):
        if isinstance(value, str):
            m = _TOTAL.match(header_key(value))
            if m:
                return "subtotal" if m.group(1).startswith("sub") else "total"
    return None


def _repeats_header(table: Table, r: int) -> bool:
    """The row repeats one of the table's header rows (a header printed again on each page)."""
    sheet = table.sheet
    values = {c: header_key(v) for c, v in enumerate(sheet.rows[r]) if isinstance(v, str) and v.strip()}
    if len(values) < 2:
        return False
    for h in range(table.top, table.bottom + 1):
        header = {c: header_key(v) for c, v in enumerate(sheet.rows[h]) if isinstance(v, str) and v.strip()}
        same = sum(1 for c, v in values.items() if header.get(c) == v)
        if same >= max(2, (len(values) * 3 + 3) // 4):
            return True
    return False


def _is_header_row(sheet: Sheet, r: int) -> bool:
    return any(_is_number_header(v) or _is_partida_header(v) for v in sheet.rows[r])


def _budget_rows(table: Table) -> None:
    sheet = table.sheet
    key = table.fields["partida"]
    cols = list(table.fields.values())
    blanks = 0
    r = table.bottom + 1
    table.end = table.bottom
    while r < len(sheet.rows) and blanks < 2:
        values = [sheet.value(r, c) for c in cols]
        if all(is_blank(v) for v in values):
            blanks += 1
            r += 1
            continue
        blanks = 0
        partida = sheet.value(r, key)
        amount = sheet.value(r, table.fields["approved"])
        if is_blank(amount) and not _is_int_like(partida):
            break
        table.rows.append(r)
        table.end = r
        r += 1


def find_tables(sheet: Sheet, mapping: ColumnMap | None = None) -> list[Table]:
    """Every activity or budget table on a sheet, top to bottom; `mapping` (normalised, see
    loaders.mapping) says what headers the vocabulary does not know fill."""
    tables: list[Table] = []
    r = 0
    while r < len(sheet.rows):
        table = None
        for c, value in enumerate(sheet.rows[r]):
            if _is_number_header(value, mapping):
                table = _build(sheet, r, c, "activities", mapping)
            elif _is_partida_header(value):
                table = _build(sheet, r, c, "budget")
            if table:
                break
        if table:
            tables.append(table)
            r = max(table.end, table.bottom) + 1
        else:
            r += 1
    return tables
