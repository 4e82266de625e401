"""Findings followed up across the versions of a POA: pure matching of stored findings, no I/O.

A finding of version N is the same as one of version N−1 when both have the same code and the
same activity or partida (`loaders.check.diff.finding_key`: the message carries values that change
with the data, and the cell moves when a row is inserted). Each finding of N is then

- **nuevo**: not in N−1;
- **persiste**: in N−1 too, *since* version K — the first version of the unbroken run of versions
  that holds it up to N — for D days = N.as_of − K.as_of;

and each finding of N−1 that N no longer has is **corregido** in N.

Days are counted between the versions' `as_of`, the fecha de corte each version's findings were
computed on when it was saved (the findings stored with it): the days and the findings are then
measured on the same dates, whatever day the file happened to be uploaded.

Two findings with the same key count as two (activity 6 may lack two fields: two MISSING_FIELD):
with three in N−1 and two in N, two persist and one is corregido. Repeated keys pair by order of
appearance, and the k-th one persists since the first version of the run that held at least k.

The findings of a reprogramación (`EVENT_CODES`: a goal lowered after its window ended, or to
what was achieved) are about the change between two versions, not about the POA's state: they
are «nuevo» in the version that made the change, and the next version, which makes no change,
does not «correct» them (they stay in the history of the version that had them).

An aclaración written on version K for a key applies to version N ≥ K while the key is in every
version from K to N (`applies`); once corrected it is no longer shown, and a finding that comes
back later starts without it.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Protocol, TypeVar

from loaders.check.diff import finding_key
from loaders.model import Finding

NEW, PERSISTS, CORRECTED = "nuevo", "persiste", "corregido"
# Findings of one change between two versions (loaders.check.reprogramming): never «corregido».
EVENT_CODES = frozenset({"GOAL_LOWERED_AFTER_END", "GOAL_LOWERED_TO_ACHIEVED"})

FindingKey = tuple[str, int | None, str | None]  # (code, activity, partida)


@dataclass(frozen=True)
class VersionFindings:
    """One stored version of a POA and the findings stored with it, in their stored order."""

    version_id: int
    number: int
    as_of: date
    findings: tuple[Finding, ...]


@dataclass(frozen=True)
class Followed:
    """A finding of version N (of N−1 when corregido) and its place in the POA's history."""

    finding: Finding
    status: str  # NEW | PERSISTS | CORRECTED
    since_number: int  # K: the first version of the unbroken run (N itself when nuevo)
    since_as_of: date
    days: int  # N.as_of − K.as_of, never negative

    @property
    def key(self) -> FindingKey:
        return finding_key(self.finding)

    @property
    def age(self) -> str:
        """«desde la versión 2, 45 días»; «nuevo en esta versión» for a new one."""
        if self.status == NEW:
            return "nuevo en esta versión"
        return f"desde la versión {self.since_number}, {days_text(self.days)}"


@dataclass(frozen=True)
class FollowUp:
    """The findings of one version against the previous version of the same POA."""

    version: VersionFindings
    previous: VersionFindings | None  # None for the POA's first version
    new: tuple[Followed, ...]
    persisting: tuple[Followed, ...]
    corrected: tuple[Followed, ...]
    open: tuple[Followed, ...]  # nuevos and persistentes, in the order the version stores them

    @property
    def first(self) -> bool:
        return self.previous is None


class Noted(Protocol):
    """What `applies` needs of an aclaración."""

    version_id: int

    @property
    def key(self) -> FindingKey: ...


N = TypeVar("N", bound=Noted)


def days_text(days: int) -> str:
    """«1 día», «45 días»; «el mismo día» for 0."""
    if days <= 0:
        return "el mismo día"
    return f"{days:,} día" + ("" if days == 1 else "s")


def _ordered(history: Iterable[VersionFindings]) -> list[VersionFindings]:
    return sorted(history, key=lambda v: v.number)


def _position(history: Sequence[VersionFindings], version_id: int) -> int:
    for i, v in enumerate(history):
        if v.version_id == version_id:
            return i
    raise KeyError(f"version {version_id} is not in the history")


def _run_start(counts: Sequence[Counter], last: int, key: FindingKey, occurrence: int) -> int:
    """The first position of the unbroken run of versions ending at `last` in which `key`
    appears more than `occurrence` times (`last` itself when only it does)."""
    start = last
    while start > 0 and counts[start - 1][key] > occurrence:
        start -= 1
    return start


def follow_up(history: Iterable[VersionFindings], version_id: int) -> FollowUp:
    """Classify the findings of `version_id` against the previous version of `history` (the
    POA's versions, in any order; ordered here by number)."""
    ordered = _ordered(history)
    at = _position(ordered, version_id)
    current = ordered[at]
    previous = ordered[at - 1] if at > 0 else None
    counts = [Counter(map(finding_key, v.findings)) for v in ordered]

    def followed(f: Finding, status: str, start: int) -> Followed:
        since = ordered[start]
        return Followed(f, status, since.number, since.as_of,
                        max(0, (current.as_of - since.as_of).days))

    opened: list[Followed] = []
    seen: Counter = Counter()
    for f in current.findings:
        key = finding_key(f)
        occurrence = seen[key]
        seen[key] += 1
        if previous is not None and occurrence < counts[at - 1][key]:
            opened.append(followed(f, PERSISTS, _run_start(counts, at, key, occurrence)))
        else:
            opened.append(followed(f, NEW, at))
    corrected: list[Followed] = []
    if previous is not None:
        seen = Counter()
        for f in previous.findings:
            key = finding_key(f)
            occurrence = seen[key]
            seen[key] += 1
            if occurrence >= counts[at][key] and f.code not in EVENT_CODES:
                corrected.append(followed(f, CORRECTED,
                                          _run_start(counts, at - 1, key, occurrence)))
    return FollowUp(current, previous,
                    new=tuple(f for f in opened if f.status == NEW),
                    persisting=tuple(f for f in opened if f.status == PERSISTS),
                    corrected=tuple(corrected), open=tuple(opened))


def applies(history: Iterable[VersionFindings], written_on: int, key: FindingKey,
            version_id: int) -> bool:
    """Whether an aclaración written on version `written_on` for `key` applies to `version_id`:
    the version is the same or later, and every version from the one to the other holds the
    finding (a version without it broke the run: the finding was corrected)."""
    ordered = _ordered(history)
    try:
        start, end = _position(ordered, written_on), _position(ordered, version_id)
    except KeyError:
        return False
    if start > end:
        return False
    return all(any(finding_key(f) == key for f in v.findings) for v in ordered[start:end + 1])


def applying_notes(history: Iterable[VersionFindings], notes: Iterable[N],
                   version_id: int) -> dict[FindingKey, tuple[N, ...]]:
    """The aclaraciones that apply to `version_id`, by finding key, in the order given (the
    store gives them oldest first)."""
    ordered = _ordered(history)
    found: dict[FindingKey, list[N]] = {}
    for note in notes:
        if applies(ordered, note.version_id, note.key, version_id):
            found.setdefault(note.key, []).append(note)
    return {k: tuple(v) for k, v in found.items()}


__all__ = [
    "CORRECTED", "EVENT_CODES", "NEW", "PERSISTS", "FindingKey", "FollowUp", "Followed", "VersionFindings",
    "applies", "applying_notes", "days_text", "follow_up",
]
