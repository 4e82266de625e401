"""`python -m dashboard`: start the dashboard on the embedded default (SQLite + sample data)."""

from __future__ import annotations

import argparse
import logging
import os

from dashboard.app import create_app


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m dashboard", description="Tablero POA")
    parser.add_argument("--host", default=os.environ.get("POA_HOST", "127.0.0.1"))
    parser.add_argument("--port", type=int, default=int(os.environ.get("POA_PORT", "8050")))
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    app = create_app()
    print(f"Tablero POA en http://{args.host}:{args.port}/  (Ctrl+C para salir)", flush=True)
    app.run(host=args.host, port=args.port, debug=False)


if __name__ == "__main__":
    main()
