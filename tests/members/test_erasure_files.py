"""After an erasure, no file Parley writes holds the member's words any more.

A member whose texts carry unique marker words is erased from a database and a search
index of this test's own (real commits: the rows must reach the files). Then every byte
of the database (SQLite: the main file and its write-ahead log; PostgreSQL: a pg_dump)
and of every index file is searched for the markers, and "did you mean" is asked for a
misspelt marker. Before the erasure the same search finds them, so the scan is known to
see what it looks for.
"""

from __future__ import annotations

import secrets
import subprocess
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from alembic import command
from flask import Flask
from sqlalchemy.orm import Session

from tests.representatives import factories as make
from tests.search.conftest import engines
from vrm.activity.service import record
from vrm.db import get_db
from vrm.members.erasure import scrub_storage
from vrm.members.models import Member
from vrm.members.service import erase_member
from vrm.notifications.models import Notification
from vrm.reviews.models import ReviewFlag, ReviewMessage
from vrm.schema import alembic_config
from vrm.search import rebuild
from vrm.search.backend import backend_name, get_backend
from vrm.search.postgres import indexing
from vrm.search.searching import SearchRequest
from vrm.suppliers.models import RepresentativeClaim
from vrm.terms.models import Terms

# Words no real text holds. The review's words are the ones "did you mean" would offer.
REVIEW_WORD = "zorbquillreview"
MARKERS = {
    "handle": "zorbhandle",
    "subject": "zorbsubject",
    "review": REVIEW_WORD,
    "reply": "zorbquillreply",
    "flag": "zorbquillflag",
    "claim": "zorbquillclaim",
    "notification": "zorbquillnote",
    "terms": "zorbquillterms",
    "activity": "zorbquillhash",
}
KEPT_WITH_REVIEWS = {"review", "reply"}


@dataclass
class Place:
    """A database and an index of this test's own, and how to read their bytes."""

    app: Flask
    search_dir: Path
    read_database: Callable[[], bytes]

    def session(self) -> Session:
        return get_db(self.app).session_factory()

    def found(self) -> set[str]:
        data = self.read_database() + b"".join(
            path.read_bytes() for path in self.search_dir.rglob("*") if path.is_file()
        )
        return {name for name, word in MARKERS.items() if word.encode() in data}

    def did_you_mean(self) -> str | None:
        misspelt = REVIEW_WORD[:-1] + "v"
        with self.app.app_context(), self.session() as session:
            return get_backend().search(session, SearchRequest(text=misspelt)).did_you_mean


def _sqlite_place(build_app: Callable[..., Flask], tmp_path: Path, search_engine: str) -> Place:
    database = tmp_path / "erasure.db"
    url = f"sqlite:///{database}"
    command.upgrade(alembic_config(url), "heads")
    search_dir = tmp_path / "search"
    app = build_app(url, search_backend=search_engine, extra={"SEARCH_DIR": str(search_dir)})

    def read() -> bytes:
        return b"".join(
            path.read_bytes() for path in tmp_path.glob("erasure.db*") if path.is_file()
        )

    return Place(app, search_dir, read)


def _postgresql_place(
    build_app: Callable[..., Flask], tmp_path: Path, database_url: str, search_engine: str
) -> Iterator[Place]:
    """A schema of its own in the test database: migrated, dumped, then dropped."""
    schema = f"erasure_{secrets.token_hex(4)}"
    engine = sa.create_engine(database_url)
    with engine.begin() as connection:
        connection.execute(sa.text(f"CREATE SCHEMA {schema}"))
    url = sa.make_url(database_url).update_query_dict({"options": f"-csearch_path={schema}"})
    rendered = url.render_as_string(hide_password=False)
    try:
        command.upgrade(alembic_config(rendered), "heads")
        search_dir = tmp_path / "search"
        app = build_app(
            rendered, search_backend=search_engine, extra={"SEARCH_DIR": str(search_dir)}
        )
        plain = sa.make_url(database_url).set(drivername="postgresql")

        def dump() -> bytes:
            return subprocess.run(
                ["pg_dump", "--schema", schema, plain.render_as_string(hide_password=False)],
                check=True,
                capture_output=True,
            ).stdout

        yield Place(app, search_dir, dump)
    finally:
        with engine.begin() as connection:
            connection.execute(sa.text(f"DROP SCHEMA {schema} CASCADE"))
        engine.dispose()


