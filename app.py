"""Sentinel (哨岗): the Streamlit entry point. It sets up the page, the language, the global
filters and the navigation, then runs the chosen page inside a guard that turns any failure
into a calm message (details go to the server log, never to a leader's screen).

Run with `make run` (or `streamlit run app.py`). Pages are listed in PAGES; later issues add
theirs there. `?mode=wall` (or `make wall`) shows the command room's wall screen instead.
"""
import gc
from pathlib import Path

import streamlit as st
from streamlit.runtime.scriptrunner_utils.exceptions import ScriptControlException

from ledger.access import CLOSED_NETWORK_USER
from ledger.config import load_settings
from ledger.store import remove_leftovers
from ledger.i18n import t
from ui import auth, shell

WALL = st.query_params.get("mode") == "wall"  # the command room's screen: no sidebar, no menus
st.set_page_config(page_title="哨岗 Sentinel", page_icon=str(Path(__file__).parent / "ui" / "static" / "favicon.png"),
                   layout="wide", initial_sidebar_state="collapsed" if WALL else "auto")

PAGES = [
    # (file, i18n title key, icon, url path)
    ("app_pages/overview.py", "page.overview", ":material/dashboard:", "overview"),
    ("app_pages/map.py", "page.map", ":material/map:", "map"),
    ("app_pages/verification.py", "page.verification", ":material/task_alt:", "verification"),
    ("app_pages/verify.py", "page.verify", ":material/fact_check:", "verify"),
    ("app_pages/triage.py", "page.triage", ":material/move_location:", "triage"),
    ("app_pages/reconcile.py", "page.reconcile", ":material/rule:", "reconcile"),
    ("app_pages/scores.py", "page.scores", ":material/leaderboard:", "scores"),
    ("app_pages/grades.py", "page.grades", ":material/verified:", "grades"),
    ("app_pages/trends.py", "page.trends", ":material/trending_up:", "trends"),
    ("app_pages/explorer.py", "page.explorer", ":material/table_view:", "explorer"),
    ("app_pages/hazards.py", "page.hazards", ":material/warning:", "hazards"),
    ("app_pages/events.py", "page.events", ":material/campaign:", "events"),
    ("app_pages/admin.py", "page.admin", ":material/admin_panel_settings:", "admin"),
    ("app_pages/import.py", "page.import", ":material/upload_file:", "import"),
]


# The sidebar's filters each page honours; the others draw none (their choices are kept).
PAGE_FILTERS = {"overview": shell.GLOBAL_FILTERS, "map": shell.GLOBAL_FILTERS, "verification": shell.GLOBAL_FILTERS,
                "trends": shell.GLOBAL_FILTERS, "explorer": shell.GLOBAL_FILTERS,
                "verify": frozenset({"units", "industries"}), "events": frozenset({"units"})}


def to_first_page(pages: list[st.Page]):
    """The app's root address ("/") as a hidden default page that opens the first listed page,
    keeping the link's filters.

    Streamlit serves its default page at "/" only: marked default, the overview would answer
    "Page not found" at /overview, the address its own menu entry, a bookmark or a pasted link
    uses. So no listed page is the default, and every page keeps its own address."""
    def home() -> None:
        st.switch_page(pages[0], query_params=st.query_params.to_dict())
    return st.Page(home, url_path="home", default=True, visibility="hidden")


def run_guarded(navigation, warnings_at=None) -> None:
    try:
        navigation.run()
    except ScriptControlException:
        raise  # st.rerun / st.stop / st.switch_page are control flow, not failures
    except Exception as error:  # noqa: BLE001 — the guard exists to catch everything
        shell.show_error(shell.language_from_url(), error)
    shell.show_link_warnings(warnings_at)  # what the page itself read wrong from the link


@st.cache_resource(show_spinner=False)
def clean_leftovers(data_dir: str) -> int:
    """Once per server and data folder: remove what a killed ingest, build or upload left."""
    removed = remove_leftovers(load_settings(data_dir))
    if removed:
        shell.log.info("removed %d leftover temporary files and folders", len(removed))
    return len(removed)


@st.cache_resource(show_spinner=False)
def freeze_imported_objects() -> None:
    """Once per server: put what the imports made in the garbage collector's permanent generation.
    Streamlit collects garbage after every run (runner.postScriptGC) and so walks every object the
    process holds, with the GIL held: 50–100 ms of each run here, nearly all of it the modules' own
    objects, which live as long as the server. Frozen, they are no longer walked; what the runs
    make is still collected."""
    gc.collect()
    gc.freeze()


clean_leftovers(str(load_settings().data_dir))
freeze_imported_objects()
lang = shell.language_from_url()
user = auth.current_user(lang)
if user is None:
    # Register the pages before the form draws: the browser then knows the link's page when the
    # form is sent. Sent before that, the sign-in would open the default page instead.
    pages = [st.Page(path, url_path=url) for path, _, _, url in PAGES]
    st.navigation([to_first_page(pages), *pages], position="hidden")
    auth.sign_in_form(lang)
    st.stop()
shell.set_user(user)
if user is CLOSED_NETWORK_USER:
    st.warning(t("auth.closed_network", lang), icon=":material/shield:")

if WALL or user.role.code == "wall":
    if not WALL:  # a wall token opens the wall screen and nothing else
        st.error(t("auth.wall_only", lang), icon=":material/lock:")
        st.stop()
    # The wall page reads its own data and recovers by itself, even when there is no snapshot yet.
    run_guarded(st.navigation([st.Page("app_pages/wall.py", title=t("page.wall", lang), url_path="wall",
                                       default=True)], position="hidden"))
else:
    warnings_at = st.sidebar.container()  # a wrong link is said above the language switch, as it used to be
    lang = shell.language()
    shell.streamlit_in_language(lang)
    allowed = [page for page in PAGES if page[3] in user.role.pages]
    pages = {url: st.Page(path, title=t(title_key, lang), icon=icon, url_path=url) for path, title_key, icon, url in allowed}
    # every page listed: folded, Streamlit adds an English "View N more"
    navigation = st.navigation([to_first_page(list(pages.values())), *pages.values()], expanded=True)
    # The root draws the first page's filters, as that page will: drawn without them, the first
    # change of a filter after opening "/" was lost (a browser test chooses a city there).
    chosen = next((url for url, page in pages.items() if page is navigation), None)
    auth.sign_out_button(user, lang)
    if shell.render_sidebar(lang, PAGE_FILTERS.get(chosen or next(iter(pages)), frozenset())) is not None:
        if chosen is not None:  # the root switches pages at once: its warnings are said by the page it opens
            shell.show_link_warnings(warnings_at)  # before the page, which may stop (st.stop draws nothing more)
        run_guarded(navigation, warnings_at)
