"""User text made safe for Plotly, which reads its strings as a small HTML-like markup.

Plotly draws `<a href>` as a link, `<span style>` with any style, `<b>`, `<br>`… in every
label, tick, title, annotation, legend entry and hover text, and substitutes `%{...}` in
templates. Every text that comes from a user (a workbook, a form) goes through `plain_text`
before a figure receives it, and before the code wraps it in markup of its own (`<b>…</b>`).
"""

from __future__ import annotations

# Unicode bidirectional controls: an override (U+202E) makes "gnp.exe" read "exe.png".
BIDI_CONTROLS = frozenset(
    "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
)
_TABLE = {
    **dict.fromkeys(map(ord, BIDI_CONTROLS)),
    ord("&"): "&amp;",
    ord("<"): "&lt;",
    ord(">"): "&gt;",
}


def plain_text(value: object) -> str:
    """`value` as text Plotly shows literally: `&`, `<`, `>` as entities, the bidi controls
    dropped and `%{` written `%&#123;` (Plotly shows `%{`, a template never reads it).
    `None` is the empty text."""
    if value is None:
        return ""
    return str(value).translate(_TABLE).replace("%{", "%&#123;")
