"""A throwaway PostgreSQL server for the test session, in a temporary directory."""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path


def _bin(name: str) -> str:
    """A PostgreSQL program: where tests/run.sh found initdb, else Debian's place, else PATH."""
    chosen = os.environ.get("POA_TEST_PG_BIN")
    if chosen and os.access(os.path.join(chosen, name), os.X_OK):
        return os.path.join(chosen, name)
    found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}")) or [shutil.which(name) or ""]
    if not found[-1]:
        raise RuntimeError(
            f"PostgreSQL ({name}) no está instalado: ./tests/run.sh instala el paquete postgresql."
        )
    return found[-1]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class PostgresServer:
    """initdb + pg_ctl start on a unix socket; as root, the server runs as user `postgres`."""

    def __init__(self) -> None:
        self.dir = Path(tempfile.mkdtemp(prefix="poa-pg-"))
        self.data = self.dir / "data"
        self.port = _free_port()
        self.as_user: list[str] = []
        if os.geteuid() == 0:
            self.as_user = ["runuser", "-u", "postgres", "--"]
            shutil.chown(self.dir, "postgres")
            os.chmod(self.dir, 0o755)

    def _run(self, *args: str) -> None:
        subprocess.run([*self.as_user, *args], check=True, capture_output=True, timeout=120)

    def start(self) -> PostgresServer:
        self._run(_bin("initdb"), "-D", str(self.data), "-A", "trust", "-U", "poa", "-E", "UTF8",
                  "--no-sync")
        options = f"-k {self.dir} -p {self.port} -c listen_addresses='' -c fsync=off"
        self._run(_bin("pg_ctl"), "-D", str(self.data), "-o", options, "-w", "-t", "60",
                  "-l", str(self.dir / "log"), "start")
        return self

    def url(self, database: str = "postgres") -> str:
        return f"postgresql+psycopg://poa@/{database}?host={self.dir}&port={self.port}"

    def stop(self) -> None:
        try:
            self._run(_bin("pg_ctl"), "-D", str(self.data), "-m", "immediate", "-w", "stop")
        finally:
            shutil.rmtree(self.dir, ignore_errors=True)
