"""The benchmark's floors do the same work as the app, and the page-load group counts what it
says it counts: checked on values, never on time."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import inspect

from loaders.imports import import_workbook
from loaders.store.engine import create_schema, make_engine
from loaders.store.schema import ActivityRow
from tests.bench import cold, imports, pages
from tests.bench.common import Measurement, goal, table


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


@pytest.mark.browser
def test_page_load_group_counts_bytes_and_pairs_app_with_bare_page():
    """The `carga` group once, cheaply: one page, one repetition, a fast emulated line."""
    lines: list[str] = []
    rows = cold.run(1, ("/metas",), network=cold.Network(mbps=100, rtt_ms=5), quiet_s=0.3,
                    warmup=False, log=lines.append)

    names = [m.name for m in rows]
    assert names == [
        "Carga en frío de /metas a 100 Mbit/s, 5 ms",
        "Bytes en la carga en frío de /metas",
        "Segunda visita a /metas (caché), 100 Mbit/s, 5 ms",
        "Bytes en la segunda visita a /metas",
        "Carga en frío de /metas sin límite de red",
        "Segunda visita a /metas: tablero contra la página mínima (sólo Plotly, sin Dash), "
        "100 Mbit/s, 5 ms",
    ]
    assert [m.clock for m in rows] == ["wall", "bytes", "wall", "bytes", "wall", "wall"]
    assert [(m.target, m.limit) for m in rows] == [
        (0.6, None), (None, 700 * 1024), (None, 0.35), (None, None), (1.0, None), (None, None)]
    # The minimal page's row: the tablero's repeat visit against the minimal page's, whose only
    # file is the Plotly bundle, from the browser's cache.
    least = rows[5]
    assert least.app_s == rows[2].app_s
    minimal = {e["path"]: e for e in least.extra["minimal_timing"][0]}
    assert list(minimal) == ["/", "/" + cold.MINIMAL_BUNDLE]
    assert minimal["/" + cold.MINIMAL_BUNDLE]["transfer"] == 0  # the browser's cache answered
    for m in rows:
        assert len(m.app_s) == len(m.floor_s) == 1
        assert m.app_s[0] > 0 and m.floor_s[0] > 0
        assert m.ratio == m.app_s[0] / m.floor_s[0]
    cold_bytes, repeat_bytes = rows[1], rows[3]
    assert cold_bytes.met == (cold_bytes.app <= 700 * 1024)
    for side in ("app", "floor"):
        requests = cold_bytes.extra["requests"][side][0]
        paths = [r["path"] for r in requests]
        assert ("/metas" if side == "app" else "/") in paths  # the page itself is counted
        assert sum(r["bytes"] for r in requests) == getattr(cold_bytes, f"{side}_s")[0]
        # Every file Resource Timing saw came over the wire with at least its body's bytes.
        wire = {}
        for r in requests:
            wire[r["path"]] = wire.get(r["path"], 0) + r["bytes"]
        for entry in cold_bytes.extra["timing"][side][0]:
            assert wire[entry["path"]] >= entry["encoded"] > 0, entry
    # The bare page is Dash alone: its own bundles and the full Plotly.js, nothing of the tablero.
    floor_paths = [r["path"] for r in cold_bytes.extra["requests"]["floor"][0]]
    assert "/_dash-component-suites/plotly/package_data/plotly.min.js" in floor_paths
    assert not [p for p in floor_paths if p.startswith("/assets/") or "dash_ag_grid" in p
                or "mantine" in p or "bootstrap" in p]
    # The repeat visit found the bare page's fingerprinted Dash bundles in the cache.
    assert repeat_bytes.floor < cold_bytes.floor / 2

    text = table(rows)
    cells = [[c.strip() for c in line.split("|")[1:-1]] for line in text.splitlines()]
    assert cells[0] == ["Medición", "Tablero", "Piso", "Razón", "Meta", "¿Cumple?"]
    cells = cells[2:]
    assert [c[0] for c in cells] == [
        "Carga en frío de /metas a 100 Mbit/s, 5 ms (reloj)",
        "Bytes en la carga en frío de /metas",
        "Segunda visita a /metas (caché), 100 Mbit/s, 5 ms (reloj)",
        "Bytes en la segunda visita a /metas",
        "Carga en frío de /metas sin límite de red (reloj)",
        "Segunda visita a /metas: tablero contra la página mínima (sólo Plotly, sin Dash), "
        "100 Mbit/s, 5 ms (reloj)",
    ]
    assert [c[4] for c in cells] == ["≤ 0.6×", "≤ 700 KiB", "≤ 0.35 s", "—", "≤ 1×", "—"]
    assert cells[1][1] == f"{cold_bytes.app / 1024:,.0f} KiB"
    assert cells[1][3] == f"{cold_bytes.app / cold_bytes.floor:.2f}×"
    assert cells[1][5] == ("sí" if cold_bytes.met else "NO")
    assert cells[3][5] == "(informativo)"
    assert any(line.startswith("    lo más pesado del tablero: ") for line in lines)
    assert any(line.startswith("    tablero, segunda visita: archivos ") for line in lines)


def test_bytes_over_the_wire_count_only_the_site_and_what_the_network_carried():
    def event(method, request_id, **params):
        return {"method": f"Network.{method}", "params": {"requestId": request_id, **params}}

    site = "http://127.0.0.1:8050"
    events = [
        event("requestWillBeSent", "1", request={"url": f"{site}/metas?corte=2026-11-21"}),
        event("requestWillBeSent", "2", request={"url": "chrome://new-tab-page/"}),
        event("requestWillBeSent", "3", request={"url": f"{site}/assets/a.js?m=1"}),
        event("requestWillBeSent", "4", request={"url": "http://127.0.0.1:9999/x.js"}),
        event("responseReceived", "1", response={"status": 200, "headers": {}}),
        event("responseReceived", "3", response={
            "status": 200, "fromDiskCache": True,
            "headers": {"Content-Encoding": "zstd", "Cache-Control": "max-age=31536000"}}),
        event("loadingFinished", "2", encodedDataLength=900),
        event("loadingFinished", "4", encodedDataLength=800),
        event("loadingFinished", "1", encodedDataLength=6175),
        event("loadingFinished", "3", encodedDataLength=0),
    ]
    assert cold.over_the_wire(events, site) == [
        {"path": "/metas", "bytes": 6175, "status": 200, "encoding": None,
         "cache_control": None, "cached": False},
        {"path": "/assets/a.js", "bytes": 0, "status": 200, "encoding": "zstd",
         "cache_control": "max-age=31536000", "cached": True},
    ]


def test_a_measurement_with_a_limit_is_met_only_within_its_limit_and_its_ratio():
    def row(app, floor, target=None, limit=None, clock="bytes"):
        return Measurement("carga", "x", [app], [floor], target, clock, limit=limit)

    assert row(600 * 1024, 1000 * 1024, limit=700 * 1024).met is True
    assert row(701 * 1024, 2000 * 1024, limit=700 * 1024).met is False
    assert row(0.3, 0.1, limit=0.35, clock="wall").met is True  # no ratio target
    assert row(0.3, 0.1, target=0.6, limit=0.35, clock="wall").met is False  # ratio 3×
    assert row(5.0, 4.0).met is None
    assert goal(row(1, 1, target=0.6, limit=0.35, clock="wall")) == "≤ 0.6× y ≤ 0.35 s"
    assert goal(row(1, 1, limit=700 * 1024)) == "≤ 700 KiB"
    assert goal(row(1, 1)) == "—"


def test_concurrency_floor_answers_each_request_as_the_dashboard_did(tmp_path):
    """The `concurrencia` group on a small scale, without gunicorn: the bare app answers every
    recorded request (each page, the navbar, Metas, Calidad, Historial) exactly as the dashboard
    answered it through Flask's test client."""
    import json

    from loaders.settings import Settings
    from tests.bench import concurrency

    recorded = concurrency.build_data(
        Settings(data_dir=tmp_path / "data", read_contained=False), tmp_path, municipios=1,
        areas=2, log=lambda *_: None)
    # The sample and both synthetic POAs: 8 pages, the navbar, Metas' filter and detail and
    # Calidad's filter each, and Historial's comparison of the sample's two versions.
    assert len(recorded) == 3 * 12 + 1
    entries = json.loads(json.dumps(concurrency.bare_entries(recorded)))  # as gunicorn reads it
    floor = concurrency.bare_app(entries).server.test_client()
    for r in recorded:
        response = floor.post("/_dash-update-component", data=r.body,
                              content_type="application/json")
        assert response.status_code == 200, r.case.name
        assert json.loads(response.data) == r.answer, r.case.name
    pages = [r.answer["response"]["_pages_content"]["children"] for r in recorded
             if "_pages_content" in r.answer["response"]]
    assert len(pages) == 3 * 8
    assert all(page["props"]["children"] for page in pages)  # each page drew its content


