"""Fixtures: a fresh app on a fresh database (SQLite and PostgreSQL), a signed Twilio client,
a frozen clock and Redis. In CI (CI=true) a missing PostgreSQL or Redis fails the run.

Markers are given here, by folder and name (MARKS), so that `make test-fast` can leave out
what is slow: `postgres` and `redis` (the test uses that service), `ocr` (reads images),
`fault` (kills processes, races between processes), `property` (random operations),
`browser` (drives a real browser), and `slow` for all of those and the other slow ones."""

from __future__ import annotations

import copy
import functools
import gc
import hashlib
import itertools
import os
import pickle
import re
import shutil
import signal
import tempfile
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import CodeType
from typing import TYPE_CHECKING, TypeVar
from xml.etree import ElementTree

import flask
import jinja2
import jinja2.bccache
import pytest
from _pytest.mark.expression import Expression
from twilio.request_validator import RequestValidator
from werkzeug.routing import Rule

from tests.mediahost import media_host

if TYPE_CHECKING:
    from sqlalchemy import Engine

    from models.invoices.read import InvoiceRead

T = TypeVar("T")
MEMORY_DISK = Path("/dev/shm")


def _temp_in_memory() -> None:
    """The run's temporary files (every test's SQLite database, copied from the schema at each
    test; media, exports) in memory where the machine has a roomy tmpfs and TMPDIR says
    nothing: on a disk, each SQLite checkpoint and close waits for its fsyncs (about four a
    test, 2 to 7 ms each on this machine's /tmp). The xdist workers, and any process a test
    starts, inherit the setting."""
    if "TMPDIR" in os.environ or not os.access(MEMORY_DISK, os.W_OK | os.X_OK):
        return
    if shutil.disk_usage(MEMORY_DISK).free >= 2 << 30:
        os.environ["TMPDIR"] = str(MEMORY_DISK)
        tempfile.tempdir = None  # gettempdir() looks again


_temp_in_memory()
PG_ADMIN = os.environ.get("TEST_PG_ADMIN", "postgresql://127.0.0.1:5432/test")
REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
IN_CI = os.environ.get("CI", "").lower() == "true"
AUTH_TOKEN = "test-auth-token-0123456789abcdef"
BASE_URL = "https://saathi.test"


class _SharedBuilderRule(Rule):
    """A URL rule parsed, and its two URL-builder functions compiled, once per process, not
    once per app. Werkzeug compiles the builders from an AST for every rule of every new app
    (130 ms of each test's 150 ms create_app) and parses the rule with a regular expression a
    path segment (half of the 18 ms left); the suite makes thousands of apps from the same
    rules. A builder depends only on the rule's text, host, defaults and mode, which make the
    key; the parse on the text, host, mode and the map's converter classes. Converters keep
    no state: the first app's serve every app."""

    _builders: dict[tuple, object] = {}
    _parsed: dict[tuple, tuple] = {}

    def compile(self) -> None:
        key = (self.rule, self.subdomain, self.host, self.merge_slashes,
               self.map.host_matching, tuple(self.map.converters.items()))
        parsed = self._parsed.get(key)
        if parsed is None:
            super().compile()
            self._parsed[key] = (tuple(self._parts), tuple(self._trace), dict(self._converters))
            return
        parts, trace, converters = parsed
        self._parts, self._trace, self._converters = list(parts), list(trace), dict(converters)
        self.arguments.update(converters)
        self._build = self._compile_builder(False).__get__(self, None)
        self._build_unknown = self._compile_builder(True).__get__(self, None)

    def _compile_builder(self, append_unknown: bool = True):
        key = (self.rule, self.subdomain, self.host, self.merge_slashes,
               self.map.host_matching, repr(sorted((self.defaults or {}).items())), append_unknown)
        builder = self._builders.get(key)
        if builder is None:
            builder = self._builders[key] = super()._compile_builder(append_unknown)
        return builder


flask.Flask.url_rule_class = _SharedBuilderRule


