"""`python -m dashboard`: start the dashboard on the embedded default (SQLite + sample data).

`python -m dashboard users …` manages accounts (see `dashboard/users_cli.py`).
"""

from __future__ import annotations

import argparse
import logging
import os
import sys

from dashboard import users_cli
from dashboard.auth import ConfigurationError


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m dashboard", description="Tablero POA")
    parser.add_argument("--host", default=os.environ.get("POA_HOST", "127.0.0.1"))
    parser.add_argument("--port", type=int, default=int(os.environ.get("POA_PORT", "8050")))
    commands = parser.add_subparsers(dest="command")
    users_cli.add_parser(commands)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    if args.command == "users":
        return users_cli.run(args)
    from dashboard.app import create_app  # imported here: `users` needs no Dash

    try:
        app = create_app()
    except ConfigurationError as exc:
        print(f"No se inició el tablero: {exc}", file=sys.stderr)
        return 2
    print(f"Tablero POA en http://{args.host}:{args.port}/  (Ctrl+C para salir)", flush=True)
    app.run(host=args.host, port=args.port, debug=False)
    return 0


if __name__ == "__main__":
    sys.exit(main())
