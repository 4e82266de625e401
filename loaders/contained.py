"""Reading an uploaded file in a child process with bounded memory and time.

The checks before parsing (`loaders.read.package` and the other format guards) refuse every hostile
shape we know of, but the parsers under them are native code (python-calamine is Rust): one shape
nobody foresaw and the allocation of a huge sheet aborts the whole process, or a loop holds a server
worker for minutes. `run_contained` runs the read in a child process forked from a small server
process that has the readers already imported (multiprocessing's *forkserver*, so a child costs a
fork, not an interpreter start), with an address-space limit (`RLIMIT_AS`) and a CPU-time limit set
in the child, and a wall-clock deadline kept by the parent. Whatever the child does — a Python
`MemoryError`, a native abort, a crash, an endless loop — the caller gets `NotAPoaWorkbook` with one
plain Spanish sentence, which the upload pages show and audit like any other refusal.

At most `read_slots` files are read at once on one machine, whatever the number of server workers:
a slot is an exclusive lock (`flock`) on a file of the slots folder, released by the kernel when its
holder ends. A reader that finds every slot taken waits (as long as one read may take) and then
refuses politely.
"""

from __future__ import annotations

import fcntl
import multiprocessing
import os
import resource
import signal
import tempfile
import time
import traceback
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TypeVar

from loaders.errors import NotAPoaWorkbook
from loaders.settings import Settings

T = TypeVar("T")
# Imported once by the fork server, so that every child starts with the readers loaded. (Each child
# still imports the main module as multiprocessing does, unless it is a package's `__main__`:
# nothing for `python -m dashboard`, `-m loaders` or `-m pytest`, gunicorn's small script for it.)
PRELOAD = ["loaders.read.poa", "loaders.read.spending"]
MEMORY_SIGNALS = {signal.SIGABRT, signal.SIGSEGV, signal.SIGBUS}


class ReadCrashed(RuntimeError):
    """The contained read raised an error that is not a refusal (a bug): its traceback, for the
    log; the pages show their usual "error inesperado" for it."""


def memory_message(settings: Settings) -> str:
    return (
        f"El archivo no se pudo leer: leerlo ocupaba más memoria de la permitida "
        f"({settings.read_memory_mb:,} MB). Revise que no tenga datos o formatos lejos de la tabla "
        "(por ejemplo, una celda en la fila 50,000), borre esas filas y columnas y guárdelo de nuevo."
    )


def time_message(settings: Settings) -> str:
    return (
        f"El archivo no se pudo leer en el tiempo permitido ({_seconds(settings.read_seconds)}). "
        "Revise que no tenga datos o formatos lejos de la tabla, borre esas filas y columnas y "
        "guárdelo de nuevo."
    )


def _seconds(value: float) -> str:
    return "1 segundo" if value == 1 else f"{value:g} segundos"


BUSY_MESSAGE = (
    "El servidor está leyendo otros archivos en este momento; intente de nuevo en un minuto. "
    "No se guardó nada."
)
CRASH_MESSAGE = (
    "El archivo no se pudo leer: el lector se detuvo de forma inesperada. Ábralo en Excel o "
    "LibreOffice, guárdelo de nuevo como .xlsx e intente otra vez."
)


def run_contained(settings: Settings, func: Callable[..., T], *args: object, **kwargs: object) -> T:
    """`func(*args, **kwargs)` in a contained child process (or directly when
    `settings.read_contained` is off). `func` and its arguments and result must pickle: a
    module-level function and plain data. Raises what `func` raises when it is a NotAPoaWorkbook,
    NotAPoaWorkbook for memory, time and crashes, ReadCrashed for any other error of `func`."""
    if not settings.read_contained:
        return func(*args, **kwargs)
    with _slot(settings):
        return _run_child(settings, func, args, kwargs)


def _run_child(settings: Settings, func, args, kwargs):
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(PRELOAD)
    receiver, sender = context.Pipe(duplex=False)
    limits = (settings.read_memory_mb << 20, int(settings.read_seconds) + 1)
    child = context.Process(target=_child_main, args=(sender, limits, func, args, kwargs),
                            daemon=True, name="poa-lectura")
    child.start()
    sender.close()
    try:
        if not receiver.poll(settings.read_seconds):
            raise NotAPoaWorkbook(time_message(settings))
        try:
            outcome, value = receiver.recv()
        except (EOFError, OSError):  # the child died without a word: a native abort or a kill
            child.join(5)
            raise NotAPoaWorkbook(_death_message(child.exitcode, settings)) from None
    finally:
        receiver.close()
        if child.is_alive():
            child.kill()
        child.join(5)
    if outcome == "ok":
        return value
    if outcome == "refused":
        raise NotAPoaWorkbook(value)
    if outcome == "memory":
        raise NotAPoaWorkbook(memory_message(settings))
    raise ReadCrashed(value)


def _death_message(exitcode: int | None, settings: Settings) -> str:
    if exitcode is not None and exitcode < 0:
        if -exitcode in MEMORY_SIGNALS:
            return memory_message(settings)
        if -exitcode in (signal.SIGXCPU, signal.SIGKILL):
            return time_message(settings)
    return CRASH_MESSAGE


def _child_main(sender, limits: tuple[int, int], func, args, kwargs) -> None:
    memory, cpu_seconds = limits
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    resource.setrlimit(resource.RLIMIT_CPU, (cpu_seconds, cpu_seconds + 1))
    try:
        result = ("ok", func(*args, **kwargs))
    except NotAPoaWorkbook as exc:
        result = ("refused", exc.message)
    except MemoryError:
        result = ("memory", "")
    except Exception:  # a bug, not the file's fault: its traceback goes to the parent's log
        result = ("crash", traceback.format_exc())
    try:
        sender.send(result)
    except MemoryError:
        sender.send(("memory", ""))
    finally:
        sender.close()


@contextmanager
def _slot(settings: Settings) -> Iterator[None]:
    """Hold one of the machine's `read_slots` reading slots while the block runs."""
    folder = slots_folder(settings)
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    deadline = time.monotonic() + settings.read_seconds  # as long as one read may take
    while True:
        for number in range(settings.read_slots or os.cpu_count() or 1):
            handle = os.open(folder / f"lectura-{number}.lock", os.O_RDWR | os.O_CREAT, 0o600)
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                os.close(handle)
                continue
            try:
                yield
            finally:
                os.close(handle)  # closing the descriptor releases the lock
            return
        if time.monotonic() > deadline:
            raise NotAPoaWorkbook(BUSY_MESSAGE)
        time.sleep(0.05)


def slots_folder(settings: Settings) -> Path:
    """Where the slot locks live: the data folder, or a private folder of the system's
    temporary directory when the data lives in a database server."""
    if settings.database_url:
        return Path(tempfile.gettempdir()) / f"tablero-poa-lectura-{os.getuid()}"
    return settings.data_dir / "lectura"


__all__ = ["BUSY_MESSAGE", "ReadCrashed", "memory_message", "run_contained", "time_message"]
