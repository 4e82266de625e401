"""`python -m loaders check|import|versions|import-dir|synth|plantilla|exportar`: the loader's command line
(a public contract)."""

from __future__ import annotations

import argparse
import json
import sys
from datetime import date, datetime
from pathlib import Path

from loaders.errors import NotAPoaWorkbook, StorageUnavailable
from loaders.read.package import check_file_size
from loaders.read.workbook import WORKBOOK_SUFFIXES
from loaders.settings import Settings

EXIT_OK, EXIT_NOT_A_POA, EXIT_USAGE, EXIT_STORAGE = 0, 2, 2, 3
EXIT_CODES = f"""\
códigos de salida:
  {EXIT_OK}  correcto (también si el archivo ya estaba guardado)
  {EXIT_NOT_A_POA}  el archivo no es un libro del POA legible, o la orden es incorrecta
  {EXIT_STORAGE}  la base de datos no pudo guardar (ocupada por otra carga, disco lleno u otra
     falla); no se guardó nada y el motivo se indica en una línea
"""


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"fecha inválida «{text}»: use AAAA-MM-DD") from exc


def _year(text: str) -> int:
    if not text.isdigit() or not 2000 <= int(text) <= 2100:
        raise argparse.ArgumentTypeError(f"año inválido «{text}»")
    return int(text)


MAP_HELP = ('Mapa de columnas (JSON: {"columnas": {"Encabezado": "campo"}}) para los encabezados '
            "que el lector no reconoce; ver el README.")


