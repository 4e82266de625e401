"""What changed between two versions of a POA: pure comparison of two `PoaDocument`s.

Used by the upload preview of the planning unit and to compare any two stored versions.
Activities are matched by `number` and budget lines by `partida`; every difference becomes a
`Change` with plain before/after values and one Spanish sentence in Mexican formats.

`compare_versions` adds what follows from the values on a fecha de corte, for the Historial: each
activity's semáforo before and after, the Índice de Eficiencia of both versions, and the findings
that appeared or went away, with every changed activity named by its number and name.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from typing import TypeVar

from loaders.check.progress import Thresholds, efficiency_index, status
from loaders.model import Activity, BudgetLine, Finding, PoaDocument
from loaders.text import activity_title, fmt_date, fmt_money, fmt_number, fmt_pct, fold, month_name

ACTIVITY_FIELD_KINDS = (
    "achieved", "programmed", "goal", "declared_pct", "start", "end", "months", "name",
)
ACTIVITY_KINDS = (*ACTIVITY_FIELD_KINDS, "added", "removed")
BUDGET_KINDS = ("budget_changed", "budget_added", "budget_removed")
KINDS = (*ACTIVITY_KINDS, *BUDGET_KINDS)

FIELD_LABELS = {
    "achieved": "meta alcanzada",
    "programmed": "meta programada",
    "goal": "meta anual",
    "declared_pct": "% alcanzado",
    "start": "inicio",
    "end": "fin",
    "months": "meses programados",
    "name": "nombre",
}
MONEY_TOLERANCE = 0.005
NO_VALUE = "sin dato"
FIRST_SUMMARY = "POA nuevo: no hay versión anterior"
EMPTY_SUMMARY = "Sin cambios"
DEFAULT_THRESHOLDS = Thresholds()

T = TypeVar("T")


@dataclass(frozen=True)
class Change:
    kind: str  # one of KINDS
    activity: int | None
    partida: str | None
    before: object | None  # plain values (int, float, date, str, list) or None
    after: object | None
    message: str  # one Spanish sentence with the values, Mexican formats

    @property
    def detail(self) -> str:
        """The message without its "Actividad N: " lead, for a list headed by the activity."""
        if self.activity is None:
            return self.message
        return self.message.removeprefix(f"Actividad {self.activity}: ")


@dataclass(frozen=True)
class VersionDiff:
    changes: tuple[Change, ...] = ()
    first: bool = False  # True when there was no previous version to compare with

    @property
    def is_empty(self) -> bool:
        """No change to show (also true for a first version, which has nothing to compare)."""
        return not self.changes

    def by_kind(self, kind: str) -> list[Change]:
        return [c for c in self.changes if c.kind == kind]

    @property
    def changed_activities(self) -> list[int]:
        """Numbers of the matched activities with at least one field changed, in order."""
        numbers: list[int] = []
        for c in self.changes:
            if c.kind in ACTIVITY_FIELD_KINDS and c.activity not in numbers:
                numbers.append(c.activity)  # type: ignore[arg-type]
        return numbers

    @property
    def summary(self) -> str:
        """E.g. "3 actividades con cambios, 1 agregada, 0 eliminadas; 1 partida modificada"."""
        if self.first:
            return FIRST_SUMMARY
        if self.is_empty:
            return EMPTY_SUMMARY
        parts: list[str] = []
        changed = len(self.changed_activities)
        added = len(self.by_kind("added"))
        removed = len(self.by_kind("removed"))
        if changed or added or removed:
            parts.append(
                f"{_count(changed, 'actividad', 'actividades')} con cambios, "
                f"{_count(added, 'agregada', 'agregadas')}, "
                f"{_count(removed, 'eliminada', 'eliminadas')}"
            )
        b_changed = len(self.by_kind("budget_changed"))
        b_added = len(self.by_kind("budget_added"))
        b_removed = len(self.by_kind("budget_removed"))
        if b_changed or b_added or b_removed:
            budget = (
                f"{_count(b_changed, 'partida', 'partidas')} "
                f"{'modificada' if b_changed == 1 else 'modificadas'}"
            )
            if b_added:
                budget += f", {_count(b_added, 'agregada', 'agregadas')}"
            if b_removed:
                budget += f", {_count(b_removed, 'eliminada', 'eliminadas')}"
            parts.append(budget)
        return "; ".join(parts)


def compare(before: PoaDocument | None, after: PoaDocument) -> VersionDiff:
    """Every difference from `before` to `after`; `before=None` gives a `first` diff."""
    if before is None:
        return VersionDiff(changes=(), first=True)
    field_changes: list[Change] = []
    added: list[Change] = []
    removed: list[Change] = []
    for old, new in _pair(before.activities, after.activities, lambda a: a.number):
        if old is None and new is not None:
            added.append(_activity_presence("added", new))
        elif new is None and old is not None:
            removed.append(_activity_presence("removed", old))
        elif old is not None and new is not None:
            field_changes.extend(_activity_changes(old, new))
    budget: list[Change] = []
    for old_line, new_line in _pair(before.budget, after.budget, lambda b: b.partida):
        change = _budget_change(old_line, new_line)
        if change is not None:
            budget.append(change)
    # Sorting is stable, so the field order inside an activity is kept.
    field_changes.sort(key=lambda c: c.activity)
    added.sort(key=lambda c: c.activity)
    removed.sort(key=lambda c: c.activity)
    budget.sort(key=lambda c: _partida_key(c.partida or ""))
    return VersionDiff(changes=(*field_changes, *added, *removed, *budget))


# ---- two stored versions on a fecha de corte (Historial) ------------------------------------------


@dataclass(frozen=True)
class SemaforoChange:
    before: str | None  # "verde" | "amarillo" | "rojo" | None (sin datos)
    after: str | None
    before_label: str  # "En riesgo", "Concluida", "Vencida"… (`ActivityStatus.label`)
    after_label: str


@dataclass(frozen=True)
class ActivityComparison:
    """One activity that changed: its fields (or that it was added or removed) and its
    semáforo."""

    number: int
    title: str  # "5. Seguros Americanos": the later version's name (the earlier when removed)
    changes: tuple[Change, ...]
    semaforo: SemaforoChange | None  # None when the light did not change


@dataclass(frozen=True)
class VersionComparison:
    diff: VersionDiff
    activities: tuple[ActivityComparison, ...]  # in number order
    index_before: float | None  # Índice de Eficiencia, %
    index_after: float | None
    findings_added: tuple[Finding, ...]
    findings_removed: tuple[Finding, ...]

    @property
    def index_change(self) -> float | None:
        """Points gained (negative: lost); None when a version has no index."""
        if self.index_before is None or self.index_after is None:
            return None
        return self.index_after - self.index_before

    @property
    def budget_changes(self) -> list[Change]:
        return [c for c in self.diff.changes if c.kind in BUDGET_KINDS]

    @property
    def semaforo_changes(self) -> list[ActivityComparison]:
        return [a for a in self.activities if a.semaforo is not None]


def finding_key(f: Finding) -> tuple[str, int | None, str | None]:
    """What makes two versions' findings the same one: the code and the activity or partida it
    is about (the message carries values that change with the data, and the cell moves when a
    row is inserted). The one key of the Historial and of the follow-up (`loaders.check.followup`)."""
    return (f.code, f.activity, f.partida)


def compare_versions(before: PoaDocument, after: PoaDocument, as_of: date,
                     thresholds: Thresholds = DEFAULT_THRESHOLDS, *,
                     findings_before: Iterable[Finding] = (),
                     findings_after: Iterable[Finding] = ()) -> VersionComparison:
    """`compare(before, after)` and what follows on `as_of`: semáforos, the index and the
    findings (each version's findings on that date, as the caller computed them)."""
    diff = compare(before, after)
    findings_before, findings_after = tuple(findings_before), tuple(findings_after)
    grouped: dict[int, list[Change]] = {}
    for c in diff.changes:
        if c.activity is not None:
            grouped.setdefault(c.activity, []).append(c)
    olds = {a.number: a for a in reversed(before.activities)}  # the first of a repeated number
    news = {a.number: a for a in reversed(after.activities)}
    lights: dict[int, SemaforoChange] = {}
    for number in olds.keys() & news.keys():
        old, new = status(olds[number], as_of, thresholds), status(news[number], as_of, thresholds)
        if old.semaforo != new.semaforo:
            lights[number] = SemaforoChange(old.semaforo, new.semaforo, old.label, new.label)
    activities = []
    for number in sorted(grouped.keys() | lights.keys()):
        shown = news.get(number) or olds.get(number)
        title = (activity_title(shown.label, shown.number, shown.name or shown.name_cronograma
                                or "") if shown else f"Actividad {number}")
        activities.append(ActivityComparison(number, title, tuple(grouped.get(number, ())),
                                             lights.get(number)))
    old_findings = Counter(map(finding_key, findings_before))
    new_findings = Counter(map(finding_key, findings_after))
    return VersionComparison(
        diff=diff,
        activities=tuple(activities),
        index_before=efficiency_index(before.activities).pct,
        index_after=efficiency_index(after.activities).pct,
        findings_added=_only_in(findings_after, new_findings - old_findings),
        findings_removed=_only_in(findings_before, old_findings - new_findings),
    )


def _only_in(findings: Iterable[Finding], wanted: Counter) -> tuple[Finding, ...]:
    """The findings whose keys `wanted` counts, as many of each as it counts, in order."""
    left = Counter(wanted)
    picked = []
    for f in findings:
        key = finding_key(f)
        if left[key] > 0:
            left[key] -= 1
            picked.append(f)
    return tuple(picked)


# ---- matching ---------------------------------------------------------------------------------


def _pair(
    olds: Iterable[T], news: Iterable[T], key: Callable[[T], object]
) -> list[tuple[T | None, T | None]]:
    """Pair items with the same key; repeated keys pair by order of appearance.

    An item left without a partner is paired with None (added or removed).
    """
    old_groups: dict[object, list[T]] = {}
    for item in olds:
        old_groups.setdefault(key(item), []).append(item)
    new_groups: dict[object, list[T]] = {}
    for item in news:
        new_groups.setdefault(key(item), []).append(item)
    pairs: list[tuple[T | None, T | None]] = []
    for k in {**old_groups, **new_groups}:
        old_items = old_groups.get(k, [])
        new_items = new_groups.get(k, [])
        for i in range(max(len(old_items), len(new_items))):
            pairs.append((
                old_items[i] if i < len(old_items) else None,
                new_items[i] if i < len(new_items) else None,
            ))
    return pairs


def _partida_key(partida: str) -> tuple:
    """Numeric partidas in numeric order, then any other text."""
    text = partida.strip()
    return (0, int(text), text) if text.isdigit() else (1, 0, fold(text))


# ---- activities -------------------------------------------------------------------------------


def _activity_changes(old: Activity, new: Activity) -> list[Change]:
    n = new.number
    changes: list[Change] = []
    for kind in ("achieved", "programmed", "goal"):
        a, b = getattr(old, kind), getattr(new, kind)
        if a != b:
            changes.append(_field_change(kind, n, a, b, _fmt_count(a), _fmt_count(b)))
    a_pct, b_pct = old.declared_pct, new.declared_pct
    if _round_pct(a_pct) != _round_pct(b_pct):
        changes.append(_field_change(
            "declared_pct", n, a_pct, b_pct, _fmt_optional(a_pct, fmt_pct),
            _fmt_optional(b_pct, fmt_pct),
        ))
    for kind in ("start", "end"):
        a_date, b_date = getattr(old, kind), getattr(new, kind)
        if a_date != b_date:
            changes.append(_field_change(
                kind, n, a_date, b_date, _fmt_optional(a_date, fmt_date),
                _fmt_optional(b_date, fmt_date),
            ))
    a_months, b_months = _months(old.months_planned), _months(new.months_planned)
    if a_months != b_months:
        changes.append(_field_change(
            "months", n, a_months, b_months, _fmt_months(a_months), _fmt_months(b_months),
        ))
    if fold(old.name or "") != fold(new.name or ""):
        changes.append(_field_change(
            "name", n, old.name, new.name, _fmt_name(old.name), _fmt_name(new.name),
        ))
    return changes


def _field_change(kind: str, number: int, before: object, after: object,
                  before_text: str, after_text: str) -> Change:
    message = f"Actividad {number}: {FIELD_LABELS[kind]} {before_text} → {after_text}"
    return Change(kind, number, None, before, after, message)


def _activity_presence(kind: str, activity: Activity) -> Change:
    verb = "agregada" if kind == "added" else "eliminada"
    message = f"Actividad {activity.number} {verb}"
    if (activity.name or "").strip():
        message += f": «{activity.name.strip()}»"
    before, after = (None, activity.name) if kind == "added" else (activity.name, None)
    return Change(kind, activity.number, None, before, after, message)


def _round_pct(value: float | None) -> float | None:
    return None if value is None else round(value, 1)


def _months(months: Iterable[int]) -> list[int]:
    return sorted(set(months))


# ---- budget -----------------------------------------------------------------------------------


def _budget_change(old: BudgetLine | None, new: BudgetLine | None) -> Change | None:
    if old is None and new is not None:
        return Change("budget_added", None, new.partida, None, new.approved,
                      f"Partida {new.partida} agregada ({_fmt_amount(new.approved)})")
    if new is None and old is not None:
        return Change("budget_removed", None, old.partida, old.approved, None,
                      f"Partida {old.partida} eliminada ({_fmt_amount(old.approved)})")
    if old is None or new is None or _same_amount(old.approved, new.approved):
        return None
    return Change(
        "budget_changed", None, new.partida, old.approved, new.approved,
        f"Partida {new.partida}: {_fmt_amount(old.approved)} → {_fmt_amount(new.approved)}",
    )


def _same_amount(a: float | None, b: float | None) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return abs(a - b) <= MONEY_TOLERANCE


# ---- formatting -------------------------------------------------------------------------------


def _count(n: int, singular: str, plural: str) -> str:
    return f"{n} {singular if n == 1 else plural}"


def _fmt_optional(value: T | None, fmt: Callable[[T], str]) -> str:
    return NO_VALUE if value is None else fmt(value)


def _fmt_count(value: int | None) -> str:
    return _fmt_optional(value, lambda v: fmt_number(v, 0))


def _fmt_amount(value: float | None) -> str:
    return "sin monto" if value is None else fmt_money(value)


def _fmt_name(name: str | None) -> str:
    return f"«{name.strip()}»" if name and name.strip() else "(sin nombre)"


def _fmt_months(months: list[int]) -> str:
    """`enero a junio, septiembre` — runs of consecutive months joined."""
    if not months:
        return "ninguno"
    runs: list[list[int]] = []
    for m in months:
        if runs and m == runs[-1][-1] + 1:
            runs[-1].append(m)
        else:
            runs.append([m])
    parts = []
    for run in runs:
        if len(run) == 1:
            parts.append(_month(run[0]))
        elif len(run) == 2:
            parts.append(f"{_month(run[0])}, {_month(run[1])}")
        else:
            parts.append(f"{_month(run[0])} a {_month(run[-1])}")
    return ", ".join(parts)


def _month(month: int) -> str:
    return month_name(month) if 1 <= month <= 12 else str(month)


__all__ = [
    "KINDS", "ActivityComparison", "Change", "SemaforoChange", "VersionComparison", "VersionDiff",
    "compare", "compare_versions",
]
