"""Fuzzing the readers: a mutated workbook is stored or refused on purpose, never a crash.

The sample POA and the sample spending workbook are mutated three ways:
(a) raw bytes of the whole file (flip, overwrite, insert, delete, truncate), often at the zip's
    own headers;
(b) bytes of one member inside the zip (sheet XML, shared strings, styles, workbook,
    relationships, [Content_Types].xml), re-zipped with valid CRCs so the XML parsers see them;
(c) XML-level edits of the sheets: a cell's value replaced (text, numbers, huge numbers, dates,
    booleans, errors, shared-string indexes, empty), rows dropped or repeated, attributes
    rewritten.
Each mutated file goes through the real import into a real SQLite file (read, check, store); the
XML edits also into PostgreSQL, whose columns enforce their sizes. The only accepted ends are a
stored version, a deliberate `NotAPoaWorkbook` (never the readers' safety net,
`UnforeseenFailure`), or `AlreadyImported` for bytes stored before; each in under MAX_SECONDS.
Runs are derandomized so CI sees the same examples every time. What the fuzzer found is kept as
plain regression tests in tests/test_hostile_files.py.
"""

from __future__ import annotations

import hashlib
import itertools
import re
import time
from collections.abc import Callable
from dataclasses import replace
from datetime import date, timedelta
from xml.sax.saxutils import escape

import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st
from sqlalchemy import create_engine, text

from loaders.contained import memory_message, run_contained, time_message
from loaders.errors import NotAPoaWorkbook
from loaders.imports import import_spending, import_workbook
from loaders.read.poa import UNEXPECTED, UnforeseenFailure, read_poa
from loaders.read.spending import UNEXPECTED as SPENDING_UNEXPECTED
from loaders.read.spending import read_spending
from loaders.store.engine import create_schema, make_engine
from loaders.store.versions import AlreadyImported
from sample_data.build_spending import DEFAULT_PATH as SPENDING_SAMPLE
from tests.contained_funcs import measured_read
from tests.xlsx_parts import (
    SHEET_NS,
    with_extra_sheets,
    with_inline_strings,
    with_shared_strings,
    zip_members,
    zip_of,
)

AS_OF = date(2026, 11, 21)
MAX_SECONDS = 10.0
# Examples per test: the whole file runs in about 30 s on 2 cores.
RAW_EXAMPLES, MEMBER_EXAMPLES, XML_EXAMPLES, POSTGRES_EXAMPLES = 400, 300, 250, 60


def fuzz(examples: int) -> hsettings:
    """Deterministic (derandomized, no example database) so CI sees the same inputs each run."""
    return hsettings(
        max_examples=examples,
        deadline=timedelta(seconds=MAX_SECONDS),
        derandomize=True,
        database=None,
        print_blob=False,
        suppress_health_check=[
            HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large,
        ],
    )


# -- the bases -------------------------------------------------------------------------------


class Bases(tuple):
    """(the sample as saved, the sample with shared strings); short repr in failure reports."""

    def __repr__(self) -> str:
        return f"Bases({len(self[0]):,} and {len(self[1]):,} bytes)"


@pytest.fixture(scope="module")
def poa_bases(sample_bytes: bytes) -> Bases:
    inline = with_inline_strings(sample_bytes)
    return Bases((inline, with_shared_strings(inline)))


@pytest.fixture(scope="module")
def spending_bases() -> Bases:
    data = with_inline_strings(SPENDING_SAMPLE.read_bytes())
    return Bases((data, with_shared_strings(data)))


# -- mutations -------------------------------------------------------------------------------

