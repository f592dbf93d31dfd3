"""Ledger text inside Markdown elements (st.error, st.markdown) as plain text.

Streamlit renders no raw HTML without unsafe_allow_html, but Markdown itself can still make a
title into a link or an image that the browser fetches from outside. Escaping every Markdown
punctuation character keeps a title like `![x](http://…)` or `**urgent**` exactly as written.
"""
import re

_MARKDOWN = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:])")


def plain(text: str | None) -> str:
    return _MARKDOWN.sub(r"\\\1", text or "").replace("\n", " ")
