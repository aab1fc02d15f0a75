"""Engine, sessions and the unit of work. Nothing connects until first use."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import date, datetime
from itertools import repeat
from operator import itemgetter
from pathlib import Path

import psycopg
from flask import Flask, current_app
from sqlalchemy import Engine, Table, any_, bindparam, create_engine, event, func, text, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import DBAPIError, SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.types import JSON, UserDefinedType

EXTENSION = "saathi.db"


def ensure_sqlite_folder(url: str) -> None:
    """Create the folder of a SQLite database file (instance/ is not in a fresh clone)."""
    path = url.split("///", 1)[-1] if url.startswith("sqlite") else ""
    if path and path != ":memory:":
        Path(path).parent.mkdir(parents=True, exist_ok=True)


def make_engine(url: str, lock_timeout_ms: int = 10_000,
                sqlite_synchronous: str = "FULL") -> Engine:
    """Create an engine; SQLite gets WAL, foreign keys and writer serialisation.

    SQLite syncs the WAL to disk at every commit (`FULL`); `NORMAL` syncs only at checkpoints:
    still crash-safe for the app, but a power cut may drop the last commits (the test suite
    uses it; a real installation runs PostgreSQL).

    Statement parameters are kept out of error messages (and so out of logged tracebacks): a
    partner's message body can be an OTP or a UPI id.

    A lock wait longer than `lock_timeout_ms`, or a database that takes over 5 s to accept a
    connection, fails instead of hanging: a webhook must answer within Twilio's 15 seconds, and
    a polite "try again" beats a silent timeout.
    """
    if url.startswith("sqlite"):
        ensure_sqlite_folder(url)
        engine = create_engine(url, hide_parameters=True,
                               connect_args={"timeout": lock_timeout_ms / 1000,
                                             "check_same_thread": False})

        @event.listens_for(engine, "connect")
        def _pragmas(dbapi_conn, _record) -> None:
            dbapi_conn.isolation_level = None  # we issue BEGIN ourselves
            cursor = dbapi_conn.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute(f"PRAGMA synchronous={sqlite_synchronous}")
            cursor.execute(f"PRAGMA busy_timeout={lock_timeout_ms}")
            cursor.close()

        @event.listens_for(engine, "begin")
        def _begin_immediate(conn) -> None:
            # One writer at a time: SQLite's stand-in for the row locks PostgreSQL takes
            # (SELECT ... FOR UPDATE, e.g. models/messaging/conversation.py `lock`).
            conn.exec_driver_sql("BEGIN IMMEDIATE")

        return engine
    return create_engine(url, pool_size=10, max_overflow=20, pool_pre_ping=True,
                         pool_use_lifo=True, hide_parameters=True,
                         connect_args={"options": f"-c lock_timeout={lock_timeout_ms}",
                                       "connect_timeout": 5})


def init_app(app: Flask) -> None:
    """Register a lazily created engine and session factory on the app."""
    app.extensions[EXTENSION] = _Database(app.config["DATABASE_URL"],
                                          app.config["DB_LOCK_TIMEOUT_MS"],
                                          app.config["SQLITE_SYNCHRONOUS"])


class _Database:
    def __init__(self, url: str, lock_timeout_ms: int, sqlite_synchronous: str) -> None:
        self.url = url
        self.lock_timeout_ms = lock_timeout_ms
        self.sqlite_synchronous = sqlite_synchronous
        self._engine: Engine | None = None
        self._factory: sessionmaker[Session] | None = None
        self._creating = threading.Lock()

    @property
    def engine(self) -> Engine:
        # Requests on several threads may be the first at once: one creates the engine, and
        # the factory is there before any thread sees the engine (none finds it half made).
        if self._engine is None:
            with self._creating:
                if self._engine is None:
                    engine = make_engine(self.url, self.lock_timeout_ms, self.sqlite_synchronous)
                    self._factory = sessionmaker(engine, expire_on_commit=False)
                    self._engine = engine
        return self._engine

    def session(self) -> Session:
        self.engine  # noqa: B018 - creates the factory on first use
        assert self._factory is not None
        return self._factory()


def database() -> _Database:
    return current_app.extensions[EXTENSION]


def engine() -> Engine:
    """Return the current app's engine."""
    return database().engine


