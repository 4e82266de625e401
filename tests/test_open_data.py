"""Open data (issue 18, part 3): the ZIP, the folder and `python -m loaders exportar`, read back
with the standard `csv` and `json` modules and held to the numbers the pages show — Resumen's
Índice and semáforo counts, Calidad's findings, Presupuesto's EAEPE rows — on the real sample,
with the example POAs the app seeds (never published) and a POA of two versions."""

from __future__ import annotations

import csv
import io
import json
import os
import re
import subprocess
import sys
import zipfile
from collections import Counter
from datetime import date, datetime
from pathlib import Path

import pytest
from sqlalchemy.orm import Session

from dashboard.app import create_app
from dashboard.views import plan_view
from loaders.examples import is_example
from loaders.export.columns import ACTIVIDADES, TABLES
from loaders.export.files import csv_text, file_names, json_text, write, zip_bytes
from loaders.export.rows import open_data
from loaders.imports import prepare_upload
from loaders.settings import Settings
from loaders.store.errors import write_transaction
from loaders.store.queries import list_plans, list_versions, load_version
from loaders.store.versions import store_upload
from loaders.text import fmt_money
from tests.builders import activity, write_poa
from tests.paths import REPO_ROOT
from tests.test_api import find, page_tree, text_of

CORTE = date(2026, 12, 1)
JUNE, SEPTEMBER = datetime(2026, 6, 15, 10, 0), datetime(2026, 9, 20, 9, 30)
GENERATED = datetime(2026, 12, 1, 18, 30)
TWO_VERSIONS_AREA = "Área de prueba"


# -- the data: the app's seed (the sample, its spending, three EJEMPLO POAs) and a POA with two
#    versions, June (6 of 20 achieved) and September (15 of 20) --------------------------------


def _store(engine, path: Path, uploaded: datetime) -> int:
    upload = prepare_upload(path.read_bytes(), Settings(read_seconds=120), file_name=path.name,
                            as_of=uploaded.date(), identity={"municipio": "Fresnillo"})
    with write_transaction(engine) as session:
        return store_upload(session, upload, uploaded_by="planeacion", now=uploaded).plan_id


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    folder = tmp_path_factory.mktemp("open-data")
    app = create_app(Settings(data_dir=folder / "data", read_seconds=120))
    engine = app.server.extensions["tablero_poa"].engine
    books = []
    for achieved, when in ((6, JUNE), (15, SEPTEMBER)):
        path = folder / f"prueba-{when:%m}.xlsx"
        write_poa(path, [activity(1, achieved=achieved, pct=f"{achieved * 5}%"),
                         activity(2, name="Talleres", goal=10, programmed=10, achieved=10,
                                  pct="100%", start=date(2026, 2, 1), end=date(2026, 5, 31),
                                  months=[2, 3, 4, 5])])
        books.append(_store(engine, path, when))
    assert books[0] == books[1]  # the same POA, two versions
    app.two_versions = books[0]
    app.server.test_client().get("/")  # Dash registers the Pages router at the first request
    yield app
    engine.dispose()


def engine_of(app):
    return app.server.extensions["tablero_poa"].engine


def settings_of(app) -> Settings:
    return app.server.extensions["tablero_poa"].settings


def sample_plan(app):
    with Session(engine_of(app)) as session:
        return next(p for p in list_plans(session) if p.area == "Migrantes y Ex braceros")


def read_zip(content: bytes) -> tuple[dict[str, list[dict]], dict[str, list], str, dict]:
    """CSV rows (csv.DictReader), JSON rows, LEEME.md and each CSV's raw text."""
    csvs, jsons, raw = {}, {}, {}
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        assert archive.namelist() == file_names()
        for t in TABLES:
            raw[t.name] = archive.read(f"{t.name}.csv")
            text = io.TextIOWrapper(archive.open(f"{t.name}.csv"), encoding="utf-8-sig",
                                    newline="")
            csvs[t.name] = list(csv.DictReader(text))
            jsons[t.name] = json.loads(archive.read(f"{t.name}.json").decode("utf-8"))
        leeme = archive.read("LEEME.md").decode("utf-8")
    return csvs, jsons, leeme, raw


