"""Run the embedded MongoDB-compatible server (SecantusDB) as a background daemon.

Stackscout's default database needs no install step: the first command that needs
it calls :func:`ensure_running`, which starts ``secantusd-py`` (run as
``python -m secantus``, the same entry point, with this interpreter) as a detached
process bound to 127.0.0.1 and remembers it in ``DATA_DIR/server.json``. Later
commands reuse it. A real MongoDB can replace it at any time through
``MONGODB_URI`` (see :mod:`enrich.db`); nothing outside this module knows about
SecantusDB.

Layout of the data directory (``$STACKSCOUT_HOME``, default
``$XDG_DATA_HOME/stackscout`` or ``~/.local/share/stackscout``)::

    server.json      pid, port, started_at, version of the running server
    server.lock      flock()ed while a command starts or stops the server
    server.log       the server's stdout/stderr (rotated once at 5 MB)
    secantusd.toml   passed as --config (so no stray ./secantusd.toml is picked up);
                     empty by default, may hold tuning such as cache_size
    db/              the WiredTiger storage

Environment: ``STACKSCOUT_HOME`` (data directory), ``STACKSCOUT_DB_PORT`` (fixed
port instead of a free one).

Facts this module relies on (secantusdb 0.7.0b3, measured):

* URIs must carry ``retryWrites=false``; with retryable writes single upserts
  slow from ~1,100/s to ~55/s.
* The daemon's SIGTERM handler closes the listening socket but its accept thread
  stays blocked in ``accept()`` until a connection arrives, so a stop takes ~2 s;
  one connection ("poke") after the signal makes it ~0.1 s.
* A SIGTERM sent with ``kill()`` is often never handled (3 of 6 right after
  start-up, also later): the kernel may deliver it to a non-main thread, and
  CPython's main thread, asleep in ``Event.wait()``, is not woken to run the
  handler. :func:`_terminate` sends it to the main thread with ``tgkill()``
  (0 of 12 lost), re-sends it while the port still accepts connections, and
  sends SIGKILL only after the timeout.
* Durability: as on mongod, a write acknowledged with the default ``j=False``
  can be lost if the server is SIGKILLed within ~50 ms of it; with
  ``WriteConcern(j=True)`` it survived SIGKILL every time. A normal stop
  (SIGTERM) closes WiredTiger cleanly and loses nothing.
"""

from __future__ import annotations

import contextlib
import ctypes
import datetime as dt
import errno
import fcntl
import functools
import importlib.metadata
import json
import logging
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass
from pathlib import Path
from types import TracebackType
from typing import Any, Final, Self

from pymongo import MongoClient
from pymongo.errors import PyMongoError

from enrich.processes import pid_alive

logger = logging.getLogger(__name__)

HOST: Final = "127.0.0.1"
MEMORY: Final = ":memory:"
#: Options every URI to the embedded server carries. retryWrites=false is
#: mandatory (see module doc); directConnection skips replica-set discovery of the
#: single-node set the server advertises; a short selection timeout makes a dead
#: server fail fast instead of after pymongo's default 30 s.
URI_OPTIONS: Final = "retryWrites=false&directConnection=true&serverSelectionTimeoutMS=5000"

STATE_NAME: Final = "server.json"
LOCK_NAME: Final = "server.lock"
LOG_NAME: Final = "server.log"
CONFIG_NAME: Final = "secantusd.toml"
DB_NAME: Final = "db"

_POLL: Final = 0.025
_RESIGNAL_AFTER: Final = 1.0
_KILL_WAIT: Final = 5.0
_LOG_ROTATE_BYTES: Final = 5 * 1024 * 1024
_LOG_TAIL_LINES: Final = 15
_PORT_RETRIES: Final = 3
_CONFIG_TEXT: Final = (
    "# SecantusDB settings for Stackscout's embedded database.\n"
    "# host, port and storage path are set by Stackscout on the command line.\n"
    "# Example (see secantusd-py --help for the settings):\n"
    "#   [storage]\n"
    "#   cache_size = '512M'\n"
)

