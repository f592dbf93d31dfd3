"""The assessment as documents: the ranking table as a reader sees it, the ranking workbook (with
the period, the snapshot and the rules used) and the Word notice of the ranking and the units
commended (通报). The scores themselves are ledger.assessment.scoring's."""
from __future__ import annotations

import io

import polars as pl
import xlsxwriter
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Pt

from ledger.assessment.scoring import PARTS, Ranking, ScoringError, describe
from ledger.documents.wordfile import save_reproducibly
from ledger.i18n import t
from ledger.periods import Period

ISSUER = t("doc.issuer.province")
INDENT = "　　"  # two full-width spaces: the first line of a 公文 paragraph

SHOWN = ("rank", "name", "due_n", "on_time_n", "late_n", "median_days_late", "max_days_late", "unverified_n",
         "time_unknown_n",
         "timeliness_points", "completeness_pct", "completeness_points", "discrepancies_n", "accuracy_points",
         "proactive_n", "bonus_points", "total", "previous_total", "change", "commended")


def change_label(change: float | None) -> str:
    """▲ up, ▼ down, 0 unchanged, — when either period has no score."""
    if change is None:
        return "—"
    return f"▲{change:g}" if change > 0 else f"▼{-change:g}" if change < 0 else "0"


def table(ranking: Ranking, lang: str = "zh") -> pl.DataFrame:
    """The ranking as a reader sees it: headers in `lang`, the change as ▲/▼, commended as ✓. A
    partial ranking (not every unit) has no rank or commendation columns."""
    frame = ranking.frame.with_columns(
        name=pl.col("name_zh" if lang == "zh" else "name_en"),
        change=pl.col("change").map_elements(change_label, return_dtype=pl.String, skip_nulls=False),
        commended=pl.when(pl.col("commended")).then(pl.lit("✓")).otherwise(pl.lit("")))
    shown = [c for c in SHOWN if ranking.complete or c not in ("rank", "commended")]
    return frame.select(pl.col(c).alias(t(f"score.col.{c}", lang)) for c in shown)


def ranking_xlsx(ranking: Ranking, lang: str = "zh") -> bytes:
    """The ranking, and a sheet with the period, the snapshot and the rules used."""
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False})
    book.set_properties({"title": f"{ranking.period.label(lang)} {t('score.heading', lang)}",
                         "created": ranking.as_of})  # also the zip entries' time: same ranking, same bytes
    bold = book.add_format({"bold": True})
    sheet = book.add_worksheet(t("score.sheet.ranking", lang))
    frame = table(ranking, lang)
    for column, name in enumerate(frame.columns):
        sheet.write(0, column, name, bold)
        sheet.set_column(column, column, 14 if column == 1 else 10)
    for number, row in enumerate(frame.iter_rows(), start=1):
        for column, value in enumerate(row):
            if value is not None:
                sheet.write(number, column, value)
    sheet.freeze_panes(1, 2)
    rules = book.add_worksheet(t("score.sheet.rules", lang))
    rules.set_column(0, 0, 18)
    rules.set_column(1, 1, 100)
    lines = [(t("score.meta.period", lang), ranking.period.label(lang)),
             (t("score.meta.snapshot", lang), ranking.snapshot_id),
             (t("score.meta.as_of", lang), f"{ranking.as_of:%Y-%m-%d %H:%M}")]
    lines += [(t(f"score.part.{part}", lang), ranking.rules.weights[part]) for part in PARTS]
    lines += [(t("score.meta.rule", lang, n=n), text) for n, text in enumerate(describe(ranking.rules, lang), start=1)]
    for number, (label, value) in enumerate(lines):
        rules.write(number, 0, label, bold)
        rules.write(number, 1, value)
    book.close()
    return buffer.getvalue()


def notice_title(period: Period) -> str:
    return t("doc.ranking.title", period=period.label("zh"))


def notice_docx(ranking: Ranking, issuer: str = ISSUER) -> bytes:
    """The Word notice (通报) a provincial union issues: title, addressees, what was assessed and
    how, the ranking table, the commended units, the rules, issuer and date; the snapshot in the
    footer. Only for a complete ranking: a notice about some units would rank them wrongly."""
    if not ranking.complete:
        raise ScoringError("msg.scoring.whole_province")
    period, rules = ranking.period, ranking.rules
    document = Document()
    style = document.styles["Normal"]
    style.font.name = "SimSun"
    style.font.size = Pt(14)
    properties = document.core_properties
    properties.title, properties.author, properties.last_modified_by = notice_title(period), issuer, issuer
    properties.revision = 1
    heading = document.add_heading(notice_title(period), level=0)
    heading.alignment = WD_ALIGN_PARAGRAPH.CENTER
    document.add_paragraph(t("doc.ranking.addressees"))
    assessed = ranking.frame.filter(pl.col("total").is_not_null())
    document.add_paragraph(INDENT + t("doc.ranking.intro", period=period.label("zh"), first=period.first,
                                      last=period.last, units=assessed.height, due=int(ranking.frame["due_n"].sum())))
    document.add_heading("一、" + t("doc.ranking.section.results"), level=1)
    columns = ("rank", "name", "due_n", "timeliness_points", "completeness_points", "accuracy_points",
               "bonus_points", "total", "change")
    grid = document.add_table(rows=1, cols=len(columns))
    grid.style = "Table Grid"
    for cell, column in zip(grid.rows[0].cells, columns):
        cell.text = t(f"score.col.{column}")
    for row in ranking.frame.with_columns(name=pl.col("name_zh")).iter_rows(named=True):
        values = [row[c] for c in columns]
        values[-1] = change_label(row["change"])
        for cell, value in zip(grid.add_row().cells, values):
            cell.text = "—" if value is None else f"{value:g}" if isinstance(value, float) else str(value)
    document.add_paragraph(t("doc.ranking.note", previous=period.previous().label("zh")))
    document.add_heading("二、" + t("doc.ranking.section.commended"), level=1)
    commended = ranking.commended()
    if commended.is_empty():
        document.add_paragraph(INDENT + t("doc.ranking.commended_none", top=rules.commend_top,
                                          min_score=rules.commend_min_score))
    else:
        names = t("list.separator").join(commended["name_zh"])
        document.add_paragraph(INDENT + t("doc.ranking.commended", names=names, period=period.label("zh")))
    document.add_heading("三、" + t("score.rules"), level=1)
    for number, line in enumerate(describe(rules, "zh"), start=1):
        document.add_paragraph(f"{number}. {line}")
    signature = document.add_paragraph(t("doc.ranking.signature", issuer=issuer, day=ranking.as_of))
    signature.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    footer = document.sections[0].footer.paragraphs[0]
    footer.text = t("doc.source", snapshot=ranking.snapshot_id) + t("doc.ranking.as_of", as_of=ranking.as_of)
    footer.runs[0].font.size = Pt(9)
    return save_reproducibly(document, ranking.as_of)
