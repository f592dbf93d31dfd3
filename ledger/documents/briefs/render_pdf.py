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
        raise BriefError("msg.brief.no_chromium", path=chromium)
    with tempfile.TemporaryDirectory(prefix="sentinel-brief-") as folder:
        page, pdf = Path(folder) / "brief.html", Path(folder) / "brief.pdf"
        page.write_text(to_html(brief), encoding="utf-8")
        try:
            done = subprocess.run([str(chromium), *CHROMIUM_ARGS, f"--user-data-dir={Path(folder) / 'profile'}",
                                   f"--print-to-pdf={pdf}", page.as_uri()],
                                  capture_output=True, timeout=TIMEOUT_SECONDS)
        except subprocess.TimeoutExpired:
            raise BriefError("msg.brief.pdf_slow", seconds=TIMEOUT_SECONDS) from None
        if done.returncode != 0 or not pdf.exists() or pdf.stat().st_size == 0:
            raise BriefError("msg.brief.pdf_failed", code=done.returncode)
        return pdf.read_bytes()
