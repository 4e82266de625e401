"""`python -m loaders check|import|versions`, run as a subprocess on the real sample workbook."""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from tests.paths import REPO_ROOT

AS_OF = "2026-11-21"
ACTIVITY_FIELDS = (
    "number", "name", "unit", "goal", "programmed", "achieved", "declared_pct", "start", "end",
    "months_planned",
)
FINDING_FIELDS = ("code", "severity", "activity", "partida", "sheet", "cell", "message")
VERSION_LINE = re.compile(r"^\s+v(\d+)\s")


def run_loaders(*args: str, data_dir: Path | None = None) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("POA_")}
    if data_dir is not None:
        env["POA_DATA_DIR"] = str(data_dir)
    return subprocess.run(
        [sys.executable, "-m", "loaders", *args],
        capture_output=True, text=True, cwd=REPO_ROOT, env=env, timeout=120,
    )


def check_json(path: Path, *extra: str) -> dict:
    result = run_loaders("check", str(path), "--as-of", AS_OF, "--json", *extra)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    return json.loads(result.stdout)


@pytest.fixture(scope="module")
def report(sample_path) -> dict:
    return check_json(sample_path)


def by_number(report: dict, number: int) -> dict:
    return next(a for a in report["activities"] if a["number"] == number)


# -- check --json ------------------------------------------------------------------------------


def test_check_json_is_one_object_with_plan_activities_budget_findings(report):
    assert set(report) >= {"plan", "activities", "budget", "findings"}
    assert isinstance(report["plan"], dict)
    assert report["plan"]["fiscal_year"] == 2026
    assert report["plan"]["area"] == "Migrantes y Ex braceros"


def test_check_json_lists_the_16_activities_in_order(report):
    assert [a["number"] for a in report["activities"]] == list(range(1, 17))


def test_every_activity_has_the_contract_fields_with_their_types(report):
    for activity in report["activities"]:
        assert set(ACTIVITY_FIELDS) <= set(activity), activity["number"]
        for name in ("number", "goal", "programmed", "achieved"):
            assert type(activity[name]) is int, (activity["number"], name, activity[name])
        assert isinstance(activity["name"], str) and activity["name"]
        assert isinstance(activity["unit"], str)
        assert type(activity["declared_pct"]) is float
        for name in ("start", "end"):
            text = activity[name]
            assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", text), (activity["number"], text)
            assert date.fromisoformat(text).isoformat() == text
        months = activity["months_planned"]
        assert isinstance(months, list)
        assert all(type(m) is int and 1 <= m <= 12 for m in months)
        assert months == sorted(set(months))


def test_activity_2_values_as_written_in_the_sample(report):
    activity = by_number(report, 2)
    assert activity["name"] == "Apoyo a deportados"
    assert activity["goal"] == 50
    assert activity["programmed"] == 50
    assert activity["achieved"] == 6
    assert activity["declared_pct"] == 30.0
    assert activity["start"] == "2026-01-01"
    assert activity["end"] == "2026-09-30"
    assert activity["months_planned"] == [1, 2, 3, 4, 5, 6, 7, 8, 9]


def test_activity_name_keeps_the_activity_table_spelling(report):
    activity = by_number(report, 4)
    assert activity["name"] == "Apostillado"
    assert activity["name_cronograma"] == "Aposillado"


def test_budget_has_five_lines_with_partida_strings_and_approved_amounts(report):
    budget = report["budget"]
    assert [line["partida"] for line in budget] == ["2111", "2121", "2611", "3761", "4244"]
    assert [line["approved"] for line in budget] == [5000, 5000, 10000, 50000, 20000]
    assert all(isinstance(line["partida"], str) for line in budget)
    assert all(isinstance(line["name"], str) and line["name"] for line in budget)
    assert budget[2]["name"] == "Gasolina"


def test_every_finding_has_location_and_message(report):
    assert report["findings"]
    for finding in report["findings"]:
        assert set(FINDING_FIELDS) <= set(finding), finding
        assert finding["severity"] in ("error", "warning")
        assert isinstance(finding["message"], str) and finding["message"]


def test_pct_mismatch_of_activity_2_points_at_cronograma_i7(report):
    found = [
        f for f in report["findings"] if f["code"] == "PCT_MISMATCH" and f["activity"] == 2
    ]
    assert len(found) == 1
    finding = found[0]
    assert finding["severity"] == "error"
    assert finding["sheet"] == "Cronograma"
    assert finding["cell"] == "I7"
    assert finding["partida"] is None
    for text in ("6 de 50", "12.0 %", "30.0 %"):
        assert text in finding["message"], (text, finding["message"])


def test_pct_mismatch_is_reported_for_activities_2_5_7_12(report):
    numbers = sorted(f["activity"] for f in report["findings"] if f["code"] == "PCT_MISMATCH")
    assert numbers == [2, 5, 7, 12]


def test_year_option_overrides_the_fiscal_year(sample_path):
    report = check_json(sample_path, "--year", "2025")
    assert report["plan"]["fiscal_year"] == 2025
    outside = [f for f in report["findings"] if f["code"] == "OUTSIDE_FISCAL_YEAR"]
    assert {f["activity"] for f in outside} == set(range(1, 17))
    activity_2 = [f for f in outside if f["activity"] == 2]
    assert {f["cell"] for f in activity_2} == {"V7", "W7"}
    assert all("2025" in f["message"] for f in outside)


