"""Search benchmark: Whoosh (the app's own code path) against SQLite FTS5 on the same data.

    .venv/bin/python bench/search.py                       # 100,000 reviews, 5,000 suppliers
    .venv/bin/python bench/search.py --reviews 5000 --suppliers 300   # a quick run
    .venv/bin/python bench/search.py --backend postgres \
        --postgres postgresql+psycopg://postgres@127.0.0.1:5432/bench   # PostgreSQL beside them

Generates realistic review text from a customer-service vocabulary with a fixed seed,
builds the index with one batched writer (documents per second, size on disk), then times
one-, two- and three-word queries, with and without a facet filter, with highlighted
snippets and facet counts — exactly what the search page does — and the same queries
through FTS5 (porter tokenizer, snippet()). Prints p50/p95 and the Whoosh/FTS5 ratio.
With ``--backend postgres`` the same queries also go through Parley's postgres backend
(vrm/search/postgres), in a schema of its own in the given database, dropped afterwards.
After an untimed warm-up (a running worker has read its posting lists); one row reads
every posting list from the index files again, the cost of a word's first query, and one
times quoted phrases, which Whoosh's own matcher checks position by position.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import resource
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from vrm.search import index, postings, searching
from vrm.search.documents import (
    ReviewData,
    SupplierData,
    review_document,
    supplier_document,
)
from vrm.search.postgres import backend as pg_backend
from vrm.search.postgres import indexing as pg_indexing
from vrm.search.postgres.tables import bounded_statements, create_statements
from vrm.search.searching import SearchRequest
from vrm.suppliers.sectors import SECTORS


def words(text: str) -> list[str]:
    return text.split()


NOUNS = words(
    "meter bill refund engineer broadband connection router appointment complaint contract "
    "tariff payment account manager agent call queue letter email parcel delivery driver "
    "train ticket platform council bin collection repair landlord boiler heating water leak "
    "pipe surgery doctor nurse prescription benefit claim form deadline branch counter fee "
    "charge interest card loan mortgage policy premium claimhandler signal outage speed"
)
VERBS = words(
    "arrived fixed ignored cancelled refunded charged promised replaced called answered "
    "delayed lost explained escalated resolved overcharged apologised visited connected "
    "disconnected transferred waited confirmed rejected approved"
)
ADJECTIVES = words(
    "helpful rude slow quick friendly confusing late early polite unhelpful excellent "
    "terrible reasonable expensive cheap fair unfair clear vague patient careless"
)
GLUE = words("the a my our their after before when because but and then again still never")
PLACES = words("Leeds York Bristol Cardiff Glasgow Belfast Norwich Exeter Derby Hull")
NAME_PARTS = words(
    "Northern Southern Central City County Metro United Royal Premier Albion Crown Harbour "
    "Valley Highland Coastal Power Water Telecom Rail Homes Bank Insurance Post Health"
)


def sentence(rng: random.Random) -> str:
    words = [
        rng.choice(GLUE),
        rng.choice(ADJECTIVES),
        rng.choice(NOUNS),
        rng.choice(VERBS),
        rng.choice(GLUE),
        rng.choice(NOUNS),
    ]
    words += rng.sample(NOUNS + VERBS + ADJECTIVES, rng.randint(2, 8))
    return " ".join(words).capitalize() + "."


def make_suppliers(rng: random.Random, count: int) -> list[SupplierData]:
    sectors = list(SECTORS)
    when = dt.datetime(2024, 1, 1, tzinfo=dt.UTC)
    return [
        SupplierData(
            id=n,
            slug=f"supplier-{n}",
            name=f"{rng.choice(NAME_PARTS)} {rng.choice(NAME_PARTS)} {n}",
            kind=rng.choice(("business", "public_service")),
            sector=(sector := rng.choice(sectors)),
            sector_name=SECTORS[sector],
            created_at=when + dt.timedelta(hours=n),
            area=rng.choice(PLACES),
            domain=f"supplier{n}.example",
            description=" ".join(sentence(rng) for _ in range(2)),
            average_rating=round(rng.uniform(1, 5), 2),
        )
        for n in range(1, count + 1)
    ]


def make_reviews(
    rng: random.Random, suppliers: list[SupplierData], count: int
) -> Iterator[ReviewData]:
    when = dt.datetime(2025, 1, 1, tzinfo=dt.UTC)
    for n in range(1, count + 1):
        yield ReviewData(
            id=n,
            title=f"{rng.choice(ADJECTIVES).capitalize()} {rng.choice(NOUNS)}",
            body=" ".join(sentence(rng) for _ in range(rng.randint(3, 9))),
            rating=rng.randint(1, 5),
            created_at=when + dt.timedelta(minutes=n),
            supplier=rng.choice(suppliers),
        )


def size_of(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def build_whoosh(base: Path, suppliers: list[SupplierData], reviews: list[ReviewData]) -> None:
    name, ix = index.create_fresh(base)
    documents = [supplier_document(s) for s in suppliers] + [review_document(r) for r in reviews]
    started = time.perf_counter()
    procs = index.bulk_procs(len(documents))
    count = index.bulk_load(ix, iter(documents), procs=procs)
    seconds = time.perf_counter() - started
    index.swap(base, name)
    print(
        f"Whoosh: indexed {count:,} documents in {seconds:.1f}s = {count / seconds:,.0f} docs/s"
        f" ({procs} process{'es' if procs > 1 else ''});"
        f" index size {size_of(base / name) / 1e6:.1f} MB"
    )


def build_fts5(
    path: Path, suppliers: list[SupplierData], reviews: list[ReviewData]
) -> sqlite3.Connection:
    db = sqlite3.connect(path)
    db.execute(
        "CREATE VIRTUAL TABLE doc USING fts5(title, body, supplier, doc_type UNINDEXED,"
        " sector UNINDEXED, tokenize='porter unicode61')"
    )
    started = time.perf_counter()
    with db:
        db.executemany(
            "INSERT INTO doc VALUES (?, ?, ?, 'supplier', ?)",
            ((s.name, s.description, s.name, s.sector) for s in suppliers),
        )
        db.executemany(
            "INSERT INTO doc VALUES (?, ?, ?, 'review', ?)",
            ((r.title, r.body, r.supplier.name, r.supplier.sector) for r in reviews),
        )
    seconds = time.perf_counter() - started
    count = len(suppliers) + len(reviews)
    print(
        f"FTS5:   indexed {count:,} documents in {seconds:.1f}s = {count / seconds:,.0f} docs/s;"
        f" database size {path.stat().st_size / 1e6:.1f} MB"
    )
    return db


class PostgresBench:
    """The postgres backend over the same documents, in a schema of its own."""

    def __init__(self, url: str, suppliers: list[SupplierData], reviews: list[ReviewData]):
        import secrets

        import sqlalchemy as sa
        from sqlalchemy.orm import Session

        self.schema = f"parley_bench_{secrets.token_hex(4)}"
        self.admin = sa.create_engine(url)
        with self.admin.begin() as connection:
            connection.execute(sa.text(f"CREATE SCHEMA {self.schema}"))
            connection.execute(sa.text("CREATE EXTENSION IF NOT EXISTS pg_trgm SCHEMA public"))
            connection.execute(sa.text("CREATE EXTENSION IF NOT EXISTS unaccent SCHEMA public"))
        options = {"options": f"-csearch_path={self.schema},public"}
        self.engine = sa.create_engine(sa.make_url(url).update_query_dict(options))
        documents = [supplier_document(s) for s in suppliers]
        documents += [review_document(r) for r in reviews]
        started = time.perf_counter()
        with self.engine.begin() as connection:
            # The foreign keys' targets, ids only: the documents are the bench's own.
            connection.execute(sa.text("CREATE TABLE supplier (id integer PRIMARY KEY)"))
            connection.execute(sa.text("CREATE TABLE review (id integer PRIMARY KEY)"))
            connection.execute(sa.text("INSERT INTO supplier SELECT generate_series(1, :n)"),
                               {"n": len(suppliers)})  # fmt: skip
            connection.execute(sa.text("INSERT INTO review SELECT generate_series(1, :n)"),
                               {"n": len(reviews)})  # fmt: skip
            for statement in [*create_statements(with_unaccent=True), *bounded_statements()]:
                connection.execute(sa.text(statement))
        with Session(self.engine) as session:
            for start in range(0, len(documents), 2_000):
                pg_indexing.upsert(session, documents[start : start + 2_000])
            session.commit()
        seconds = time.perf_counter() - started
        # As an operator does after a bulk load: statistics for the planner, the GIN
        # pending lists merged, the visibility map set.
        started = time.perf_counter()
        with self.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.execute(sa.text("VACUUM ANALYZE search_document"))
        print(
            f"PostgreSQL: indexed {len(documents):,} documents in {seconds:.1f}s"
            f" = {len(documents) / seconds:,.0f} docs/s,"
            f" then VACUUM ANALYZE in {time.perf_counter() - started:.1f}s"
        )
        self.session = Session(self.engine)
        self.backend = pg_backend.PostgresBackend()

    def search(self, request: SearchRequest) -> None:
        self.backend.search(self.session, request)
        self.session.rollback()  # a request's transaction ends with it

    def close(self) -> None:
        import sqlalchemy as sa

        self.session.close()
        self.engine.dispose()
        with self.admin.begin() as connection:
            connection.execute(sa.text(f"DROP SCHEMA {self.schema} CASCADE"))
        self.admin.dispose()


def fts5_search(
    db: sqlite3.Connection, words: list[str], sector: str | None, phrase: bool = False
) -> int:
    match = f'"{" ".join(words)}"' if phrase else " AND ".join(f'"{w}"' for w in words)
    where, params = "doc MATCH ?", [match]
    if sector:
        where, params = where + " AND sector = ?", [*params, sector]
    total = db.execute(f"SELECT count(*) FROM doc WHERE {where}", params).fetchone()[0]  # noqa: S608
    db.execute(
        f"SELECT title, snippet(doc, 1, '<mark>', '</mark>', '…', 24) FROM doc WHERE {where}"  # noqa: S608
        " ORDER BY rank LIMIT 20",
        params,
    ).fetchall()
    # Facet counts, as the page shows them.
    db.execute(f"SELECT sector, count(*) FROM doc WHERE {where} GROUP BY sector", params).fetchall()  # noqa: S608
    return int(total)


def timed(action: Callable[[], object], runs: list[float]) -> None:
    started = time.perf_counter()
    action()
    runs.append((time.perf_counter() - started) * 1000)


def percentile(values: list[float], q: float) -> float:
    return (
        statistics.quantiles(values, n=100, method="inclusive")[q - 1]
        if len(values) > 1
        else values[0]
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--reviews", type=int, default=100_000)
    parser.add_argument("--suppliers", type=int, default=5_000)
    parser.add_argument("--queries", type=int, default=40, help="queries per kind")
    parser.add_argument("--warmup", type=int, default=100, help="untimed queries first")
    parser.add_argument("--seed", type=int, default=20261125)
    parser.add_argument(
        "--backend",
        choices=("whoosh", "postgres"),
        default="whoosh",
        help="postgres: time Parley's postgres backend too",
    )
    parser.add_argument(
        "--postgres",
        default="postgresql+psycopg://postgres@127.0.0.1:5432/bench",
        help="database for --backend postgres (a schema is made in it, then dropped)",
    )
    options = parser.parse_args()

    rng = random.Random(options.seed)
    suppliers = make_suppliers(rng, options.suppliers)
    reviews = list(make_reviews(rng, suppliers, options.reviews))
    print(f"Data: {len(suppliers):,} suppliers, {len(reviews):,} reviews (seed {options.seed})")

    with tempfile.TemporaryDirectory(prefix="parley-bench-") as scratch:
        base = Path(scratch) / "search"
        build_whoosh(base, suppliers, reviews)
        db = build_fts5(Path(scratch) / "fts.db", suppliers, reviews)
        pg = (
            PostgresBench(options.postgres, suppliers, reviews)
            if options.backend == "postgres"
            else None
        )
        vocabulary = NOUNS + VERBS + ADJECTIVES
        started = time.perf_counter()
        searching.search(base, SearchRequest(text="refund"))
        opening = (time.perf_counter() - started) * 1000
        print(f"Whoosh: first search, opening the index: {opening:.0f} ms")
        warm_rng = random.Random(options.seed + 1)
        started = time.perf_counter()
        for _ in range(options.warmup):
            words = warm_rng.sample(vocabulary, warm_rng.randint(1, 3))
            searching.search(base, SearchRequest(text=" ".join(words)))
        print(
            f"Whoosh: warm-up, {options.warmup} other queries reading posting lists into"
            f" memory: {time.perf_counter() - started:.1f}s"
        )
        if pg is not None:
            for _ in range(options.warmup // 4):
                words = warm_rng.sample(vocabulary, warm_rng.randint(1, 3))
                pg.search(SearchRequest(text=" ".join(words)))
        print(
            f"\n{'query':<30}{'Whoosh p50':>11}{'p95':>9}{'FTS5 p50':>11}{'p95':>9}"
            f"{'ratio p95':>11}" + (f"{'PG p50':>10}{'p95':>9}" if pg else "")
        )
        kinds = [(size, facet, False, False) for size in (1, 2, 3) for facet in (False, True)]
        kinds += [(2, False, True, False), (2, False, False, True)]
        for size, facet, phrase, cold in kinds:
            whoosh_ms: list[float] = []
            fts_ms: list[float] = []
            pg_ms: list[float] = []
            for _ in range(options.queries):
                words = rng.sample(vocabulary, size)
                sector = rng.choice(list(SECTORS)) if facet else None
                text = f'"{" ".join(words)}"' if phrase else " ".join(words)
                request = SearchRequest(text=text, filters={"sector": sector} if sector else {})
                if cold:
                    postings.clear()
                timed(lambda r=request: searching.search(base, r), whoosh_ms)
                timed(lambda w=words, s=sector, p=phrase: fts5_search(db, w, s, p), fts_ms)
                if pg is not None:
                    timed(lambda r=request: pg.search(r), pg_ms)
            label = f"{size}-word{' + sector facet' if facet else ''}"
            label += " phrase" if phrase else ""
            label += ", nothing cached" if cold else ""
            w50, w95 = percentile(whoosh_ms, 50), percentile(whoosh_ms, 95)
            f50, f95 = percentile(fts_ms, 50), percentile(fts_ms, 95)
            pg_columns = ""
            if pg_ms:
                pg_columns = f"{percentile(pg_ms, 50):>8.1f}ms{percentile(pg_ms, 95):>7.1f}ms"
            print(
                f"{label:<30}{w50:>9.1f}ms{w95:>7.1f}ms{f50:>9.1f}ms{f95:>7.1f}ms"
                f"{w95 / max(f95, 0.001):>10.1f}x{pg_columns}"
            )
        db.close()
        cache = postings.cache_stats()
        peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(
            f"\nPosting cache: hit rate {cache.hit_rate:.1%} ({cache.hits:,} hits,"
            f" {cache.misses:,} misses), {cache.bytes / 2**20:.0f} MB held of a"
            f" {cache.limit / 2**20:.0f} MB bound. This process's peak RSS: {peak_mb:.0f} MB"
            " (it also holds the generated data and the FTS5 copy; a worker holds neither)."
        )
        if pg is not None:
            pg.close()
    print(
        "\nWhoosh timings are the search page's: the process's open searcher and the posting"
        " lists it has read (as a running worker keeps them), exact facet counts over all"
        " matches, highlights of the page's 20 hits and the spelling check. 'Nothing cached'"
        " reads every posting list from the index files, as the first query of a word does."
        " Target: 2-word p95 < 50 ms at 100,000 reviews."
    )
    if options.backend == "postgres":
        print(
            "PG timings are the postgres backend's whole search (the same page): counted and"
            f" faceted up to {pg_backend.COUNT_LIMIT:,}; ts_rank_cd orders every match when"
            f" there are at most {pg_backend.COUNT_LIMIT:,}, else the matches in heavy fields"
            f" (up to {pg_backend.HEAVY_CANDIDATES:,}) and the first"
            f" {pg_backend.COUNT_LIMIT + 1:,} others; phrases through the word-pair index;"
            " ts_headline for the page's hits, the spelling check. 'Nothing cached' clears"
            " Whoosh's arrays only; PostgreSQL keeps its buffers."
        )


if __name__ == "__main__":
    main()
