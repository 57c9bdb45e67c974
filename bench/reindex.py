"""Reindexing speed: Parley's `flask search reindex` path against plain Whoosh and FTS5.

    .venv/bin/python bench/reindex.py                       # 5,000 reviews, 300 suppliers
    .venv/bin/python bench/reindex.py --reviews 100000 --suppliers 5000

Seeds a SQLite database (Core bulk inserts, fixed seed, the text of bench/search.py),
then times, on the very same documents:
- Parley: rebuild.rebuild() as the command runs it — batched read-only reads from the
  database, documents shaped by documents.py, Whoosh's writer, one commit, the swap;
- plain Whoosh: the same documents, already in memory, through a default
  ``ix.writer()`` into Parley's schema, one commit (the floor for Parley's path);
- SQLite FTS5 (porter tokenizer) on the same text.
Prints documents per second, the ratio Parley / plain Whoosh (goal ≤ 1.5), and the
statements the rebuild ran (a fixed number per batch: no query per document).
"""

from __future__ import annotations

import argparse
import logging
import random
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

from alembic import command
from sqlalchemy import event, insert, select

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.search import make_reviews, make_suppliers
from vrm import create_app
from vrm.db import get_db
from vrm.members.models import Member
from vrm.reputation.recompute import recompute_all
from vrm.reviews.models import Review
from vrm.schema import alembic_config
from vrm.search import index, rebuild, sources
from vrm.settings import Settings
from vrm.suppliers.models import Supplier

GOAL = 1.5


def seed(app: object, suppliers: int, reviews: int, seed_value: int) -> None:
    """Suppliers, one member per review and the reviews, by bulk insert; then the
    reputation figures the documents carry (average rating, reputation sort key)."""
    rng = random.Random(seed_value)
    made = make_suppliers(rng, suppliers)
    database = get_db(app)  # type: ignore[arg-type]
    with database.session_factory() as session:
        session.execute(
            insert(Supplier),
            [
                {
                    "id": s.id,
                    "slug": s.slug,
                    "name": s.name,
                    "kind": s.kind,
                    "sector": s.sector,
                    "website_domain": s.domain,
                    "description": s.description,
                    "created_at": s.created_at,
                }
                for s in made
            ],
        )
        session.execute(insert(Member), [{"handle": f"m{n}"} for n in range(reviews)])
        first = session.scalar(select(Member.id).where(Member.handle == "m0"))
        assert first is not None
        rows = []
        for n, review in enumerate(make_reviews(rng, made, reviews)):
            rows.append(
                {
                    "supplier_id": review.supplier.id,
                    "author_id": first + n,
                    "rating": review.rating,
                    "title": review.title,
                    "body": review.body,
                    "body_html": "",
                    "experienced_on": review.created_at.date(),
                    "created_at": review.created_at,
                }
            )
            if len(rows) == 20_000:
                session.execute(insert(Review), rows)
                rows = []
        if rows:
            session.execute(insert(Review), rows)
        recompute_all(session)
        session.commit()


def count_statements(engine: object) -> list[int]:
    counter = [0]

    @event.listens_for(engine, "before_cursor_execute")
    def _count(*_: object) -> None:
        counter[0] += 1

    return counter


def plain_whoosh(folder: Path, documents: list[dict[str, object]]) -> float:
    _, ix = index.create_fresh(folder)
    started = time.perf_counter()
    writer = ix.writer()
    for document in documents:
        writer.add_document(**index._whoosh_values(document))
    writer.commit()
    return time.perf_counter() - started


def fts5(path: Path, documents: list[dict[str, object]]) -> float:
    """Seconds to put the documents' text into an FTS5 table, one transaction."""
    rows = [
        (d.get("title") or d.get("name"), d.get("body") or d.get("description"), d["key"])
        for d in documents
    ]
    db = sqlite3.connect(path)
    table = "CREATE VIRTUAL TABLE doc USING fts5(title, body, key, tokenize='porter unicode61')"
    db.execute(table)
    started = time.perf_counter()
    with db:
        db.executemany("INSERT INTO doc VALUES (?, ?, ?)", rows)
    seconds = time.perf_counter() - started
    db.close()
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--reviews", type=int, default=5_000)
    parser.add_argument("--suppliers", type=int, default=300)
    parser.add_argument("--seed", type=int, default=20261204)
    options = parser.parse_args()
    logging.getLogger("vrm.search").setLevel(logging.ERROR)

    with tempfile.TemporaryDirectory(prefix="parley-reindex-") as name:
        scratch = Path(name)
        url = f"sqlite:///{scratch / 'bench.db'}"
        command.upgrade(alembic_config(url), "heads")
        app = create_app(
            Settings(
                database_url=url,
                secret_key="bench-only",  # noqa: S106 - a throwaway database
                instance_path=scratch,
                testing=True,
                ratelimit_enabled=False,
                search_drain="inline",
            )
        )
        began = time.perf_counter()
        seed(app, options.suppliers, options.reviews, options.seed)
        print(
            f"Data: {options.suppliers:,} suppliers, {options.reviews:,} reviews"
            f" (seed {options.seed}), seeded in {time.perf_counter() - began:.1f}s"
        )
        database = get_db(app)
        statements = count_statements(database.engine)
        report = rebuild.rebuild(
            database.session_factory,
            scratch / "search",
            read_factory=database.read_session_factory,
        )
        parley = report.documents / report.seconds
        documents = list(sources.all_documents(database.read_session_factory))
        assert len(documents) == report.documents
        plain_seconds = plain_whoosh(scratch / "plain", documents)
        plain = len(documents) / plain_seconds
        fts_rate = len(documents) / fts5(scratch / "fts.db", documents)
        database.engine.dispose()

    ratio = plain / parley
    print(f"Parley reindex:   {report.documents:,} documents in {report.seconds:.1f}s"
          f" = {parley:,.0f} docs/s ({statements[0]} SQL statements in all)")  # fmt: skip
    print(f"plain Whoosh:     {len(documents):,} documents in {plain_seconds:.1f}s"
          f" = {plain:,.0f} docs/s (documents already in memory, default writer)")  # fmt: skip
    print(f"SQLite FTS5:      {fts_rate:,.0f} docs/s")
    print(f"Parley takes {ratio:.2f}x plain Whoosh's time (goal ≤ {GOAL})"
          f" {'OK' if ratio <= GOAL else 'MISSED'}")  # fmt: skip


if __name__ == "__main__":
    main()
