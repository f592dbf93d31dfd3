"""Saving a Word document so that the same content gives the same bytes: the briefs, the
assessment notice and the early warning promise that the same snapshot gives the same file, but
python-docx stamps the package's members with the current time. All three stamp everything with
the moment the data describes (or the day the warning is issued).
"""
from __future__ import annotations

import io
import zipfile
from datetime import datetime, timezone

from docx.document import Document

from ledger.store import SHANGHAI


def save_reproducibly(document: Document, as_of: datetime) -> bytes:
    """`document` as .docx bytes, its created, modified and printed times and every zip member's
    time set to `as_of` (naive Asia/Shanghai, as the ledger's times are; Word stores UTC)."""
    properties = document.core_properties
    properties.created = properties.modified = properties.last_printed = \
        as_of.replace(tzinfo=SHANGHAI).astimezone(timezone.utc)
    buffer = io.BytesIO()
    document.save(buffer)
    source = zipfile.ZipFile(io.BytesIO(buffer.getvalue()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            member = zipfile.ZipInfo(info.filename, date_time=as_of.timetuple()[:6])
            member.compress_type = zipfile.ZIP_DEFLATED
            member.external_attr = info.external_attr
            target.writestr(member, source.read(info.filename))
    return out.getvalue()