@pytest.fixture(scope="module")
def published(app, tmp_path_factory):
    target = tmp_path_factory.mktemp("zip") / "datos.zip"
    data = open_data(engine_of(app), CORTE, settings_of(app), generated_at=GENERATED)
    write(data, target)
    return read_zip(target.read_bytes())


# -- what the pages show, rendered by the pages themselves ------------------------------------


def kpi_value(tree, ident: str) -> str:
    card = find(tree, ident)
    values = []

    def walk(node):
        if getattr(node, "className", "") == "kpi-value":
            values.append(text_of(node))
        children = getattr(node, "children", None)
        for child in children if isinstance(children, list | tuple) else [children]:
            if child is not None and not isinstance(child, str | int | float):
                walk(child)

    walk(card)
    return values[0].replace("\u00a0", " ")


def signed_money(value: float) -> str:
    """An amount as the EAEPE prints it: «$50,000.00», negative in parentheses «($4,000.00)»."""
    return f"({fmt_money(-value)})" if value < 0 else fmt_money(value)


# -- the tests ----------------------------------------------------------------------------------


def test_the_zip_holds_the_four_tables_twice_and_the_dictionary(published):
    _, _, leeme, raw = published
    assert {t.name for t in TABLES} == {"poas", "actividades", "presupuesto", "hallazgos"}
    for t in TABLES:
        assert raw[t.name].startswith(b"\xef\xbb\xbf")  # UTF-8 with BOM, for Excel
        header = raw[t.name][3:].split(b"\r\n", 1)[0].decode("utf-8")
        assert header.split(",") == t.names  # the columns in the catalogue's order
    assert leeme.startswith("# Datos abiertos del Tablero POA")


def test_the_sample_row_has_the_numbers_of_resumen(app, published):
    csvs, _, _, _ = published
    plan = sample_plan(app)
    row = next(r for r in csvs["poas"] if r["poa_id"] == str(plan.id))
    assert row["indice_eficiencia_pct"] == "11.6"
    assert (row["meta_alcanzada_total"], row["meta_programada_total"]) == ("23", "198")
    assert row["fecha_corte"] == "2026-12-01"
    resumen = page_tree(app, "/", poa=str(plan.id), corte="2026-12-01")
    assert kpi_value(resumen, "kpi-index") == f"{row['indice_eficiencia_pct']} %"
    assert kpi_value(resumen, "kpi-expected") == f"{row['indice_esperado_pct']} %" == "96.5 %"
    for light in ("rojo", "amarillo", "verde"):
        assert kpi_value(resumen, f"count-{light}") == row[f"semaforo_{light}"]
    assert row["semaforo_rojo"] == "16"
    assert kpi_value(resumen, "count-closed") == f"{row['concluidas']} / {row['vencidas']}"
    assert row["vencidas"] == "8"
    assert text_of(find(resumen, "budget-approved-total")) == "$90,000.00"
    assert row["presupuesto_aprobado"] == "90000.0"
    assert row["presupuesto_ejercido"] == "73200.0"
    assert row["partidas_sobregiradas"] == "1"


def test_each_activity_has_the_progress_and_semaforo_of_the_pages(app, published):
    csvs, _, _, _ = published
    plan = sample_plan(app)
    rows = [r for r in csvs["actividades"] if r["poa_id"] == str(plan.id)]
    with Session(engine_of(app)) as session:
        loaded = load_version(session, list_versions(session, plan.id)[-1].id)
    view = plan_view(loaded.doc, CORTE, settings_of(app))
    assert len(rows) == len(view.activities) == 16
    for row, a in zip(rows, view.activities, strict=True):
        assert row["numero"] == str(a.number)
        assert row["nombre"] == a.name
        assert row["semaforo"] == (a.semaforo or "sin_datos")
        assert row["estado"] == a.status_label
        assert row["avance_real_pct"] == f"{a.real_pct:.1f}"
        assert row["avance_esperado_pct"] == f"{a.expected_pct:.1f}"
        assert row["meses"] == ";".join(str(m) for m in a.months_planned)
        assert row["inicio"] == a.start.isoformat()
    first = rows[0]
    assert (first["meta_programada"], first["meta_alcanzada"], first["avance_real_pct"]) == (
        "20", "6", "30.0")
    assert Counter(r["semaforo"] for r in rows) == {"rojo": 16}