def test_without_year_only_the_2025_dates_are_outside_the_fiscal_year(report):
    outside = [f for f in report["findings"] if f["code"] == "OUTSIDE_FISCAL_YEAR"]
    assert sorted((f["activity"], f["cell"]) for f in outside) == [(7, "W12"), (14, "V19")]


# -- check, text report --------------------------------------------------------------------------


def test_check_prints_a_spanish_report_with_index_total_and_grouped_findings(sample_path):
    result = run_loaders("check", str(sample_path), "--as-of", AS_OF)
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    out = result.stdout
    assert "Índice de Eficiencia" in out
    assert "11.6 %" in out
    assert "$90,000.00" in out
    assert "Fecha de corte: 21/11/2026" in out
    errors_at, warnings_at = out.index("Errores"), out.index("Advertencias")
    assert errors_at < warnings_at
    errors, warnings = out[errors_at:warnings_at], out[warnings_at:]
    assert errors.count("PCT_MISMATCH") == 4
    assert "END_BEFORE_START" in errors
    assert "Cronograma!I7" in errors
    for code in ("BEHIND_SCHEDULE", "OVERDUE", "NAME_MISMATCH", "OUTSIDE_FISCAL_YEAR"):
        assert code in warnings
        assert code not in errors
    assert "PCT_MISMATCH" not in warnings


def test_invalid_as_of_date_exits_nonzero_without_traceback(sample_path):
    result = run_loaders("check", str(sample_path), "--as-of", "2026-13-01")
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    assert "2026-13-01" in result.stderr
    assert result.stdout == ""


def test_invalid_year_exits_nonzero_without_traceback(sample_path):
    result = run_loaders("check", str(sample_path), "--year", "veinte")
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    assert result.stdout == ""


def test_missing_file_exits_2_with_one_line(tmp_path):
    result = run_loaders("check", str(tmp_path / "no_existe.xlsx"))
    assert result.returncode == 2
    assert result.stderr.splitlines() == [f"No existe el archivo «{tmp_path / 'no_existe.xlsx'}»."]


@pytest.mark.parametrize("command", [(), ("import",)])
def test_help_documents_the_exit_codes_including_3_for_a_refused_write(command):
    result = run_loaders(*command, "--help")
    assert result.returncode == 0, result.stderr
    codes = result.stdout.split("códigos de salida:", 1)[1]
    lines = [line.split(None, 1) for line in codes.splitlines() if line[:4].strip().isdigit()]
    assert [number for number, _ in lines] == ["0", "2", "3"]
    assert "no se guardó nada" in codes
    assert "ocupada" in dict(lines)["3"] and "disco lleno" in dict(lines)["3"]


# -- import and versions -------------------------------------------------------------------------


def version_lines(output: str) -> list[str]:
    return [line for line in output.splitlines() if VERSION_LINE.match(line)]


def test_import_stores_version_1_and_versions_lists_it(tmp_path, sample_path):
    workbook = tmp_path / "poa_migrantes_2026.xlsx"
    shutil.copyfile(sample_path, workbook)
    sha = hashlib.sha256(workbook.read_bytes()).hexdigest()
    data_dir = tmp_path / "datos"

    imported = run_loaders("import", str(workbook), "--as-of", AS_OF, data_dir=data_dir)
    assert imported.returncode == 0, imported.stderr
    assert "Guardada la versión 1" in imported.stdout
    assert sha[:12] in imported.stdout
    assert (data_dir / "tablero_poa.sqlite3").is_file()

    listed = run_loaders("versions", data_dir=data_dir)
    assert listed.returncode == 0, listed.stderr
    assert "Migrantes y Ex braceros 2026" in listed.stdout
    lines = version_lines(listed.stdout)
    assert len(lines) == 1
    assert VERSION_LINE.match(lines[0]).group(1) == "1"
    assert "poa_migrantes_2026.xlsx" in lines[0]
    assert sha[:12] in lines[0]


def test_importing_the_same_file_again_says_ya_se_cargo_and_keeps_one_version(
    tmp_path, sample_path
):
    workbook = tmp_path / "poa.xlsx"
    shutil.copyfile(sample_path, workbook)
    data_dir = tmp_path / "datos"
    first = run_loaders("import", str(workbook), "--as-of", AS_OF, data_dir=data_dir)
    assert first.returncode == 0, first.stderr

    again = run_loaders("import", str(workbook), "--as-of", AS_OF, data_dir=data_dir)
    assert again.returncode == 0, again.stderr
    assert "ya se cargó" in again.stdout
    assert "Guardada" not in again.stdout

    listed = run_loaders("versions", data_dir=data_dir)
    lines = version_lines(listed.stdout)
    assert len(lines) == 1
    assert VERSION_LINE.match(lines[0]).group(1) == "1"


def test_versions_on_an_empty_database_says_there_are_none(tmp_path):
    listed = run_loaders("versions", data_dir=tmp_path / "vacio")
    assert listed.returncode == 0, listed.stderr
    assert listed.stdout.strip() == "No hay POA guardados."


def test_import_refuses_a_non_workbook_with_exit_2_and_stores_nothing(tmp_path):
    bogus = tmp_path / "notas.xlsx"
    bogus.write_text("Nº,Actividad\n1,Algo\n", encoding="utf-8")
    data_dir = tmp_path / "datos"
    refused = run_loaders("import", str(bogus), data_dir=data_dir)
    assert refused.returncode == 2
    assert len(refused.stderr.splitlines()) == 1
    assert "Traceback" not in refused.stderr
    listed = run_loaders("versions", data_dir=data_dir)
    assert version_lines(listed.stdout) == []
