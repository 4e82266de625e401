"""The optional "Alineación" sheet of a POA workbook: which activities serve which fracción of
Article 122 and which dimension of the IOM's local migration governance indicators (IGM).
The sheet
    Found by its name: any sheet whose folded name contains ``alineacion`` ("Alineación",
    "ALINEACION POA"…); the first one wins. Its table is found by its header row: a number header
    (``Nº``, ``No.``, ``Num.``… as for the activity table) plus at least one alignment column:

    * a list of fracciones, a column whose header names them ("Fracciones", "Fracción(es) Art.
      122", "Facultades"); cells such as ``I, III``, ``III y V``, ``Fracc. II``, ``I; IV``;
    * a list of dimensions ("Dimensiones", "Dimensión OIM", "IGM"); cells by number (``1``,
      ``2 y 5``, ``Dimensión 3``) or by name, with or without accents ("Alianzas", "Movilidad en
      situaciones de crisis");
    * or one column per fracción (headers ``I`` … ``XII``, ``Fracc. I``, or numerals under a
      merged "Fracciones" header) or per dimension (``Dimensión 1``, a dimension's name, or
      ``1`` … ``6`` under a "Dimensiones OIM" header), marked with ``X``, ``✓`` or any value except
      blank, ``0``, ``-`` or ``no``.

    Fracciones are written in Roman numerals, as the law numbers them. An Arabic number in a
    fracción cell (``2``) is NOT read as a fracción: it is reported as UNKNOWN_FRACCION (with a
    hint, "¿la fracción II?"), because in these sheets Arabic numbers are activity and dimension
    numbers, and guessing would silently align an activity to the wrong faculty.

Findings (warnings; the import goes on and the value is left out): UNKNOWN_FRACCION,
UNKNOWN_DIMENSION, ALIGNMENT_UNKNOWN_ACTIVITY (an Nº that is not in the activity table, or a row
without Nº), ALIGNMENT_NO_TABLE (the sheet is there but has no such header). A workbook without
the sheet has no alignment and no finding.
"""


from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from loaders.model import AlignmentLink, Finding
from loaders.read.grid import Sheet, cell_name
from loaders.read.tables import NUMBER_KEYS, header_labels
from loaders.read.values import Invalid, TooLarge, as_text, is_mark, parse_count
from loaders.reference import DIMENSION, FRACCION, ROMAN_VALUES, load_reference
from loaders.text import fold, header_key, is_blank, strip_accents

SHEET_KEY = "alineacion"
MAX_SUBHEADER_ROWS = 3
MAX_CANDIDATES = 20  # number headers tried on the sheet before giving up

_ROMAN = re.compile(r"^m{0,3}(cm|cd|d?c{0,3})(xc|xl|l?x{0,3})(ix|iv|v?i{0,3})$")
# Other ways a sheet names a dimension, besides its name and its chapter heading (folded).
DIMENSION_ALIASES = {
    1: ("derechos de los migrantes", "derechos de las personas migrantes", "derechos"),
    2: ("gobierno integral", "enfoque de gobierno integral"),
    3: ("alianzas",),
    4: ("bienestar socioeconomico", "bienestar"),
    5: ("movilidad en situaciones de crisis", "situaciones de crisis", "crisis"),
    6: ("migracion segura ordenada y regular", "migracion segura"),
}



# -- parsing one cell ----------------------------------------------------------------------------

# Separators between items of a list cell (lower case, no accents): "I, III", "III y V", "I; IV".
_SPLIT = re.compile(r"\s*(?:[,;/+&\n]|\by\b|\be\b)\s*")
_PUNCT = re.compile(r"[.():°º#*\[\]]+")
_FRACCION_WORDS = {
    "fraccion", "fracciones", "fracc", "fraccs", "frac", "fracs", "fr", "frs", "art", "arts",
    "articulo", "122", "facultad", "facultades", "n", "no", "num", "numero",
}
_DIMENSION_WORDS = {
    "dimension", "dimensiones", "dim", "dims", "d", "oim", "igm", "iom", "n", "no", "num",
    "numero",
}
_NOTHING = {"", "-", "--", "na", "n a", "n/a", "ninguna", "ninguno", "no aplica", "sin", "0"}


@dataclass(frozen=True)
class Parsed:
    codes: tuple[str, ...]  # "III", or "3" for a dimension
    unknown: tuple[str, ...]  # items that name no fracción / dimension, as written


def _words(item: str, drop: set[str]) -> list[str]:
    """The words of one list item, prefixes dropped; a dash becomes the word "~" (a range)."""
    item = re.sub(r"\s*[-–—]\s*", " ~ ", item)
    item = re.sub(r"\b(d|dim)(\d)", r"\1 \2", item)  # "D2", "Dim2"
    return [w for w in _PUNCT.sub(" ", item).split() if w not in drop]


