"""Parsing of cell values as areas really type them: dates, counts, percentages, money, marks."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from loaders.text import MONTHS, NUMERIC, clean_number_text, fold, is_blank

_EXCEL_EPOCH = date(1899, 12, 30)
_ABBREVIATIONS = {name[:3]: i + 1 for i, name in enumerate(MONTHS)} | {"set": 9, "sept": 9}
_DAY_FIRST = re.compile(r"^(\d{1,2})[/\-. ](\d{1,2})[/\-. ](\d{2}|\d{4})$")
_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T].*)?$")
_WORDS = re.compile(
    r"^(\d{1,2})(?:o|ro)?(?:\s+de\s+|[\s\-/.]+)([a-z]+)\.?,?(?:\s+del?\s+|[\s\-/.,]+)(\d{2}|\d{4})$"
)
# An activity's number as people write it: 1, 01, 1., 1.-, 1), A-1, A.1, Act. 1, Actividad 1, No. 1.
_LABEL = re.compile(
    r"^(?:(?:actividad|activ|act|no|num|n)\b\.?\s*)?(?:([a-z]{1,3})\s*[-.]?\s*)?(\d{1,9})"
    r"\s*(?:\.-|[.)\-])?$"
)
_QUARTER_WORDS = {
    "primer": 1, "primero": 1, "1er": 1, "1ro": 1, "1o": 1, "segundo": 2, "2do": 2, "2o": 2,
    "tercer": 3, "tercero": 3, "3er": 3, "3ro": 3, "3o": 3, "cuarto": 4, "4to": 4, "4o": 4,
}


# The largest whole count stored (a 32-bit INTEGER column, on SQLite and on PostgreSQL).
MAX_COUNT = 2_147_483_647


class Invalid(ValueError):
    """The cell holds something that cannot be read as the expected kind of value."""


class TooLarge(Invalid):
    """The cell holds a whole number beyond what can be stored (`limit`)."""

    def __init__(self, text: str, limit: float) -> None:
        super().__init__(text)
        self.limit = limit


def parse_number(value: object) -> float | None:
    """A number from `5000`, `"5,000.00"`, `"$ 5,000.00"`, `"(1,000.00)"`; None when blank."""
    if is_blank(value):
        return None
    if isinstance(value, bool):
        raise Invalid(str(value))
    if isinstance(value, int | float):
        if isinstance(value, float) and not math.isfinite(value):
            raise Invalid(str(value))
        return float(value)
    if isinstance(value, str):
        text = clean_number_text(value)
        negative = text.startswith("(") and text.endswith(")")
        text = text.strip("()")
        if NUMERIC.match(text):
            number = float(text)
            return -number if negative else number
    raise Invalid(str(value))


def parse_count(value: object) -> int | None:
    """A whole count (`20`, `20.0`, `"20"`); None when blank. TooLarge beyond ±MAX_COUNT."""
    number = parse_number(value)
    if number is None:
        return None
    if abs(number - round(number)) > 1e-9:
        raise Invalid(str(value))
    if abs(number) > MAX_COUNT:
        raise TooLarge(str(value), MAX_COUNT)
    return round(number)


def parse_percent(value: object, *, percent_format: bool, fractions: bool) -> float | None:
    """A percentage in points (30.0) from `0.3` formatted as %, `30`, or the text `"30%"`.

    `percent_format` says the cell is formatted as a percentage; `fractions` says the column
    holds fractions of one (all its plain numbers are between 0 and 1).
    """
    if is_blank(value):
        return None
    if isinstance(value, str):
        text = value.strip()
        if text.endswith("%"):
            number = parse_number(text[:-1])
            if number is None:
                raise Invalid(value)
            return number
        number = parse_number(text)
        return None if number is None else (number * 100 if fractions else number)
    number = parse_number(value)
    if number is None:
        return None
    return number * 100 if (percent_format or fractions) else number


def looks_like_fraction_column(values: list[object]) -> bool:
    """True when every plain number of a percentage column lies in [0, 1.5] and one is not whole."""
    numbers = [float(v) for v in values if isinstance(v, int | float) and not isinstance(v, bool)]
    if not numbers or any(n < 0 or n > 1.5 for n in numbers):
        return False
    return any(0 < n < 1 for n in numbers) or all(n in (0, 1) for n in numbers)


def parse_date(value: object) -> date | None:
    """A date from an Excel date, an Excel serial number or a day-first text (`05/02/2026`)."""
    if is_blank(value):
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        if 1 <= value < 2_958_466:
            return _EXCEL_EPOCH + timedelta(days=int(value))
        raise Invalid(str(value))
    if isinstance(value, str):
        text = fold(value)
        try:
            if m := _DAY_FIRST.match(text):
                day, month, year = (int(g) for g in m.groups())
                return date(_full_year(year), month, day)
            if m := _ISO.match(text):
                year, month, day = (int(g) for g in m.groups())
                return date(year, month, day)
            if m := _WORDS.match(text):
                day, word, year = m.groups()
                month = _month_from_word(word)
                if month:
                    return date(_full_year(int(year)), month, int(day))
        except ValueError as exc:
            raise Invalid(value) from exc
    raise Invalid(str(value))


def _full_year(year: int) -> int:
    return year + 2000 if year < 100 else year


def _month_from_word(word: str) -> int | None:
    if word in MONTHS:
        return MONTHS.index(word) + 1
    return _ABBREVIATIONS.get(word[:4]) or _ABBREVIATIONS.get(word[:3])


@dataclass(frozen=True)
class Label:
    """An activity's number as written (`A-1`), its key for joining tables, and its integer."""

    written: str
    key: str  # "1" for 1, 01, 1., 1.-, 1) and Act. 1; "a-1" for A-1 and A.1
    number: int


