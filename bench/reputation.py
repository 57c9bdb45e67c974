"""Reputation speed, on demand: `.venv/bin/python bench/reputation.py [--sizes 10,100000]`.

1. Time to post one review (the real service, its signal and the reputation handler, on a
   real SQLite file) to suppliers with 10, 10,000 and 100,000 existing reviews (seeded by
   bulk insert + recompute, not through the handlers). Goal: largest/smallest ≤ 1.5.
2. Full recompute rate of the pure scoring core over 1,000,000 synthetic reviews.
   Target: at least 200,000 reviews per second. Baseline: one math.fsum over as many floats.
"""

from __future__ import annotations

import argparse
import datetime as dt
import logging
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

from alembic import command
from sqlalchemy import Engine, insert

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from vrm import create_app
from vrm.db import get_db
from vrm.members.models import Member
from vrm.reputation import handlers
from vrm.reputation.recompute import recompute_supplier
from vrm.reputation.scoring import (
    DecayedCounts,
    Parameters,
    base_rates,
    dirichlet_score,
)
from vrm.reputation.service import refresh_review
from vrm.reviews.models import Review
from vrm.reviews.service import ReviewDraft, post_review
from vrm.schema import alembic_config
from vrm.settings import Settings
from vrm.suppliers.models import Supplier

SIZES = (10, 10_000, 100_000)
POSTS = 40
PURE_REVIEWS = 1_000_000
PURE_SUPPLIERS = 1_000


def seed(session, size: int, serial: int) -> Supplier:  # type: ignore[no-untyped-def]
    supplier = Supplier(slug=f"bench-{serial}", name=f"Bench {serial}", kind="business",
                        sector="energy")  # fmt: skip
    session.add(supplier)
    session.flush()
    start = dt.datetime(2020, 1, 1, tzinfo=dt.UTC)
    members = [{"handle": f"b{serial}x{i}", "role": "member"} for i in range(size)]
    # Core inserts (executemany): ORM bulk inserts split batches on None-ness changes.
    session.execute(insert(Member.__table__), members)
    first = session.query(Member.id).filter(Member.handle == f"b{serial}x0").scalar()
    rng = random.Random(serial)
    reviews = [
        {
            "supplier_id": supplier.id,
            "author_id": first + i,
            "status": "live",
            "visibility": "public",
            "rating": rng.randint(1, 5),
            "rating_ease": rng.choice([None, 1, 2, 3, 4, 5]),
            "title": "Bench",
            "body": "Bench review",
            "body_html": "<p>Bench review</p>",
            "experienced_on": dt.date(2020, 1, 1),
            "created_at": start + dt.timedelta(minutes=7 * i),
        }
        for i in range(size)
    ]
    for offset in range(0, size, 20_000):
        session.execute(insert(Review.__table__), reviews[offset : offset + 20_000])
    recompute_supplier(session, supplier.id)
    session.commit()
    checkpoint(session.get_bind())  # type: ignore[arg-type]
    return supplier


def checkpoint(engine: Engine) -> None:
    """Fold the seeding's write-ahead log into the database file now, so its checkpoint
    is not billed to the posts being timed. On the driver's own connection, outside any
    transaction: SQLite refuses a checkpoint inside one ("database table is locked"), and
    every transaction SQLAlchemy begins here is one (BEGIN IMMEDIATE, vrm/db.py)."""
    raw = engine.raw_connection()
    try:
        raw.driver_connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")  # type: ignore[union-attr]
    finally:
        raw.close()


HANDLER_TIMES: list[float] = []


def _timed_refresh(session, review, params=None):  # type: ignore[no-untyped-def]
    began = time.perf_counter()
    refresh_review(session, review, params)
    HANDLER_TIMES.append(time.perf_counter() - began)


def post_once(app, supplier_id: int, handle: str) -> tuple[float, float]:  # type: ignore[no-untyped-def]
    """The whole post (service, every handler, commit), and the reputation handler alone."""
    with app.app_context():
        session = get_db(app).session_factory()
        supplier = session.get(Supplier, supplier_id)
        author = Member(handle=handle)
        session.add(author)
        session.commit()
        draft = ReviewDraft(rating=4, title="Fine", body="It was fine.",
                            experienced_on=dt.date.today(), ease=3)  # fmt: skip
        began = time.perf_counter()
        post_review(session, author=author, supplier=supplier, draft=draft)
        session.commit()
        took = time.perf_counter() - began
        session.close()
    return took, HANDLER_TIMES[-1]