BYTE_KINDS = ("flip", "overwrite", "insert", "delete", "truncate")
SPECIAL_BYTES = (
    b"\x00", b"\xff", b"\xff\xfe", b"<", b">", b"&", b'"', b"'", b"/", b"=", b"<!--", b"]]>",
    b"<c", b"</row>", b"<row>", b"&#0;", b"&#x10FFFF;", b"&amp;", b"&lol;", b"9" * 20, b"-",
    b"e", b".", b"PK\x03\x04", b"PK\x01\x02", b"PK\x05\x06", b"\xff\xff\xff\xff", b"\x00" * 8,
)
# Where a byte mutation lands: anywhere, or near the n-th zip header / XML tag ("anchor").
positions = st.one_of(
    st.tuples(st.just("any"), st.integers(0, 2**31), st.just(0)),
    st.tuples(st.just("anchor"), st.integers(0, 200), st.integers(0, 48)),
)
payloads = st.one_of(st.binary(min_size=1, max_size=24), st.sampled_from(SPECIAL_BYTES))
byte_ops = st.lists(
    st.tuples(st.sampled_from(BYTE_KINDS), positions, payloads), min_size=1, max_size=6
)
_ZIP_HEADER = re.compile(rb"PK(?:\x03\x04|\x01\x02|\x05\x06)")
_TAG_START = re.compile(rb"<")


def apply_byte_ops(data: bytes, ops, anchors: re.Pattern) -> bytes:
    buf = bytearray(data)
    for kind, (where, n, offset), payload in ops:
        if where == "anchor":
            found = [m.start() for m in anchors.finditer(buf)]
            base = found[n % len(found)] if found else 0
            pos = base + offset
        else:
            pos = n
        pos = min(pos, len(buf)) if kind in ("insert", "truncate") else pos % max(len(buf), 1)
        if kind == "flip" and buf:
            buf[pos] ^= payload[0] or 0x01
        elif kind == "overwrite":
            buf[pos : pos + len(payload)] = payload
        elif kind == "insert":
            buf[pos:pos] = payload
        elif kind == "delete":
            del buf[pos : pos + 1 + payload[0] % 64]
        elif kind == "truncate":
            del buf[pos:]
    return bytes(buf)


def member_ops(members: tuple[str, ...]):
    return st.tuples(st.sampled_from(members), byte_ops)


def apply_member_ops(data: bytes, op) -> bytes:
    name, ops = op
    members = zip_members(data)
    members[name] = apply_byte_ops(members[name], ops, _TAG_START)
    return zip_of(members)


