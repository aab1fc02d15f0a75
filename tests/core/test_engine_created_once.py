"""gunicorn's threaded workers: the first requests of a worker may arrive together. One
engine (one connection pool) is made, and no thread finds the engine without its session
factory."""

import threading
import time

from models import db


def test_threads_arriving_together_share_one_engine(tmp_path, monkeypatch):
    made = []
    real = db.make_engine

    def slow_make_engine(*args):
        time.sleep(0.05)  # widen the window in which a second thread would make another
        made.append(real(*args))
        return made[-1]

    monkeypatch.setattr(db, "make_engine", slow_make_engine)
    database = db._Database(f"sqlite:///{tmp_path / 'one.db'}", 1000, "NORMAL")
    start, seen, failed = threading.Barrier(8), [], []

    def first_request():
        start.wait()
        try:
            with database.session() as session:
                seen.append(session.get_bind())
        except Exception as exc:  # reported by the assertion below
            failed.append(exc)

    threads = [threading.Thread(target=first_request) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failed == []
    assert len(made) == 1 and all(bind is made[0] for bind in seen) and len(seen) == 8
    made[0].dispose()
