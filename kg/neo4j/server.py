"""Start, stop and inspect the local Neo4j launcher (``tools/neo4j``, built by ``make jars``).

One launcher per data directory. Its files (default ``data/neo4j/``, gitignored):

- ``store/``       the Neo4j home: databases, transaction logs, Neo4j's own debug log
- ``neo4j.pid``    the JVM's pid while it runs
- ``neo4j.json``   port, URI, whether auth is on (never the password), start time
- ``neo4j.log``    the launcher's stdout/stderr, rewritten at each start

The JVM runs in its own session, so it outlives the ``kg neo4j start`` that launched it and
ignores the terminal's Ctrl-C; ``stop()`` sends SIGTERM, which the launcher answers with a
clean shutdown.
"""
from __future__ import annotations

import errno
import json
import os
import shutil
import signal
import socket
import subprocess
import time
from collections import deque
from dataclasses import asdict, dataclass
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[2]
LAUNCHER_DIR = PROJECT_ROOT / "tools" / "neo4j"
LAUNCHER_CLASS = "vankien.Neo4jLauncher"
DEFAULT_DATA_DIR = PROJECT_ROOT / "data" / "neo4j"
DEFAULT_PORT = 7687
HOST = "127.0.0.1"
BUILD_HINT = "make jars"

# The launcher reads the initial password from here; argv would show it in `ps`.
PASSWORD_ENV = "KG_NEO4J_INITIAL_PASSWORD"

PID_FILE = "neo4j.pid"
STATE_FILE = "neo4j.json"
LOG_FILE = "neo4j.log"
STORE_DIR = "store"

# A 1 GiB heap + 256 MiB page cache (off-heap) leave most of a 24 GiB, 2-core machine free.
# Overridable for bulk loads: KG_NEO4J_HEAP=4g KG_NEO4J_PAGECACHE=2g kg neo4j start
DEFAULT_HEAP = "1g"
DEFAULT_PAGECACHE = "256m"
JVM_FLAGS = [
    "-XX:+UseG1GC",
    # A JVM that ran out of memory is useless as a server: die and leave it in the log.
    "-XX:+ExitOnOutOfMemoryError",
    "-Dfile.encoding=UTF-8",
    # The same opens Neo4j's own server scripts pass on Java 17, for its direct I/O paths.
    "--add-opens=java.base/java.nio=ALL-UNNAMED",
    "--add-opens=java.base/java.io=ALL-UNNAMED",
    "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
    "-Dio.netty.tryReflectionSetAccessible=true",
    "-Djdk.nio.maxCachedBufferSize=1024",
]


class Neo4jServerError(RuntimeError):
    """A launcher problem, worded for the person at the terminal."""


class JavaNotFoundError(Neo4jServerError):
    pass


class JarsNotBuiltError(Neo4jServerError):
    pass


class PortInUseError(Neo4jServerError):
    pass


class AlreadyRunningError(Neo4jServerError):
    def __init__(self, message: str, info: "ServerInfo") -> None:
        super().__init__(message)
        self.info = info


class StartupError(Neo4jServerError):
    """The JVM exited or did not answer in time; the message names the log and quotes its end."""


@dataclass(frozen=True)
class ServerInfo:
    pid: int
    port: int
    uri: str
    data_dir: str
    store_dir: str
    log_file: str
    auth: bool
    started_at: float
    startup_seconds: float | None = None


@dataclass(frozen=True)
class ServerStatus:
    running: bool
    responding: bool
    info: ServerInfo | None
    message: str


# Popen objects of launchers started by this process, so stop() can reap them (no zombies that
# would still look alive to a pid check).
_children: dict[int, subprocess.Popen] = {}


def data_dir_path(data_dir: str | os.PathLike | None = None) -> Path:
    if data_dir is None:
        data_dir = os.environ.get("KG_NEO4J_DATA_DIR") or DEFAULT_DATA_DIR
    return Path(data_dir).expanduser().resolve()


def java_executable() -> str:
    java_home = os.environ.get("JAVA_HOME")
    if java_home:
        candidate = Path(java_home) / "bin" / "java"
        if os.access(candidate, os.X_OK):
            return str(candidate)
    found = shutil.which("java")
    if not found:
        raise JavaNotFoundError(
            "Java not found: the Neo4j launcher needs a Java 17 or 21 runtime on PATH or in "
            "$JAVA_HOME (Debian: apt-get install openjdk-17-jdk-headless)."
        )
    return found


def launcher_classpath() -> str:
    classes = LAUNCHER_DIR / "target" / "classes"
    lib = LAUNCHER_DIR / "target" / "lib"
    main_class = classes / (LAUNCHER_CLASS.replace(".", "/") + ".class")
    if not main_class.is_file() or not any(lib.glob("neo4j-5.*.jar")):
        raise JarsNotBuiltError(
            f"The Neo4j launcher is not built ({main_class.relative_to(PROJECT_ROOT)} or "
            f"{lib.relative_to(PROJECT_ROOT)}/neo4j-5.*.jar missing): run `{BUILD_HINT}` "
            "in the project root (needs Maven and Java 17)."
        )
    return f"{classes}{os.pathsep}{lib}{os.sep}*"


