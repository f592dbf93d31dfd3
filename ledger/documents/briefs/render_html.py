"""A brief as one self-contained HTML page: charts inlined as data: URIs, CSS inline, no scripts,
no outside fonts (the reader's own CJK fonts draw it), so it opens on an offline intranet, in a
mail client, or from a USB stick, and prints on A4. It is also what the PDF is printed from.

Every piece of ledger text is HTML-escaped, and a Content-Security-Policy forbids scripts and
any outside request, so a hostile title in the ledger can neither run nor call out.
"""
from __future__ import annotations

import base64
import html
import itertools

from ledger.documents.briefs.content import Brief, Chart, Items, Table, Text
from ledger.i18n import t

CSP = "default-src 'none'; img-src data:; style-src 'unsafe-inline'"
STYLE = """
@page{size:A4;margin:2cm 2cm 2.2cm}
body{font-family:"Noto Serif CJK SC","Source Han Serif SC","FangSong","SimSun",serif;color:#111;
  max-width:48em;margin:2.5em auto;padding:0 1em;line-height:1.8;font-size:13pt}
h1,h2,figcaption,table{font-family:"Noto Sans CJK SC","Source Han Sans SC","SimHei","Microsoft YaHei",sans-serif}
h1{text-align:center;color:#c8102e;font-size:22pt;margin:0 0 .3em;letter-spacing:.1em}
.meta{text-align:center;margin:0}.sub{text-align:center;margin:0 0 1.2em;color:#444;font-size:11pt}
header{border-bottom:2px solid #c8102e;padding-bottom:.6em;margin-bottom:1em}
h2{font-size:15pt;margin:1.4em 0 .4em;break-after:avoid}
p{text-indent:2em;margin:.4em 0}ol{margin:.4em 0 .4em 1em;padding-left:1.5em}li{margin:.25em 0}
table{border-collapse:collapse;margin:.6em auto;font-size:10.5pt;break-inside:avoid}
th,td{border:1px solid #888;padding:.25em .7em;text-align:center}th{background:#f2f2f2}
td:first-child,th:first-child{text-align:left}tr.total td{font-weight:bold}
figure{margin:1em 0;text-align:center;break-inside:avoid}figure img{max-width:100%;height:auto}
figcaption{font-size:10.5pt;color:#333}
footer{margin-top:2.5em;padding-top:.6em;border-top:1px solid #bbb;font-size:9.5pt;color:#555}
"""


def _e(text: str) -> str:
    return html.escape(str(text), quote=True)


def _table(block: Table) -> str:
    head = "".join(f"<th>{_e(h)}</th>" for h in block.header)
    rows = "\n".join("<tr>" + "".join(f"<td>{_e(value)}</td>" for value in row) + "</tr>" for row in block.rows)
    if block.total:
        rows += '\n<tr class="total">' + "".join(f"<td>{_e(value)}</td>" for value in block.total) + "</tr>"
    return f"<table>\n<thead><tr>{head}</tr></thead>\n<tbody>\n{rows}\n</tbody>\n</table>"


def _block(block, figures: itertools.count) -> str:
    if isinstance(block, Text):
        return f"<p>{_e(block.text)}</p>"
    if isinstance(block, Items):
        return "<ol>\n" + "\n".join(f"<li>{_e(item)}</li>" for item in block.items) + "\n</ol>"
    if isinstance(block, Table):
        return _table(block)
    if isinstance(block, Chart):
        source = "data:image/png;base64," + base64.b64encode(block.png).decode("ascii")
        caption = t("doc.brief.chart_caption", n=next(figures), caption=block.caption)
        return f'<figure><img src="{source}" alt="{_e(block.caption)}"><figcaption>{_e(caption)}</figcaption></figure>'
    raise TypeError(f"unknown block {block!r}")


def to_html(brief: Brief) -> str:
    figures = itertools.count(1)
    sections = "\n".join(
        f"<section>\n<h2>{_e(section.heading)}</h2>\n" + "\n".join(_block(b, figures) for b in section.blocks)
        + "\n</section>" for section in brief.sections)
    return f"""<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="{CSP}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{_e(brief.title)} {_e(brief.period.label())}</title>
<style>{STYLE}</style></head>
<body>
<header><h1>{_e(brief.title)}</h1>
<p class="meta">{_e(brief.meta)}</p>
<p class="sub">{_e(brief.subtitle)}</p></header>
{sections}
<footer>{_e(brief.footer)}</footer>
</body></html>
"""
