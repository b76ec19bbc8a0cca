"""The Neo4j launcher against the real server: lifecycle through the Python API and `kg neo4j`,
errors a person would hit (port taken, wrong password, unbuilt jars, no Java, slow start), a
write/read round trip, and a clean shutdown on SIGTERM."""
from __future__ import annotations

import os
import signal
import socket
import time
from pathlib import Path

import neo4j
import pytest
from typer.testing import CliRunner

from kg.cli import app
from kg.neo4j import connect, server
from neo4j_fixtures import start_or_fail

pytestmark = [pytest.mark.neo4j, pytest.mark.timeout(300)]

PASSWORD = "Correct-Horse-42"
WRONG = "Wrong-Battery-17"


def _gone(pid: int, within: float = 30.0) -> bool:
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        if not Path(f"/proc/{pid}").exists():
            return True
        child = server._children.get(pid)  # a child of this process is reaped, not left a zombie
        if child is not None and child.poll() is not None:
            server._children.pop(pid, None)
            continue
        time.sleep(0.1)
    return False


def _launchers_using(path) -> list[int]:
    """Pids of live launcher JVMs whose command line mentions ``path``."""
    pids = []
    for proc in Path("/proc").iterdir():
        if proc.name.isdigit():
            try:
                cmdline = (proc / "cmdline").read_bytes()
            except OSError:
                continue
            if str(path).encode() in cmdline and server._is_launcher(int(proc.name)):
                pids.append(int(proc.name))
    return pids


def _recovered(store_dir: str) -> bool:
    """Neo4j logs this when a store was not shut down cleanly and has to replay its logs."""
    log = Path(store_dir) / "logs" / "debug.log"
    return "Recovery required" in log.read_text(encoding="utf-8", errors="replace")


@pytest.fixture(scope="module")
def auth_server(tmp_path_factory):
    data_dir = tmp_path_factory.mktemp("neo4j-auth")
    info = start_or_fail(data_dir, auth_password=PASSWORD)
    yield info
    server.stop(data_dir)


# --- against the session server -------------------------------------------------------------

def test_write_read_round_trip(neo4j_server):
    title = "Nghị quyết số 15-NQ/TW về một số vấn đề chính sách xã hội"
    with neo4j.GraphDatabase.driver(neo4j_server.uri) as driver:
        driver.execute_query("CREATE (:RoundTrip {id: $id, title: $title})", id="rt-1", title=title)
        records, _, _ = driver.execute_query(
            "MATCH (d:RoundTrip {id: $id}) RETURN d.title AS title", id="rt-1")
    assert [r["title"] for r in records] == [title]


def test_status_and_connection_settings(neo4j_server):
    st = server.status(neo4j_server.data_dir)
    assert st.running and st.responding
    assert st.info.uri == neo4j_server.uri and st.info.pid == neo4j_server.pid
    # With no options and no environment, connections go to the local launcher.
    settings = connect.resolve(data_dir=neo4j_server.data_dir, environ={})
    assert settings.uri == neo4j_server.uri and settings.user == "neo4j" and settings.auth is None
    with connect.open_driver(settings) as driver:
        assert driver.execute_query("RETURN 1 AS one").records[0]["one"] == 1


def test_cli_status_and_ping(neo4j_server):
    runner = CliRunner()
    result = runner.invoke(app, ["neo4j", "status", "--data-dir", neo4j_server.data_dir])
    assert result.exit_code == 0, result.output
    assert neo4j_server.uri in result.output and "answers Bolt" in result.output
    result = runner.invoke(app, ["neo4j", "ping", "--uri", neo4j_server.uri], env={"NEO4J_PASSWORD": ""})
    assert result.exit_code == 0, result.output
    assert "Neo4j/5.26" in result.output


