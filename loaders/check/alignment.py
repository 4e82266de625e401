"""Mandate alignment rules: coverage of the fracciones of Article 122 and the IOM dimensions by
the activities, progress per cell, the POA lines of action taken from the IOM report, and the
sentences that name the gaps. The links themselves are read by `loaders.read.alignment`.

IOM lines of action: a POA line of action (or actividad específica) is "taken from the IOM
report" when it contains most of the words of one of the areas with potential for development:
see `iom_matches`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from loaders.check.progress import ActivityStatus, Thresholds, status
from loaders.model import Activity, AlignmentLink
from loaders.reference import (
    DIMENSION,
    FRACCION,
    ROMAN_VALUES,
    AreaPotencial,
    Reference,
    load_reference,
)
from loaders.text import fold

# -- coverage ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Coverage:
    """Which activities serve each fracción and each dimension (every code, in order)."""

    fracciones: tuple[tuple[str, tuple[int, ...]], ...]  # ("I", (3, 7)), …
    dimensiones: tuple[tuple[str, tuple[int, ...]], ...]  # ("1", (2, 3)), …
    residual: frozenset[str]  # fracciones that expect no activity of their own (XII)
    unaligned: tuple[int, ...]  # activities with no fracción and no dimension

    @property
    def has_links(self) -> bool:
        return any(acts for _, acts in self.fracciones + self.dimensiones)

    def activities_of(self, kind: str, code: str) -> tuple[int, ...]:
        pairs = self.fracciones if kind == FRACCION else self.dimensiones
        return dict(pairs).get(code, ())

    @property
    def covered_fracciones(self) -> tuple[str, ...]:
        return tuple(code for code, acts in self.fracciones if acts)

    @property
    def uncovered_fracciones(self) -> tuple[str, ...]:
        """Fracciones no activity serves, the residual XII apart."""
        return tuple(
            code for code, acts in self.fracciones if not acts and code not in self.residual
        )

    @property
    def covered_dimensiones(self) -> tuple[str, ...]:
        return tuple(code for code, acts in self.dimensiones if acts)

    @property
    def uncovered_dimensiones(self) -> tuple[str, ...]:
        return tuple(code for code, acts in self.dimensiones if not acts)

    @property
    def expected_fracciones(self) -> int:
        return sum(1 for code, _ in self.fracciones if code not in self.residual)


def coverage(
    activities: Iterable[int], links: Iterable[AlignmentLink], reference: Reference | None = None
) -> Coverage:
    """Pure: the coverage of the reference's fracciones and dimensions by `links`.

    Links to an activity not in `activities` are ignored (the reader already reported them).
    """
    reference = reference or load_reference()
    numbers = list(dict.fromkeys(activities))
    known = set(numbers)
    by_code: dict[tuple[str, str], set[int]] = {}
    aligned: set[int] = set()
    for link in links:
        if link.activity in known:
            by_code.setdefault((link.kind, link.code), set()).add(link.activity)
            aligned.add(link.activity)
    return Coverage(
        fracciones=tuple(
            (f.numeral, tuple(sorted(by_code.get((FRACCION, f.numeral), ()))))
            for f in reference.fracciones
        ),
        dimensiones=tuple(
            (d.code, tuple(sorted(by_code.get((DIMENSION, d.code), ()))))
            for d in reference.dimensiones
        ),
        residual=frozenset(f.numeral for f in reference.fracciones if f.residual),
        unaligned=tuple(n for n in numbers if n not in aligned),
    )


@dataclass(frozen=True)
class CellProgress:
    """What a matrix cell shows: the activity's own progress, by the rules of loaders.check.progress."""

    activity: int
    achieved: int | None
    programmed: int | None
    real_pct: float | None
    semaforo: str | None
    label: str


def cell_progress(activity: Activity, as_of: date, thresholds: Thresholds | None = None
                  ) -> CellProgress:
    st: ActivityStatus = status(activity, as_of, thresholds or Thresholds())
    return CellProgress(
        activity.number, activity.achieved, activity.programmed, st.real, st.semaforo, st.label
    )


def matrix(
    activities: Sequence[Activity], links: Iterable[AlignmentLink], as_of: date,
    thresholds: Thresholds | None = None,
) -> dict[tuple[int, str, str], CellProgress]:
    """(activity, kind, code) -> the progress shown in that cell, for every link."""
    by_number = {a.number: a for a in activities}
    cells: dict[tuple[int, str, str], CellProgress] = {}
    progress: dict[int, CellProgress] = {}
    for link in links:
        activity = by_number.get(link.activity)
        if activity is None:
            continue
        if link.activity not in progress:
            progress[link.activity] = cell_progress(activity, as_of, thresholds)
        cells[(link.activity, link.kind, link.code)] = progress[link.activity]
    return cells