def port_is_free(port: int, host: str = HOST) -> bool:
    """True if a server could listen on host:port now. SO_REUSEADDR like Netty, so a port left in
    TIME_WAIT by a stopped server counts as free, while any listener counts as taken."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind((host, port))
        except OSError as e:
            if e.errno in (errno.EADDRINUSE, errno.EACCES):
                return False
            raise
    return True


def free_port(host: str = HOST) -> int:
    """A port the OS considers free right now (for tests and ad-hoc servers)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((host, 0))
        return s.getsockname()[1]


def tail(path: str | os.PathLike, lines: int = 25) -> str:
    try:
        with open(path, encoding="utf-8", errors="replace") as f:
            return "".join(deque(f, maxlen=lines)).rstrip()
    except FileNotFoundError:
        return "(no log file)"


def _read_state(data_dir: Path) -> ServerInfo | None:
    try:
        raw = json.loads((data_dir / STATE_FILE).read_text(encoding="utf-8"))
        return ServerInfo(**raw)
    except (FileNotFoundError, json.JSONDecodeError, TypeError):
        pid_file = data_dir / PID_FILE
        if not pid_file.is_file():
            return None
        # A pid file without readable state (hand-edited, older layout): still stoppable.
        try:
            pid = int(pid_file.read_text().strip())
        except ValueError:
            return None
        return ServerInfo(pid, 0, "", str(data_dir), str(data_dir / STORE_DIR),
                          str(data_dir / LOG_FILE), False, 0.0)


def _write_state(data_dir: Path, info: ServerInfo) -> None:
    tmp = data_dir / (STATE_FILE + ".tmp")
    tmp.write_text(json.dumps(asdict(info), indent=2) + "\n", encoding="utf-8")
    os.replace(tmp, data_dir / STATE_FILE)
    (data_dir / PID_FILE).write_text(f"{info.pid}\n")


def _clear_state(data_dir: Path) -> None:
    for name in (PID_FILE, STATE_FILE):
        try:
            (data_dir / name).unlink()
        except FileNotFoundError:
            pass


def _is_launcher(pid: int) -> bool:
    """Alive, not a zombie, and really our launcher (pids get reused after a reboot or crash)."""
    child = _children.get(pid)
    if child is not None and child.poll() is not None:
        return False
    try:
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
        stat = Path(f"/proc/{pid}/stat").read_text()
    except (FileNotFoundError, ProcessLookupError, PermissionError):
        return False
    state = stat.rsplit(")", 1)[-1].split()[0]
    return state not in ("Z", "X") and LAUNCHER_CLASS.encode() in cmdline


def running_info(data_dir: str | os.PathLike | None = None) -> ServerInfo | None:
    """The state of the launcher of ``data_dir`` if it is running, else None."""
    info = _read_state(data_dir_path(data_dir))
    if info is not None and _is_launcher(info.pid):
        return info
    return None


def _bolt_check(uri: str, auth: tuple[str, str] | None, timeout: float) -> tuple[bool, str]:
    """(server answers Bolt, detail). Without credentials an auth-enabled server answers with an
    authentication failure, which still proves it is up."""
    import neo4j
    from neo4j.exceptions import AuthError, Neo4jError, ServiceUnavailable, DriverError

    try:
        with neo4j.GraphDatabase.driver(uri, auth=auth, connection_timeout=timeout,
                                        max_connection_lifetime=60) as driver:
            driver.verify_connectivity()
        return True, "answers Bolt"
    except AuthError:
        return (True, "answers Bolt (authentication required)" if auth is None
                else "answers Bolt but refused the credentials")
    except (ServiceUnavailable, DriverError, Neo4jError, OSError) as e:
        return False, type(e).__name__


