"""The benchmark's floors do the same work as the app, checked on values (never on time)."""

from __future__ import annotations

from datetime import date

from sqlalchemy import inspect

from loaders.imports import import_workbook
from loaders.store.engine import create_schema, make_engine
from loaders.store.schema import ActivityRow
from tests.bench import imports, pages


def test_import_floor_stores_the_same_activity_rows_as_the_app(sample_bytes, settings, tmp_path):
    app_engine = make_engine(f"sqlite:///{tmp_path / 'app.sqlite3'}", settings)
    floor_engine = make_engine(f"sqlite:///{tmp_path / 'floor.sqlite3'}", settings)
    for engine in (app_engine, floor_engine):
        create_schema(engine)
    import_workbook(app_engine, sample_bytes, settings, file_name="poa.xlsx", uploaded_by="t",
                    as_of=date(2026, 11, 21))
    version = imports.placeholder_version(floor_engine)
    rows = imports.activity_rows(sample_bytes, settings, version)
    stored = imports.floor_import(floor_engine, sample_bytes, rows)

    columns = {c.key for c in inspect(ActivityRow).columns} - {"id"}
    assert set(rows[0]) == columns
    assert stored == len(rows) == imports.stored_activities(app_engine) == 16
    assert imports.stored_activities(floor_engine) == 16
    assert imports.calamine_read(sample_bytes) > 16  # every worksheet was read
    for engine in (app_engine, floor_engine):
        engine.dispose()


def test_page_floor_answers_exactly_what_the_app_answers(settings):
    app = pages.new_app(settings)
    client = app.server.test_client()
    client.get("/")  # Dash registers the Pages router at the first request
    for path in ("/", "/cronograma"):
        case = pages.router_case(path, path)
        floor = pages.bare_app(case, pages.figures_as_objects(pages.in_app(app, case.value)))
        expected = pages.post(client, case.body())
        assert pages.post(floor.server.test_client(), case.body()) == expected
        content = expected["response"]["_pages_content"]["children"]
        assert "Graph" in str(content)  # the page's figure is part of what is compared
    app.server.extensions["tablero_poa"].engine.dispose()
