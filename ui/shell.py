"""What every page shares: language, global filters kept in the URL, the "data as of" stamp,
and a calm Chinese message instead of a stack trace.

app.py calls `render_sidebar()` once per run and stores the result; pages call `context()`.
The filters live in the URL query string as codes (`?since=2026-05-01&until=2026-10-31&unit=
440300,441900&ind=C&lang=en`), so a pasted link reproduces the view in either language. We sync
by hand rather than with Streamlit's `bind="query-params"`, which writes the displayed label
(`unit=珠海市`) and so makes a link depend on the language it was made in.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

import streamlit as st

from ledger import geo, reference
from ledger.config import load_settings
from ledger.hazards.saved import warm_soon
from ledger.i18n import t
from ledger.store import Snapshot, now_shanghai
from ledger.access import User
from queries import Filters, NoSnapshot, Scope, snapshot
from ui.plain_text import plain

log = logging.getLogger("sentinel")
_CONTEXT_KEY = "_sentinel_context"
_SESSION_VALUES = "_initial_from_url"  # key -> this session's value: from the link, then as chosen
_URL_WRITTEN = "_url_written"  # the URL's values as this session last wrote or read them
GLOBAL_FILTERS = frozenset({"window", "units", "industries"})
_USER_KEY = "_sentinel_user"
_LINK_WARNINGS = "_sentinel_link_warnings"


@dataclass(frozen=True)
class PageContext:
    lang: str
    filters: Filters
    scope: Scope
    now: datetime
    snapshot: Snapshot


def url_value(key: str, parse, fallback, widget: str | None = None):
    """This session's starting value for widget `key`: the URL's `?key=` if valid, else `fallback`
(and, once the page is drawn, a warning that the link was wrong: show_link_warnings).

    Read once per session and then passed as the widget's default, which stays constant across
    reruns so that the user's later choices are kept.
    """
    initial = st.session_state.setdefault(_SESSION_VALUES, {})
    written = st.session_state.setdefault(_URL_WRITTEN, {})
    raw = st.query_params.get(key)
    # A link inside the app (st.page_link with query_params, e.g. 今日要务's) changes the URL
    # without the app having written it: its value then wins over the session's earlier one.
    linked = key in initial and raw is not None and raw != written.get(key)
    if key not in initial or linked:
        try:
            initial[key] = fallback if raw is None else parse(raw)
        except ValueError:
            st.session_state.setdefault(_LINK_WARNINGS, []).append(f"{key}={raw}")
            initial[key] = fallback
        if linked:  # the widget (keyed like the URL unless `widget` names it) starts from the link's value
            st.session_state.pop(widget or key, None)
        written[key] = raw
    return initial[key]


def remember(key: str, value) -> None:
    """Keep `value` as this session's value for `key`, so that a page that does not draw the
    filter (its widget then forgets its state) still has it, and draws it again from it."""
    st.session_state.setdefault(_SESSION_VALUES, {})[key] = value


def show_link_warnings(where=None) -> None:
    """Say once, in the sidebar (or `where`) and in the language the link asks for, which parts of
    the link this session was opened with were wrong. Called by app.py before the page runs (a page
    that calls st.stop draws nothing after it) and again after it (for what the page itself read),
    not while reading the link: the root address first switches to the first page, and a warning
    drawn in that run would vanish with it."""
    for detail in st.session_state.pop(_LINK_WARNINGS, []):
        (where or st.sidebar).warning(t("app.bad_link", language_from_url(), detail=plain(detail)))


def codes_among(allowed):
    def parse(raw: str) -> list[str]:
        codes = [code for code in raw.split(",") if code]
        if not set(codes) <= set(allowed):
            raise ValueError(raw)
        return codes
    return parse


def one_of(allowed):
    def parse(raw: str) -> str:
        if raw not in allowed:
            raise ValueError(raw)
        return raw
    return parse


def language_from_url() -> str:
    """zh or en from the URL alone, for places without the sidebar (the wall screen, the guard)."""
    return "en" if st.query_params.get("lang") == "en" else "zh"


def language() -> str:
    """zh (default) or en, chosen in the sidebar and kept in the URL as ?lang=en."""
    choice = st.sidebar.segmented_control(
        t("app.language"), options=["zh", "en"], key="lang", required=True,
        default=url_value("lang", one_of(["zh", "en"]), "zh"),
        format_func=lambda code: "中文" if code == "zh" else "English",
    )
    return choice or "zh"


_STREAMLIT_ZH = Path(__file__).parent / "static" / "streamlit-zh.css"


def streamlit_in_language(lang: str) -> None:
    """Streamlit's own hard-coded words (the uploader's button, "Select all", the dataframe
    toolbar's tooltips…) in Chinese for the Chinese interface, by the local stylesheet
    ui/static/streamlit-zh.css. Called once per run; a style-only st.html takes no space, and a
    run in English leaves it out, so switching back shows Streamlit's English again."""
    if lang == "zh":
        st.html(f"<style>{_STREAMLIT_ZH.read_text(encoding='utf-8')}</style>")


def _default_window(today: date) -> tuple[date, date]:
    return today - timedelta(days=load_settings().default_window_days - 1), today