@pytest.fixture(params=engines())
def place(
    build_app: Callable[..., Flask], tmp_path: Path, database_url: str, request: Any
) -> Iterator[Place]:
    """Each search engine in turn (postgres only on PostgreSQL): neither keeps a word."""
    if database_url.startswith("sqlite"):
        yield _sqlite_place(build_app, tmp_path, request.param)
    else:
        yield from _postgresql_place(build_app, tmp_path, database_url, request.param)


def _plant(place: Place) -> int:
    """A member whose every kind of text holds a marker; their id."""
    with place.app.app_context(), place.session() as session:
        member = make.member(session, MARKERS["handle"])
        member.identities[0].subject = MARKERS["subject"]
        other = make.member(session)
        supplier = make.supplier(session, "Acme Energy")
        review = make.review(
            session, author=member, supplier=supplier, body=f"The {REVIEW_WORD} was wrong."
        )
        others = make.review(session, author=other, supplier=supplier, body="Fine service.")
        body = f"Still {MARKERS['reply']}."
        session.add_all(
            [
                ReviewMessage(review_id=review.id, author_id=member.id, body=body, body_html=body),
                ReviewFlag(review_id=others.id, flagged_by_id=member.id, reason=MARKERS["flag"]),
                RepresentativeClaim(
                    supplier_id=supplier.id,
                    member_id=member.id,
                    method="moderator",
                    note=MARKERS["claim"],
                ),
                Notification(
                    member_id=member.id, kind="test", text=MARKERS["notification"], link="/"
                ),
                Terms(member_id=member.id, draft={"text": MARKERS["terms"]}),
            ]
        )
        record(session, "terms.published", actor_id=member.id, sha256=MARKERS["activity"])
        session.commit()
        member_id = member.id
    # The rows above were added without the services' signals: index them all now.
    database = get_db(place.app)
    if backend_name(place.app) == "whoosh":
        rebuild.rebuild(database.session_factory, place.search_dir)
    else:
        indexing.reindex(database.session_factory, database.read_session_factory)
    return member_id


def _erase(place: Place, member_id: int, **choice: Any) -> None:
    with place.app.app_context():
        with place.session() as session:
            member = session.get(Member, member_id)
            assert member is not None
            erase_member(session, member, **choice)
            session.commit()
        scrub_storage(place.app)


def test_erasing_everything_leaves_no_marker_in_any_file(place: Place) -> None:
    member_id = _plant(place)
    assert place.found() == set(MARKERS), "the scan must see the markers before erasure"
    assert place.did_you_mean() == REVIEW_WORD

    _erase(place, member_id)

    assert place.found() == set()
    assert place.did_you_mean() is None


def test_keeping_reviews_keeps_only_their_words(place: Place) -> None:
    member_id = _plant(place)
    _erase(place, member_id, keep_reviews=True)

    assert place.found() == KEPT_WITH_REVIEWS
    assert place.did_you_mean() == REVIEW_WORD  # the review is still public and searchable


def test_an_erased_members_ids_are_never_given_again(app: Flask, db_session, client) -> None:
    """SQLite hands out max(id) + 1 unless a table says AUTOINCREMENT: the newest review's
    id, erased, would name the next review written, by someone else about another
    supplier. PostgreSQL's sequences never go back."""
    leaving, staying = make.member(db_session), make.member(db_session)
    review = make.review(db_session, author=leaving, supplier=make.supplier(db_session))
    old = {"member": leaving.id, "review": review.id}
    with app.app_context():
        erase_member(db_session, leaving)
    db_session.commit()

    newcomer = make.member(db_session)
    later = make.review(db_session, author=staying, supplier=make.supplier(db_session))
    assert newcomer.id > old["member"] and later.id > old["review"]
    assert client.get(f"/reviews/{old['review']}").status_code == 404
    assert client.get(f"/api/v1/reviews/{old['review']}").status_code == 404