# Values a cell may be given, as (kind, text).
INTERESTING_TEXT = (
    "", " ", "30%", "%", "0.3", "$ 5,000.00", "(1,000.00)", "1e999", "-0", "NaN", "inf",
    "05/02/2026", "31/02/2026", "2026-13-45", "00/00/0000", "99/99/99", "1 de enero de 2026",
    "31 de febrero de 2026", "0001-01-01", "9999-12-31 23:59", "TOTAL", "Total", "Nº", "N°",
    "No.", "Actividad", "Partida", "Importe", "Fecha", "Momento", "Enero", "Diciembre", "ENE",
    "Meta Programada", "Inicio", "Fin", "X", "✓", "no", "-", "=HYPERLINK(\"http://x\",\"x\")",
    "=1/0", "2611", "9999", "F-001", "Comprometido", "Ejercido", "Pagado", "Devengado",
    "Ampliación", "Reducción", "2026", "20" * 30, "Sombrerete, Zac.", "Municipio:", "Área:",
    "\u202e\u200b", "𝔘𝔫𝔦𝔠𝔬𝔡𝔢", "ǅ" * 10, "ß" * 5, "İ" * 5,
)
NUMBER_TEXT = (
    "1e308", "-1e308", "1.7976931348623157e308", "1e999", "-1e999", "5e-324", "9223372036854775808",
    "-9223372036854775809", "2147483648", "4294967296", "1e20", "NaN", "inf", "-inf", "-0",
    "0.3", "46023", "2958465", "2958466", "-1", "0", "1.5", "0.999999999999", "1e-10", "",
    "12abc", "0x10", "1,000", " 7 ",
)
texts = st.one_of(
    st.sampled_from(INTERESTING_TEXT),
    st.text(st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), max_size=40),
)
numbers = st.one_of(
    st.sampled_from(NUMBER_TEXT),
    st.floats(allow_nan=False, allow_infinity=False).map(repr),
    st.integers(-(2**80), 2**80).map(str),
)
cell_values = st.one_of(
    st.tuples(st.just("text"), texts),
    st.tuples(st.just("number"), numbers),
    st.tuples(st.just("date"), st.one_of(st.integers(-10, 3_000_000).map(str), numbers)),
    st.tuples(st.just("isodate"), st.one_of(
        st.sampled_from(("2026-02-30T00:00:00", "2026-01-01", "0000-00-00", "99999-01-01")),
        texts,
    )),
    st.tuples(st.just("empty"), st.just("")),
    st.tuples(st.just("bool"), st.sampled_from(("0", "1", "2", "x", ""))),
    st.tuples(st.just("error"), st.sampled_from(("#N/A", "#DIV/0!", "#VALUE!", "#REF!", "x"))),
    st.tuples(st.just("shared"), st.one_of(st.integers(-5, 10**12).map(str), texts)),
    st.tuples(st.just("long"), st.integers(32_700, 32_800).map(str)),
)
ATTR_VALUES = (
    "", "-1", "0", "1", "abc", "999999", "1048576", "1048577", "A0", "A1", "XFD1048576",
    "XFE1", "ZZZZ1", "1e3", "2147483648", "-2147483649", "9" * 30, "A1:XFD1048576", "B2:A1",
    "/xl/worksheets/sheet1.xml", "../../etc/passwd", "rId1", "rId99", "http://x",
)
xml_ops = st.lists(
    st.one_of(
        st.tuples(st.just("cell"), st.integers(0, 9), st.integers(0, 10**6), cell_values),
        st.tuples(st.just("drop_row"), st.integers(0, 9), st.integers(0, 10**6), st.none()),
        st.tuples(st.just("dup_row"), st.integers(0, 9), st.integers(0, 10**6), st.none()),
        st.tuples(
            st.just("attr"), st.integers(0, 9), st.integers(0, 10**6),
            st.one_of(st.sampled_from(ATTR_VALUES), texts),
        ),
    ),
    min_size=1, max_size=8,
)
_CELL = re.compile(rb'<c r="([^"]*)"([^>]*?)(?:/>|>.*?</c>)', re.S)
_ROW = re.compile(rb"<row\b[^>]*?(?:/>|>.*?</row>)", re.S)
_ATTRIBUTE = re.compile(rb'(\s[\w:]+=")([^"]*)(")')
_STYLE = re.compile(rb'\ss="(\d+)"')
DATE_STYLE = b"14"  # a dd/mm/yyyy cellXfs entry in both samples' styles.xml


def render_cell(ref: bytes, attrs: bytes, value: tuple[str, str]) -> bytes:
    kind, text = value
    style = _STYLE.search(attrs)
    s = b' s="%s"' % (DATE_STYLE if kind == "date" else style.group(1)) if style or (
        kind == "date") else b""
    head = b'<c r="%s"%s' % (ref, s)
    body = escape(text).encode()
    if kind == "text":
        return head + b' t="inlineStr"><is><t xml:space="preserve">' + body + b"</t></is></c>"
    if kind == "long":
        return head + b' t="inlineStr"><is><t>' + b"a" * int(text) + b"</t></is></c>"
    if kind == "empty":
        return head + b"/>"
    types = {"number": b"n", "date": b"n", "isodate": b"d", "bool": b"b", "error": b"e",
             "shared": b"s"}
    return head + b' t="%s"><v>%s</v></c>' % (types[kind], body)


def apply_xml_ops(data: bytes, ops, sheets: tuple[str, ...], others: tuple[str, ...]) -> bytes:
    members = zip_members(data)
    for kind, which, n, value in ops:
        if kind == "attr":
            names = sheets + others
            name = names[which % len(names)]
            xml = members[name]
            found = list(_ATTRIBUTE.finditer(xml))
            if found:
                m = found[n % len(found)]
                new = escape(value, {'"': "&quot;"}).encode()
                members[name] = xml[: m.start(2)] + new + xml[m.end(2) :]
            continue
        name = sheets[which % len(sheets)]
        xml = members[name]
        pattern = _CELL if kind == "cell" else _ROW
        found = list(pattern.finditer(xml))
        if not found:
            continue
        m = found[n % len(found)]
        if kind == "cell":
            new = render_cell(m.group(1), m.group(2), value)
        elif kind == "drop_row":
            new = b""
        else:
            new = m.group(0) * 2
        members[name] = xml[: m.start()] + new + xml[m.end() :]
    return zip_of(members)


