"""Session-wide Neo4j for tests: the real launcher (``make jars``) on a free port and a
temporary store. It fails the tests that use it, never skips them, when Neo4j cannot start:
a missing Java or unbuilt launcher is a broken setup, not an optional feature."""
from __future__ import annotations

import pytest

from kg.neo4j import server


def start_or_fail(data_dir, **kwargs) -> server.ServerInfo:
    try:
        return server.start(port=server.free_port(), data_dir=data_dir, timeout=180.0, **kwargs)
    except server.Neo4jServerError as e:
        error = e  # failed outside the except block, so the report holds the message only
    pytest.fail(f"Neo4j launcher did not start: {error}", pytrace=False)


@pytest.fixture(scope="session")
def neo4j_server(tmp_path_factory):
    """A running local Neo4j without authentication: ``ServerInfo`` (``.uri``, ``.data_dir`` …)."""
    data_dir = tmp_path_factory.mktemp("neo4j")
    info = start_or_fail(data_dir)
    yield info
    server.stop(data_dir)
