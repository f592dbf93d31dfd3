"""Who is using this browser session, decided once per run before any page draws.

In order: a wall screen's token in its URL; no users file (the demo on this machine only, or a
real ledger on a network declared closed, which every page then says); a reverse proxy's
authenticated header; the union's identity provider through Streamlit's `st.login`; otherwise
a sign-in form with lock-out. Every sign-in, failure and lock-out goes to the audit log.
"""
from __future__ import annotations

import logging
import os
from datetime import timedelta

import streamlit as st

from ledger.access import audit
from ledger.access import (CLOSED_NETWORK_USER, DEMO_USER, UNKNOWN_ADDRESS, AccessError, Directory, SignInGuard, User,
                           client_address, is_demo_ledger, is_loopback, load_directory, trusted_networks)
from ledger.config import load_settings
from ledger.i18n import t
from ledger.store import now_shanghai
from ui.plain_text import plain

_SESSION_KEY = "_signed_in"
log = logging.getLogger("sentinel")


def _peer() -> str | None:
    """The connection's own address; None for this machine (and in AppTest, which runs in-process
    and has no connection).

    Streamlit serves through uvicorn, which by itself replaces that address with X-Forwarded-For's
    whenever the peer is among FORWARDED_ALLOW_IPS (loopback unless set). Sentinel starts it with
    FORWARDED_ALLOW_IPS empty (SERVER_ENV: `make run`, docs/operations.md, the tests) and decides
    itself, in client_address. Started otherwise, a request carrying the header has an address
    nobody can vouch for: unknown, never this machine."""
    address = st.context.ip_address
    if st.context.headers.get("X-Forwarded-For") and os.environ.get("FORWARDED_ALLOW_IPS") != "":
        log.warning("X-Forwarded-For received but FORWARDED_ALLOW_IPS is not empty: the browser's address "
                    "is unknown (start Streamlit as docs/operations.md says)")
        return UNKNOWN_ADDRESS
    return address if isinstance(address, str) else None


def client_ip() -> str | None:
    """The browser's address (None for this machine), read through trusted proxies only: the one
    answer for the demo's local-only check, the audit log and the sign-in limits."""
    return client_address(_peer(), st.context.headers.get("X-Forwarded-For"), trusted_networks(load_settings()))


def _stop(message: str) -> None:
    st.error(message, icon=":material/lock:")
    st.stop()


def _identity_provider_configured() -> bool:
    """True when `.streamlit/secrets.toml` has an [auth] section for st.login (docs/operations.md)."""
    try:
        return "auth" in st.secrets
    except Exception:  # noqa: BLE001 — no secrets file at all is the usual case
        return False


def _from_session(settings, directory: Directory) -> User | None:
    """The signed-in user, checked against the users file on every run: a user removed, or given
    another role or unit, is signed out on their next click rather than when the session expires."""
    signed = st.session_state.get(_SESSION_KEY)
    if signed is None:
        return None
    user, since = signed
    if now_shanghai() - since > timedelta(hours=settings.session_hours):
        del st.session_state[_SESSION_KEY]
        st.info(t("auth.expired", "zh"), icon=":material/schedule:")
        return None
    now = directory.find(user.username)
    if now is None or (now.role, now.unit_code) != (user.role, user.unit_code):
        del st.session_state[_SESSION_KEY]
        audit.record(settings, "session_ended", user.username, ip=client_ip(), reason="account removed or changed")
        st.info(t("auth.revoked", "zh"), icon=":material/person_off:")
        return None
    return now  # with the name and e-mail as the file has them now


def wall_token_revoked() -> bool:
    """True when this session came in with a wall token that the users file no longer holds.
    The wall redraws itself in a fragment, which never reruns `current_user`: it asks this on
    every refresh, so a revoked token stops the screen within one refresh."""
    token = st.query_params.get("token")
    return bool(token) and load_directory(load_settings()).wall_user(token) is None


def sign_in_form(lang: str) -> None:
    """Draw the form; on the right password keep the user in the session and rerun. The caller
    has registered the pages before this draws (app.py), so the browser already knows the page
    the link asked for when the form is sent, and the rerun opens that page, not the default."""
    settings = load_settings()
    guard = SignInGuard(settings, load_directory(settings))
    st.title(t("auth.heading", lang))
    with st.form("sign_in", border=True, width=420):
        username = st.text_input(t("auth.username", lang), max_chars=64)
        password = st.text_input(t("auth.password", lang), type="password", max_chars=256)
        submitted = st.form_submit_button(t("auth.submit", lang), type="primary")
    if _identity_provider_configured():
        st.button(t("auth.oidc", lang), on_click=st.login, icon=":material/badge:")
    if not submitted:
        return
    client = client_ip()
    result = guard.sign_in(username, password, address=client)
    if result.user is None:
        locked = result.reason in ("locked", "address_locked")
        audit.record(settings, "locked_out" if locked else "sign_in_failed", username.strip(), ip=client,
                     **({"reason": result.reason} if locked else {}))
        message = (t(f"auth.{result.reason}", lang, until=result.locked_until.strftime("%H:%M")) if locked
                   else t("auth.bad_credentials", lang))
        st.error(message, icon=":material/lock:")
        return
    audit.record(settings, "sign_in", result.user.username, ip=client, role=result.user.role.code)
    st.session_state[_SESSION_KEY] = (result.user, now_shanghai())
    st.rerun()


def current_user(lang: str) -> User | None:
    """The user of this session, or None when they must sign in with the form (`sign_in_form`).
    A refusal (bad token, a real ledger without users) is drawn and stops the run."""
    settings = load_settings()
    try:
        directory = load_directory(settings)
    except AccessError as error:
        _stop(error.text(lang))
    token = st.query_params.get("token")
    if token:
        user = directory.wall_user(token)
        if user is None:
            audit.record(settings, "access_denied", "wall-token", ip=client_ip(), reason="bad token")
            _stop(t("auth.bad_token", lang))
        return user
    if directory.path is None:
        if settings.closed_network:
            return CLOSED_NETWORK_USER
        if not is_demo_ledger(settings):
            _stop(t("auth.refuse_real_ledger", lang))
        if not is_loopback(client_ip()):
            _stop(t("auth.demo_local_only", lang))
        return DEMO_USER
    if settings.trusted_header:
        name = st.context.headers.get(settings.trusted_header)
        user = directory.find(name or "")
        if user is None:
            _stop(t("auth.proxy_unknown", lang))
        return user
    if getattr(st.user, "is_logged_in", False):
        user = directory.by_email(st.user.get("email", ""))
        if user is None:
            _stop(t("auth.oidc_unknown", lang))
        return user
    return _from_session(settings, directory)


def sign_out_button(user: User, lang: str) -> None:
    # The two built-in users are named in the page's language; a real user's name is data, shown as written.
    name = {DEMO_USER: t("auth.demo_user", lang), CLOSED_NETWORK_USER: t("auth.closed_network_user", lang)}.get(
        user, plain(user.name or user.username))
    st.sidebar.caption(t("auth.signed_in_as", lang, name=name, role=user.role.label(lang)))
    if _SESSION_KEY in st.session_state and st.sidebar.button(t("auth.sign_out", lang), icon=":material/logout:"):
        audit.record(load_settings(), "sign_out", user.username)
        del st.session_state[_SESSION_KEY]
        st.rerun()