def test_port_taken_by_another_program(tmp_path):
    with socket.socket() as other:
        other.bind(("127.0.0.1", 0))
        other.listen()
        port = other.getsockname()[1]
        with pytest.raises(server.PortInUseError, match=f"Port {port} .* already in use"):
            server.start(port=port, data_dir=tmp_path / "n")
        result = CliRunner().invoke(app, ["neo4j", "start", "--port", str(port), "--data-dir", str(tmp_path / "n")])
    assert result.exit_code == 1
    assert "already in use" in result.output
    assert not (tmp_path / "n" / server.PID_FILE).exists()


def test_port_taken_by_the_running_server(neo4j_server, tmp_path):
    with pytest.raises(server.PortInUseError):
        server.start(port=neo4j_server.port, data_dir=tmp_path)


def test_second_start_of_same_data_dir_is_refused(neo4j_server):
    with pytest.raises(server.AlreadyRunningError) as err:
        server.start(port=server.free_port(), data_dir=neo4j_server.data_dir)
    assert err.value.info.pid == neo4j_server.pid


# --- authentication -------------------------------------------------------------------------

def test_right_password_works(auth_server):
    settings = connect.resolve(auth_server.uri, "neo4j", PASSWORD, environ={})
    with connect.open_driver(settings) as driver:
        assert driver.execute_query("RETURN 2 AS two").records[0]["two"] == 2


def test_wrong_password_is_a_clear_error_without_the_password(auth_server):
    settings = connect.resolve(auth_server.uri, "neo4j", WRONG, environ={})
    assert WRONG not in repr(settings) and WRONG not in settings.describe()
    with pytest.raises(connect.Neo4jConnectionError) as err:
        connect.open_driver(settings)
    message = str(err.value)
    assert "refused to log in" in message and "wrong user name or password" in message
    assert auth_server.uri in message
    assert WRONG not in message and PASSWORD not in message
    # Nor anywhere in the chained exceptions a traceback would print.
    assert err.value.__cause__ is None and err.value.__suppress_context__

    result = CliRunner().invoke(app, ["neo4j", "ping", "--uri", auth_server.uri, "--password", WRONG])
    assert result.exit_code == 1
    assert "refused to log in" in result.output and WRONG not in result.output

    result = CliRunner().invoke(app, ["neo4j", "ping", "--uri", auth_server.uri], env={"NEO4J_PASSWORD": ""})
    assert result.exit_code == 1 and "requires a password" in result.output


def test_password_kept_out_of_files_and_command_line(auth_server):
    for name in (server.STATE_FILE, server.PID_FILE, server.LOG_FILE):
        assert PASSWORD not in (Path(auth_server.data_dir) / name).read_text(encoding="utf-8")
    cmdline = Path(f"/proc/{auth_server.pid}/cmdline").read_bytes().decode()
    assert PASSWORD not in cmdline and "--auth" in cmdline
    assert server.status(auth_server.data_dir).responding  # auth failure still means "up"


# --- lifecycle ------------------------------------------------------------------------------

def test_python_api_lifecycle_and_sigterm(tmp_path):
    data_dir = tmp_path / "life"
    info = start_or_fail(data_dir)
    assert info.startup_seconds is not None and info.uri == f"bolt://127.0.0.1:{info.port}"
    assert (data_dir / server.PID_FILE).read_text().strip() == str(info.pid)
    with neo4j.GraphDatabase.driver(info.uri) as driver:
        driver.execute_query("CREATE (:Kept {n: 42})")

    # SIGTERM straight to the JVM, as an init system or `kill` would send it.
    os.kill(info.pid, signal.SIGTERM)
    assert _gone(info.pid), "launcher still alive 30 s after SIGTERM"
    log = (data_dir / server.LOG_FILE).read_text(encoding="utf-8")
    assert "STOPPING" in log and "STOPPED" in log
    st = server.status(data_dir)
    assert not st.running and "stale pid" in st.message

    # The store reopens without recovery (checkpointed on shutdown) and kept the data.
    again = start_or_fail(data_dir)
    try:
        assert not _recovered(again.store_dir)
        with neo4j.GraphDatabase.driver(again.uri) as driver:
            assert driver.execute_query("MATCH (k:Kept) RETURN k.n AS n").records[0]["n"] == 42
    finally:
        stopped = server.stop(data_dir)
    assert stopped is not None and stopped.pid == again.pid
    assert _gone(again.pid)
    assert server.stop(data_dir) is None
    assert not server.status(data_dir).running
    assert not (data_dir / server.PID_FILE).exists()