@contextmanager
def unit_of_work() -> Iterator[Session]:
    """Yield a session; commit if the block ends normally, roll back on any error."""
    session = database().session()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


def is_postgres(session: Session) -> bool:
    return session.get_bind().dialect.name == "postgresql"


_ASYNC_COMMIT = text("SET LOCAL synchronous_commit TO OFF")
_ASYNC_FOR = "saathi.async_commit"  # in session.info: the transaction already told so
# The same, said by a statement the transaction sends anyway: a column of its SELECT or its
# RETURNING, evaluated for each row it returns (a SET LOCAL is a round trip of its own).
ASYNC_COMMIT_COLUMN = func.set_config("synchronous_commit", "off", True)


def commit_without_waiting(session: Session) -> None:
    """PostgreSQL: this transaction's commit does not wait for its WAL to reach the disk (a
    synchronous commit after it flushes it too). A crash may then lose the last transactions
    committed, never leave one half done: for work that is redone, or whose loss a later
    synchronous commit covers. Said once a transaction; SQLite: nothing."""
    if may_tell_without_waiting(session):
        session.execute(_ASYNC_COMMIT)
        told_without_waiting(session)


def may_tell_without_waiting(session: Session) -> bool:
    """Whether this transaction has yet to say `commit_without_waiting` (PostgreSQL only):
    a statement it sends anyway may say it with `ASYNC_COMMIT_COLUMN`, and then calls
    `told_without_waiting` if a row came back (no row: nothing was said)."""
    if not is_postgres(session):
        return False
    told = session.info.get(_ASYNC_FOR)
    return told is None or told is not session.get_transaction()


def told_without_waiting(session: Session) -> None:
    session.info[_ASYNC_FOR] = session.get_transaction()


def dialect_insert(session: Session):
    """The session's database's INSERT, the one with ON CONFLICT (both have it)."""
    return pg_insert if is_postgres(session) else sqlite_insert


_BUILT: dict = {}  # (build, the dialect's INSERT) -> statement


def built_insert(session: Session, build):
    """`build(dialect_insert(session))`, built once per database kind: a hot upsert's
    building and cache key cost more than running it (give it bound parameters)."""
    key = (build, dialect_insert(session))
    if (stmt := _BUILT.get(key)) is None:
        stmt = _BUILT[key] = build(key[1])
    return stmt


def among(session: Session, column, values: Iterable):
    """`column IN values`; on PostgreSQL as `= ANY(array)`, one parameter however many values
    (a 500-value IN list costs the driver more to parse than the database to run), sent as
    the array's text (`array_text`)."""
    values = list(values)
    if is_postgres(session):
        item = column.type.compile(session.get_bind().dialect)
        return column == any_(bindparam(None, array_text(values), type_=_ArrayText(item)))
    return column.in_(values)


class _ArrayText(UserDefinedType):
    """A parameter that is an array of `item`, sent as its text (`$1::item[]`): the server
    reads it once, as it reads a constant. (A text parameter CAST to the array instead is
    read again for each row a scan looks at; a list is dumped element by element.)"""
    cache_ok = True
    render_bind_cast = True

    def __init__(self, item: str) -> None:
        self.item = item

    def get_col_spec(self, **_kw) -> str:
        return f"{self.item}[]"


def array_text(values: Iterable[int | str]) -> str:
    """A PostgreSQL array of integers or of strings (all of one kind) written out: `{1,2}`,
    `{"a","b"}`. Joined in C, not element by element (a chunk's arrays hold 2,000 each)."""
    values = list(values)
    if not values:
        return "{}"
    if isinstance(values[0], int):
        return "{" + ",".join(map(str, values)) + "}"
    joined = "\0".join(values)  # no text in PostgreSQL holds a NUL
    if "\\" in joined or '"' in joined:
        joined = joined.replace("\\", "\\\\").replace('"', '\\"')
    return '{"' + joined.replace("\0", '","') + '"}'