def test_the_budget_rows_are_the_presupuesto_pages_rows(app, published):
    csvs, _, _, _ = published
    plan = sample_plan(app)
    rows = [r for r in csvs["presupuesto"] if r["poa_id"] == str(plan.id)]
    assert [r["partida"] for r in rows] == ["2111", "2121", "2611", "3761", "4244"]
    page = page_tree(app, "/presupuesto", poa=str(plan.id), corte="2026-12-01")
    for row in rows:
        cells = {getattr(td, "data-label", None): text_of(td)
                 for td in find(page, f"eaepe-row-{row['partida']}").children}
        for column, label in (("aprobado", "Aprobado"),
                              ("ampliaciones_reducciones", "Ampliaciones/ (Reducciones)"),
                              ("modificado", "Modificado"), ("devengado", "Devengado"),
                              ("pagado", "Pagado"), ("subejercicio", "Subejercicio"),
                              ("ejercido", "Ejercido (control interno)")):
            assert cells[label] == signed_money(float(row[column])), (row["partida"], column)
    viaticos = next(r for r in rows if r["partida"] == "3761")
    assert (viaticos["modificado"], viaticos["ejercido"], viaticos["subejercicio"]) == (
        "50000.0", "54000.0", "-4000.0")
    gasolina = next(r for r in rows if r["partida"] == "2611")
    assert (gasolina["ampliaciones_reducciones"], gasolina["modificado"]) == ("3000.0",
                                                                             "13000.0")
    poa = next(r for r in csvs["poas"] if r["poa_id"] == str(plan.id))
    assert sum(float(r["subejercicio"]) for r in rows) == float(poa["subejercicio"]) == 11800.0


def test_the_findings_are_counted_as_calidad_lists_them(app, published):
    csvs, _, _, _ = published
    plan = sample_plan(app)
    rows = [r for r in csvs["hallazgos"] if r["poa_id"] == str(plan.id)]
    with Session(engine_of(app)) as session:
        loaded = load_version(session, list_versions(session, plan.id)[-1].id)
    view = plan_view(loaded.doc, CORTE, settings_of(app))
    poa_rows = [r for r in rows if r["origen"] == "poa"]
    assert {r["codigo"]: int(r["cantidad"]) for r in poa_rows} == Counter(
        f.code for f in view.findings)
    assert sum(int(r["cantidad"]) for r in poa_rows) == len(view.findings) == 48
    pct = next(r for r in poa_rows if r["codigo"] == "PCT_MISMATCH")
    assert (pct["severidad"], pct["titulo"]) == ("error",
                                                 "Porcentaje que no cuadra con los números")
    assert [r["severidad"] for r in poa_rows] == sorted(
        (r["severidad"] for r in poa_rows), key=["error", "advertencia", "aviso"].index)
    budget = {r["codigo"]: r for r in rows if r["origen"] == "presupuesto"}
    assert budget["BUDGET_OVERSPENT"]["cantidad"] == "1"
    assert budget["BUDGET_OVERSPENT"]["titulo"] == (
        "Partida con gasto mayor que su presupuesto modificado")


def json_as_csv(value) -> str:
    """How the CSV writes a JSON value: independent of the exporter's own code."""
    if value is None:
        return ""
    if value is True or value is False:
        return "si" if value else "no"
    if isinstance(value, list):
        return ";".join(str(v) for v in value)
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return str(value)


def test_the_json_tables_say_what_the_csv_tables_say(published):
    csvs, jsons, _, _ = published
    for t in TABLES:
        assert len(jsons[t.name]) == len(csvs[t.name]) > 0, t.name
        for as_json, as_csv in zip(jsons[t.name], csvs[t.name], strict=True):
            assert list(as_json) == t.names
            assert {k: json_as_csv(v) for k, v in as_json.items()} == as_csv
    first = jsons["actividades"][0]
    assert isinstance(first["meses"], list) and isinstance(first["avance_real_pct"], float)
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", first["inicio"])
    assert isinstance(jsons["poas"][0]["cargada_despues_del_corte"], bool)


