"""The explorer's filter form: every filter an analyst needs beyond the global ones, each kept in
the URL as codes so that a pasted link gives the same rows (?grade=I,II&demand=wage_arrears&q=搬迁).
"""
from __future__ import annotations

import streamlit as st

from ledger import geo, reference
from ledger.i18n import t
from ledger.schema import ACTION_FORM, DEMAND, GRADE, OWNERSHIP, PLACE_PRECISION, SOURCE, STATUS
from queries import Filters
from queries.slices import SORTS, SliceFilters
from ui.shell import codes_among, keep_in_url, one_of, url_value


def _whole_number(raw: str) -> int:
    value = int(raw)
    if value < 0:
        raise ValueError(raw)
    return value


def _options(global_filters: Filters, lang: str) -> dict[str, dict[str, str]]:
    """code → label for every list filter; counties and divisions follow the global choices."""
    units = set(global_filters.units) or {u.code for u in geo.units()}
    sections = set(global_filters.industries)
    grades = {g: GRADE.label(g, lang) for g in GRADE.codes} | {"none": t("grade.none", lang)}
    return {
        "counties": {c.code: f"{geo.unit_by_code()[c.unit_code].short_zh if lang == 'zh' else geo.unit_name(c.unit_code, lang)}"
                              f" · {c.name(lang)}" for c in geo.counties() if c.unit_code in units},
        "place_precisions": {c: PLACE_PRECISION.label(c, lang) for c in PLACE_PRECISION.codes},
        "sub_industries": {i.code: f"{i.code} {i.name(lang)}" for i in reference.industries()
                           if i.level == "division" and (not sections or i.section in sections)},
        "ownerships": {c: OWNERSHIP.label(c, lang) for c in OWNERSHIP.codes},
        "grades": grades,
        "demands": {c: DEMAND.label(c, lang) for c in DEMAND.codes},
        "action_forms": {c: ACTION_FORM.label(c, lang) for c in ACTION_FORM.codes},
        "sources": {c: SOURCE.label(c, lang) for c in SOURCE.codes},
        "statuses": {c: STATUS.label(c, lang) for c in STATUS.codes},
    }


# field → URL key, for the list filters, in the order they are drawn
LIST_KEYS = {"counties": "county", "place_precisions": "precision", "sub_industries": "sub", "ownerships": "own", "grades": "grade",
             "demands": "demand", "action_forms": "action", "sources": "source", "statuses": "status"}
FLAG_KEYS = {"collective_only": "coll", "overdue_only": "overdue", "proactive_only": "proactive"}


def slice_form(global_filters: Filters, lang: str) -> tuple[SliceFilters, str, bool]:
    """Draw the form; return the filters, the sort column and whether the sort is descending."""
    options = _options(global_filters, lang)
    values: dict = {}
    keyword_column, sort_column, direction_column = st.columns([3, 1, 1])
    values["keyword"] = keyword_column.text_input(
        t("explorer.keyword", lang), key="slice_q", value=url_value("q", str, ""),
        placeholder=t("explorer.keyword.placeholder", lang), max_chars=100) or None
    sort = sort_column.selectbox(t("explorer.sort", lang), SORTS, key="slice_sort",
                                 index=SORTS.index(url_value("sort", one_of(SORTS), "captured_at")),
                                 format_func=lambda s: t(f"explorer.sort.{s}", lang))
    descending = direction_column.segmented_control(
        t("explorer.direction", lang), ["desc", "asc"], key="slice_desc", required=True,
        default=url_value("dir", one_of(["desc", "asc"]), "desc"),
        format_func=lambda d: t(f"explorer.direction.{d}", lang)) != "asc"

    with st.expander(t("explorer.more_filters", lang), expanded=False, icon=":material/filter_list:"):
        grid = st.columns(4)
        for i, (field, url_key) in enumerate(LIST_KEYS.items()):
            labels = options[field]
            values[field] = tuple(grid[i % 4].multiselect(
                t(f"explorer.filter.{field}", lang), list(labels), format_func=labels.get, key=f"slice_{field}",
                default=[c for c in url_value(url_key, codes_among(labels), []) if c in labels],
                placeholder=t("explorer.any", lang)))
        union_column, low_column, high_column, flags_column = st.columns(4)
        union_choice = union_column.selectbox(
            t("explorer.filter.union_present", lang), ["any", "yes", "no"], key="slice_union",
            index=["any", "yes", "no"].index(url_value("union", one_of(["yes", "no"]), "any")),
            format_func=lambda c: t("explorer.any", lang) if c == "any" else t(f"value.{c}", lang))
        values["union_present"] = None if union_choice == "any" else union_choice == "yes"
        values["min_participants"] = low_column.number_input(
            t("explorer.filter.min_participants", lang), min_value=0, step=10, key="slice_pmin",
            value=url_value("pmin", _whole_number, None))
        values["max_participants"] = high_column.number_input(
            t("explorer.filter.max_participants", lang), min_value=0, step=10, key="slice_pmax",
            value=url_value("pmax", _whole_number, None))
        for field, url_key in FLAG_KEYS.items():
            values[field] = flags_column.toggle(t(f"explorer.filter.{field}", lang), key=f"slice_{field}",
                                                value=url_value(url_key, one_of(["1"]), None) == "1")

    filters = SliceFilters(**values)
    keep_in_url(
        q=filters.keyword, sort=None if sort == "captured_at" else sort, dir=None if descending else "asc",
        union=None if filters.union_present is None else ("yes" if filters.union_present else "no"),
        pmin=None if filters.min_participants is None else str(filters.min_participants),
        pmax=None if filters.max_participants is None else str(filters.max_participants),
        **{url_key: ",".join(getattr(filters, field)) or None for field, url_key in LIST_KEYS.items()},
        **{url_key: "1" if getattr(filters, field) else None for field, url_key in FLAG_KEYS.items()},
    )
    return filters, sort, descending


def describe(global_filters: Filters, filters: SliceFilters, lang: str) -> dict[str, str]:
    """The filters in words, for the "filters used" sheet of a download."""
    options = _options(global_filters, lang)
    units = "、".join(geo.unit_name(u, lang) for u in global_filters.units) or t("app.units_all", lang)
    sections = reference.industry_by_code()
    lines = {
        t("app.window", lang): f"{global_filters.since} – {global_filters.until}",
        t("app.units", lang): units,
        t("app.industries", lang): "、".join(sections[c].name(lang) for c in global_filters.industries)
                                   or t("app.industries_all", lang),
    }
    for field, value in filters.chosen().items():
        label = t(f"explorer.filter.{field}", lang) if field != "keyword" else t("explorer.keyword", lang)
        if field in options:
            lines[label] = "、".join(options[field].get(code, code) for code in value)
        elif field == "union_present":
            lines[label] = t("value.yes" if value else "value.no", lang)
        elif isinstance(value, bool):
            lines[label] = t("export.yes", lang)
        else:
            lines[label] = str(value)
    return lines