class _SharedTemplateCode(jinja2.BytecodeCache):
    """Each template compiled once per process, not once per app (15 ms a page, most of an
    admin test's first request). Every test app's Jinja environment has the same settings,
    so a template's code depends only on its source, which the checksum compares."""

    def __init__(self) -> None:
        self._code: dict[str, tuple[str | None, CodeType]] = {}

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        checksum, code = self._code.get(bucket.key, (None, None))
        if code is not None and checksum == bucket.checksum:
            bucket.code = code

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        if bucket.code is not None:
            self._code[bucket.key] = (bucket.checksum, bucket.code)


flask.Flask.jinja_options = {**flask.Flask.jinja_options, "bytecode_cache": _SharedTemplateCode()}

_SETTINGS: dict[str, dict] = {}


# Settings each test gives its own value, plain strings that no check reads: put in a copy
_PER_TEST_SETTINGS = ("RQ_QUEUE", "MEDIA_DIR")


def _settings_once(overrides: dict | None = None) -> dict:
    """The settings validated once per process for the same overrides and environment, not
    once per app (pydantic-settings reads and checks every field: a third of create_app).
    Each test's own RQ_QUEUE and MEDIA_DIR are put in a copy, and the name of the test that
    pytest puts in the environment is not part of the key (no setting reads it); a refusal is
    raised again each time, never kept."""
    given = dict(overrides or {})
    own = {name: given.pop(name) for name in _PER_TEST_SETTINGS if name in given}
    if not all(isinstance(own.get(name), str) for name in _PER_TEST_SETTINGS):
        return _load_settings(overrides)
    environ = {name: value for name, value in os.environ.items() if name != "PYTEST_CURRENT_TEST"}
    key = repr((sorted(given.items()), sorted(environ.items())))
    if key not in _SETTINGS:
        _SETTINGS[key] = _load_settings(given)
    return {**copy.deepcopy(_SETTINGS[key]), **own}


# The databases the tests' apps share (this process's SQLite file, this run's PostgreSQL one):
# their apps share one engine each, for its cache of compiled SQL. A new engine compiles every
# statement again, a third of a test's time; the file or database is emptied between tests.
_SHARED_URLS: set[str] = set()
_ENGINES: dict[tuple[int, str, int, str], Engine] = {}


def _engine_once(url: str, lock_timeout_ms: int = 10_000,
                 sqlite_synchronous: str = "FULL") -> Engine:
    if url not in _SHARED_URLS:
        return _make_engine(url, lock_timeout_ms, sqlite_synchronous)
    # by process: a test's forked child (the race tests) must not use its parent's pooled
    # connections, which are in the middle of the parent's transactions
    key = (os.getpid(), url, lock_timeout_ms, sqlite_synchronous)
    if key not in _ENGINES:
        _ENGINES[key] = _make_engine(url, lock_timeout_ms, sqlite_synchronous)
    return _ENGINES[key]



def _prepare_test_process() -> None:
    """Import the service and make the changes above, in each process that runs tests. The
    xdist controller runs none: it starts, then waits for its workers, which start only once
    it has loaded this file (the service's import is 2.5 s of CPU, then one core idle)."""
    global saathi_app, models, create_app, freeze_clock, current_engine, unit_of_work
    global ocr_read, psycopg, redis_lib, text, _load_settings, _make_engine
    import psycopg
    import redis as redis_lib
    from sqlalchemy import text

    import app as saathi_app
    import models
    import models.base
    import models.db
    from app import create_app
    from models.base import freeze_clock
    from models.db import engine as current_engine
    from models.db import unit_of_work
    from workers.ocr import read as ocr_read

    _load_settings, saathi_app.load_settings = saathi_app.load_settings, _settings_once
    _make_engine, models.db.make_engine = models.db.make_engine, _engine_once


def pytest_configure(config: pytest.Config) -> None:
    controller = (not hasattr(config, "workerinput") and config.getoption("dist", "no") != "no"
                  and not config.getoption("collectonly"))
    if not controller:
        _prepare_test_process()


