"""`flask reputation check`: finds drift between stored aggregates and a recompute,
changes nothing, exits 1 when there is some."""

from __future__ import annotations

from flask import Flask
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from tests.reputation.conftest import Clock
from tests.reputation.test_pages import reviewed
from tests.reviews.factories import make_draft
from vrm.reputation.check import find_drift
from vrm.reputation.cli import reputation_group
from vrm.reputation.models import (
    ReputationMonth,
    ReputationSector,
    ReputationStats,
    ReputationSums,
    ResponseBucket,
)
from vrm.reviews.models import Review
from vrm.reviews.service import edit_review, withdraw_review


def _check(app: Flask) -> tuple[int, str]:
    with app.app_context():
        result = app.test_cli_runner().invoke(reputation_group, ["check"])
    return result.exit_code, result.output


def test_no_drift_after_posts_edits_and_withdrawals(
    app: Flask, db_session: Session, frozen_clock: Clock
) -> None:
    supplier = reviewed(db_session, [3, 4, 5])
    first, second, _ = db_session.scalars(select(Review).where(Review.supplier_id == supplier.id))
    frozen_clock.advance(days=400)  # past a rebase: stored and batch epochs differ
    edit_review(db_session, editor=first.author, review=first, draft=make_draft(rating=1))
    withdraw_review(db_session, actor=second.author, review=second)
    assert list(find_drift(db_session)) == []
    assert _check(app) == (0, "Stored reputation matches a recompute.\n")


def test_drift_is_reported_and_left_alone(app: Flask, db_session: Session) -> None:
    supplier = reviewed(db_session, [2, 4])
    db_session.execute(
        update(ReputationStats)
        .where(ReputationStats.supplier_id == supplier.id)
        .values(review_count=7)
    )
    db_session.execute(
        update(ReputationSums)
        .where(ReputationSums.supplier_id == supplier.id, ReputationSums.dimension == "overall")
        .values(n4=0)
    )
    db_session.execute(update(ReputationMonth).values(rating_sum=ReputationMonth.rating_sum + 1))
    code, output = _check(app)
    assert code == 1
    assert "stats.review_count: stored 7, expected 2" in output
    assert "sums[overall]" in output and "month" in output
    assert "3 stored figure(s) differ" in output
    db_session.expire_all()
    assert db_session.get(ReputationStats, supplier.id).review_count == 7  # untouched


def test_drifted_sector_prior_and_answer_delays_are_reported(
    app: Flask, db_session: Session
) -> None:
    supplier = reviewed(db_session, [5])
    db_session.execute(update(ReputationSector).values(n5=ReputationSector.n5 + 3))
    db_session.add(ResponseBucket(supplier_id=supplier.id, bucket=4, count=2))
    db_session.flush()
    found = [str(drift) for drift in find_drift(db_session)]
    assert f"sector {supplier.sector} [overall]: stored [0, 0, 0, 0, 4], expected" in found[-1]
    assert any(f"supplier {supplier.id}: answer delays: stored {{4: 2}}" in d for d in found)
    assert _check(app)[0] == 1