def _window(lang: str, today: date, drawn: bool) -> tuple[date, date]:
    default = _default_window(today)
    since = url_value("since", date.fromisoformat, default[0], widget="window")
    until = url_value("until", date.fromisoformat, default[1], widget="window")
    picked = (st.sidebar.date_input(t("app.window", lang), value=(since, until), key="window", format="YYYY-MM-DD")
              if drawn else None)
    if isinstance(picked, (tuple, list)) and len(picked) == 2:  # else not drawn, or half-way through a range
        since, until = picked
        if since > until:
            st.sidebar.caption(t("app.window_reversed", lang))
            since, until = until, since
    remember("since", since)
    remember("until", until)
    return since, until


def _write_url(lang: str, filters: Filters, today: date) -> None:
    """Put the view into the URL as codes, leaving defaults out so that the default view's link
    keeps rolling with the calendar."""
    custom_window = (filters.since, filters.until) != _default_window(today)
    wanted = {
        "lang": lang if lang != "zh" else None,
        "since": filters.since.isoformat() if custom_window else None,
        "until": filters.until.isoformat() if custom_window else None,
        "unit": ",".join(filters.units) or None,
        "ind": ",".join(filters.industries) or None,
    }
    keep_in_url(**wanted)


def keep_in_url(**values: str | None) -> None:
    """Write a page's own choices into the URL (None removes a key), beside the global filters."""
    written = st.session_state.setdefault(_URL_WRITTEN, {})
    for key, value in values.items():
        written[key] = value
        if value is None:
            st.query_params.pop(key, None)
        elif st.query_params.get(key) != value:
            st.query_params[key] = value


def render_sidebar(lang: str, uses: frozenset[str] = GLOBAL_FILTERS) -> PageContext | None:
    """Draw the global filters the page `uses` (of GLOBAL_FILTERS) and the data stamp; None (with
    a message) when there is no data. Filters a page ignores are not drawn but kept, in the
    context and the URL, for the next page that uses them."""
    try:
        current = snapshot()
    except NoSnapshot:
        st.info(f"**{t('app.no_snapshot.title', lang)}**\n\n{t('app.no_snapshot.body', lang)}", icon=":material/info:")
        return None
    now = now_shanghai()
    warm_soon(current, now.date())  # a new snapshot's hazard screen starts on the first page anyone opens
    if uses:
        st.sidebar.header(t("app.filters", lang))
    since, until = _window(lang, now.date(), drawn="window" in uses)
    scope = current_scope()
    unit_names = {u.code: u.name(lang) for u in geo.units() if scope.units is None or u.code in scope.units}
    units = url_value("unit", codes_among(unit_names), [])
    if "units" in uses:
        units = st.sidebar.multiselect(t("app.units", lang), options=list(unit_names), key="unit", default=units,
                                       format_func=unit_names.get, placeholder=t("app.units_all", lang))
    section_names = {s.code: f"{s.code} {s.name(lang)}" for s in reference.sections()}
    industries = url_value("ind", codes_among(section_names), [])
    if "industries" in uses:
        industries = st.sidebar.multiselect(t("app.industries", lang), options=list(section_names), key="ind",
                                            default=industries, format_func=section_names.get,
                                            placeholder=t("app.industries_all", lang))
    remember("unit", units)
    remember("ind", industries)
    st.sidebar.caption(t("app.as_of", lang, created=current.manifest["created_at"].replace("T", " "),
                         snapshot=current.snapshot_id))
    filters = Filters(since=since, until=until, units=tuple(units), industries=tuple(industries))
    _write_url(lang, filters, today=now.date())
    page_context = PageContext(lang=lang, filters=filters, scope=scope, now=now, snapshot=current)
    st.session_state[_CONTEXT_KEY] = page_context
    return page_context


def set_user(user: User) -> None:
    st.session_state[_USER_KEY] = user


def current_user() -> User:
    return st.session_state[_USER_KEY]


def current_scope() -> Scope:
    """What the signed-in user may see, enforced by the query door: their units (all for most
    roles, one for a city officer) and whether personal data is shown or masked."""
    return Scope.of(current_user())


def context() -> PageContext:
    return st.session_state[_CONTEXT_KEY]


def current_time() -> datetime:
    """The time now, for a fragment that reruns on its own (the wall): the page context's `now`
    is the time of the page's last full run."""
    return now_shanghai()


def scope_label(page_context: PageContext) -> str:
    f, lang, scope = page_context.filters, page_context.lang, page_context.scope
    chosen = f.units or sorted(scope.units or ())
    units = "、".join(geo.unit_name(u, lang) for u in chosen) or t("app.units_all", lang)
    names = reference.industry_by_code()
    industries = "、".join(names[c].name(lang) for c in f.industries) or t("app.industries_all", lang)
    return f"{units} · {industries}"


def show_error(lang: str, error: Exception) -> None:
    """Log the details for the administrator; show the user a calm sentence."""
    log.exception("page failed", exc_info=error)
    st.error(f"**{t('app.error.title', lang)}**\n\n{t('app.error.body', lang)}", icon=":material/error:")
