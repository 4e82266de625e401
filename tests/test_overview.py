"""The state overview aggregates with the same rules as each POA's own pages."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy.orm import Session

from dashboard.state_figures import semaforo_stack
from dashboard.views import plan_view
from loaders.overview import current_activities, summarize
from loaders.queries import list_plans, load_version
from loaders.settings import REPO_ROOT
from loaders.store import import_workbook
from tests.builders import activity, write_poa

CORTE = date(2026, 11, 21)
EXAMPLES = sorted((REPO_ROOT / "sample_data").glob("ejemplo_*.xlsx"))


@pytest.fixture
def loaded(engine, settings, sample_bytes, tmp_path):
    for path in EXAMPLES:
        import_workbook(engine, path.read_bytes(), settings, file_name=path.name,
                        uploaded_by="prueba", as_of=CORTE)
    import_workbook(engine, sample_bytes, settings, file_name="poa.xlsx", uploaded_by="prueba",
                    as_of=CORTE)
    other = tmp_path / "fresnillo.xlsx"
    write_poa(other, [activity(1, goal=10, programmed=10, achieved=10, pct="100%"),
                      activity(2, goal=20, programmed=20, achieved=0, pct="0%",
                               end=date(2026, 6, 30), months=list(range(1, 7)))])
    import_workbook(engine, other.read_bytes(), settings, file_name=other.name,
                    uploaded_by="prueba", as_of=CORTE,
                    identity={"municipio": "Fresnillo", "direccion": "Cultura",
                              "area": "Cultura", "fiscal_year": 2026})
    return engine


def test_overview_matches_each_poas_own_view(loaded, settings):
    with Session(loaded) as session:
        facts = current_activities(session)
        views = {}
        for plan in list_plans(session):
            doc = load_version(session, plan.current_version_id).doc
            views[plan.id] = plan_view(doc, CORTE, settings)
    overview = summarize(facts, CORTE)
    assert overview.total.activities == sum(len(v.activities) for v in views.values())
    for tallies in overview.areas.values():
        for tally in tallies:
            view = views[tally.plan_id]
            assert (tally.rojo, tally.amarillo, tally.verde) == (
                view.counts.get("rojo", 0), view.counts.get("amarillo", 0),
                view.counts.get("verde", 0))
            assert tally.index_pct == pytest.approx(view.index_pct)
            assert tally.expected_index_pct == pytest.approx(view.expected_index_pct)
    sombrerete = next(t for t in overview.municipios if t.name == "Sombrerete")
    migrantes = next(t for t in overview.areas["Sombrerete"] if t.name == "Migrantes y Ex braceros")
    assert round(migrantes.index_pct, 1) == 11.6 and migrantes.activities == 16
    assert len(sombrerete.plans) == len(EXAMPLES) + 1
    assert sorted(t.name for t in overview.municipios) == ["Fresnillo", "Sombrerete"]


def test_overview_figure_draws_one_bar_per_group_not_per_activity(loaded):
    with Session(loaded) as session:
        overview = summarize(current_activities(session), CORTE)
    fig = semaforo_stack(overview.municipios)
    assert [len(trace.y) for trace in fig.data] == [2] * len(fig.data)
    assert [trace.name for trace in fig.data][:3] == ["■ Rojo", "▲ Amarillo", "● Verde"]
    total = sum(sum(trace.x) for trace in fig.data)
    assert total == overview.total.activities


def test_fresnillo_counts(loaded):
    with Session(loaded) as session:
        overview = summarize(current_activities(session), CORTE)
    fresnillo = next(t for t in overview.municipios if t.name == "Fresnillo")
    assert (fresnillo.activities, fresnillo.verde, fresnillo.rojo, fresnillo.overdue) == (2, 1, 1, 1)
    assert round(fresnillo.index_pct, 1) == 33.3  # 10 / 30
    assert overview.municipios[0].name == "Fresnillo"  # half its activities in red: worst first


def test_state_page_drills_down_from_municipio_to_poa(tmp_path):
    import dash

    from dashboard.app import create_app
    from loaders.settings import Settings

    app = create_app(Settings(data_dir=tmp_path / "data"))
    layout = next(p["layout"] for p in dash.page_registry.values() if p["path"] == "/estado")
    with app.server.test_request_context("/estado"):
        page = str(layout(corte="2026-11-21"))
        assert "estado-table" in page and "Sombrerete" in page and "municipio=Sombrerete" in page
        detail = str(layout(corte="2026-11-21", municipio="Sombrerete"))
        assert "estado-areas" in detail and "Migrantes y Ex braceros" in detail
        assert "?poa=" in detail and "11.6" in detail


def test_the_database_aggregates_exactly_like_the_python_rule(loaded, settings):
    from loaders.overview import overview_from_db
    from loaders.progress import Thresholds

    for corte in (date(2026, 1, 15), date(2026, 6, 30), CORTE, date(2027, 2, 1)):
        for thresholds in (Thresholds(), Thresholds(-5.0, -40.0)):
            with Session(loaded) as session:
                expected = summarize(current_activities(session), corte, thresholds)
                computed = overview_from_db(session, corte, thresholds)
            for mine, theirs in ((computed.total, expected.total),
                                 *zip(computed.municipios, expected.municipios, strict=True)):
                assert mine.name == theirs.name
                assert (mine.activities, mine.verde, mine.amarillo, mine.rojo, mine.sin_datos,
                        mine.overdue, mine.achieved, mine.programmed, mine.plans) == (
                    theirs.activities, theirs.verde, theirs.amarillo, theirs.rojo,
                    theirs.sin_datos, theirs.overdue, theirs.achieved, theirs.programmed,
                    theirs.plans), (corte, thresholds, mine.name)
                assert mine.expected_index_pct == pytest.approx(theirs.expected_index_pct)
            for municipio, tallies in expected.areas.items():
                assert [(t.plan_id, t.rojo, t.verde) for t in computed.areas[municipio]] == [
                    (t.plan_id, t.rojo, t.verde) for t in tallies]


def test_the_database_aggregates_like_python_on_synthetic_municipios(engine, settings, tmp_path):
    from loaders.overview import overview_from_db
    from loaders.synth import write_workbooks

    for path in write_workbooks(tmp_path / "s", municipios=3, areas=4, activities=16, seed=7):
        import_workbook(engine, path.read_bytes(), settings, file_name=path.name,
                        uploaded_by="prueba", as_of=CORTE)
    with Session(engine) as session:
        expected = summarize(current_activities(session), CORTE)
        computed = overview_from_db(session, CORTE)
    assert computed.total.activities == expected.total.activities == 3 * 4 * 16
    assert [(t.name, t.rojo, t.amarillo, t.verde, t.sin_datos, t.overdue, t.achieved)
            for t in computed.municipios] == [
        (t.name, t.rojo, t.amarillo, t.verde, t.sin_datos, t.overdue, t.achieved)
        for t in expected.municipios]


def test_the_cached_state_page_shows_a_new_version_at_once(tmp_path, sample_bytes):
    import dash
    import openpyxl

    from dashboard.app import create_app
    from loaders.settings import Settings

    settings = Settings(data_dir=tmp_path / "data")
    app = create_app(settings)
    engine = app.server.extensions["tablero_poa"].engine
    layout = next(p["layout"] for p in dash.page_registry.values() if p["path"] == "/estado")
    with app.server.test_request_context("/estado"):
        before = str(layout(corte="2026-11-21"))
        assert "11.6" in str(layout(corte="2026-11-21", municipio="Sombrerete"))
    book = openpyxl.load_workbook(REPO_ROOT / "sample_data" / "poa_migrantes_ex_braceros_2026.xlsx")
    book["Cronograma"]["H6"] = 26  # activity 1: achieved 6 -> 26: (23 + 20) / 198 = 21.7 %
    changed = tmp_path / "v2.xlsx"
    book.save(changed)
    import_workbook(engine, changed.read_bytes(), settings, file_name="v2.xlsx",
                    uploaded_by="prueba", as_of=CORTE)
    with app.server.test_request_context("/estado"):
        assert str(layout(corte="2026-11-21")) != before
        assert "21.7" in str(layout(corte="2026-11-21", municipio="Sombrerete"))