def _codes(words: list[str], values: dict[str, int]) -> list[int] | None:
    """The numbers `words` name: each one a code ("i iii"), or a range ("i ~ iii", "ii a v");
    None when a word names nothing."""
    if len(words) == 3 and words[1] in {"~", "a", "al"}:
        first, last = values.get(words[0]), values.get(words[2])
        if first is not None and last is not None and first < last:
            return list(range(first, last + 1))
        return None
    words = [w for w in words if w != "~"]
    if words and all(w in values for w in words):
        return [values[w] for w in words]
    return None


def _texts(value: object) -> tuple[str, str]:
    """The cell as written and its normal form (lower case, no accents) of the same length, so
    that a span found in one cuts the other."""
    written = as_text(value)
    normal = strip_accents(written).lower()
    return (written, normal) if len(normal) == len(written) else (normal, normal)


def _cut(written: str, normal: str, spans: list[tuple[int, int]]) -> tuple[str, str]:
    """Both texts with `spans` replaced by a comma (a list separator) and padding."""
    for start, end in sorted(spans, reverse=True):
        filler = "," + " " * (end - start - 1)
        written = written[:start] + filler + written[end:]
        normal = normal[:start] + filler + normal[end:]
    return written, normal


def _items(written: str, normal: str) -> list[tuple[str, str]]:
    """(as written, normal form) of each item of a list cell."""
    items: list[tuple[str, str]] = []
    start = 0
    for sep in [*_SPLIT.finditer(normal), None]:
        end = sep.start() if sep else len(normal)
        items.append((written[start:end].strip(), " ".join(normal[start:end].split())))
        start = sep.end() if sep else end
    return items


def _parse(written: str, normal: str, drop: set[str], values: dict[str, int],
           code_of: dict[int, str]) -> tuple[list[str], list[str]]:
    codes: list[str] = []
    unknown: list[str] = []
    for item, folded in _items(written, normal):
        words = _words(folded, drop)
        if folded in _NOTHING or not [w for w in words if w != "~"]:
            continue
        numbers = _codes(words, values)
        if numbers is None:
            unknown.append(item)
        else:
            codes.extend(code_of[n] for n in numbers)
    return codes, unknown


def parse_fracciones(value: object) -> Parsed:
    """The fracciones a cell names: ``"I, III"``, ``"III y V"``, ``"Fracc. II"``, ``"I a III"``."""
    written, normal = _texts(value)
    if " ".join(normal.split()) in _NOTHING:
        return Parsed((), ())
    numerals = {v: k.upper() for k, v in ROMAN_VALUES.items()}
    codes, unknown = _parse(written, normal, _FRACCION_WORDS, ROMAN_VALUES, numerals)
    return Parsed(tuple(dict.fromkeys(codes)), tuple(unknown))


def _alias_patterns() -> list[tuple[re.Pattern[str], str]]:
    reference = load_reference()
    names: list[tuple[str, str]] = []
    for d in reference.dimensiones:
        for alias in (d.name, d.heading, *DIMENSION_ALIASES.get(d.number, ())):
            names.append((" ".join(_PUNCT.sub(" ", fold(alias)).replace(",", " ").split()), d.code))
    names.sort(key=lambda item: -len(item[0]))  # longest first: "derechos de…" before "derechos"
    return [
        (re.compile(r"\b" + r"[\s,]+".join(map(re.escape, alias.split())) + r"\b"), code)
        for alias, code in names
    ]


_ALIASES: list[tuple[re.Pattern[str], str]] = []


def parse_dimensiones(value: object) -> Parsed:
    """The dimensions a cell names: by number (``"1, 3"``, ``"Dimensión 2"``) or by name."""
    if not _ALIASES:
        _ALIASES.extend(_alias_patterns())
    written, normal = _texts(value)
    if " ".join(normal.split()) in _NOTHING:
        return Parsed((), ())
    codes: list[str] = []
    for pattern, code in _ALIASES:
        spans = [m.span() for m in pattern.finditer(normal)]
        if spans:
            codes.append(code)
            written, normal = _cut(written, normal, spans)
    valid = {d.code: d.number for d in load_reference().dimensiones}
    more, unknown = _parse(written, normal, _DIMENSION_WORDS, valid,
                           {n: c for c, n in valid.items()})
    return Parsed(tuple(dict.fromkeys(codes + more)), tuple(unknown))


