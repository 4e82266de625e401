"""The Informe para cabildo as a PDF: `report_pdf(data) -> bytes`.

Drawn with fpdf2 alone: tables, the index bar, the semáforo bars, the gauges and the Gantt are
drawn with its vector primitives, so the report needs no browser, takes a fraction of a second,
and the same data always gives the same file. Letter size, portrait (the EAEPE page landscape,
for its twelve columns); a header and a footer with the POA, the fecha de corte and «Página N
de M» on every page (the cover has the footer only); long tables split across pages repeating
their header row. The semáforo is always written with its icon and word, never colour alone.
Text from a workbook may be as long as an Excel cell: where it has a fixed room (a table cell, a
gauge title, a Gantt label, a heading) it is cut with «…» (`fit`, `wrap`, `clip`), so that every
row fits on a page; the Excel report keeps it whole.

Text needs a Unicode TrueType font (accents, ñ, ■ ▲ ●, ⚠): DejaVu Sans, from Debian's
`fonts-dejavu-core` (or `assets/fonts/` when a deployment ships the files there).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from math import cos, radians, sin
from pathlib import Path

from fpdf import FPDF, FontFace, XPos, YPos
from fpdf.enums import TableCellFillMode

from dashboard.report.data import (
    ALIGNMENT_EMPTY,
    ALIGNMENT_TITLE,
    SEMAFORO_KEYS,
    SEVERITY_PLURALS,
    ReportActivity,
    ReportBudgetRow,
    ReportData,
)
from dashboard.views import SEMAFORO_COLORS, SEMAFORO_ICONS, SEMAFORO_WORDS
from loaders.check.progress import Thresholds, semaforo
from loaders.model import SEVERITY_ORDER
from loaders.text import fmt_date, fmt_money, fmt_pct

FONT_DIRS = (
    Path(__file__).resolve().parent.parent / "assets" / "fonts",  # assets/fonts, shipped or linked
    Path("/usr/share/fonts/truetype/dejavu"),  # Debian, Ubuntu: fonts-dejavu-core
    Path("/usr/share/fonts/dejavu-sans-fonts"),  # Fedora
    Path("/usr/share/fonts/dejavu"),
    Path("/usr/share/fonts/TTF"),  # Arch
)
FONT_FILES = {"": "DejaVuSans.ttf", "B": "DejaVuSans-Bold.ttf"}
FONT = "DejaVu"

MARGIN = 15.0  # mm
TEXT = (31, 31, 31)
MUTED = (95, 99, 104)
RULE = (200, 200, 200)
TRACK = (232, 235, 237)
HEAD_FILL = (233, 236, 239)
ZEBRA = (247, 247, 247)
MARK = (31, 31, 31)
PLANNED = (95, 99, 104)
# The amarillo of the screen is too light for text on white paper: a darker ochre for words.
TEXT_ON_WHITE = {"amarillo": "#8a6a00"}
# The most lines a table cell, a cover value or a paragraph of workbook text takes before it is cut
# with «…» (the Excel report keeps every text whole).
CELL_LINES = 10
COVER_LINES = 4
PARAGRAPH_LINES = 12
MONTH_ABBR = ("ene", "feb", "mar", "abr", "may", "jun", "jul", "ago", "sep", "oct", "nov", "dic")


class FontsMissing(RuntimeError):
    """The TrueType fonts the PDF needs are not installed; the message says what to install."""


def font_paths() -> dict[str, Path]:
    for folder in FONT_DIRS:
        paths = {style: folder / name for style, name in FONT_FILES.items()}
        if all(p.is_file() for p in paths.values()):
            return paths
    raise FontsMissing(
        "Para generar el informe en PDF el servidor necesita las fuentes DejaVu Sans: instale el "
        "paquete fonts-dejavu-core (apt-get install fonts-dejavu-core) o copie DejaVuSans.ttf y "
        "DejaVuSans-Bold.ttf en assets/fonts/."
    )


# -- small formatting helpers ---------------------------------------------------------------------


def _rgb(hex_color: str) -> tuple[int, int, int]:
    value = hex_color.lstrip("#")
    return int(value[0:2], 16), int(value[2:4], 16), int(value[4:6], 16)


def semaforo_rgb(key: str | None) -> tuple[int, int, int]:
    return _rgb(SEMAFORO_COLORS.get(key, SEMAFORO_COLORS[None]))


def semaforo_text_rgb(key: str | None) -> tuple[int, int, int]:
    return _rgb(TEXT_ON_WHITE.get(key or "", SEMAFORO_COLORS.get(key, SEMAFORO_COLORS[None])))


def pct(value: float | None) -> str:
    return "—" if value is None else fmt_pct(value)


def count(value: int | float | None) -> str:
    return "—" if value is None else f"{value:,.0f}"


def money(value: float) -> str:
    return fmt_money(value)


def wrap(pdf: FPDF, text: str, width: float, max_lines: int = 2) -> list[str]:
    """`text` in lines no wider than `width` in the current font; the last one ends in «…» when
    the text needs more than `max_lines`."""
    lines: list[str] = []
    for word in text.split():
        if lines and pdf.get_string_width(f"{lines[-1]} {word}") <= width:
            lines[-1] = f"{lines[-1]} {word}"
        elif len(lines) == max_lines:  # no room for another line: the rest is left out
            lines[-1] = fit(pdf, f"{lines[-1]} {word}", width)
            break
        else:
            lines.append(word)
    return [fit(pdf, line, width) for line in lines] or [""]


def fit(pdf: FPDF, text: str, width: float) -> str:
    """`text` cut with «…» so that it is no wider than `width` in the current font. The cut is
    found by bisection: a name may be as long as an Excel cell (32,767 characters)."""
    text = " ".join(text.split())
    if pdf.get_string_width(text) <= width:
        return text
    low, high = 0, len(text)  # text[:low] + "…" fits; text[:high] + "…" does not
    while high - low > 1:
        middle = (low + high) // 2
        if pdf.get_string_width(text[:middle] + "…") <= width:
            low = middle
        else:
            high = middle
    return text[:low].rstrip(" ,;:.-") + "…"


def clip(pdf: FPDF, text: str, width: float, max_lines: int) -> str:
    """`text` as it is when it takes at most about `max_lines` lines of `width` in the current
    font, else cut with «…» to that many lines: a table row or a paragraph must fit on a page
    whatever a workbook holds (fpdf2 refuses a row taller than the page)."""
    lines = text.splitlines()
    if len(lines) <= max_lines and pdf.get_string_width(" ".join(lines)) <= 0.85 * width * (
            max_lines - len(lines) + 1):
        return text
    return " ".join(wrap(pdf, text, width, max_lines))


def version_line(data: ReportData) -> str:
    v = data.version
    return (f"Versión {v.number}, cargada el {v.uploaded_at:%d/%m/%Y} a las {v.uploaded_at:%H:%M} "
            f"por {v.uploaded_by}")


# -- the document ---------------------------------------------------------------------------------


class Informe(FPDF):
    def __init__(self, data: ReportData) -> None:
        super().__init__(orientation="portrait", unit="mm", format="letter")
        self.data = data
        for style, path in font_paths().items():
            self.add_font(FONT, style, str(path))
        self.set_margins(MARGIN, 22, MARGIN)
        self.set_auto_page_break(True, margin=18)
        self.set_lang("es-MX")
        self.set_creator("Tablero POA")
        self.set_title(f"Informe para cabildo — {data.identity.title}")
        self.set_subject(f"Avance del POA a la fecha de corte {fmt_date(data.as_of)}")
        self.set_author(data.identity.place or "Tablero POA")
        self.set_creation_date(data.generated_at.astimezone())
        self.set_text_color(*TEXT)
        self.set_draw_color(*RULE)

    # header and footer on every page but the cover
    def header(self) -> None:
        if self.page_no() == 1:
            return
        self.set_font(FONT, "", 7.5)
        self.set_text_color(*MUTED)
        self.set_xy(MARGIN, 9)
        self.cell(self.epw * 0.7, 4, fit(self, f"Informe para cabildo · {self.data.identity.title}",
                                         self.epw * 0.7))
        self.set_xy(MARGIN, 9)
        self.cell(self.epw, 4, f"Fecha de corte: {fmt_date(self.data.as_of)}", align="R")
        self.set_draw_color(*RULE)
        self.line(MARGIN, 14, self.w - MARGIN, 14)
        self.set_text_color(*TEXT)
        self.set_y(20)

    def footer(self) -> None:
        self.set_y(-13)
        self.set_draw_color(*RULE)
        self.line(MARGIN, self.get_y() - 1, self.w - MARGIN, self.get_y() - 1)
        self.set_font(FONT, "", 7.5)
        self.set_text_color(*MUTED)
        v = self.data.version
        left = (f"{self.data.identity.title} · Versión {v.number} · "
                f"Corte {fmt_date(self.data.as_of)}")
        self.cell(self.epw * 0.75, 4, fit(self, left, self.epw * 0.75))
        self.set_x(MARGIN)
        self.cell(self.epw, 4, f"Página {self.page_no()} de {{nb}}", align="R")
        self.set_text_color(*TEXT)

    # building blocks
    def font(self, size: float, style: str = "", color: tuple[int, int, int] = TEXT) -> None:
        self.set_font(FONT, style, size)
        self.set_text_color(*color)

    def section(self, number: int, title: str, *, new_page: bool, room: float = 40,
                orientation: str = "portrait") -> None:
        """A numbered section title, also a PDF bookmark and a line of the contents."""
        if new_page or self.will_page_break(room):
            self.add_page(orientation=orientation)
        elif self.get_y() > self.t_margin + 5:
            self.ln(5)
        name = f"{number}. {title}"
        self.start_section(name)
        self.font(13, "B")
        self.multi_cell(0, 7, name, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.set_draw_color(*semaforo_rgb(None))
        self.line(MARGIN, self.get_y() + 0.5, self.w - MARGIN, self.get_y() + 0.5)
        self.ln(3)

    def paragraph(self, text: str, size: float = 9, color=TEXT, style: str = "",
                  height: float = 4.6) -> None:
        self.font(size, style, color)
        self.multi_cell(0, height, text, new_x=XPos.LMARGIN, new_y=YPos.NEXT, align="L")

    def subtitle(self, text: str) -> None:
        if self.will_page_break(30):
            self.add_page()
        self.ln(2)
        self.font(10.5, "B")
        self.multi_cell(0, 6, text, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.ln(1)


def _table(pdf: Informe, widths, headings, rows, *, size: float = 8, aligns=None,
           styles: Callable[[int, int], FontFace | None] | None = None,
           bold_rows: frozenset[int] = frozenset(), head_size: float | None = None) -> None:
    """A table that splits across pages repeating its headings; `rows` are lists of text."""
    pdf.font(size)
    if sum(widths) > pdf.epw:  # fractions of a millimetre from rounding
        widths = [w * pdf.epw / sum(widths) for w in widths]
    aligns = aligns or ["LEFT"] * len(widths)
    head_style = FontFace(emphasis="BOLD", fill_color=HEAD_FILL, color=TEXT,
                          size_pt=head_size or size)
    pdf.set_fill_color(*ZEBRA)  # the table fills its zebra rows with the current fill colour
    with pdf.table(
        col_widths=widths, width=min(sum(widths), pdf.epw), align="LEFT", text_align=aligns,
        headings_style=head_style, line_height=size * 0.48, padding=(0.9, 1.1),
        cell_fill_mode=TableCellFillMode.ROWS, cell_fill_color=ZEBRA, v_align="MIDDLE",
        repeat_headings=1,
    ) as table:
        heading = table.row()
        for text in headings:
            heading.cell(text, align="CENTER")
        for i, values in enumerate(rows):
            row = table.row(style=FontFace(emphasis="BOLD") if i in bold_rows else None)
            for j, text in enumerate(values):
                row.cell(clip(pdf, text, widths[j] - 3, CELL_LINES),
                         style=styles(i, j) if styles else None)
    pdf.ln(2)


# -- 0. cover -------------------------------------------------------------------------------------


def _cover(pdf: Informe) -> None:
    data = pdf.data
    ident = data.identity
    pdf.add_page()
    pdf.set_fill_color(*semaforo_rgb(None))
    pdf.rect(0, 0, pdf.w, 6, style="F")
    pdf.set_y(24)
    pdf.font(11, "", MUTED)
    pdf.cell(0, 6, fit(pdf, ident.place or "Municipio no indicado", pdf.epw),
             new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.font(26, "B")
    pdf.cell(0, 13, "Informe para cabildo", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.font(14, "", TEXT)
    heading = f"Plan Operativo Anual {ident.fiscal_year or ''} · {ident.area}".strip()
    pdf.multi_cell(0, 7, clip(pdf, heading, pdf.epw - 2, 2), new_x=XPos.LMARGIN,
                   new_y=YPos.NEXT)
    pdf.ln(4)
    rows = [
        ("Municipio", ident.place or "—"),
        ("Dirección", ident.direccion or "—"),
        ("Área", ident.area or "—"),
        ("Año fiscal", str(ident.fiscal_year or "—")),
        ("Fecha de corte", fmt_date(data.as_of)),
        ("Versión del POA", version_line(data)),
        ("Archivo", data.version.file_name),
        ("Huella SHA-256", data.version.sha256[:32] + "…"),
        ("Informe generado", f"{data.generated_at:%d/%m/%Y %H:%M}"),
    ]
    pdf.font(9.5)
    pdf.set_fill_color(255, 255, 255)
    with pdf.table(col_widths=(40, pdf.epw - 40), width=pdf.epw, align="LEFT",
                   first_row_as_headings=False, borders_layout="HORIZONTAL_LINES",
                   cell_fill_mode=TableCellFillMode.NONE,
                   line_height=5, padding=(1.2, 1.5), text_align=("LEFT", "LEFT")) as table:
        for label, value in rows:
            row = table.row()
            row.cell(label, style=FontFace(emphasis="BOLD", color=MUTED))
            row.cell(clip(pdf, value, pdf.epw - 40 - 4, COVER_LINES))
    if ident.objetivo:
        pdf.ln(4)
        pdf.font(9.5, "B")
        pdf.cell(0, 5, "Objetivo del área", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.font(9.5)
        pdf.paragraph(clip(pdf, ident.objetivo, pdf.epw - 2, PARAGRAPH_LINES), 9.5)
    pdf.ln(5)
    _kpis(pdf)
    pdf.ln(6)
    pdf.font(11, "B")
    pdf.cell(0, 6, "Contenido", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.insert_toc_placeholder(_render_contents)


def _render_contents(pdf: FPDF, outline) -> None:
    pdf.set_font(FONT, "", 10)
    pdf.set_text_color(*TEXT)
    for section in outline:
        if section.level:
            continue
        y = pdf.get_y()
        pdf.set_x(MARGIN)
        pdf.cell(pdf.epw - 20, 6, section.name, link=pdf.add_link(page=section.page_number))
        pdf.set_xy(MARGIN, y)
        pdf.cell(pdf.epw, 6, f"página {section.page_number}", align="R",
                 new_x=XPos.LMARGIN, new_y=YPos.NEXT)


def _kpis(pdf: Informe) -> None:
    """Four boxes: the index, the expected index, the activities, the approved budget."""
    data = pdf.data
    boxes = [
        ("Índice de Eficiencia", pct(data.index_pct),
         f"{count(data.index_achieved)} de {count(data.index_programmed)} metas alcanzadas"),
        ("Índice esperado a la fecha", pct(data.expected_index_pct),
         "si cada actividad llevara su calendario"),
        ("Actividades", str(len(data.activities)),
         f"{data.concluded} concluidas · {data.overdue} vencidas"),
        ("Presupuesto aprobado", money(data.budget_total.aprobado),
         f"ejercido {money(data.budget_total.ejercido)}"),
    ]
    gap = 3.0
    width = (pdf.epw - gap * 3) / 4
    top = pdf.get_y()
    for i, (title, value, note) in enumerate(boxes):
        x = MARGIN + i * (width + gap)
        pdf.set_draw_color(*RULE)
        pdf.set_fill_color(250, 250, 250)
        pdf.rect(x, top, width, 24, style="DF")
        pdf.set_xy(x + 2, top + 2)
        pdf.font(7.5, "B", MUTED)
        pdf.cell(width - 4, 4, title)
        pdf.set_xy(x + 2, top + 7)
        pdf.font(15 if len(value) < 12 else 12, "B")
        pdf.cell(width - 4, 8, value)
        pdf.set_xy(x + 2, top + 16)
        pdf.font(6.8, "", MUTED)
        pdf.multi_cell(width - 4, 3.2, note, align="L")
    pdf.set_y(top + 26)


# -- 1. summary: the index and the semáforo counts ------------------------------------------------


def _index_bar(pdf: Informe) -> None:
    """A bar 0–100 % with the index and a mark at the expected index (like the screen's bullet)."""
    data = pdf.data
    x0, width, top, height = MARGIN + 45, pdf.epw - 60, pdf.get_y() + 2, 8
    pdf.font(9, "B")
    pdf.set_xy(MARGIN, top + 1)
    pdf.cell(45, 6, "Índice de Eficiencia")
    pdf.set_fill_color(*TRACK)
    pdf.rect(x0, top, width, height, style="F")
    value = max(0.0, min(100.0, data.index_pct or 0.0))
    expected = data.expected_index_pct
    light = None
    if data.index_pct is not None and expected is not None:
        light = semaforo(data.index_pct - expected, Thresholds(data.green_gap, data.yellow_gap))
    pdf.set_fill_color(*semaforo_rgb(light))
    if value > 0:
        pdf.rect(x0, top, width * value / 100, height, style="F")
    pdf.set_xy(x0 + width + 2, top + 1)
    pdf.font(10, "B")
    pdf.cell(15, 6, pct(data.index_pct))
    if expected is not None:
        ex = x0 + width * max(0.0, min(100.0, expected)) / 100
        pdf.set_draw_color(*MARK)
        pdf.set_line_width(0.8)
        pdf.line(ex, top - 2, ex, top + height + 2)
        pdf.set_line_width(0.2)
        pdf.font(7.5, "", TEXT)
        label = f"esperado {pct(expected)}"
        label_w = pdf.get_string_width(label) + 2
        pdf.set_xy(min(ex - label_w / 2, x0 + width - label_w), top + height + 2.5)
        pdf.cell(label_w, 4, label, align="C")
    # scale
    pdf.font(6.5, "", MUTED)
    for tick in range(0, 101, 25):
        pdf.set_xy(x0 + width * tick / 100 - 5, top - 5)
        pdf.cell(10, 3, f"{tick} %", align="C")
    pdf.set_y(top + height + 9)
    if light is not None:
        pdf.paragraph(
            f"El índice de {pct(data.index_pct)} ({count(data.index_achieved)} de "
            f"{count(data.index_programmed)} metas) se compara con el {pct(expected)} que el POA "
            f"tendría si cada actividad llevara su calendario: "
            f"{SEMAFORO_ICONS[light]} {SEMAFORO_WORDS[light]}.", 9)


def _semaforo_bars(pdf: Informe) -> None:
    """One bar per semáforo with its icon, word and count (never colour alone)."""
    data = pdf.data
    total = max(len(data.activities), 1)
    label_w, bar_w = 45, pdf.epw - 45 - 25
    labels = {"rojo": "en riesgo", "amarillo": "con retraso", "verde": "en tiempo",
              None: "sin fechas o sin meta"}
    for key in SEMAFORO_KEYS:
        n = data.count(key)
        if key is None and n == 0:
            continue
        y = pdf.get_y()
        pdf.set_xy(MARGIN, y)
        pdf.font(9, "B", semaforo_text_rgb(key))
        pdf.cell(label_w, 6, f"{SEMAFORO_ICONS[key]} {SEMAFORO_WORDS[key]}")
        pdf.font(7.5, "", MUTED)
        pdf.set_xy(MARGIN + 22, y)
        pdf.cell(label_w - 22, 6, labels[key])
        pdf.set_fill_color(*TRACK)
        pdf.rect(MARGIN + label_w, y + 1, bar_w, 4, style="F")
        if n:
            pdf.set_fill_color(*semaforo_rgb(key))
            pdf.rect(MARGIN + label_w, y + 1, bar_w * min(n / total, 1), 4, style="F")
        pdf.set_xy(MARGIN + label_w + bar_w + 2, y)
        pdf.font(9, "B")
        pdf.cell(23, 6, f"{n} de {len(data.activities)}")
        pdf.set_y(y + 7)
    pdf.ln(1)
    pdf.paragraph(
        f"Semáforo: verde si el avance real va a {abs(data.green_gap):g} puntos o menos de lo "
        f"esperado a la fecha de corte, amarillo hasta {abs(data.yellow_gap):g} puntos, rojo con "
        "más retraso. Una actividad con la meta cumplida es verde («Concluida»); una cuyo "
        "periodo terminó sin cumplirla está «Vencida».", 8, MUTED, height=4)


def _summary(pdf: Informe) -> None:
    # the contents placeholder on the cover already started a new page
    pdf.section(1, "Índice de Eficiencia y semáforo", new_page=False)
    pdf.ln(4)
    _index_bar(pdf)
    pdf.subtitle("Actividades por semáforo")
    _semaforo_bars(pdf)


# -- 2. the semáforo table ------------------------------------------------------------------------


def _status_text(a: ReportActivity) -> str:
    text = a.status_label if a.status_label != a.semaforo_word else ""
    if a.pct_mismatch:
        text += f"\n⚠ declaró {pct(a.declared_pct)}"
    return text.strip()


def _activity_table(pdf: Informe) -> None:
    data = pdf.data
    pdf.section(2, "Semáforo de las actividades", new_page=False, room=60)
    pdf.paragraph(
        f"Las {len(data.activities)} actividades del POA con su avance a la fecha de corte "
        f"{fmt_date(data.as_of)}. Real = meta alcanzada / meta programada; esperado = parte "
        "transcurrida del periodo inicio–fin. ⚠ = el % declarado en el libro no cuadra con las "
        "cifras.", 8.5, MUTED, height=4.2)
    pdf.ln(1)
    widths = (7, 59, 20, 20, 15, 17.5, 20, 27.4)
    headings = ("Nº", "Actividad", "Meta programada", "Meta alcanzada", "Avance real",
                "Esperado al corte", "Semáforo", "Estado")
    rows = [
        [a.label or str(a.number), a.name, count(a.programmed), count(a.achieved), pct(a.real_pct),
         pct(a.expected_pct), a.semaforo_text, _status_text(a)]
        for a in data.activities
    ]
    light = [a.semaforo for a in data.activities]

    def style(i: int, j: int) -> FontFace | None:
        if j == 6:
            return FontFace(emphasis="BOLD", color=semaforo_text_rgb(light[i]))
        return None

    aligns = ("CENTER", "LEFT", "RIGHT", "RIGHT", "RIGHT", "RIGHT", "LEFT", "LEFT")
    _table(pdf, widths, headings, rows, size=7.8, aligns=aligns, styles=style, head_size=6.8)
    _reprogrammed_goals(pdf)


def _reprogrammed_goals(pdf: Informe) -> None:
    """«Metas reprogramadas»: each reprogrammed goal or date, the original beside the current
    one, with when, who approved and why (nothing when none was reprogrammed)."""
    items = pdf.data.reprogrammings
    if not items:
        return
    pdf.subtitle(f"Metas reprogramadas ({len(items)})")
    pdf.paragraph(
        "Original: el valor de la primera versión del POA. El semáforo sigue la meta vigente "
        "(la reprogramada).", 8.5, MUTED, height=4.2)
    pdf.ln(1)
    widths = (52, 24, 18, 18, pdf.epw - 112)
    rows = [[r.heading, r.field, r.original, r.current, "\n".join(r.steps)] for r in items]
    _table(pdf, widths, ("Actividad", "Dato", "Original", "Vigente", "Reprogramación y motivo"),
           rows, size=7.6, aligns=("LEFT", "LEFT", "RIGHT", "RIGHT", "LEFT"), head_size=6.8)


# -- 3. gauges ------------------------------------------------------------------------------------


def _arc_points(cx, cy, r, a0, a1, steps=40):
    """Points of a circle arc from angle a0 to a1 (degrees, 180 = left, 0 = right; y grows down)."""
    return [(cx + r * cos(radians(a0 + (a1 - a0) * k / steps)),
             cy - r * sin(radians(a0 + (a1 - a0) * k / steps))) for k in range(steps + 1)]


def _band(pdf: Informe, cx, cy, outer, inner, f0, f1, color) -> None:
    """A band of the half ring between fractions f0 and f1 (0 = left end, 1 = right end)."""
    if f1 <= f0:
        return
    a0, a1 = 180 - 180 * f0, 180 - 180 * f1
    points = _arc_points(cx, cy, outer, a0, a1) + _arc_points(cx, cy, inner, a1, a0)
    pdf.set_fill_color(*color)
    pdf.polygon(points, style="F")


def _gauge(pdf: Informe, a: ReportActivity, x: float, y: float, w: float, h: float) -> None:
    programmed, achieved = a.programmed or 0, a.achieved or 0
    axis_max = max(programmed, achieved, 1)
    pdf.set_draw_color(*RULE)
    pdf.rect(x, y, w, h)
    # title: number and name in up to three lines
    pdf.font(7.2, "B")
    lines = wrap(pdf, a.title, w - 4, 3)
    for k, line in enumerate(lines):
        pdf.set_xy(x + 1.5, y + 1.5 + k * 3.4)
        pdf.cell(w - 3, 3.4, line, align="C")
    pdf.set_xy(x + 1.5, y + 13)
    pdf.font(7.2, "B", semaforo_text_rgb(a.semaforo))
    status = a.semaforo_text + (f" — {a.status_label}" if a.status_label != a.semaforo_word
                                else "")
    pdf.cell(w - 3, 3.6, fit(pdf, status, w - 3), align="C")
    # the half ring
    cx, cy, outer = x + w / 2, y + 38.5, min(w / 2 - 6, 17)
    inner = outer * 0.62
    _band(pdf, cx, cy, outer, inner, 0, 1, TRACK)
    _band(pdf, cx, cy, outer, inner, 0, min(achieved / axis_max, 1), semaforo_rgb(a.semaforo))
    if a.expected_pct is not None and programmed:
        f = min(programmed * a.expected_pct / 100 / axis_max, 1)
        angle = radians(180 - 180 * f)
        pdf.set_draw_color(*MARK)
        pdf.set_line_width(0.7)
        pdf.line(cx + (inner - 1.2) * cos(angle), cy - (inner - 1.2) * sin(angle),
                 cx + (outer + 1.2) * cos(angle), cy - (outer + 1.2) * sin(angle))
        pdf.set_line_width(0.2)
    pdf.font(6, "", MUTED)
    pdf.set_xy(cx - outer - 2, cy + 0.5)
    pdf.cell(outer - inner + 4, 3, "0", align="C")
    pdf.set_xy(cx + inner - 2, cy + 0.5)
    pdf.cell(outer - inner + 4, 3, count(axis_max), align="C")
    pdf.font(10, "B")
    pdf.set_xy(x, cy - 5.5)
    pdf.cell(w, 5, count(achieved), align="C")
    pdf.font(6.8, "", MUTED)
    pdf.set_xy(x, cy + 0.5)
    pdf.cell(w, 3, f"de {count(programmed)}" if programmed else "sin meta", align="C")
    pdf.font(6.8, "", TEXT)
    pdf.set_xy(x + 1, cy + 4.5)
    pdf.cell(w - 2, 3.4, f"real {pct(a.real_pct)} · esperado {pct(a.expected_pct)}", align="C")
    if a.pct_mismatch:
        pdf.set_xy(x + 1, cy + 8)
        pdf.font(6.5, "B", semaforo_text_rgb("amarillo"))
        pdf.cell(w - 2, 3.4, f"⚠ declarado {pct(a.declared_pct)}", align="C")


def _gauges(pdf: Informe) -> None:
    data = pdf.data
    pdf.section(3, "Meta alcanzada contra programada", new_page=True)
    pdf.paragraph("Cada indicador va de 0 a la meta programada; la barra es la meta alcanzada en "
                  "el color de su semáforo y la raya negra marca lo esperado a la fecha de corte.",
                  8.5, MUTED, height=4.2)
    pdf.ln(2)
    columns, gap, h = 4, 2.5, 52
    w = (pdf.epw - gap * (columns - 1)) / columns
    for i, a in enumerate(data.activities):
        if i % columns == 0:
            if i and pdf.will_page_break(h + gap):
                pdf.add_page()
            top = pdf.get_y()
        _gauge(pdf, a, MARGIN + (i % columns) * (w + gap), top, w, h)
        if i % columns == columns - 1 or i == len(data.activities) - 1:
            pdf.set_y(top + h + gap)


# -- 4. Gantt -------------------------------------------------------------------------------------


def invalid_reason(a: ReportActivity) -> str | None:
    if a.start is None and a.end is None:
        return "Sin fechas de inicio y de fin"
    if a.start is None:
        return "Sin fecha de inicio"
    if a.end is None:
        return "Sin fecha de fin"
    if a.end < a.start:
        return f"La fecha de fin {fmt_date(a.end)} es anterior al inicio {fmt_date(a.start)}"
    if not a.dates_valid:
        return "Las fechas de inicio y de fin no son válidas"
    return None


def _gantt(pdf: Informe) -> None:
    data = pdf.data
    year = data.identity.fiscal_year or data.as_of.year
    pdf.section(4, f"Cronograma {year} (Gantt)", new_page=True)
    pdf.paragraph(
        "Cada barra va del inicio al fin de la actividad, en el color de su semáforo y con el % "
        "alcanzado; los cuadros bajo la barra son los meses marcados en el cronograma del libro. "
        f"La línea punteada es la fecha de corte. ◂ / ▸ = la actividad empieza antes o termina "
        f"después de {year}.", 8.5, MUTED, height=4.2)
    pdf.ln(2)
    drawable = [a for a in data.activities if invalid_reason(a) is None]
    _gantt_legend(pdf, drawable)
    chart = GanttScale(year, MARGIN + GANTT_LABEL_W, pdf.epw - GANTT_LABEL_W)
    rest = drawable
    while rest:
        top = pdf.get_y()
        room = int((pdf.page_break_trigger - top - 5 - 6) // GANTT_ROW_H)
        if room < min(3, len(rest)):
            pdf.add_page()
            continue
        chunk, rest = rest[:room], rest[room:]
        _gantt_chunk(pdf, chart, chunk, top, data.as_of)
        if rest:
            pdf.add_page()
    pdf.set_y(pdf.get_y() + 2)
    invalid = [(a, invalid_reason(a)) for a in data.activities if invalid_reason(a)]
    if invalid:
        pdf.subtitle("Actividades que no se pueden dibujar")
        _table(pdf, (10, 90, pdf.epw - 100), ("Nº", "Actividad", "Motivo"),
               [[a.label or str(a.number), a.name, reason] for a, reason in invalid], size=7.8,
               aligns=("CENTER", "LEFT", "LEFT"))


GANTT_LABEL_W = 62.0
GANTT_ROW_H = 8.2


class GanttScale:
    """Dates of the fiscal year to millimetres; dates outside it are clipped to its ends."""

    def __init__(self, year: int, x0: float, width: float) -> None:
        self.year, self.x0, self.width = year, x0, width
        self.first, self.last = date(year, 1, 1), date(year, 12, 31)
        self.days = (self.last - self.first).days + 1

    def x(self, d: date) -> float:
        clipped = min(max(d, self.first), self.last + timedelta(days=1))
        return self.x0 + self.width * (clipped - self.first).days / self.days

    def month_start(self, m: int) -> date:
        """The first day of month `m` (1–13, 13 = January of the next year)."""
        return date(self.year + (m == 13), 1 if m == 13 else m, 1)


def _gantt_legend(pdf: Informe, drawable: list[ReportActivity]) -> None:
    y = pdf.get_y()
    pdf.set_x(MARGIN)
    for key in SEMAFORO_KEYS:
        if any(a.semaforo == key for a in drawable):
            pdf.font(7.5, "B", semaforo_text_rgb(key))
            label = f"{SEMAFORO_ICONS[key]} {SEMAFORO_WORDS[key]}"
            pdf.cell(pdf.get_string_width(label) + 5, 5, label)
    pdf.set_fill_color(*PLANNED)
    pdf.rect(pdf.get_x(), y + 1.5, 2, 2, style="F")
    pdf.set_x(pdf.get_x() + 3)
    pdf.font(7.5, "", MUTED)
    pdf.cell(30, 5, "Mes programado")
    pdf.set_y(y + 7)


def _gantt_chunk(pdf: Informe, chart: GanttScale, rows: list[ReportActivity], top: float,
                 as_of: date) -> None:
    """The month axis, the grid, one row per activity, then the fecha de corte line on top."""
    pdf.font(7, "B", MUTED)
    for m in range(1, 13):
        x0, x1 = chart.x(chart.month_start(m)), chart.x(chart.month_start(m + 1))
        pdf.set_xy(x0, top)
        pdf.cell(x1 - x0, 4, MONTH_ABBR[m - 1], align="C")
    grid_top = top + 5
    bottom = grid_top + len(rows) * GANTT_ROW_H
    for i in range(1, len(rows), 2):
        pdf.set_fill_color(*ZEBRA)
        pdf.rect(MARGIN, grid_top + i * GANTT_ROW_H, pdf.epw, GANTT_ROW_H, style="F")
    pdf.set_draw_color(*RULE)
    pdf.set_line_width(0.15)
    for m in range(1, 14):
        x = chart.x(chart.month_start(m))
        pdf.line(x, grid_top, x, bottom)
    pdf.line(chart.x0, bottom, chart.x0 + chart.width, bottom)
    pdf.set_line_width(0.2)
    for i, a in enumerate(rows):
        _gantt_row(pdf, chart, a, grid_top + i * GANTT_ROW_H)
    if chart.first <= as_of <= chart.last:
        x = chart.x(as_of + timedelta(days=1))  # the end of the day of the corte
        pdf.set_draw_color(*MARK)
        pdf.set_line_width(0.4)
        with pdf.local_context():
            pdf.set_dash_pattern(dash=1.2, gap=0.8)
            pdf.line(x, grid_top - 1, x, bottom + 1)
        pdf.set_line_width(0.2)
        pdf.font(6.5, "B", MARK)
        label = f"Corte {fmt_date(as_of)}"
        label_w = pdf.get_string_width(label) + 2
        pdf.set_xy(min(x - label_w / 2, pdf.w - MARGIN - label_w), bottom + 1)
        pdf.cell(label_w, 4, label, align="C")
    pdf.set_y(bottom + 6)


def _gantt_row(pdf: Informe, chart: GanttScale, a: ReportActivity, y: float) -> None:
    assert a.start is not None and a.end is not None
    pdf.font(6.8)
    label = wrap(pdf, a.title, GANTT_LABEL_W - 5, 2)
    for k, line in enumerate(label):
        pdf.set_xy(MARGIN, y + (GANTT_ROW_H - 3.2 * len(label)) / 2 + k * 3.2)
        pdf.cell(GANTT_LABEL_W - 4, 3.2, line)
    bx0, bx1 = chart.x(a.start), chart.x(a.end + timedelta(days=1))
    pdf.set_fill_color(*semaforo_rgb(a.semaforo))
    pdf.rect(bx0, y + 1.2, max(bx1 - bx0, 0.8), 3.8, style="F")
    text = pct(a.real_pct)
    pdf.font(6.5, "B", TEXT if a.semaforo == "amarillo" else (255, 255, 255))
    if bx1 - bx0 > pdf.get_string_width(text) + 2:
        pdf.set_xy(bx0, y + 1.2)
        pdf.cell(bx1 - bx0, 3.8, text, align="C")
    else:  # a short bar: the % beside it
        pdf.font(6.5, "B", TEXT)
        after = bx1 + 15 < chart.x0 + chart.width
        pdf.set_xy(bx1 + 0.8 if after else bx0 - 14.8, y + 1.2)
        pdf.cell(14, 3.8, text, align="L" if after else "R")
    pdf.font(6.5, "B", TEXT)
    if a.start < chart.first:
        pdf.set_xy(chart.x0 - 3.5, y + 1.2)
        pdf.cell(3.5, 3.8, "◂", align="C")
    if a.end > chart.last:
        pdf.set_xy(chart.x0 + chart.width, y + 1.2)
        pdf.cell(3.5, 3.8, "▸", align="C")
    pdf.set_fill_color(*PLANNED)
    for month in a.months_planned:
        if 1 <= month <= 12:
            mx = chart.x(date(chart.year, month, 15))
            pdf.rect(mx - 1, y + 5.7, 2, 2, style="F")


# -- 5. budget ------------------------------------------------------------------------------------


def _money_cell(value: float) -> str:
    """An EAEPE amount; a negative one in parentheses, as the CONAC writes it: «($3,000.00)»."""
    return f"({money(-value)})" if value < 0 else money(value)


# The EAEPE as the CONAC publishes it, then the director's working columns («Control interno»).
EAEPE_OFFICIAL = ("aprobado", "ampliaciones_netas", "modificado", "devengado", "pagado",
                  "subejercicio")
EAEPE_CONTROL = ("comprometido", "ejercido", "disponible")
EAEPE_KEYS = (*EAEPE_OFFICIAL, *EAEPE_CONTROL)
EAEPE_HEADINGS = ("Partida", "Nombre en el POA (clasificador)", "Aprobado",
                  "Amplia-\nciones/\n(Reduc-\nciones)", "Modificado", "Devengado", "Pagado",
                  "Subejercicio", "Compro-\nmetido", "Ejercido", "Disponible", "%\nejercido")
OVERSPENT_WORD = "⚠ Sobregirada"
OVERSPENT_TEXT = (164, 22, 26)  # #a4161a: 5.9:1 on its fill, 7.7:1 on white
OVERSPENT_FILL = (248, 215, 218)
CONTROL_FILL = (238, 241, 244)  # the «Control interno» columns, set apart
OFFICIAL_HEAD_FILL = (223, 232, 240)
GROUP_RULE = (93, 109, 110)


def _eaepe_row(r: ReportBudgetRow) -> list[str]:
    total = r.partida == "TOTAL"
    name = r.name
    if r.official_name and r.official_name != r.name:
        name = f"{r.name}\n({r.official_name})"
    if r.overspent and not total:
        name += f"\n{OVERSPENT_WORD}: excede {money(r.excess)}"
    over = " ⚠" if r.overspent and not total else ""
    return ["Total" if total else r.partida, "" if total else name,
            *[_money_cell(getattr(r, k)) for k in EAEPE_KEYS], pct(r.pct_ejercido) + over]


def _eaepe_widths(pdf: Informe, rows: list[list[str]]) -> tuple[tuple[float, ...], float]:
    """The columns' widths and the font size: the amount columns as wide as the widest amount
    (in bold, as in the total row), so that millions never wrap. The name column keeps at least
    42 mm; when the amounts do not fit beside it, the table's font shrinks until they do."""
    size, code_w, pct_w, name_min, pad = 7.0, 12.5, 17.5, 42.0, 3.2
    amounts = len(EAEPE_KEYS)
    pdf.font(size, "B")
    widest = max(pdf.get_string_width(text) for row in rows for text in row[2:2 + amounts])
    room = (pdf.epw - code_w - pct_w - name_min) / amounts
    if widest + pad <= room:
        money_w = widest + pad  # the rest goes to the names, on fewer lines
    else:
        money_w, size = room, max(4.5, size * (room - pad) / widest)
    widths = (code_w, pdf.epw - code_w - amounts * money_w - pct_w, *([money_w] * amounts),
              pct_w)
    return widths, size


def _eaepe_table(pdf: Informe) -> None:
    """The EAEPE with two heading rows: «Formato CONAC (EAEPE)» over its six columns, then
    «Control interno» over the director's four, set apart by their tint and a rule. An
    overspent partida's row is red and says «⚠ Sobregirada» and by how much."""
    data = pdf.data
    rows = [_eaepe_row(r) for r in data.budget_rows] + [_eaepe_row(data.budget_total)]
    widths, size = _eaepe_widths(pdf, rows)
    first_control = 2 + len(EAEPE_OFFICIAL)
    over = {i for i, r in enumerate(data.budget_rows) if r.overspent}
    total = len(rows) - 1
    head = FontFace(emphasis="BOLD", fill_color=HEAD_FILL, color=TEXT, size_pt=min(size, 6.8))
    pdf.font(size)
    pdf.set_fill_color(*ZEBRA)
    top, page = pdf.get_y(), pdf.page_no()
    with pdf.table(
        col_widths=widths, width=pdf.epw, align="LEFT",
        text_align=("LEFT", "LEFT", *(["RIGHT"] * (len(widths) - 2))),
        headings_style=head, line_height=size * 0.48, padding=(0.9, 1.1),
        cell_fill_mode=TableCellFillMode.ROWS, cell_fill_color=ZEBRA, v_align="MIDDLE",
        repeat_headings=1, num_heading_rows=2, first_row_as_headings=True,
    ) as table:
        groups = table.row()
        groups.cell("", colspan=2)
        groups.cell("FORMATO CONAC (EAEPE)", colspan=len(EAEPE_OFFICIAL), align="CENTER",
                    style=FontFace(emphasis="BOLD", fill_color=OFFICIAL_HEAD_FILL, color=TEXT,
                                   size_pt=min(size, 6.8)))
        groups.cell("CONTROL INTERNO", colspan=len(EAEPE_CONTROL) + 1, align="CENTER")
        heading = table.row()
        for text in EAEPE_HEADINGS:
            heading.cell(text, align="CENTER")
        for i, values in enumerate(rows):
            row = table.row(style=FontFace(emphasis="BOLD") if i == total else None)
            for j, text in enumerate(values):
                style = None
                if i in over:
                    style = FontFace(emphasis="BOLD" if j in (1, len(values) - 1) else None,
                                     color=OVERSPENT_TEXT, fill_color=OVERSPENT_FILL)
                elif j >= first_control and i != total:
                    style = FontFace(fill_color=CONTROL_FILL)
                row.cell(clip(pdf, text, widths[j] - 3, CELL_LINES), style=style)
    # The rule between the two groups, when the table stayed on one page.
    if pdf.page_no() == page:
        x = MARGIN + sum(widths[:first_control])
        pdf.set_draw_color(*GROUP_RULE)
        pdf.set_line_width(0.6)
        pdf.line(x, top, x, pdf.get_y())
        pdf.set_line_width(0.2)
        pdf.set_draw_color(*RULE)
    pdf.ln(2)


def _budget(pdf: Informe) -> None:
    """The EAEPE on a landscape letter page: its twelve columns need the width."""
    data = pdf.data
    total = data.budget_total
    pdf.section(5, "Ejercicio del presupuesto", new_page=True, orientation="landscape")
    pdf.paragraph(
        "Estado Analítico del Ejercicio del Presupuesto de Egresos (EAEPE) por partida, con los "
        f"movimientos hasta la fecha de corte {fmt_date(data.as_of)}. Formato CONAC: modificado = "
        "aprobado + ampliaciones − reducciones; subejercicio = modificado − devengado. Control "
        "interno (sombreado): disponible = modificado − comprometido; % ejercido = ejercido / "
        f"modificado; {OVERSPENT_WORD} = ejercido mayor que el modificado. Sus hallazgos están "
        "en la sección 7.", 8.5, MUTED, height=4.2)
    pdf.ln(1)
    over = [r for r in data.budget_rows if r.overspent]
    pdf.paragraph(
        f"Modificado {money(total.modificado)} · Devengado {money(total.devengado)} · "
        f"Subejercicio {_money_cell(total.subejercicio)} · Ejercido {money(total.ejercido)} "
        f"({pct(total.pct_ejercido)} del modificado)", 9.5, style="B", height=5.5)
    if over:
        pdf.paragraph(
            "Partidas sobregiradas: " + "; ".join(
                f"{r.partida} ({pct(r.pct_ejercido)}, excede {money(r.excess)})" for r in over),
            9.5, OVERSPENT_TEXT, style="B", height=5.5)
    pdf.ln(2)
    _eaepe_table(pdf)
    if data.budget_rows:
        pdf.subtitle("Ejercido contra modificado por partida")
        _budget_bars(pdf)


def _budget_findings(pdf: Informe) -> None:
    """The budget's findings, at the end of section 7 (the EAEPE keeps its landscape page)."""
    data = pdf.data
    pdf.subtitle("Hallazgos del presupuesto")
    # Notices (a partida's name in the POA is not the catalogue's) are already visible in the
    # table, where the official name goes in parentheses; the Excel report lists them all.
    shown = [f for f in data.budget_findings if f.severity != "info"]
    notices = len(data.budget_findings) - len(shown)
    if shown:
        _table(pdf, (24, 44, pdf.epw - 68), ("Severidad", "Código", "Mensaje"),
               [[f.severity_word, f.code, f.message] for f in shown], size=7.5)
    else:
        pdf.paragraph("Sin errores ni advertencias en los movimientos hasta la fecha de corte.", 9)
    if notices:
        pdf.paragraph(
            f"Además, {notices} aviso{'s' if notices != 1 else ''} de nombre de partida distinto "
            "del oficial del Clasificador por Objeto del Gasto (el nombre oficial va entre "
            "paréntesis en la tabla del EAEPE).", 8, MUTED, height=4)


def _budget_bars(pdf: Informe) -> None:
    data = pdf.data
    label_w, value_w = 80, 48
    bar_w = pdf.epw - label_w - value_w
    scale = max([max(r.modificado, r.ejercido) for r in data.budget_rows] + [1.0])
    for r in data.budget_rows:
        if pdf.will_page_break(7):
            pdf.add_page()
        y = pdf.get_y()
        pdf.font(7.5)
        pdf.set_xy(MARGIN, y)
        pdf.cell(label_w, 5, fit(pdf, f"{r.partida} {r.name}", label_w - 2))
        pdf.set_fill_color(*TRACK)
        pdf.rect(MARGIN + label_w, y + 0.8, bar_w * max(r.modificado, 0) / scale, 3.4,
                 style="F")
        pdf.set_fill_color(*(semaforo_rgb("rojo") if r.overspent else semaforo_rgb(None)))
        pdf.rect(MARGIN + label_w, y + 1.6, bar_w * max(r.ejercido, 0) / scale, 1.8, style="F")
        pdf.set_xy(MARGIN + label_w + bar_w + 1, y)
        pdf.font(7, "B" if r.overspent else "", OVERSPENT_TEXT if r.overspent else TEXT)
        pdf.cell(value_w - 1, 5, f"{pct(r.pct_ejercido)} ejercido" +
                 (f" {OVERSPENT_WORD}" if r.overspent else ""), align="R")
        pdf.set_y(y + 6)
    pdf.paragraph("Barra gris clara: presupuesto modificado; barra oscura: ejercido (roja y con "
                  f"«{OVERSPENT_WORD}» si pasa del modificado).", 7.5, MUTED, height=4)


# -- 6. alignment, 7. findings --------------------------------------------------------------------


def _alignment(pdf: Informe) -> None:
    data = pdf.data
    pdf.section(6, ALIGNMENT_TITLE, new_page=True)  # back to portrait
    if data.alignment_note:
        pdf.font(8.5)
        pdf.paragraph(clip(pdf, data.alignment_note, pdf.epw - 2, PARAGRAPH_LINES), 8.5, MUTED,
                      height=4.2)
        pdf.ln(1)
    if not data.alignment_gaps:
        pdf.paragraph(ALIGNMENT_EMPTY, 9.5)
        return
    for gap in data.alignment_gaps:
        pdf.font(9)
        pdf.set_x(MARGIN)
        pdf.cell(5, 5, "•")
        pdf.multi_cell(pdf.epw - 5, 5, clip(pdf, gap, pdf.epw - 7, PARAGRAPH_LINES),
                       new_x=XPos.LMARGIN, new_y=YPos.NEXT)


def _findings(pdf: Informe) -> None:
    data = pdf.data
    pdf.section(7, "Hallazgos de calidad de datos", new_page=False, room=70)
    pdf.paragraph(
        f"{data.findings_total} hallazgos en esta versión a la fecha de corte. La ubicación "
        "indica la hoja y la celda del libro donde corregirlo.", 9)
    pdf.ln(1)
    pdf.font(9.5, "B")
    pdf.cell(0, 6, " · ".join(f"{SEVERITY_PLURALS[s]}: {n}" for s, n in data.severity_counts),
             new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(1)
    if data.code_counts:
        pdf.subtitle("Por código")
        _table(pdf, (44, pdf.epw - 44 - 26 - 16, 26, 16),
               ("Código", "Qué significa", "Severidad", "Cuántos"),
               [[c.code, c.title, {"error": "Error", "warning": "Advertencia",
                                   "info": "Aviso"}.get(c.severity, c.severity), str(c.count)]
                for c in data.code_counts],
               size=7.8, aligns=("LEFT", "LEFT", "LEFT", "RIGHT"))
    pdf.subtitle("Errores")
    if not data.errors:
        pdf.paragraph("Ninguno.", 9)
        return
    _table(pdf, (36, 11, 30, pdf.epw - 77), ("Código", "Nº", "Ubicación", "Mensaje"),
           [[f.code, str(f.activity) if f.activity is not None else (f.partida or "—"),
             f.where or "—", f.message] for f in data.errors],
           size=7.5, aligns=("LEFT", "CENTER", "LEFT", "LEFT"))


# -- 7. findings followed up across versions --------------------------------------------------------


def _objects(items) -> str:
    """«2, 3, 6 (2)» for activities, «3761» for partidas, «POA» for findings of the whole POA."""
    counts: dict[str, int] = {}
    for f in items:
        name = str(f.activity) if f.activity is not None else (f.partida or "POA")
        counts[name] = counts.get(name, 0) + 1
    return ", ".join(name + (f" ({n})" if n > 1 else "") for name, n in counts.items())


def _followup(pdf: Informe) -> None:
    """The open findings (nuevos and persistentes) with their age, one row per code and age with
    the activities or partidas it touches, then the aclaraciones written on them. A first
    version has only new findings, all counted in «Por código»: one line says so, and the table
    is left out (the report keeps its pages)."""
    follow = pdf.data.followup
    if follow is None:
        return
    if follow.first and not any(f.notes for f in follow.open):
        pdf.ln(1)
        pdf.paragraph(follow.sentence, 9)
        return
    pdf.subtitle("Seguimiento desde la versión anterior")
    pdf.paragraph(follow.sentence, 9)
    if not follow.first:
        pdf.paragraph(
            "Cuentan los hallazgos registrados al guardar cada versión: el mismo código en la "
            "misma actividad o partida es el mismo hallazgo. Abierto desde la versión en que "
            "apareció sin interrupción hasta esta; los días, entre las fechas de revisión de esas "
            "versiones.", 8, MUTED, height=4)
        pdf.ln(1)
        _open_findings(pdf)
    _aclaraciones(pdf)


def _open_findings(pdf: Informe) -> None:
    follow = pdf.data.followup
    if not follow.open:
        pdf.paragraph("Ningún hallazgo abierto en esta versión.", 9)
        return
    groups: dict[tuple, list] = {}
    for f in follow.open:
        groups.setdefault((f.severity, f.code, f.since_number, f.age), []).append(f)
    order = sorted(groups, key=lambda g: (SEVERITY_ORDER.get(g[0], 3), g[2], g[1]))
    rows = [[groups[g][0].severity_word, g[1], _objects(groups[g]), g[3][:1].upper() + g[3][1:]]
            for g in order]
    pdf.subtitle(f"Hallazgos abiertos y su antigüedad ({len(follow.open)})")
    _table(pdf, (22, 42, pdf.epw - 22 - 42 - 50, 50),
           ("Severidad", "Código", "Actividades o partidas", "Abierto"), rows, size=7.5)


def _aclaraciones(pdf: Informe) -> None:
    """The aclaraciones that apply to the version, once per finding (code and activity or
    partida)."""
    noted: dict[tuple, object] = {}
    for f in pdf.data.followup.open:
        if f.notes:
            noted.setdefault((f.code, f.activity, f.partida), f)
    if noted:
        pdf.subtitle(f"Aclaraciones de las áreas ({len(noted)})")
        _table(pdf, (42, 14, 40, pdf.epw - 96), ("Código", "Nº", "Abierto", "Aclaración"),
               [[f.code, str(f.activity) if f.activity is not None else (f.partida or "—"),
                 f.age[:1].upper() + f.age[1:], "\n".join(f.notes)] for f in noted.values()],
               size=7.5, aligns=("LEFT", "CENTER", "LEFT", "LEFT"))


def report_pdf(data: ReportData) -> bytes:
    """The Informe para cabildo of `data` as the bytes of a letter-size PDF."""
    pdf = Informe(data)
    _cover(pdf)
    _summary(pdf)
    _activity_table(pdf)
    _gauges(pdf)
    _gantt(pdf)
    _budget(pdf)
    _alignment(pdf)
    _findings(pdf)
    _followup(pdf)
    _budget_findings(pdf)
    return bytes(pdf.output())