def test_a_text_that_looks_like_a_formula_never_runs_in_a_spreadsheet():
    row = {c: None for c in ACTIVIDADES.names} | {
        "poa_id": 7, "nombre": '=HYPERLINK("http://x.mx","clic")', "unidad": "-personas",
        "eje": "@eje", "clave": "+1", "avance_real_pct": -0.5, "meses": [3, 4],
        "inicio": date(2026, 3, 1)}
    line = next(csv.DictReader(io.StringIO(csv_text(ACTIVIDADES, [row]))))
    assert (line["nombre"], line["unidad"], line["eje"], line["clave"]) == (
        "'=HYPERLINK(\"http://x.mx\",\"clic\")", "'-personas", "'@eje", "'+1")
    assert (line["avance_real_pct"], line["meses"], line["inicio"], line["fin"]) == (
        "-0.5", "3;4", "2026-03-01", "")  # numbers stay numbers
    (back,) = json.loads(json_text(ACTIVIDADES, [row]))
    assert back["nombre"] == '=HYPERLINK("http://x.mx","clic")' and back["meses"] == [3, 4]


def test_example_data_is_never_published(app, published):
    csvs, jsons, leeme, _ = published
    with Session(engine_of(app)) as session:
        examples = [p for p in list_plans(session) if is_example(p.area, p.direccion)]
    assert len(examples) == 3  # the EJEMPLO POAs the app loads beside the sample
    assert {p.area for p in examples} >= {"Obras Públicas (EJEMPLO)"}
    left_out = {str(p.id) for p in examples}
    for t in TABLES:
        assert not left_out & {r["poa_id"] for r in csvs[t.name]}, t.name
        assert not [r for r in csvs[t.name] if "EJEMPLO" in r["area"].upper()]
        assert not [r for r in jsons[t.name] if "EJEMPLO" in r["area"].upper()]
    assert "Se dejaron fuera 3 POA de ejemplo o sintéticos." in leeme


def test_one_row_per_poa_and_the_corte_picks_the_version(app, tmp_path):
    plan_id = str(app.two_versions)
    for corte, number, achieved, uploaded, late in (
            (date(2026, 8, 1), "1", "16", "2026-06-15", "no"),  # between them: June's
            (date(2026, 6, 15), "1", "16", "2026-06-15", "no"),  # uploaded that same day
            (date(2026, 12, 1), "2", "25", "2026-09-20", "no"),
            (date(2026, 3, 1), "1", "16", "2026-06-15", "si")):  # before both: the first
        target = tmp_path / f"{corte}.zip"
        write(open_data(engine_of(app), corte, settings_of(app)), target)
        csvs, _, _, _ = read_zip(target.read_bytes())
        ids = [r["poa_id"] for r in csvs["poas"]]
        assert len(ids) == len(set(ids)) == 2  # the sample and this one, once each
        row = next(r for r in csvs["poas"] if r["poa_id"] == plan_id)
        assert (row["version"], row["meta_alcanzada_total"], row["fecha_carga"],
                row["cargada_despues_del_corte"]) == (number, achieved, uploaded, late), corte
        first = next(r for r in csvs["actividades"] if r["poa_id"] == plan_id)
        assert first["meta_alcanzada"] == ("6" if number == "1" else "15")


def test_the_dictionary_names_every_column_and_the_rules_used(published):
    _, _, leeme, raw = published
    for t in TABLES:
        header = raw[t.name][3:].split(b"\r\n", 1)[0].decode("utf-8").split(",")
        for column in header:
            assert f"| `{column}` |" in leeme, (t.name, column)
        assert f"`{t.name}.csv`" in leeme and f"`{t.name}.json`" in leeme
    assert "**Fecha de corte:** 01/12/2026 (`2026-12-01` en los archivos)" in leeme
    assert "**Generado:** el 01/12/2026 a las 18:30" in leeme
    assert ("de −10 o más la actividad va en **verde** (en tiempo); de −25 a menos de −10, en "
            "**amarillo** (con retraso); por debajo de −25, en **rojo**") in leeme
    assert "la última cargada en o antes de ese día" in leeme
    assert "UTF-8 con BOM" in leeme and "`AAAA-MM-DD`" in leeme


