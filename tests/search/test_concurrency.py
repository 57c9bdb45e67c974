"""Four processes post 50 reviews each at once; afterwards search finds all 200, and no
one saw a lock error. Uses its own SQLite file (WAL) on every database leg: the point is
Whoosh's single writer, not the database."""

from __future__ import annotations

import multiprocessing
from pathlib import Path

from alembic import command

from tests.search.concurrency_worker import WORD, post_reviews, settings
from vrm import create_app
from vrm.db import get_db
from vrm.members.models import Member
from vrm.schema import alembic_config
from vrm.search import outbox, rebuild, searching
from vrm.search.searching import SearchRequest
from vrm.suppliers.service import create_supplier

PROCESSES, EACH = 4, 50


def test_four_writers_lose_nothing(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'concurrency.db'}"
    command.upgrade(alembic_config(url), "heads")
    instance, search_dir = tmp_path / "instance", tmp_path / "search"
    app = create_app(settings(url, instance, search_dir))
    factory = get_db(app).session_factory
    rebuild.rebuild(factory, search_dir)
    with app.app_context(), factory() as session:
        supplier = create_supplier(
            session, actor=None, name="Busy Exchange", kind="business", sector="telecoms"
        )
        members = [Member(handle=f"writer{n}") for n in range(PROCESSES * EACH)]
        session.add_all(members)
        session.commit()
        supplier_id, member_ids = supplier.id, [m.id for m in members]

    context = multiprocessing.get_context("spawn")
    start, results = context.Event(), context.Queue()
    workers = [
        context.Process(
            target=post_reviews,
            args=(
                url,
                str(instance),
                str(search_dir),
                supplier_id,
                member_ids[n * EACH : (n + 1) * EACH],
                start,
                results,
            ),
        )
        for n in range(PROCESSES)
    ]
    for worker in workers:
        worker.start()
    start.set()
    reports = [results.get(timeout=300) for _ in workers]
    for worker in workers:
        worker.join(timeout=60)
        assert worker.exitcode == 0
    posted = [review_id for ids, _, _ in reports for review_id in ids]
    problems = [message for _, messages, _ in reports for message in messages]
    assert problems == []
    assert len(posted) == PROCESSES * EACH

    outbox.drain(factory, search_dir)
    found = searching.search(search_dir, SearchRequest(text=WORD, doc_type="review", per_page=500))
    in_index = searching.keys(search_dir)
    missing = [i for i in posted if f"review:{i}" not in in_index]
    assert missing == [], (missing, outbox.drain(factory, search_dir))
    assert found.total == PROCESSES * EACH
    assert {hit.doc_id for hit in found.hits} == set(posted)
    get_db(app).engine.dispose()
