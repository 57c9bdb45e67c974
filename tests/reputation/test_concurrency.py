"""Races on one review and one supplier, forced deterministically on PostgreSQL (one
transaction holds its locks until the other is seen waiting on them), and through HTTP
against two app instances on one database. After each, the stored aggregates equal a
recompute (vrm.reputation.check finds no drift) and nobody got a 500."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tests.conftest import csrf_from, make_settings
from tests.reviews.factories import (
    make_draft,
    make_member,
    make_representative,
    make_review,
    make_supplier,
    sign_in_as,
)
from tests.support.concurrency import interleave, is_postgres, separate_database
from vrm import create_app
from vrm.db import get_db
from vrm.errors import Conflict
from vrm.members.models import Member
from vrm.reputation.check import find_drift
from vrm.reputation.models import ReputationEntry, ReputationStats
from vrm.reviews import thread
from vrm.reviews.models import Review, ReviewRevision
from vrm.reviews.service import AlreadyReviewed, edit_review, post_review, withdraw_review
from vrm.suppliers.models import Supplier
from vrm.terms import agreements
from vrm.terms import service as terms
from vrm.terms.models import Terms
from vrm.terms.seed import seed_library

SERIALISED = (
    "SQLite serialises writers (every write transaction begins IMMEDIATE), so the second "
    "cannot read the rows until the first has committed: this interleaving cannot occur"
)


@pytest.fixture(scope="module")
def racing_app(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    """An app on a database of its own, where transactions really commit."""
    with separate_database(database_url, tmp_path_factory.mktemp("race")) as url:
        app = create_app(make_settings(url, tmp_path_factory.mktemp("race-instance")))
        yield app
        get_db(app).engine.dispose()


@pytest.fixture
def postgres_only(racing_app: Flask) -> None:
    if not is_postgres(racing_app):
        pytest.skip(SERIALISED)


def _committed(app: Flask, build: Any) -> Any:
    with app.app_context(), get_db(app).session_factory() as session:
        made = build(session)
        session.commit()
        return made


def _scene(app: Flask, rating: int = 5) -> tuple[int, int, int, int]:
    """A supplier with one review (by an author) and a verified representative."""

    def build(session: Session) -> tuple[int, int, int, int]:
        supplier, author, speaker = (
            make_supplier(session),
            make_member(session),
            make_member(session),
        )
        make_representative(session, speaker, supplier)
        review = make_review(session, author, supplier, rating=rating)
        return supplier.id, author.id, speaker.id, review.id

    return _committed(app, build)  # type: ignore[no-any-return]


def assert_no_drift(app: Flask) -> None:
    with app.app_context(), get_db(app).session_factory() as session:
        assert [str(drift) for drift in find_drift(session)] == []


def _entry(app: Flask, review_id: int) -> ReputationEntry | None:
    with app.app_context(), get_db(app).session_factory() as session:
        return session.get(ReputationEntry, review_id)


def _edit(member_id: int, review_id: int, rating: int) -> Any:
    def run(session: Session) -> Review:
        review = session.get(Review, review_id)
        editor = session.get(Member, member_id)
        return edit_review(session, editor=editor, review=review, draft=make_draft(rating=rating))

    return run


def _withdraw(member_id: int, review_id: int) -> Any:
    def run(session: Session) -> Review:
        review = session.get(Review, review_id)
        return withdraw_review(session, actor=session.get(Member, member_id), review=review)

    return run


@pytest.mark.usefixtures("postgres_only")
def test_an_answer_waiting_on_an_edit_folds_the_edited_rating(racing_app: Flask) -> None:
    _, author, speaker, review_id = _scene(racing_app, rating=5)

    def answer(session: Session) -> Any:
        review = session.get(Review, review_id)
        assert review.rating == 5  # loaded before the edit commits: what it holds is stale
        member = session.get(Member, speaker)
        return thread.answer_review(session, representative=member, review=review, body="Sorry.")

    _, waited = interleave(racing_app, _edit(author, review_id, 1), answer)
    assert waited.error is None
    entry = _entry(racing_app, review_id)
    assert entry.rating == 1 and entry.response_seconds is not None
    assert_no_drift(racing_app)


@pytest.mark.usefixtures("postgres_only")
def test_an_edit_waiting_on_a_withdrawal_is_refused(racing_app: Flask) -> None:
    _, author, _, review_id = _scene(racing_app)
    _, waited = interleave(racing_app, _withdraw(author, review_id), _edit(author, review_id, 1))
    assert isinstance(waited.error, Conflict) and "withdrawn" in waited.error.detail
    assert _entry(racing_app, review_id) is None  # the withdrawn review counts for nothing
    assert_no_drift(racing_app)


@pytest.mark.usefixtures("postgres_only")
def test_a_withdrawal_waiting_on_an_edit_removes_the_edited_rating(racing_app: Flask) -> None:
    _, author, _, review_id = _scene(racing_app)
    _, waited = interleave(racing_app, _edit(author, review_id, 2), _withdraw(author, review_id))
    assert waited.error is None
    assert _entry(racing_app, review_id) is None
    assert_no_drift(racing_app)


@pytest.mark.usefixtures("postgres_only")
def test_a_double_submitted_edit_saves_one_revision(racing_app: Flask) -> None:
    _, author, _, review_id = _scene(racing_app)
    _, waited = interleave(racing_app, _edit(author, review_id, 3), _edit(author, review_id, 3))
    assert waited.error is None  # it found its twin's revision: nothing left to change
    with racing_app.app_context(), get_db(racing_app).session_factory() as session:
        numbers = session.scalars(
            select(ReviewRevision.number).where(ReviewRevision.review_id == review_id)
        ).all()
    assert sorted(numbers) == [1, 2]
    assert_no_drift(racing_app)


@pytest.mark.usefixtures("postgres_only")
def test_first_reviews_of_a_supplier_at_once_both_count(racing_app: Flask) -> None:
    def build(session: Session) -> tuple[int, int, int]:
        supplier = make_supplier(session)
        return supplier.id, make_member(session).id, make_member(session).id

    supplier_id, first, second = _committed(racing_app, build)

    def post(member_id: int, rating: int) -> Any:
        def run(session: Session) -> Review:
            author, supplier = session.get(Member, member_id), session.get(Supplier, supplier_id)
            draft = make_draft(rating=rating)
            return post_review(session, author=author, supplier=supplier, draft=draft)

        return run

    _, waited = interleave(racing_app, post(first, 4), post(second, 2))
    assert waited.error is None
    with racing_app.app_context(), get_db(racing_app).session_factory() as session:
        assert session.get(ReputationStats, supplier_id).review_count == 2
    assert_no_drift(racing_app)


@pytest.mark.usefixtures("postgres_only")
def test_a_double_post_is_a_conflict_not_an_error(racing_app: Flask) -> None:
    def build(session: Session) -> tuple[int, int]:
        return make_supplier(session).id, make_member(session).id

    supplier_id, author_id = _committed(racing_app, build)

    def post(session: Session) -> Review:
        author, supplier = session.get(Member, author_id), session.get(Supplier, supplier_id)
        return post_review(session, author=author, supplier=supplier, draft=make_draft())

    _, waited = interleave(racing_app, post, post)
    assert isinstance(waited.error, AlreadyReviewed)
    assert_no_drift(racing_app)


# ---- Through HTTP: two app instances on one database, requests released together ----


@pytest.fixture
def two_instances(racing_app: Flask, tmp_path: Path) -> Iterator[list[Flask]]:
    url = get_db(racing_app).engine.url.render_as_string(hide_password=False)
    apps = [create_app(make_settings(url, tmp_path / f"instance-{n}")) for n in range(2)]
    yield apps
    for app in apps:
        get_db(app).engine.dispose()


def _together(*requests: Any) -> list[Any]:
    """Run each request in its own thread, released at once by a barrier."""
    barrier = threading.Barrier(len(requests))
    answers: list[Any] = [None] * len(requests)

    def run(index: int) -> None:
        prepared = requests[index]()  # GET the form first (its CSRF token)
        barrier.wait()
        answers[index] = prepared()

    threads = [threading.Thread(target=run, args=(n,)) for n in range(len(requests))]
    for each in threads:
        each.start()
    for each in threads:
        each.join(timeout=60)
    return answers


def _poster(app: Flask, member_id: int, path: str, data: dict[str, Any]) -> Any:
    def prepare() -> Any:
        client = app.test_client()
        with app.app_context(), get_db(app).session_factory() as session:
            sign_in_as(client, session.get(Member, member_id))
        token = csrf_from(client.get(path).get_data(as_text=True))
        return lambda: client.post(path, data={"csrf_token": token, **data}).status_code

    return prepare


def _form(rating: int) -> dict[str, Any]:
    draft = make_draft(rating=rating)
    return {
        "rating": str(draft.rating),
        "title": draft.title,
        "body": draft.body,
        "experienced_on": draft.experienced_on.isoformat(),
    }


def test_two_instances_racing_posts_and_edits(racing_app: Flask, two_instances: list[Flask]):
    one, other = two_instances
    for round_number in range(4):

        def build(session: Session) -> tuple[str, int, int]:
            supplier = make_supplier(session)
            return supplier.slug, make_member(session).id, make_member(session).id

        slug, first, second = _committed(racing_app, build)
        path = f"/s/{slug}/review"
        # Two members' first reviews of a new supplier, one on each instance.
        assert _together(
            _poster(one, first, path, _form(5)), _poster(other, second, path, _form(1))
        ) == [303, 303]
        # One member's same form sent twice (two tabs): one review, the other a 409 page.
        third = _committed(racing_app, lambda session: make_member(session).id)
        statuses = _together(
            _poster(one, third, path, _form(4)), _poster(other, third, path, _form(4))
        )
        assert sorted(statuses) == [303, 409], round_number
        # The same edit submitted twice at once: both succeed, one new revision.
        with racing_app.app_context(), get_db(racing_app).session_factory() as session:
            review_id = session.scalar(
                select(Review.id).where(Review.author_id == first, Review.status == "live")
            )
        edit = f"/reviews/{review_id}/edit"
        assert _together(
            _poster(one, first, edit, _form(2)), _poster(other, first, edit, _form(2))
        ) == [303, 303]
        with racing_app.app_context(), get_db(racing_app).session_factory() as session:
            count = select(func.count()).where(ReviewRevision.review_id == review_id)
            assert session.scalar(count) == 2
    assert_no_drift(racing_app)


# ---- A member's terms: one change at a time ----


def _member_with_terms(app: Flask, *, published: bool) -> tuple[int, int]:
    def build(session: Session) -> tuple[int, int]:
        seed_library(session)
        supplier, member = make_supplier(session), make_member(session)
        if published:
            terms.save_draft(session, actor=member, member=member, items=[], text=TERMS_TEXT)
            terms.publish(session, actor=member, member=member)
        return supplier.id, member.id

    return _committed(app, build)  # type: ignore[no-any-return]


TERMS_TEXT = "Answer my letters within ten working days."


@pytest.mark.usefixtures("postgres_only")
def test_a_double_proffer_is_a_conflict_not_an_error(racing_app: Flask) -> None:
    supplier_id, member_id = _member_with_terms(racing_app, published=True)

    def proffer(session: Session) -> Any:
        member, supplier = session.get(Member, member_id), session.get(Supplier, supplier_id)
        return agreements.proffer(session, member=member, supplier=supplier)

    _, waited = interleave(racing_app, proffer, proffer)
    assert isinstance(waited.error, Conflict) and "already proffered" in waited.error.detail


@pytest.mark.usefixtures("postgres_only")
def test_two_first_drafts_at_once_make_one_terms_row(racing_app: Flask) -> None:
    _, member_id = _member_with_terms(racing_app, published=False)

    def draft(text: str) -> Any:
        def run(session: Session) -> Any:
            member = session.get(Member, member_id)
            return terms.save_draft(session, actor=member, member=member, items=[], text=text)

        return run

    _, waited = interleave(racing_app, draft("First words."), draft("Second words."))
    assert waited.error is None
    with racing_app.app_context(), get_db(racing_app).session_factory() as session:
        rows = session.scalars(select(Terms).where(Terms.member_id == member_id)).all()
    assert [row.draft["text"] for row in rows] == ["Second words."]