# -- the outcome ---------------------------------------------------------------------------------


def outcome(run: Callable[[], object], data: bytes, stored: set[str]) -> str:
    """Run one import and check that it ended in an accepted way, in bounded time."""
    digest = hashlib.sha256(data).hexdigest()
    start = time.perf_counter()
    try:
        value = run()
        if hasattr(value, "sha256"):  # a POA version
            assert value.sha256 == digest
        result = "stored"
        stored.add(digest)
    except AlreadyImported:
        assert digest in stored, "AlreadyImported for bytes never stored"
        result = "duplicate"
    except NotAPoaWorkbook as exc:
        cause = exc.__cause__
        assert not isinstance(exc, UnforeseenFailure), (
            f"safety net hit: {type(cause).__name__}: {cause}"
        )
        assert exc.message not in (UNEXPECTED, SPENDING_UNEXPECTED)
        assert exc.message.strip() and "\n" not in exc.message, exc.message
        assert exc.message.endswith("."), exc.message
        result = "refused"
    elapsed = time.perf_counter() - start
    assert elapsed < MAX_SECONDS, elapsed
    return result


@pytest.fixture
def engine(tmp_path, settings):
    """One real SQLite file per test function (shared by all its examples)."""
    engine = make_engine(f"sqlite:///{tmp_path / 'fuzz.sqlite3'}", settings)
    create_schema(engine)
    yield engine
    engine.dispose()


class PoaTarget:
    def __init__(self, engine, settings) -> None:
        self.engine, self.settings, self.stored = engine, settings, set()

    def __call__(self, data: bytes) -> str:
        return outcome(
            lambda: import_workbook(
                self.engine, data, self.settings, file_name="fuzz.xlsx", uploaded_by="fuzz",
                as_of=AS_OF,
            ),
            data, self.stored,
        )


class SpendingTarget:
    def __init__(self, engine, settings, poa: bytes) -> None:
        self.engine, self.settings, self.stored = engine, settings, set()
        self.plan_id = import_workbook(
            engine, poa, settings, file_name="poa.xlsx", uploaded_by="fuzz", as_of=AS_OF
        ).plan_id

    def __call__(self, data: bytes) -> str:
        return outcome(
            lambda: import_spending(
                self.engine, self.plan_id, data, self.settings, file_name="gastos.xlsx",
                uploaded_by="fuzz",
            ),
            data, self.stored,
        )


@pytest.fixture
def poa_target(engine, settings) -> PoaTarget:
    return PoaTarget(engine, settings)


@pytest.fixture
def spending_target(engine, settings, poa_bases) -> SpendingTarget:
    return SpendingTarget(engine, settings, poa_bases[0])


POA_SHEETS = tuple(f"xl/worksheets/sheet{i}.xml" for i in range(1, 6))
SPENDING_SHEETS = ("xl/worksheets/sheet1.xml", "xl/worksheets/sheet2.xml")
PACKAGE_PARTS = (
    "xl/styles.xml", "xl/workbook.xml", "[Content_Types].xml", "_rels/.rels",
    "xl/_rels/workbook.xml.rels", "xl/sharedStrings.xml",
)
POA_MEMBERS = POA_SHEETS + PACKAGE_PARTS
SPENDING_MEMBERS = SPENDING_SHEETS + PACKAGE_PARTS


# -- the bases are sound ---------------------------------------------------------------------