def parse_label(value: object) -> Label | None:
    """The activity number a cell holds, as people write it; None when blank.

    Raises Invalid when the cell holds something else (a text, a fraction such as 1.5) and
    TooLarge for a whole number beyond what can be stored.
    """
    if is_blank(value) or isinstance(value, bool):
        if is_blank(value):
            return None
        raise Invalid(str(value))
    if isinstance(value, int | float):
        number = parse_count(value)
        return Label(str(number), str(number), number)
    written = str(value).strip()
    m = _LABEL.match(fold(written))
    if not m:
        raise Invalid(written)
    prefix, digits = m.groups()
    number = int(digits)
    if number > MAX_COUNT:
        raise TooLarge(written, MAX_COUNT)
    key = f"{prefix}-{number}" if prefix else str(number)
    return Label(written, key, number)


def quarter_from_header(value: object) -> int | None:
    """The quarter a header cell names: `T1`, `1er trimestre`, `Trimestre 1`, `Ene–Mar`."""
    if not isinstance(value, str):
        return None
    text = fold(value).replace("–", "-").replace("—", "-")
    words = re.findall(r"[a-z0-9]+", text)
    if not words:
        return None
    if len(words) == 1 and (m := re.fullmatch(r"(?:t|q|trim)([1-4])|([1-4])t", words[0])):
        return int(m.group(1) or m.group(2))
    if any(w.startswith("trim") for w in words) and len(words) <= 3:
        for w in words:
            if w in _QUARTER_WORDS:
                return _QUARTER_WORDS[w]
            if w in ("1", "2", "3", "4"):
                return int(w)
        return None
    months = [m for m in (_month_from_word(w) for w in words if len(w) >= 3) if m]
    if len(words) == 2 and len(months) == 2 and months[1] - months[0] == 2 and months[0] % 3 == 1:
        return (months[0] + 2) // 3
    return None


def month_from_header(value: object) -> int | None:
    """The month a header cell names: `Enero`, `ENE`, `Sept.`, or a date formatted as a month."""
    if isinstance(value, date):
        return value.month
    if not isinstance(value, str):
        return None
    words = re.findall(r"[a-z]+", fold(value))
    if not words:
        return None
    last = words[-1]
    if last in MONTHS:
        return MONTHS.index(last) + 1
    if len(words) <= 2 and last in _ABBREVIATIONS:
        return _ABBREVIATIONS[last]
    if last == "setiembre":
        return 9
    return None


def is_mark(value: object) -> bool:
    """A month is marked by any value (`X`, `✓`, `1`, a number) except blank, 0, `-` or `no`."""
    if is_blank(value):
        return False
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float):
        return value != 0
    return fold(str(value)) not in {"0", "-", "--", "no", "n"}


def as_text(value: object) -> str:
    """A cell as text as the user sees it: `20.0` becomes `20`, dates become dd/mm/aaaa."""
    if is_blank(value):
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    return str(value).strip()