TESTS = os.path.dirname(os.path.abspath(__file__))
# marker -> test files (relative to tests/) or single tests ("file::name") that carry it
MARKS: dict[str, tuple[str, ...]] = {
    "ocr": (
        "invoice/test_buyer.py", "invoice/test_categories.py", "invoice/test_duplicates.py",
        "invoice/test_einvoice_signature.py", "invoice/test_engines.py",
        "invoice/test_media_rq.py", "invoice/test_photos.py", "invoice/test_reader.py",
        "invoice/test_redis_lost.py", "invoice/test_rules.py", "invoice/test_total.py",
        "invoice/test_upload.py", "invoice/test_pdf_text.py::test_a_scanned_pdf_is_read_by_ocr",
        "invoice/test_pdf_text.py::test_a_scan_under_a_scanner_apps_own_ocr_text_is_read_by_our_ocr",
        "learn/test_journey.py", "scan/test_decode.py",
        "scan/test_webhook.py", "i18n/test_certificate_fonts.py",
    ),
    "fault": (
        "test_faults.py", "core/test_worker_killed.py", "core/test_job_processes.py",
        "core/test_inbox_sweep.py", "scan/test_gunicorn_killed.py", "enroll/test_join_race.py",
        "learn/test_race.py", "ledger/test_races.py", "redeem/test_race.py", "scan/test_race.py",
        "core/test_log_lines.py::test_under_gunicorn_every_stderr_line_is_one_json_object",
        "core/test_malformed.py::test_a_database_that_never_answers_still_gets_the_partner_a_"
        "reply_in_time",
    ),
    "property": ("ledger/test_properties.py", "sales/test_api_fuzz.py"),
    "browser": ("simulator/", "admin/test_browser.py"),
    "slow": (
        "i18n/test_no_english.py", "i18n/test_sms_segments.py", "ussd/test_screens.py",
        "core/test_startup.py",
        "core/test_cli_database.py::test_the_flask_command_itself_prints_one_line_not_a_traceback",
        "core/test_config.py::test_the_flask_command_prints_the_refusal_as_one_line",
        "privacy/test_sealed.py::test_the_migration_seals_the_upi_ids_stored_in_clear",
        # espeak-ng and ffmpeg make the program's 14 voice notes (9 s of their CPU)
        "voice/test_voice_prompts.py::test_voice_mode_speaks_menu_question_result_and_confirmation",
        "voice/test_voice_prompts.py::test_text_mode_and_sms_get_no_audio",
        # a forked process serving `flask rasa-actions` over HTTP
        "nlu/test_rasa.py::test_rasa_actions_command_serves_the_webhook_over_http",
    ),
}
SLOW_KINDS = ("ocr", "fault", "property", "browser")
PG_FIXTURES = {"pg_app", "pg_url", "_pg_schema"}


def _marks_for(item: pytest.Item) -> set[str]:
    path = os.path.relpath(str(item.path), TESTS).replace(os.sep, "/")
    name = f"{path}::{item.originalname}"
    found = {mark for mark, where in MARKS.items()
             if any(path.startswith(w) if "::" not in w else name == w for w in where)}
    params = getattr(item, "callspec", None)
    if PG_FIXTURES & set(item.fixturenames) or (params and "postgres" in params.id.split("-")):
        found.add("postgres")
    if "redis_url" in item.fixturenames:
        found.add("redis")
    if found & set(SLOW_KINDS):
        found.add("slow")
    return found


def pytest_ignore_collect(collection_path: Path, config: pytest.Config) -> bool | None:
    """A file or folder that MARKS marks whole, whose every test `-m` leaves out whatever
    other marks they carry (`make test-fast`: the OCR, browser, fault... files), is not even
    imported: the same tests run, without the seconds each test process took to import
    those modules and what they import."""
    markexpr = config.getoption("markexpr")
    where = os.path.relpath(collection_path, TESTS).replace(os.sep, "/") + "/"
    if not markexpr or where.startswith("../"):
        return None
    found = {mark for mark, places in MARKS.items()
             if any("::" not in place and where.startswith(place) for place in places)}
    if not found:
        return None
    if found & set(SLOW_KINDS):
        found.add("slow")
    expression = Expression.compile(markexpr)
    others = sorted(set(re.findall(r"[A-Za-z_][\w-]*", markexpr)) - found - {"and", "or", "not"})
    for count in range(len(others) + 1):
        for extra in itertools.combinations(others, count):
            if expression.evaluate(functools.partial(_carries, found, found | set(extra))):
                return None
    return True


