"""Which version a fecha de corte shows (issue 16, point 9): by default the latest version uploaded
on or before the corte; another one only when the user picks it, and then the page says so."""

from __future__ import annotations

import io
from datetime import date, datetime

import openpyxl
import pytest
from sqlalchemy.orm import Session

from dashboard.state import Selection, resolve, version_notice
from loaders.imports import prepare_upload
from loaders.settings import Settings
from loaders.store.errors import write_transaction
from loaders.store.overview import current_versions
from loaders.store.queries import VersionInfo, list_plans, list_versions, version_as_of
from loaders.store.versions import store_upload
from tests.browser import chromium, served, wait_until
from tests.paths import SAMPLE_WORKBOOK

JUNE = datetime(2026, 6, 15, 10, 0)
SEPTEMBER = datetime(2026, 9, 20, 9, 30)


def info(number: int, uploaded: datetime) -> VersionInfo:
    return VersionInfo(number * 10, 1, number, uploaded, "ana", "poa.xlsx", "0" * 64, 1,
                       uploaded.date())


def test_the_latest_version_uploaded_on_or_before_the_corte_is_shown():
    june, september, december = info(1, JUNE), info(2, SEPTEMBER), info(3, datetime(2026, 12, 1))
    versions = [june, september, december]
    assert version_as_of(versions, date(2026, 6, 30)) == june
    assert version_as_of(versions, date(2026, 6, 15)) == june  # uploaded that same day
    assert version_as_of(versions, date(2026, 9, 30)) == september
    assert version_as_of(versions, date(2026, 12, 1)) == december
    assert version_as_of(versions, date(2027, 3, 1)) == december
    # Before every upload: the first version (the notice says its numbers are later).
    assert version_as_of(versions, date(2026, 1, 31)) == june
    assert version_as_of([], date(2026, 6, 30)) is None


def test_the_notice_says_when_the_version_is_not_the_latest_by_the_corte():
    june, december = info(1, JUNE), info(2, datetime(2026, 12, 1, 8))
    versions = [june, december]
    corte = date(2026, 6, 30)
    assert version_notice(Selection(1, june.id, corte), versions) is None
    later = version_notice(Selection(1, december.id, corte, pinned=True), versions)
    assert later == ("Se muestra la versión 2, cargada el 01/12/2026, después de la fecha de corte "
                     "30/06/2026: sus metas alcanzadas son posteriores al corte y se comparan con "
                     "lo esperado al corte.")
    older = version_notice(Selection(1, june.id, date(2026, 12, 31), pinned=True), versions)
    assert older == ("Se muestra la versión 1, cargada el 15/06/2026; la más reciente al "
                     "31/12/2026 es la versión 2.")
    none_before = version_notice(Selection(1, june.id, date(2026, 1, 31)), versions)
    assert none_before == ("Ninguna versión de este POA se cargó en o antes del 31/01/2026: se "
                           "muestra la primera, la versión 1, cargada el 15/06/2026, con metas "
                           "alcanzadas posteriores a la fecha de corte.")


def changed_sample(tag: int) -> bytes:
    """The sample workbook as another file (another hash, the same content): its document
    properties name the upload."""
    book = openpyxl.load_workbook(SAMPLE_WORKBOOK)
    book.properties.subject = f"Carga {tag}"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def add_version(engine, data: bytes, uploaded: datetime) -> int:
    upload = prepare_upload(data, Settings(), file_name=f"poa-{uploaded:%m}.xlsx",
                            as_of=uploaded.date())
    with write_transaction(engine) as session:
        return store_upload(session, upload, uploaded_by="planeacion", now=uploaded).version_id


@pytest.fixture(scope="module")
def live(tmp_path_factory):
    """The app with the sample (uploaded today) and two earlier versions of the same POA, uploaded
    in June and in September."""
    with served(Settings(data_dir=tmp_path_factory.mktemp("by-corte"))) as live:
        live.june = add_version(live.engine, changed_sample(1), JUNE)
        live.september = add_version(live.engine, changed_sample(2), SEPTEMBER)
        yield live


