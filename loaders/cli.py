"""`python -m loaders check|import|versions`: the loader's command line (a public contract)."""

from __future__ import annotations

import argparse
import json
import sys
from datetime import date, datetime
from pathlib import Path

from loaders.errors import NotAPoaWorkbook, StorageUnavailable
from loaders.settings import Settings
from loaders.xlsx_package import check_file_size

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


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m loaders", description="Lee, revisa y guarda libros del POA (.xlsx).",
        epilog=EXIT_CODES, formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    sub = parser.add_subparsers(dest="command", required=True)
    check = sub.add_parser("check", help="Lee un libro y muestra lo que encontró.")
    check.add_argument("file", type=Path)
    check.add_argument("--as-of", type=_date, default=None, help="Fecha de corte (AAAA-MM-DD).")
    check.add_argument("--year", type=_year, default=None, help="Año fiscal (si no, se deduce).")
    check.add_argument("--json", action="store_true", help="Salida JSON.")
    imp = sub.add_parser(
        "import", help="Lee, revisa y guarda un libro como nueva versión.",
        epilog=EXIT_CODES, formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    imp.add_argument("file", type=Path)
    imp.add_argument("--as-of", type=_date, default=None)
    imp.add_argument("--year", type=_year, default=None)
    imp.add_argument("--user", default="cli", help="Quién carga el archivo.")
    for name in ("municipio", "direccion", "area"):
        imp.add_argument(f"--{name}", default=None, help=f"Indica {name} si el libro no lo dice.")
    sub.add_parser("versions", help="Lista los POA y sus versiones guardadas.")
    return parser


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
    from loaders.checks import check_document
    from loaders.reader import read_poa
    from loaders.report import document_to_json, text_report

    as_of = args.as_of or date.today()
    doc = read_poa(_read(args.file, settings), settings, file_name=args.file.name, year=args.year)
    findings = check_document(doc, as_of, settings)
    if args.json:
        json.dump(document_to_json(doc, findings), sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
    else:
        sys.stdout.write(text_report(doc, findings, as_of))
    return EXIT_OK


def cmd_import(args, settings: Settings) -> int:
    from loaders.db import create_schema, make_engine
    from loaders.storage_errors import storage_errors
    from loaders.store import AlreadyImported, import_workbook

    engine = make_engine(settings=settings)
    identity = {"municipio": args.municipio, "direccion": args.direccion, "area": args.area}
    try:
        with storage_errors():
            create_schema(engine)
        stored = import_workbook(
            engine, _read(args.file, settings), settings, file_name=args.file.name, uploaded_by=args.user,
            as_of=args.as_of or date.today(), year=args.year, identity=identity,
        )
    except AlreadyImported as exc:
        print(str(exc))
        return EXIT_OK
    finally:
        engine.dispose()
    errors = sum(1 for f in stored.findings if f.severity == "error")
    print(
        f"Guardada la versión {stored.number} (id {stored.version_id}) con "
        f"{len(stored.findings)} hallazgos ({errors} errores). SHA-256 {stored.sha256[:12]}…"
    )
    return EXIT_OK


def cmd_versions(args, settings: Settings) -> int:
    from sqlalchemy.orm import Session

    from loaders.db import create_schema, make_engine
    from loaders.queries import list_plans, list_versions
    from loaders.storage_errors import storage_errors

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


COMMANDS = {"check": cmd_check, "import": cmd_import, "versions": cmd_versions}


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
