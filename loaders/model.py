"""Plain data read from a POA workbook: the plan, its activities, its budget, and findings."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date, datetime

from loaders.text import activity_title, fold

Cell = tuple[str, str]  # (sheet name, Excel cell name such as "H12")


@dataclass(frozen=True)
class PlanIdentity:
    municipio: str = ""
    estado: str = ""
    direccion: str = ""
    area: str = ""
    fiscal_year: int | None = None
    objetivo: str = ""
    objetivos_especificos: str = ""


@dataclass
class Activity:
    number: int
    name: str = ""
    label: str = ""  # the number as written in the workbook ("1.", "A-1"); "" when plain
    name_cronograma: str | None = None
    eje: str = ""
    linea_estrategica: str = ""
    linea_accion: str = ""
    actividad_especifica: str = ""
    responsable: str = ""
    unit: str = ""
    goal: int | None = None
    programmed: int | None = None
    programmed_pct: float | None = None
    achieved: int | None = None
    declared_pct: float | None = None
    start: date | None = None
    end: date | None = None
    months_planned: list[int] = field(default_factory=list)
    cells: dict[str, Cell] = field(default_factory=dict)

    @property
    def shown_label(self) -> str:
        """The activity's number as the workbook writes it (its integer when not known)."""
        return self.label or str(self.number)

    @property
    def title(self) -> str:
        return activity_title(self.label, self.number, self.name or self.name_cronograma or "")

    def cell(self, name: str) -> Cell:
        return self.cells.get(name) or self.cells.get("number") or ("", "")


@dataclass
class BudgetLine:
    partida: str
    name: str
    approved: float | None
    cells: dict[str, Cell] = field(default_factory=dict)


@dataclass(frozen=True)
class Finding:
    code: str
    severity: str  # "error" | "warning" | "info"
    message: str
    activity: int | None = None
    partida: str | None = None
    sheet: str | None = None
    cell: str | None = None

    @property
    def where(self) -> str:
        if self.sheet and self.cell:
            return f"{self.sheet}!{self.cell}"
        return self.sheet or ""

    def to_dict(self) -> dict:
        return asdict(self)


SEVERITY_ORDER = {"error": 0, "warning": 1, "info": 2}


@dataclass(frozen=True)
class AlignmentLink:
    """One activity serving one fracción of Art. 122 or one IOM dimension (loaders.read.alignment)."""

    activity: int
    kind: str  # "fraccion" | "dimension"
    code: str  # "I" … "XII" for a fracción, "1" … "6" for a dimension
    sheet: str = ""  # where the workbook says so
    cell: str = ""


@dataclass(frozen=True)
class SkippedRow:
    """A row inside a found table that is not an activity or a partida, and why."""

    sheet: str
    row: int  # 1-based, as the spreadsheet numbers it
    reason: str  # "blank", "subtotal", "total", "repeated header", "unreadable number", "no number"


@dataclass(frozen=True)
class ColumnUse:
    """A headed column of a table the reader used: the field it filled, or None."""

    sheet: str
    cell: str  # the header cell ("R5")
    header: str  # as written; a group and its sub-header joined by " / "
    field: str | None  # "months" for a month of the cronograma
    table: str = "activities"  # "activities" or "budget"
    key: str = ""  # the header's normalised text, what a column mapping names
    source: str = ""  # "vocabulario", "palabras", "mapa", "ocupado" or "" (loaders.read.tables)
    month: int | None = None  # the month of a cronograma column
    samples: tuple[str, ...] = ()  # the first values below the header, as text


# The official template issued by the tablero (loaders.write.template, loaders.read.template).
TEMPLATE_ID = "TPOA"  # what the cover says in its «Plantilla» row
TEMPLATE_FORMAT = 1  # the template's format version; raise it when its layout changes
# The cover's rows, top down: the TemplateInfo field, and its label in column A (value in B).
COVER_LABELS = {
    "template_id": "Plantilla", "format_version": "Versión de la plantilla",
    "poa_id": "Clave del POA", "version_id": "Clave de la versión",
    "version_number": "Número de versión", "municipio": "Municipio", "estado": "Estado",
    "direccion": "Dirección", "area": "Área", "fiscal_year": "Año fiscal",
    "issued": "Fecha de emisión",
}
INSTRUCTIONS_SHEET = "Instrucciones"  # the template's sheet of instructions (and lists)


@dataclass(frozen=True)
class TemplateInfo:
    """What the cover («Portada») of an official template says: which template format, and which
    POA and version it was issued from. A value the cover does not give (or that cannot be read)
    is None or ""; `cells` says where each value is on the cover ("area": "B12")."""

    sheet: str  # the cover's sheet name
    format_version: int | None
    poa_id: int | None
    version_id: int | None
    version_number: int | None
    municipio: str = ""
    estado: str = ""
    direccion: str = ""
    area: str = ""
    fiscal_year: int | None = None
    issued: date | None = None
    cells: dict[str, str] = field(default_factory=dict, compare=False)

    @property
    def outdated(self) -> bool:
        """Issued in an older template format than the current one (or the cover does not say)."""
        return self.format_version is None or self.format_version < TEMPLATE_FORMAT


@dataclass
class PoaDocument:
    """Everything read from one workbook, before any check."""

    plan: PlanIdentity
    activities: list[Activity]
    budget: list[BudgetLine]
    budget_total: float | None = None
    budget_total_cell: Cell | None = None
    read_findings: list[Finding] = field(default_factory=list)  # problems met while reading
    year_source: str = ""  # "encabezado", "fechas", "indicado"
    alignment: tuple[AlignmentLink, ...] = ()  # from the optional "Alineación" sheet
    skipped: list[SkippedRow] = field(default_factory=list)  # rows of its tables not read
    columns: list[ColumnUse] = field(default_factory=list)  # columns of its tables, used or not
    template: TemplateInfo | None = None  # the cover of an official template, when it is one

    def activity(self, number: int) -> Activity | None:
        return next((a for a in self.activities if a.number == number), None)


# Budget movements (spending workbooks and the form): the momentos contables and modifications.
MOMENTOS = ("comprometido", "devengado", "ejercido", "pagado")
MODIFICATIONS = ("ampliacion", "reduccion")
KINDS = MOMENTOS + MODIFICATIONS
MOMENTO_LABELS = {
    "comprometido": "Comprometido",
    "devengado": "Devengado",
    "ejercido": "Ejercido",
    "pagado": "Pagado",
    "ampliacion": "Ampliación",
    "reduccion": "Reducción",
}
SOURCES = ("libro", "formulario")


@dataclass(frozen=True)
class Movement:
    date: date
    partida: str
    concepto: str
    momento: str
    amount: float
    id: int | None = None
    reverses: int | None = None  # id of the movement this one cancels
    created_by: str = ""
    created_at: datetime | None = None
    source: str = ""  # "libro" | "formulario"
    sheet: str | None = None
    cell: str | None = None

    @property
    def where(self) -> str:
        return f"{self.sheet}!{self.cell}" if self.sheet and self.cell else (self.sheet or "")


def normalize_momento(text: object) -> str | None:
    """The momento or modification a text names ("DEVENGADO", "Ampliación", "reducciones")."""
    key = fold(str(text or "")).replace(" ", "")
    for kind in KINDS:
        if key in (kind, kind + "s", kind + "es"):
            return kind
    return None
