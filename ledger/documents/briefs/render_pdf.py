"""A brief as PDF: the HTML brief printed by headless Chromium, the browser the browser tests
already need (Debian's `chromium`; `SENTINEL_CHROMIUM` names another). Printing our own HTML
keeps one layout for screen and paper and uses the system's CJK fonts as they are; fpdf2 would
be a second layout to keep in step with the HTML (tables, wrapping, fonts embedded by hand), and
weasyprint needs Pango from the system. See docs/decisions.md.

Chromium stamps its own creation date into the PDF, so a PDF's text and images are reproducible
but not its bytes; the Word and HTML briefs are reproducible to the byte.
"""
from __future__ import annotations

import os
import subprocess
import tempfile
from pathlib import Path

from ledger.documents.briefs.content import Brief, BriefError
from ledger.documents.briefs.render_html import to_html

DEFAULT_CHROMIUM = "/usr/bin/chromium"
# No network, no first-run work, no updates: the intranet server prints offline.
CHROMIUM_ARGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--no-pdf-header-footer")
TIMEOUT_SECONDS = 120


def chromium_path() -> Path:
    return Path(os.environ.get("SENTINEL_CHROMIUM") or DEFAULT_CHROMIUM)


def pdf_available() -> bool:
    return chromium_path().exists()


def to_pdf(brief: Brief) -> bytes:
    chromium = chromium_path()
    if not chromium.exists():
        raise BriefError(f"未找到 Chromium 浏览器（{chromium}），无法生成 PDF 简报：请安装 chromium"
                         "（apt-get install chromium）或用环境变量 SENTINEL_CHROMIUM 指明其位置；也可改为生成 Word 或 HTML 简报。")
    with tempfile.TemporaryDirectory(prefix="sentinel-brief-") as folder:
        page, pdf = Path(folder) / "brief.html", Path(folder) / "brief.pdf"
        page.write_text(to_html(brief), encoding="utf-8")
        try:
            done = subprocess.run([str(chromium), *CHROMIUM_ARGS, f"--user-data-dir={Path(folder) / 'profile'}",
                                   f"--print-to-pdf={pdf}", page.as_uri()],
                                  capture_output=True, timeout=TIMEOUT_SECONDS)
        except subprocess.TimeoutExpired:
            raise BriefError(f"Chromium 在 {TIMEOUT_SECONDS} 秒内未能生成 PDF，请稍后重试，或改为生成 Word 或 HTML 简报。") from None
        if done.returncode != 0 or not pdf.exists() or pdf.stat().st_size == 0:
            raise BriefError(f"Chromium 未能生成 PDF（退出码 {done.returncode}），请改为生成 Word 或 HTML 简报，"
                             "并将此情况告知系统管理员。")
        return pdf.read_bytes()
