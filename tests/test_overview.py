"""The state overview aggregates with the same rules as each POA's own pages."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy.orm import Session

from dashboard.figures.state import semaforo_stack
from dashboard.views import plan_view
from loaders.check.progress import Thresholds
from loaders.imports import import_workbook
from loaders.settings import Settings
from loaders.store.overview import overview_from_db
from loaders.store.queries import list_plans, load_version
from tests.builders import activity, write_poa
from tests.paths import REPO_ROOT

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


def assert_matches_each_poas_own_view(engine, corte: date, settings: Settings):
    """The database's sums per POA equal what each POA's own pages show (`plan_view`)."""
    thresholds = Thresholds(settings.green_gap, settings.yellow_gap)
    with Session(engine) as session:
        overview = overview_from_db(session, corte, thresholds)
        views = {plan.id: plan_view(load_version(session, plan.current_version_id).doc, corte,
                                    settings)
                 for plan in list_plans(session)}
    tallies = [t for group in overview.areas.values() for t in group]
    assert sorted(t.plan_id for t in tallies) == sorted(views)
    for tally in tallies:
        view = views[tally.plan_id]
        assert (tally.activities, tally.rojo, tally.amarillo, tally.verde, tally.sin_datos,
                tally.overdue) == (
            len(view.activities), view.counts.get("rojo", 0), view.counts.get("amarillo", 0),
            view.counts.get("verde", 0), view.counts.get(None, 0),
            sum(a.overdue for a in view.activities)), (corte, thresholds, tally.name)
        assert tally.index_pct == pytest.approx(view.index_pct)
        assert tally.expected_index_pct == pytest.approx(view.expected_index_pct)
    assert overview.total.activities == sum(len(v.activities) for v in views.values())
    assert overview.total.rojo == sum(t.rojo for t in tallies)
    return overview


def test_overview_matches_each_poas_own_view(loaded, settings):
    overview = assert_matches_each_poas_own_view(loaded, CORTE, settings)
    sombrerete = next(t for t in overview.municipios if t.name == "Sombrerete")
    migrantes = next(t for t in overview.areas["Sombrerete"] if t.name == "Migrantes y Ex braceros")
    assert round(migrantes.index_pct, 1) == 11.6 and migrantes.activities == 16
    assert len(sombrerete.plans) == len(EXAMPLES) + 1
    assert sorted(t.name for t in overview.municipios) == ["Fresnillo", "Sombrerete"]


@pytest.mark.parametrize("corte", [date(2026, 1, 15), date(2026, 6, 30), date(2027, 2, 1)])
@pytest.mark.parametrize("gaps", [(-10.0, -25.0), (-5.0, -40.0)])
def test_overview_matches_on_other_dates_and_thresholds(loaded, tmp_path, corte, gaps):
    settings = Settings(data_dir=tmp_path / "d", green_gap=gaps[0], yellow_gap=gaps[1])
    assert_matches_each_poas_own_view(loaded, corte, settings)


def test_overview_figure_draws_one_bar_per_group_not_per_activity(loaded):
    with Session(loaded) as session:
        overview = overview_from_db(session, CORTE)
    fig = semaforo_stack(overview.municipios)
    assert [len(trace.y) for trace in fig.data] == [2] * len(fig.data)
    assert [trace.name for trace in fig.data][:3] == ["■ Rojo", "▲ Amarillo", "● Verde"]
    total = sum(sum(trace.x) for trace in fig.data)
    assert total == overview.total.activities


def test_fresnillo_counts(loaded):
    with Session(loaded) as session:
        overview = overview_from_db(session, CORTE)
    fresnillo = next(t for t in overview.municipios if t.name == "Fresnillo")
    assert (fresnillo.activities, fresnillo.verde, fresnillo.rojo, fresnillo.overdue) == (2, 1, 1, 1)
    assert round(fresnillo.index_pct, 1) == 33.3  # 10 / 30
    assert overview.municipios[0].name == "Fresnillo"  # half its activities in red: worst first


def test_state_page_drills_down_from_municipio_to_poa(tmp_path):
    import dash

    from dashboard.app import create_app

    app = create_app(Settings(data_dir=tmp_path / "data"))
    layout = next(p["layout"] for p in dash.page_registry.values() if p["path"] == "/estado")
    with app.server.test_request_context("/estado"):
        page = str(layout(corte="2026-11-21"))
        assert "estado-table" in page and "Sombrerete" in page and "municipio=Sombrerete" in page
        detail = str(layout(corte="2026-11-21", municipio="Sombrerete"))
        assert "estado-areas" in detail and "Migrantes y Ex braceros" in detail
        assert "?poa=" in detail and "11.6" in detail


def test_overview_matches_each_poas_own_view_on_synthetic_municipios(engine, settings, tmp_path):
    from loaders.synth import write_workbooks

    for path in write_workbooks(tmp_path / "s", municipios=3, areas=4, activities=16, seed=7):
        import_workbook(engine, path.read_bytes(), settings, file_name=path.name,
                        uploaded_by="prueba", as_of=CORTE)
    overview = assert_matches_each_poas_own_view(engine, CORTE, settings)
    assert overview.total.activities == 3 * 4 * 16 and len(overview.municipios) == 3


def test_the_cached_state_page_shows_a_new_version_at_once(tmp_path, sample_bytes):
    import dash
    import openpyxl

    from dashboard.app import create_app

    settings = Settings(data_dir=tmp_path / "data")
    app = create_app(settings)
    engine = app.server.extensions["tablero_poa"].engine
    layout = next(p["layout"] for p in dash.page_registry.values() if p["path"] == "/estado")
    # a fecha de corte on or after the uploads: each corte shows the latest version uploaded by then
    today = date.today().isoformat()
    with app.server.test_request_context("/estado"):
        before = str(layout(corte=today))
        assert "11.6" in str(layout(corte=today, municipio="Sombrerete"))
    book = openpyxl.load_workbook(REPO_ROOT / "sample_data" / "poa_migrantes_ex_braceros_2026.xlsx")
    book["Cronograma"]["H6"] = 26  # activity 1: achieved 6 -> 26: (23 + 20) / 198 = 21.7 %
    changed = tmp_path / "v2.xlsx"
    book.save(changed)
    import_workbook(engine, changed.read_bytes(), settings, file_name="v2.xlsx",
                    uploaded_by="prueba", as_of=CORTE)
    with app.server.test_request_context("/estado"):
        assert str(layout(corte=today)) != before
        assert "21.7" in str(layout(corte=today, municipio="Sombrerete"))
