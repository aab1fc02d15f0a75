"""Diagnosis for bench/ussd.py: where a USSD screen's time goes under gunicorn.

    .venv/bin/python bench/ussd_probe.py --sessions 32 --rounds 2 --think 2 [--spread]

Runs bench/ussd.py unchanged, except that the Saathi app is wrapped (`probed()`): each
request records, in its worker, the time it entered the app against the time the client
sent it (the gap is gunicorn's queue: the connection waiting for a free thread), its wall
and thread CPU time inside the app, the wall time of its SQL statements and of its commits,
and the slowest statements; the jobs run after the response (REDIS_URL unset) are timed
apart. Meanwhile a thread samples pg_stat_activity (and ungranted pg_locks) of the bench
database every 10 ms. Prints, per screen, p50 / p99 of each part, and the wait events seen.
"""

from __future__ import annotations

import collections
import glob
import io
import json
import os
import statistics
import sys
import threading
import time
from pathlib import Path
from urllib.parse import parse_qs

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import bench.ussd as ussd
from bench.ussd import pct

OUT = "/tmp/ussd_probe"
SENT = "HTTP_X_PROBE_SENT"


def probed():
    """The Saathi app, each request timed (for gunicorn: `bench.ussd_probe:probed()`)."""
    from sqlalchemy import event
    from sqlalchemy.engine import Engine
    from sqlalchemy.engine.default import DefaultDialect

    from app import create_app

    app = create_app()
    local = threading.local()
    out = open(f"{OUT}/{os.getpid()}.jsonl", "a", buffering=1)  # noqa: SIM115

    @event.listens_for(Engine, "before_cursor_execute")
    def _before(conn, cursor, statement, params, context, many):
        local.started = time.perf_counter()

    @event.listens_for(Engine, "after_cursor_execute")
    def _after(conn, cursor, statement, params, context, many):
        rec = getattr(local, "rec", None)
        if rec is None:
            return
        took = time.perf_counter() - local.started
        rec["db"] += took
        rec["n"] += 1
        rec["slow"].append((round(took * 1000, 1), " ".join(statement.split())[:70]))
        if "ledger_budget_months" in statement:
            rec["budget"] += took

    commit = DefaultDialect.do_commit

    def timed_commit(self, dbapi_connection):
        start = time.perf_counter()
        try:
            return commit(self, dbapi_connection)
        finally:
            rec = getattr(local, "rec", None)
            if rec is not None:
                rec["commit"] += time.perf_counter() - start
                rec["commits"] += 1

    DefaultDialect.do_commit = timed_commit
    inner = app.wsgi_app

    def wsgi(environ, start_response):
        enter, cpu = time.time(), time.thread_time()
        rec = local.rec = {"db": 0.0, "n": 0, "commit": 0.0, "commits": 0, "slow": [],
                           "budget": 0.0}
        body = inner(environ, start_response)
        local.rec = None
        left, cpu_in = time.time(), time.thread_time() - cpu
        form = environ.get("saathi.probe.form", {})

        class Closing:
            def __iter__(self):
                return iter(body)

            def close(self):
                start, cpu0 = time.time(), time.thread_time()
                if hasattr(body, "close"):
                    body.close()
                rec["slow"].sort(reverse=True)
                out.write(json.dumps({
                    "session": form.get("sessionId"), "text": form.get("text"),
                    "sent": float(environ.get(SENT, "nan")), "enter": enter, "left": left,
                    "cpu": cpu_in, "db": rec["db"], "n": rec["n"], "commit": rec["commit"],
                    "commits": rec["commits"], "slow": rec["slow"][:3], "budget": rec["budget"],
                    "close": time.time() - start, "close_cpu": time.thread_time() - cpu0,
                    "pid": os.getpid(), "thread": threading.get_ident()}) + "\n")
        return Closing()

    def with_form(environ, start_response):
        raw = environ["wsgi.input"].read(int(environ.get("CONTENT_LENGTH") or 0))
        environ["wsgi.input"] = io.BytesIO(raw)
        fields = parse_qs(raw.decode(), keep_blank_values=True)
        environ["saathi.probe.form"] = {k: v[0] for k, v in fields.items()}
        return wsgi(environ, start_response)

    app.wsgi_app = with_form
    return app


def sample(url: str, stop: threading.Event, seen: collections.Counter,
           blocked: collections.Counter) -> None:
    """Count the bench database's backends by (state, wait event, query start) every 10 ms."""
    import psycopg
    with psycopg.connect(url, autocommit=True) as conn:
        while not stop.is_set():
            for state, kind, event, query, blockers in conn.execute(
                    "SELECT state, wait_event_type, wait_event, left(query, 60), "
                    "cardinality(pg_blocking_pids(pid)) FROM pg_stat_activity "
                    "WHERE datname = current_database() AND pid <> pg_backend_pid() "
                    "AND state <> 'idle'"):
                seen[(state, kind, event, " ".join((query or "").split())[:60])] += 1
                if blockers:
                    blocked[" ".join((query or "").split())[:60]] += 1
            time.sleep(0.01)


