"""The plan's identity: municipio, dirección, área and fiscal year, as the workbook states them."""

from __future__ import annotations

import re
from collections import Counter

from loaders.read.grid import Sheet
from loaders.read.values import as_text
from loaders.text import fold, is_blank

STATES = {
    "ags": "Aguascalientes", "aguascalientes": "Aguascalientes", "bc": "Baja California",
    "bcs": "Baja California Sur", "camp": "Campeche", "chis": "Chiapas", "chih": "Chihuahua",
    "cdmx": "Ciudad de México", "coah": "Coahuila", "col": "Colima", "dgo": "Durango",
    "gto": "Guanajuato", "gro": "Guerrero", "hgo": "Hidalgo", "jal": "Jalisco",
    "mex": "México", "edomex": "México", "mich": "Michoacán", "mor": "Morelos", "nay": "Nayarit",
    "nl": "Nuevo León", "oax": "Oaxaca", "pue": "Puebla", "qro": "Querétaro",
    "qroo": "Quintana Roo", "slp": "San Luis Potosí", "sin": "Sinaloa", "son": "Sonora",
    "tab": "Tabasco", "tamps": "Tamaulipas", "tlax": "Tlaxcala", "ver": "Veracruz",
    "yuc": "Yucatán", "zac": "Zacatecas", "zacatecas": "Zacatecas", "jalisco": "Jalisco",
    "durango": "Durango", "coahuila": "Coahuila",
}
_LABELS = {
    "municipio": "municipio", "h ayuntamiento": "municipio", "ayuntamiento": "municipio",
    "direccion": "direccion", "dependencia": "direccion", "secretaria": "direccion",
    "area": "area", "unidad administrativa": "area", "departamento": "area",
    "coordinacion": "area", "objetivo": "objetivo", "objetivo general": "objetivo",
    "objetivos especificos": "objetivos_especificos", "objetivo especifico": "objetivos_especificos",
    "ano": "year", "ano fiscal": "year", "ejercicio": "year", "ejercicio fiscal": "year",
}
_PLACE = re.compile(r"^([a-z][a-z .]{2,40}?),\s*([a-z .]{2,16}?)\.?$")
_MUNICIPIO_OF = re.compile(r"\b(?:municipio|ayuntamiento)\s+(?:constitucional\s+)?de\s+([a-z][a-z ]{2,40})")
_YEAR_HEADING = re.compile(
    r"(?:poa|plan operativo anual|programa operativo anual|cronograma|ejercicio fiscal|ejercicio|"
    r"ano fiscal|meta programada|metas)\D{0,20}?(20\d\d)\b|\b(20\d\d)\s+(?:cronograma|meta|poa)"
)
_SMALL_WORDS = {"de", "del", "la", "las", "los", "y", "el", "e"}


def title_case(text: str) -> str:
    words = text.strip().split()
    return " ".join(
        w.lower() if i and w.lower() in _SMALL_WORDS else w[:1].upper() + w[1:].lower()
        for i, w in enumerate(words)
    )


def labelled_values(sheet: Sheet, rows: range) -> dict[str, str]:
    """`Dirección: X` in one cell, or `Dirección:` with X in the next filled cell of the row."""
    found: dict[str, str] = {}
    for r in rows:
        cells = sheet.rows[r] if r < len(sheet.rows) else []
        for c, value in enumerate(cells):
            if not isinstance(value, str) or not value.strip():
                continue
            head, sep, tail = value.partition(":")
            key = re.sub(r"[^a-z ]", " ", fold(head))
            key = " ".join(key.split())
            name = _LABELS.get(key)
            if not name or name in found:
                continue
            text = tail.strip()
            if not text:
                nxt = next((v for v in cells[c + 1 :] if not is_blank(v)), None)
                if nxt is None or (not sep and not isinstance(nxt, str)):
                    continue
                text = as_text(nxt)
            if text:
                found[name] = text
    return found


def place_from_text(value: object) -> tuple[str, str] | None:
    """("Sombrerete", "Zacatecas") from a line such as `SOMBRERETE, ZAC.`."""
    if not isinstance(value, str):
        return None
    folded = fold(value)
    m = _PLACE.match(folded)
    if m:
        state = STATES.get(m.group(2).replace(".", "").replace(" ", ""))
        if state:
            original = value.strip().split(",")[0]
            return title_case(original), state
    m = _MUNICIPIO_OF.search(folded)
    if m:
        start = m.start(1)
        original = strip_to_length(value, folded, start, len(m.group(1)))
        return title_case(original), ""
    return None


def strip_to_length(original: str, folded: str, start: int, length: int) -> str:
    # Accent stripping keeps the length of Spanish text, so offsets carry over.
    if len(original) == len(folded):
        return original[start : start + length].strip()
    return folded[start : start + length].strip()


def heading_years(texts: list[str]) -> list[int]:
    years: list[int] = []
    for text in texts:
        for m in _YEAR_HEADING.finditer(fold(text)):
            years.append(int(m.group(1) or m.group(2)))
    return years


def most_common(values: list) -> object | None:
    counts = Counter(v for v in values if v not in (None, ""))
    return counts.most_common(1)[0][0] if counts else None
