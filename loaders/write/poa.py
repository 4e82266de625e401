"""A POA workbook described plainly, for the writer (`loaders.write.layouts.poa_xlsx`).

The content is the reader's own model: `PlanIdentity`, `Activity` (its `months_planned` are the
months marked) and `BudgetLine`, so a workbook written from a description reads back to the same
values. Every value is written as given, errors included: a number as the unit of measure, an end
before the start, a % that does not match the counts.

`Presentation` holds the habits that vary between real areas; the rest of `PoaWorkbook` the parts
some workbooks have and others lack (a banner line, signatures, extra sheets) and the texts that
differ (titles, sheet names). Titles, sheet names and banner spans are given by the sheet's role:
"activities" (the catalogue, or the one sheet of the one-sheet layout), "schedule", "budget",
"signatures" (Observaciones), "indicator" and "alignment".
"""

from __future__ import annotations

import calendar
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import cache

from loaders.model import Activity, BudgetLine, PlanIdentity
from loaders.write.xlsx import Properties

BLUE = "FF8DB4E2"  # a planned month in the official template
ORANGE = "FFF4B084"
UNDERLINE = "______________________________"  # where a signature goes
ROLES = ("activities", "schedule", "budget", "signatures", "indicator", "alignment")
LABELS = {
    "municipio": "Municipio:", "direccion": "Dirección:", "area": "Área:",
    "objetivo": "Objetivo:", "objetivos_especificos": "Objetivos específicos:",
}
_CHOICES = {
    "layout": ("oficial", "dos_hojas", "una_hoja"),
    "dates": ("excel", "text"),
    "percent": ("fraction", "number", "text"),
    "money": ("number", "text"),
    "partida": ("number", "text"),
}


@dataclass(frozen=True)
class Presentation:
    """How an area filled the template."""

    # "oficial": POA, Cronograma, Presupuesto and Observaciones sheets; "dos_hojas": Actividades,
    # Calendario and Presupuesto; "una_hoja": one sheet with one combined table and the budget.
    layout: str = "oficial"
    offset: int = 0  # extra rows above the activity tables' headers
    dates: str = "excel"  # Excel dates formatted dd/mm/yyyy, or "text" such as "15/03/2026"
    percent: str = "fraction"  # 0.3 formatted 0%, "number" 30, or "text" "30%"
    months: str = "fill"  # a planned month is coloured (no value), or holds this mark: "X", "✓"
    month_fill: str = BLUE  # the colour, ARGB
    money: str = "number"  # 1234.5 formatted "$ "#,##0.00, or "text" "$ 1,234.50"
    partida: str = "number"  # the partida's code as the number 2111 or as the text "2111"
    budget_total: bool = True  # a TOTAL row under the budget
    # The identity lines above the activities, label in one cell and value in the next, in this
    # order; None leaves a blank row.
    labels: tuple[str | None, ...] = ("municipio", "direccion", "area", "objetivo")

    def __post_init__(self) -> None:
        for name, allowed in _CHOICES.items():
            if getattr(self, name) not in allowed:
                raise ValueError(f"{name} must be one of {allowed}, not {getattr(self, name)!r}.")
        if not self.months:
            raise ValueError("months must be 'fill' or a mark such as 'X'.")
        if self.offset < 0:
            raise ValueError("offset cannot be negative.")
        unknown = set(self.labels) - set(LABELS) - {None}
        if unknown:
            raise ValueError(f"Unknown labels {sorted(unknown)}; known: {sorted(LABELS)}.")


@dataclass(frozen=True)
class Indicator:
    """The «Indicador» sheet: the performance indicator, as text (never a formula)."""

    nombre: str
    variables: str
    formula: str


@dataclass(frozen=True)
class AlignmentSheet:
    """The «Alineación» sheet: per activity number, the fracciones of Art. 122 and the IOM
    dimensions it serves, as written ("II, V", "1, 6")."""

    note: str
    rows: Mapping[int, tuple[str, str]]


@dataclass
class PoaWorkbook:
    plan: PlanIdentity
    activities: Sequence[Activity]
    budget: Sequence[BudgetLine]
    properties: Properties
    presentation: Presentation = field(default_factory=Presentation)
    banner: str | None = None  # a line opening every sheet ("EJEMPLO — …", "DATOS SINTÉTICOS …")
    # One block per signer, side by side; a block is its lines, top down (None: a blank line).
    signatures: Sequence[Sequence[str | None]] = ()
    indicator: Indicator | None = None
    alignment: AlignmentSheet | None = None
    titles: Mapping[str, str] = field(default_factory=dict)  # by role; default: the layout's
    sheet_names: Mapping[str, str] = field(default_factory=dict)  # by role; default: the layout's
    banner_spans: Mapping[str, int] = field(default_factory=dict)  # columns the banner covers

    def __post_init__(self) -> None:
        for name in ("titles", "sheet_names", "banner_spans"):
            unknown = set(getattr(self, name)) - set(ROLES)
            if unknown:
                raise ValueError(f"{name}: unknown roles {sorted(unknown)}; known: {ROLES}.")


def months_between(start: date | None, end: date | None, year: int) -> list[int]:
    """The months of `year` that the window [start, end] touches, as the template marks them.

    A window without an end, or ending before it starts, touches none.
    """
    if start is None or end is None or end < start:
        return []
    return [m for m in range(1, 13) if start <= _last_day(year, m) and end >= date(year, m, 1)]


@cache
def _last_day(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])
