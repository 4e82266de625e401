"""`python -m dashboard users add|list|set-role|disable|enable|password`: accounts from a console."""

from __future__ import annotations

import getpass
import sys

from sqlalchemy.orm import Session

from loaders.errors import StorageUnavailable
from loaders.settings import Settings
from loaders.store.accounts import (
    ROLES,
    AccountError,
    add_user,
    list_users,
    parse_area,
    random_password,
    set_active,
    set_password,
    set_role,
)
from loaders.store.engine import create_schema, make_engine

AREA_HELP = ("área que una cuenta de dirección puede registrar: «Área» o «Municipio: Área»; "
             "repita la opción para varias")


def add_parser(subparsers) -> None:
    users = subparsers.add_parser("users", help="Administrar las cuentas de usuario.")
    actions = users.add_subparsers(dest="action", required=True)
    add = actions.add_parser("add", help="Crear una cuenta.")
    add.add_argument("username")
    add.add_argument("--role", required=True, choices=list(ROLES))
    add.add_argument("--name", default="", help="nombre completo")
    add.add_argument("--area", action="append", default=[], help=AREA_HELP)
    add.add_argument("--password-stdin", action="store_true",
                     help="leer la contraseña de la entrada estándar (si no, se genera una)")
    actions.add_parser("list", help="Listar las cuentas.")
    role = actions.add_parser("set-role", help="Cambiar el rol (y las áreas) de una cuenta.")
    role.add_argument("username")
    role.add_argument("role", choices=list(ROLES))
    role.add_argument("--area", action="append", default=None, help=AREA_HELP)
    for name, text in (("disable", "Desactivar una cuenta."), ("enable", "Reactivar una cuenta.")):
        actions.add_parser(name, help=text).add_argument("username")
    password = actions.add_parser("password", help="Poner una contraseña nueva.")
    password.add_argument("username")
    password.add_argument("--password-stdin", action="store_true")


def _password(args) -> tuple[str, bool]:
    """(password, generated)."""
    if args.password_stdin:
        return sys.stdin.readline().rstrip("\n"), False
    return random_password(), True


def _by() -> str:
    try:
        return f"consola ({getpass.getuser()})"
    except (KeyError, OSError):
        return "consola"


def run(args, settings: Settings | None = None) -> int:
    settings = settings or Settings.from_env()
    engine = make_engine(settings=settings)
    create_schema(engine)
    try:
        return _run(args, engine)
    except AccountError as exc:
        print(str(exc), file=sys.stderr)
        return 1
    except StorageUnavailable as exc:
        print(exc.message, file=sys.stderr)
        return 3
    finally:
        engine.dispose()


def _run(args, engine) -> int:
    by = _by()
    if args.action == "list":
        with Session(engine) as session:
            users = list_users(session)
        print(f"{'usuario':<20} {'rol':<20} {'activa':<7} {'creada':<17} nombre · áreas")
        for u in users:
            print(f"{u.username:<20} {u.role_label:<20} {'sí' if u.active else 'no':<7} "
                  f"{u.created_at:%d/%m/%Y %H:%M} {u.full_name or '—'} · {u.areas_text()}")
        return 0
    if args.action == "add":
        password, generated = _password(args)
        user = add_user(engine, args.username, password, args.role, full_name=args.name,
                        areas=[parse_area(a) for a in args.area], by=by)
        print(f"Cuenta «{user.username}» creada con rol {user.role_label}.")
        if generated:
            print(f"Contraseña: {password}  (anótela: no se volverá a mostrar)")
        return 0
    if args.action == "set-role":
        areas = None if args.area is None else [parse_area(a) for a in args.area]
        user = set_role(engine, args.username, args.role, areas=areas, by=by)
        print(f"Cuenta «{user.username}»: rol {user.role_label}; áreas: {user.areas_text()}.")
        return 0
    if args.action in ("disable", "enable"):
        user = set_active(engine, args.username, args.action == "enable", by=by)
        print(f"Cuenta «{user.username}» {'activada' if user.active else 'desactivada'}.")
        return 0
    if args.action == "password":
        password, generated = _password(args)
        user = set_password(engine, args.username, password, by=by)
        print(f"Contraseña de «{user.username}» cambiada.")
        if generated:
            print(f"Contraseña: {password}  (anótela: no se volverá a mostrar)")
        return 0
    raise AssertionError(args.action)


__all__ = ["add_parser", "run"]
