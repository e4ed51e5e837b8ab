"""Database connections: a real MongoDB through ``MONGODB_URI``, else the embedded server.

Everything after :func:`connect` is plain pymongo and must stay so: the same code
runs against MongoDB and against the embedded SecantusDB that
:func:`enrich.dbserver.ensure_running` starts when ``MONGODB_URI`` is not set.
"""

from __future__ import annotations

import logging
import os
from typing import Any, Final

from pymongo import MongoClient
from pymongo.database import Database

logger = logging.getLogger(__name__)

DEFAULT_DB: Final = "stackscout"
_SECRET_OPTIONS: Final = ("password", "secret", "token", "authmechanismproperties")


def database_name_default() -> str:
    """``$STACKSCOUT_DB`` or ``"stackscout"``: used when the URI names no database."""
    return os.environ.get("STACKSCOUT_DB") or DEFAULT_DB


def resolve_uri(uri: str | None = None) -> str:
    """*uri*, else ``$MONGODB_URI``, else the embedded server's URI (started if needed)."""
    if uri:
        return uri
    env = os.environ.get("MONGODB_URI", "").strip()
    if env:
        return env
    from enrich.dbserver import ensure_running

    return ensure_running()


def connect(uri: str | None = None) -> Database[dict[str, Any]]:
    """Open the Stackscout database and return it (close with ``db.client.close()``).

    The URI is *uri*, else ``$MONGODB_URI``, else the embedded SecantusDB server
    (started on first use). The database is the one named in the URI path, else
    ``$STACKSCOUT_DB``, else ``"stackscout"``.

    A URI you supply is used exactly as given; whether it retries writes is your
    choice. The embedded server's URI always carries ``retryWrites=false``: with
    retryable writes on, SecantusDB slows from ~1,100 to ~55 single upserts/s. If
    you point ``MONGODB_URI`` at a SecantusDB you run yourself, add
    ``retryWrites=false`` to it.
    """
    resolved = resolve_uri(uri)
    client: MongoClient[dict[str, Any]] = MongoClient(resolved)
    db = client.get_default_database(database_name_default())
    logger.debug("connected to %s, database %s", describe(resolved), db.name)
    return db


def describe(uri: str) -> str:
    """*uri* fit for logs: the password and secret-bearing options become ``***``."""
    scheme, sep, rest = uri.partition("://")
    if not sep:
        return uri
    host_part, slash, tail = rest.partition("/")
    if not slash:  # "mongodb://h?opts" is invalid, but must not leak either
        host_part, qmark, query = rest.partition("?")
        tail = f"?{query}" if qmark else ""
    userinfo, at, hosts = host_part.rpartition("@")
    if at:
        user, colon, _password = userinfo.partition(":")
        host_part = f"{user}:***@{hosts}" if colon else f"{user}@{hosts}"
    return f"{scheme}://{host_part}{slash}{_mask_options(tail)}"


def _mask_options(tail: str) -> str:
    path, qmark, query = tail.partition("?")
    if not qmark:
        return tail
    masked = [_mask_option(item) for item in query.split("&")]
    return f"{path}?{'&'.join(masked)}"


def _mask_option(item: str) -> str:
    key, eq, _value = item.partition("=")
    if eq and any(word in key.lower() for word in _SECRET_OPTIONS):
        return f"{key}=***"
    return item
