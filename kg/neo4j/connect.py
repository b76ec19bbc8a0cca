"""Where to find Neo4j and how to log in, for every command that talks to it.

Precedence for each setting: explicit argument (``--uri/--user/--password/--database``), then
``NEO4J_URI`` / ``NEO4J_USERNAME`` / ``NEO4J_PASSWORD`` / ``NEO4J_DATABASE``, then defaults:
the URI of the local launcher recorded in ``data/neo4j/neo4j.json`` (``kg neo4j start``),
user ``neo4j``, no password, the server's default database.

The password is kept out of ``repr``, messages and logs: errors name the user and the URI only.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Mapping

from kg.neo4j import server

ENV_URI = "NEO4J_URI"
ENV_USER = "NEO4J_USERNAME"
ENV_PASSWORD = "NEO4J_PASSWORD"
ENV_DATABASE = "NEO4J_DATABASE"
DEFAULT_USER = "neo4j"


class Neo4jConnectionError(RuntimeError):
    """Cannot connect or log in; the message says what to do and never holds the password."""


@dataclass(frozen=True)
class ConnectionSettings:
    uri: str
    user: str = DEFAULT_USER
    password: str | None = field(default=None, repr=False)
    database: str | None = None
    source: str = ""  # where the URI came from, for messages

    @property
    def auth(self) -> tuple[str, str] | None:
        return None if self.password is None else (self.user, self.password)

    def describe(self) -> str:
        login = f"user {self.user!r} with a password" if self.password is not None else "no credentials"
        db = self.database or "the default database"
        return f"{self.uri} ({self.source}), {login}, {db}"

    def session_kwargs(self) -> dict:
        return {"database": self.database} if self.database else {}


def _pick(arg: str | None, env: Mapping[str, str], name: str) -> tuple[str | None, str]:
    if arg not in (None, ""):
        return arg, "option"
    value = env.get(name)
    if value not in (None, ""):
        return value, f"${name}"
    return None, ""


def resolve(
    uri: str | None = None,
    user: str | None = None,
    password: str | None = None,
    database: str | None = None,
    *,
    data_dir: str | os.PathLike | None = None,
    environ: Mapping[str, str] | None = None,
) -> ConnectionSettings:
    env = os.environ if environ is None else environ
    uri_value, uri_source = _pick(uri, env, ENV_URI)
    if uri_value is None:
        local = server.running_info(data_dir)
        if local is None:
            raise Neo4jConnectionError(
                "No Neo4j to connect to: the local launcher is not running "
                f"({server.data_dir_path(data_dir)}). Start it with `kg neo4j start`, "
                f"or name a server with --uri or ${ENV_URI}.")
        uri_value, uri_source = local.uri, f"local launcher, pid {local.pid}"
    user_value = _pick(user, env, ENV_USER)[0] or DEFAULT_USER
    password_value = _pick(password, env, ENV_PASSWORD)[0]
    database_value = _pick(database, env, ENV_DATABASE)[0]
    return ConnectionSettings(uri_value, user_value, password_value, database_value, uri_source)


def redact(text: str, settings: ConnectionSettings) -> str:
    """Belt and braces: a server or driver message must never echo the password back."""
    if settings.password:
        text = text.replace(settings.password, "***")
    return text


def open_driver(settings: ConnectionSettings, *, verify: bool = True, timeout: float = 10.0):
    """A ``neo4j.Driver`` for ``settings``, checked with ``verify_connectivity`` unless told not to.
    Failures become ``Neo4jConnectionError`` with a message meant for the person at the terminal."""
    import neo4j
    from neo4j.exceptions import (AuthError, ConfigurationError, DriverError, Neo4jError,
                                  ServiceUnavailable)

    try:
        driver = neo4j.GraphDatabase.driver(settings.uri, auth=settings.auth,
                                            connection_timeout=timeout)
    except (ValueError, ConfigurationError) as e:
        raise Neo4jConnectionError(
            redact(f"Bad Neo4j URI {settings.uri!r} ({settings.source}): {e}", settings)) from None
    if not verify:
        return driver
    try:
        driver.verify_connectivity()
        if settings.database:  # an unknown database fails here, not in the middle of a load
            driver.execute_query("RETURN 1", database_=settings.database)
        return driver
    except AuthError:
        driver.close()
        if settings.password is None:
            hint = f"it requires a password: pass --password or set ${ENV_PASSWORD}"
        else:
            hint = (f"wrong user name or password for user {settings.user!r}; check --user/--password "
                    f"or ${ENV_USER}/${ENV_PASSWORD}")
        raise Neo4jConnectionError(
            f"Neo4j at {settings.uri} refused to log in: {hint}.") from None
    except ServiceUnavailable as e:
        driver.close()
        raise Neo4jConnectionError(
            redact(f"Cannot reach Neo4j at {settings.uri} ({settings.source}): {e}. "
                   "Is it running? (`kg neo4j status`)", settings)) from None
    except (Neo4jError, DriverError) as e:
        driver.close()
        message = getattr(e, "message", None) or str(e)
        raise Neo4jConnectionError(
            redact(f"Neo4j at {settings.uri} rejected the connection: {message}", settings)) from None


def connect(
    uri: str | None = None,
    user: str | None = None,
    password: str | None = None,
    database: str | None = None,
    *,
    data_dir: str | os.PathLike | None = None,
    timeout: float = 10.0,
):
    """resolve() + open_driver(): a verified driver, and the settings it was opened with."""
    settings = resolve(uri, user, password, database, data_dir=data_dir)
    return open_driver(settings, timeout=timeout), settings