def test_shared_strings_base_reads_like_the_sample(poa_bases, poa_target, settings,
                                                  sample_bytes):
    inline, shared = poa_bases
    assert b"sharedStrings.xml" in shared and b"sharedStrings.xml" not in inline
    assert b'"inlineStr"' in zip_members(inline)["xl/worksheets/sheet2.xml"]
    expected, got = read_poa(sample_bytes, settings), read_poa(shared, settings)
    assert read_poa(inline, settings).activities == expected.activities
    assert got.activities == expected.activities and len(got.activities) == 16
    assert got.budget == expected.budget
    assert poa_target(shared) == "stored"
    assert poa_target(shared) == "duplicate"


def test_shared_strings_spending_base_reads_like_the_sample(
    spending_bases, spending_target, settings
):
    expected, _ = read_spending(spending_bases[0], settings)
    got, _ = read_spending(spending_bases[1], settings)
    assert got == expected and len(got) > 10
    assert spending_target(spending_bases[1]) == "stored"


def test_mutations_change_what_the_reader_sees(poa_bases, settings):
    sample = poa_bases[0]
    assert apply_byte_ops(sample, [("truncate", ("any", 100, 0), b"x")], _ZIP_HEADER) == (
        sample[:100]
    )
    xml = zip_members(sample)["xl/worksheets/sheet2.xml"]
    cell = next(i for i, m in enumerate(_CELL.finditer(xml)) if m.group(1) == b"E12")
    row = next(i for i, m in enumerate(_ROW.finditer(xml)) if m.group(0).startswith(b'<row r="12"'))
    doc = read_poa(apply_xml_ops(sample, [("cell", 1, cell, ("number", "42"))], POA_SHEETS, ()),
                   settings)
    assert doc.activity(7).goal == 42
    doc = read_poa(apply_xml_ops(sample, [("drop_row", 1, row, None)], POA_SHEETS, ()), settings)
    assert doc.activity(7).name_cronograma is None
    assert doc.activity(8).name_cronograma == "Apoyo para familiar pasaporte mexicano"
    member = apply_member_ops(sample, ("xl/workbook.xml", [("truncate", ("any", 10, 0), b"x")]))
    assert zip_members(member)["xl/workbook.xml"] == zip_members(sample)["xl/workbook.xml"][:10]


# -- the POA import --------------------------------------------------------------------------


@fuzz(RAW_EXAMPLES)
@given(base=st.integers(0, 1), ops=byte_ops)
def test_fuzz_poa_raw_bytes(poa_bases, poa_target, base, ops):
    poa_target(apply_byte_ops(poa_bases[base], ops, _ZIP_HEADER))


@fuzz(MEMBER_EXAMPLES)
@given(base=st.integers(0, 1), op=member_ops(POA_MEMBERS))
def test_fuzz_poa_zip_members(poa_bases, poa_target, base, op):
    data = poa_bases[1] if op[0] == "xl/sharedStrings.xml" else poa_bases[base]
    poa_target(apply_member_ops(data, op))


@fuzz(XML_EXAMPLES)
@given(base=st.integers(0, 1), ops=xml_ops)
def test_fuzz_poa_xml_values(poa_bases, poa_target, base, ops):
    poa_target(apply_xml_ops(poa_bases[base], ops, POA_SHEETS, PACKAGE_PARTS[:2]))


# -- the spending import -----------------------------------------------------------------------


@fuzz(RAW_EXAMPLES)
@given(base=st.integers(0, 1), ops=byte_ops)
def test_fuzz_spending_raw_bytes(spending_bases, spending_target, base, ops):
    spending_target(apply_byte_ops(spending_bases[base], ops, _ZIP_HEADER))


@fuzz(MEMBER_EXAMPLES)
@given(base=st.integers(0, 1), op=member_ops(SPENDING_MEMBERS))
def test_fuzz_spending_zip_members(spending_bases, spending_target, base, op):
    data = spending_bases[1] if op[0] == "xl/sharedStrings.xml" else spending_bases[base]
    spending_target(apply_member_ops(data, op))


@fuzz(XML_EXAMPLES)
@given(base=st.integers(0, 1), ops=xml_ops)
def test_fuzz_spending_xml_values(spending_bases, spending_target, base, ops):
    spending_target(apply_xml_ops(spending_bases[base], ops, SPENDING_SHEETS, PACKAGE_PARTS[:2]))


