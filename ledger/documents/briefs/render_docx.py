"""A brief as a Word document in the habits of a Chinese official brief (GB/T 9704 in spirit): red
centred title, issuer and date, 黑体 numbered headings, 仿宋 body, tables and charts in the text,
the data source in the page footer.

The file is reproducible to the byte: its core properties carry the brief's data time rather than
the moment of writing, and the package is re-zipped with that time on every member (python-docx
stamps the current time into the zip).
"""
from __future__ import annotations

import io
import itertools

from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

from ledger.documents.wordfile import save_reproducibly
from ledger.documents.briefs.content import Brief, Chart, Items, Table, Text
from ledger.i18n import t

BODY_FONT, HEADING_FONT = "FangSong", "SimHei"
RED, BLACK = RGBColor(0xC8, 0x10, 0x2E), RGBColor(0, 0, 0)
CHART_WIDTH = Cm(15.5)


def _font(target, name: str, size: float | None = None, bold: bool | None = None, colour=None) -> None:
    """Set a style's or run's font for Latin and for Chinese text alike (Word keeps the
    East Asian font apart: without it Chinese falls back to the theme's font)."""
    target.font.name = name
    target.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), name)
    if size is not None:
        target.font.size = Pt(size)
    if bold is not None:
        target.font.bold = bold
    if colour is not None:
        target.font.color.rgb = colour


def _centred(document, text: str, name: str, size: float, bold: bool = False, colour=None):
    paragraph = document.add_paragraph()
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _font(paragraph.add_run(text), name, size, bold, colour)
    return paragraph


def _table(document, block: Table) -> None:
    rows = (block.header, *block.all_rows)
    table = document.add_table(rows=len(rows), cols=len(block.header), style="Table Grid")
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for r, values in enumerate(rows):
        bold = r == 0 or (block.total is not None and r == len(rows) - 1)
        for c, value in enumerate(values):
            paragraph = table.cell(r, c).paragraphs[0]
            paragraph.alignment = WD_ALIGN_PARAGRAPH.LEFT if c == 0 else WD_ALIGN_PARAGRAPH.CENTER
            _font(paragraph.add_run(value), BODY_FONT, 10.5, bold=bold)
    document.add_paragraph()


def _block(document, block, figures: itertools.count) -> None:
    if isinstance(block, Text):
        document.add_paragraph(block.text).paragraph_format.first_line_indent = Pt(28)
    elif isinstance(block, Items):
        for number, text in enumerate(block.items, start=1):
            document.add_paragraph(f"{number}. {text}").paragraph_format.first_line_indent = Pt(28)
    elif isinstance(block, Table):
        _table(document, block)
    elif isinstance(block, Chart):
        picture = document.add_paragraph()
        picture.alignment = WD_ALIGN_PARAGRAPH.CENTER
        picture.add_run().add_picture(io.BytesIO(block.png), width=CHART_WIDTH)
        _centred(document, t("doc.brief.chart_caption", n=next(figures), caption=block.caption), BODY_FONT, 10.5)


def to_docx(brief: Brief) -> bytes:
    document = Document()
    normal = document.styles["Normal"]
    _font(normal, BODY_FONT, 14)
    normal.paragraph_format.line_spacing = 1.3
    heading = document.styles["Heading 1"]
    _font(heading, HEADING_FONT, 15, bold=False, colour=BLACK)
    heading.paragraph_format.space_before = Pt(12)
    _centred(document, brief.title, HEADING_FONT, 24, bold=True, colour=RED)
    _centred(document, brief.meta, BODY_FONT, 14)
    _centred(document, brief.subtitle, BODY_FONT, 12)
    figures = itertools.count(1)
    for section in brief.sections:
        document.add_heading(section.heading, level=1)
        for block in section.blocks:
            _block(document, block, figures)
    footer = document.sections[0].footer.paragraphs[0]
    _font(footer.add_run(brief.footer), BODY_FONT, 9)
    properties = document.core_properties
    properties.title, properties.author, properties.subject = brief.title, brief.issuer, brief.period.label()
    properties.keywords = t("doc.brief.keywords", snapshot=brief.snapshot_id)
    properties.last_modified_by, properties.revision = brief.issuer, 1
    return save_reproducibly(document, brief.as_of)
