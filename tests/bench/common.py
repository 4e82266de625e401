"""Timing helpers, results and the Spanish table shared by the benchmark groups."""

from __future__ import annotations

import gc
import json
import math
import os
import platform
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import datetime
from importlib import metadata
from pathlib import Path

from tests.paths import REPO_ROOT

RESULTS_DIR = Path(__file__).resolve().parent / "results"
CORTE = "2026-11-21"  # a fixed fecha de corte: the same semáforos on every run
KIB = 1024


@dataclass
class Measurement:
    """One ratio: the dashboard's median time against its floor's, both from this run.

    `app_s` and `floor_s` are what the ratio uses: CPU time of this process for work done inside
    it (on a machine shared with others, wall time mostly measures the neighbours' load), wall
    time for the browser. `clock` says which; the wall times are always kept in `extra`. With
    `clock="bytes"` the values are not times but bytes over the wire.

    `target` bounds the ratio; `limit`, the dashboard's own median (seconds or bytes, as the
    values): the measurement is met when every bound given is.
    """

    group: str
    name: str
    app_s: list[float]
    floor_s: list[float]
    target: float | None  # None: shown for information, no target
    clock: str = "cpu"
    note: str = ""
    extra: dict = field(default_factory=dict)
    limit: float | None = None  # None: no bound on the dashboard's own value

    @property
    def app(self) -> float:
        return statistics.median(self.app_s)

    @property
    def floor(self) -> float:
        return statistics.median(self.floor_s)

    @property
    def ratio(self) -> float:
        return self.app / self.floor if self.floor else float("inf")

    @property
    def met(self) -> bool | None:
        bounds = [self.ratio <= self.target] if self.target is not None else []
        if self.limit is not None:
            bounds.append(self.app <= self.limit)
        return all(bounds) if bounds else None

    def as_json(self) -> dict:
        return {
            **asdict(self), "app_median_s": self.app, "floor_median_s": self.floor,
            "ratio": self.ratio, "met": self.met,
        }


@dataclass
class Timing:
    cpu: float  # seconds of CPU used by this process
    wall: float  # seconds on the clock


def timed(func: Callable[[], object]) -> tuple[Timing, object]:
    """How long one call takes. Garbage is collected before, so the previous call's is not
    billed to this one; the collector stays on during the call, as in a server."""
    gc.collect()
    cpu, wall = time.process_time(), time.perf_counter()
    value = func()
    return Timing(time.process_time() - cpu, time.perf_counter() - wall), value


@dataclass
class Paired:
    app: list[Timing] = field(default_factory=list)
    floor: list[Timing] = field(default_factory=list)

    def measurement(self, group: str, name: str, target: float | None, *, clock: str = "cpu",
                    note: str = "", limit: float | None = None, **extra) -> Measurement:
        pick = (lambda t: t.cpu) if clock == "cpu" else (lambda t: t.wall)
        return Measurement(
            group, name, [pick(t) for t in self.app], [pick(t) for t in self.floor], target,
            clock, note,
            {"app_wall_s": [t.wall for t in self.app], "floor_wall_s": [t.wall for t in self.floor],
             # No CPU time where none was taken (the browser's loads): NaN is not JSON.
             "app_cpu_s": [t.cpu for t in self.app if not math.isnan(t.cpu)],
             "floor_cpu_s": [t.cpu for t in self.floor if not math.isnan(t.cpu)],
             **extra},
            limit,
        )


def alternate(app: Callable[[], object], floor: Callable[[], object], reps: int,
              warmup: int = 0) -> Paired:
    """Time `app` and `floor` one after the other, `reps` times each, after `warmup` untimed
    rounds: alternating keeps a neighbour's load on the shared machine from favouring one side.

    What exists before the first round (the loaded app, its libraries) is frozen out of the
    garbage collector's reach, so a collection costs what the calls allocate, not a scan of the
    whole process (a full scan here takes ~0.1 s and would land on either side at random)."""
    gc.collect()
    gc.freeze()
    for _ in range(warmup):
        app()
        floor()
    out = Paired()
    for i in range(reps):
        # Swap the order every round so neither side always runs right after the other.
        if i % 2 == 0:
            out.app.append(timed(app)[0])
            out.floor.append(timed(floor)[0])
        else:
            out.floor.append(timed(floor)[0])
            out.app.append(timed(app)[0])
    return out


