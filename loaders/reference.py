"""Reference data shipped in `loaders/data` (sources in its README): the CONAC Clasificador por
Objeto del Gasto, the twelve fracciones of Article 122 and the IOM's governance dimensions and
"áreas con potencial de desarrollo" for Zacatecas."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from pathlib import Path

DATA_DIR = Path(__file__).with_name("data")
CATALOG_FILE = DATA_DIR / "clasificador_objeto_gasto.csv"
FRACCIONES_FILE = DATA_DIR / "art122_fracciones.csv"
DIMENSIONES_FILE = DATA_DIR / "oim_dimensiones.csv"
AREAS_FILE = DATA_DIR / "oim_areas_potencial.csv"

FRACCION, DIMENSION = "fraccion", "dimension"


@dataclass(frozen=True)
class Entry:
    code: str
    level: str  # capitulo, concepto, partida_generica, partida_especifica
    name: str
    parent: str


@dataclass(frozen=True)
class Catalog:
    entries: dict[str, Entry]

    def generic_of(self, code: str) -> Entry | None:
        """The partida genérica a 4-digit specific code belongs to (its first three digits)."""
        if len(code) == 4 and code.isdigit():
            entry = self.entries.get(code[:3])
            return entry if entry and entry.level == "partida_generica" else None
        if len(code) == 3:
            entry = self.entries.get(code)
            return entry if entry and entry.level == "partida_generica" else None
        return None

    def is_known(self, code: str) -> bool:
        return self.generic_of(code) is not None

    def official_name(self, code: str) -> str | None:
        entry = self.entries.get(code)
        if entry and entry.level in ("partida_especifica", "partida_generica"):
            return entry.name
        generic = self.generic_of(code)
        return generic.name if generic else None

    def lineage(self, code: str) -> list[Entry]:
        """capítulo, concepto, genérica (and específica when catalogued) of a partida."""
        chain: list[Entry] = []
        entry = self.entries.get(code) or self.generic_of(code)
        while entry:
            chain.append(entry)
            entry = self.entries.get(entry.parent) if entry.parent else None
        return list(reversed(chain))


@cache
def load_catalog(path: Path = CATALOG_FILE) -> Catalog:
    with path.open(encoding="utf-8", newline="") as fh:
        entries = {row["code"]: Entry(**row) for row in csv.DictReader(fh)}
    return Catalog(entries)


# -- Article 122 and the IOM indicators ---------------------------------------------------------


@dataclass(frozen=True)
class Fraccion:
    numeral: str  # "I" … "XII"
    title: str  # our short title
    text: str  # the law's text, verbatim
    residual: bool  # "Las demás que le señale la presente ley…": no activity is expected

    @property
    def number(self) -> int:
        return ROMAN_VALUES[self.numeral.lower()]


@dataclass(frozen=True)
class Dimension:
    number: int  # 1 … 6
    name: str  # as the report's summary names it: "Alianzas"
    heading: str  # the MiGOF heading of its chapter
    description: str

    @property
    def code(self) -> str:
        return str(self.number)


@dataclass(frozen=True)
class AreaPotencial:
    key: str  # "1.b"
    dimension: int
    title: str  # our short title
    quote: str  # verbatim from the report


@dataclass(frozen=True)
class Reference:
    fracciones: tuple[Fraccion, ...]
    dimensiones: tuple[Dimension, ...]
    areas: tuple[AreaPotencial, ...]

    def fraccion(self, numeral: str) -> Fraccion:
        return next(f for f in self.fracciones if f.numeral == numeral)

    def dimension(self, code: str | int) -> Dimension:
        return next(d for d in self.dimensiones if d.code == str(code))


ROMAN_VALUES = {
    "i": 1, "ii": 2, "iii": 3, "iv": 4, "v": 5, "vi": 6, "vii": 7, "viii": 8, "ix": 9, "x": 10,
    "xi": 11, "xii": 12,
}
def _read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


@cache
def load_reference() -> Reference:
    fracciones = tuple(
        Fraccion(r["numeral"], r["titulo"], r["texto"], r["residual"].strip().lower() == "si")
        for r in _read_csv(FRACCIONES_FILE)
    )
    dimensiones = tuple(
        Dimension(int(r["numero"]), r["nombre"], r["encabezado"], r["descripcion"])
        for r in _read_csv(DIMENSIONES_FILE)
    )
    areas = tuple(
        AreaPotencial(r["clave"], int(r["dimension"]), r["titulo"], r["cita"])
        for r in _read_csv(AREAS_FILE)
    )
    return Reference(fracciones, dimensiones, areas)