def test_resolve_picks_the_version_by_the_corte_and_keeps_a_picked_one(live):
    with Session(live.engine) as session:
        plan = next(p for p in list_plans(session) if p.id == list_versions(session)[-1].plan_id)
        today_version = next(v for v in list_versions(session, plan.id)
                             if v.id not in (live.june, live.september))
        query = {"poa": plan.id}
        june = resolve(session, {**query, "corte": "2026-06-30"})[0]
        assert (june.version_id, june.pinned) == (live.june, False)
        assert "version" not in june.query()
        september = resolve(session, {**query, "corte": "2026-10-31"})[0]
        assert september.version_id == live.september
        today = resolve(session, {**query, "corte": date.today().isoformat()})[0]
        assert today.version_id == today_version.id
        picked = resolve(session, {**query, "corte": "2026-06-30", "version": today_version.id})[0]
        assert (picked.version_id, picked.pinned) == (today_version.id, True)
        assert f"version={today_version.id}" in picked.query()


def test_estado_and_municipio_sum_the_version_each_corte_shows(live):
    """The overview's SQL picks per POA what `version_as_of` picks for the pages."""
    with Session(live.engine) as session:
        plan_id = next(v.plan_id for v in list_versions(session) if v.id == live.june)
        versions = list_versions(session, plan_id)
        for corte in (date(2026, 1, 31), date(2026, 6, 15), date(2026, 6, 30),
                      date(2026, 10, 31), date.today()):
            shown = {v.plan_id: v.version_id for v in current_versions(session, None, corte)}
            assert shown[plan_id] == version_as_of(versions, corte).id, corte
        assert {v.plan_id: v.version_id for v in current_versions(
            session, None, date(2026, 6, 30))}[plan_id] == live.june
        # every other POA (one version each, uploaded today) still shows, by its first version
        assert len(current_versions(session, None, date(2026, 6, 30))) == len(
            list_plans(session))


@pytest.mark.browser
def test_corte_of_june_shows_junes_version_and_a_later_pick_says_so(live):
    driver = chromium()
    try:
        driver.set_window_size(1366, 768)
        with Session(live.engine) as session:
            plan_id = next(v.plan_id for v in list_versions(session) if v.id == live.june)
            today_version = min(v.id for v in list_versions(session, plan_id))  # the sample
        driver.get(f"{live.url}/?poa={plan_id}&corte=2026-06-30")
        shown = lambda: driver.execute_script(  # noqa: E731
            "const s = document.getElementById('nav-version'); return s && s.value;")
        wait_until(lambda: shown() == str(live.june))
        notice = driver.find_element("id", "version-notice")
        assert not notice.is_displayed()

        driver.get(f"{live.url}/?poa={plan_id}&corte=2026-06-30&version={today_version}")
        wait_until(lambda: shown() == str(today_version))
        wait_until(lambda: driver.find_element("id", "version-notice").is_displayed())
        text = driver.find_element("id", "version-notice").text
        assert "después de la fecha de corte 30/06/2026" in text
        assert text.startswith(f"Se muestra la versión 1, cargada el {date.today():%d/%m/%Y}")
        box = driver.execute_script(
            "const r = document.getElementById('version-notice').getBoundingClientRect();"
            "return [r.top, r.bottom];")
        assert box[0] >= 0 and box[1] <= 768  # seen without scrolling

        # Estado aggregates every POA: the notice about one POA's version is not its business.
        driver.find_element("css selector", ".navbar a.nav-link[href*='/estado']").click()
        wait_until(lambda: "/estado" in driver.current_url)
        wait_until(lambda: not driver.find_element("id", "version-notice").is_displayed())

        # A new fecha de corte picks its own version again: September's for 31/10.
        driver.get(f"{live.url}/?poa={plan_id}&corte=2026-10-31")
        wait_until(lambda: shown() == str(live.september))
        assert not driver.find_element("id", "version-notice").is_displayed()
    finally:
        driver.quit()