def _arabic_hint(item: str) -> str:
    """«¿la fracción II?» for an Arabic 2, else ""."""
    if item.isdigit() and 1 <= int(item) <= 12:
        numeral = next(k for k, v in ROMAN_VALUES.items() if v == int(item)).upper()
        return f" (¿la fracción {numeral}?)"
    return ""


# -- finding the sheet and its table -------------------------------------------------------------


def is_alignment_sheet(name: str) -> bool:
    return SHEET_KEY in header_key(name).replace(" ", "")


def alignment_sheet(sheets: Iterable[Sheet]) -> Sheet | None:
    return next((s for s in sheets if is_alignment_sheet(s.name)), None)


@dataclass
class _Layout:
    top: int
    bottom: int
    key: int
    fraccion_lists: list[int]
    dimension_lists: list[int]
    fraccion_cols: dict[int, str]  # column -> "III"
    dimension_cols: dict[int, str]  # column -> "3"
    bad_headers: list[tuple[int, int, str]]  # (row, col, text): a non-fracción under "Fracciones"

    @property
    def useful(self) -> bool:
        return bool(
            self.fraccion_lists or self.dimension_lists or self.fraccion_cols
            or self.dimension_cols
        )


def _is_number_header(value: object) -> bool:
    return isinstance(value, str) and header_key(value) in NUMBER_KEYS


def _is_fraccion_label(label: str) -> bool:
    return "fracc" in label or "facultad" in label or "art 122" in label


def _is_dimension_label(label: str) -> bool:
    words = set(label.split())
    return "dimension" in label or bool(words & {"oim", "igm", "iom"})


def _single_fraccion(value: object, under_group: bool) -> str | None:
    text = fold(as_text(value))
    words = _PUNCT.sub(" ", text).split()
    has_prefix = any(w in _FRACCION_WORDS - {"n", "no", "num", "numero"} for w in words)
    parsed = parse_fracciones(value)
    if len(parsed.codes) == 1 and not parsed.unknown:
        bare = len(words) == 1
        if under_group or has_prefix or bare:
            return parsed.codes[0]
    return None


def _single_dimension(value: object, under_group: bool) -> str | None:
    if isinstance(value, int | float) and not isinstance(value, bool) and not under_group:
        return None  # a bare number is a dimension only under a "Dimensiones" header
    text = fold(as_text(value))
    parsed = parse_dimensiones(value)
    if len(parsed.codes) != 1 or parsed.unknown:
        return None
    named = not any(ch.isdigit() for ch in text)
    prefixed = bool(set(_PUNCT.sub(" ", text).split()) & {"dimension", "dim", "d"})
    return parsed.codes[0] if (under_group or named or prefixed) else None


def _is_code_header(value: object) -> bool:
    """A sub-header naming one fracción or one dimension (rows under a merged group header)."""
    if is_blank(value):
        return False
    return bool(
        _single_fraccion(value, True) or _single_dimension(value, True)
    )


def _header_bottom(sheet: Sheet, top: int, key: int) -> int:
    bottom = top
    for r in range(top + 1, min(top + 1 + MAX_SUBHEADER_ROWS, len(sheet.rows))):
        if sheet.is_blank_row(r) or not is_blank(sheet.value(r, key)):
            break
        if not any(_is_code_header(v) for v in sheet.rows[r]):
            break
        bottom = r
    return bottom


def _layout(sheet: Sheet, top: int, key: int) -> _Layout:
    bottom = _header_bottom(sheet, top, key)
    layout = _Layout(top, bottom, key, [], [], {}, {}, [])
    for c, parts in enumerate(header_labels(sheet, top, bottom)):
        if c == key or not parts:
            continue
        label = header_key(" ".join(as_text(p) for p in parts))
        group = header_key(" ".join(as_text(p) for p in parts[:-1]))
        last = parts[-1]
        in_fracciones = _is_fraccion_label(group)
        in_dimensiones = _is_dimension_label(group)
        if (code := _single_fraccion(last, in_fracciones)) and not in_dimensiones:
            layout.fraccion_cols.setdefault(c, code)
        elif code := _single_dimension(last, in_dimensiones):
            layout.dimension_cols.setdefault(c, code)
        elif in_fracciones and len(parts) > 1:
            layout.bad_headers.append((bottom, c, as_text(last)))
        elif _is_fraccion_label(label):
            layout.fraccion_lists.append(c)
        elif _is_dimension_label(label):
            layout.dimension_lists.append(c)
    return layout


def _find_layout(sheet: Sheet) -> _Layout | None:
    """The first number header with alignment columns (of the first MAX_CANDIDATES tried)."""
    tried = 0
    for r, row in enumerate(sheet.rows):
        for c, value in enumerate(row):
            if _is_number_header(value):
                layout = _layout(sheet, r, c)
                if layout.useful:
                    return layout
                tried += 1
                if tried >= MAX_CANDIDATES:
                    return None
    return None


