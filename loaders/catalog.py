"""The Clasificador por Objeto del Gasto (CONAC): capítulos, conceptos and partidas."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from pathlib import Path

CATALOG_FILE = Path(__file__).with_name("data") / "clasificador_objeto_gasto.csv"


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
