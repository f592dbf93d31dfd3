"""The early-warning brief (预警信息) for selected flags, as Word and as HTML, in the form of a
Chinese official brief: title, date and issuing unit, numbered findings, and "建议措施" left blank
for the analyst to write (the screen finds; people decide what to do)."""
from __future__ import annotations

import html
from datetime import date, datetime, time

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Pt

from ledger.documents.wordfile import save_reproducibly
from ledger.hazards.screen import Flag, method_name

TITLE = "劳资纠纷隐患预警信息"
ISSUER = "广东省总工会劳资纠纷应急处置工作组"


def file_name(week: date, fmt: str) -> str:
    """预警信息_2026-11-23.docx: what the file is and for which week, readable in a folder listing."""
    return f"预警信息_{week.isoformat()}.{fmt}"


def _finding(flag: Flag) -> str:
    return f"{flag.sentence('zh')}（依据：{method_name(flag.method)}；涉及 {len(flag.item_ids)} 条台账记录：{'、'.join(flag.item_ids[:8])}" \
           f"{'等' if len(flag.item_ids) > 8 else ''}）"


def brief_docx(flags: list[Flag], week: date, snapshot_id: str, issued: date, issuer: str = ISSUER) -> bytes:
    document = Document()
    style = document.styles["Normal"]
    style.font.name = "SimSun"
    style.font.size = Pt(14)
    heading = document.add_heading(TITLE, level=0)
    heading.alignment = WD_ALIGN_PARAGRAPH.CENTER
    meta = document.add_paragraph(f"{issuer}　　{issued:%Y年%m月%d日}")
    meta.alignment = WD_ALIGN_PARAGRAPH.CENTER
    document.add_heading("一、预警事项", level=1)
    document.add_paragraph(f"经对{week:%Y年%m月%d日}所在周的劳资纠纷舆情台账进行隐患排查，发现以下 {len(flags)} 处风险苗头：")
    for number, flag in enumerate(flags, start=1):
        document.add_paragraph(f"{number}. {_finding(flag)}")
    document.add_heading("二、建议措施", level=1)
    for _ in range(3):
        document.add_paragraph("　　")
    footer = document.add_paragraph(f"数据来源：哨岗台账快照 {snapshot_id}")
    footer.runs[0].font.size = Pt(10)
    return save_reproducibly(document, datetime.combine(issued, time()))  # the same flags, the same file


def brief_html(flags: list[Flag], week: date, snapshot_id: str, issued: date, issuer: str = ISSUER) -> str:
    """A self-contained page (no scripts, no outside fonts); ledger text escaped."""
    findings = "\n".join(f"<li>{html.escape(_finding(flag))}</li>" for flag in flags)
    return f"""<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>{TITLE}</title>
<style>body{{font-family:"Noto Serif CJK SC","SimSun",serif;max-width:46em;margin:3em auto;line-height:1.9;font-size:16pt}}
h1{{text-align:center;color:#c8102e;font-size:24pt}}.meta{{text-align:center}}.blank{{min-height:6em;border-bottom:1px solid #999}}
footer{{font-size:10pt;color:#666;margin-top:3em}}</style></head>
<body><h1>{TITLE}</h1><p class="meta">{html.escape(issuer)}　　{issued:%Y年%m月%d日}</p>
<h2>一、预警事项</h2><p>经对{week:%Y年%m月%d日}所在周的劳资纠纷舆情台账进行隐患排查，发现以下 {len(flags)} 处风险苗头：</p>
<ol>
{findings}
</ol>
<h2>二、建议措施</h2><div class="blank"></div>
<footer>数据来源：哨岗台账快照 {html.escape(snapshot_id)}</footer></body></html>
"""
