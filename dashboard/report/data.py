"""The Informe para cabildo as plain data: what the PDF and the Excel report both print.

`build_report` is a pure function of a loaded version, a fecha de corte, the settings and the
budget movements (no I/O); the renderers (`report_pdf`, `report_xlsx`) only lay it out, so both
files always say the same thing.

Alignment hook: `ReportData.alignment_gaps` (one plain Spanish sentence per facultad or dimension
without an activity) and `ReportData.alignment_note` (a sentence about the source of the
alignment) are empty here; the alignment feature fills them with `dataclasses.replace` or by
passing `alignment_gaps=` / `alignment_note=` to `build_report`.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from dashboard.summary import first_version_findings, followup_sentence
from dashboard.views import SEMAFORO_ICONS, SEMAFORO_WORDS, PlanView, plan_view
from loaders.check.budget import CENT, check_movements, eaepe
from loaders.check.followup import FindingKey, FollowUp
from loaders.check.reprogramming import GoalHistory, field_label, heading, shown_value
from loaders.codes import CODE_TITLES
from loaders.model import SEVERITY_ORDER, Finding, Movement
from loaders.settings import Settings
from loaders.store.notes import Note, code_title
from loaders.store.queries import LoadedVersion
from loaders.text import activity_title, strip_accents

SEVERITY_WORDS = {"error": "Error", "warning": "Advertencia", "info": "Aviso"}
SEVERITY_PLURALS = {"error": "Errores", "warning": "Advertencias", "info": "Avisos"}
SEMAFORO_KEYS: tuple[str | None, ...] = ("rojo", "amarillo", "verde", None)
ALIGNMENT_TITLE = "Alineación: facultades y dimensiones sin actividad"
ALIGNMENT_EMPTY = "Sin información de alineación en este POA."


@dataclass(frozen=True)
class ReportIdentity:
    plan_id: int
    municipio: str
    estado: str
    direccion: str
    area: str
    fiscal_year: int | None
    objetivo: str = ""

    @property
    def place(self) -> str:
        """«Sombrerete, Zacatecas»."""
        return ", ".join(p for p in (self.municipio, self.estado) if p)

    @property
    def title(self) -> str:
        """«Migrantes y Ex braceros · POA 2026 · Sombrerete, Zacatecas»: headers and footers."""
        parts = [self.area or "POA", f"POA {self.fiscal_year or ''}".strip()]
        if self.place:
            parts.append(self.place)
        return " · ".join(parts)


@dataclass(frozen=True)
class ReportVersion:
    id: int
    number: int
    uploaded_at: datetime
    uploaded_by: str
    file_name: str
    sha256: str


@dataclass(frozen=True)
class ReportActivity:
    number: int
    name: str
    eje: str
    programmed: int | None
    achieved: int | None
    real_pct: float | None
    expected_pct: float | None
    gap: float | None
    semaforo: str | None  # "verde" | "amarillo" | "rojo" | None
    semaforo_word: str  # "Rojo"
    semaforo_icon: str  # "■"
    status_label: str  # "En riesgo", "Vencida", "Concluida"…
    declared_pct: float | None
    pct_mismatch: bool
    start: date | None
    end: date | None
    dates_valid: bool
    months_planned: tuple[int, ...]
    concluded: bool
    overdue: bool
    label: str = ""  # the number as written ("A-1")

    @property
    def title(self) -> str:
        return activity_title(self.label, self.number, self.name)

    @property
    def semaforo_text(self) -> str:
        """Icon and word, never the colour alone: «■ Rojo»."""
        return f"{self.semaforo_icon} {self.semaforo_word}"


@dataclass(frozen=True)
class ReportBudgetRow:
    partida: str
    name: str
    official_name: str | None
    aprobado: float
    ampliaciones: float
    reducciones: float
    modificado: float
    comprometido: float
    devengado: float
    ejercido: float
    pagado: float
    disponible: float
    pct_ejercido: float | None  # never capped: over 100 means overspent

    @property
    def ampliaciones_netas(self) -> float:
        """The CONAC column «Ampliaciones/(Reducciones)»."""
        return round(self.ampliaciones - self.reducciones, 2) + 0.0

    @property
    def subejercicio(self) -> float:
        """The CONAC column «Subejercicio»: modificado − devengado."""
        return round(self.modificado - self.devengado, 2) + 0.0

    @property
    def overspent(self) -> bool:
        """«Sobregirada»: ejercido above the modified budget, as `EaepeRow.overspent` says."""
        return self.ejercido > self.modificado + CENT

    @property
    def excess(self) -> float:
        return round(self.ejercido - self.modificado, 2) + 0.0 if self.overspent else 0.0


@dataclass(frozen=True)
class ReportFinding:
    severity: str
    code: str
    activity: int | None
    partida: str | None
    where: str  # «Cronograma!W12»
    message: str

    @property
    def severity_word(self) -> str:
        return SEVERITY_WORDS.get(self.severity, self.severity)


@dataclass(frozen=True)
class ReportReprogramming:
    """A reprogrammed goal or date: the original (the POA's first version's) beside the current
    one, and each reprogramación with its date and motivo."""

    activity: int
    heading: str  # «Actividad 2, Apoyo a deportados»
    field: str  # «Meta programada»
    original: str  # «50», «30/09/2026»
    current: str
    sentence: str  # «Meta programada original 50, reprogramada a 30 el 15/06/2026: «…».»
    approved_by: str  # the accounts that approved it, in order
    steps: tuple[str, ...] = ()  # «A 30 el 15/06/2026 (versión 2, aprobó planeacion): «motivo»»


@dataclass(frozen=True)
class CodeCount:
    code: str
    title: str
    severity: str
    count: int


@dataclass(frozen=True)
class ReportOpenFinding:
    """An open finding of the version (nuevo or persistente), its age and its aclaraciones."""

    severity: str
    code: str
    title: str  # the code's Spanish title
    activity: int | None
    partida: str | None
    where: str  # «Cronograma!I10»
    message: str
    status: str  # "nuevo" | "persiste"
    age: str  # «nuevo en esta versión», «desde la versión 2, 45 días»
    since_number: int  # the version since which it is open
    notes: tuple[str, ...] = ()  # «texto» — autor, dd/mm/aaaa

    @property
    def severity_word(self) -> str:
        return SEVERITY_WORDS.get(self.severity, self.severity)


@dataclass(frozen=True)
class ReportFollowUp:
    """The version's findings against the previous version's (as stored with each version)."""

    version_number: int
    previous_number: int | None  # None: the POA's first version
    new: int
    persisting: int
    corrected: int
    open: tuple[ReportOpenFinding, ...]

    @property
    def first(self) -> bool:
        return self.previous_number is None

    @property
    def sentence(self) -> str:
        """«3 hallazgos corregidos, 2 nuevos desde la versión anterior (la 2); 33 persisten.»"""
        if self.first:
            return (f"Primera versión del POA: {first_version_findings(self.new)} (no hay "
                    "versión anterior con qué comparar).")
        kept = ("ninguno persiste" if self.persisting == 0 else
                f"{self.persisting} {'persiste' if self.persisting == 1 else 'persisten'}")
        return (f"{followup_sentence(self.corrected, self.new)} (la {self.previous_number}); "
                f"{kept}.")


@dataclass(frozen=True)
class ReportData:
    identity: ReportIdentity
    version: ReportVersion
    as_of: date
    generated_at: datetime
    green_gap: float
    yellow_gap: float
    index_achieved: int
    index_programmed: int
    index_pct: float | None
    expected_index_pct: float | None
    semaforo_counts: tuple[tuple[str | None, int], ...]  # rojo, amarillo, verde, sin datos
    activities: tuple[ReportActivity, ...]
    budget_rows: tuple[ReportBudgetRow, ...]
    budget_total: ReportBudgetRow
    budget_findings: tuple[ReportFinding, ...]
    severity_counts: tuple[tuple[str, int], ...]  # error, warning, info
    code_counts: tuple[CodeCount, ...]  # by severity, then most frequent first
    findings: tuple[ReportFinding, ...]  # every finding of the POA on the fecha de corte
    alignment_gaps: tuple[str, ...] = ()
    alignment_note: str = ""
    reprogrammings: tuple[ReportReprogramming, ...] = ()  # up to the version reported
    followup: ReportFollowUp | None = None  # the findings against the previous version

    @property
    def errors(self) -> tuple[ReportFinding, ...]:
        return tuple(f for f in self.findings if f.severity == "error")

    @property
    def findings_total(self) -> int:
        return len(self.findings)

    @property
    def concluded(self) -> int:
        return sum(1 for a in self.activities if a.concluded)

    @property
    def overdue(self) -> int:
        return sum(1 for a in self.activities if a.overdue)

    def count(self, semaforo: str | None) -> int:
        return dict(self.semaforo_counts).get(semaforo, 0)


def _finding(f: Finding) -> ReportFinding:
    return ReportFinding(f.severity, f.code, f.activity, f.partida, f.where, f.message)


def _activity(a) -> ReportActivity:
    return ReportActivity(
        number=a.number, name=a.name, eje=a.eje, programmed=a.programmed, achieved=a.achieved,
        real_pct=a.real_pct, expected_pct=a.expected_pct, gap=a.gap, semaforo=a.semaforo,
        semaforo_word=SEMAFORO_WORDS[a.semaforo], semaforo_icon=SEMAFORO_ICONS[a.semaforo],
        status_label=a.status_label, declared_pct=a.declared_pct, pct_mismatch=a.pct_mismatch,
        start=a.start, end=a.end, dates_valid=a.dates_valid, months_planned=a.months_planned,
        concluded=a.concluded, overdue=a.overdue, label=a.label,
    )


def _budget_row(r) -> ReportBudgetRow:
    return ReportBudgetRow(
        partida=r.partida, name=r.name, official_name=r.official_name, aprobado=r.aprobado,
        ampliaciones=r.ampliaciones, reducciones=r.reducciones, modificado=r.modificado,
        comprometido=r.comprometido, devengado=r.devengado, ejercido=r.ejercido,
        pagado=r.pagado, disponible=r.disponible, pct_ejercido=r.pct_ejercido,
    )


def _reprogramming(h: GoalHistory, loaded: LoadedVersion) -> ReportReprogramming:
    a = loaded.doc.activity(h.activity)
    label = field_label(h.field)
    return ReportReprogramming(
        activity=h.activity,
        heading=heading(h.activity, a.label if a else "",
                        (a.name or a.name_cronograma or "") if a else ""),
        field=label[:1].upper() + label[1:], original=shown_value(h.original),
        current=shown_value(h.current), sentence=h.sentence,
        approved_by=", ".join(dict.fromkeys(s.approved_by for s in h.steps)),
        steps=tuple(f"{'Al' if h.field in ('start', 'end') else 'A'} {shown_value(s.after)} el "
                    f"{s.approved_at:%d/%m/%Y} (versión {s.version_number}, aprobó "
                    f"{s.approved_by}): «{s.justification}»" for s in h.steps),
    )


def _code_counts(findings: Sequence[Finding]) -> tuple[CodeCount, ...]:
    counts = Counter((f.code, f.severity) for f in findings)
    ordered = sorted(counts.items(),
                     key=lambda kv: (SEVERITY_ORDER.get(kv[0][1], 3), -kv[1], kv[0][0]))
    return tuple(CodeCount(code, CODE_TITLES.get(code, ""), severity, n)
                 for (code, severity), n in ordered)


def build_report(
    loaded: LoadedVersion,
    as_of: date,
    settings: Settings,
    movements: Sequence[Movement] = (),
    *,
    generated_at: datetime | None = None,
    view: PlanView | None = None,
    alignment_gaps: Sequence[str] = (),
    alignment_note: str = "",
    reprogrammings: Sequence[GoalHistory] = (),
    followup: FollowUp | None = None,
    notes: Mapping[FindingKey, Sequence[Note]] | None = None,
) -> ReportData:
    """The report of one version of a POA on a fecha de corte.

    Only movements dated on or before the fecha de corte count, in the EAEPE and in the budget
    findings. `view` may be passed when the caller already built it for the same date.
    `reprogrammings` are the POA's reprogrammed goals and dates up to the version
    (`loaders.store.reprogramming.goal_histories`).
    `followup` and `notes` are the version's findings against the previous version and the
    aclaraciones that apply to it (`loaders.store.notes.version_followup`).
    """
    doc, plan, version = loaded.doc, loaded.plan, loaded.version
    view = view or plan_view(doc, as_of, settings)
    kept = [m for m in movements if m.date <= as_of]
    rows, total = eaepe(doc.budget, kept, as_of=as_of)
    budget_findings = check_movements(doc.budget, kept, fiscal_year=plan.fiscal_year)
    findings = list(view.findings)
    severities = Counter(f.severity for f in findings)
    semaforos = Counter(a.semaforo for a in view.activities)
    return ReportData(
        identity=ReportIdentity(
            plan_id=plan.id, municipio=plan.municipio, estado=plan.estado,
            direccion=plan.direccion, area=plan.area, fiscal_year=plan.fiscal_year,
            objetivo=doc.plan.objetivo or "",
        ),
        version=ReportVersion(
            id=version.id, number=version.number, uploaded_at=version.uploaded_at,
            uploaded_by=version.uploaded_by, file_name=version.file_name, sha256=version.sha256,
        ),
        as_of=as_of,
        generated_at=generated_at or datetime.now().replace(microsecond=0),
        green_gap=settings.green_gap,
        yellow_gap=settings.yellow_gap,
        index_achieved=view.index_achieved,
        index_programmed=view.index_programmed,
        index_pct=view.index_pct,
        expected_index_pct=view.expected_index_pct,
        semaforo_counts=tuple((k, semaforos.get(k, 0)) for k in SEMAFORO_KEYS),
        activities=tuple(_activity(a) for a in view.activities),
        budget_rows=tuple(_budget_row(r) for r in rows),
        budget_total=_budget_row(total),
        budget_findings=tuple(_finding(f) for f in budget_findings),
        severity_counts=tuple((s, severities.get(s, 0)) for s in ("error", "warning", "info")),
        code_counts=_code_counts(findings),
        findings=tuple(_finding(f) for f in findings),
        alignment_gaps=tuple(alignment_gaps),
        alignment_note=alignment_note,
        reprogrammings=tuple(_reprogramming(h, loaded) for h in reprogrammings),
        followup=report_followup(followup, notes or {}) if followup is not None else None,
    )


def report_followup(follow: FollowUp,
                    notes: Mapping[FindingKey, Sequence[Note]]) -> ReportFollowUp:
    """The follow-up as the report prints it: the counts and each open finding with its age and
    its aclaraciones."""
    opened = tuple(
        ReportOpenFinding(
            severity=item.finding.severity, code=item.finding.code,
            title=code_title(item.finding.code), activity=item.finding.activity,
            partida=item.finding.partida, where=item.finding.where, message=item.finding.message,
            status=item.status, age=item.age,
            since_number=item.since_number,
            notes=tuple(f"«{n.text}» — {n.author}, {n.created_at:%d/%m/%Y}"
                        for n in notes.get(item.key, ())),
        )
        for item in follow.open
    )
    return ReportFollowUp(
        version_number=follow.version.number,
        previous_number=follow.previous.number if follow.previous else None,
        new=len(follow.new), persisting=len(follow.persisting), corrected=len(follow.corrected),
        open=opened,
    )


def report_file_name(area: str, fiscal_year: int | None, as_of: date, extension: str) -> str:
    """`informe_cabildo_<área>_<año>_<corte>.<ext>`: lower case, only safe ASCII characters."""
    stem = f"informe_cabildo_{strip_accents(area or 'poa').lower()}_{fiscal_year or ''}_{as_of}"
    safe = "".join(ch if ch.isascii() and (ch.isalnum() or ch == "-") else "_" for ch in stem)
    while "__" in safe:
        safe = safe.replace("__", "_")
    return f"{safe.strip('_')}.{extension}"


def file_name(data: ReportData, extension: str) -> str:
    return report_file_name(data.identity.area, data.identity.fiscal_year, data.as_of, extension)