def start(
    port: int | None = None,
    data_dir: str | os.PathLike | None = None,
    auth_password: str | None = None,
    timeout: float = 120.0,
    *,
    heap: str | None = None,
    pagecache: str | None = None,
) -> ServerInfo:
    """Start the launcher and return once Bolt answers (``verify_connectivity``).

    ``auth_password`` turns authentication on with that initial password for user ``neo4j``;
    without it the server accepts any client on 127.0.0.1 without credentials.
    """
    ddir = data_dir_path(data_dir)
    if port is None:
        port = int(os.environ.get("KG_NEO4J_PORT") or DEFAULT_PORT)
    if auth_password is not None and len(auth_password) < 8:
        raise Neo4jServerError("The Neo4j password must be at least 8 characters long.")

    java = java_executable()
    classpath = launcher_classpath()

    current = running_info(ddir)
    if current is not None:
        raise AlreadyRunningError(
            f"Neo4j is already running for {ddir} at {current.uri} (pid {current.pid}); "
            "`kg neo4j stop` first.", current)
    _clear_state(ddir)  # stale files of a launcher that died

    if not port_is_free(port):
        raise PortInUseError(
            f"Port {port} on {HOST} is already in use by another program: pick another with "
            f"--port (or $KG_NEO4J_PORT), or stop whatever listens there (`ss -ltnp 'sport = :{port}'`)."
        )

    ddir.mkdir(parents=True, exist_ok=True)
    store = ddir / STORE_DIR
    log_path = ddir / LOG_FILE
    cmd = [
        java,
        f"-Xmx{heap or os.environ.get('KG_NEO4J_HEAP') or DEFAULT_HEAP}",
        *JVM_FLAGS,
        "-cp", classpath,
        LAUNCHER_CLASS,
        "--port", str(port),
        "--data-dir", str(store),
        "--pagecache", pagecache or os.environ.get("KG_NEO4J_PAGECACHE") or DEFAULT_PAGECACHE,
    ]
    env = dict(os.environ)
    env.pop(PASSWORD_ENV, None)  # only an explicit auth_password turns auth on
    if auth_password is not None:
        cmd.append("--auth")
        env[PASSWORD_ENV] = auth_password

    t0 = time.monotonic()
    with open(log_path, "w", encoding="utf-8") as log:
        proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
                                cwd=ddir, env=env, start_new_session=True)
    _children[proc.pid] = proc
    uri = f"bolt://{HOST}:{port}"
    info = ServerInfo(pid=proc.pid, port=port, uri=uri, data_dir=str(ddir), store_dir=str(store),
                      log_file=str(log_path), auth=auth_password is not None, started_at=time.time())
    _write_state(ddir, info)

    auth = ("neo4j", auth_password) if auth_password is not None else None
    deadline = t0 + timeout
    while True:
        code = proc.poll()
        if code is not None:
            _children.pop(proc.pid, None)
            _clear_state(ddir)
            log_tail = tail(log_path)
            if "Address already in use" in log_tail:
                raise PortInUseError(
                    f"Neo4j could not listen on {HOST}:{port}: the port was taken while it started. "
                    f"Log: {log_path}")
            raise StartupError(
                f"Neo4j exited with code {code} while starting. Log: {log_path}\n"
                f"--- last lines ---\n{log_tail}")
        if _log_says_ready(log_path):
            ok, _detail = _bolt_check(uri, auth, timeout=5.0)
            if ok:
                break
        if time.monotonic() > deadline:
            _terminate(proc.pid, grace=15.0)
            _clear_state(ddir)
            raise StartupError(
                f"Neo4j did not come up within {timeout:.0f} s (stopped it again). "
                f"Log: {log_path}\n--- last lines ---\n{tail(log_path)}")
        time.sleep(0.2)

    info = ServerInfo(**{**asdict(info), "startup_seconds": round(time.monotonic() - t0, 2)})
    _write_state(ddir, info)
    return info


def _log_says_ready(log_path: Path) -> bool:
    try:
        with open(log_path, encoding="utf-8", errors="replace") as f:
            return any(line.startswith("READY bolt://") for line in f)
    except FileNotFoundError:
        return False


def _terminate(pid: int, grace: float) -> bool:
    """SIGTERM (the launcher's clean shutdown), then SIGKILL after ``grace`` s. True if clean."""
    try:
        os.kill(pid, signal.SIGTERM)
    except ProcessLookupError:
        _children.pop(pid, None)
        return True
    child = _children.pop(pid, None)
    if child is not None:
        try:
            child.wait(timeout=grace)
            return True
        except subprocess.TimeoutExpired:
            child.kill()
            child.wait()
            return False
    deadline = time.monotonic() + grace
    while time.monotonic() < deadline:
        if not _is_launcher(pid):
            return True
        time.sleep(0.1)
    try:
        os.kill(pid, signal.SIGKILL)
    except ProcessLookupError:
        return True
    return False


def stop(data_dir: str | os.PathLike | None = None, timeout: float = 60.0) -> ServerInfo | None:
    """Stop the launcher of ``data_dir`` cleanly. Returns what was stopped, None if nothing ran."""
    ddir = data_dir_path(data_dir)
    info = _read_state(ddir)
    if info is None:
        return None
    if not _is_launcher(info.pid):
        _children.pop(info.pid, None)
        _clear_state(ddir)
        return None
    clean = _terminate(info.pid, grace=timeout)
    _clear_state(ddir)
    if not clean:
        raise Neo4jServerError(
            f"Neo4j (pid {info.pid}) did not stop within {timeout:.0f} s and was killed; the store "
            f"will be recovered at the next start. Log: {info.log_file}")
    return info


def status(data_dir: str | os.PathLike | None = None) -> ServerStatus:
    ddir = data_dir_path(data_dir)
    info = _read_state(ddir)
    if info is None:
        return ServerStatus(False, False, None, f"not running (no launcher state in {ddir})")
    if not _is_launcher(info.pid):
        return ServerStatus(False, False, info,
                            f"not running (stale pid {info.pid} in {ddir / PID_FILE}; "
                            "the next start cleans it up)")
    responding, detail = _bolt_check(info.uri, None, timeout=3.0) if info.uri else (False, "no URI")
    message = f"running at {info.uri} (pid {info.pid}), {detail}"
    return ServerStatus(True, responding, info, message)
