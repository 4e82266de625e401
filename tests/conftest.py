"""Shared fixtures: the sample workbook, settings, and real SQLite and PostgreSQL databases."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from loaders.settings import Settings
from loaders.store.engine import create_schema, make_engine
from tests.paths import SAMPLE_WORKBOOK
from tests.pg import PostgresServer

_counter = itertools.count()


@pytest.fixture(scope="session")
def sample_path() -> Path:
    return SAMPLE_WORKBOOK


@pytest.fixture(scope="session")
def sample_bytes(sample_path: Path) -> bytes:
    return sample_path.read_bytes()


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(data_dir=tmp_path / "data")


@pytest.fixture(scope="session")
def postgres_server():
    server = PostgresServer().start()
    yield server
    server.stop()


def _postgres_database(server: PostgresServer) -> str:
    name = f"poa_test_{next(_counter)}"
    admin = create_engine(server.url(), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return server.url(name)


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request, tmp_path: Path) -> str:
    """A fresh, empty database URL on each real engine."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'poa.sqlite3'}"
    return _postgres_database(request.getfixturevalue("postgres_server"))


@pytest.fixture
def engine(db_url: str, settings: Settings):
    engine = make_engine(db_url, settings)
    create_schema(engine)
    yield engine
    engine.dispose()
