"""After an erasure, no file Parley writes holds the member's words any more.

A member whose texts carry unique marker words is erased from a database and a search
index of this test's own (real commits: the rows must reach the files). Then every byte
of the database (SQLite: the main file and its write-ahead log; PostgreSQL: a pg_dump)
and of every index file is searched for the markers, and "did you mean" is asked for a
misspelt marker. Before the erasure the same search finds them, so the scan is known to
see what it looks for.
"""

from __future__ import annotations

import base64
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
from sqlalchemy import select
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
from vrm.terms import service as terms_service
from vrm.terms.models import Agreement
from vrm.terms.seed import seed_library

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
    wal: Path | None = None  # SQLite's write-ahead log

    def session(self) -> Session:
        return get_db(self.app).session_factory()

    def found(self) -> set[str]:
        data = self.read_database() + b"".join(
            path.read_bytes() for path in self.search_dir.rglob("*") if path.is_file()
        )
        return {
            name
            for name, word in MARKERS.items()
            if any(form in data for form in (word.encode(), *base64_forms(word)))
        }

    def found_in_base64(self, word: str) -> bool:
        data = self.read_database()
        return any(form in data for form in base64_forms(word))

    def did_you_mean(self) -> str | None:
        misspelt = REVIEW_WORD[:-1] + "v"
        with self.app.app_context(), self.session() as session:
            return get_backend().search(session, SearchRequest(text=misspelt)).did_you_mean


def base64_forms(word: str) -> list[bytes]:
    """WORD as it reads inside base64url text (a receipt's JWS payload), at each of the
    three alignments: the characters that depend on WORD's bytes alone."""
    forms = []
    for shift in range(3):
        encoded = base64.urlsafe_b64encode(b"\0" * shift + word.encode()).rstrip(b"=")
        forms.append(encoded[4:-4])
    return forms


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

    return Place(app, search_dir, read, wal=tmp_path / "erasure.db-wal")


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
                Notification(member_id=member.id, kind="test", text=MARKERS["notification"]),
            ]
        )
        # Published through the service: Parley accepts at once, so an agreement and a
        # signed receipt (the handle inside, base64-encoded) name the member too.
        seed_library(session)
        items = [{"clause": "parley:no-stalking", "version": 1}]
        terms_service.save_draft(
            session, actor=member, member=member, items=items, text=MARKERS["terms"]
        )
        terms_service.publish(session, actor=member, member=member)
        assert session.scalar(select(Agreement).where(Agreement.member_id == member.id))
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
    assert place.found_in_base64(MARKERS["handle"]), "the receipt names the member"
    assert place.did_you_mean() == REVIEW_WORD

    _erase(place, member_id)

    assert place.found() == set()
    assert place.did_you_mean() is None
    if place.wal is not None:  # checkpointed, then truncated to nothing
        assert not place.wal.exists() or place.wal.stat().st_size == 0


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


# Tables whose ids appear in a URL, an anchor, an Atom entry's id or a receipt.
IDS_IN_PUBLIC = (
    "member", "identity", "review", "review_message", "review_flag", "change_claim",
    "notification", "representative_claim", "terms_proffer", "terms_agreement",
    "terms_standing", "terms_report", "activity_event", "watch",
)  # fmt: skip


def test_every_table_whose_ids_are_public_never_reuses_them(tmp_path: Path) -> None:
    """Checked on the migrated schema itself, not only on the models."""
    url = f"sqlite:///{tmp_path / 'ids.db'}"
    command.upgrade(alembic_config(url), "heads")
    engine = sa.create_engine(url)
    try:
        with engine.connect() as connection:
            rows = connection.execute(
                sa.text("SELECT name, sql FROM sqlite_master WHERE type = 'table'")
            )
            sql = {name: text for name, text in rows}
    finally:
        engine.dispose()
    plain = [table for table in IDS_IN_PUBLIC if "AUTOINCREMENT" not in sql[table]]
    assert not plain, f"these tables would hand an erased row's id to a new row: {plain}"