def test_the_dictionary_follows_the_semaforo_settings(app):
    settings = Settings(green_gap=-5.0, yellow_gap=-12.5)
    data = open_data(engine_of(app), CORTE, settings, generated_at=GENERATED)
    csvs, _, leeme, _ = read_zip(zip_bytes(data))
    assert "de −5 o más la actividad va en **verde**" in leeme
    assert "por debajo de −12.5, en **rojo**" in leeme
    plan_id = str(app.two_versions)
    rows = [r for r in csvs["actividades"] if r["poa_id"] == plan_id]
    # activity 1: 15 of 20 (75.0 %) against 91.8 % expected on 01/12/2026, a gap of −16.8
    assert (rows[0]["avance_real_pct"], rows[0]["avance_esperado_pct"]) == ("75.0", "91.8")
    assert rows[0]["semaforo"] == "rojo"  # below −12.5 here; amarillo with the defaults
    default = read_zip(zip_bytes(open_data(engine_of(app), CORTE, settings_of(app))))[0]
    assert next(r for r in default["actividades"] if r["poa_id"] == plan_id)["semaforo"] == (
        "amarillo")


def test_a_folder_gets_the_same_files_as_the_zip_and_the_zip_is_reproducible(app, tmp_path):
    data = open_data(engine_of(app), CORTE, settings_of(app), generated_at=GENERATED)
    assert zip_bytes(data) == zip_bytes(data)
    write(data, tmp_path / "carpeta")
    with zipfile.ZipFile(io.BytesIO(zip_bytes(data))) as archive:
        for name in file_names():
            assert (tmp_path / "carpeta" / name).read_bytes() == archive.read(name), name
        assert {i.date_time for i in archive.infolist()} == {(2026, 12, 1, 18, 30, 0)}


# -- the command line ---------------------------------------------------------------------------


def exportar(app, *args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("POA_")}
    env["POA_DATABASE_URL"] = settings_of(app).effective_database_url
    return subprocess.run([sys.executable, "-m", "loaders", "exportar", *args],
                          capture_output=True, text=True, cwd=REPO_ROOT, env=env, timeout=180)


def test_cli_writes_the_zip_and_says_so_in_one_line(app, tmp_path):
    target = tmp_path / "datos.zip"
    result = exportar(app, str(target), "--corte", "2026-12-01")
    assert result.returncode == 0, result.stderr
    assert result.stdout.count("\n") == 1
    assert result.stdout.startswith(f"Datos abiertos al 01/12/2026 escritos en {target} (ZIP): "
                                    "2 POA, 18 actividades, 5 partidas; 3 POA de ejemplo o "
                                    "sintéticos no se incluyen.")
    csvs, _, leeme, _ = read_zip(target.read_bytes())
    assert next(r for r in csvs["poas"] if r["area"] == "Migrantes y Ex braceros")[
        "indice_eficiencia_pct"] == "11.6"
    assert "2026-12-01" in leeme


def test_cli_writes_a_folder_when_the_target_is_not_a_zip(app, tmp_path):
    result = exportar(app, str(tmp_path / "abiertos"), "--corte", "2026-08-01")
    assert result.returncode == 0, result.stderr
    assert "(carpeta)" in result.stdout
    assert sorted(p.name for p in (tmp_path / "abiertos").iterdir()) == sorted(file_names())


@pytest.mark.parametrize("corte", ["2026-13-01", "01/12/2026", "mañana"])
def test_cli_refuses_a_bad_date_in_one_sentence(app, tmp_path, corte):
    result = exportar(app, str(tmp_path / "x.zip"), "--corte", corte)
    assert result.returncode == 2
    assert result.stderr == f"Fecha de corte inválida «{corte}»: use AAAA-MM-DD.\n"
    assert not (tmp_path / "x.zip").exists()


def test_cli_refuses_a_path_it_cannot_write_in_one_sentence(app, tmp_path):
    blocker = tmp_path / "un_archivo"
    blocker.write_text("no es carpeta")
    for target in (blocker / "datos.zip", blocker / "carpeta"):
        result = exportar(app, str(target), "--corte", "2026-12-01")
        assert result.returncode == 2
        assert result.stderr == (f"No se pudo escribir «{target}»: una parte de la ruta es un "
                                 "archivo.\n")
        assert "Traceback" not in result.stderr
    result = exportar(app, str(blocker), "--corte", "2026-12-01")  # a folder where a file is
    assert (result.returncode, result.stderr) == (
        2, f"No se pudo escribir «{blocker}»: ya existe un archivo con ese nombre.\n")
    assert blocker.read_text() == "no es carpeta"
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".datos_abiertos.")]
