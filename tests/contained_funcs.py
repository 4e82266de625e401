"""What the contained-reading tests run in the child process: module-level functions in a module
that imports almost nothing, so that the child starts at once."""

from __future__ import annotations

import io
import os
import resource
import signal

import python_calamine

from loaders.errors import NotAPoaWorkbook


def calamine_whole_grid(data: bytes) -> int:
    """python-calamine with none of our checks in front: it allocates the rectangle up to the
    farthest cell, which for XFD1048576 is half a terabyte (a native abort, not an exception)."""
    workbook = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
    return workbook.get_sheet_by_index(0).height


def python_memory_error() -> int:
    return len(bytearray(64 << 30))


def endless() -> None:
    while True:
        pass


def abort() -> None:
    os.kill(os.getpid(), signal.SIGABRT)


def bug() -> None:
    raise ValueError("a bug in a reader")


def refuse() -> None:
    raise NotAPoaWorkbook("La hoja «POA» no tiene tabla.")


def child_limits() -> tuple[int, int]:
    return resource.getrlimit(resource.RLIMIT_AS)[0], resource.getrlimit(resource.RLIMIT_CPU)[0]


def measured_read(data: bytes, settings) -> tuple[str, str, float, float]:
    """Read a workbook as an upload is read, in the child: ("read" | "refused", the refusal,
    seconds, the child's peak resident memory in MB)."""
    import time

    from loaders.read.poa import read_workbook

    started = time.perf_counter()
    try:
        read_workbook(data, settings, file_name="forma.xlsx")
        kind, message = "read", ""
    except NotAPoaWorkbook as exc:
        kind, message = "refused", exc.message
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return kind, message, time.perf_counter() - started, peak
