"""Text normalisation and Mexican number/date formatting used in messages."""

from __future__ import annotations

import re
import unicodedata
from datetime import date

MONTHS = (
    "enero", "febrero", "marzo", "abril", "mayo", "junio",
    "julio", "agosto", "septiembre", "octubre", "noviembre", "diciembre",
)
_SPACES = re.compile(r"\s+")
NUMERIC = re.compile(r"^[+-]?\d+(?:\.\d+)?$")


def strip_accents(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def fold(text: str) -> str:
    """Case-, accent- and spacing-insensitive form of a text (for names)."""
    return _SPACES.sub(" ", strip_accents(str(text)).casefold()).strip()


def header_key(text: object) -> str:
    """Normalised header: folded, `°`/`º` read as `o`, punctuation other than `%` and `#` dropped."""
    folded = fold(str(text).replace("°", "o").replace("º", "o"))
    folded = re.sub(r"[^\w%#]+", " ", folded)
    return _SPACES.sub(" ", folded).strip()


def fmt_number(value: float, decimals: int = 1) -> str:
    """`1,234.5` with trailing `.0` dropped (Mexican separators)."""
    text = f"{value:,.{decimals}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text


def fmt_pct(value: float) -> str:
    """Every percentage with one decimal, `94.0 %` beside `57.7 %`, `1,250.0 %`."""
    return f"{value:,.1f} %"


def fmt_money(value: float) -> str:
    sign = "-" if value < 0 else ""
    return f"{sign}${abs(value):,.2f}"


def fmt_date(value: date) -> str:
    return value.strftime("%d/%m/%Y")


def month_name(month: int) -> str:
    return MONTHS[month - 1]


def is_blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def clean_number_text(text: str) -> str:
    """A typed number without spaces, thousands commas, `$` or `MXN` (`"$ 5,000.00"` → `5000.00`)."""
    return re.sub(r"[\s,$]|mxn|m\.n\.", "", text.strip().lower())


def is_numeric_text(value: object) -> bool:
    """True for a number, or a text that is only a number (`20`, `1,000`, `2.5`)."""
    if isinstance(value, bool) or is_blank(value):
        return False
    if isinstance(value, int | float):
        return True
    return bool(NUMERIC.match(clean_number_text(str(value))))


def activity_title(label: str, number: int, name: str) -> str:
    """ "3. Apostillado", "A-1. Ferias", "2) Becas": the number as the workbook writes it."""
    shown = label or str(number)
    return f"{shown}{'' if shown[-1] in '.)-' else '.'} {name}".rstrip()


def fit_file_name(name: str, limit: int = 300) -> str:
    """A file name cut to `limit` characters keeping its extension ("informe…muy largo….xlsx")."""
    if len(name) <= limit:
        return name
    stem, dot, ext = name.rpartition(".")
    ext = f".{ext}" if dot and len(ext) <= 10 else ""
    stem = stem if ext else name
    return stem[: limit - len(ext) - 1] + "…" + ext
