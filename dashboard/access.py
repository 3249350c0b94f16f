"""Who may do what: roles from configuration, checked on the server before every write.

Roles, from least to most: ``reader`` (leser: view), ``editor`` (redaktør: notes, decisions,
imports) and ``admin`` (places, geodata, staffing plan, undoing imports, the audit log). Nobody
has a role until one is set: a thread (or a fresh context) where nobody has signed in may not
write at all. Roles are set in exactly these places:

* the dashboard, for each script run (:func:`dashboard.signin.establish`): the signed-in user's
  role, or the local mode's;
* the dashboard's first start, which creates or migrates the database as ``feltkart-app``
  (:data:`APP_ACTOR`, in :func:`dashboard.ui.database`);
* the command line (:func:`dashboard.cli.main`), which acts as an admin under the operating-system
  user's name (:func:`cli_actor`): whoever can run it can open the database file anyway.

Write functions call :func:`require` first, so a page that forgot to hide a button still cannot
write, and the audit log refuses a write by nobody (:func:`dashboard.audit.record`).

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
NO_ROLE_LABEL = {"nb": "ingen (ikke logget inn)", "en": "none (not signed in)"}
_CONFIG_KEYS = {"admin": "admins", "editor": "editors", "reader": "readers"}


APP_ACTOR = "feltkart-app"  # the dashboard itself, creating or migrating its database at start


def cli_actor() -> str:
    """Who the command line acts as: ``cli:<operating-system user>``."""
    try:
        return f"cli:{getpass.getuser()}"
    except Exception:  # no user name in some containers
        return "cli"


_actor = contextvars.ContextVar("feltkart_actor", default=None)
_role = contextvars.ContextVar("feltkart_role", default=None)


def current_actor() -> str | None:
    """Who acts in this context, or None when nobody has signed in."""
    return _actor.get()


def current_role() -> str | None:
    """The acting role, or None: no access."""
    return _role.get()


def role_label(role: str | None, lang: str = "nb") -> str:
    """'leser', 'redaktør', 'admin', or 'ingen (ikke logget inn)' for nobody."""
    return ROLE_LABELS[role][lang] if role in ROLE_LABELS else NO_ROLE_LABEL[lang]


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


def allows(role: str | None, needed: str) -> bool:
    """Whether ``role`` (None: nobody) may do what needs ``needed``."""
    return role in ROLES and ROLES.index(role) >= ROLES.index(needed)


def require(needed: str) -> None:
    """Refuse unless the acting role is at least ``needed`` ('reader', 'editor' or 'admin')."""
    role = current_role()
    if not allows(role, needed):
        raise FeltkartError("access.denied", needed=ROLE_LABELS[needed]["nb"], have=role_label(role))


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