def insert_rows(session: Session, table: Table, rows: list[dict], *,
                returning: tuple[str, ...] = (), on_conflict: str | None = None) -> list:
    """INSERT `rows` (dicts with the same keys) into `table`; the `returning` columns of the
    rows written. `on_conflict`: a unique column whose conflicts are skipped.

    On PostgreSQL one statement with one parameter, the rows as a JSON document read back by
    `json_to_recordset`: an executemany runs a statement a row in the server, a multi-row
    VALUES with thousands of parameters is parsed by the driver each time, and arrays a column
    are dumped element by element in Python (json.dumps is one C call). A column with one
    value in every row is a parameter of its own, not repeated in the document (the chunk's
    program, time, status: half an invoice row's JSON, to write and for the server to read).
    """
    if not rows:
        return []
    if not is_postgres(session):
        stmt = sqlite_insert(table)
        if on_conflict:
            stmt = stmt.on_conflict_do_nothing(index_elements=[on_conflict])
        if returning:
            return session.execute(stmt.returning(*(table.c[c] for c in returning)), rows).all()
        session.execute(stmt, rows)
        return []
    names = list(rows[0])
    if not returning and not on_conflict and len(rows) >= COPY_FROM:
        _copy_rows(session, table, names, rows)
        return []
    first = rows[0]
    # a column's values compared in C (tuple.count), not by a generator a row: finding the
    # constant columns was ~7% of an import's client CPU
    same = {n for n, column in zip(names, zip(*_tuples(rows, names), strict=True), strict=True)
            if column.count(column[0]) == len(column)} if len(rows) > 1 else set()
    varying = [n for n in names if n not in same] or names  # identical rows: each written
    constants = [n for n in names if n not in varying]
    values = ", ".join(f":c_{n}" if n in constants else f"u.{n}" for n in names)
    sql = f"INSERT INTO {table.name} ({', '.join(names)}) SELECT {values} " \
          f"FROM {_recordset(session, table, varying)}"
    if on_conflict:
        sql += f" ON CONFLICT ({on_conflict}) DO NOTHING"
    if returning:
        sql += f" RETURNING {', '.join(returning)}"
    stmt = text(sql).bindparams(*(bindparam(f"c_{n}", first[n], type_=table.c[n].type)
                                  for n in constants))
    # each row's varying values zipped back into a dict by map, in C (a comprehension ran a
    # Python step a row: ~10% of an import's importer thread)
    document = rows if not constants else list(map(dict, map(zip, repeat(varying),
                                                              _tuples(rows, varying))))
    result = session.execute(stmt, {"rows": _document(document)})
    return result.all() if returning else []


COPY_FROM = 100  # rows: from this many, insert_rows sends them by COPY (see _copy_rows)


def _copy_rows(session: Session, table: Table, names: list[str], rows: list[dict]) -> None:
    """The rows sent by COPY … FROM STDIN on the session's connection, in its transaction: the
    server reads them as text straight into the table (the same constraints, foreign keys and
    indexes as an INSERT), without parsing a JSON document or planning a statement (a third
    of the server's time on a chunk's INSERTs). Each row is formatted by psycopg in C; a JSON
    column's values are dumped here."""
    tuples = _tuples(rows, names)
    if dumped := [i for i, n in enumerate(names) if isinstance(table.c[n].type, JSON)]:
        columns = list(zip(*tuples, strict=True))
        for i in dumped:
            column = columns[i]
            columns[i] = repeat(_json_text(column[0]), len(column)) \
                if column.count(column[0]) == len(column) else map(_json_text, column)
        tuples = zip(*columns, strict=True)
    columns = ", ".join(f'"{name}"' for name in names)
    statement = f'COPY "{table.name}" ({columns}) FROM STDIN'
    cursor = session.connection().connection.driver_connection.cursor()
    try:
        with cursor, cursor.copy(statement) as copy:
            for values in tuples:
                copy.write_row(values)
    except psycopg.Error as exc:  # as an INSERT's would be: IntegrityError for a key taken,
        raise DBAPIError.instance(statement, None, exc, psycopg.Error) from exc  # DataError …


