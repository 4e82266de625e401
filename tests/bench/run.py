"""`python -m tests.bench`: every ratio of the benchmark, as a Spanish table and a JSON file.

Five groups, each against a floor measured in the same run (see each module's docstring):

- `importar`: importing the sample and 1,000- and 20,000-row workbooks (tests/bench/imports.py);
- `paginas`: each page's callbacks through Flask's test client (tests/bench/pages.py);
- `estado`: the state overview with 20,000 activities against a 1,000-bar Gantt
  (tests/bench/estado.py);
- `carga`: page loads in headless Chromium, for `/`, `/metas`, `/cronograma` and `/presupuesto`:
  cold at 4 Mbit/s and 100 ms (CDP network emulation) with the bytes over the wire, the repeat
  visit with the browser's cache warm, and cold without a throttle (tests/bench/cold.py);
- `concurrencia`: gunicorn (4 workers) under 20 clients against a bare Dash app serving the same
  answers, on SQLite and PostgreSQL (tests/bench/concurrency.py).

Medians of several repetitions; the JSON (tests/bench/results/bench-<fecha>.json, not in git)
keeps every repetition, wall and CPU times, and the machine.
"""

from __future__ import annotations

import argparse
import logging
import sys
import time

from tests.bench.common import (
    Measurement,
    chromium_version,
    fmt_seconds,
    machine_info,
    table,
    write_json,
)

GROUPS = ("importar", "paginas", "estado", "carga", "concurrencia")
DEFAULT_REPS = {"importar": 5, "paginas": 15, "estado": 9, "carga": 3, "concurrencia": 1}


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m tests.bench",
        description="Mide el tablero contra pisos medidos en la misma corrida.",
    )
    parser.add_argument("--grupos", default=",".join(GROUPS),
                        help=f"grupos a medir, separados por comas (por omisión: todos: "
                             f"{', '.join(GROUPS)})")
    parser.add_argument("--repeticiones", type=int, default=None,
                        help="repeticiones de cada medición (por omisión: "
                             + ", ".join(f"{g} {n}" for g, n in DEFAULT_REPS.items()) + ")")
    parser.add_argument("--filas", default="1000,20000",
                        help="actividades de los libros grandes a importar (por omisión: "
                             "1000,20000)")
    parser.add_argument("--base", choices=("sqlite", "postgresql"), default="sqlite",
                        help="base de datos para importar (postgresql arranca un servidor "
                             "temporal, como las pruebas)")
    parser.add_argument("--paginas-carga", default="/,/metas,/cronograma,/presupuesto",
                        help="páginas del grupo carga, separadas por comas (por omisión: "
                             "/,/metas,/cronograma,/presupuesto)")
    parser.add_argument("--compresion", choices=("navegador", "gzip"), default="navegador",
                        help="grupo carga: lo que Chromium pida (por omisión: zstd, br, gzip) "
                             "o sólo gzip, como detrás de un proxy antiguo")
    args = parser.parse_args(argv)
    args.grupos = [g.strip() for g in args.grupos.split(",") if g.strip()]
    unknown = [g for g in args.grupos if g not in GROUPS]
    if unknown:
        parser.error(f"grupos desconocidos: {', '.join(unknown)}")
    try:
        args.filas = tuple(int(n.replace("_", "")) for n in args.filas.split(",") if n.strip())
    except ValueError:
        parser.error("--filas: números separados por comas, p. ej. 1000,20000")
    if args.repeticiones is not None and args.repeticiones < 1:
        parser.error("--repeticiones debe ser 1 o más")
    return args


def reps(args: argparse.Namespace, group: str) -> int:
    return args.repeticiones or DEFAULT_REPS[group]


def run_group(group: str, args: argparse.Namespace) -> list[Measurement]:
    if group == "importar":
        from tests.bench import imports

        return imports.run(args.filas, reps(args, group), database=args.base)
    if group == "paginas":
        from tests.bench import pages

        return pages.run(reps(args, group), warmup=3)
    if group == "estado":
        from tests.bench import estado

        return estado.run(reps(args, group))
    if group == "concurrencia":  # gunicorn under 20 clients, SQLite and PostgreSQL
        from tests.bench import concurrency

        return concurrency.run()
    from tests.bench import cold

    paths = tuple(p.strip() for p in args.paginas_carga.split(",") if p.strip())
    accept = cold.GZIP if args.compresion == "gzip" else None
    return cold.run(reps(args, group), paths, accept=accept)


def strict_floor_table(measurements: list[Measurement]) -> str:
    """The pages against the strictest floor: the very objects the dashboard returns."""
    from statistics import median

    lines = ["| Medición | Tablero | Piso estricto | Razón |", "|---|---|---|---|"]
    for m in measurements:
        app, floor = m.extra.get("strict_app_cpu_s"), m.extra.get("strict_floor_cpu_s")
        if app and floor:
            ratio = median(app) / median(floor)
            lines.append(f"| {m.name} | {fmt_seconds(median(app))} | "
                         f"{fmt_seconds(median(floor))} | {ratio:.2f}× |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    # The app logs its first-start notes; the benchmark prints only its own lines.
    logging.basicConfig(level=logging.WARNING)
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    info = machine_info()
    print(f"Tablero POA — medición de velocidad ({info['cpu']}, {info['cpu_count']} núcleos, "
          f"Python {info['python']})", flush=True)
    measurements: list[Measurement] = []
    started = time.perf_counter()
    for group in args.grupos:
        print(f"\n[{group}]", flush=True)
        t0 = time.perf_counter()
        measurements += run_group(group, args)
        print(f"  ({time.perf_counter() - t0:,.0f} s)", flush=True)
    info["load_average_after"] = machine_info()["load_average"]
    if "carga" in args.grupos:
        info["chromium"] = chromium_version()
    options = {**vars(args), "reps": {g: reps(args, g) for g in args.grupos},
               "seconds": round(time.perf_counter() - started, 1)}
    print()
    print(table(measurements))
    if any(m.group == "paginas" for m in measurements):
        print("\nPáginas contra el piso estricto (los mismos objetos que devuelve el tablero, "
              "figuras ya como dict; informativo):")
        print(strict_floor_table([m for m in measurements if m.group == "paginas"]))
    path = write_json(measurements, info, options)
    missed = [m for m in measurements if m.met is False]
    bytes_note = (", y KiB recibidos por la red en las filas «Bytes»"
                  if any(m.clock == "bytes" for m in measurements) else "")
    print(f"\nTiempos: mediana de CPU del proceso, salvo «(reloj)»{bytes_note}. {len(missed)} de "
          f"{sum(m.met is not None for m in measurements)} metas sin cumplir.")
    print(f"Resultados en {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
