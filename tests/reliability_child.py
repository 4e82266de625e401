"""Child process of tests/test_reliability.py: an import that stops inside its transaction.

    python -m tests.reliability_child URL WORKBOOK IDENTITY_JSON

Imports WORKBOOK into URL with `import_workbook`. Right after the first INSERT into `activity`
has run (the version, its original file and a batch of activities are written but not
committed) it prints MARKER on stdout and sleeps, so the parent can kill it with SIGKILL at a
known point. If it is never killed it prints FINISHED after the import.
"""

from __future__ import annotations

import json
import sys
import time
from datetime import date
from pathlib import Path

from sqlalchemy import event

from loaders.imports import import_workbook
from loaders.settings import Settings
from loaders.store.engine import make_engine

MARKER = "DENTRO-DE-LA-TRANSACCION"
FINISHED = "IMPORTACION-TERMINADA"
AS_OF = date(2026, 11, 21)


def main(argv: list[str]) -> int:
    url, workbook, identity = argv
    settings = Settings()
    engine = make_engine(url, settings)

    @event.listens_for(engine, "after_cursor_execute")
    def _stop_in_the_middle(conn, cursor, statement, parameters, context, executemany) -> None:
        if statement.lstrip().upper().startswith("INSERT INTO ACTIVITY"):
            print(MARKER, flush=True)
            time.sleep(600)

    path = Path(workbook)
    import_workbook(engine, path.read_bytes(), settings, file_name=path.name,
                    uploaded_by="proceso-interrumpido", as_of=AS_OF,
                    identity=json.loads(identity))
    print(FINISHED, flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
