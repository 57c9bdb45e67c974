"""Keeping ``search_document`` true, inside the writer's own transaction.

The search handlers mark what changed in ``session.info`` (as the Whoosh backend writes
outbox rows); just before that session commits, ``write_marked`` re-reads each marked
document through sources.py (the one visibility rule, the very documents Whoosh gets)
and writes or deletes its row. So the change and its index commit or roll back together,
every host sees them at once, and nothing waits in a queue. Rows of deleted suppliers
and reviews go by ``ON DELETE CASCADE``.

The word list for "did you mean" only grows here; a candidate is offered only while some
document still has it, and an erasure prunes words no document has (prune_words).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import Session

from vrm.reviews.models import Review
from vrm.reviews.queries import assurance_of
from vrm.search import sources
from vrm.search.documents import review_document
from vrm.search.models import SearchOutbox
from vrm.search.postgres.tables import FACET_COLUMNS, TEXT_COLUMNS, search_document, search_word
from vrm.suppliers.models import Supplier

MARKED = "vrm.search.postgres.marked"
"""session.info key: the documents this transaction changed, written before it commits."""

SUPPLIER, REVIEW, SUPPLIER_REVIEWS = "supplier", "review", "supplier_reviews"

_COLUMNS = (
    *TEXT_COLUMNS,
    *FACET_COLUMNS,
    "supplier_slug",
    "supplier_name",
    "rating",
    "created_at",
    "reputation",
)
_UPDATED = ("supplier_id", "review_id", *_COLUMNS)


def mark(session: Session, what: str, doc_id: int) -> None:
    """Record that a document (or all of a supplier's reviews) must be re-read."""
    session.info.setdefault(MARKED, set()).add((what, doc_id))


def forget_queued(session: Session) -> None:
    """Drop the outbox rows of the marked documents: they are written here instead."""
    marked = session.info.get(MARKED, set())
    keys = [(what, i) for what, i in marked if what in (SUPPLIER, REVIEW)]
    supplier_ids = [i for what, i in marked if what == SUPPLIER_REVIEWS]
    session.flush()
    if keys:
        session.execute(
            sa.delete(SearchOutbox).where(
                sa.tuple_(SearchOutbox.doc_type, SearchOutbox.doc_id).in_(keys)
            )
        )
    if supplier_ids:
        reviews = sa.select(Review.id).where(Review.supplier_id.in_(supplier_ids))
        session.execute(
            sa.delete(SearchOutbox).where(
                SearchOutbox.doc_type == REVIEW, SearchOutbox.doc_id.in_(reviews)
            )
        )


_ORDER = {SUPPLIER: 0, SUPPLIER_REVIEWS: 1, REVIEW: 2}


def write_marked(session: Session) -> None:
    """Write every marked document's row (the session's before_commit listener).

    Rows are locked in one order in every transaction: suppliers' rows, then reviews',
    each by id, and the new words last. Two writers touching the same supplier then wait
    for each other at its row, never in a cycle (a review's writer also rewrites its
    supplier's row, and a supplier's writer all its reviews' rows).
    """
    marked: set[tuple[str, int]] = session.info.pop(MARKED, set())
    if not marked:
        return
    session.flush()
    texts: list[str] = []
    for what, doc_id in sorted(marked, key=lambda m: (_ORDER[m[0]], m[1])):
        if what == SUPPLIER:
            texts += _write(
                session, SUPPLIER, doc_id, sources.supplier_document_for(session, doc_id)
            )
        elif what == SUPPLIER_REVIEWS:
            texts += write_supplier_reviews(session, doc_id)
        elif (SUPPLIER_REVIEWS, _supplier_of(session, doc_id)) not in marked:
            texts += _write(session, REVIEW, doc_id, sources.review_document_for(session, doc_id))
    add_words(session, texts)


def _supplier_of(session: Session, review_id: int) -> int | None:
    return session.scalar(sa.select(Review.supplier_id).where(Review.id == review_id))


def _write(
    session: Session, doc_type: str, doc_id: int, document: dict[str, object] | None
) -> list[str]:
    """Write or delete one row; the words to add to the word list."""
    if document is None:
        session.execute(
            sa.delete(search_document).where(
                search_document.c.doc_type == doc_type, search_document.c.doc_id == doc_id
            )
        )
        return []
    return upsert(session, [document], words=False)


def write_supplier_reviews(session: Session, supplier_id: int) -> list[str]:
    """Rewrite all of a supplier's review rows in two statements (they carry its name and
    facets): its public reviews when it is public, none when it is not. Their words."""
    session.execute(
        sa.delete(search_document).where(
            search_document.c.doc_type == REVIEW, search_document.c.supplier_id == supplier_id
        )
    )
    supplier = session.get(Supplier, supplier_id)
    if supplier is None or not supplier.is_public:
        return []
    data = sources._suppliers_data(session, [supplier])[supplier_id]
    reviews = session.scalars(
        sources.public_review_select().where(Review.supplier_id == supplier_id)
    ).all()
    grades = assurance_of(session, list(reviews))
    documents = (
        review_document(sources._review_data(r, data, grades[r.id].grade)) for r in reviews
    )
    return upsert(session, documents, words=False)


def upsert(
    session: Session, documents: Iterable[dict[str, object]], *, words: bool = True
) -> list[str]:
    """Insert or replace these documents' rows and, unless not WORDS, add their words to
    the word list. Their texts for the word list."""
    rows = [_row(document) for document in documents]
    if not rows:
        return []
    statement = insert(search_document)
    session.execute(
        statement.on_conflict_do_update(
            index_elements=["doc_type", "doc_id"],
            set_={name: statement.excluded[name] for name in _UPDATED},
        ),
        rows,
    )
    texts = [str(row["spell"]) for row in rows]
    if words:
        add_words(session, texts)
    return texts


def add_words(session: Session, texts: list[str]) -> None:
    if not texts:
        return
    # Sorted, so two writers adding the same new words wait in one order, never a cycle.
    session.execute(
        sa.text(
            "INSERT INTO search_word (word) SELECT DISTINCT w"
            " FROM unnest(CAST(:texts AS text[])) t,"
            " unnest(tsvector_to_array(to_tsvector('simple', parley_unaccent(t)))) w"
            " WHERE length(w) BETWEEN 3 AND 40 ORDER BY w ON CONFLICT DO NOTHING"
        ),
        {"texts": texts},
    )


def prune_words(session: Session) -> int:
    """Forget words no document has any more (after an erasure): none of its words stays."""
    result = session.execute(
        sa.text(
            "DELETE FROM search_word w WHERE NOT EXISTS (SELECT 1 FROM search_document d"
            " WHERE d.spell_words @@ to_tsquery('simple', quote_literal(w.word)))"
        )
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


def _row(document: dict[str, object]) -> dict[str, Any]:
    row: dict[str, Any] = {name: document.get(name, "") for name in _COLUMNS}
    row["doc_type"] = document["doc_type"]
    row["doc_id"] = document["doc_id"]
    row["supplier_id"] = document["supplier_id"]
    row["review_id"] = document["doc_id"] if document["doc_type"] == REVIEW else None
    row["created_at"] = _naive_utc(document["created_at"])  # type: ignore[arg-type]
    return row


def _naive_utc(moment: dt.datetime) -> dt.datetime:
    # Stored as Whoosh stores it (naive UTC), so hits look the same from either backend.
    if moment.tzinfo is None:
        return moment
    return moment.astimezone(dt.UTC).replace(tzinfo=None)


def rebuild(session: Session, documents: Iterator[dict[str, object]], batch: int = 1000) -> int:
    """Replace every row with DOCUMENTS in the caller's transaction (`flask search reindex`):
    readers see the old rows until it commits."""
    session.execute(sa.delete(search_document))
    session.execute(sa.delete(search_word))
    written = 0
    chunk: list[dict[str, object]] = []
    for document in documents:
        chunk.append(document)
        if len(chunk) >= batch:
            written += len(upsert(session, chunk))
            chunk = []
    return written + len(upsert(session, chunk))


def reindex(write_factory: Callable[[], Session], read_factory: Callable[[], Session]) -> int:
    """Rewrite every row from the database (`flask search reindex`) in one transaction:
    searches see the old rows until it commits. Reads in batches with READ_FACTORY."""
    with write_factory() as session:
        written = rebuild(session, sources.all_documents(read_factory))
        # The new rows' statistics commit with them: how common a word is decides
        # whether a search reads its index or walks the table.
        session.execute(sa.text("ANALYZE search_document"))
        session.commit()
    return written


def apply_queued(session: Session) -> int:
    """Write the documents the outbox lists (queued by writes made outside an app
    context, which cannot know the backend) and forget those rows; how many."""
    queued = session.execute(sa.select(SearchOutbox.id, SearchOutbox.doc_type, SearchOutbox.doc_id))
    rows = list(queued)
    for _, doc_type, doc_id in rows:
        mark(session, doc_type, doc_id)
    write_marked(session)
    session.execute(sa.delete(SearchOutbox).where(SearchOutbox.id.in_([r.id for r in rows])))
    return len(rows)