#: Servers this process spawned, so their exit can be reaped (no zombies that
#: look alive to ``kill(pid, 0)``).
_CHILDREN: dict[int, subprocess.Popen[bytes]] = {}
_CHILDREN_LOCK = threading.Lock()


class EmbeddedServerError(RuntimeError):
    """The embedded database server could not be started, reached or stopped."""


class ServerStartError(EmbeddedServerError):
    """The embedded server did not come up; the message names its log file."""


@dataclass(frozen=True)
class ServerPaths:
    """Files of one data directory."""

    home: Path

    @property
    def db(self) -> Path:
        return self.home / DB_NAME

    @property
    def state(self) -> Path:
        return self.home / STATE_NAME

    @property
    def lock(self) -> Path:
        return self.home / LOCK_NAME

    @property
    def log(self) -> Path:
        return self.home / LOG_NAME

    @property
    def config(self) -> Path:
        return self.home / CONFIG_NAME


@dataclass(frozen=True)
class ServerState:
    """What ``server.json`` records about a running daemon."""

    pid: int
    port: int
    started_at: str
    version: str
    host: str = HOST
    storage: str = ""


# --------------------------------------------------------------------------- paths


def data_dir(home: Path | None = None) -> Path:
    """The data directory: *home*, else ``$STACKSCOUT_HOME``, else the XDG default."""
    if home is not None:
        return Path(home).expanduser().resolve()
    env = os.environ.get("STACKSCOUT_HOME")
    if env:
        return Path(env).expanduser().resolve()
    xdg = os.environ.get("XDG_DATA_HOME")
    base = Path(xdg) if xdg and Path(xdg).is_absolute() else Path.home() / ".local" / "share"
    return (base / "stackscout").resolve()


def _prepare(home: Path | None) -> ServerPaths:
    paths = ServerPaths(data_dir(home))
    paths.home.mkdir(mode=0o700, parents=True, exist_ok=True)
    if not paths.config.exists():
        paths.config.write_text(_CONFIG_TEXT, encoding="utf-8")
    return paths


def build_uri(port: int, host: str = HOST) -> str:
    """The URI for an embedded server on *port* (always with ``retryWrites=false``)."""
    return f"mongodb://{host}:{port}/?{URI_OPTIONS}"


def server_version() -> str:
    """Installed secantusdb version (without importing it: that takes ~2 s)."""
    try:
        return importlib.metadata.version("secantusdb")
    except importlib.metadata.PackageNotFoundError:
        return "unknown"


# --------------------------------------------------------------------------- lock + state


@contextlib.contextmanager
def _locked(paths: ServerPaths, timeout: float) -> Iterator[None]:
    """Hold an exclusive flock on ``server.lock`` (works across threads and processes)."""
    deadline = time.monotonic() + timeout
    with paths.lock.open("a+b") as handle:
        while True:
            try:
                fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise EmbeddedServerError(
                        f"timed out after {timeout:.0f} s waiting for {paths.lock}: another "
                        "stackscout command is starting or stopping the database server"
                    ) from None
                time.sleep(_POLL)
        try:
            yield
        finally:
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)


def _read_state(paths: ServerPaths) -> ServerState | None:
    try:
        raw = json.loads(paths.state.read_text(encoding="utf-8"))
        return ServerState(**raw)
    except FileNotFoundError:
        return None
    except (ValueError, TypeError) as exc:
        logger.warning("ignoring unreadable %s: %s", paths.state, exc)
        return None


def _write_state(paths: ServerPaths, state: ServerState) -> None:
    tmp = paths.state.with_suffix(".json.tmp")
    tmp.write_text(json.dumps(asdict(state), indent=2) + "\n", encoding="utf-8")
    tmp.replace(paths.state)


def _clear_state(paths: ServerPaths) -> None:
    paths.state.unlink(missing_ok=True)


# --------------------------------------------------------------------------- processes


def _pid_alive(pid: int) -> bool:
    with _CHILDREN_LOCK:
        child = _CHILDREN.get(pid)
    if child is not None:
        if child.poll() is None:
            return True
        with _CHILDREN_LOCK:
            _CHILDREN.pop(pid, None)
        return False
    return pid_alive(pid)


