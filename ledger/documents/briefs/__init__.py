"""Daily, weekly and monthly briefs (日报、周报、月报) in the form union leaders read: headline
figures with their change, new serious disputes, verification by unit, trends by industry and
region, hazard flags and open events, with charts, in Chinese; as Word, HTML or PDF.

`compose()` decides what a brief says (content.py); the renderers only lay it out. The same
snapshot, day and scope give the same document: see content.py for how.
"""
from __future__ import annotations

from ledger.documents.briefs.content import PERIODS, Brief, BriefError, compose, data_date
from ledger.documents.briefs.render_pdf import pdf_available
from ledger.i18n import t

FORMATS = ("docx", "html", "pdf")
MIME = {"docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "html": "text/html", "pdf": "application/pdf"}


def render(brief: Brief, fmt: str) -> bytes:
    """The brief as the bytes of a .docx, .html (UTF-8) or .pdf file. The renderers (python-docx,
    and matplotlib for the charts in compose) load when a brief is made: the overview, which
    only draws the button, would otherwise import them for every new session's first page."""
    if fmt == "docx":
        from ledger.documents.briefs.render_docx import to_docx
        return to_docx(brief)
    if fmt == "html":
        from ledger.documents.briefs.render_html import to_html
        return to_html(brief).encode("utf-8")
    if fmt == "pdf":
        from ledger.documents.briefs.render_pdf import to_pdf
        return to_pdf(brief)
    raise BriefError("msg.brief.format", formats=t("list.separator").join(FORMATS), fmt=fmt)


def file_name(kind: str, day, fmt: str) -> str:
    """哨岗日报_2026-11-24.docx: what the brief is and for which day, readable in a folder listing."""
    return t("doc.brief.file", kind=t(f"doc.brief.kind.{kind}"), day=day, fmt=fmt)


__all__ = ["FORMATS", "MIME", "PERIODS", "Brief", "BriefError", "compose", "data_date", "file_name",
           "pdf_available", "render"]