def _carries(marks: set[str], could: set[str], name: str, /, **kwargs: object) -> bool:
    """Whether a test with `marks` (without arguments) and perhaps those in `could` matches
    `name(**kwargs)` of a `-m` expression."""
    return name in could and not (kwargs and name in marks)


# The longest tests, longest kind first (a minute or more each on a loaded machine), then
# the fast part's slowest (espeak-ng and ffmpeg making voice notes, a scikit-learn fit): run
# first, so that `-n 2` shares them out between its two processes at the start, and not one
# of them starting near the end while the other process has nothing left to do.
LONG_FIRST = ("test_faults.py", "i18n/test_no_english.py", "i18n/test_sms_segments.py",
              "scan/test_gunicorn_killed.py", "simulator/test_browser.py",
              "invoice/test_engines.py", "ledger/test_properties.py", "voice/",
              "nlu/test_understanding.py")


def _long_rank(item: pytest.Item) -> int:
    path = os.path.relpath(str(item.path), TESTS).replace(os.sep, "/")
    return next((n for n, where in enumerate(LONG_FIRST) if path.startswith(where)),
                len(LONG_FIRST))


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark every test by folder, name and the services its fixtures use (MARKS); put the
    longest first (LONG_FIRST), each file's tests in their order."""
    for item in items:
        for mark in _marks_for(item):
            item.add_marker(mark)
    items.sort(key=_long_rank)


@pytest.fixture(scope="session")
def run_folder(tmp_path_factory, worker_id: str) -> Path:
    """A folder of this test run that every xdist worker process shares."""
    base = tmp_path_factory.getbasetemp()
    return base if worker_id == "master" else base.parent


@pytest.fixture(scope="session", autouse=True)
def _each_page_read_once(run_folder: Path) -> Iterator[None]:
    """OCR takes seconds a page and its reading depends on the pixels alone: a page that
    several tests send (on SQLite and on PostgreSQL, in every language's walk) is read once
    per run, whichever worker process reads it first; each test gets its own copy."""
    folder = run_folder / "ocr-readings"
    folder.mkdir(exist_ok=True)
    scan = ocr_read.scan

    def scan_once(picture, mode: str = ocr_read.DEFAULT) -> InvoiceRead:
        key = hashlib.sha256(picture.tobytes())
        key.update(f"{picture.mode} {picture.size} {mode}".encode())
        path = folder / f"{key.hexdigest()}.pickle"
        if path.exists():
            return pickle.loads(path.read_bytes())
        read = scan(picture, mode)
        part = path.with_suffix(f".{os.getpid()}")
        part.write_bytes(pickle.dumps(read))
        part.replace(path)  # whole or not at all, for the other workers
        return read

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(ocr_read, "scan", scan_once)
        yield


@pytest.fixture(autouse=True)
def _signal_handlers_restored() -> Iterator[None]:
    """RQ's worker installs SIGINT/SIGTERM handlers and leaves them behind. A process forked
    later in the same test process (the race tests' pools) inherits them, ignores
    Pool.terminate() and hangs the run, so every test ends with the handlers it started with."""
    saved = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM)}
    yield
    for sig, handler in saved.items():
        signal.signal(sig, handler)


def _unavailable(what: str, exc: Exception) -> None:
    if IN_CI:
        pytest.fail(f"{what} is not reachable in CI: {exc}")
    pytest.skip(f"{what} not reachable: {exc}")


@pytest.fixture(scope="session")
def pg_url() -> Iterator[str]:
    """A database of this run's own on the local PostgreSQL, dropped at the end."""
    name = f"saathi_t_{os.getpid()}_{uuid.uuid4().hex[:6]}"
    try:
        admin = psycopg.connect(PG_ADMIN, autocommit=True, connect_timeout=5)
    except psycopg.OperationalError as exc:
        _unavailable("PostgreSQL", exc)
    admin.execute(f'CREATE DATABASE "{name}"')
    url = PG_ADMIN.rsplit("/", 1)[0] + f"/{name}"
    yield url.replace("postgresql://", "postgresql+psycopg://")
    admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    admin.close()