def _cmdline(pid: int) -> list[str] | None:
    """The argv of *pid*, or None where /proc is not available."""
    try:
        raw = Path(f"/proc/{pid}/cmdline").read_bytes()
    except FileNotFoundError:
        return None if not Path("/proc/self").exists() else []
    except OSError:
        return []
    return [part.decode(errors="replace") for part in raw.split(b"\0") if part]


def _is_our_server(pid: int, storage: Path) -> bool:
    """Whether *pid* is a SecantusDB serving *storage* (guards against reused pids)."""
    if not _pid_alive(pid):
        return False
    argv = _cmdline(pid)
    if argv is None:  # no /proc (macOS): the ping on the recorded port decides
        return True
    return any("secantus" in arg for arg in argv) and str(storage) in argv


def _servers_using(storage: Path) -> list[int]:
    """Pids of SecantusDB processes whose command line names *storage* (Linux only)."""
    found: list[int] = []
    for entry in Path("/proc").glob("[0-9]*"):
        argv = _cmdline(int(entry.name)) or []
        if str(storage) in argv and any("secantus" in arg for arg in argv):
            found.append(int(entry.name))
    return found


def _signal(pid: int, signum: signal.Signals) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signum)


@functools.cache
def _tgkill() -> Callable[[int, int, int], int] | None:
    """libc's ``tgkill`` (Linux, glibc >= 2.30 or musl), or None."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        func = ctypes.CDLL(None, use_errno=True).tgkill
    except (OSError, AttributeError):
        return None
    func.argtypes = (ctypes.c_int, ctypes.c_int, ctypes.c_int)
    func.restype = ctypes.c_int
    tgkill: Callable[[int, int, int], int] = func
    return tgkill


def _signal_main_thread(pid: int, signum: signal.Signals) -> None:
    """Signal the main thread of *pid*, where CPython runs signal handlers."""
    tgkill = _tgkill()
    if tgkill is None:
        _signal(pid, signum)
    elif tgkill(pid, pid, int(signum)) != 0 and ctypes.get_errno() != errno.ESRCH:
        _signal(pid, signum)  # e.g. EPERM: let os.kill raise or deliver it


def _wait_dead(pid: int, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while _pid_alive(pid):
        if time.monotonic() >= deadline:
            return False
        time.sleep(_POLL)
    return True


def _terminate(pid: int, port: int, timeout: float) -> None:
    """SIGTERM (re-sent while the port still listens), then SIGKILL after *timeout*."""
    start = time.monotonic()
    last_signal = start
    _signal_main_thread(pid, signal.SIGTERM)
    while _pid_alive(pid):
        now = time.monotonic()
        if now - start >= timeout:
            logger.warning("server pid %s did not stop in %.1f s; sending SIGKILL", pid, timeout)
            _signal(pid, signal.SIGKILL)
            if not _wait_dead(pid, _KILL_WAIT):
                raise EmbeddedServerError(f"server pid {pid} survived SIGKILL")
            return
        # The poke wakes the accept thread; a port that still accepts a second
        # after the signal means the handler never ran, so signal again.
        if _accepting(port) and now - last_signal >= _RESIGNAL_AFTER:
            logger.debug("server pid %s ignored SIGTERM; sending it again", pid)
            _signal_main_thread(pid, signal.SIGTERM)
            last_signal = now
        time.sleep(_POLL)
    logger.debug("server pid %s exited %.2f s after SIGTERM", pid, time.monotonic() - start)


# --------------------------------------------------------------------------- network


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        port: int = sock.getsockname()[1]
        return port


def _accepting(port: int, host: str = HOST) -> bool:
    try:
        with socket.create_connection((host, port), timeout=0.5):
            return True
    except OSError:
        return False


def ping(uri: str, timeout: float = 2.0) -> bool:
    """Whether a server answers ``ping`` at *uri* within *timeout* seconds."""
    ms = max(int(timeout * 1000), 100)
    client: MongoClient[dict[str, Any]] = MongoClient(
        uri, serverSelectionTimeoutMS=ms, connectTimeoutMS=ms, socketTimeoutMS=ms
    )
    try:
        client.admin.command("ping")
    except PyMongoError as exc:
        logger.debug("ping %s failed: %s", uri, exc)
        return False
    finally:
        client.close()
    return True


# --------------------------------------------------------------------------- spawning


def _command(storage: str, port: int, config: Path) -> list[str]:
    # ``python -m secantus`` is the ``secantusd-py`` console script's entry point
    # (secantus.cli:main) run by this very interpreter: no PATH lookup, same venv.
    options = {
        "--config": str(config),
        "--host": HOST,
        "--port": str(port),
        "--storage-path": storage,
        "--log-level": "INFO",
    }
    return [sys.executable, "-m", "secantus", *(x for pair in options.items() for x in pair)]


def _rotate_log(log_path: Path) -> None:
    with contextlib.suppress(FileNotFoundError):
        if log_path.stat().st_size > _LOG_ROTATE_BYTES:
            log_path.replace(log_path.with_name(log_path.name + ".1"))


def _spawn(
    storage: str, port: int, log_path: Path, config: Path, *, detach: bool
) -> subprocess.Popen[bytes]:
    """Start a server process writing to *log_path*; *detach* puts it in its own session."""
    with log_path.open("ab") as log:
        proc = subprocess.Popen(
            _command(storage, port, config),
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            cwd=config.parent,
            start_new_session=detach,
            close_fds=True,
        )
    with _CHILDREN_LOCK:
        _CHILDREN[proc.pid] = proc
    logger.debug("spawned secantus pid %s on port %s (storage %s)", proc.pid, port, storage)
    return proc


def _forget(proc: subprocess.Popen[bytes]) -> None:
    with _CHILDREN_LOCK:
        _CHILDREN.pop(proc.pid, None)


def _log_tail(log_path: Path, offset: int) -> str:
    try:
        with log_path.open("rb") as handle:
            handle.seek(offset)
            text = handle.read().decode(errors="replace")
    except OSError:
        return ""
    return "\n".join(text.splitlines()[-_LOG_TAIL_LINES:])


def _start_error(reason: str, log_path: Path, offset: int) -> ServerStartError:
    tail = _log_tail(log_path, offset)
    detail = f"\n--- last lines of {log_path} ---\n{tail}" if tail else ""
    return ServerStartError(
        f"the embedded database server (SecantusDB) could not start: {reason}. "
        f"See its log: {log_path}{detail}"
    )


def _wait_ready(
    proc: subprocess.Popen[bytes], port: int, log_path: Path, offset: int, deadline: float
) -> None:
    """Block until the server answers a ping; raise ServerStartError if it exits or stalls."""
    while True:
        code = proc.poll()
        if code is not None:
            _forget(proc)
            raise _start_error(f"the server process exited with code {code}", log_path, offset)
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            _terminate(proc.pid, port, timeout=_KILL_WAIT)
            _forget(proc)
            raise _start_error("it did not answer within the timeout", log_path, offset)
        answered = _accepting(port) and ping(build_uri(port), timeout=min(0.5, remaining))
        if answered and proc.poll() is None:  # our process answered, not a port thief
            return
        time.sleep(_POLL)


def _port_taken(log_path: Path, offset: int) -> bool:
    return "Address already in use" in _log_tail(log_path, offset)


def _launch(
    storage: str, port: int | None, log_path: Path, config: Path, *, detach: bool, deadline: float
) -> tuple[subprocess.Popen[bytes], int]:
    """Spawn and wait for a server; retry on another free port if one was stolen."""
    attempts = 1 if port else _PORT_RETRIES
    for attempt in range(1, attempts + 1):
        chosen = port or _free_port()
        _rotate_log(log_path)
        offset = log_path.stat().st_size if log_path.exists() else 0
        proc = _spawn(storage, chosen, log_path, config, detach=detach)
        try:
            _wait_ready(proc, chosen, log_path, offset, deadline)
        except ServerStartError:
            if attempt < attempts and _port_taken(log_path, offset):
                logger.info("port %s was taken before the server bound it; retrying", chosen)
                continue
            raise
        return proc, chosen
    raise AssertionError("unreachable")  # pragma: no cover


# --------------------------------------------------------------------------- daemon API


def _configured_port() -> int | None:
    raw = os.environ.get("STACKSCOUT_DB_PORT", "").strip()
    if not raw:
        return None
    try:
        return int(raw)
    except ValueError:
        raise EmbeddedServerError(f"STACKSCOUT_DB_PORT is not a port number: {raw!r}") from None


def _live_state(paths: ServerPaths) -> ServerState | None:
    """The recorded server if its pid is alive and is our SecantusDB process."""
    state = _read_state(paths)
    if state is None:
        return None
    if _is_our_server(state.pid, paths.db):
        return state
    logger.debug("%s names pid %s, which is not running this database", paths.state, state.pid)
    return None


def _reuse(paths: ServerPaths, deadline: float, port: int | None) -> str | None:
    """URI of a recorded, answering server; clears stale state and stops a hung one."""
    state = _live_state(paths)
    if state is None:
        if paths.state.exists():
            logger.info("removing stale %s (its server is not running)", paths.state)
            _clear_state(paths)
        return None
    uri = build_uri(state.port, state.host)
    if ping(uri, timeout=max(0.5, min(5.0, deadline - time.monotonic()))):
        if port and port != state.port:
            logger.warning("database server already runs on port %s, not %s", state.port, port)
        if state.version != server_version():
            logger.info(
                "running server is secantusdb %s; installed %s (stop it to upgrade)",
                state.version,
                server_version(),
            )
        return uri
    logger.warning("server pid %s does not answer on port %s; restarting it", state.pid, state.port)
    _terminate(state.pid, state.port, timeout=_KILL_WAIT)
    _clear_state(paths)
    return None


def _start_daemon(paths: ServerPaths, port: int | None, deadline: float) -> ServerState:
    others = _servers_using(paths.db)
    if others:
        raise ServerStartError(
            f"{paths.db} is already in use by process(es) {others} that {paths.state} does "
            f"not record; stop them (kill {' '.join(map(str, others))}) and retry. "
            f"Log: {paths.log}"
        )
    proc, chosen = _launch(
        str(paths.db), port, paths.log, paths.config, detach=True, deadline=deadline
    )
    state = ServerState(
        pid=proc.pid,
        port=chosen,
        started_at=dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        version=server_version(),
        host=HOST,
        storage=str(paths.db),
    )
    _write_state(paths, state)
    logger.info("started database server pid %s on %s:%s (%s)", proc.pid, HOST, chosen, paths.db)
    return state


def ensure_running(
    home: Path | None = None, timeout: float = 30, *, port: int | None = None
) -> str:
    """Return the URI of the embedded server for *home*, starting it if needed.

    A recorded server is reused only if its pid is alive, is a SecantusDB on this
    data directory and answers a ping; stale records are removed. *port* (or
    ``STACKSCOUT_DB_PORT``) fixes the port of a new server; otherwise a free one is
    used. Raises :class:`ServerStartError` (naming the log file) on failure.
    """
    paths = _prepare(home)
    deadline = time.monotonic() + timeout
    wanted = port if port is not None else _configured_port()
    with _locked(paths, timeout):
        reused = _reuse(paths, deadline, wanted)
        if reused is not None:
            logger.debug("reusing database server at %s", reused)
            return reused
        state = _start_daemon(paths, wanted, deadline)
    return build_uri(state.port, state.host)


def stop(home: Path | None = None, timeout: float = 15) -> bool:
    """Stop the embedded server of *home*; return whether one was running.

    Sends SIGTERM (a graceful WiredTiger close) and SIGKILL if it has not exited
    after *timeout* seconds; the journal makes even that safe for committed writes.
    """
    paths = ServerPaths(data_dir(home))
    if not paths.home.exists():
        return False
    with _locked(paths, timeout + 30):
        state = _live_state(paths)
        _clear_state(paths)
        if state is None:
            return False
        started = time.monotonic()
        _terminate(state.pid, state.port, timeout)
        with _CHILDREN_LOCK:
            _CHILDREN.pop(state.pid, None)
        logger.info(
            "stopped database server pid %s in %.2f s", state.pid, time.monotonic() - started
        )
    return True


def _disk_usage(path: Path) -> int:
    total = 0
    for root, _dirs, files in os.walk(path):
        for name in files:
            with contextlib.suppress(OSError):
                total += (Path(root) / name).stat().st_size
    return total


def status(home: Path | None = None) -> dict[str, Any]:
    """Describe the embedded server of *home* (running, pid, port, uri, paths, size)."""
    paths = ServerPaths(data_dir(home))
    state = _live_state(paths) if paths.home.exists() else None
    running = state is not None and ping(build_uri(state.port, state.host), timeout=2.0)
    return {
        "running": running,
        "pid": state.pid if state and running else None,
        "port": state.port if state and running else None,
        "uri": build_uri(state.port, state.host) if state and running else None,
        "started_at": state.started_at if state and running else None,
        "version": state.version if state and running else server_version(),
        "data_dir": str(paths.home),
        "db_path": str(paths.db),
        "log_path": str(paths.log),
        "size_bytes": _disk_usage(paths.db),
    }


def uri(home: Path | None = None) -> str | None:
    """URI of the running embedded server of *home*, or None (never starts one)."""
    paths = ServerPaths(data_dir(home))
    state = _live_state(paths) if paths.home.exists() else None
    if state is None:
        return None
    candidate = build_uri(state.port, state.host)
    return candidate if ping(candidate) else None


# --------------------------------------------------------------------------- ephemeral


class EmbeddedServer:
    """A private server process for tests: ``with EmbeddedServer() as srv: srv.uri``.

    *storage* is ``":memory:"`` (nothing on disk) or a directory. The process is
    not detached, runs on a free port (or *port*) and is stopped on exit. Its log
    goes to a temporary directory that is removed after a clean stop and kept
    (named in the error) when the server fails to start.
    """

    def __init__(
        self, storage: str | Path = MEMORY, *, port: int | None = None, timeout: float = 30
    ) -> None:
        self.storage = storage if storage == MEMORY else str(Path(storage).resolve())
        self.timeout = timeout
        self._wanted_port = port
        self._port = port
        self._proc: subprocess.Popen[bytes] | None = None
        self._workdir: Path | None = None

    @property
    def port(self) -> int:
        if self._proc is None or self._port is None:
            raise EmbeddedServerError("EmbeddedServer is not started")
        return self._port

    @property
    def pid(self) -> int:
        if self._proc is None:
            raise EmbeddedServerError("EmbeddedServer is not started")
        return self._proc.pid

    @property
    def uri(self) -> str:
        return build_uri(self.port)

    @property
    def log_path(self) -> Path | None:
        return self._workdir / LOG_NAME if self._workdir else None

    def start(self) -> str:
        """Start the process and return its URI."""
        if self._proc is not None:
            return self.uri
        self._workdir = Path(tempfile.mkdtemp(prefix="stackscout-db-"))
        config = self._workdir / CONFIG_NAME
        config.write_text(_CONFIG_TEXT, encoding="utf-8")
        deadline = time.monotonic() + self.timeout
        log_path = self._workdir / LOG_NAME
        self._proc, self._port = _launch(
            self.storage, self._port, log_path, config, detach=False, deadline=deadline
        )
        logger.debug("embedded server pid %s at %s", self._proc.pid, self.uri)
        return self.uri

    def stop(self, timeout: float = 15) -> None:
        """Stop the process (SIGTERM, SIGKILL after *timeout*) and remove its log."""
        proc, self._proc = self._proc, None
        if proc is not None and self._port is not None:
            _terminate(proc.pid, self._port, timeout)
            _forget(proc)
        if self._workdir is not None:
            shutil.rmtree(self._workdir, ignore_errors=True)
            self._workdir = None
        self._port = self._wanted_port

    def __enter__(self) -> Self:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()
