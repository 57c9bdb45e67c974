"""The stored aggregates follow every change through the real services, in O(1) per
event, and always equal a rebuild from scratch."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tests.reputation.conftest import Clock, assert_same, figures
from tests.reviews.factories import (
    make_draft,
    make_member,
    make_representative,
    make_review,
    make_supplier,
)
from vrm import signals
from vrm.reputation.models import (
    ReputationEntry,
    ReputationSector,
    ReputationStats,
    ReputationSums,
    ResponseBucket,
)
from vrm.reputation.queries import supplier_reputation
from vrm.reputation.recompute import recompute_all, recompute_supplier
from vrm.reputation.service import forget_review, refresh_review
from vrm.reviews import thread
from vrm.reviews.models import ChangeClaim
from vrm.reviews.service import edit_review, withdraw_review
from vrm.suppliers.service import merge_suppliers, remove_supplier


def overall(session: Session, supplier_id: int) -> ReputationSums | None:
    return session.get(ReputationSums, (supplier_id, "overall"))


def test_posting_editing_and_withdrawing_move_the_sums(
    db_session: Session, frozen_clock: Clock
) -> None:
    supplier = make_supplier(db_session)
    alice, bob = make_member(db_session), make_member(db_session)
    first = make_review(db_session, alice, supplier, rating=5, ease=4)
    frozen_clock.advance(days=365)
    make_review(db_session, bob, supplier, rating=2)
    sums = overall(db_session, supplier.id)
    assert sums is not None and (sums.n2, sums.n5) == (1, 1)
    rep = supplier_reputation(db_session, supplier)
    assert rep.overall.evidence == pytest.approx((0, 1.0, 0, 0, 0.5))
    assert rep.aspects["ease"].count == 1 and rep.level_counts == (0, 1, 0, 0, 1)

    edit_review(db_session, editor=alice, review=first, draft=make_draft(rating=1, ease=None))
    rep = supplier_reputation(db_session, supplier)
    # The edit keeps the review's original time: still half a review's weight.
    assert rep.overall.evidence == pytest.approx((0.5, 1.0, 0, 0, 0))
    assert rep.aspects["ease"].count == 0

    withdraw_review(db_session, actor=alice, review=first)
    rep = supplier_reputation(db_session, supplier)
    assert rep.overall.evidence == pytest.approx((0, 1.0, 0, 0, 0)) and rep.overall.count == 1
    assert db_session.get(ReputationEntry, first.id) is None
    assert [p.count for p in rep.months if p.count] == [1]


def test_a_score_appears_at_the_minimum_count(db_session: Session, frozen_clock: Clock) -> None:
    supplier = make_supplier(db_session)
    for rating in (4, 5):
        make_review(db_session, make_member(db_session), supplier, rating=rating)
    assert supplier_reputation(db_session, supplier).overall.value is None
    make_review(db_session, make_member(db_session), supplier, rating=4)
    rep = supplier_reputation(db_session, supplier)
    assert rep.overall.value is not None and 3.5 < rep.overall.value < 4.5


def test_answers_resolutions_and_promises(db_session: Session, frozen_clock: Clock) -> None:
    supplier = make_supplier(db_session)
    rep_member = make_member(db_session)
    make_representative(db_session, rep_member, supplier)
    authors = [make_member(db_session) for _ in range(3)]
    reviews = [make_review(db_session, a, supplier, rating=2) for a in authors]
    frozen_clock.advance(days=2)
    thread.answer_review(
        db_session, representative=rep_member, review=reviews[0], body="Fixed.",
        states_change_made=True,
    )  # fmt: skip
    frozen_clock.advance(days=2)
    thread.answer_review(db_session, representative=rep_member, review=reviews[1], body="Sorry.")
    thread.mark_resolution(db_session, member=authors[0], review=reviews[0], resolved=True)
    thread.mark_resolution(db_session, member=authors[1], review=reviews[1], resolved=False)
    claim = db_session.scalars(select(ChangeClaim)).one()
    thread.answer_change_claim(db_session, member=authors[0], claim=claim, confirmed=True)

    rep = supplier_reputation(db_session, supplier)
    assert rep.responsiveness.answered.value == pytest.approx(2 / 3)
    # 2 and 4 days; the median is read from bands a quarter of a doubling wide (9%).
    assert rep.responsiveness.median_response_days == pytest.approx(3.0, rel=0.09)
    assert rep.responsiveness.resolved.value == pytest.approx(1 / 3)
    assert (rep.promises.value, rep.promises.count) == (1.0, 1)
    stats = db_session.get(ReputationStats, supplier.id)
    assert stats is not None and stats.not_resolved_count == 1

    withdraw_review(db_session, actor=authors[0], review=reviews[0])
    rep = supplier_reputation(db_session, supplier)
    assert rep.promises.count == 0
    assert rep.responsiveness.median_response_days == pytest.approx(4.0, rel=0.09)


def test_merge_moves_reviews_and_removal_clears(db_session: Session, frozen_clock: Clock) -> None:
    moderator = make_member(db_session, role="moderator")
    source, target = make_supplier(db_session), make_supplier(db_session)
    both = make_member(db_session)
    make_review(db_session, both, source, rating=1)  # moves too, beside the author's other
    make_review(db_session, both, target, rating=5)
    moved = make_review(db_session, make_member(db_session), source, rating=3)
    merge_suppliers(db_session, moderator=moderator, source=source, target=target)
    assert supplier_reputation(db_session, target).level_counts == (1, 0, 1, 0, 1)
    assert supplier_reputation(db_session, source).level_counts == (0,) * 5
    assert db_session.get(ReputationEntry, moved.id).supplier_id == target.id  # type: ignore[union-attr]

    remove_supplier(db_session, moderator=moderator, supplier=target, reason="Spam entry")
    assert supplier_reputation(db_session, target).overall.count == 0
    stats = db_session.get(ReputationStats, target.id)
    assert stats is not None and stats.supplier_public is False


def test_refresh_is_idempotent_and_forget_subtracts(
    db_session: Session, frozen_clock: Clock
) -> None:
    supplier = make_supplier(db_session)
    review = make_review(db_session, make_member(db_session), supplier, rating=4)
    before = figures(supplier_reputation(db_session, supplier))
    refresh_review(db_session, review)
    signals.review_posted.send(review, session=db_session)
    assert figures(supplier_reputation(db_session, supplier)) == before
    forget_review(db_session, review.id)
    assert supplier_reputation(db_session, supplier).overall.count == 0


def test_recompute_all_rebuilds_what_was_wiped(db_session: Session, frozen_clock: Clock) -> None:
    supplier = make_supplier(db_session)
    for rating in (1, 4, 5, 5):
        make_review(db_session, make_member(db_session), supplier, rating=rating, fairness=3)
        frozen_clock.advance(days=40)
    before = figures(supplier_reputation(db_session, supplier))
    seen: list[int] = []
    read = recompute_all(db_session, progress=seen.append)
    assert read == sum(seen) >= 4
    assert_same(figures(supplier_reputation(db_session, supplier)), before)
    total = db_session.scalar(select(func.count()).select_from(ReputationEntry))
    assert total == read


# ---- The property, through the services and the signal handlers ----

step = st.tuples(
    st.sampled_from(["post", "post", "edit", "withdraw", "answer", "resolve", "claim"]),
    st.integers(0, 20),
    st.integers(1, 5),
    st.one_of(st.none(), st.integers(1, 5)),
    st.floats(0, 400, allow_nan=False),
)


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(st.lists(step, max_size=14))
def test_incremental_equals_recompute_in_the_database(
    db_session: Session,
    frozen_clock: Clock,
    steps: list[tuple[str, int, int, int | None, float]],
) -> None:
    frozen_clock.now = dt.datetime(2020, 1, 1, tzinfo=dt.UTC)
    savepoint = db_session.begin_nested()
    try:
        supplier = make_supplier(db_session)
        speaker = make_member(db_session)
        make_representative(db_session, speaker, supplier)
        live = []  # (author, review)
        for kind, pick, rating, aspect, days in steps:
            frozen_clock.advance(days=days)
            if kind == "post":
                author = make_member(db_session)
                review = make_review(db_session, author, supplier, rating=rating, ease=aspect)
                live.append((author, review))
                continue
            if not live:
                continue
            author, review = live[pick % len(live)]
            if kind == "edit":
                draft = make_draft(rating=rating, respect=aspect, title=f"Take {days}")
                edit_review(db_session, editor=author, review=review, draft=draft)
            elif kind == "withdraw":
                withdraw_review(db_session, actor=author, review=review)
                live.remove((author, review))
            elif kind == "answer":
                thread.answer_review(
                    db_session, representative=speaker, review=review, body="We hear you.",
                    states_change_made=True,
                )  # fmt: skip
            elif kind == "resolve":
                thread.mark_resolution(
                    db_session, member=author, review=review, resolved=rating > 2
                )
            else:
                pending = db_session.scalars(
                    select(ChangeClaim).where(
                        ChangeClaim.review_id == review.id, ChangeClaim.verdict.is_(None)
                    )
                ).first()
                if pending is not None:
                    thread.answer_change_claim(
                        db_session, member=author, claim=pending, confirmed=rating > 2
                    )
        at = frozen_clock.advance(days=10)
        incremental = figures(supplier_reputation(db_session, supplier, at=at))
        tallied = _tallies(db_session, supplier.id)
        recompute_supplier(db_session, supplier.id)
        rebuilt = figures(supplier_reputation(db_session, supplier, at=at))
        assert_same(incremental, rebuilt)
        assert _tallies(db_session, supplier.id) == tallied
        recompute_all(db_session)
        assert _tallies(db_session, supplier.id) == tallied
    finally:
        savepoint.rollback()


def _tallies(session: Session, supplier_id: int) -> tuple[object, ...]:
    """The sector tallies and the supplier's delay histogram, zero rows left out."""
    sectors = {
        (r.sector, r.dimension): (r.n1, r.n2, r.n3, r.n4, r.n5)
        for r in session.scalars(select(ReputationSector))
        if (r.n1, r.n2, r.n3, r.n4, r.n5) != (0,) * 5
    }
    buckets = {
        r.bucket: r.count
        for r in session.scalars(
            select(ResponseBucket).where(ResponseBucket.supplier_id == supplier_id)
        )
        if r.count
    }
    return sectors, buckets