# -- reading the sheet ---------------------------------------------------------------------------


@dataclass(frozen=True)
class AlignmentRead:
    sheet: str | None  # the alignment sheet's name, None when the workbook has none
    links: tuple[AlignmentLink, ...]
    findings: tuple[Finding, ...]


def _warning(code: str, message: str, sheet: Sheet, row: int | None = None,
             col: int | None = None, activity: int | None = None) -> Finding:
    return Finding(
        code=code, severity="warning", message=message, activity=activity, sheet=sheet.name,
        cell=cell_name(row, col) if row is not None and col is not None else None,
    )


def read_alignment(sheets: Sequence[Sheet], activities: Iterable[int]) -> AlignmentRead:
    """The alignment links of a workbook and the findings met reading them."""
    sheet = alignment_sheet(sheets)
    if sheet is None:
        return AlignmentRead(None, (), ())
    layout = _find_layout(sheet)
    if layout is None:
        return AlignmentRead(sheet.name, (), (_warning(
            "ALIGNMENT_NO_TABLE",
            f"La hoja «{sheet.name}» no tiene una fila de encabezados con «Nº» y «Fracciones» o "
            "«Dimensiones»; no se leyó la alineación.", sheet),))
    known = set(activities)
    links: dict[tuple[int, str, str], AlignmentLink] = {}
    findings: list[Finding] = [
        _warning(
            "UNKNOWN_FRACCION",
            f"El encabezado «{text}» de la hoja «{sheet.name}» no es una fracción del Art. 122 "
            f"(se escriben con números romanos, de la I a la XII){_arabic_hint(fold(text))}; "
            "esa columna no se tomó en cuenta.", sheet, row, col)
        for row, col, text in layout.bad_headers
    ]
    columns = (
        layout.fraccion_lists + layout.dimension_lists + list(layout.fraccion_cols)
        + list(layout.dimension_cols)
    )
    for r in range(layout.bottom + 1, len(sheet.rows)):
        raw = sheet.value(r, layout.key)
        if is_blank(raw):
            if any(not is_blank(sheet.value(r, c)) for c in columns):
                findings.append(_warning(
                    "ALIGNMENT_UNKNOWN_ACTIVITY",
                    f"La fila {r + 1} de «{sheet.name}» tiene alineación pero no tiene Nº de "
                    "actividad; no se tomó en cuenta.", sheet, r, layout.key))
            continue
        try:
            number = parse_count(raw)
        except TooLarge:
            number = -1
        except Invalid:
            break  # a text in the Nº column: the table ended (notes, another table)
        if number not in known:
            findings.append(_warning(
                "ALIGNMENT_UNKNOWN_ACTIVITY",
                f"La hoja «{sheet.name}» alinea la actividad «{as_text(raw)}», que no está en la "
                "tabla de actividades; esa fila no se tomó en cuenta.", sheet, r, layout.key))
            continue
        found: list[tuple[str, str, int]] = []  # (kind, code, column)
        for c in layout.fraccion_lists:
            parsed = parse_fracciones(sheet.value(r, c))
            found.extend((FRACCION, code, c) for code in parsed.codes)
            for item in parsed.unknown:
                findings.append(_warning(
                    "UNKNOWN_FRACCION",
                    f"Actividad {number}: «{item}» no es una fracción del Art. 122 (se escriben "
                    f"con números romanos, de la I a la XII){_arabic_hint(item)}; no se tomó en "
                    "cuenta.", sheet, r, c, number))
        for c in layout.dimension_lists:
            parsed = parse_dimensiones(sheet.value(r, c))
            found.extend((DIMENSION, code, c) for code in parsed.codes)
            for item in parsed.unknown:
                findings.append(_warning(
                    "UNKNOWN_DIMENSION",
                    f"Actividad {number}: «{item}» no es una de las seis dimensiones de la "
                    "gobernanza de la migración de la OIM (del 1 al 6, o su nombre); no se tomó "
                    "en cuenta.", sheet, r, c, number))
        for c, code in layout.fraccion_cols.items():
            if is_mark(sheet.value(r, c)):
                found.append((FRACCION, code, c))
        for c, code in layout.dimension_cols.items():
            if is_mark(sheet.value(r, c)):
                found.append((DIMENSION, code, c))
        for kind, code, c in found:
            links.setdefault(
                (number, kind, code),
                AlignmentLink(number, kind, code, sheet.name, cell_name(r, c)),
            )
    return AlignmentRead(sheet.name, tuple(links.values()), tuple(findings))


