"""Ledger text inside Markdown elements (st.error, st.markdown) as plain text.

Streamlit renders no raw HTML without unsafe_allow_html, but Markdown itself can still make a
title into a link or an image that the browser fetches from outside. Escaping every Markdown
punctuation character that can start a link, an image, emphasis, code, a heading, a table or
one of Streamlit's directives (`:red[…]`, `:material/…:`) keeps a title like `![x](http://…)` or
`**urgent**` exactly as written. Line breaks become spaces, so `.`, `-` and `+` start a list only
at the very beginning: they are escaped there and left as they are elsewhere (a file name or a
period reads in the page's source as it is shown).

Markdown also turns bare addresses into links (GFM autolinks: http://…, www.…, name@host), and a
backslash does not stop it. A word joiner (U+2060, invisible) after the scheme, inside `www.` and
before `@` breaks the autolink while the text reads the same.
"""
import re

_MARKDOWN = re.compile(r"([\\`*_{}\[\]()#!|<>~$:])")
_LIST_MARKER = re.compile(r"^(\s*\d*)([-+.)])(?=\s|$)")
_AUTOLINK = re.compile(r"(?i)(https?|ftp|mailto|www)(?=\\?[:.])|(?=@)")
_WORD_JOINER = "\u2060"


def plain(text: str | None) -> str:
    """`text` on one line with every Markdown-active character backslash-escaped."""
    escaped = _MARKDOWN.sub(r"\\\1", text or "").replace("\n", " ")
    escaped = _LIST_MARKER.sub(r"\1\\\2", escaped)
    return _AUTOLINK.sub(lambda m: (m.group(1) or "") + _WORD_JOINER, escaped)
