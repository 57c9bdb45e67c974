"""A seeded, realistic data set for the page benchmark, built fast and cached on disk.

One SQLite file and its search index per (reviews, seed, schema head): a rerun with the
same arguments reuses them. The shape follows what an operator sees: one supplier per
twenty reviews (5,000 at 100,000), review counts skewed (a long tail of small suppliers,
a median around a dozen) and one busy supplier with 3.7% of all reviews, a third of the
suppliers answered by a representative, sectors and areas, some aliases, members'
published terms proffered to the busy supplier and others.

Rows are written with SQLAlchemy Core in batches (the ORM would take minutes at
100,000); terms go through the terms service (a few hundred members, so its rules hold).
The stored figures are then rebuilt by `flask reputation recompute`'s own function and
the index by `flask search reindex`'s, so pages read what a live site would have kept.
"""

from __future__ import annotations

import datetime as dt
import html
import json
import random
import shutil
import time
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from alembic import command
from sqlalchemy import insert, select

# Bump when the generated shape changes, so cached sets are rebuilt.
SHAPE = 2
BATCH = 5_000
BUSY_SHARE = 0.037  # BT's 3,702 of 100,000 in the issue
REVIEWS_PER_SUPPLIER = 20
REVIEWS_PER_MEMBER = 3
EPOCH = dt.datetime(2023, 1, 1, tzinfo=dt.UTC)
SPAN_DAYS = 3 * 365


# The words reviews are made of, one kind a line ("kind: words…").
VOCABULARY = dict(
    (kind, words.split())
    for kind, _, words in (
        line.partition(":")
        for line in """
things: bill refund engineer broadband router appointment complaint contract tariff meter
  payment account call queue letter parcel driver ticket repair boiler leak surgery
  prescription claim deadline branch fee charge card loan policy outage signal
doings: arrived fixed ignored cancelled refunded charged promised replaced answered delayed
  lost explained escalated resolved overcharged apologised visited waited confirmed
manners: helpful rude slow quick friendly confusing late polite unhelpful excellent terrible
  reasonable expensive fair unfair clear vague patient careless
fillers: the a my our after before when because but and then again still never
names: Northern Southern Central City County Metro United Royal Premier Albion Crown
  Harbour Valley Highland Coastal Power Water Telecom Rail Homes Bank Post Health
""".replace("\n  ", " ")
        .strip()
        .splitlines()
    )
)
THINGS, DOINGS, MANNERS = VOCABULARY["things"], VOCABULARY["doings"], VOCABULARY["manners"]
FILLERS, NAME_WORDS = VOCABULARY["fillers"], VOCABULARY["names"]
NATIONS = ("England", "Scotland", "Wales", "Northern Ireland")


@dataclass(frozen=True)
class Manifest:
    """What the benchmark needs to know about a built set: where it is and what to ask."""

    reviews: int
    suppliers: int
    members: int
    seed: int
    database: str
    search_dir: str
    busy_slug: str
    busy_reviews: int
    median_slug: str
    median_reviews: int
    review_id: int
    viewer_id: str  # Member.get_id() of the signed-in visitor
    build_seconds: float
    schema: str = ""

    @classmethod
    def load(cls, path: Path) -> Manifest:
        return cls(**json.loads(path.read_text()))


def schema_head() -> str:
    from vrm.schema import head_revisions

    return "-".join(sorted(head_revisions()))


def dataset_dir(base: Path, reviews: int, seed: int) -> Path:
    return base / f"reviews-{reviews}-seed-{seed}-shape-{SHAPE}"


