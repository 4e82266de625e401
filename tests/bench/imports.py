"""Importing a workbook against its floor: python-calamine read + Core executemany of its rows.

The dashboard side is `loaders.store.versions.import_workbook` into a new, empty database: open and check
the package, read every sheet, find the tables, parse and check the values, store the version
with its original file, its activities, budget and findings, in one transaction.

The floor reads the same bytes with python-calamine (every worksheet, as the reader does) and
inserts the same activity rows — every column the import stores, already converted — into the
same kind of database, made by the same `make_engine` and `create_schema`, with one SQLAlchemy
Core `executemany` in one transaction. The plan and version rows its activities point to are
written before the clock starts, and the rows are converted before it too: the floor is the
least any import of that workbook has to do.
"""

from __future__ import annotations

import io
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime
from pathlib import Path

import python_calamine
from sqlalchemy import Engine, create_engine, func, insert, select, text
from sqlalchemy.orm import Session

from loaders.imports import import_workbook
from loaders.read.poa import read_poa
from loaders.settings import Settings
from loaders.store.engine import create_schema, make_engine
from loaders.store.schema import ActivityRow, Plan, Version
from loaders.store.versions import activity_values
from tests.bench.common import CORTE, Measurement, alternate
from tests.bench.workbooks import large_workbook
from tests.paths import SAMPLE_WORKBOOK

AS_OF = date.fromisoformat(CORTE)
TARGETS = {"sample": 3.0, "large": 1.2}


def activity_rows(data: bytes, settings: Settings, version_id: int) -> list[dict]:
    """The activity rows an import of `data` stores, column for column (as loaders.store)."""
    return [activity_values(version_id, a) for a in read_poa(data, settings).activities]


def calamine_read(data: bytes) -> int:
    """Every worksheet's cells as Python values; the number of rows read."""
    workbook = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
    try:
        n = 0
        for meta in workbook.sheets_metadata:
            if str(meta.typ) != "SheetTypeEnum.WorkSheet":
                continue
            n += len(workbook.get_sheet_by_name(meta.name).to_python(skip_empty_area=False))
        return n
    finally:
        workbook.close()


def floor_import(engine: Engine, data: bytes, rows: list[dict]) -> int:
    calamine_read(data)
    with engine.begin() as conn:
        conn.execute(insert(ActivityRow), rows)
    return len(rows)


def placeholder_version(engine: Engine) -> int:
    """The plan and version rows the floor's activities belong to (written untimed)."""
    now = datetime.now().replace(microsecond=0)
    with engine.begin() as conn:
        plan_id = conn.execute(insert(Plan).returning(Plan.id), [{
            "key": "piso", "municipio": "", "estado": "", "direccion": "", "area": "",
            "fiscal_year": AS_OF.year, "created_at": now}]).scalar_one()
        return conn.execute(insert(Version).returning(Version.id), [{
            "plan_id": plan_id, "number": 1, "uploaded_at": now, "uploaded_by": "piso",
            "file_name": "piso.xlsx", "sha256": "0" * 64, "size": 0, "as_of": AS_OF,
            "objetivo": "", "objetivos_especificos": "", "year_source": "",
        }]).scalar_one()


def stored_activities(engine: Engine) -> int:
    with Session(engine) as session:
        return session.scalar(select(func.count(ActivityRow.id))) or 0


class Databases:
    """New, empty databases of one kind: SQLite files, or PostgreSQL databases on a throwaway
    server (tests.pg) — one per timed import, so every import starts from the same state."""

    def __init__(self, kind: str, root: Path, settings: Settings) -> None:
        self.kind, self.root, self.settings = kind, root, settings
        self.server = None
        self.count = 0
        self.engines: list[Engine] = []
        if kind == "postgresql":
            from tests.pg import PostgresServer

            self.server = PostgresServer().start()

    def fresh(self) -> Engine:
        self.count += 1
        if self.server is None:
            url = f"sqlite:///{self.root / f'bench-{self.count}.sqlite3'}"
        else:
            name = f"bench_{self.count}"
            admin = create_engine(self.server.url(), isolation_level="AUTOCOMMIT")
            with admin.connect() as conn:
                conn.execute(text(f'CREATE DATABASE "{name}"'))
            admin.dispose()
            url = self.server.url(name)
        engine = make_engine(url, self.settings)
        create_schema(engine)
        self.engines.append(engine)
        return engine

    def close(self) -> None:
        for engine in self.engines:
            engine.dispose()
        if self.server is not None:
            self.server.stop()


@contextmanager
def databases(kind: str) -> Iterator[Databases]:
    with tempfile.TemporaryDirectory(prefix="bench-import-") as tmp:
        settings = Settings(data_dir=Path(tmp) / "data")
        dbs = Databases(kind, Path(tmp), settings)
        try:
            yield dbs
        finally:
            dbs.close()


def measure(name: str, data: bytes, dbs: Databases, reps: int, warmup: int,
            target: float) -> Measurement:
    settings = dbs.settings
    probe = dbs.fresh()
    version_id = placeholder_version(probe)
    rows = activity_rows(data, settings, version_id)
    # Each timed call gets a database prepared before the clock starts.
    ready: dict[str, list] = {"app": [], "floor": []}

    def prepare(n: int) -> None:
        for _ in range(n):
            ready["app"].append(dbs.fresh())
            engine = dbs.fresh()
            ready["floor"].append((engine, placeholder_version(engine)))

    prepare(warmup + reps)
    counts: dict[str, int] = {}

    def app() -> None:
        engine = ready["app"].pop()
        import_workbook(engine, data, settings, file_name=f"{name}.xlsx", uploaded_by="bench",
                        as_of=AS_OF)
        counts["app"] = stored_activities(engine)

    def floor() -> None:
        engine, version = ready["floor"].pop()
        counts["floor"] = floor_import(engine, data, [{**r, "version_id": version} for r in rows])

    paired = alternate(app, floor, reps, warmup)
    if counts["app"] != counts["floor"] or counts["floor"] != len(rows):
        raise AssertionError(f"{name}: the app stored {counts['app']} activities, the floor "
                             f"{counts['floor']}")
    # PostgreSQL works in its own processes, which this process's CPU time does not see.
    clock = "cpu" if dbs.kind == "sqlite" else "wall"
    label = name if dbs.kind == "sqlite" else f"{name} en PostgreSQL"
    return paired.measurement("importar", label, target, clock=clock, activities=len(rows),
                              workbook_bytes=len(data), database=dbs.kind)


def run(sizes: tuple[int, ...] = (1_000, 20_000), reps: int = 5, *, database: str = "sqlite",
        log=print) -> list[Measurement]:
    out = []
    with databases(database) as dbs:
        sample = SAMPLE_WORKBOOK.read_bytes()
        cases = [("Importar el ejemplo (16 actividades)", sample, TARGETS["sample"], reps + 2)]
        for rows in sizes:
            data = large_workbook(rows).read_bytes()
            # The largest workbooks take seconds per import: fewer repetitions, at least 3.
            n = reps if rows <= 1_000 else max(3, reps // 2)
            cases.append((f"Importar {rows:,} actividades", data, TARGETS["large"], n))
        for name, data, target, n in cases:
            warmup = 1 if len(data) < 1_000_000 else 0
            m = measure(name, data, dbs, n, warmup, target)
            log(f"  {m.name}: {m.app:.3f} s / {m.floor:.3f} s")
            out.append(m)
    return out
