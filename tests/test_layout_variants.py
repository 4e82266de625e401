"""Workbooks laid out the way real areas fill in the template give the sample's data and findings.

Each layout variant of ``tests/workbook_variants.py`` holds the seed's data in another layout and
notation. Through the loader's public contract (the CLI JSON, or ``document_to_json`` which is the
same JSON), every variant must report the activities, budget, plan and findings of the sample
workbook, at the fecha de corte 2026-11-21, with each finding pointing at the variant's own cell.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import zipfile
from collections import Counter
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest
from openpyxl import load_workbook

from loaders.check.poa import check_document
from loaders.read.poa import read_poa_file
from loaders.report import document_to_json
from loaders.settings import Settings
from sample_data import seed_poa
from tests.workbook_variants import (
    BUDGET_SUM,
    FORMULA_LIKE_FIELD,
    FORMULA_LIKE_TEXT,
    VARIANTS,
    VariantWorkbook,
    build_budget_only,
    build_variant,
    planned_months,
    sample_layout,
)

REPO_ROOT = Path(__file__).resolve().parent.parent
SAMPLE_PATH = REPO_ROOT / "sample_data" / "poa_migrantes_ex_braceros_2026.xlsx"
AS_OF = date(2026, 11, 21)

VARIANT_NAMES = list(VARIANTS)
TWO_TABLE_VARIANTS = [n for n in VARIANT_NAMES if not n.startswith("single_table")]
TEXT_DATE_VARIANTS = ["one_sheet", "three_sheets"]
CORRECT_TOTAL_VARIANTS = ["single_table", "one_sheet", "three_sheets"]
CLI_VARIANTS = ["single_table", "one_sheet_wrong_total", "three_sheets", "banded"]

# The findings of the sample at 2026-11-21, from the issue: code -> activities.
SAMPLE_FINDINGS = {
    "PCT_MISMATCH": {2, 5, 7, 12},
    "END_BEFORE_START": {7},
    "OUTSIDE_FISCAL_YEAR": {7, 14},
    "NAME_MISMATCH": {4, 7, 8, 10, 12, 15, 16},
    "MISSING_FIELD": {6},
    "OVERDUE": {2, 4, 5, 7, 8, 9, 11, 12},
    "BEHIND_SCHEDULE": {1, 3, 6, 10, 13, 14, 15, 16},
}
# Codes that need a cronograma spelling of the names, which a single table does not have.
NEEDS_TWO_TABLES = {"NAME_MISMATCH"}
INTEGER_FIELDS = ("number", "goal", "programmed", "achieved")


# -- reading ---------------------------------------------------------------------------------


def read_json(path: Path) -> dict:
    """What `python -m loaders check PATH --as-of 2026-11-21 --json` prints, via the Python API."""
    settings = Settings()
    doc = read_poa_file(path, settings)
    findings = check_document(doc, as_of=AS_OF, settings=settings)
    return json.loads(json.dumps(document_to_json(doc, findings)))


def run_cli(path: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "loaders",
            "check",
            str(path),
            "--as-of",
            AS_OF.isoformat(),
            "--json",
        ],
        capture_output=True,
        text=True,
        cwd=REPO_ROOT,
        timeout=180,
    )


def by_number(doc: dict) -> dict[int, dict]:
    return {a["number"]: a for a in doc["activities"]}


def activity_values(activity: dict) -> dict:
    """The values every layout must agree on (declared % rounded to one decimal)."""
    pct = activity["declared_pct"]
    return {
        "number": activity["number"],
        "name": activity["name"],
        "goal": activity["goal"],
        "programmed": activity["programmed"],
        "achieved": activity["achieved"],
        "declared_pct": None if pct is None else round(float(pct), 1),
        "start": activity["start"],
        "end": activity["end"],
    }


def seed_values() -> list[dict]:
    return [
        {
            "number": a["number"],
            "name": a["name"],
            "goal": a["goal"],
            "programmed": a["programmed"],
            "achieved": a["achieved"],
            "declared_pct": round(float(a["declared_pct"]), 1),
            "start": a["start"].isoformat(),
            "end": a["end"].isoformat(),
        }
        for a in seed_poa.ACTIVITIES
    ]


def seed_budget() -> list[tuple[str, float]]:
    return [(partida, amount) for partida, _, amount in seed_poa.BUDGET]


def finding_keys(doc: dict) -> Counter:
    return Counter((f["code"], f["activity"]) for f in doc["findings"])


def expected_finding_keys(sample: dict, variant: VariantWorkbook) -> Counter:
    """The sample's findings, minus what the layout cannot produce, plus its total's finding."""
    expected = Counter(
        {
            key: n
            for key, n in finding_keys(sample).items()
            if variant.has_cronograma_names or key[0] not in NEEDS_TWO_TABLES
        }
    )
    if variant.total_is_wrong:
        expected[("BUDGET_TOTAL_MISMATCH", None)] += 1
    return expected


def located(doc: dict, code: str) -> dict[int | None, set[tuple[str, str]]]:
    """activity -> the (sheet, cell) of every finding with this code."""
    where: dict[int | None, set[tuple[str, str]]] = {}
    for f in doc["findings"]:
        if f["code"] == code:
            where.setdefault(f["activity"], set()).add((f["sheet"], f["cell"]))
    return where


def split_cell(cell: str) -> tuple[str, int]:
    letters = cell.rstrip("0123456789")
    return letters, int(cell[len(letters) :])


# -- fixtures --------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def layouts(tmp_path_factory) -> Callable[[str], tuple[VariantWorkbook, dict]]:
    """Build (or locate, for "sample") a layout and read it, once per module."""
    directory = tmp_path_factory.mktemp("layout_variants")
    built: dict[str, tuple[VariantWorkbook, dict]] = {}

    def get(name: str) -> tuple[VariantWorkbook, dict]:
        if name not in built:
            is_sample = name == "sample"
            variant = sample_layout(SAMPLE_PATH) if is_sample else build_variant(name, directory)
            built[name] = (variant, read_json(variant.path))
        return built[name]

    return get


@pytest.fixture
def sample_json(layouts) -> dict:
    return layouts("sample")[1]


@pytest.fixture(params=VARIANT_NAMES)
def variant(request, layouts) -> tuple[VariantWorkbook, dict]:
    return layouts(request.param)


@pytest.fixture(params=["sample", *VARIANT_NAMES])
def any_layout(request, layouts) -> tuple[VariantWorkbook, dict]:
    return layouts(request.param)


# -- the sample itself -------------------------------------------------------------------------


@pytest.mark.parametrize("code", sorted(SAMPLE_FINDINGS))
def test_sample_workbook_reports_the_known_findings_of_the_seed(sample_json, code):
    activities = {f["activity"] for f in sample_json["findings"] if f["code"] == code}
    assert activities == SAMPLE_FINDINGS[code]


def test_sample_workbook_flags_the_numeric_unit_column(sample_json):
    units = [f for f in sample_json["findings"] if f["code"] == "UNIT_NOT_A_UNIT"]
    assert units, "the unit column holds numbers (20, 50, 15…): UNIT_NOT_A_UNIT is expected"
    assert {(f["sheet"], split_cell(f["cell"])[0]) for f in units} == {("Cronograma", "D")}


def test_sample_workbook_reports_no_other_finding_codes(sample_json):
    codes = {f["code"] for f in sample_json["findings"]}
    assert codes == set(SAMPLE_FINDINGS) | {"UNIT_NOT_A_UNIT"}


def test_sample_workbook_reads_the_seed_values(sample_json):
    assert [activity_values(a) for a in sample_json["activities"]] == seed_values()
    assert {a["number"]: a["months_planned"] for a in sample_json["activities"]} == {
        a["number"]: planned_months(a) for a in seed_poa.ACTIVITIES
    }
    assert [(b["partida"], b["approved"]) for b in sample_json["budget"]] == seed_budget()
    assert sample_json["plan"]["fiscal_year"] == seed_poa.FISCAL_YEAR
    assert sample_json["plan"]["area"] == seed_poa.AREA


# -- every layout reads the same data ----------------------------------------------------------


def test_layout_variant_reads_the_same_activities_as_the_sample(variant, sample_json):
    _, doc = variant
    expected = [activity_values(a) for a in sample_json["activities"]]
    assert [activity_values(a) for a in doc["activities"]] == expected == seed_values()


def test_layout_variant_reads_counts_as_integers_and_units_as_the_sample(variant, sample_json):
    _, doc = variant
    for activity in doc["activities"]:
        assert [type(activity[k]) for k in INTEGER_FIELDS] == [int] * len(INTEGER_FIELDS)
    sample_units = {a["number"]: a["unit"] for a in sample_json["activities"]}
    assert {a["number"]: a["unit"] for a in doc["activities"]} == sample_units


def test_layout_variant_reads_the_months_the_sample_fills(variant, sample_json):
    _, doc = variant
    sample_months = {a["number"]: a["months_planned"] for a in sample_json["activities"]}
    assert {a["number"]: a["months_planned"] for a in doc["activities"]} == sample_months


def test_layout_variant_reads_the_same_budget_and_no_total_as_a_partida(variant):
    _, doc = variant
    assert [(b["partida"], b["approved"]) for b in doc["budget"]] == seed_budget()
    assert [b["name"] for b in doc["budget"]] == [name for _, name, _ in seed_poa.BUDGET]


def test_layout_variant_finds_the_fiscal_year_area_and_direccion(variant):
    _, doc = variant
    plan = doc["plan"]
    assert (plan["fiscal_year"], plan["area"], plan["direccion"]) == (
        2026,
        seed_poa.AREA,
        seed_poa.DIRECCION,
    )


def test_layout_variant_reports_the_same_findings_as_the_sample(variant, sample_json):
    built, doc = variant
    assert finding_keys(doc) == expected_finding_keys(sample_json, built)


@pytest.mark.parametrize("name", TWO_TABLE_VARIANTS)
def test_two_table_layout_keeps_the_cronograma_spelling_of_each_name(name, layouts):
    _, doc = layouts(name)
    assert {n: a["name_cronograma"] for n, a in by_number(doc).items()} == {
        a["number"]: a["name_cronograma"] for a in seed_poa.ACTIVITIES
    }
    assert {f["activity"] for f in doc["findings"] if f["code"] == "NAME_MISMATCH"} == (
        SAMPLE_FINDINGS["NAME_MISMATCH"]
    )


@pytest.mark.parametrize("name", ["single_table", "single_table_check_marks"])
def test_single_table_layout_reports_same_findings_as_sample_without_name_mismatch(
    name, layouts, sample_json
):
    _, doc = layouts(name)
    # One table has one "Actividad" column: no cronograma spelling, so no NAME_MISMATCH.
    assert [a.get("name_cronograma") for a in doc["activities"]] == [None] * 16
    assert "NAME_MISMATCH" not in {f["code"] for f in doc["findings"]}
    expected = finding_keys(sample_json)
    for number in SAMPLE_FINDINGS["NAME_MISMATCH"]:
        del expected[("NAME_MISMATCH", number)]
    assert finding_keys(doc) == expected


# -- notations ---------------------------------------------------------------------------------


@pytest.mark.parametrize("name", TEXT_DATE_VARIANTS)
def test_day_first_text_dates_are_read_as_day_month(name, layouts):
    _, doc = layouts(name)
    activities = by_number(doc)
    # "05/02/2026" / "5/2/2026" is 5 February; "01/03/2026" / "1/3/2026" is 1 March.
    assert [(activities[n]["start"], activities[n]["end"]) for n in (5, 8, 9)] == [
        ("2026-03-01", "2026-09-30"),
        ("2026-02-05", "2026-02-05"),
        ("2026-02-05", "2026-02-05"),
    ]


@pytest.mark.parametrize(
    ("name", "notation"),
    [("one_sheet", '"30%" text'), ("three_sheets", "30 without format"), ("banded", "0.3 as %")],
)
def test_declared_percentages_are_read_in_points_whatever_the_notation(name, notation, layouts):
    _, doc = layouts(name)
    declared = {n: a["declared_pct"] for n, a in by_number(doc).items()}
    assert [declared[n] for n in (1, 2, 5, 6, 7, 3)] == [30, 30, 60, 50, 75, 0], notation


@pytest.mark.parametrize("name", ["single_table_check_marks", "one_sheet", "three_sheets"])
def test_months_marked_by_value_are_planned_months(name, layouts):
    _, doc = layouts(name)
    months = {n: a["months_planned"] for n, a in by_number(doc).items()}
    assert (months[1], months[5], months[7], months[8], months[14]) == (
        list(range(1, 13)),
        [3, 4, 5, 6, 7, 8, 9],
        [],
        [2],
        list(range(1, 13)),
    )


def test_banded_rows_are_not_month_marks(layouts):
    _, doc = layouts("banded")
    months = {n: a["months_planned"] for n, a in by_number(doc).items()}
    # Every row is grey, Nº included; only the green months are planned.
    assert (months[7], months[8], months[9], months[2]) == ([], [2], [2], list(range(1, 10)))


@pytest.mark.parametrize("name", CORRECT_TOTAL_VARIANTS)
def test_correct_total_row_is_not_a_partida_and_gives_no_finding(name, layouts):
    built, doc = layouts(name)
    assert built.total_cell is not None and not built.total_is_wrong
    assert sum(b["approved"] for b in doc["budget"]) == BUDGET_SUM
    assert "TOTAL" not in {b["partida"].upper() for b in doc["budget"]}
    assert "BUDGET_TOTAL_MISMATCH" not in {f["code"] for f in doc["findings"]}


def test_wrong_total_row_reports_budget_total_mismatch_on_the_total_cell(layouts):
    built, doc = layouts("one_sheet_wrong_total")
    totals = [f for f in doc["findings"] if f["code"] == "BUDGET_TOTAL_MISMATCH"]
    assert [(f["sheet"], f["cell"], f["activity"]) for f in totals] == [(*built.total_cell, None)]
    numbers = re.sub(r"[\s,]", "", totals[0]["message"])
    assert "95000" in numbers and "90000" in numbers


def test_formula_like_text_stays_text_byte_for_byte(layouts):
    _, doc = layouts("one_sheet")
    field, number = FORMULA_LIKE_FIELD
    assert by_number(doc)[number][field] == FORMULA_LIKE_TEXT


def test_generated_formula_like_text_is_a_string_cell_not_a_formula(layouts):
    built, _ = layouts("one_sheet")
    sheet, cell = built.cells[FORMULA_LIKE_FIELD]
    with zipfile.ZipFile(built.path) as package:
        sheet_xml = package.read("xl/worksheets/sheet1.xml").decode()
    element = re.search(rf'<c r="{cell}"[^>]*>.*?</c>', sheet_xml)
    assert sheet == "POA" and element is not None
    assert re.search(r't="(inlineStr|s|str)"', element.group(0))
    assert "<f>" not in sheet_xml and "<f " not in sheet_xml
    assert load_workbook(built.path)[sheet][cell].value == FORMULA_LIKE_TEXT


# -- findings point at the layout's own cells --------------------------------------------------


def test_pct_mismatch_points_at_the_declared_percent_cell_of_the_layout(any_layout):
    built, doc = any_layout
    assert located(doc, "PCT_MISMATCH") == {
        n: {built.cells[("declared_pct", n)]} for n in SAMPLE_FINDINGS["PCT_MISMATCH"]
    }


def test_date_findings_point_at_the_offending_date_cell_of_the_layout(any_layout):
    built, doc = any_layout
    assert located(doc, "END_BEFORE_START") == {7: {built.cells[("end", 7)]}}
    # Activity 7 ends on 31/12/2025; activity 14 starts on 01/01/2025.
    assert located(doc, "OUTSIDE_FISCAL_YEAR") == {
        7: {built.cells[("end", 7)]},
        14: {built.cells[("start", 14)]},
    }


def test_missing_field_points_at_the_empty_cells_of_activity_6(any_layout):
    built, doc = any_layout
    empty = {built.cells[(key, 6)] for key in ("linea_accion", "actividad_especifica")}
    assert located(doc, "MISSING_FIELD") == {6: empty}


def test_unit_not_a_unit_points_at_the_unit_cells_of_the_layout(any_layout):
    built, doc = any_layout
    units = [f for f in doc["findings"] if f["code"] == "UNIT_NOT_A_UNIT"]
    assert units
    unit_column = {
        (built.cells[("unit", n)][0], split_cell(built.cells[("unit", n)][1])[0])
        for n in range(1, 17)
    }
    for f in units:
        if f["activity"] is None:
            assert {(f["sheet"], split_cell(f["cell"])[0])} == unit_column
        else:
            assert (f["sheet"], f["cell"]) == built.cells[("unit", f["activity"])]


@pytest.mark.parametrize("name", ["sample", *TWO_TABLE_VARIANTS])
def test_name_mismatch_points_at_one_of_the_two_spellings(name, layouts):
    built, doc = layouts(name)
    found = located(doc, "NAME_MISMATCH")
    assert set(found) == SAMPLE_FINDINGS["NAME_MISMATCH"]
    for number, cells in found.items():
        assert cells <= {built.cells[("name", number)], built.cells[("name_cronograma", number)]}


def test_every_activity_finding_points_at_a_row_of_that_activity(any_layout):
    built, doc = any_layout
    misplaced = [
        (f["code"], f["activity"], f["sheet"], f["cell"])
        for f in doc["findings"]
        if f["activity"] is not None
        and (f["sheet"], split_cell(f["cell"])[1]) not in built.rows[f["activity"]]
    ]
    assert misplaced == []


# -- the real CLI ----------------------------------------------------------------------------


@pytest.mark.parametrize("name", CLI_VARIANTS)
def test_cli_prints_for_the_layout_variant_the_same_json_as_the_api(name, layouts):
    built, api_doc = layouts(name)
    result = run_cli(built.path)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == api_doc


def test_cli_reads_the_one_sheet_variant_like_the_sample(layouts, sample_json):
    built, _ = layouts("one_sheet")
    result = run_cli(built.path)
    assert result.returncode == 0, result.stderr
    doc = json.loads(result.stdout)
    assert [activity_values(a) for a in doc["activities"]] == seed_values()
    assert finding_keys(doc) == finding_keys(sample_json)
    field, number = FORMULA_LIKE_FIELD
    assert by_number(doc)[number][field] == FORMULA_LIKE_TEXT
    assert (doc["plan"]["municipio"], doc["plan"]["area"]) == ("Sombrerete", seed_poa.AREA)


def test_cli_refuses_a_workbook_without_an_activity_table(tmp_path):
    built = build_budget_only(tmp_path / "solo_presupuesto.xlsx")
    result = run_cli(built.path)
    assert result.returncode == 2
    assert result.stdout == ""
    message = result.stderr.strip()
    assert message and "\n" not in message and "Traceback" not in message


# -- the generator records where it wrote each value -------------------------------------------


def test_variant_records_where_each_value_was_written(variant):
    built, _ = variant
    workbook = load_workbook(built.path)

    def value(ref):
        return workbook[ref[0]][ref[1]].value

    for activity in seed_poa.ACTIVITIES:
        number = activity["number"]
        assert value(built.cells[("number", number)]) == number
        assert value(built.cells[("name", number)]) == activity["name"]
        assert value(built.cells[("goal", number)]) == activity["goal"]
        if built.has_cronograma_names:
            assert value(built.cells[("name_cronograma", number)]) == activity["name_cronograma"]
    for partida, name, _ in seed_poa.BUDGET:
        assert str(value(built.budget_cells[("partida", partida)])) == partida
        assert value(built.budget_cells[("name", partida)]) == name
