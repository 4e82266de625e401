"""Settings, declared once (name, default, help) and read from the environment."""

from __future__ import annotations

import os
from dataclasses import dataclass, field, fields
from pathlib import Path


@dataclass(frozen=True)
class Settings:
    """Every setting of the project. `Settings.from_env()` reads them from `POA_*` variables."""

    data_dir: Path = field(
        default=Path("data"),
        metadata={"env": "POA_DATA_DIR", "help": "Carpeta de datos locales (base SQLite)."},
    )
    database_url: str = field(
        default="",
        metadata={
            "env": "POA_DATABASE_URL",
            "help": "URL SQLAlchemy de la base; vacío = SQLite en POA_DATA_DIR/tablero_poa.sqlite3.",
        },
    )
    max_file_mb: float = field(
        default=20.0, metadata={"env": "POA_MAX_FILE_MB", "help": "Tamaño máximo del archivo."}
    )
    max_uncompressed_mb: float = field(
        default=100.0,
        metadata={"env": "POA_MAX_UNCOMPRESSED_MB", "help": "Tamaño descomprimido máximo."},
    )
    max_rows: int = field(
        default=50_000, metadata={"env": "POA_MAX_ROWS", "help": "Filas máximas por hoja."}
    )
    max_columns: int = field(
        default=200, metadata={"env": "POA_MAX_COLUMNS", "help": "Columnas máximas por hoja."}
    )
    max_cells: int = field(
        default=25_000_000,
        metadata={"env": "POA_MAX_CELDAS",
                  "help": "Celdas máximas del libro, contando cada hoja de A1 a su última celda."},
    )
    green_gap: float = field(
        default=-10.0,
        metadata={"env": "POA_SEMAFORO_VERDE", "help": "Brecha mínima (puntos) para verde."},
    )
    yellow_gap: float = field(
        default=-25.0,
        metadata={"env": "POA_SEMAFORO_AMARILLO", "help": "Brecha mínima (puntos) para amarillo."},
    )
    sample_workbook: Path | None = field(
        default=None,
        metadata={
            "env": "POA_SAMPLE_WORKBOOK",
            "type": Path,
            "help": "Libro que se importa si la base está vacía; vacío = el POA de ejemplo incluido.",
        },
    )

    public_read: bool = field(
        default=True,
        metadata={
            "env": "POA_LECTURA_ABIERTA",
            "help": "1 = cualquiera en la red puede consultar; 0 = consultar requiere ingresar.",
        },
    )
    production: bool = field(
        default=False,
        metadata={
            "env": "POA_PRODUCCION",
            "help": "1 = modo producción: exige POA_SECRET_KEY propia y nunca corre en depuración.",
        },
    )
    secret_key: str = field(
        default="",
        metadata={
            "env": "POA_SECRET_KEY",
            "help": "Clave para firmar las sesiones (≥ 32 caracteres); vacía fuera de producción = "
            "se genera una y se guarda en POA_DATA_DIR/secret_key.",
        },
    )
    secure_cookies: bool = field(
        default=False,
        metadata={"env": "POA_COOKIES_SEGURAS",
                  "help": "1 = la cookie de sesión solo viaja por HTTPS (actívelo si sirve por HTTPS)."},
    )
    session_hours: int = field(
        default=12,
        metadata={"env": "POA_SESION_HORAS",
                  "help": "Horas que dura una sesión desde que se ingresa; usarla no la alarga."},
    )
    idle_minutes: int = field(
        default=120,
        metadata={"env": "POA_SESION_INACTIVA_MINUTOS",
                  "help": "Minutos sin usar el tablero tras los cuales la sesión se cierra."},
    )
    proxies: int = field(
        default=0,
        metadata={"env": "POA_PROXIES",
                  "help": "Proxies inversos de confianza delante de la app (para registrar la IP real)."},
    )
    read_contained: bool = field(
        default=True,
        metadata={"env": "POA_LECTURA_AISLADA",
                  "help": "1 = cada archivo se lee en un proceso aparte con límites de memoria y "
                          "tiempo (0 solo para depurar)."},
    )
    read_memory_mb: int = field(
        default=768,
        metadata={"env": "POA_LECTURA_MEMORIA_MB",
                  "help": "Memoria máxima (espacio de direcciones) del proceso que lee un archivo."},
    )
    read_seconds: float = field(
        default=10.0,
        metadata={"env": "POA_LECTURA_SEGUNDOS",
                  "help": "Segundos máximos para leer un archivo; después se rechaza."},
    )
    read_slots: int = field(
        default=0,
        metadata={"env": "POA_LECTURA_SIMULTANEAS",
                  "help": "Archivos que se leen a la vez en esta máquina; 0 = uno por núcleo."},
    )
    response_cache: bool = field(
        default=True,
        metadata={"env": "POA_CACHE_RESPUESTAS",
                  "help": "1 = lo que responden las páginas se guarda en POA_DATA_DIR/cache, "
                          "compartido por los procesos; 0 = se calcula en cada petición."},
    )
    response_cache_mb: int = field(
        default=256,
        metadata={"env": "POA_CACHE_RESPUESTAS_MB",
                  "help": "Tamaño máximo (MB) de esa caché; al llenarse se borran las respuestas "
                          "guardadas hace más tiempo."},
    )

    @classmethod
    def from_env(cls, **overrides: object) -> Settings:
        values: dict[str, object] = {}
        for f in fields(cls):
            raw = os.environ.get(f.metadata["env"], "").strip()
            if not raw:
                continue
            values[f.name] = _parse(f.metadata.get("type", type(f.default)), raw, f.metadata["env"])
        values.update(overrides)
        return cls(**values)

    @property
    def effective_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'tablero_poa.sqlite3').resolve()}"


TRUE = {"1", "true", "si", "sí", "yes", "on"}
FALSE = {"0", "false", "no", "off"}


def _parse(kind: type, raw: str, env: str) -> object:
    if kind is bool:
        if raw.lower() in TRUE | FALSE:
            return raw.lower() in TRUE
        raise ValueError(f"{env} debe ser 1 o 0, no «{raw}».")
    if issubclass(kind, Path):
        return Path(raw)
    return kind(raw)


def describe() -> list[tuple[str, str, str]]:
    """(variable, default, help) of every setting, for the README and `--help`."""
    return [(f.metadata["env"], "" if f.default is None else str(f.default), f.metadata["help"])
            for f in fields(Settings)]


__all__ = ["Settings", "describe"]
