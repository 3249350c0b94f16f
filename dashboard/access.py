"""Who may do what: roles from configuration, checked on the server before every write.

Roles, from least to most: ``reader`` (leser: view), ``editor`` (redaktør: notes, decisions,
imports) and ``admin`` (places, geodata, staffing plan, undoing imports, the audit log). The
dashboard sets the signed-in user and role for each script run (:func:`acting_as`); the command
line acts as an admin under the operating-system user's name (whoever can run it can open the
database file anyway). Write functions call :func:`require` first, so a page that forgot to hide
a button still cannot write.

Configuration (``.streamlit/secrets.toml``)::

    [feltkart]
    admins = ["leder@kommune.no"]
    editors = ["*@kommune.no"]        # shell-style patterns
    readers = ["*@samarbeidspartner.no"]
"""

from __future__ import annotations

import contextvars
import fnmatch
import getpass
from contextlib import contextmanager
from typing import Mapping

from dashboard.errors import FeltkartError

ROLES = ("reader", "editor", "admin")
ROLE_LABELS = {"reader": {"nb": "leser", "en": "reader"}, "editor": {"nb": "redaktør", "en": "editor"},
               "admin": {"nb": "admin", "en": "admin"}}
_CONFIG_KEYS = {"admin": "admins", "editor": "editors", "reader": "readers"}


def _cli_actor() -> str:
    try:
        return f"cli:{getpass.getuser()}"
    except Exception:  # no user name in some containers
        return "cli"


_actor = contextvars.ContextVar("feltkart_actor", default=None)
_role = contextvars.ContextVar("feltkart_role", default="admin")


def current_actor() -> str:
    return _actor.get() or _cli_actor()


def current_role() -> str:
    return _role.get()


def set_acting(actor: str, role: str) -> None:
    """Set who acts for the rest of this thread's work (the app calls this at each script run)."""
    if role not in ROLES:
        raise ValueError(f"role must be one of {ROLES}, got {role!r}")
    _actor.set(actor)
    _role.set(role)


@contextmanager
def acting_as(actor: str, role: str):
    if role not in ROLES:  # check before setting: a refused role must not stay in force
        raise ValueError(f"role must be one of {ROLES}, got {role!r}")
    tokens = (_actor.set(actor), _role.set(role))
    try:
        yield
    finally:
        _actor.reset(tokens[0])
        _role.reset(tokens[1])


def allows(role: str, needed: str) -> bool:
    return ROLES.index(role) >= ROLES.index(needed)


def require(needed: str) -> None:
    """Refuse unless the acting role is at least ``needed`` ('reader', 'editor' or 'admin')."""
    role = current_role()
    if not allows(role, needed):
        raise FeltkartError("access.denied", needed=ROLE_LABELS[needed]["nb"], have=ROLE_LABELS[role]["nb"])


def role_for(email: str | None, config: Mapping) -> str | None:
    """The highest role whose patterns match ``email`` (case-insensitive), or None: no access."""
    if not email:
        return None
    email = email.strip().lower()
    for role in reversed(ROLES):
        patterns = config.get(_CONFIG_KEYS[role], []) or []
        if any(fnmatch.fnmatchcase(email, str(pattern).strip().lower()) for pattern in patterns):
            return role
    return None
