"""The open-data files: CSV and JSON of each table and the `LEEME.md` dictionary, written into a
ZIP (a target ending in `.zip`) or a folder (anything else).

CSV: UTF-8 with a byte-order mark (so Excel, which most municipal offices open CSV with, reads
accents and ñ right; `csv` in Python reads it with `encoding="utf-8-sig"`), comma-separated,
`\\r\\n` line ends (RFC 4180), `.` as the decimal point and no thousands separator, dates
`YYYY-MM-DD`, an empty cell for no value, `si`/`no`, months joined by `;`, and a leading
apostrophe on a text that starts like a formula.
JSON: one array of objects per table, with the same keys in the same order; numbers as numbers,
`null`, `true`/`false`, months as an array.
The files always come in the same order with the same columns; the ZIP's entries carry the time
the data was generated.
"""

from __future__ import annotations

import csv
import errno
import io
import json
import os
import tempfile
import zipfile
from datetime import date
from pathlib import Path

from loaders.export.columns import BOOLEAN, DATE, MONTHS, TABLES, TEXT, Table
from loaders.export.dictionary import DICTIONARY, leeme
from loaders.export.rows import OpenData

BOM = "\ufeff"
# A text a spreadsheet would run as a formula (CSV injection) gets a leading apostrophe in the
# CSV, as in the tablero's other CSV and Excel copies; the JSON keeps it as it is.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def csv_value(kind: str, value: object) -> str:
    if value is None:
        return ""
    if kind == BOOLEAN:
        return "si" if value else "no"
    if kind == MONTHS:
        return ";".join(str(m) for m in value)
    if kind == DATE:
        return value.isoformat()
    if kind == TEXT:
        text = str(value)
        return "'" + text if text.startswith(FORMULA_PREFIXES) else text
    if isinstance(value, float):
        text = repr(value)  # the shortest exact form: "11.6", "5000.0"
        return text if "e" not in text else f"{value:f}".rstrip("0").rstrip(".")  # no "1e+16"
    return str(value)


def json_value(kind: str, value: object) -> object:
    if isinstance(value, date):
        return value.isoformat()
    return value


def csv_text(table: Table, rows: list[dict]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(table.names)
    for row in rows:
        writer.writerow([csv_value(c.kind, row[c.name]) for c in table.columns])
    return out.getvalue()


def json_text(table: Table, rows: list[dict]) -> str:
    """A JSON array with one object per line (readable, and a diff shows which rows changed)."""
    objects = [json.dumps({c.name: json_value(c.kind, row[c.name]) for c in table.columns},
                          ensure_ascii=False) for row in rows]
    return "[\n" + ",\n".join(objects) + ("\n" if objects else "") + "]\n"


def file_names() -> list[str]:
    """Every file, in the order they are written."""
    return ([DICTIONARY] + [f"{t.name}.csv" for t in TABLES] + [f"{t.name}.json" for t in TABLES])


def files(data: OpenData) -> list[tuple[str, bytes]]:
    """(name, content) of every file, in `file_names()` order."""
    out = [(DICTIONARY, leeme(data).encode("utf-8"))]
    out += [(f"{t.name}.csv", (BOM + csv_text(t, data.table(t))).encode("utf-8"))
            for t in TABLES]
    out += [(f"{t.name}.json", json_text(t, data.table(t)).encode("utf-8")) for t in TABLES]
    return out


def zip_bytes(data: OpenData) -> bytes:
    stamp = data.generated_at.timetuple()[:6]
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in files(data):
            info = zipfile.ZipInfo(name, date_time=stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, content)
    return out.getvalue()


def is_zip(target: Path) -> bool:
    return target.suffix.lower() == ".zip"


def _make_folder(folder: Path, *, target: bool) -> None:
    """`folder` and its parents, or OSError: EEXIST when `folder` is the target and a file,
    ENOTDIR when a folder on the way is a file."""
    for path in (folder, *folder.parents):
        if path.exists():
            if not path.is_dir():
                code = errno.EEXIST if target and path == folder else errno.ENOTDIR
                raise OSError(code, os.strerror(code), str(path))
            break
    folder.mkdir(parents=True, exist_ok=True)


def write(data: OpenData, target: Path) -> list[str]:
    """Write the files into `target` (a ZIP when it ends in `.zip`, else a folder, created when
    missing); returns the names written. A ZIP is written whole to a temporary file beside it
    and then renamed, so a failure never leaves half a file. Raises OSError."""
    if is_zip(target):
        content = zip_bytes(data)
        _make_folder(target.parent, target=False)
        fd, temporary = tempfile.mkstemp(dir=target.parent, prefix=".datos_abiertos.",
                                         suffix=".zip")
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(content)
            os.chmod(temporary, 0o644)
            os.replace(temporary, target)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
        return file_names()
    _make_folder(target, target=True)
    for name, content in files(data):
        (target / name).write_bytes(content)
    return file_names()