def ensure(base: Path, reviews: int, seed: int, *, log: Any = print) -> Manifest:
    """The manifest of the cached set, building it first when missing.

    A set built before a new migration is upgraded in place, and the figures a
    migration may add are refreshed: a 100,000-review set is built once."""
    where = dataset_dir(base.resolve(), reviews, seed)
    manifest = where / "manifest.json"
    if manifest.exists():
        found = Manifest.load(manifest)
        if found.schema != schema_head():
            log(f"  upgrading the cached set to {schema_head()}…")
            _upgrade(where, found)
            found = Manifest(**{**asdict(found), "schema": schema_head()})
            manifest.write_text(json.dumps(asdict(found), indent=2))
        return found
    partial = where.with_name(where.name + ".partial")
    shutil.rmtree(partial, ignore_errors=True)
    partial.mkdir(parents=True)
    started = time.monotonic()
    built = build(partial, reviews, seed, log=log)
    built = Manifest(
        **{
            **asdict(built),
            "database": str(where / "parley.db"),
            "search_dir": str(where / "search"),
            "build_seconds": round(time.monotonic() - started, 1),
            "schema": schema_head(),
        }
    )
    (partial / "manifest.json").write_text(json.dumps(asdict(built), indent=2))
    shutil.rmtree(where, ignore_errors=True)
    partial.rename(where)  # only a complete set is ever found
    return built


def _upgrade(where: Path, manifest: Manifest) -> None:
    from vrm.schema import alembic_config, complete_data

    url = f"sqlite:///{where / 'parley.db'}"
    command.upgrade(alembic_config(url), "heads")
    app = _app(url, where)
    with app.app_context():
        from vrm.db import get_db

        with get_db(app).session_factory() as session:
            complete_data(session)  # what `flask db upgrade` does after migrating
        get_db(app).engine.dispose()


def _app(url: str, where: Path) -> Any:
    from vrm import create_app
    from vrm.settings import Settings

    settings = Settings.from_env(
        database_url=url,
        secret_key="bench-dataset",  # noqa: S106 - only builds; the server has its own
        instance_path=where,
        search_dir=where / "search",
        ratelimit_enabled=False,
    )
    return create_app(settings)


def _sentence(rng: random.Random) -> str:
    words = [rng.choice(FILLERS), rng.choice(MANNERS), rng.choice(THINGS), rng.choice(DOINGS)]
    words += rng.sample(THINGS + DOINGS + MANNERS, rng.randint(2, 7))
    return " ".join(words).capitalize() + "."


def _batches(rows: Iterator[dict[str, Any]]) -> Iterator[list[dict[str, Any]]]:
    batch: list[dict[str, Any]] = []
    for row in rows:
        batch.append(row)
        if len(batch) == BATCH:
            yield batch
            batch = []
    if batch:
        yield batch


def _review_counts(rng: random.Random, suppliers: int, reviews: int) -> list[int]:
    """Reviews per supplier: index 0 is the busy one, the rest log-normally skewed."""
    busy = max(1, round(reviews * BUSY_SHARE))
    weights = [rng.lognormvariate(0, 1.2) for _ in range(suppliers - 1)]
    scale = (reviews - busy) / sum(weights)
    counts = [busy] + [int(w * scale) for w in weights]
    for n in range(reviews - sum(counts)):  # what rounding dropped
        counts[1 + n % (suppliers - 1)] += 1
    return counts


def build(where: Path, reviews: int, seed: int, *, log: Any = print) -> Manifest:
    """Build the set into WHERE (a fresh directory)."""
    from vrm.db import get_db
    from vrm.schema import alembic_config

    url = f"sqlite:///{where / 'parley.db'}"
    command.upgrade(alembic_config(url), "heads")
    app = _app(url, where)
    rng = random.Random(seed)
    with app.app_context():
        factory = get_db(app).session_factory
        with factory() as session:
            manifest = _fill(session, rng, reviews, seed, log)
            session.commit()
        log(f"  recomputing stored figures ({reviews:,} reviews)…")
        with factory() as session:
            from vrm.reputation.recompute import recompute_all
            from vrm.schema import complete_data

            recompute_all(session)
            complete_data(session)  # as `flask db upgrade` leaves a database
        log("  rebuilding the search index…")
        from vrm.search import rebuild

        report = rebuild.rebuild(factory, where / "search")
        log(f"  indexed {report.documents:,} documents in {report.seconds:.0f} s")
    get_db(app).engine.dispose()
    return manifest