def _mapping(path: Path | None) -> dict[str, str] | None:
    """The column mapping of `--mapa`, or None; NotAPoaWorkbook when it cannot be used."""
    from loaders.mapping import parse_json

    if path is None:
        return None
    try:
        return parse_json(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise NotAPoaWorkbook(f"No se pudo leer el mapa de columnas «{path}».") from exc
    except ValueError as exc:
        raise NotAPoaWorkbook(str(exc)) from exc


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m loaders",
        description="Lee, revisa y guarda libros del POA (.xlsx, .xls u .ods).",
        epilog=EXIT_CODES, formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    sub = parser.add_subparsers(dest="command", required=True)
    check = sub.add_parser("check", help="Lee un libro y muestra lo que encontró.")
    check.add_argument("file", type=Path)
    check.add_argument("--as-of", type=_date, default=None, help="Fecha de corte (AAAA-MM-DD).")
    check.add_argument("--year", type=_year, default=None, help="Año fiscal (si no, se deduce).")
    check.add_argument("--json", action="store_true", help="Salida JSON.")
    check.add_argument("--area", default=None,
                       help="En un libro con los POA de varias áreas, la que se muestra.")
    check.add_argument("--mapa", type=Path, default=None, help=MAP_HELP)
    imp = sub.add_parser(
        "import", help="Lee, revisa y guarda un libro como nueva versión.",
        epilog=EXIT_CODES, formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    imp.add_argument("file", type=Path)
    imp.add_argument("--as-of", type=_date, default=None)
    imp.add_argument("--year", type=_year, default=None)
    imp.add_argument("--user", default="cli", help="Quién carga el archivo.")
    for name in ("municipio", "direccion"):
        imp.add_argument(f"--{name}", default=None, help=f"Indica {name} si el libro no lo dice.")
    imp.add_argument("--area", default=None,
                     help="Indica el área si el libro no la dice; en un libro con los POA de "
                     "varias áreas, guarda sólo la de ese nombre (si no, guarda cada una).")
    imp.add_argument("--mapa", type=Path, default=None, help=MAP_HELP)
    imp.add_argument("--justificacion", default=None, metavar="TEXTO",
                     help="Motivo de las reprogramaciones (cambios de meta anual, meta "
                     "programada, inicio o fin contra la versión anterior), uno para todas. Sin "
                     "él se guardan «Sin justificación» y se avisa en la salida de errores.")
    sub.add_parser("versions", help="Lista los POA y sus versiones guardadas.")
    plantilla = sub.add_parser(
        "plantilla", help="Escribe la plantilla oficial del POA de un área (su versión vigente).",
        description="Escribe el libro que el área llena cada mes: la versión vigente de su POA "
        "en el acomodo oficial, con validaciones, celdas protegidas, la hoja «Instrucciones» y "
        "la portada que el tablero reconoce al cargarlo.",
        epilog=EXIT_CODES, formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    which = plantilla.add_mutually_exclusive_group(required=True)
    which.add_argument("--poa", type=_between(1, 2**31 - 1), default=None,
                       help="Clave del POA (la que lista «versions»).")
    which.add_argument("--area", default=None,
                       help="Nombre del área (sin acentos ni mayúsculas que importen).")
    plantilla.add_argument("--municipio", default=None,
                           help="Con --area: el municipio, si hay varios POA del área.")
    plantilla.add_argument("--year", type=_year, default=None,
                           help="Con --area: el año fiscal (por omisión, el más reciente).")
    plantilla.add_argument("--salida", type=Path, default=None,
                           help="Archivo .xlsx que se escribe (por omisión "
                           "plantilla_<área>_<año>.xlsx en la carpeta actual).")
    imp_dir = sub.add_parser(
        "import-dir", help="Guarda todos los libros (.xlsx, .xls, .ods) de una carpeta, en un solo "
        "proceso.",
        description="Guarda cada libro .xlsx, .xls u .ods de la carpeta (no de sus subcarpetas), "
        "cada área como nueva "
        "versión de su POA; «LIBRO_ejercicio.xlsx» se carga como el ejercicio del presupuesto "
        "del POA de «LIBRO.xlsx». Sale con 2 si algún archivo se rechazó.",
        epilog=EXIT_CODES, formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    imp_dir.add_argument("dir", type=Path)
    imp_dir.add_argument("--as-of", type=_date, default=None)
    imp_dir.add_argument("--year", type=_year, default=None)
    imp_dir.add_argument("--user", default="cli", help="Quién carga los archivos.")
    synth = sub.add_parser(
        "synth", help="Genera libros POA SINTÉTICOS (datos inventados) para pruebas y demos.",
        description="Genera municipios × áreas libros POA con datos inventados, marcados como "
        "SINTÉTICOS en cada hoja, con los 58 municipios de Zacatecas y 25 áreas típicas.",
    )
    synth.add_argument("--municipios", type=_between(1, 58), default=58,
                       help="Cuántos municipios de Zacatecas (1 a 58; 58 por omisión).")
    synth.add_argument("--areas", type=_between(1, 25), default=25,
                       help="Cuántas áreas por municipio (1 a 25; 25 por omisión).")
    synth.add_argument("--activities", type=_between(1, 10_000), default=16,
                       help="Actividades por POA (16 por omisión).")
    synth.add_argument("--out", type=Path, default=None,
                       help="Carpeta de salida (por omisión POA_DATA_DIR/sinteticos).")
    synth.add_argument("--seed", type=int, default=0,
                       help="Semilla: la misma da los mismos libros.")
    synth.add_argument("--year", type=_year, default=2026, help="Año fiscal (2026 por omisión).")
    synth.add_argument("--spending", action="store_true",
                       help="Escribe también un libro de ejercicio del presupuesto por POA.")
    synth.add_argument("--import", dest="import_", action="store_true",
                       help="Guarda después los libros en la base configurada (POA_DATABASE_URL "
                       "o POA_DATA_DIR).")
    synth.add_argument("--as-of", type=_date, default=None, help="Fecha de corte al importar.")
    synth.add_argument("--user", default="sintetico", help="Quién carga los archivos al importar.")
    exportar = sub.add_parser(
        "exportar", help="Escribe los datos abiertos (CSV, JSON y diccionario) de los POA reales.",
        description="Escribe, a una fecha de corte, un renglón por POA (su versión vigente a esa "
        "fecha), sus actividades con avance y semáforo, el EAEPE por partida y el resumen de "
        "hallazgos, en CSV y en JSON, con el diccionario LEEME.md. Nunca incluye los POA de "
        "ejemplo ni los sintéticos. Un destino que termina en .zip se escribe como ZIP; otro, "
        "como carpeta.",
    )
    exportar.add_argument("target", type=Path, metavar="ZIP_O_CARPETA")
    exportar.add_argument("--corte", default=None, help="Fecha de corte (AAAA-MM-DD; hoy por "
                          "omisión).")
    return parser


def _between(low: int, high: int):
    def parse(text: str) -> int:
        if not text.strip().isdigit() or not low <= int(text) <= high:
            raise argparse.ArgumentTypeError(f"«{text}» no es un número entre {low} y {high:,}")
        return int(text)

    return parse


def _progress(label: str):
    """A progress callback that prints about every tenth of the way."""

    def report(done: int, total: int) -> None:
        step = max(1, total // 10)
        if done % step == 0 or done == total:
            print(f"  {label} {done:,}/{total:,} ({done * 100 // total} %)", flush=True)

    return report


def _read(path: Path, settings: Settings) -> bytes:
    try:
        check_file_size(path.stat().st_size, settings)  # before loading it into memory
        return path.read_bytes()
    except FileNotFoundError as exc:
        raise NotAPoaWorkbook(f"No existe el archivo «{path}».") from exc
    except IsADirectoryError as exc:
        raise NotAPoaWorkbook(f"«{path}» es una carpeta, no un archivo.") from exc
    except OSError as exc:
        raise NotAPoaWorkbook(f"No se pudo leer el archivo «{path}».") from exc


def cmd_check(args, settings: Settings) -> int:
    from loaders.check.poa import check_document
    from loaders.imports import read_documents
    from loaders.read.poa import choose_area
    from loaders.report import document_to_json, text_report

    as_of = args.as_of or date.today()
    documents = read_documents(_read(args.file, settings), settings, file_name=args.file.name,
                               year=args.year, mapping=_mapping(args.mapa))
    if args.area:
        documents = [choose_area(documents, args.area)]
    checked = [(doc, check_document(doc, as_of, settings)) for doc in documents]
    if args.json:
        objects = [document_to_json(doc, findings) for doc, findings in checked]
        out = objects[0] if len(objects) == 1 else {"plans": objects}
        json.dump(out, sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
    else:
        if len(checked) > 1:
            sys.stdout.write(f"El libro tiene los POA de {len(checked)} áreas.\n\n")
        sys.stdout.write("\n".join(text_report(doc, findings, as_of) for doc, findings in checked))
    return EXIT_OK


def cmd_import(args, settings: Settings) -> int:
    from loaders.check.reprogramming import CLI_NO_JUSTIFICATION, clean_motivo
    from loaders.imports import areas_in, import_workbook
    from loaders.store.engine import create_schema, make_engine
    from loaders.store.errors import storage_errors
    from loaders.store.versions import AlreadyImported

    mapping = _mapping(args.mapa)
    justification = clean_motivo(args.justificacion)
    engine = make_engine(settings=settings)
    data = _read(args.file, settings)
    areas = areas_in(data, settings, file_name=args.file.name)
    several = len(areas) > 1
    chosen: list[str | None] = ([args.area] if args.area else areas) if several else [None]
    identity = {"municipio": args.municipio, "direccion": args.direccion,
                "area": None if several else args.area}
    try:
        with storage_errors():
            create_schema(engine)
        for area in chosen:
            prefix = f"Área «{area}»: " if several else ""
            try:
                stored = import_workbook(
                    engine, data, settings, file_name=args.file.name, uploaded_by=args.user,
                    as_of=args.as_of or date.today(), year=args.year, identity=identity, area=area,
                    mapping=mapping, justification=justification or CLI_NO_JUSTIFICATION,
                )
            except AlreadyImported as exc:
                print(prefix + str(exc))
                continue
            if not justification:  # a check never stops a CLI import: it says so instead
                for r in stored.reprogrammings:
                    print(f"{prefix}Aviso: reprogramación sin justificación: {r.description} "
                          "(indíquela con --justificacion).", file=sys.stderr)
            errors = sum(1 for f in stored.findings if f.severity == "error")
            print(
                f"{prefix}Guardada la versión {stored.number} (id {stored.version_id}) con "
                f"{len(stored.findings)} hallazgos ({errors} errores). "
                f"SHA-256 {stored.sha256[:12]}…"
            )
    finally:
        engine.dispose()
    return EXIT_OK


def cmd_versions(args, settings: Settings) -> int:
    from sqlalchemy.orm import Session

    from loaders.store.engine import create_schema, make_engine
    from loaders.store.errors import storage_errors
    from loaders.store.queries import list_plans, list_versions

    engine = make_engine(settings=settings)
    try:
        with storage_errors():
            create_schema(engine)
            with Session(engine) as session:
                plans = list_plans(session)
                versions = list_versions(session)
    finally:
        engine.dispose()
    if not plans:
        print("No hay POA guardados.")
    for plan in plans:
        print(f"POA {plan.id}: {plan.label} ({plan.direccion or 'dirección no indicada'})")
        for v in (v for v in versions if v.plan_id == plan.id):
            when = datetime.strftime(v.uploaded_at, "%d/%m/%Y %H:%M")
            print(f"  v{v.number}  {when}  {v.uploaded_by:<12} {v.file_name}  {v.sha256[:12]}")
    return EXIT_OK


def _import(files: list[Path], where: str, args, settings: Settings) -> int:
    from loaders.store.engine import create_schema, make_engine
    from loaders.store.errors import storage_errors
    from loaders.synth import import_files

    engine = make_engine(settings=settings)
    try:
        with storage_errors():
            create_schema(engine)
        print(f"Importando {len(files):,} libros de {where} en la base…", flush=True)
        report = import_files(
            engine, files, settings, uploaded_by=args.user, as_of=args.as_of, year=args.year,
            progress=_progress("archivos"),
        )
    finally:
        engine.dispose()
    rate = report.files / report.seconds if report.seconds else 0.0
    print(
        f"Listo en {report.seconds:,.1f} s ({rate:,.1f} archivos por segundo): "
        f"{report.stored:,} versiones nuevas de POA, {report.already:,} ya estaban guardadas; "
        f"{report.spending_stored:,} libros de ejercicio nuevos, {report.spending_already:,} ya "
        f"estaban guardados; {len(report.refused):,} rechazados. Hallazgos de las versiones "
        f"nuevas: {report.findings:,} (errores: {report.errors:,})."
    )
    for name in report.spending_without_poa:
        print(f"  sin POA: {name} (no hay un libro POA con el mismo nombre sin «_ejercicio»)")
    for name, reason in report.refused:
        print(f"  rechazado: {name}: {reason}")
    return EXIT_NOT_A_POA if report.refused else EXIT_OK


def cmd_import_dir(args, settings: Settings) -> int:
    if not args.dir.is_dir():
        raise NotAPoaWorkbook(f"«{args.dir}» no es una carpeta.")
    files = [p for p in args.dir.iterdir() if p.is_file() and p.suffix.lower() in WORKBOOK_SUFFIXES]
    return _import(files, str(args.dir), args, settings)


def cmd_synth(args, settings: Settings) -> int:
    import time

    from loaders.synth import spending_path, write_workbooks

    out = args.out or settings.data_dir / "sinteticos"
    total = args.municipios * args.areas
    print(
        f"Generando {total:,} libros POA SINTÉTICOS ({args.municipios:,} municipios × "
        f"{args.areas:,} áreas × {args.activities:,} actividades, semilla {args.seed}, "
        f"año {args.year}) en {out}…", flush=True,
    )
    started = time.perf_counter()
    paths = write_workbooks(
        out, municipios=args.municipios, areas=args.areas, activities=args.activities,
        seed=args.seed, year=args.year, spending=args.spending, progress=_progress("libros"),
    )
    seconds = time.perf_counter() - started
    files = len(paths) * (2 if args.spending else 1)
    spending = f" y {len(paths):,} libros de ejercicio del presupuesto" if args.spending else ""
    print(
        f"Listo: {len(paths):,} libros POA ({len(paths) * args.activities:,} actividades)"
        f"{spending} en {seconds:,.1f} s ({files / seconds if seconds else 0:,.0f} archivos por "
        "segundo).\nSon DATOS SINTÉTICOS: cada hoja lo dice en su celda A1, cada área termina en "
        "«(SINTÉTICO)» y cada archivo empieza con «sintetico_»."
    )
    if args.import_:
        args.year = None  # each workbook states its year
        files = paths + ([spending_path(p) for p in paths] if args.spending else [])
        return _import(files, str(out), args, settings)
    return EXIT_OK


def cmd_plantilla(args, settings: Settings) -> int:
    from sqlalchemy.orm import Session

    from loaders.store.engine import create_schema, make_engine
    from loaders.store.errors import storage_errors
    from loaders.template_issue import TemplateUnavailable, choose_plan, issue_template
    from loaders.text import fmt_date

    if args.poa is not None and (args.municipio or args.year):
        print("--municipio y --year sólo van con --area.", file=sys.stderr)
        return EXIT_USAGE
    engine = make_engine(settings=settings)
    try:
        with storage_errors():
            create_schema(engine)
            plan_id = args.poa
            if plan_id is None:
                with Session(engine) as session:
                    plan_id = choose_plan(session, args.area, municipio=args.municipio,
                                          year=args.year).id
            issued = issue_template(engine, plan_id)
    except TemplateUnavailable as exc:
        print(exc.message, file=sys.stderr)
        return EXIT_USAGE
    finally:
        engine.dispose()
    path = args.salida or Path(issued.file_name)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(issued.data)
    except OSError as exc:
        print(f"No se pudo escribir «{path}»: {exc.strerror or exc}.", file=sys.stderr)
        return EXIT_USAGE
    version = issued.version
    print(f"Plantilla oficial del POA {issued.plan.id} ({issued.plan.label}) escrita en {path}: "
          f"versión {version.number} del {fmt_date(version.uploaded_at)}, "
          f"{len(issued.data):,} bytes.")
    return EXIT_OK


def _os_reason(exc: OSError) -> str:
    """Why a file could not be written, in Spanish."""
    import errno

    reasons = {
        errno.EACCES: "no hay permiso de escritura", errno.EPERM: "no hay permiso de escritura",
        errno.EROFS: "el disco es de sólo lectura", errno.ENOSPC: "el disco está lleno",
        errno.ENOENT: "la carpeta no existe", errno.ENOTDIR: "una parte de la ruta es un archivo",
        errno.EISDIR: "ya existe una carpeta con ese nombre",
        errno.EEXIST: "ya existe un archivo con ese nombre",
    }
    return reasons.get(exc.errno, exc.strerror or str(exc))


def cmd_exportar(args, settings: Settings) -> int:
    from loaders.export.files import is_zip, write
    from loaders.export.rows import open_data
    from loaders.store.engine import create_schema, make_engine
    from loaders.store.errors import storage_errors
    from loaders.text import fmt_date

    try:
        as_of = date.fromisoformat(args.corte) if args.corte else date.today()
    except ValueError:
        print(f"Fecha de corte inválida «{args.corte}»: use AAAA-MM-DD.", file=sys.stderr)
        return EXIT_USAGE
    engine = make_engine(settings=settings)
    try:
        with storage_errors():
            create_schema(engine)
        data = open_data(engine, as_of, settings)
    finally:
        engine.dispose()
    try:
        write(data, args.target)
    except OSError as exc:
        print(f"No se pudo escribir «{args.target}»: {_os_reason(exc)}.", file=sys.stderr)
        return EXIT_USAGE
    n = data.examples_left_out
    left_out = ("" if not n else "; 1 POA de ejemplo o sintético no se incluye" if n == 1
                else f"; {n:,} POA de ejemplo o sintéticos no se incluyen")
    print(f"Datos abiertos al {fmt_date(as_of)} escritos en {args.target} "
          f"({'ZIP' if is_zip(args.target) else 'carpeta'}): {data.plans:,} POA, "
          f"{len(data.rows['actividades']):,} actividades, {len(data.rows['presupuesto']):,} "
          f"partidas{left_out}.")
    return EXIT_OK


COMMANDS = {
    "check": cmd_check, "import": cmd_import, "versions": cmd_versions,
    "import-dir": cmd_import_dir, "synth": cmd_synth, "plantilla": cmd_plantilla,
    "exportar": cmd_exportar,
}


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    settings = Settings.from_env()
    try:
        return COMMANDS[args.command](args, settings)
    except NotAPoaWorkbook as exc:
        print(exc.message, file=sys.stderr)
        return EXIT_NOT_A_POA
    except StorageUnavailable as exc:
        print(exc.message, file=sys.stderr)
        return EXIT_STORAGE
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        sys.stderr.close()
        return EXIT_OK
