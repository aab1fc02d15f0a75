"""Servers of a test's (or the fault harness's) own, to kill, pause and restart at will.

Never the shared PostgreSQL on 5432 or Redis on 6379: these run on free ports under a
temporary folder and are stopped by whoever started them.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import time
from pathlib import Path

import redis as redis_lib


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until(check, timeout: float = 20.0, what: str = "a server") -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if check():
                return
        except Exception:
            pass
        time.sleep(0.05)
    raise TimeoutError(f"{what} did not come up in {timeout} s")


class OwnRedis:
    """A redis-server without persistence: killed and started again, it comes back empty."""

    def __init__(self, port: int | None = None) -> None:
        self.port = port or free_port()
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> OwnRedis:
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no", "--loglevel", "warning"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
        wait_until(lambda: redis_lib.Redis(port=self.port, socket_timeout=1).ping(),
                   what="redis-server")
        return self

    def kill(self) -> None:
        """SIGKILL: whatever it held is gone."""
        if self.process is not None:
            self.process.kill()
            self.process.wait()
            self.process = None

    def pause(self) -> None:
        """SIGSTOP: it keeps accepting connections and never answers."""
        os.kill(self.process.pid, signal.SIGSTOP)

    def resume(self) -> None:
        os.kill(self.process.pid, signal.SIGCONT)

    def stop(self) -> None:
        if self.process is not None:
            self.resume()
            self.kill()


class OwnPostgres:
    """A PostgreSQL cluster made with initdb under a temporary folder, on its own port."""

    def __init__(self, folder: Path, port: int | None = None) -> None:
        self.folder = folder
        self.data = folder / "data"
        self.port = port or free_port()

    def url(self, database: str = "postgres") -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/{database}"

    def _run(self, *args: str) -> None:
        # initdb and pg_ctl refuse to run as root: run them as the postgres user then.
        prefix = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        subprocess.run([*prefix, *args], check=True, stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL)

    def start(self) -> OwnPostgres:
        if not self.data.exists():
            self.folder.mkdir(parents=True, exist_ok=True)
            if os.geteuid() == 0:
                shutil.chown(self.folder, "postgres", "postgres")
            self._run(pg_bin("initdb"), "-D", str(self.data), "-U", "postgres",
                      "--auth=trust", "--no-sync", "-E", "UTF8")
        self._run(pg_bin("pg_ctl"), "-D", str(self.data), "-l", str(self.folder / "log"),
                  "-w", "-o", f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1 "
                  "-c fsync=off -c max_connections=200 -c shared_buffers=32MB", "start")
        return self

    def stop(self, mode: str = "fast") -> None:
        self._run(pg_bin("pg_ctl"), "-D", str(self.data), "-m", mode, "-w", "stop")

    def restart(self) -> None:
        self.stop()
        self.start()


def pg_bin(name: str) -> str:
    """The path of a PostgreSQL program (Debian keeps them out of PATH)."""
    found = shutil.which(name)
    if found:
        return found
    versions = sorted(Path("/usr/lib/postgresql").glob("*/bin"))
    return str(versions[-1] / name) if versions else name


def app_env(app, **overrides: object) -> dict[str, str]:
    """The environment that gives a `flask` subprocess (worker, scheduler, gunicorn) the
    settings of a test's app that differ from the defaults, plus `overrides`. Lists go as
    comma-separated names, mappings as JSON."""
    import json

    from bot.config import Settings

    settings = {key: app.config[key] for key, field in Settings.model_fields.items()
                if app.config[key] != field.get_default(call_default_factory=True)}
    settings.update(overrides)
    env = dict(os.environ)
    for key, value in settings.items():
        if value is None:
            env.pop(key, None)
        elif isinstance(value, dict):
            env[key] = json.dumps(value)
        elif isinstance(value, list | tuple):
            env[key] = ",".join(map(str, value))
        else:
            env[key] = str(value).lower() if isinstance(value, bool) else str(value)
    return env


def kill_with_children(pid: int) -> None:
    """SIGKILL a process and its children (an RQ worker and its work horse, which RQ puts in
    a session of its own)."""
    try:
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except FileNotFoundError:
        return  # it has ended already
    for child in children:
        with contextlib.suppress(ProcessLookupError):
            os.kill(int(child), signal.SIGKILL)
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGKILL)