def bench_posts(sizes: tuple[int, ...] = SIZES, posts: int = POSTS) -> None:
    handlers.refresh_review = _timed_refresh  # type: ignore[assignment]  # time the handler
    with tempfile.TemporaryDirectory(prefix="parley-bench-") as folder:
        url = f"sqlite:///{Path(folder) / 'bench.db'}"
        command.upgrade(alembic_config(url), "heads")
        settings = Settings(
            database_url=url,
            secret_key="bench-only",  # noqa: S106 - a throwaway database in a temp folder
            instance_path=Path(folder),
            testing=True,
            ratelimit_enabled=False,
        )
        app = create_app(settings)
        suppliers = {}
        for serial, size in enumerate(sizes):
            with app.app_context():
                session = get_db(app).session_factory()
                began = time.perf_counter()
                suppliers[size] = seed(session, size, serial).id
                print(f"seeded {size:>7,} reviews in {time.perf_counter() - began:.1f} s")
                session.close()
        # Round-robin over the suppliers, so disk and cache noise hits every size alike.
        timings: dict[int, list[tuple[float, float]]] = {size: [] for size in sizes}
        for n in range(posts):
            for size in sizes:
                timings[size].append(post_once(app, suppliers[size], f"p{size}x{n}"))
        results = {}
        for size in sizes:
            results[size] = statistics.median(t for t, _ in timings[size])
            handler = statistics.median(h for _, h in timings[size])
            print(f"post one review, {size:>7,} existing: {results[size] * 1000:7.2f} ms, "
                  f"of which the reputation handler {handler * 1000:.2f} ms "
                  f"(medians of {posts})")  # fmt: skip
        base = results[sizes[0]]
        for size in sizes[1:]:
            print(f"  ratio {size:,} / {sizes[0]:,} (baseline): {results[size] / base:.2f}")
        ratio = results[sizes[-1]] / base
        print(f"ratio {sizes[-1]:,} / {sizes[0]:,} existing reviews: {ratio:.2f} (goal ≤ 1.5) "
          f"{'OK' if ratio <= 1.5 else 'MISSED'}")  # fmt: skip


def bench_pure(reviews: int = PURE_REVIEWS) -> None:
    rng = random.Random(7)
    per = reviews // PURE_SUPPLIERS
    now = 20_000.0
    suppliers = [
        [(rng.randint(1, 5), now - rng.random() * 3_650) for _ in range(per)]
        for _ in range(PURE_SUPPLIERS)
    ]
    days = [day for ratings in suppliers for _, day in ratings]
    params = Parameters()
    rates = base_rates((10, 5, 8, 20, 30))

    began = time.perf_counter()
    import math

    math.fsum(days)
    baseline = time.perf_counter() - began

    began = time.perf_counter()
    for ratings in suppliers:
        state = DecayedCounts.of(ratings, params.half_life_days)
        dirichlet_score(state.evidence(now, params.half_life_days), state.count, rates, params)
    took = time.perf_counter() - began
    rate = reviews / took
    print(f"pure recompute: {reviews:,} reviews in {took:.2f} s = {rate:,.0f} reviews/s "
          f"(target ≥ 200,000) {'OK' if rate >= 200_000 else 'MISSED'}")  # fmt: skip
    print(f"  baseline math.fsum over {len(days):,} floats: {baseline * 1000:.1f} ms; "
          f"recompute is {took / baseline:.1f}× the baseline")  # fmt: skip


if __name__ == "__main__":
    # The bench has no search index; the search outbox's after-commit warning is noise here.
    logging.getLogger("vrm.search").setLevel(logging.ERROR)
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default=",".join(map(str, SIZES)),
                        help="existing reviews per supplier, smallest first")  # fmt: skip
    parser.add_argument("--posts", type=int, default=POSTS, help="timed posts per size")
    parser.add_argument("--pure-reviews", type=int, default=PURE_REVIEWS)
    options = parser.parse_args()
    bench_pure(options.pure_reviews)
    bench_posts(tuple(int(n) for n in options.sizes.split(",")), options.posts)
