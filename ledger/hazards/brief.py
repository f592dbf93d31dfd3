"""The early-warning brief (预警信息) for selected flags, as Word and as HTML, in the form of a
Chinese official brief: title, date and issuing unit, numbered findings, and "建议措施" left blank
for the analyst to write (the screen finds; people decide what to do)."""
from __future__ import annotations

import html
from datetime import date, datetime, time

from ledger.hazards.flags import Flag, method_name
from ledger.i18n import t

TITLE = t("doc.warning.title")
ISSUER = t("doc.issuer.working_group")
IDS_LISTED = 8  # a finding names at most this many ledger items, then 等


def file_name(week: date, fmt: str) -> str:
    """预警信息_2026-11-23.docx: what the file is and for which week, readable in a folder listing."""
    return t("doc.warning.file", week=week.isoformat(), fmt=fmt)


def _finding(flag: Flag) -> str:
    return t("doc.warning.finding", finding=flag.sentence("zh"), method=method_name(flag.method), n=len(flag.item_ids),
             ids=t("list.separator").join(flag.item_ids[:IDS_LISTED]),
             more=t("doc.warning.finding.more") if len(flag.item_ids) > IDS_LISTED else "")


def _headings() -> tuple[str, str]:
    """一、预警事项 and 二、建议措施, the two parts of every warning: numbered here, as every document's
    headings are, so that the table holds the headings alone."""
    return "一、" + t("doc.warning.section.findings"), "二、" + t("doc.warning.section.measures")


def brief_docx(flags: list[Flag], week: date, snapshot_id: str, issued: date, issuer: str = ISSUER) -> bytes:
    # python-docx loads when a warning is written, not with the hazard page that offers it
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt

    from ledger.documents.wordfile import save_reproducibly

    document = Document()
    style = document.styles["Normal"]
    style.font.name = "SimSun"
    style.font.size = Pt(14)
    heading = document.add_heading(TITLE, level=0)
    heading.alignment = WD_ALIGN_PARAGRAPH.CENTER
    meta = document.add_paragraph(t("doc.warning.meta", issuer=issuer, issued=issued))
    meta.alignment = WD_ALIGN_PARAGRAPH.CENTER
    findings, measures = _headings()
    document.add_heading(findings, level=1)
    document.add_paragraph(t("doc.warning.intro", week=week, n=len(flags)))
    for number, flag in enumerate(flags, start=1):
        document.add_paragraph(f"{number}. {_finding(flag)}")
    document.add_heading(measures, level=1)
    for _ in range(3):
        document.add_paragraph("　　")
    footer = document.add_paragraph(t("doc.source", snapshot=snapshot_id))
    footer.runs[0].font.size = Pt(10)
    return save_reproducibly(document, datetime.combine(issued, time()))  # the same flags, the same file


def brief_html(flags: list[Flag], week: date, snapshot_id: str, issued: date, issuer: str = ISSUER) -> str:
    """A self-contained page (no scripts, no outside fonts); every text escaped, the ledger's and the
    table's alike."""
    items = "\n".join(f"<li>{html.escape(_finding(flag))}</li>" for flag in flags)
    title, findings, measures = (html.escape(text) for text in (TITLE, *_headings()))
    meta = html.escape(t("doc.warning.meta", issuer=issuer, issued=issued))
    intro = html.escape(t("doc.warning.intro", week=week, n=len(flags)))
    footer = html.escape(t("doc.source", snapshot=snapshot_id))
    return f"""<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>{title}</title>
<style>body{{font-family:"Noto Serif CJK SC","SimSun",serif;max-width:46em;margin:3em auto;line-height:1.9;font-size:16pt}}
h1{{text-align:center;color:#c8102e;font-size:24pt}}.meta{{text-align:center}}.blank{{min-height:6em;border-bottom:1px solid #999}}
footer{{font-size:10pt;color:#666;margin-top:3em}}</style></head>
<body><h1>{title}</h1><p class="meta">{meta}</p>
<h2>{findings}</h2><p>{intro}</p>
<ol>
{items}
</ol>
<h2>{measures}</h2><div class="blank"></div>
<footer>{footer}</footer></body></html>
"""
