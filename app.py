"""Sentinel (哨岗): the Streamlit entry point. It sets up the page, the language, the global
filters and the navigation, then runs the chosen page inside a guard that turns any failure
into a calm message (details go to the server log, never to a leader's screen).

Run with `make run` (or `streamlit run app.py`). Pages are listed in PAGES; later issues add
theirs there.
"""
from pathlib import Path

import streamlit as st
from streamlit.runtime.scriptrunner_utils.exceptions import ScriptControlException

from ledger.i18n import t
from ui import shell

st.set_page_config(page_title="哨岗 Sentinel", page_icon=str(Path(__file__).parent / "ui" / "static" / "favicon.png"), layout="wide")

PAGES = [
    # (file, i18n title key, icon, url path)
    ("pages/overview.py", "page.overview", ":material/dashboard:", "overview"),
    ("pages/import.py", "page.import", ":material/upload_file:", "import"),
]

lang = shell.language()
navigation = st.navigation([
    st.Page(path, title=t(title_key, lang), icon=icon, url_path=url, default=(i == 0))
    for i, (path, title_key, icon, url) in enumerate(PAGES)
])
if shell.render_sidebar(lang) is not None:
    try:
        navigation.run()
    except ScriptControlException:
        raise  # st.rerun / st.stop are control flow, not failures
    except Exception as error:  # noqa: BLE001 — the guard exists to catch everything
        shell.show_error(lang, error)
