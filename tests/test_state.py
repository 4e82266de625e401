"""The URL selects the POA, version and fecha de corte; bad values fall back, never fail."""

from datetime import date

from sqlalchemy.orm import Session

from dashboard.state import parse_corte, resolve
from loaders.imports import import_workbook
from tests.builders import activity, write_poa


def test_parse_corte_accepts_iso_dates_and_falls_back_on_anything_else():
    assert parse_corte("2026-11-21") == date(2026, 11, 21)
    fallback = date(2026, 1, 1)
    for bad in ("21/11/2026", "mañana", None, "9999-99-99", "<script>"):
        assert parse_corte(bad, fallback) == fallback


def test_resolve_defaults_to_latest_version_and_ignores_foreign_or_bad_ids(
    engine, settings, tmp_path
):
    a1 = write_poa(tmp_path / "a1.xlsx", [activity(1, achieved=1, pct="5%")])
    a2 = write_poa(tmp_path / "a2.xlsx", [activity(1, achieved=2, pct="10%")])
    kwargs = {"uploaded_by": "u", "as_of": date(2026, 11, 21)}
    v1 = import_workbook(engine, a1.read_bytes(), settings, file_name="a1.xlsx", **kwargs)
    v2 = import_workbook(engine, a2.read_bytes(), settings, file_name="a2.xlsx", **kwargs)
    with Session(engine) as s:
        sel, plans, versions = resolve(s, {})
        assert (sel.plan_id, sel.version_id) == (v2.plan_id, v2.version_id)
        assert sel.as_of == date.today()
        sel, _, _ = resolve(s, {"poa": str(v1.plan_id), "version": str(v1.version_id),
                                "corte": "2026-03-01"})
        assert (sel.version_id, sel.as_of) == (v1.version_id, date(2026, 3, 1))
        sel, _, _ = resolve(s, {"poa": "abc", "version": "999999", "corte": "x"})
        assert (sel.plan_id, sel.version_id) == (v2.plan_id, v2.version_id)
        sel, _, _ = resolve(s, {"version": str(v1.version_id)})
        assert (sel.plan_id, sel.version_id) == (v1.plan_id, v1.version_id)
    assert [v.number for v in versions] == [1, 2] and len(plans) == 1
    assert sel.query().startswith(f"?poa={v1.plan_id}&version={v1.version_id}&corte=")
