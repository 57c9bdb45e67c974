"""Posting stays O(1) in a supplier's history: the duplicate-review check is answered by
an index on (author, supplier, status), not by walking the supplier's reviews."""

from __future__ import annotations

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from tests.reviews.factories import make_member, make_review, make_supplier
from vrm.reviews.models import Review
from vrm.reviews.queries import live_review_by


def _plan(session: Session, statement: object) -> str:
    bind = session.get_bind()
    compiled = statement.compile(bind, compile_kwargs={"literal_binds": True})  # type: ignore[attr-defined]
    if bind.dialect.name == "sqlite":
        rows = session.execute(text(f"EXPLAIN QUERY PLAN {compiled}")).all()
        return "\n".join(str(row[-1]) for row in rows)
    # PostgreSQL prefers a scan of a tiny test table, and without statistics any index
    # on supplier_id costs the same as the right one: give it both, as a live site has.
    session.execute(text("SET LOCAL enable_seqscan = off"))
    session.execute(text("ANALYZE review"))
    return "\n".join(row[0] for row in session.execute(text(f"EXPLAIN {compiled}")))


def test_the_duplicate_check_uses_the_author_supplier_index(db_session: Session) -> None:
    supplier = make_supplier(db_session)
    author = make_member(db_session)
    # Enough of the supplier's reviews by others that walking them is visibly dearer.
    others = 3 if db_session.get_bind().dialect.name == "sqlite" else 60
    for _ in range(others):
        make_review(db_session, make_member(db_session), supplier)
    mine = make_review(db_session, author, supplier)
    assert live_review_by(db_session, author.id, supplier.id) == mine
    statement = select(Review).where(
        Review.author_id == author.id, Review.supplier_id == supplier.id, Review.status == "live"
    )
    plan = _plan(db_session, statement)
    assert "ix_review_author_supplier_status" in plan, plan