def _json_text(value) -> str | None:
    return None if value is None else _ENCODER.encode(value)


def _tuples(rows: list[dict], names: list[str]) -> list[tuple]:
    """Each row's values of `names`, in that order (picked in C)."""
    get = itemgetter(*names)
    return list(map(get, rows)) if len(names) > 1 else [(get(row),) for row in rows]


# An import's ANALYZE reads 300 x this many rows a table (3,000, not the 30,000 of the
# default 100): its chunks' plans need the tables' sizes, not fine histograms, and
# autovacuum's own ANALYZE, with the default, follows the writes.
REFRESH_STATISTICS_TARGET = 10


def refresh_statistics(session: Session, tables: Iterable[Table]) -> None:
    """PostgreSQL: re-read the planner's statistics of tables a long import is growing (their
    autovacuum's ANALYZE comes minutes late, and plans made for the few rows it saw last
    turn to scans of the many now there), from a small sample. SQLite: nothing."""
    if is_postgres(session):
        session.execute(text("SET LOCAL default_statistics_target = "
                             f"{REFRESH_STATISTICS_TARGET}"))
        session.execute(text("ANALYZE " + ", ".join(f'"{t.name}"' for t in tables)))


def reserve_ids(session: Session, table: Table, count: int) -> list[int]:
    """`count` ids for rows of `table` to be inserted later in this transaction, with them:
    on PostgreSQL drawn from the id column's sequence; on SQLite the ones after the highest
    (the transaction holds SQLite's one write lock from its BEGIN IMMEDIATE)."""
    if count <= 0:
        return []
    if is_postgres(session):
        return session.scalars(text(
            "SELECT nextval(pg_get_serial_sequence(:table, 'id')) FROM generate_series(1, :n)"),
            {"table": table.name, "n": count}).all()
    last = session.scalar(text(f"SELECT coalesce(max(id), 0) FROM {table.name}"))
    return list(range(last + 1, last + 1 + count))


def update_rows(session: Session, table: Table, rows: list[dict], *, key: str = "id") -> None:
    """UPDATE the rows of `table` whose `key` column is each dict's `key`, setting the dict's
    other columns (every dict has the same keys). On PostgreSQL one statement, the rows as
    `insert_rows` passes them; on SQLite an executemany."""
    if not rows:
        return
    names = [name for name in rows[0] if name != key]
    if not is_postgres(session):
        stmt = update(table).where(table.c[key] == bindparam("k_")).values(
            {name: bindparam(f"v_{name}") for name in names})
        session.execute(stmt, [{"k_": row[key], **{f"v_{n}": row[n] for n in names}}
                               for row in rows])
        return
    sets = ", ".join(f"{name} = u.{name}" for name in names)
    sql = f"UPDATE {table.name} AS t SET {sets} " \
          f"FROM {_recordset(session, table, [key, *names])} WHERE t.{key} = u.{key}"
    session.execute(text(sql), {"rows": _document(rows)})


def _recordset(session: Session, table: Table, names: list[str]) -> str:
    """`json_to_recordset(:rows) AS u(name type, …)`: the rows of `_document` (PostgreSQL)."""
    dialect = session.get_bind().dialect
    columns = ", ".join(f"{name} {table.c[name].type.compile(dialect)}" for name in names)
    return f"json_to_recordset(CAST(:rows AS json)) AS u({columns})"


def _document(rows: list[dict]) -> str:
    return _ENCODER.encode(rows)


def _json_value(value):
    """A value json.dumps has no form for: a date or time as ISO 8601 (PostgreSQL reads it
    back into its column's type)."""
    if isinstance(value, date | datetime):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} in a row")


# made once (json.dumps with options makes an encoder each call: a chunk dumps thousands)
_ENCODER = json.JSONEncoder(default=_json_value, ensure_ascii=False, separators=(",", ":"))


def schema_missing(exc: SQLAlchemyError) -> bool:
    """True when `exc` says a table is not there: the database was not migrated."""
    found = getattr(exc, "orig", None)
    return getattr(found, "sqlstate", None) == "42P01" or "no such table" in str(found)
