"""Who is using the app, decided once per script run: OIDC sign-in when it is configured, else a
local mode that is safe by construction (only this machine, or only the demo database).

With an ``[auth]`` section in ``.streamlit/secrets.toml`` every visitor signs in with the
municipality's identity provider (Streamlit's ``st.login``) and gets the role the ``[feltkart]``
section gives their e-mail (see :mod:`dashboard.access`); others are turned away. Without it, the
app serves a real database only on a loopback address (one person's own machine), and on any
other address only the demo database — and says which mode it is in.
"""

from __future__ import annotations

import streamlit as st

from dashboard import access, logs, queries
from dashboard.db import Database

LOOPBACK = ("127.0.0.1", "localhost", "::1")


def _secrets() -> dict:
    try:
        return {key: st.secrets[key] for key in st.secrets}
    except Exception:  # no secrets file at all
        return {}


def auth_configured() -> bool:
    return "auth" in _secrets()


def on_loopback() -> bool:
    return (st.get_option("server.address") or "") in LOOPBACK


def _log_once(actor: str | None, role: str | None, result: str) -> None:
    """One "signin" line per session and outcome (the app decides the user at every script run)."""
    seen = (actor, role, result)
    if st.session_state.get("_feltkart_signin_logged") != seen:
        st.session_state["_feltkart_signin_logged"] = seen
        logs.event("signin", actor=actor, role=role, result=result)


def establish(db: Database, t) -> None:
    """Set the acting user and role for this run, or stop the run with an explanation."""
    secrets = _secrets()
    if "auth" in secrets:
        if not st.user.is_logged_in:
            st.title("Feltkart")
            st.write(t("signin.please"))
            st.button(t("signin.login"), on_click=st.login, type="primary")
            st.stop()
        # Roles are granted by e-mail address, so an address the provider itself calls unverified
        # (email_verified false, or "false" as some providers send it) proves nothing: no role.
        verified = str(st.user.get("email_verified", "")).strip().lower() != "false"
        role = access.role_for(st.user.get("email"), secrets.get("feltkart", {})) if verified else None
        if role is None:
            _log_once(st.user.get("email"), None, "no_access" if verified else "unverified")
            st.error(t("signin.no_access", email=st.user.get("email") or "?"))
            st.button(t("signin.logout"), on_click=st.logout)
            st.stop()
        access.set_acting(str(st.user.get("email")), role)
        _log_once(str(st.user.get("email")), role, "signed_in")
        st.sidebar.caption(t("signin.as", email=st.user.get("email"), role=access.ROLE_LABELS[role]["nb"]))
        st.sidebar.button(t("signin.logout"), on_click=st.logout, key="signin_logout")
        return
    if on_loopback():
        access.set_acting("lokal bruker", "admin")
        _log_once("lokal bruker", "admin", "local")
        st.sidebar.info(t("signin.local"), icon=":material/lock:")
        return
    if int(queries.run(db, "real_imports").iloc[0]["imports"]):
        _log_once(None, None, "refused_open_address")
        st.error(t("signin.refused"))
        st.stop()
    access.set_acting("demo", "admin")
    _log_once("demo", "admin", "demo")
    st.sidebar.warning(t("signin.demo"), icon=":material/public:")