def test_milestones_say_when_files_layout_callbacks_and_chart_came():
    def entry(path, start, end):
        return {"path": path, "start": start, "end": end}

    visit = {"ms": 2420.4, "timing": [
        entry("/", 0, 127), entry("/assets/tablero.css", 141, 261),
        entry("/assets/plotly-tablero.min.js", 145, 470),
        entry("/_dash-layout", 1392, 1499), entry("/_dash-dependencies", 1395, 1514),
        entry("/_dash-update-component", 1653, 1766),
        entry("/_dash-update-component", 1809, 1942),
        # Loaded after the layout (the chart's chunk): not one of the page's own files.
        entry("/_dash-component-suites/dash/dcc/async-graph.js", 2022, 2032),
    ]}
    assert cold.milestones(visit) == {"archivos": 470, "_dash-layout": 1392, "llamadas": 1942,
                                      "gráfica": 2420}


def test_milestones_of_a_page_that_started_from_its_index_and_kept_answers():
    visit = {"ms": 701.2, "timing": [
        {"path": "/", "start": 0, "end": 125},
        {"path": "/assets/plotly-tablero.min.js", "start": 130, "end": 245},
        {"path": "/_dash-component-suites/dash/dcc/async-graph.js", "start": 128, "end": 180},
    ], "marks": {"tablero-inicio:_dash-layout": 366, "tablero-inicio:_dash-dependencies": 367,
                 "tablero-inicio:respuesta": 472}}
    assert cold.milestones(visit) == {"archivos": 245, "_dash-layout": 366,
                                      "respuestas guardadas": 472, "gráfica": 701}


def test_gzip_mode_names_the_scripts_and_styles_that_came_otherwise():
    def request(path, encoding, size=100):
        return {"path": path, "bytes": size, "encoding": encoding}

    assert cold.not_gzip([
        request("/assets/a.js", "gzip"), request("/assets/b.css", None),
        request("/assets/c.js", "br"), request("/assets/cached.js", None, size=0),
        request("/_dash-layout", None),  # not a script or a style sheet
    ]) == ["/assets/b.css", "/assets/c.js"]