def test_cli_lifecycle(tmp_path):
    runner = CliRunner()
    data_dir = str(tmp_path / "cli")
    port = server.free_port()
    result = runner.invoke(app, ["neo4j", "start", "--port", str(port), "--data-dir", data_dir])
    try:
        assert result.exit_code == 0, result.output
        assert f"bolt://127.0.0.1:{port}" in result.output
        result = runner.invoke(app, ["neo4j", "status", "--data-dir", data_dir])
        assert result.exit_code == 0 and "answers Bolt" in result.output
        pid = server.status(data_dir).info.pid
    finally:
        result = runner.invoke(app, ["neo4j", "stop", "--data-dir", data_dir])
    assert result.exit_code == 0 and "stopped" in result.output
    assert _gone(pid)
    result = runner.invoke(app, ["neo4j", "status", "--data-dir", data_dir])
    assert result.exit_code == 1 and "not running" in result.output
    result = runner.invoke(app, ["neo4j", "stop", "--data-dir", data_dir])
    assert result.exit_code == 0 and "not running" in result.output


# --- setup errors ---------------------------------------------------------------------------

def test_start_timeout_names_the_log_and_stops_the_jvm(tmp_path):
    with pytest.raises(server.StartupError) as err:
        server.start(port=server.free_port(), data_dir=tmp_path, timeout=0.5)
    message = str(err.value)
    assert "did not come up within" in message and str(tmp_path / server.LOG_FILE) in message
    assert "--- last lines ---" in message
    assert not server.status(tmp_path).running
    assert not _launchers_using(tmp_path), "the JVM of the failed start is still running"


def test_jars_not_built(tmp_path, monkeypatch):
    monkeypatch.setattr(server, "LAUNCHER_DIR", server.PROJECT_ROOT / "tools" / "neo4j-not-built")
    with pytest.raises(server.JarsNotBuiltError, match="make jars"):
        server.start(port=server.free_port(), data_dir=tmp_path)


def test_java_missing(tmp_path, monkeypatch):
    monkeypatch.delenv("JAVA_HOME", raising=False)
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(server.JavaNotFoundError, match="Java 17"):
        server.start(port=server.free_port(), data_dir=tmp_path)


# --- connection settings --------------------------------------------------------------------

def test_resolve_precedence(tmp_path):
    env = {"NEO4J_URI": "bolt://env:7687", "NEO4J_USERNAME": "envuser",
           "NEO4J_PASSWORD": "env-secret", "NEO4J_DATABASE": "envdb"}
    s = connect.resolve(environ=env, data_dir=tmp_path)
    assert (s.uri, s.user, s.password, s.database, s.source) == (
        "bolt://env:7687", "envuser", "env-secret", "envdb", "$NEO4J_URI")
    s = connect.resolve("neo4j://opt:1", "optuser", "opt-secret", "optdb", environ=env, data_dir=tmp_path)
    assert (s.uri, s.user, s.password, s.database) == ("neo4j://opt:1", "optuser", "opt-secret", "optdb")
    assert "opt-secret" not in repr(s) and "opt-secret" not in s.describe()


def test_resolve_without_any_server_says_what_to_do(tmp_path):
    with pytest.raises(connect.Neo4jConnectionError, match="kg neo4j start"):
        connect.resolve(environ={}, data_dir=tmp_path)


def test_unreachable_server_is_a_clear_error():
    settings = connect.resolve(f"bolt://127.0.0.1:{server.free_port()}", "neo4j", "Some-Secret-1", environ={})
    with pytest.raises(connect.Neo4jConnectionError, match="Cannot reach Neo4j") as err:
        connect.open_driver(settings, timeout=3)
    assert "Some-Secret-1" not in str(err.value)
