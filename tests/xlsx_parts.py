"""Byte-level edits of .xlsx packages for the hostile-file and fuzz tests: members in and out of
the zip, shared and inline strings, and one cell's value changed wherever the writer put it."""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Callable

SHARED_STRINGS_CT = (
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"
)
SHARED_STRINGS_REL = (
    "http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings"
)
SHEET_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"

_INLINE = re.compile(rb'<c ([^>]*?)t="inlineStr"([^>]*)><is><t[^>]*>(.*?)</t></is></c>', re.S)
_SHARED = re.compile(rb'<c ([^>]*?)t="s"([^>]*)><v>(\d+)</v></c>')
_SI = re.compile(rb"<si>(.*?)</si>", re.S)
_T = re.compile(rb"<t[^>]*>(.*?)</t>", re.S)


def zip_members(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        return {info.filename: zf.read(info) for info in zf.infolist()}


def zip_of(members: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, content in members.items():
            zf.writestr(name, content)
    return out.getvalue()


def with_shared_strings(data: bytes) -> bytes:
    """The workbook with its inline strings moved to xl/sharedStrings.xml, as Excel saves it."""
    members = zip_members(data)
    strings: list[bytes] = []

    def shared(match: re.Match) -> bytes:
        strings.append(match.group(3))
        return b'<c %st="s"%s><v>%d</v></c>' % (match.group(1), match.group(2), len(strings) - 1)

    for name in [n for n in members if n.startswith("xl/worksheets/")]:
        members[name] = _INLINE.sub(shared, members[name])
    items = b"".join(b'<si><t xml:space="preserve">%s</t></si>' % s for s in strings)
    members["xl/sharedStrings.xml"] = (
        f'<sst xmlns="{SHEET_NS}" count="{len(strings)}" uniqueCount="{len(strings)}">'.encode()
        + items + b"</sst>"
    )
    members["[Content_Types].xml"] = members["[Content_Types].xml"].replace(
        b"</Types>",
        f'<Override PartName="/xl/sharedStrings.xml" ContentType="{SHARED_STRINGS_CT}"/>'
        "</Types>".encode(),
    )
    members["xl/_rels/workbook.xml.rels"] = members["xl/_rels/workbook.xml.rels"].replace(
        b"</Relationships>",
        f'<Relationship Id="rIdSst" Type="{SHARED_STRINGS_REL}" Target="sharedStrings.xml"/>'
        "</Relationships>".encode(),
    )
    return zip_of(members)


def with_inline_strings(data: bytes) -> bytes:
    """The workbook with its shared strings written inline in each cell (`<is><t>…</t></is>`)
    and xl/sharedStrings.xml dropped, as some programs save it."""
    members = zip_members(data)
    table = members.pop("xl/sharedStrings.xml", None)
    if table is None:
        return data
    texts = [b"".join(_T.findall(si)) for si in _SI.findall(table)]

    def inline(match: re.Match) -> bytes:
        text = texts[int(match.group(3))]
        space = b' xml:space="preserve"' if text != text.strip() else b""
        return b'<c %st="inlineStr"%s><is><t%s>%s</t></is></c>' % (
            match.group(1), match.group(2), space, text)

    for name in [n for n in members if n.startswith("xl/worksheets/")]:
        members[name] = _SHARED.sub(inline, members[name])
    members["[Content_Types].xml"] = re.sub(
        rb'<Override PartName="/xl/sharedStrings.xml"[^>]*/>', b"", members["[Content_Types].xml"])
    members["xl/_rels/workbook.xml.rels"] = re.sub(
        rb'<Relationship [^>]*Target="sharedStrings.xml"[^>]*/>', b"",
        members["xl/_rels/workbook.xml.rels"])
    return zip_of(members)


def set_cell(ref: str, value: str, *, kind: str = "n", style: str | None = None
             ) -> Callable[[bytes], bytes]:
    """A sheet edit: cell `ref` holds `value` (a number as written in the XML, or a text with
    kind="inlineStr"); its style stays unless `style` is given (any text, even "NaN")."""

    def change(xml: bytes) -> bytes:
        pattern = re.compile(rb'<c r="' + ref.encode() + rb'"([^>]*?)(?:/>|>(.*?)</c>)', re.S)
        found = pattern.findall(xml)
        assert len(found) == 1, (ref, len(found))
        attrs = found[0][0]
        kept = re.search(rb's="[^"]*"', attrs)
        s = f's="{style}"'.encode() if style is not None else (kept.group(0) if kept else b"")
        body = (b"<is><t>%s</t></is>" % value.encode() if kind == "inlineStr"
                else b"<v>%s</v>" % value.encode())
        cell = b'<c r="%s" %s t="%s">%s</c>' % (ref.encode(), s, kind.encode(), body)
        return pattern.sub(lambda _: cell, xml, count=1)

    return change


WORKSHEET_CT = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
WORKSHEET_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet"


def with_extra_sheets(data: bytes, sheet_xml: bytes, count: int) -> bytes:
    """The workbook with `count` more sheets («Extra 1»…), each holding `sheet_xml`."""
    members = zip_members(data)
    sheets, rels, types = b"", b"", b""
    for n in range(1, count + 1):
        path = f"xl/worksheets/extra{n}.xml"
        members[path] = sheet_xml
        sheets += f'<sheet name="Extra {n}" sheetId="{100 + n}" r:id="rIdExtra{n}"/>'.encode()
        rels += (f'<Relationship Id="rIdExtra{n}" Type="{WORKSHEET_REL}" '
                 f'Target="worksheets/extra{n}.xml"/>').encode()
        types += f'<Override PartName="/{path}" ContentType="{WORKSHEET_CT}"/>'.encode()
    members["xl/workbook.xml"] = members["xl/workbook.xml"].replace(b"</sheets>", sheets + b"</sheets>")
    members["xl/_rels/workbook.xml.rels"] = members["xl/_rels/workbook.xml.rels"].replace(
        b"</Relationships>", rels + b"</Relationships>")
    members["[Content_Types].xml"] = members["[Content_Types].xml"].replace(
        b"</Types>", types + b"</Types>")
    return zip_of(members)