@pytest.fixture(params=["sqlite", "postgres"])
def empty_db_url(request, tmp_path) -> Iterator[str]:
    """The URL of a database with no tables (a fresh SQLite file or PostgreSQL database)."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'empty.db'}"
        return
    request.getfixturevalue("pg_url")  # PostgreSQL is there (or the test skips / fails in CI)
    name = f"saathi_empty_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(PG_ADMIN, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    yield PG_ADMIN.rsplit("/", 1)[0].replace("postgresql://", "postgresql+psycopg://") + f"/{name}"
    with psycopg.connect(PG_ADMIN, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="session")
def _pg_schema(pg_url: str) -> str:
    _SHARED_URLS.add(pg_url)
    app = create_app({"DATABASE_URL": pg_url})
    with app.app_context():
        models.metadata.create_all(current_engine())
    return pg_url


# The suite's own job functions: known to the job registry (and to worker subprocesses) as a
# plugin's would be, through the JOB_EXTRA_TARGETS setting.
TEST_JOBS = [f"tests.core.{name}" for name in (
    "test_durable_jobs.record_call", "test_durable_jobs.wait_for_release",
    "test_durable_jobs.fail_a_few_times", "test_job_processes.sleep_long",
    "test_jobs_rq.always_fails")]


PII_TEST_KEY = "dGVzdC1vbmx5LXBpaS1rZXktMzItYnl0ZXMtbG9uZyE="  # 32 bytes, base64


def app_config(tmp_path, **overrides) -> dict:
    """The settings every test app starts from (tests that build their own app use it too)."""
    return {
        "SECRET_KEY": "test", "TWILIO_AUTH_TOKEN": AUTH_TOKEN, "PUBLIC_BASE_URL": BASE_URL,
        "TWILIO_ACCOUNT_SID": "", "MEDIA_DIR": str(tmp_path / "media"), "REDIS_URL": "",
        "JOB_INPROCESS_BACKOFF": 0, "RQ_QUEUE": f"saathi-test-{uuid.uuid4().hex[:8]}",
        "SIMULATOR_ENABLED": True, "QR_SIGNING_KEYS": {"k1": "test-qr-key-1"},
        "PII_KEYS": {"t1": PII_TEST_KEY}, "PII_KEY_ID": "t1", "PII_HASH_KEY": "test-pii-hash",
        "TWILIO_MEDIA_HOSTS": [media_host().origin],
        "MEDIA_FETCH_PRIVATE_NETWORKS": ["127.0.0.1/32"],
        "PERIODIC_JOBS_IN_PROCESS": False, "VOICE_NOTES": False,
        "JOB_EXTRA_TARGETS": TEST_JOBS, "SQLITE_SYNCHRONOUS": "NORMAL",
        **overrides,
    }


def _empty_all() -> None:
    """Delete every row and start the ids at 1 again. On tables this small DELETE takes a few
    milliseconds where TRUNCATE of every table takes half a second."""
    with current_engine().begin() as conn:
        for table in reversed(models.metadata.sorted_tables):
            conn.execute(table.delete())
        for (sequence,) in conn.execute(text(
                "SELECT sequence_name FROM information_schema.sequences "
                "WHERE sequence_schema = current_schema()")).all():
            conn.execute(text(f'ALTER SEQUENCE "{sequence}" RESTART'))


@pytest.fixture(scope="session")
def _sqlite_schema(tmp_path_factory) -> Path:
    """An empty SQLite database with every table, made once; each test gets a copy."""
    path = tmp_path_factory.mktemp("schema") / "schema.db"
    app = create_app(app_config(path.parent, DATABASE_URL=f"sqlite:///{path}"))
    with app.app_context():
        models.metadata.create_all(current_engine())
        current_engine().dispose()
    return path


@pytest.fixture(scope="session")
def _sqlite_file(tmp_path_factory) -> Path:
    """The SQLite file this process's tests take turns with (its URL is in _SHARED_URLS)."""
    path = tmp_path_factory.getbasetemp() / "test.db"
    _SHARED_URLS.add(f"sqlite:///{path}")
    return path


def _fresh_sqlite(schema: Path, path: Path) -> None:
    """Replace `path` with a copy of the empty `schema`. The old file is unlinked first, with
    its WAL: a connection a test left open keeps the old file and never sees the new one."""
    for old in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        old.unlink(missing_ok=True)
    shutil.copyfile(schema, path)