# -- the same XML edits stored on PostgreSQL, whose columns enforce their sizes ------------------


@pytest.fixture
def pg_engine(postgres_server, settings):
    """A fresh database on the test session's PostgreSQL server."""
    name = f"poa_fuzz_{next(_databases)}"
    admin = create_engine(postgres_server.url(), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    engine = make_engine(postgres_server.url(name), settings)
    create_schema(engine)
    yield engine
    engine.dispose()


_databases = itertools.count()


@pytest.fixture
def pg_targets(pg_engine, settings, poa_bases) -> tuple[PoaTarget, SpendingTarget]:
    return PoaTarget(pg_engine, settings), SpendingTarget(pg_engine, settings, poa_bases[0])


@fuzz(POSTGRES_EXAMPLES)
@given(base=st.integers(0, 1), poa_ops=xml_ops, spending_ops=xml_ops)
def test_fuzz_xml_values_stored_on_postgresql(
    poa_bases, spending_bases, pg_targets, base, poa_ops, spending_ops
):
    poa_target, spending_target = pg_targets
    poa_target(apply_xml_ops(poa_bases[base], poa_ops, POA_SHEETS, PACKAGE_PARTS[:2]))
    spending_target(
        apply_xml_ops(spending_bases[base], spending_ops, SPENDING_SHEETS, PACKAGE_PARTS[:2])
    )


# -- the check that makes the fuzzing mean something: the safety net is told apart ---------------


def test_an_unforeseen_failure_is_marked_and_fails_the_outcome(
    monkeypatch, poa_bases, poa_target
):
    def broken(sheet, mapping=None):
        raise RuntimeError("a bug in a table finder")

    monkeypatch.setattr("loaders.read.poa.find_tables", broken)
    with pytest.raises(UnforeseenFailure) as caught:
        read_poa(poa_bases[0], poa_target.settings, file_name="muestra.xlsx")
    assert caught.value.message == UNEXPECTED
    assert isinstance(caught.value, NotAPoaWorkbook)
    assert isinstance(caught.value.__cause__, RuntimeError)
    # the patch lives in this process: read here, not in the contained child
    poa_target.settings = replace(poa_target.settings, read_contained=False)
    with pytest.raises(AssertionError, match="safety net hit: RuntimeError"):
        poa_target(poa_bases[0])


def test_the_safety_net_is_told_apart_when_it_comes_from_the_contained_child():
    """From the child the safety net arrives as a plain refusal with its sentence, which the
    outcome fails just the same."""
    def contained_safety_net():
        raise NotAPoaWorkbook(UNEXPECTED)

    with pytest.raises(AssertionError):
        outcome(contained_safety_net, b"x", set())


def test_an_unforeseen_failure_of_the_spending_reader_is_marked(
    monkeypatch, spending_bases, spending_target
):
    def broken(sheet):
        raise KeyError("a bug in the header finder")

    monkeypatch.setattr("loaders.read.spending._find_header", broken)
    with pytest.raises(UnforeseenFailure) as caught:
        read_spending(spending_bases[0], spending_target.settings, file_name="gastos.xlsx")
    assert caught.value.message == SPENDING_UNEXPECTED
    # the patch lives in this process: read here, not in the contained child
    spending_target.settings = replace(spending_target.settings, read_contained=False)
    with pytest.raises(AssertionError, match="safety net hit: KeyError"):
        spending_target(spending_bases[0])


def test_a_deliberate_refusal_is_an_accepted_outcome(poa_target):
    assert poa_target("Nº,Actividad\n1,Corazón de Plata\n".encode()) == "refused"


# -- shapes: where the cells are, not what they hold ---------------------------------------------
# Rows and cells written without `r=`, a far cell, the same shape on many sheets: what made the
# parser size a sheet of half a terabyte or build dense grids for minutes. Each file is read as
# an upload is (in the contained child, under the default limits) and must be read or refused
# on purpose, never by the memory or time limit, within SHAPE_SECONDS and SHAPE_MEGABYTES.
SHAPE_EXAMPLES, SHAPE_SECONDS, SHAPE_MEGABYTES = 30, 5.0, 500.0
shapes = st.fixed_dictionaries({
    "loose_rows": st.sampled_from((0, 1, 100, 49_000, 50_001, 60_000)) | st.integers(0, 60_000),
    "loose_cells": st.sampled_from((0, 1, 199, 200, 201, 400)) | st.integers(0, 400),
    "far_row": st.none() | st.sampled_from((50_000, 50_001, 1_048_576, 1_048_577))
    | st.integers(1, 1_100_000),
    "far_col": st.none() | st.sampled_from((200, 201, 16_384, 16_385)) | st.integers(1, 17_000),
    "replaced": st.integers(0, 6),  # how many of the sample's sheets take the shape
    "extra": st.sampled_from((0, 1, 2, 60)) | st.integers(0, 12),  # sheets added with it
})


def column_letters(col: int) -> str:
    letters = ""
    while col:
        col, rem = divmod(col - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def shape_sheet(shape: dict) -> bytes:
    body = b"<row><c><v>1</v></c></row>" * shape["loose_rows"]
    body += b"<row>" + b"<c><v>2</v></c>" * shape["loose_cells"] + b"</row>"
    row, col = shape["far_row"], shape["far_col"]
    if row or col:
        row = row or shape["loose_rows"] + 2
        ref = f"{column_letters(col or 1)}{row}"
        body += f'<row r="{row}"><c r="{ref}"><v>3</v></c></row>'.encode()
    return (f'<worksheet xmlns="{SHEET_NS}"><sheetData>'.encode() + body
            + b"</sheetData></worksheet>")


def shaped_workbook(sample: bytes, shape: dict) -> bytes:
    xml = shape_sheet(shape)
    members = zip_members(sample)
    for n in range(1, shape["replaced"] + 1):
        members[f"xl/worksheets/sheet{n}.xml"] = xml
    return with_extra_sheets(zip_of(members), xml, shape["extra"])


@fuzz(SHAPE_EXAMPLES)
@given(shape=shapes)
def test_fuzz_sheet_shapes_within_time_and_memory(poa_bases, settings, shape):
    data = shaped_workbook(poa_bases[0], shape)
    started = time.perf_counter()
    kind, message, seconds, megabytes = run_contained(settings, measured_read, data, settings)
    assert kind in ("read", "refused")
    assert message not in (UNEXPECTED, memory_message(settings), time_message(settings)), message
    assert seconds <= SHAPE_SECONDS, (seconds, message)
    assert megabytes <= SHAPE_MEGABYTES, (megabytes, message)
    assert time.perf_counter() - started <= MAX_SECONDS


def test_the_shapes_reach_what_they_are_meant_to(poa_bases, settings):
    """The shape builder makes what it says: a far cell on the first sheet is seen there, many
    loose rows are counted, and the extra sheets are sheets of the workbook."""
    far = shaped_workbook(poa_bases[0], {"loose_rows": 0, "loose_cells": 0, "far_row": 60_000,
                                         "far_col": None, "replaced": 1, "extra": 0})
    with pytest.raises(NotAPoaWorkbook, match="«POA» tiene 60,000 filas"):
        read_poa(far, settings)
    loose = shaped_workbook(poa_bases[0], {"loose_rows": 50_001, "loose_cells": 0,
                                           "far_row": None, "far_col": None, "replaced": 0,
                                           "extra": 1})
    with pytest.raises(NotAPoaWorkbook, match=r"«Extra 1» tiene 50,00[12] filas"):
        read_poa(loose, settings)
    kind, message, _, _ = run_contained(
        settings, measured_read,
        shaped_workbook(poa_bases[0], {"loose_rows": 10, "loose_cells": 3, "far_row": None,
                                       "far_col": None, "replaced": 0, "extra": 3}), settings)
    assert (kind, message) == ("read", "")
