"""台账查询 Explorer: any slice of the ledger, a page at a time, one item in full, and downloads of
exactly that slice (CSV, Excel, Parquet). The URL holds every filter, the sort and the page, so a
pasted link gives the same rows. Ledger text is shown only in tables and plain text, never as
Markdown or HTML."""
import math

import polars as pl
import streamlit as st

from ledger.access import audit
from ledger.documents import export
from ledger.config import load_settings
from ledger.i18n import t
from ledger.schema import column_label
from queries import q
from ui.shell import context, current_user, keep_in_url, scope_label, url_value
from ui.slice_form import describe, slice_form
from ui.tables import enum_label, grade_label, item_timeline, place_label, suffix
from ui.plain_text import plain

PAGE_SIZE = 50

ctx = context()
lang = ctx.lang
user = current_user()

st.title(t("explorer.heading", lang))
st.caption(t("explorer.caption", lang, since=ctx.filters.since, until=ctx.filters.until, scope=scope_label(ctx)))

filters, sort, descending = slice_form(ctx.filters, lang)
params = {**ctx.filters.params(), **filters.params(), "now": ctx.now, "sort": sort, "descending": descending}

first = q("ledger_slice", ctx.scope, limit=PAGE_SIZE, offset=0, **params)
total = first["total_n"][0] if first.height else 0
pages = max(1, math.ceil(total / PAGE_SIZE))
count_column, page_column = st.columns([3, 1])
count_column.subheader(t("explorer.count", lang, n=f"{total:,}"))
page_number = page_column.number_input(t("explorer.page", lang, pages=pages), min_value=1, max_value=pages, step=1,
                                       key="slice_page", value=min(pages, url_value("page", int, 1)))
keep_in_url(page=None if page_number == 1 else str(page_number))
rows = first if page_number == 1 else q("ledger_slice", ctx.scope, limit=PAGE_SIZE,
                                        offset=(page_number - 1) * PAGE_SIZE, **params)

if total == 0:
    st.info(t("explorer.empty", lang))
    st.stop()

s = suffix(lang)
table = rows.select(
    pl.col("captured_at").dt.strftime("%Y-%m-%d %H:%M").alias(column_label("captured_at", lang)),
    place_label(lang).alias(t("col.place", lang)),
    pl.col("title").alias(t("col.title", lang)),
    pl.col("enterprise").alias(t("col.enterprise", lang)),
    pl.col(f"industry_name_{s}").alias(t("col.industry", lang)),
    grade_label(lang).alias(t("col.grade", lang)),
    pl.col("participants_text").alias(t("col.participants", lang)),
    enum_label("status", "status", lang).alias(t("col.status", lang)),
    pl.col("overdue").fill_null(False).alias(t("col.overdue", lang)),
).with_columns(pl.col(pl.String).fill_null("—"))
picked = st.dataframe(table, hide_index=True, width="stretch", height=38 + 35 * min(15, table.height),
                      on_select="rerun", selection_mode="single-row", key="slice_table", column_config={
                          t("col.title", lang): st.column_config.Column(width=340),
                          t("col.enterprise", lang): st.column_config.Column(width=220),
                          t("col.overdue", lang): st.column_config.CheckboxColumn(width=60)})

# --- downloads: built only when clicked, from exactly this slice ------------------------------
meta = {**describe(ctx.filters, filters, lang),
        t("explorer.meta.sort", lang): f"{t(f'explorer.sort.{sort}', lang)} {t('explorer.direction.desc' if descending else 'explorer.direction.asc', lang)}",
        t("export.meta.snapshot", lang): ctx.snapshot.snapshot_id}  # the file adds its rows and export time
# The file's name says every filter in force (the window as dates at its end), so two downloads of
# different slices never look alike in a folder.
chosen = [value for key, value in describe(ctx.filters, filters, lang).items() if key != t("app.window", lang)]


def download(fmt: str) -> bytes:
    """Built only when the button is clicked, from exactly this slice, and written to the audit log."""
    if not user.role.download:  # the button is not drawn for such roles; refuse all the same
        raise PermissionError("role may not download")
    rows = q("ledger_slice", ctx.scope, limit=None, offset=0, **params)
    audit.record(load_settings(), "download", user.username, format=fmt, rows=rows.height,
                 snapshot=ctx.snapshot.snapshot_id, filters=meta)
    return export.to_bytes(rows, fmt, meta, lang)


if user.role.download:
    st.markdown(f"**{t('explorer.download', lang, n=f'{total:,}')}**")
    for column, fmt in zip(st.columns(3), export.FORMATS):
        column.download_button(
            t(f"explorer.download.{fmt}", lang), data=lambda fmt=fmt: download(fmt),
            file_name=export.export_file_name(t("explorer.file", lang), *chosen, ctx.filters.since, ctx.filters.until,
                                              fmt=fmt),
            mime=export.MIME[fmt], key=f"download_{fmt}", icon=":material/download:", width="stretch",
            on_click="ignore")
else:
    st.caption(t("auth.no_download", lang))

# --- one item in full ----------------------------------------------------------------------
selected = picked.selection.rows if picked is not None else []
if not selected:
    st.caption(t("explorer.select_hint", lang))
else:
    item = rows.row(selected[0], named=True)
    st.subheader(t("explorer.detail", lang, item_id=plain(item["item_id"])))
    if user.role.verify and "events" in user.role.pages:  # a large or complex dispute: report it in stages
        st.page_link("app_pages/events.py", label=t("events.open_from_item", lang), icon=":material/campaign:",
                     query_params={"new": item["item_id"]})
    shown = export.readable_frame(rows.slice(selected[0], 1), lang).row(0, named=True)
    fields_column, history_column = st.columns([2, 1], gap="large")
    # one column of values of every type (text, numbers, times): shown as text, so Polars does
    # not refuse a column mixing them
    values = ["—" if value is None else str(value) for value in shown.values()]
    fields_column.dataframe(pl.DataFrame({t("col.field", lang): list(shown), t("col.value", lang): values},
                                         schema={t("col.field", lang): pl.String, t("col.value", lang): pl.String}),
                            hide_index=True, width="stretch", height=38 + 35 * 14)
    history_column.markdown(f"**{t('explorer.history', lang)}**")
    history_column.dataframe(item_timeline(item, ctx.scope, lang), hide_index=True, width="stretch")