# -- lines of action taken from the IOM report ---------------------------------------------------

# Words too common to tell two texts apart (folded, four letters or more).
STOPWORDS = frozenset({
    "para", "como", "sobre", "entre", "hacia", "contra", "desde", "este", "esta", "estos",
    "estas", "donde", "cuando", "todos", "todas", "cada", "otros", "otras", "mediante", "traves",
    "ante", "bajo", "tras", "segun", "sean", "sera", "puede", "pueden", "dichos", "dicho",
    "dicha", "hacer", "mayor", "mejor", "tanto", "tambien", "misma", "mismo", "mismos", "cual",
    "cuales", "porque", "pero",
})
STEM = 6  # words compared by their first six letters: "desarrollo" ~ "desarrollar"
MATCH_SHARE = 2 / 3  # share of the quote's words the POA text must contain
MATCH_MIN_WORDS = 4
IOM_FIELDS = (("linea_accion", "Línea de acción"), ("actividad_especifica", "Actividad específica"))


def stems(text: str) -> frozenset[str]:
    """The content words of a text, folded and cut to their first STEM letters."""
    return frozenset(
        w[:STEM] for w in re.findall(r"[a-z]+", fold(text)) if len(w) >= 4 and w not in STOPWORDS
    )


@dataclass(frozen=True)
class IomMatch:
    activity: int
    field: str  # "linea_accion" or "actividad_especifica"
    field_label: str  # "Línea de acción"
    area: AreaPotencial
    share: float  # share of the quote's words found in the POA text


def iom_matches(activities: Iterable[Activity], reference: Reference | None = None
                ) -> tuple[IomMatch, ...]:
    """The POA texts taken from the IOM report's areas with potential for development.

    Rule: a line of action (or actividad específica) matches an area when it contains at least
    two thirds of the area's content words, and at least four of them. Words are compared folded
    (no accents, no case), cut to their first six letters (so "desarrollo" matches "desarrollar"
    and "migrante" matches "migrantes"), leaving out words under four letters and common words.
    """
    reference = reference or load_reference()
    quotes = [(area, stems(area.quote)) for area in reference.areas]
    found: list[IomMatch] = []
    for activity in activities:
        for field, label in IOM_FIELDS:
            words = stems(getattr(activity, field) or "")
            if not words:
                continue
            for area, quote in quotes:
                common = len(quote & words)
                if common >= MATCH_MIN_WORDS and common >= MATCH_SHARE * len(quote):
                    found.append(IomMatch(activity.number, field, label, area,
                                          common / len(quote)))
    return tuple(found)


# -- the cabildo report --------------------------------------------------------------------------

NO_GAPS = (
    "Ninguna: cada fracción del Art. 122 (de la I a la XI) y cada una de las seis dimensiones de "
    "la OIM tienen al menos una actividad."
)


def gap_sentences(cov: Coverage, reference: Reference | None = None) -> tuple[str, ...]:
    """One plain Spanish sentence per fracción or dimension without an activity."""
    reference = reference or load_reference()
    if not cov.has_links:
        return ()
    sentences = [
        f"Fracción {f.numeral} del Art. 122 ({f.title}): «{f.text}». Ninguna actividad del POA "
        "la atiende."
        for f in (reference.fraccion(code) for code in cov.uncovered_fracciones)
    ] + [
        f"Dimensión {d.number} de la OIM, «{d.name}»: ninguna actividad del POA la atiende."
        for d in (reference.dimension(code) for code in cov.uncovered_dimensiones)
    ]
    return tuple(sentences) or (NO_GAPS,)


def report_note(cov: Coverage, sheet: str | None) -> str:
    """Where the alignment comes from and how much of the mandate it covers."""
    if not cov.has_links:
        return ""
    covered = sum(1 for code in cov.covered_fracciones if code not in cov.residual)
    where = f"la hoja «{sheet}» del POA" if sheet else "la hoja de alineación del POA"
    residual = ", ".join(sorted(cov.residual, key=lambda n: ROMAN_VALUES[n.lower()]))
    apart = f" (sin contar la {residual}, que remite a las demás que señale la ley)" if residual else ""
    return (
        f"Según {where}, {covered} de las {cov.expected_fracciones} fracciones del Art. 122"
        f"{apart} y {len(cov.covered_dimensiones)} de las {len(cov.dimensiones)} dimensiones de "
        "la gobernanza de la migración de la OIM tienen al menos una actividad."
    )


def alignment_sheet_of(links: Iterable[AlignmentLink]) -> str | None:
    return next((link.sheet for link in links if link.sheet), None)
