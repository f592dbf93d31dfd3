"""导入 Import: upload exports, see how each file is read, ingest with progress, read what
happened to every row, and download the quarantine to correct and import again. The rules live
in ledger.ingest; this page only draws."""
import tempfile
from pathlib import Path

import polars as pl
import streamlit as st

from ledger.config import load_settings
from ledger.i18n import t
from ledger.access import audit
from ledger.ingest import FORMATS, ReadError, ingest_files, preview
from ledger.ingest.headers import field_label
from ui.shell import context, current_user
from ui.plain_text import plain

UPLOAD_TYPES = ["xlsx", "xlsm", "xls", "ods", "csv", "tsv", "txt", "json", "jsonl", "ndjson"]

lang = context().lang
st.title(t("import.heading", lang))
st.caption(t("import.caption", lang))

uploads = st.file_uploader(t("import.upload", lang), type=UPLOAD_TYPES, accept_multiple_files=True, key="import_files")
left, right = st.columns(2)
fmt = left.selectbox(t("import.format", lang), FORMATS, format_func=lambda f: t(f"import.format.{f}", lang))
source = right.text_input(t("import.source", lang), help=t("import.source.help", lang)).strip() or None

if not uploads:
    st.info(t("import.empty", lang))
    st.stop()

# Uploads are kept under their own names: the journal archives the raw file as it was sent.
folder = Path(st.session_state.setdefault("import_folder", tempfile.mkdtemp(prefix="sentinel-import-")))
paths = []
for upload in uploads:
    path = folder / Path(upload.name).name
    path.write_bytes(upload.getvalue())
    paths.append(path)
    try:
        seen = preview(path, fmt)
    except ReadError as error:
        st.error(t("import.unreadable", lang, name=plain(upload.name), reason=plain(error.text(lang))))
        continue
    with st.expander(t("import.preview", lang, name=plain(upload.name), format=t(f"import.format.{seen.format}", lang),
                       encoding=seen.encoding or "Excel"), expanded=len(uploads) == 1):
        for table in seen.tables:
            st.caption(t("import.preview.table", lang, sheet=plain(table.sheet.name or upload.name),
                         row=table.header_row_number, n=len(table.fields)))
            st.dataframe(pl.DataFrame({t("import.col.header", lang): list(table.mapping()),
                                       t("import.col.field", lang): [field_label(f, lang) for f in table.mapping().values()]}),
                         hide_index=True)

dry, run = st.columns(2)
dry_run = dry.button(t("import.dry_run", lang), width="stretch")
if run.button(t("import.run", lang), type="primary", width="stretch") or dry_run:
    bar = st.progress(0.0, text=t("import.running", lang))
    done = ingest_files(load_settings(), paths, fmt=fmt, source=source, dry_run=dry_run,
                        progress=lambda step, fraction: bar.progress(min(fraction, 1.0), text=step.text(lang)))
    if not dry_run:
        audit.record(load_settings(), "import", current_user().username, files=[p.name for p in paths],
                     accepted=done.accepted, duplicates=done.duplicates, quarantined=done.quarantined,
                     updated=done.updated, outside=done.outside, warnings=len(done.warnings),
                     snapshot=done.snapshot_id)
    st.session_state["import_report"] = done

report = st.session_state.get("import_report")
if report is not None:
    outcomes = ("rows_read", "accepted", "duplicates", "updated", "outside", "quarantined")
    for name, column in zip(outcomes, st.columns(len(outcomes))):
        column.metric(t(f"import.{name}", lang), getattr(report, name), border=True)
    (st.success if report.balanced else st.error)(report.summary(lang))
    for failed in report.unreadable:
        st.error(t("import.unreadable", lang, name=plain(failed.name), reason=plain(failed.error.text(lang))))
    if report.dry_run:
        st.info(t("import.dry_run_done", lang))
    elif report.snapshot_id:
        st.caption(t("import.snapshot", lang, snapshot=report.snapshot_id))
    if report.problems:
        st.subheader(t("import.problems", lang))
        st.dataframe(pl.DataFrame({
            t("import.col.file", lang): [p.file for p in report.problems],
            t("import.col.sheet", lang): [p.sheet or "" for p in report.problems],
            t("import.col.row", lang): [p.row for p in report.problems],
            t("import.col.reason", lang): [p.reason[0 if lang == "zh" else 1] for p in report.problems],
        }), hide_index=True, width="stretch")
        st.download_button(t("import.download", lang), data=report.quarantine_xlsx(lang), file_name=t("msg.report.file.quarantine", lang),
                           mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    if report.warnings:
        st.subheader(t("import.warnings", lang, n=len(report.warnings)))
        st.dataframe(report.warnings_frame(lang).drop(t("import.col.sheet", lang)), hide_index=True, width="stretch")
        st.download_button(t("import.download_warnings", lang), data=report.warnings_xlsx(lang),
                           file_name=t("msg.report.file.warnings", lang),
                           mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    for kind, listed in (("outside_rows", report.outside_rows), ("skipped", report.skipped_lines)):
        if listed:
            with st.expander(t(f"import.{kind}", lang, n=len(listed))):
                st.dataframe(pl.DataFrame({t("import.col.file", lang): [n.file for n in listed],
                                           t("import.col.sheet", lang): [n.sheet or "" for n in listed],
                                           t("import.col.row", lang): [n.row for n in listed],
                                           t("import.col.reason", lang): [n.reason[0 if lang == "zh" else 1]
                                                                          for n in listed]}),
                             hide_index=True, width="stretch")
    notes = [n for f in report.files for n in f.notes]
    if notes:
        with st.expander(t("import.notes", lang, n=len(notes))):
            st.dataframe(pl.DataFrame({t("import.col.file", lang): [n.file for n in notes],
                                       t("import.col.row", lang): [n.row for n in notes],
                                       t("import.col.reason", lang): [n.reason[0] for n in notes]}),
                         hide_index=True, width="stretch")