def _fill(session: Any, rng: random.Random, reviews: int, seed: int, log: Any) -> Manifest:
    from vrm.members.models import Member
    from vrm.reviews.models import Review, ReviewMessage, ReviewRevision
    from vrm.suppliers.models import Area, RepresentativeClaim, Supplier, SupplierAlias
    from vrm.suppliers.sectors import SECTORS
    from vrm.terms.seed import seed_library

    suppliers = max(10, reviews // REVIEWS_PER_SUPPLIER)
    members = max(20, reviews // REVIEWS_PER_MEMBER)
    log(f"  writing {suppliers:,} suppliers, {members:,} members, {reviews:,} reviews…")
    conn = session.connection()
    # Areas: nations, regions under them, local authorities under those.
    areas = [{"id": n + 1, "code": f"N{n}", "name": name, "kind": "nation", "parent_id": None}
             for n, name in enumerate(NATIONS)]  # fmt: skip
    for r in range(12):
        areas.append({"id": 5 + r, "code": f"R{r}", "name": f"Region {r}", "kind": "region",
                      "parent_id": 1 + r % 4})  # fmt: skip
    for a in range(60):
        areas.append({"id": 17 + a, "code": f"LA{a:03}", "name": f"Borough of {a}",
                      "kind": "local_authority", "parent_id": 5 + a % 12})  # fmt: skip
    conn.execute(insert(Area), areas)

    people = [{"id": n, "handle": f"member{n}", "created_at": EPOCH} for n in range(1, members + 1)]
    reps = [
        {"id": members + s, "handle": f"rep{s}", "created_at": EPOCH}
        for s in range(1, suppliers + 1)
    ]
    for batch in _batches(iter(people + reps)):
        conn.execute(insert(Member), batch)

    sectors = list(SECTORS)
    rows = []
    for s in range(1, suppliers + 1):
        name = f"{rng.choice(NAME_WORDS)} {rng.choice(NAME_WORDS)} {s}"
        rows.append({
            "id": s,
            "slug": "busy-telecom" if s == 1 else f"supplier-{s}",
            "name": "Busy Telecom plc" if s == 1 else name,
            "kind": rng.choice(("business", "public_service")),
            "sector": "telecoms" if s == 1 else rng.choice(sectors),
            "area_id": rng.randint(1, len(areas)),
            "website_domain": f"supplier{s}.example",
            "description": " ".join(_sentence(rng) for _ in range(2)),
            "created_at": EPOCH,
        })  # fmt: skip
    conn.execute(insert(Supplier), rows)
    conn.execute(
        insert(SupplierAlias),
        [{"supplier_id": s, "name": f"Alias {s}"} for s in range(1, suppliers + 1, 7)],
    )
    answered = {1} | {s for s in range(2, suppliers + 1) if rng.random() < 0.33}
    conn.execute(
        insert(RepresentativeClaim),
        [
            {"supplier_id": s, "member_id": members + s, "method": "moderator",
             "status": "verified", "created_at": EPOCH, "verified_at": EPOCH}
            for s in sorted(answered)
        ],
    )  # fmt: skip

    counts = _review_counts(rng, suppliers, reviews)
    review_id = message_id = 0
    pairs: set[tuple[int, int]] = set()

    def review_rows() -> Iterator[tuple[dict[str, Any], dict[str, Any] | None]]:
        nonlocal review_id, message_id
        for supplier_index, count in enumerate(counts):
            supplier_id = supplier_index + 1
            for _ in range(count):
                author = rng.randint(1, members)
                while (author, supplier_id) in pairs:
                    author = rng.randint(1, members)
                pairs.add((author, supplier_id))
                review_id += 1
                body = " ".join(_sentence(rng) for _ in range(rng.randint(2, 6)))
                created = EPOCH + dt.timedelta(minutes=rng.randint(0, SPAN_DAYS * 1440))
                rating = rng.choices((1, 2, 3, 4, 5), (30, 12, 10, 18, 30))[0]
                answer = None
                first_answer = None
                if supplier_id in answered and rng.random() < 0.5:
                    first_answer = created + dt.timedelta(hours=rng.lognormvariate(3, 1.2))
                    message_id += 1
                    answer = {
                        "id": message_id,
                        "review_id": review_id,
                        "author_id": members + supplier_id,
                        "as_supplier": True,
                        "body": "Sorry to hear this; we have looked into it.",
                        "body_html": "<p>Sorry to hear this; we have looked into it.</p>",
                        "states_change_made": False,
                        "created_at": first_answer,
                    }
                yield (
                    {
                        "id": review_id,
                        "supplier_id": supplier_id,
                        "author_id": author,
                        "rating": rating,
                        **{f"rating_{a}": rng.randint(1, 5) for a in ("ease", "resolution")},
                        "title": f"{rng.choice(MANNERS).capitalize()} {rng.choice(THINGS)}",
                        "body": body,
                        "body_html": f"<p>{html.escape(body)}</p>",
                        "experienced_on": (created - dt.timedelta(days=3)).date(),
                        "helpful_count": 0,
                        "resolution": rng.choice((None, None, "resolved", "not_resolved")),
                        "resolution_at": created + dt.timedelta(days=20),
                        "first_answer_at": first_answer,
                        "created_at": created,
                    },
                    answer,
                )

    revision_keys = ("rating", "rating_ease", "rating_resolution", "title", "body",
                     "body_html", "experienced_on", "created_at")  # fmt: skip
    pending: list[tuple[dict[str, Any], dict[str, Any] | None]] = []

    def flush() -> None:
        conn.execute(insert(Review), [r for r, _ in pending])
        conn.execute(
            insert(ReviewRevision),
            [{"review_id": r["id"], "number": 1, **{k: r[k] for k in revision_keys}}
             for r, _ in pending],
        )  # fmt: skip
        messages = [m for _, m in pending if m is not None]
        if messages:
            conn.execute(insert(ReviewMessage), messages)
        pending.clear()

    for pair in review_rows():
        pending.append(pair)
        if len(pending) == BATCH:
            flush()
    if pending:
        flush()

    seed_library(session)
    session.flush()
    _terms(session, rng, members, suppliers, reviews)

    ordered = sorted(range(1, suppliers), key=lambda i: (counts[i], i))
    median = ordered[len(ordered) // 2]
    busy_review = session.scalar(
        select(Review.id).where(Review.supplier_id == 1, Review.first_answer_at.is_not(None))
    )
    viewer = next(author for author, supplier in sorted(pairs) if supplier == 1)
    return Manifest(
        reviews=reviews,
        suppliers=suppliers,
        members=members,
        seed=seed,
        database="",
        search_dir="",
        busy_slug="busy-telecom",
        busy_reviews=counts[0],
        median_slug=f"supplier-{median + 1}",
        median_reviews=counts[median],
        review_id=int(busy_review or 1),
        viewer_id=f"{viewer}.0",
        build_seconds=0.0,
    )


def _terms(session: Any, rng: random.Random, members: int, suppliers: int, reviews: int) -> None:
    """Published terms for one member in 250, each proffered to the busy supplier and one
    other; the busy supplier declines about a third. Through the services: their rules hold."""
    from vrm.members.models import Member
    from vrm.suppliers.models import Supplier
    from vrm.terms import agreements, service
    from vrm.terms.models import Clause, Proffer

    identifiers = list(session.scalars(select(Clause.identifier).order_by(Clause.identifier)))
    wanted = {"parley:no-stalking", "parley:no-third-parties", "parley:human-review"}
    simple = [i for i in identifiers if i in wanted | {"parley:easy-cancellation"}]
    busy = session.get(Supplier, 1)
    speaker = session.get(Member, members + 1)  # the busy supplier's representative
    for n in range(1, max(5, reviews // 250) + 1):
        member = session.get(Member, 1 + (n * 7919) % members)
        items = [{"clause": c, "version": 1, "parameters": {}} for c in
                 rng.sample(simple, rng.randint(1, len(simple)))]  # fmt: skip
        service.save_draft(session, actor=member, member=member, items=items, text="")
        service.publish(session, actor=member, member=member)
        for supplier in {busy, session.get(Supplier, rng.randint(2, suppliers))}:
            proffer = agreements.proffer(session, member=member, supplier=supplier)
            if supplier is busy and rng.random() < 0.3:
                agreements.decline(session, actor=speaker, proffer=proffer, reason="Not for us.")
    session.flush()
    assert session.scalar(select(Proffer.id).limit(1)) is not None