def main() -> None:
    os.makedirs(OUT, exist_ok=True)
    for old in glob.glob(f"{OUT}/*.jsonl"):
        os.remove(old)
    post, serve = ussd.post, ussd.serve

    def sent_post(http, url, form):
        http.headers["X-Probe-Sent"] = repr(time.time())
        return post(http, url, form)

    def probed_serve(target, port, workers, threads, env):
        if target == "app:create_app()":
            target = "bench.ussd_probe:probed()"
            stop.clear()
            sampler.start()
        return serve(target, port, workers, threads, env)

    stop, seen, blocked = threading.Event(), collections.Counter(), collections.Counter()
    url = f"postgresql://127.0.0.1:5432/{ussd.DB}"
    sampler = threading.Thread(target=sample, args=(url, stop, seen, blocked), daemon=True)
    ussd.post, ussd.serve = sent_post, probed_serve
    try:
        ussd.main()
    finally:
        stop.set()
    report(seen, blocked)


def report(seen: collections.Counter, blocked: collections.Counter) -> None:
    rows = [json.loads(line) for path in glob.glob(f"{OUT}/*.jsonl")
            for line in Path(path).read_text().splitlines()]
    rows = [r for r in rows if r["text"] is not None]
    steps = {0: "dial", 1: "balance", 2: "menu", 4: "menu again", 5: "learn", 6: "quiz opens",
             7: "answer"}
    by: dict[str, list[dict]] = collections.defaultdict(list)
    for r in rows:
        inputs = r["text"].split("*") if r["text"] else []
        name = "code" if any(i.startswith("CODE") for i in inputs[-1:]) else steps.get(
            len(inputs), "?")
        by[name].append(r)
    parts = (("queue", lambda r: r["enter"] - r["sent"]),
             ("in app", lambda r: r["left"] - r["enter"]),
             ("cpu", lambda r: r["cpu"]), ("sql", lambda r: r["db"] - r["commit"]),
             ("commit", lambda r: r["commit"]),
             ("other", lambda r: r["left"] - r["enter"] - r["cpu"] - r["db"]),
             ("jobs", lambda r: r["close"]), ("jobs cpu", lambda r: r["close_cpu"]))
    print(f"\n{'screen':<12}{'n':>4}" + "".join(f"{p:>17}" for p, _ in parts) + "   stmts")
    for name in ("dial", "balance", "menu", "code", "menu again", "learn", "quiz opens",
                 "answer"):
        rs = [r for r in by.get(name, []) if r["sent"] == r["sent"]]
        if not rs:
            continue
        cells = "".join(f"{pct([f(r) for r in rs], 50):>8.1f}/{pct([f(r) for r in rs], 99):>7.1f}"
                        for _, f in parts)
        print(f"{name:<12}{len(rs):>4}{cells}   {statistics.mean(r['n'] for r in rs):.1f}")
    codes = sorted(by.get("code", []), key=lambda r: r["left"] - r["sent"], reverse=True)
    print("\nslowest code screens: total = queue + in app (cpu, sql, commit, other), jobs")
    for r in codes[:6]:
        print(f"  {(r['left'] - r['sent']) * 1000:7.1f} = {(r['enter'] - r['sent']) * 1000:6.1f}"
              f" + {(r['left'] - r['enter']) * 1000:6.1f} (cpu {r['cpu'] * 1000:5.1f}, sql "
              f"{(r['db'] - r['commit']) * 1000:5.1f}, commit {r['commit'] * 1000:5.1f}), "
              f"jobs {r['close'] * 1000:5.1f}  pid {r['pid']} slow {r['slow'][:2]}")
    waits = sorted(r.get("budget", 0) for r in codes)
    pids = collections.Counter(r["pid"] for r in rows)
    print(f"budget row statement per code screen: p50 {pct(waits, 50):.1f} ms, p99 "
          f"{pct(waits, 99):.1f} ms, all {sum(waits):.2f} s; screens per worker "
          f"{sorted(pids.values())}")
    print("\npg_stat_activity samples (non-idle backends, every 10 ms):")
    for (state, kind, event, query), n in seen.most_common(14):
        print(f"  {n:6d}  {state or '-':<20} {kind or '-':<9} {event or '-':<18} {query}")
    print("blocked by another backend (pg_blocking_pids), by query:")
    for query, n in blocked.most_common(6):
        print(f"  {n:6d}  {query}")


if __name__ == "__main__":
    main()