# The shared SQLite file -> the builders whose rows it holds (none: the empty schema), and its
# size and time when it was left so (unchanged since, if they still match)
_STATE: dict[Path, tuple[tuple, tuple[int, int, bool]]] = {}
# those builders, one more, the time -> the SQLite file that one left, and its result
_BUILT: dict[tuple, tuple[Path, object]] = {}


def _stamp(path: Path) -> tuple[int, int, bool]:
    wal = path.with_name(path.name + "-wal")
    return path.stat().st_size, path.stat().st_mtime_ns, wal.exists() and wal.stat().st_size > 0


def built_once(build: Callable[[], T], *key: object) -> T:
    """`build()`'s rows in this test's SQLite database, built once per process: a later test
    whose database holds the same (the empty schema, or the rows of the same builders before)
    gets a copy of the database file the first test's build left, and a copy of its result.
    (The admin's world takes a tenth of a second to build.) The rows are the same as built
    again, but for the times they carry: those of the frozen clock, or of the same hour. A
    database written to otherwise, PostgreSQL, or a connection still out: it builds."""
    engine = current_engine()
    path = Path(engine.url.database or "")
    held = _STATE.get(path) if str(engine.url) in _SHARED_URLS else None
    if held is None or held[1] != _stamp(path) or engine.pool.checkedout():
        return build()
    engine.dispose()  # a connection left from an earlier test may still read the old file
    moment = models.base._frozen_now or datetime.now(UTC).strftime("%Y-%m-%d %H")
    rows = (*held[0], (build.__module__, build.__qualname__, moment, *key))
    if rows in _BUILT:
        template, result = _BUILT[rows]
        _fresh_sqlite(template, path)
        _STATE[path] = (rows, _stamp(path))
        return copy.deepcopy(result)
    result = build()
    if not engine.pool.checkedout():
        engine.dispose()  # the last connection closed writes the WAL into the file
        if not _stamp(path)[2]:
            template = path.with_name(f"built-{len(_BUILT)}.db")
            shutil.copyfile(path, template)
            _BUILT[rows] = (template, copy.deepcopy(result))
            _STATE[path] = (rows, _stamp(path))
    return result


def _make_app(backend: str, request, tmp_path):
    if backend == "sqlite":
        path = request.getfixturevalue("_sqlite_file")
        _fresh_sqlite(request.getfixturevalue("_sqlite_schema"), path)
        _STATE[path] = ((), _stamp(path))
        return create_app(app_config(tmp_path, DATABASE_URL=f"sqlite:///{path}"))
    url = request.getfixturevalue("_pg_schema")
    app = create_app(app_config(tmp_path, DATABASE_URL=url))
    with app.app_context():
        _empty_all()
    return app


@pytest.fixture(params=["sqlite", "postgres"])
def app(request, tmp_path):
    """A fresh app on a fresh database; every test using it runs on SQLite and PostgreSQL."""
    app = _make_app(request.param, request, tmp_path)
    with app.app_context():
        yield app
        current_engine().dispose()


@pytest.fixture
def pg_app(request, tmp_path):
    """A fresh app on PostgreSQL only (races between processes, row locks)."""
    app = _make_app("postgres", request, tmp_path)
    with app.app_context():
        yield app
        current_engine().dispose()


@pytest.fixture
def sqlite_app(request, tmp_path):
    """A fresh app on SQLite only, for what does not depend on the database (a test module
    overrides `app` with it)."""
    app = _make_app("sqlite", request, tmp_path)
    with app.app_context():
        yield app
        current_engine().dispose()


@pytest.fixture
def db(app):
    """A session in a unit of work (committed at the end of the test if nothing failed)."""
    with unit_of_work() as session:
        yield session


class Clock:
    def __init__(self, start: datetime) -> None:
        self.now = start
        freeze_clock(start)

    def advance(self, **delta: float) -> datetime:
        self.now += timedelta(**delta)
        freeze_clock(self.now)
        return self.now

    def set(self, moment: datetime) -> None:
        self.now = moment
        freeze_clock(moment)


@pytest.fixture
def clock() -> Iterator[Clock]:
    """Freeze utcnow() at 2026-03-12 10:00 UTC; `clock.advance(minutes=31)` moves it."""
    yield Clock(datetime(2026, 3, 12, 10, 0, tzinfo=UTC))
    freeze_clock(None)