def fmt_seconds(seconds: float) -> str:
    if seconds >= 1:
        return f"{seconds:,.2f} s"
    return f"{seconds * 1000:,.1f} ms"


def fmt_kib(n: float) -> str:
    return f"{n / KIB:,.0f} KiB"


def fmt_value(m: Measurement, value: float) -> str:
    return fmt_kib(value) if m.clock == "bytes" else fmt_seconds(value)


def goal(m: Measurement) -> str:
    """The targets in words: "≤ 0.6×", "≤ 700 KiB", "≤ 0.35 s", both joined by "y", or "—"."""
    parts = [f"≤ {m.target:g}×"] if m.target is not None else []
    if m.limit is not None:
        parts.append(f"≤ {fmt_kib(m.limit)}" if m.clock == "bytes" else f"≤ {m.limit:g} s")
    return " y ".join(parts) or "—"


def verdict(m: Measurement) -> str:
    if m.met is None:
        return "(informativo)"
    return "sí" if m.met else "NO"


def table(measurements: list[Measurement]) -> str:
    """The results as a Markdown table in Spanish (it also reads well in a terminal)."""
    head = ("Medición", "Tablero", "Piso", "Razón", "Meta", "¿Cumple?")
    rows = [
        (m.name + (" (reloj)" if m.clock == "wall" else ""), fmt_value(m, m.app),
         fmt_value(m, m.floor), f"{m.ratio:.2f}×", goal(m), verdict(m))
        for m in measurements
    ]
    widths = [max(len(str(r[i])) for r in [head, *rows]) for i in range(len(head))]

    def line(cells) -> str:
        return "| " + " | ".join(str(c).ljust(w) for c, w in zip(cells, widths, strict=True)) + " |"

    sep = "|" + "|".join("-" * (w + 2) for w in widths) + "|"
    return "\n".join([line(head), sep, *(line(r) for r in rows)])


def _version(package: str) -> str | None:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return None


def _cpu_model() -> str:
    try:
        for text in Path("/proc/cpuinfo").read_text().splitlines():
            if text.startswith("model name"):
                return text.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor()


def _memory_gb() -> float | None:
    try:
        for text in Path("/proc/meminfo").read_text().splitlines():
            if text.startswith("MemTotal:"):
                return round(int(text.split()[1]) / 1024 / 1024, 1)
    except OSError:
        pass
    return None


def _git(*args: str) -> str | None:
    try:
        out = subprocess.run(["git", *args], cwd=REPO_ROOT, capture_output=True, text=True,
                             timeout=10)
        return out.stdout.rstrip() or None
    except (OSError, subprocess.SubprocessError):
        return None


def chromium_version() -> str | None:
    binary = shutil.which("chromium") or "/usr/bin/chromium"
    try:
        out = subprocess.run([binary, "--version"], capture_output=True, text=True, timeout=30)
        return out.stdout.rstrip() or None
    except (OSError, subprocess.SubprocessError):
        return None


def machine_info() -> dict:
    return {
        "python": sys.version.split()[0],
        "platform": platform.platform(),
        "cpu": _cpu_model(),
        "cpu_count": os.cpu_count(),
        "load_average": list(os.getloadavg()) if hasattr(os, "getloadavg") else None,
        "memory_gb": _memory_gb(),
        "git_commit": _git("rev-parse", "HEAD"),
        # What the working tree measured had besides that commit.
        "git_changed": (_git("status", "--porcelain") or "").splitlines(),
        "packages": {p: _version(p) for p in (
            "dash", "plotly", "flask", "flask-compress", "sqlalchemy", "python-calamine",
            "psycopg", "selenium", "orjson")},
    }


def write_json(measurements: list[Measurement], info: dict, options: dict,
               out_dir: Path = RESULTS_DIR) -> Path:
    out_dir.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    path = out_dir / f"bench-{stamp}.json"
    payload = {
        "created": datetime.now().isoformat(timespec="seconds"),
        "machine": info,
        "options": options,
        "results": [m.as_json() for m in measurements],
    }
    path.write_text(json.dumps(payload, indent=2, ensure_ascii=False, default=str) + "\n",
                    encoding="utf-8")
    return path
