"""The fault harness's own Saathi: PostgreSQL, Redis, gunicorn, RQ workers, the scheduler, a
media host and a payout provider, all on free ports under one temporary folder — and the
faults: kill, pause and restart them. Nothing here touches the shared 5432 / 6379 servers."""

from __future__ import annotations

import base64
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

import psycopg

from tests.httpstub import StubServer
from tests.redeem.razorpayx import FakeRazorpayX, provider_config
from tests.services import OwnPostgres, OwnRedis, free_port, kill_with_children, wait_until

ROOT = Path(__file__).resolve().parent.parent
TOKEN = "faults-auth-token-0123456789abcdef"
BASE_URL = "https://saathi.faults"
ADMIN_TOKEN = "faults-admin-token"
LOGS = ROOT / "bench" / "out" / "faults"

PII_KEY = base64.b64encode(b"faults-pii-key-32-bytes-long!!!!").decode()  # AES-256


class Stack:
    """Start everything with `with Stack(...) as stack:`; every process is stopped after."""

    def __init__(self, *, workers: int, web_workers: int, threads: int,
                 settings: dict[str, object] | None = None) -> None:
        self.folder = Path(tempfile.mkdtemp(prefix="saathi-faults-"))
        self.folder.chmod(0o755)  # PostgreSQL's own user must reach its data folder in it
        self.counts = {"workers": workers, "web_workers": web_workers, "threads": threads}
        self.settings = {key: str(value) for key, value in (settings or {}).items()}
        self.postgres = OwnPostgres(self.folder / "pg")
        self.redis = OwnRedis()
        self.media: dict[str, bytes] = {}
        self.spare_photos: list[tuple[str, str]] = []  # (phone, media URL) for faults
        self.media_host = StubServer(self._serve_media)
        self.canary = StubServer(lambda request: (200, {"Content-Type": "image/jpeg"}, b"x"))
        self.payouts = FakeRazorpayX(initial_status="processed")
        self.web: subprocess.Popen | None = None
        self.workers: list[subprocess.Popen | None] = []
        self.scheduler: subprocess.Popen | None = None
        self.port = free_port()
        self.lock = threading.Lock()

    # -- set up -----------------------------------------------------------------------------
    def __enter__(self) -> Stack:
        self.postgres.start()
        with psycopg.connect(self.postgres.url(), autocommit=True) as admin:
            admin.execute('CREATE DATABASE "saathi"')
        self.redis.start()
        self.media_host.__enter__()
        self.canary.__enter__()
        self.payouts.__enter__()
        return self

    def __exit__(self, *exc) -> None:
        # All are told to stop at once, then each gets the rest of 15 s to finish (a warm
        # shutdown each in turn took up to a quarter of a minute).
        running = [process for process in [self.web, self.scheduler, *self.workers]
                   if process is not None and process.poll() is None]
        for process in running:
            process.terminate()
        deadline = time.monotonic() + 15
        for process in running:
            try:
                process.wait(max(0.0, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                kill_with_children(process.pid)
                process.wait()
        self.media_host.__exit__(*exc)
        self.canary.__exit__(*exc)
        self.payouts.__exit__(*exc)
        self.redis.stop()
        try:
            self.postgres.stop("immediate")
        finally:
            LOGS.mkdir(parents=True, exist_ok=True)
            for log in self.folder.glob("*.log"):  # kept for a look after the run
                shutil.copy(log, LOGS / log.name)
            shutil.rmtree(self.folder, ignore_errors=True)

    @property
    def database_url(self) -> str:
        return self.postgres.url("saathi").replace("postgresql://", "postgresql+psycopg://")

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def env(self) -> dict[str, str]:
        """The settings every process of this Saathi gets."""
        media = self.media_host.url
        settings = {
            "DATABASE_URL": self.database_url, "REDIS_URL": self.redis.url,
            "RQ_QUEUE": "faults", "TWILIO_AUTH_TOKEN": TOKEN, "PUBLIC_BASE_URL": BASE_URL,
            "SECRET_KEY": "faults-secret", "QR_SIGNING_KEYS": json.dumps({"k1": "faults-qr"}),
            "LEDGER_SEAL_KEY": "faults-seal", "ADMIN_TOKEN": ADMIN_TOKEN,
            "PII_KEYS": json.dumps({"f1": PII_KEY}), "PII_KEY_ID": "f1",
            "PII_HASH_KEY": "faults-pii-hash",
            "MEDIA_DIR": str(self.folder / "media"), "SIMULATOR_ENABLED": "false",
            # The media allow-list (issue 14, item 1): this run's media host is on loopback.
            # Unknown to a Saathi without the list, and ignored there.
            "TWILIO_MEDIA_HOSTS": json.dumps([media]),
            "TWILIO_MEDIA_AUTH_HOSTS": json.dumps([]),
            "MEDIA_FETCH_PRIVATE_NETWORKS": json.dumps(["127.0.0.1/32"]),
            **{key: str(value) for key, value in provider_config(self.payouts.url).items()},
            "PAYOUT_WAIT_SECONDS": "5",
            **self.settings,
        }
        return {**os.environ, **settings}

    def flask(self, *args: str, check: bool = False, timeout: float = 120
              ) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "flask", "--app", "app", *args], cwd=ROOT,
                              env=self.env(), capture_output=True, text=True, check=check,
                              timeout=timeout)

    def start_processes(self) -> None:
        self.web = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-w", str(self.counts["web_workers"]),
             "-k", "gthread", "--threads", str(self.counts["threads"]), "-b",
             f"127.0.0.1:{self.port}", "--graceful-timeout", "2", "app:create_app()"],
            cwd=ROOT, env=self.env(), stdout=subprocess.DEVNULL,
            stderr=(self.folder / "web.log").open("w"))
        self.workers = [self._worker(n) for n in range(self.counts["workers"])]
        self.scheduler = self._spawn("scheduler", "scheduler")
        wait_until(lambda: urllib.request.urlopen(self.url + "/healthz", timeout=2),
                   timeout=90, what="gunicorn")

    def _spawn(self, name: str, *args: str) -> subprocess.Popen:
        return subprocess.Popen([sys.executable, "-m", "flask", "--app", "app", *args],
                                cwd=ROOT, env=self.env(), stdout=subprocess.DEVNULL,
                                stderr=(self.folder / f"{name}.log").open("a"),
                                start_new_session=True)

    def _worker(self, n: int) -> subprocess.Popen:
        return self._spawn(f"worker{n}", "worker")

    def _serve_media(self, request) -> tuple[int, dict, bytes]:
        if request.path == "/Media/redirect":  # an allowed host sending the fetch inside
            return 302, {"Location": self.canary.url + "/redirected"}, b""
        body = self.media.get(request.path)
        if body is None:
            return 404, {}, b""
        return 200, {"Content-Type": "image/jpeg"}, body

    def put_media(self, name: str, data: bytes) -> str:
        self.media[f"/Media/{name}"] = data
        return f"{self.media_host.url}/Media/{name}"

    # -- faults -----------------------------------------------------------------------------
    def kill_worker(self, restart_after: float = 1.0) -> None:
        """SIGKILL an RQ worker (and its work horse) in the middle of a job if one is busy
        within 10 s; a supervisor starts it again."""
        busy = self._busy_worker(wait=10)
        n = next((n for n, p in enumerate(self.workers) if p.pid == busy), 0)
        kill_with_children(self.workers[n].pid)
        self.workers[n].wait()
        time.sleep(restart_after)
        self.workers[n] = self._worker(n)

    def _busy_worker(self, wait: float) -> int | None:
        from redis import Redis
        from redis.exceptions import RedisError
        from rq import Worker

        deadline = time.monotonic() + wait
        while time.monotonic() < deadline:
            try:
                connection = Redis.from_url(self.redis.url, socket_timeout=2)
                busy = [w.pid for w in Worker.all(connection=connection)
                        if w.get_state() == "busy"]
            except RedisError:  # Redis is being restarted: any worker will do
                return None
            if busy:
                return busy[0]
            time.sleep(0.1)
        return None

    def kill_redis(self, down_for: float = 2.0) -> None:
        """SIGKILL Redis and start it again empty (no persistence)."""
        self.redis.kill()
        time.sleep(down_for)
        self.redis.start()

    def pause_redis(self, seconds: float = 3.0) -> None:
        self.redis.pause()
        time.sleep(seconds)
        self.redis.resume()

    def restart_postgres(self) -> None:
        self.postgres.stop("fast")
        self.postgres.start()

    def kill_web_worker(self) -> None:
        """SIGKILL one gunicorn worker mid-request; gunicorn's master starts another."""
        children = Path(f"/proc/{self.web.pid}/task/{self.web.pid}/children").read_text()
        os.kill(int(children.split()[0]), signal.SIGKILL)

    def logs(self, name: str) -> list[str]:
        path = self.folder / f"{name}.log"
        return path.read_text(errors="replace").splitlines() if path.exists() else []