def message_sid(label: str | None = None) -> str:
    """A MessageSid in Twilio's shape: random, or the same one for the same label."""
    return "SM" + (hashlib.md5(label.encode()).hexdigest() if label else uuid.uuid4().hex)


def sign(url: str, params: dict, token: str = AUTH_TOKEN) -> str:
    return RequestValidator(token).compute_signature(url, params)


class TwilioClient:
    """Send signed Twilio webhooks and read the TwiML replies."""

    def __init__(self, client) -> None:
        self.client = client
        self.count = 0

    def post(self, params: dict, path: str = "/webhooks/twilio", signed: bool = True):
        """POST like Twilio; closing the response runs in-process jobs, as a real server does."""
        headers = {"X-Twilio-Signature": sign(BASE_URL + path, params)} if signed else {}
        response = self.client.post(path, data=params, headers=headers)
        response.close()
        return response

    def send(self, phone: str, body: str = "", *, channel: str = "whatsapp",
             sid: str | None = None, **extra: str):
        self.count += 1
        sender = f"whatsapp:{phone}" if channel == "whatsapp" else phone
        params = {"From": sender, "To": "whatsapp:+14155238886", "Body": body,
                  "MessageSid": sid or message_sid(), "NumMedia": "0",
                  "AccountSid": "AC" + "0" * 32, **extra}
        return self.post(params)

    def chat(self, phone: str, body: str = "", **kwargs) -> list[str]:
        """Send a message and return the reply texts."""
        response = self.send(phone, body, **kwargs)
        assert response.status_code == 200, response.data
        return replies_of(response)


def replies_of(response) -> list[str]:
    root = ElementTree.fromstring(response.data)
    return [(m.text or "").strip() for m in root.iter("Message")]


def status_lines(output: str) -> dict[str, tuple[str, int | str]]:
    """`flask status` output as {pile name: ("ok" or "STUCK", count)}; the scheduler's
    heartbeat has no count: ("ok" or "STUCK", "last tick …" or "never ticked")."""
    found = {}
    for line in output.splitlines():
        if line[:5].strip() in ("ok", "STUCK"):
            count = line[5:14].replace(",", "").strip()
            found[line[16:48].strip()] = (line[:5].strip(),
                                          int(count) if count else line[49:].strip())
    return found


@pytest.fixture
def twilio(app) -> TwilioClient:
    return TwilioClient(app.test_client())


@pytest.fixture(scope="session")
def redis_url() -> str:
    try:
        redis_lib.Redis.from_url(REDIS_URL, socket_connect_timeout=3).ping()
    except redis_lib.RedisError as exc:
        _unavailable("Redis", exc)
    return REDIS_URL


CHROMIUM = Path("/usr/bin/chromium")  # scripts/system-deps.sh installs it; no browser download


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    """Debian's Chromium under Playwright, one per test process: every browser test (the
    simulator's, the admin pages') shares it, as Playwright's sync API allows only one."""
    try:
        from playwright.sync_api import Error, expect, sync_playwright
    except ImportError as exc:
        _unavailable("Playwright", exc)
    expect.set_options(timeout=30_000)  # a loaded 2-core CI machine answers slowly
    if not CHROMIUM.exists():
        _unavailable("Chromium", FileNotFoundError(CHROMIUM))
    with sync_playwright() as playwright:
        try:
            chromium = playwright.chromium.launch(executable_path=str(CHROMIUM))
        except Error as exc:
            _unavailable("Chromium", exc)
        yield chromium
        chromium.close()


def pytest_collection_finish(session: pytest.Session) -> None:
    """Everything imported and collected so far lives for the whole run: freeze it out of the
    garbage collector's reach, so the full collections the tests' many objects trigger do
    not walk it again each time. And the youngest objects are collected after 20,000 new
    ones, not 700 (a test makes hundreds of thousands, most of them freed by reference
    counting: the redeem tests' 782 collections took 0.75 s of their 11.7 s of CPU, 24 took
    0.28 s)."""
    gc.freeze()
    gc.set_threshold(20_000, 20, 20)
