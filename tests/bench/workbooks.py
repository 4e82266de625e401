"""Workbooks the benchmark imports: the sample, a revision of it, and large synthetic ones."""

from __future__ import annotations

import hashlib
import io
from pathlib import Path

import openpyxl

from tests.bench.common import RESULTS_DIR
from tests.paths import REPO_ROOT, SAMPLE_WORKBOOK

WORKBOOK_DIR = RESULTS_DIR / "workbooks"


def sample_revision() -> bytes:
    """The sample POA a month later: a few more goals reached (Cronograma!H6:H8), saved again."""
    book = openpyxl.load_workbook(SAMPLE_WORKBOOK)
    sheet = book["Cronograma"]
    for row, achieved in ((6, 9), (7, 12), (8, 4)):
        sheet.cell(row=row, column=8).value = achieved
        programmed = sheet.cell(row=row, column=6).value
        sheet.cell(row=row, column=9).value = achieved / programmed
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def code_hash(*paths: Path) -> str:
    """A short hash of source files (what a kept result was made with)."""
    digest = hashlib.sha256()
    for path in sorted(paths):
        digest.update(path.relative_to(REPO_ROOT).as_posix().encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def kept(directory: Path, prefix: str, key: str, suffix: str) -> Path:
    """`directory/<prefix>-<key><suffix>`, after removing what older code made under `prefix`."""
    path = directory / f"{prefix}-{key}{suffix}"
    for old in directory.glob(f"{prefix}-*{suffix}"):
        if old != path:
            old.unlink(missing_ok=True)
    return path


def large_workbook(rows: int, seed: int = 0, year: int = 2026) -> Path:
    """One POA workbook with `rows` activities (loaders.synth), kept between runs."""
    from loaders import synth
    from loaders.synth import write_large_workbook

    WORKBOOK_DIR.mkdir(parents=True, exist_ok=True)
    writer = sorted((REPO_ROOT / "loaders" / "write").glob("*.py"))
    path = kept(WORKBOOK_DIR, f"poa-{rows}-s{seed}-{year}",
                code_hash(Path(synth.__file__), *writer), ".xlsx")
    if not path.is_file():
        partial = path.with_suffix(".tmp")
        write_large_workbook(partial, rows, seed=seed, year=year)
        partial.replace(path)
    return path
