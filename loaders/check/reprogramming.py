"""Reprogramaciones: a change of an activity's meta anual, meta programada, inicio or fin between a
version of a POA and the previous one (DESIGN.md), the two findings a lowered goal may raise, and
the sentences that show a goal's history ("Meta programada original 50, reprogramada a 30 el
15/06/2026: …").

Pure: documents, dates and recorded rows in, plain data out; no I/O. The changes themselves come
from `loaders.check.diff.compare`, the comparison the upload preview and the Historial show, so a
reprogramación is exactly a "what changed" line of one of these four fields.

- `detect(before, after, as_of)`: the reprogramaciones from `before` to `after` (an activity
  matched by its number in both; the first of a repeated number) and their findings on `as_of`,
  the new version's fecha de corte:
  `GOAL_LOWERED_AFTER_END` — a goal (meta anual or programada) lowered when the activity's window
  had already ended on `as_of` (the window as the previous version stated it, else the new one);
  `GOAL_LOWERED_TO_ACHIEVED` — a goal lowered to, or below, the meta alcanzada the new version
  states.
- `histories(records, originals)`: per activity and field, its original value (the POA's first
  version's) and each reprogramación since, with its date and motivo.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from loaders.check.diff import FIELD_LABELS, compare
from loaders.codes import CODES
from loaders.model import Activity, Finding, PoaDocument
from loaders.text import fmt_date, fmt_number

FIELDS = ("goal", "programmed", "start", "end")  # what a reprogramación changes
GOAL_FIELDS = ("goal", "programmed")
FIELD_ORDER = {f: i for i, f in enumerate(FIELDS)}
NO_VALUE = "sin dato"
# The justification stored when the API or the CLI save without one (the web upload refuses).
NO_JUSTIFICATION = "Sin justificación"
CLI_NO_JUSTIFICATION = "Sin justificación (importado por línea de comandos)"
MOTIVO_LIMIT = 2_000  # characters kept of a justification

Value = int | date | None


def field_label(field: str) -> str:
    """ "meta anual", "meta programada", "inicio", "fin"."""
    return FIELD_LABELS[field]


def value_text(value: Value) -> str:
    """A value as the `reprogramming` table stores it: "50", "2026-03-01", "" for a blank cell."""
    if value is None:
        return ""
    return value.isoformat() if isinstance(value, date) else str(value)


def parse_value(field: str, text: str | None) -> Value:
    """`value_text` read back for `field` (None when blank or unreadable)."""
    text = (text or "").strip()
    if not text:
        return None
    try:
        return date.fromisoformat(text) if field in ("start", "end") else int(text)
    except ValueError:
        return None


def shown_value(value: Value) -> str:
    """ "1,250", "15/06/2026", "sin dato": a value as the pages write it."""
    if value is None:
        return NO_VALUE
    return fmt_date(value) if isinstance(value, date) else fmt_number(value, 0)


def heading(number: int, label: str, name: str) -> str:
    """ "Actividad 2, Apoyo a deportados": how a reprogramación names its activity."""
    shown = f"Actividad {label or number}"
    name = " ".join((name or "").split())
    return f"{shown}, {name}" if name else shown


@dataclass(frozen=True)
class Reprogramming:
    """One field of one activity changed from the previous version to the new one."""

    activity: int
    label: str  # the activity's number as written in the new version ("A-1"); "" when plain
    name: str  # its name in the new version
    field: str  # one of FIELDS
    before: Value
    after: Value

    @property
    def heading(self) -> str:
        return heading(self.activity, self.label, self.name)

    @property
    def change_text(self) -> str:
        """ "meta programada 50 → 30", "fin 30/09/2026 → 31/10/2026"."""
        return f"{field_label(self.field)} {shown_value(self.before)} → {shown_value(self.after)}"

    @property
    def description(self) -> str:
        """ "Actividad 2, Apoyo a deportados: meta programada 50 → 30"."""
        return f"{self.heading}: {self.change_text}"

    @property
    def lowered(self) -> bool:
        """A goal that went down (a blank goal, before or after, is no number to lower)."""
        return (self.field in GOAL_FIELDS and isinstance(self.before, int)
                and isinstance(self.after, int) and self.after < self.before)

    @property
    def old_value(self) -> str:
        return value_text(self.before)

    @property
    def new_value(self) -> str:
        return value_text(self.after)


@dataclass(frozen=True)
class ReprogrammingCheck:
    reprogrammings: tuple[Reprogramming, ...] = ()
    findings: tuple[Finding, ...] = ()

    @property
    def activities(self) -> list[int]:
        """The numbers of the reprogrammed activities, in order, each once."""
        return list(dict.fromkeys(r.activity for r in self.reprogrammings))


def detect(before: PoaDocument | None, after: PoaDocument, as_of: date) -> ReprogrammingCheck:
    """The reprogramaciones from `before` (None: a POA's first version, none) to `after`, and
    the findings of the lowered goals on `as_of`, the new version's fecha de corte."""
    if before is None:
        return ReprogrammingCheck()
    seen: set[tuple[int, str]] = set()
    found: list[tuple[Reprogramming, Activity, Activity]] = []
    for change in compare(before, after).changes:
        if change.kind not in FIELDS or change.activity is None:
            continue
        key = (change.activity, change.kind)
        if key in seen:  # a repeated number: its first row, as everywhere else
            continue
        seen.add(key)
        new = after.activity(change.activity)
        old = before.activity(change.activity)
        if new is None or old is None:
            continue
        r = Reprogramming(change.activity, new.label, new.name or new.name_cronograma or "",
                          change.kind, change.before, change.after)  # type: ignore[arg-type]
        found.append((r, old, new))
    found.sort(key=lambda item: (item[0].activity, FIELD_ORDER[item[0].field]))
    findings = [f for r, old, new in found for f in lowered_findings(r, old, new, as_of)]
    return ReprogrammingCheck(tuple(r for r, _, _ in found), tuple(findings))


def lowered_findings(r: Reprogramming, old: Activity, new: Activity,
                     as_of: date) -> list[Finding]:
    """GOAL_LOWERED_AFTER_END and GOAL_LOWERED_TO_ACHIEVED of one reprogramación."""
    if not r.lowered:
        return []
    sheet, cell = new.cell(r.field)
    where = {"activity": r.activity, "sheet": sheet or None, "cell": cell or None}
    lowered = f"{r.heading}: la {field_label(r.field)} bajó de {shown_value(r.before)} a " \
              f"{shown_value(r.after)}"
    out = []
    end = old.end or new.end
    if end is not None and as_of > end:
        out.append(Finding(
            "GOAL_LOWERED_AFTER_END", CODES["GOAL_LOWERED_AFTER_END"],
            f"{lowered} al {fmt_date(as_of)}, cuando su periodo ya había terminado el "
            f"{fmt_date(end)}.", **where))
    achieved = new.achieved
    if achieved is not None and r.after <= achieved:  # type: ignore[operator]
        relation = "igual a" if r.after == achieved else "por debajo de"
        out.append(Finding(
            "GOAL_LOWERED_TO_ACHIEVED", CODES["GOAL_LOWERED_TO_ACHIEVED"],
            f"{lowered}, {relation} la meta alcanzada ({shown_value(achieved)}).", **where))
    return out


# ---- justifications ---------------------------------------------------------------------------

Justification = str | Mapping[int, str] | None


def clean_motivo(text: object) -> str:
    """A justification as stored: spaces trimmed, cut to MOTIVO_LIMIT characters ("…")."""
    text = str(text or "").strip()
    if len(text) > MOTIVO_LIMIT:
        text = text[: MOTIVO_LIMIT - 1] + "…"
    return text


def justification_for(justification: Justification, activity: int,
                      default: str = NO_JUSTIFICATION) -> str:
    """The motivo of an activity's reprogramación: one text for all, or the activity's own;
    `default` when none was given (or only spaces)."""
    if isinstance(justification, Mapping):
        text = clean_motivo(justification.get(activity))
    else:
        text = clean_motivo(justification)
    return text or default


def unjustified(reprogrammings: Iterable[Reprogramming],
                justification: Justification) -> list[Reprogramming]:
    """The reprogramaciones that have no justification (blank text, or none for their activity)."""
    return [r for r in reprogrammings if not justification_for(justification, r.activity, "")]


# ---- a goal's history -------------------------------------------------------------------------


@dataclass(frozen=True)
class RecordedReprogramming:
    """A reprogramación as stored with its version (`loaders.store.reprogramming`)."""

    version_id: int
    version_number: int
    as_of: date  # the version's fecha de corte
    activity: int
    field: str
    before: Value
    after: Value
    justification: str
    approved_by: str
    approved_at: datetime

    @property
    def change_text(self) -> str:
        return f"{field_label(self.field)} {shown_value(self.before)} → {shown_value(self.after)}"


@dataclass(frozen=True)
class GoalHistory:
    """One field of one activity: its original value and every reprogramación since, in order."""

    activity: int
    field: str
    original: Value
    steps: tuple[RecordedReprogramming, ...]

    @property
    def current(self) -> Value:
        return self.steps[-1].after if self.steps else self.original

    @property
    def sentence(self) -> str:
        """ "Meta programada original 50, reprogramada a 30 el 15/06/2026: «motivo»." — each
        later step adds "; a 25 el 01/09/2026: «motivo»"."""
        return self.short(None)

    def short(self, motivo_chars: int | None = 90) -> str:
        """`sentence` with each motivo cut to about `motivo_chars` characters (None: whole)."""
        dated = self.field in ("start", "end")
        label = field_label(self.field)
        verb, to = ("reprogramado", "al") if dated else ("reprogramada", "a")
        steps = [f" {to} {shown_value(s.after)} el {fmt_date(s.approved_at)}: "
                 f"«{s.justification if motivo_chars is None else cut(s.justification, motivo_chars)}»"
                 for s in self.steps]
        return (f"{label[:1].upper()}{label[1:]} original {shown_value(self.original)}, {verb}"
                + ";".join(steps) + ".")


def cut(text: str, limit: int) -> str:
    """`text` cut at a word to at most `limit` characters, with "…" when cut."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    head = text[: limit - 1]
    if " " in head[limit // 2:]:
        head = head.rsplit(" ", 1)[0]
    return head.rstrip(" ,;:.") + "…"


def histories(records: Iterable[RecordedReprogramming],
              originals: Mapping[tuple[int, str], Value] | None = None) -> list[GoalHistory]:
    """Per (activity, field), in activity and field order: the original value — `originals`
    (the POA's first version), else what the first reprogramación changed from — and the
    reprogramaciones in version order."""
    originals = originals or {}
    grouped: dict[tuple[int, str], list[RecordedReprogramming]] = {}
    for r in sorted(records, key=lambda r: (r.version_number, r.activity,
                                             FIELD_ORDER.get(r.field, 9))):
        grouped.setdefault((r.activity, r.field), []).append(r)
    out = []
    for (activity, field), steps in sorted(grouped.items(),
                                           key=lambda kv: (kv[0][0], FIELD_ORDER.get(kv[0][1], 9))):
        key = (activity, field)
        original = originals[key] if key in originals else steps[0].before
        out.append(GoalHistory(activity, field, original, tuple(steps)))
    return out


def by_activity(items: Sequence[GoalHistory]) -> dict[int, list[GoalHistory]]:
    grouped: dict[int, list[GoalHistory]] = {}
    for h in items:
        grouped.setdefault(h.activity, []).append(h)
    return grouped


__all__ = [
    "CLI_NO_JUSTIFICATION", "FIELDS", "GOAL_FIELDS", "NO_JUSTIFICATION", "GoalHistory",
    "RecordedReprogramming", "Reprogramming", "ReprogrammingCheck", "by_activity", "detect",
    "heading", "histories", "justification_for", "parse_value", "shown_value", "unjustified",
    "value_text",
]
